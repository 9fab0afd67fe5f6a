"""Annual assessment (年考核): 超额完成 / 按期完成 / 未完成 per indicator, item and unit.

Indicator: exceeded when the target is met and attainment is above 1 + exceed_margin
(directional targets can only be met); met when the target is met; otherwise missed —
including no figure at all. A group (item, unit) is missed if any of its indicators is,
exceeded if all are met and more than half exceeded, else met.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.config import settings

CLASSES = ("exceeded", "met", "missed")


def assess_indicators(table: pd.DataFrame, margin: float | None = None) -> pd.Series:
    """Class per indicator of a year-end attainment table (month 12)."""
    margin = settings()["assessment"]["exceed_margin"] if margin is None else margin
    met = table["reached"].astype(bool)
    # A directional target is a yes/no: met or not, never exceeded.
    exceeded = met & (table["kind"] != "directional") & (table["attainment"].round(9) > 1 + margin)
    codes = np.select([exceeded, met], ["exceeded", "met"], default="missed")
    return pd.Series(pd.Categorical(codes, categories=CLASSES), index=table.index,
                     name="assessment")


def _group(classes: pd.Series) -> str:
    if (classes == "missed").any():
        return "missed"
    return "exceeded" if (classes == "exceeded").mean() > 0.5 else "met"


def assess(table: pd.DataFrame, by: str) -> pd.DataFrame:
    """Assessment of each group (`item_no` or `responsible_units`): counts and class.

    With responsible_units an indicator counts for every unit of its item.
    """
    t = table.assign(assessment=assess_indicators(table))
    if by == "responsible_units":
        t = t.assign(unit=t[by].str.split("、")).explode("unit")
        by = "unit"
    counts = pd.crosstab(t[by], t["assessment"]).reindex(columns=list(CLASSES), fill_value=0)
    counts.columns = [f"n_{c}" for c in CLASSES]
    out = counts.assign(assessment=t.groupby(by)["assessment"].agg(_group))
    out["n_indicators"] = counts.sum(axis=1)
    return out.reset_index()


def labels(classes: pd.Series) -> pd.Series:
    return classes.map(settings()["assessment"]["labels"]).astype(str)


def assessment_tables(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The year-end tables people read: summary, items, units, indicators (Chinese headers)."""
    lab = settings()["assessment"]["labels"]
    ind = table.assign(assessment=assess_indicators(table))
    items = assess(table, "item_no")
    items.insert(1, "item_name", items["item_no"].map(
        table.drop_duplicates("item_no").set_index("item_no")["item_name"]))
    units = assess(table, "responsible_units")
    summary = pd.DataFrame({
        level: frame["assessment"].value_counts().reindex(list(CLASSES), fill_value=0)
        for level, frame in (("指标", ind), ("项目", items), ("责任单位", units))
    })
    summary.index = [lab[c] for c in summary.index]
    counts = {f"n_{c}": lab[c] for c in CLASSES}

    def chinese(frame: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
        out = frame[list(names)].rename(columns=names)
        out["考核结果"] = labels(frame["assessment"]).to_numpy()
        return out

    return {
        "summary": summary,
        "items": chinese(items, {"item_no": "序号", "item_name": "项目", "n_indicators": "指标数", **counts}),
        "units": chinese(units, {"unit": "责任单位", "n_indicators": "指标数", **counts}),
        "indicators": chinese(ind.assign(attainment=ind["attainment"].round(4)), {
            "indicator_id": "指标编号", "item_no": "项目序号", "indicator": "指标",
            "target_value": "年度目标", "unit": "计量单位", "value": "全年完成/年末值",
            "attainment": "完成率"}),
    }


def write_xlsx(tables: dict[str, pd.DataFrame], path, year: int):
    """The assessment workbook (formula-safe, deterministic: dated 31 December of `year`)."""
    import datetime as dt
    from pathlib import Path

    from minsheng.export_xlsx import Col, sheets_bytes

    names = {"summary": "汇总", "items": "分项目", "units": "分责任单位", "indicators": "指标"}
    sheets = {}
    for key, sheet in names.items():
        frame = tables[key].reset_index(names="考核结果") if key == "summary" else tables[key]
        sheets[sheet] = (frame, [Col(c, c, "0.0%" if c == "完成率" else "") for c in frame.columns])
    path = Path(path)
    path.write_bytes(sheets_bytes(sheets, dt.date(year, 12, 31), title=f"{year}年重点民生实事年度考核"))
    return path
