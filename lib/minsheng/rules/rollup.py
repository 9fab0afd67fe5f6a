"""Roll-ups of the indicator table: per item, per responsible unit, per district.

Means of attainment cap each indicator at 100 % (one item far ahead must not hide a
lagging one). District figures are summed only for additive kinds; rates are never summed
or plainly averaged.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.catalogue import districts as district_list
from minsheng.catalogue.districts import CITYWIDE
from minsheng.catalogue.kinds import ADDITIVE_KINDS
from minsheng.config import settings
from minsheng.rules.status import MEETING_SCHEDULE, STATUSES, classify_gap

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

    `expected` is the 序时进度 per indicator_id. A district's figure is its latest one up to
    `month`: a later row without a value never replaces it (data_month says which month the
    figure is; the latest row's month when there is none). blank_after_value marks a district
    whose latest row has no value, so its earlier figure is carried. A district's attainment is
    its figure over the task allotted to it (年度任务, the latest one reported); missing when no
    task was reported.
    """
    ind = catalogue_indicators
    keys = ["indicator_id", "district"]
    led = ledger[(ledger["year"] == year) & (ledger["month"] <= month)
                 & (ledger["district"] != CITYWIDE)]
    led = led[led["indicator_id"].map(ind["kind"]).isin(ADDITIVE_KINDS)].sort_values("month")
    latest = led.groupby(keys, sort=False).tail(1)
    valued = led[led["value"].notna()].groupby(keys, sort=False).tail(1)
    tasked = led[led["district_target"].notna()].groupby(keys, sort=False).tail(1)
    out = latest[[*keys, "month", "value"]].rename(columns={"value": "latest_value"})
    out = out.merge(valued[[*keys, "month", "value"]].rename(columns={"month": "value_month"}),
                    on=keys, how="left")
    out = out.merge(tasked[[*keys, "district_target"]], on=keys, how="left")
    out["data_month"] = out["value_month"].fillna(out["month"]).astype("int64")
    out["blank_after_value"] = out["latest_value"].isna() & out["value"].notna()
    out = out[[*keys, "data_month", "value", "district_target", "blank_after_value"]]
    out = out.join(ind[["item_no", "indicator", "unit"]], on="indicator_id")
    out["attainment"] = out["value"] / out["district_target"].where(out["district_target"] > 0)
    out["expected"] = out["indicator_id"].map(expected).astype(float)
    out["gap_points"] = ((out["attainment"] - out["expected"]) * 100).round(9)
    return out.sort_values(["indicator_id", "district"]).reset_index(drop=True)


def by_district(detail: pd.DataFrame) -> pd.DataFrame:
    """Districts compared by one measure, on the indicators they share.

    Shared indicators: those every district with a figure has a figure for (a task allotted
    to some districts only is not a fair ground for ranking). On them, per district: the mean
    attainment with each indicator capped at 100 %, the mean 序时进度, and their difference,
    the capped gap; the status word comes from that gap by the thresholds of the indicators,
    and the rank orders the capped gap (ties: capped attainment, then the official name).
    The bar, the colour and the rank of a district therefore always agree. n_behind counts a
    district's indicators (all of them) lagging by the threshold or more.
    """
    columns = ["rank", "district", "n_indicators", "n_shared", "mean_attainment_capped",
               "mean_expected", "mean_gap_capped", "status", "n_behind"]
    rated = detail[detail["attainment"].notna()]
    have = rated.groupby("district")["indicator_id"].agg(frozenset)
    shared = frozenset.intersection(*have) if len(have) else frozenset()
    on_shared = rated[rated["indicator_id"].isin(shared)]
    g = on_shared.assign(capped=on_shared["attainment"].clip(upper=CAP)).groupby("district")
    lagging = detail["gap_points"] <= -settings()["status"]["lagging_from"]
    out = pd.DataFrame({"district": sorted(detail["district"].unique())}).set_index("district")
    out["n_indicators"] = rated.groupby("district")["indicator_id"].nunique()
    out["n_shared"] = g["indicator_id"].nunique()
    out["mean_attainment_capped"] = g["capped"].mean()
    out["mean_expected"] = g["expected"].mean()
    out["mean_gap_capped"] = ((out["mean_attainment_capped"] - out["mean_expected"]) * 100).round(9)
    out["n_behind"] = lagging.groupby(detail["district"]).sum()
    out = out.reset_index().fillna({"n_indicators": 0, "n_shared": 0, "n_behind": 0})
    out = out.astype({"n_indicators": "int64", "n_shared": "int64", "n_behind": "int64"})
    out["status"] = pd.Categorical(
        np.where(out["mean_gap_capped"].isna(), "no_data", classify_gap(out["mean_gap_capped"])),
        categories=STATUSES)
    order = district_list.order()
    out = out.assign(_order=out["district"].map(order)).sort_values(
        ["mean_gap_capped", "mean_attainment_capped", "_order"], ascending=[False, False, True],
        na_position="last").drop(columns="_order").reset_index(drop=True)
    ranked = out["mean_gap_capped"].notna()
    out.insert(0, "rank", pd.array(np.where(ranked, np.arange(1, len(out) + 1), 0), dtype="Int64"))
    out.loc[~ranked, "rank"] = pd.NA
    return out[columns]
