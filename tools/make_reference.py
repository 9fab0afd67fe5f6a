"""`make reference`: the one way notebook outputs are regenerated.

1. Bring each notebook in step with its `.py` pair (jupytext, percent format): whichever of
   the two was edited last gives the code and text; the `.ipynb` keeps its outputs.
2. Clean the reference submissions (data/reference/raw → data/reference/clean), for the year
   the notebooks' default parameters name.
3. Execute every notebook in notebooks/ in place with its default parameters, which point
   at the reference data, with static tables (MINSHENG_TABLES=static: stored outputs are
   pandas' own HTML, which nbval compares), and drop papermill's timing metadata so a re-run
   on the same inputs leaves the files byte-identical (nbval then checks the stored outputs).
4. Write each `.py` pair again from the executed notebook.

    .venv/bin/python tools/make_reference.py                  # all notebooks
    .venv/bin/python tools/make_reference.py 02_attainment    # just these
    .venv/bin/python tools/make_reference.py --pairs          # step 1 and 4 only, no execution
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401  (before nbformat, which jupytext imports too)
import nbformat
from minsheng import config
from minsheng.run import cli
from minsheng.run.kernels import PAPERMILL_OPTIONS, papermill
from minsheng.run.notebooks import strip_volatile
from tqdm import tqdm

PAIR_FORMAT = "py:percent"
# The pairing every notebook carries; the .py header leaves out jupytext's own version, so an
# upgrade of jupytext does not rewrite every pair.
PAIRING = {"formats": f"ipynb,{PAIR_FORMAT}",
           "notebook_metadata_filter": "-jupytext.text_representation.jupytext_version"}


def pair_path(notebook: Path) -> Path:
    return notebook.with_suffix(".py")


def sync_pair(notebook: Path) -> None:
    """Inputs from whichever of notebook / its .py pair is newer; outputs stay in the notebook."""
    from jupytext.cli import jupytext as jupytext_cli

    nb = nbformat.read(notebook, as_version=4)
    if nb.metadata.get("jupytext") != PAIRING:
        nb.metadata["jupytext"] = PAIRING
        nbformat.write(nb, notebook)
    if pair_path(notebook).exists():
        jupytext_cli(["--sync", "--quiet", str(notebook)])
    write_pair(notebook)


def write_pair(notebook: Path) -> None:
    """The .py pair as jupytext writes it from the notebook (what tests/test_pairing.py checks)."""
    import jupytext

    text = jupytext.writes(jupytext.read(notebook), fmt=PAIR_FORMAT)
    path = pair_path(notebook)
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def reference_year() -> int:
    """The year the notebooks' default parameters name (01_clean_progress's `year`)."""
    declared = papermill().inspect_notebook(str(config.NOTEBOOKS / "01_clean_progress.ipynb"))
    return int(declared["year"]["default"])


def main(argv: list[str]) -> int:
    # Kernels inherit this: the exploration notebooks keep pandas' static tables.
    os.environ["MINSHENG_TABLES"] = "static"
    pairs_only = "--pairs" in argv
    wanted = {a for a in argv if not a.startswith("--")}
    # `make reference` runs them all; naming some (e.g. 02_attainment) reruns just those.
    notebooks = [nb for nb in sorted(config.NOTEBOOKS.glob("[0-9]*.ipynb"))
                 if not wanted or nb.stem in wanted]
    for nb in notebooks:
        sync_pair(nb)
    if pairs_only:
        print(f"synced {len(notebooks)} notebook pairs (.ipynb ⇄ .py)")
        return 0
    code = cli.main(["clean", str(config.REFERENCE_RAW), "--out",
                     str(config.DATA / "reference" / "clean"), "--year", str(reference_year())])
    if code not in (cli.EXIT_OK, cli.EXIT_WARNINGS):
        return code
    pm = papermill()   # as a run calls it (engine, kernel ended when done)
    for nb in tqdm(notebooks, desc="reference", unit="nb", file=sys.stderr):
        pm.execute_notebook(str(nb), str(nb), **PAPERMILL_OPTIONS, cwd=str(config.ROOT))
        strip_volatile(nb)
        write_pair(nb)
    print(f"regenerated {len(notebooks)} notebooks from {config.REFERENCE_RAW.relative_to(config.ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
