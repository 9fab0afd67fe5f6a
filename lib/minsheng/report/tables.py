"""Tables as people read them in notebooks: Chinese headers, percents, signed gaps, labels.

Headers and column types come from `report.columns`; figures stay numbers (pandas shows
them), fractions become percents and codes their labels.
"""

from __future__ import annotations

import pandas as pd

from minsheng.report import columns as C
from minsheng.report.format import fmt_percent, fmt_points
from minsheng.report.labels import label


def chinese(frame: pd.DataFrame, cols: list[C.Col]) -> pd.DataFrame:
    """`frame` with the listed columns only, Chinese headers and display formats."""
    out = {}
    for col in cols:
        if col.source not in frame.columns:
            continue
        s = frame[col.source]
        kind = C.kind_of(col.source)
        if kind == "pct":
            s = s.map(fmt_percent)
        elif kind == "points":
            s = s.map(fmt_points)
        elif kind.startswith("label:"):
            group = kind.split(":", 1)[1]
            s = s.astype(str).map(lambda v, g=group: label(g, v))
        elif kind == "flag":
            s = s.map({True: "是", False: ""})
        out[col.header] = s
    return pd.DataFrame(out, index=range(len(frame)))


def indicators(table: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The indicator table (a chosen set of columns, default: the figures that matter)."""
    keep = columns or C.INDICATOR_FIGURES
    return chinese(table, [c for c in C.INDICATOR_TABLE if c.source in keep])


def items(frame: pd.DataFrame) -> pd.DataFrame:
    return chinese(frame, C.summary_cols([C.col("item_no", "item_rows"), C.col("item_name")]))


def units(frame: pd.DataFrame) -> pd.DataFrame:
    return chinese(frame, C.summary_cols([C.col("unit", "unit_summary")]))


def district_rank(frame: pd.DataFrame) -> pd.DataFrame:
    return chinese(frame, C.district_rank_cols())

