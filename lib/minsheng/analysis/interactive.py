"""Interactive tables for analysts in JupyterLab: every DataFrame a notebook shows becomes a
searchable, sortable, paged table (itables), working offline.

`interactive_tables()` is called once per exploration notebook (00, 10, 11):

- offline: the DataTables bundle is embedded once in the notebook (itables' `connected=False`),
  so an executed notebook exported to HTML still opens without a network;
- deterministic: each table's HTML id is `ms-<n>-<hash>` (n counts the tables shown, hash is
  of the table's content), never a random uuid, so a re-run writes the same HTML;
- only where someone reads the tables live. The environment variable `MINSHENG_TABLES`
  decides: `interactive` or `static`; unset, tables are interactive in a kernel started by a
  Jupyter server (JupyterLab sets `JPY_SESSION_NAME` for its kernels) and static elsewhere
  (papermill, nbval). `make reference` and `make nbval` set `static` explicitly: stored
  outputs stay pandas' own HTML table, which is what nbval compares.

The text/plain output of every table is pandas' own in both modes.
"""

from __future__ import annotations

import hashlib
import itertools
import os

import pandas as pd

TABLES_ENV = "MINSHENG_TABLES"
MODES = ("interactive", "static")
# Tables up to this size are embedded whole; larger ones are shortened by itables, which says so.
MAX_BYTES = 1 << 20
# The table controls in Chinese (DataTables' language option).
LANGUAGE = {"search": "搜索：", "lengthMenu": "每页 _MENU_ 行", "info": "第 _START_–_END_ 行，共 _TOTAL_ 行",
            "infoEmpty": "共 0 行", "infoFiltered": "（从 _MAX_ 行中筛选）",
            "zeroRecords": "没有匹配的行", "emptyTable": "无数据"}


def table_mode() -> str:
    """'interactive' or 'static' (see the module docstring); an unknown value counts as unset."""
    mode = os.environ.get(TABLES_ENV, "").strip().lower()
    if mode in MODES:
        return mode
    return "interactive" if os.environ.get("JPY_SESSION_NAME") else "static"


def interactive_tables() -> None:
    """Show DataFrames as interactive tables in this kernel from now on.

    Does nothing outside IPython or when `table_mode()` is static (returns None either way,
    so the call adds no output of its own in a notebook).
    """
    if table_mode() != "interactive":
        return
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover  (ipykernel brings IPython)
        return
    shell = get_ipython()
    if shell is None:
        return
    import itables

    # Embeds the library once (its display output must be kept: the tables below use it);
    # all_interactive=False leaves pandas' own methods alone: the formatter below does the work.
    itables.init_notebook_mode(all_interactive=False, connected=False)
    counter = itertools.count(1)

    def as_datatable(frame: pd.DataFrame | pd.Series) -> str:
        digest = hashlib.sha1(frame.to_csv().encode("utf-8")).hexdigest()[:8]
        return itables.to_html_datatable(frame, table_id=f"ms-{next(counter)}-{digest}",
                                         connected=False, maxBytes=MAX_BYTES, language=LANGUAGE)

    html = shell.display_formatter.formatters["text/html"]
    html.for_type(pd.DataFrame, as_datatable)
    html.for_type(pd.Series, as_datatable)
