"""Annual assessment (年考核): 超额完成 / 按期完成 / 未完成 / 未报送 per indicator, item, unit.

Indicator: no_data (未报送) when it has no figure — a missing report is never counted as a
miss; exceeded when the target is met and attainment is above 1 + exceed_margin
(directional targets can only be met); met when the target is met; otherwise missed.
A group (item, unit) is missed if any of its indicators is; else no_data if any is
unreported (it cannot be assessed as met); else exceeded if more than half exceeded; else met.
Run only for a complete year (the run refuses a draft year end).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.config import settings

CLASSES = ("exceeded", "met", "missed", "no_data")


def assess_indicators(table: pd.DataFrame, margin: float | None = None) -> pd.Series:
    """Class per indicator of a year-end attainment table (month 12)."""
    margin = settings()["assessment"]["exceed_margin"] if margin is None else margin
    met = table["reached"].astype(bool)
    # A directional target is a yes/no: met or not, never exceeded.
    exceeded = met & (table["kind"] != "directional") & (table["attainment"].round(9) > 1 + margin)
    codes = np.select([table["attainment"].isna(), exceeded, met], ["no_data", "exceeded", "met"],
                      default="missed")
    return pd.Series(pd.Categorical(codes, categories=CLASSES), index=table.index,
                     name="assessment")


def _group(classes: pd.Series) -> str:
    if (classes == "missed").any():
        return "missed"
    if (classes == "no_data").any():
        return "no_data"
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
