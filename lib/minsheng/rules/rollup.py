"""Roll-ups of the indicator table: per item, per responsible unit, per district.

Means of attainment cap each indicator at 100 % (one item far ahead must not hide a
lagging one). District figures are summed only for additive kinds; rates are never summed
or plainly averaged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.catalogue.districts import CITYWIDE
from minsheng.catalogue.kinds import ADDITIVE_KINDS
from minsheng.config import settings
from minsheng.rules.status import MEETING_SCHEDULE, STATUSES

CAP = 1.0


def _summary(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Counts by status, share meeting the schedule and capped mean attainment per group."""
    counts = pd.crosstab([table[k] for k in keys], table["status"]).reindex(
        columns=list(STATUSES), fill_value=0)
    counts.columns = [f"n_{c}" for c in counts.columns]
    g = table.assign(
        capped=table["attainment"].clip(upper=CAP),
        meeting=table["status"].isin(MEETING_SCHEDULE),
        reported=table["status"] != "no_data",
    ).groupby(keys, sort=True)
    out = pd.DataFrame({
        "n_indicators": g.size(),
        "n_reported": g["reported"].sum(),
        "n_meeting_schedule": g["meeting"].sum(),
        "mean_attainment_capped": g["capped"].mean(),
        "mean_expected": g["expected"].mean(),
    })
    out["share_meeting_schedule"] = out["n_meeting_schedule"] / out["n_reported"].where(
        out["n_reported"] > 0)
    return out.join(counts).reset_index()


def by_item(table: pd.DataFrame) -> pd.DataFrame:
    """One row per item: status counts, share meeting 序时进度, mean capped attainment."""
    out = _summary(table, ["item_no", "item_name"])
    units = table.drop_duplicates("item_no").set_index("item_no")["responsible_units"]
    out.insert(2, "responsible_units", out["item_no"].map(units))
    return out


def by_unit(table: pd.DataFrame, column: str = "responsible_units") -> pd.DataFrame:
    """One row per unit. With responsible_units an indicator counts for every unit of its
    item (as the notice makes them jointly responsible); with reporting_unit, once."""
    exploded = table.assign(unit=table[column].str.split("、")).explode("unit")
    return _summary(exploded, ["unit"]).sort_values(
        ["mean_attainment_capped", "unit"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)


def district_detail(catalogue_indicators: pd.DataFrame, ledger: pd.DataFrame, year: int,
                    month: int, expected: pd.Series) -> pd.DataFrame:
    """Per district × district-reported indicator: value, allotted task, attainment, gap.

    `expected` is the 序时进度 per indicator_id. A district's attainment is its figure over
    the task allotted to it (年度任务); missing when no task was reported.
    """
    ind = catalogue_indicators
    led = ledger[(ledger["year"] == year) & (ledger["month"] <= month)
                 & (ledger["district"] != CITYWIDE)]
    latest = led.sort_values("month").groupby(["indicator_id", "district"], sort=False).tail(1)
    latest = latest[latest["indicator_id"].map(ind["kind"]).isin(ADDITIVE_KINDS)]
    out = latest[["indicator_id", "district", "month", "value", "district_target"]].rename(
        columns={"month": "data_month"})
    out = out.join(ind[["item_no", "indicator", "unit"]], on="indicator_id")
    out["attainment"] = out["value"] / out["district_target"].where(out["district_target"] > 0)
    out["expected"] = out["indicator_id"].map(expected).astype(float)
    out["gap_points"] = ((out["attainment"] - out["expected"]) * 100).round(9)
    return out.sort_values(["indicator_id", "district"]).reset_index(drop=True)


def by_district(detail: pd.DataFrame) -> pd.DataFrame:
    """Rank districts by mean capped attainment across their district-reported indicators,
    with the mean gap to 序时进度 and the number of indicators lagging (by the status
    threshold in settings.yaml) or worse."""
    behind = detail["gap_points"] <= -settings()["status"]["on_track_within"]
    g = detail.assign(
        capped=detail["attainment"].clip(upper=CAP),
        behind=behind,
    ).groupby("district", sort=True)
    out = pd.DataFrame({
        "n_indicators": g["indicator_id"].nunique(),
        "mean_attainment_capped": g["capped"].mean(),
        "mean_gap_points": g["gap_points"].mean(),
        "n_behind": g["behind"].sum(),
    }).reset_index()
    out = out.sort_values(["mean_attainment_capped", "district"], ascending=[False, True],
                          na_position="last").reset_index(drop=True)
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    return out
