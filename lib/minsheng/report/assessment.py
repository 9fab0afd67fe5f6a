"""The annual assessment (年考核) as people read it: summary, items, units, indicators."""

from __future__ import annotations

import pandas as pd

from minsheng.report.columns import header
from minsheng.report.labels import label_series, labels
from minsheng.rules.assessment import CLASSES, assess, assess_indicators

SHEETS = {"summary": "汇总", "items": "分项目", "units": "分责任单位", "indicators": "指标"}


def assessment_tables(table: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The year-end tables (Chinese headers) of a month-12 indicator table."""
    lab = labels("assessment")
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

    def chinese(frame: pd.DataFrame, context: str, columns: list[str]) -> pd.DataFrame:
        names = {c: header(c, context) for c in columns if c not in counts}
        out = frame[columns].rename(columns={**names, **counts})
        out[header("assessment")] = label_series("assessment", frame["assessment"]).to_numpy()
        return out

    return {
        "summary": summary,
        "items": chinese(items, "item_rows", ["item_no", "item_name", "n_indicators", *counts]),
        "units": chinese(units.rename(columns={"unit": "responsible_unit"}), "",
                         ["responsible_unit", "n_indicators", *counts]),
        "indicators": chinese(ind.assign(attainment=ind["attainment"].round(4)),
                              "assessment_indicators",
                              ["indicator_id", "item_no", "indicator", "target_value", "unit",
                               "value", "attainment"]),
    }
