"""Tables as people read them in notebooks: Chinese headers, percents and signed gaps.

The column lists are the XLSX export's (one definition of what each column is called);
this module only formats them for display.
"""

from __future__ import annotations

import pandas as pd

from minsheng import export_xlsx as xl
from minsheng.bulletin import fmt_percent, fmt_points
from minsheng.config import settings


def chinese(frame: pd.DataFrame, cols: list[xl.Col]) -> pd.DataFrame:
    """`frame` with the listed columns only, Chinese headers and display formats."""
    labels = {**settings()["labels"]["status"], **settings()["labels"]["projection"],
              **settings()["labels"]["kind"]}
    out = {}
    for col in cols:
        if col.source not in frame.columns:
            continue
        s = frame[col.source]
        if col.fmt == xl.PCT:
            s = s.map(fmt_percent)
        elif col.fmt == xl.POINTS:
            s = s.map(fmt_points)
        elif col.source in ("status", "projection", "kind"):
            s = s.astype(str).map(lambda v: labels.get(v, v))
        elif col.source in ("soft", "reached"):
            s = s.map({True: "是", False: ""})
        out[col.header] = s
    return pd.DataFrame(out, index=range(len(frame)))


INDICATOR_COLUMNS = ["indicator_id", "indicator", "target_value", "unit", "value", "data_month",
                     "attainment", "expected", "gap_points", "status", "projection"]


def indicators(table: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """The indicator table (a chosen set of columns, default: the figures that matter)."""
    keep = columns or INDICATOR_COLUMNS
    return chinese(table, [c for c in xl.TABLE_COLS if c.source in keep])


def items(frame: pd.DataFrame) -> pd.DataFrame:
    return chinese(frame, xl.summary_cols([xl.Col("item_no", "序号"), xl.Col("item_name", "项目")]))


def units(frame: pd.DataFrame) -> pd.DataFrame:
    return chinese(frame, xl.summary_cols([xl.Col("unit", "责任单位")]))


def districts(frame: pd.DataFrame) -> pd.DataFrame:
    return chinese(frame, xl.rank_cols())


def district_detail(frame: pd.DataFrame) -> pd.DataFrame:
    return chinese(frame, xl.DETAIL_COLS)
