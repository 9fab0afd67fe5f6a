"""Districts behind an item: each district's figure against its allotted task, the districts
holding the city back, and their ranking (table and chart)."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from minsheng.analysis.workspace import (
    Workspace,
    _check_month,
    _district_detail,
    _noted,
    indicators_of,
)
from minsheng.catalogue import districts as district_list
from minsheng.report.charts import district_ranking
from minsheng.rules import rollup

_BREAKDOWN_COLUMNS = ["indicator_id", "indicator", "unit", "rank", "district", "data_month", "value",
                      "district_target", "expected_value", "shortfall", "attainment", "expected",
                      "gap_points"]


def district_breakdown(ws: Workspace, item: int | str, month: int) -> pd.DataFrame:
    """Per district-reported indicator × district, at the end of `month`: figure, allotted task
    (年度任务), the figure due on schedule, shortfall (due − done; negative when ahead),
    attainment, gap and rank within the indicator (1 = highest attainment; districts without
    an allotted task are not ranked). Additive kinds only, as in the bulletin.

        district_breakdown(ws, "MS01-01", 9)
    """
    month = _check_month(month)
    ids = indicators_of(ws, item)
    detail = _district_detail(ws, month)
    d = detail[detail["indicator_id"].isin(ids)].copy()
    d["expected_value"] = (d["expected"] * d["district_target"]).round(4)
    d["shortfall"] = (d["expected_value"] - d["value"]).round(4)
    order = district_list.order()
    d["_ind"] = d["indicator_id"].map({iid: i for i, iid in enumerate(ids)})
    d["_dist"] = d["district"].map(order)
    d = d.sort_values(["_ind", "attainment", "_dist"], ascending=[True, False, True],
                      na_position="last")
    d["rank"] = (d.groupby("indicator_id").cumcount() + 1).astype("Int64").where(
        d["attainment"].notna())
    out = d[_BREAKDOWN_COLUMNS].reset_index(drop=True)
    by_district = ws.catalogue.indicators.loc[ids, "by_district"].any()
    return _noted(out, f"截至{month}月没有区县报送的数值 / no district figures up to month {month}"
                  if by_district else "这些指标只报全市数 / these indicators are reported city-wide only")


def holding_back(ws: Workspace, item: int | str, month: int, n: int = 5) -> pd.DataFrame:
    """The `n` districts furthest behind schedule per indicator, by shortfall in the
    indicator's unit (what the city misses because of them), with each one's share of the
    shortfall of all districts behind.

        holding_back(ws, "MS01-01", 9, n=5)
    """
    b = district_breakdown(ws, item, month)
    note = b.attrs.get("note", "")
    behind = b[b["shortfall"] > 0].copy()
    behind["share_of_shortfall"] = behind["shortfall"] / behind.groupby("indicator_id")[
        "shortfall"].transform("sum")
    behind["_ind"] = behind["indicator_id"].map(
        {iid: i for i, iid in enumerate(indicators_of(ws, item))})
    behind["_dist"] = behind["district"].map(district_list.order())
    behind = behind.sort_values(["_ind", "shortfall", "_dist"], ascending=[True, False, True])
    out = behind.groupby("indicator_id", sort=False).head(n)
    cols = ["indicator_id", "indicator", "unit", "district", "rank", "value", "district_target",
            "expected_value", "shortfall", "share_of_shortfall", "attainment", "gap_points"]
    return _noted(out[cols].reset_index(drop=True),
                  note if not len(b) else "没有落后于序时进度的区县 / no district is behind schedule")


def district_summary(ws: Workspace, item: int | str, month: int) -> pd.DataFrame:
    """Districts ranked over the district-reported indicators of `item` (rollup.by_district:
    mean capped attainment, mean gap, indicators behind), then each indicator's attainment
    in that district (one column per indicator id). Feeds charts.district_ranking.

        zh(district_summary(ws, 1, 9))
    """
    month = _check_month(month)
    breakdown = district_breakdown(ws, item, month)
    detail = _district_detail(ws, month)
    out = rollup.by_district(detail[detail["indicator_id"].isin(indicators_of(ws, item))].reset_index(drop=True))
    wide = breakdown.pivot_table(index="district", columns="indicator_id", values="attainment",
                                 aggfunc="first", dropna=False)
    ids = [i for i in indicators_of(ws, item) if i in wide.columns]
    out = out.join(wide[ids], on="district") if ids else out
    out.columns.name = None
    return _noted(out, breakdown.attrs["note"])


def district_chart(summary: pd.DataFrame) -> Figure | None:
    """charts.district_ranking of a `district_summary` frame; None when no district reports
    (`show` then displays nothing).

        show(district_chart(district_summary(ws, 1, 9)))
    """
    return district_ranking(summary) if len(summary) else None
