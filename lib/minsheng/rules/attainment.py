"""Attainment: how far each indicator has come towards its annual target.

Every rule is a vectorised function of plain columns, one per target kind, so each can be
tested alone with hand-computed values. Attainment is a fraction (1.0 = target met) and is
never capped here; roll-ups cap where they say so. A figure that is not known stays NaN.

| kind          | attainment                                             | reached when           |
|---------------|--------------------------------------------------------|------------------------|
| increment     | done this year / target                                | value meets target     |
| level         | (current − baseline) / (target − baseline)             | current meets target   |
| daily_average | average per day to date / target                       | year end, ≥ target     |
| directional   | 1 if the change vs baseline is in the right direction  | year end, met          |
| coverage      | covered / required                                     | all covered            |
| deliverable   | milestones reached / planned                           | all reached            |
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.catalogue import Catalogue
from minsheng.catalogue.districts import CITYWIDE
from minsheng.catalogue.kinds import ADDITIVE_KINDS, RATIO_KINDS, SCHEDULED_KINDS, meets
from minsheng.rules.projection import project
from minsheng.rules.schedule import expected_progress
from minsheng.rules.status import classify


def ratio_attainment(value: pd.Series, target: pd.Series) -> pd.Series:
    """increment, coverage, deliverable, daily average: value / target."""
    return value / target.where(target != 0)


def level_attainment(value: pd.Series, target: pd.Series, baseline: pd.Series) -> pd.Series:
    """Levels: the share of the distance from the start-of-year baseline to the target."""
    return (value - baseline) / (target - baseline).where(target != baseline)


def directional_change(value: pd.Series, baseline: pd.Series) -> pd.Series:
    """Percent change of `value` against its baseline (e.g. vs the previous three years' mean)."""
    return (value - baseline) / baseline.abs().where(baseline != 0) * 100


def directional_attainment(value, baseline, comparator, target) -> pd.Series:
    """Directional targets are met (1.0) or not (0.0); unknown when either figure is missing."""
    change = directional_change(value, baseline)
    met = meets(change, comparator, target).astype(float)
    return met.where(change.notna())


def attainment(frame: pd.DataFrame) -> pd.Series:
    """Attainment per row of a frame with columns kind, value, target_value, baseline, comparator."""
    kind = frame["kind"]
    value, target, base = frame["value"], frame["target_value"], frame["baseline"]
    out = pd.Series(np.nan, index=frame.index, dtype=float)
    ratio = kind.isin(RATIO_KINDS)
    out[ratio] = ratio_attainment(value[ratio], target[ratio])
    lvl = kind == "level"
    out[lvl] = level_attainment(value[lvl], target[lvl], base[lvl])
    dirn = kind == "directional"
    out[dirn] = directional_attainment(value[dirn], base[dirn], frame["comparator"][dirn], target[dirn])
    return out.rename("attainment")


def reached(frame: pd.DataFrame, month: int) -> pd.Series:
    """Whether the year's target is already met (已完成).

    Stocks and counts are done once they meet the target; a daily average or a direction
    can only be judged over the whole year, so they count as done only at month 12.
    """
    scheduled = frame["kind"].isin(SCHEDULED_KINDS)
    standing_done = (month == 12) & (frame["attainment"] >= 1)
    met = meets(frame["value"], frame["comparator"], frame["target_value"])
    return (scheduled & met) | (~scheduled & standing_done)


def city_figures(catalogue: Catalogue, ledger: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """The city-wide figure of every indicator as of the end of `month`.

    A unit's latest figure up to `month` stands: a later row without a value (blank, N/A)
    never replaces it, and data_month says which month the figure is (the latest row's month
    when there is no figure at all); progress texts come from the latest row. Where a 全市 row
    exists it is the city figure; otherwise district rows are summed, for additive kinds only
    (a rate is never summed across districts), each district with its own latest figure.

    Columns: value, data_month, baseline (the latest one reported), progress_text, remark and,
    for a sum, how many districts it covers: districts_reported (districts in the sum),
    districts_current (of those, with a figure of data_month) and districts_blank (whose latest
    row has no value, so an earlier figure of theirs is carried). A gap between
    districts_reported and districts_current is a sum partly made of older months. All three
    are 0 for a 全市 figure.
    """
    keys = ["indicator_id", "district"]
    # Only the columns read below, so the filter, the sort and the tails move those alone
    # (the ledger's text columns cost most).
    used = [*keys, "month", "value", "baseline", "progress_text", "remark"]
    led = ledger.loc[(ledger["year"] == year) & (ledger["month"] <= month), used].sort_values("month")
    latest = led.groupby(keys, sort=False).tail(1)
    valued = led[led["value"].notna()].groupby(keys, sort=False).tail(1)
    based = led[led["baseline"].notna()].groupby(keys, sort=False).tail(1)
    rows = latest[[*keys, "month", "value", "progress_text", "remark"]].rename(
        columns={"month": "latest_month", "value": "latest_value"})
    rows = rows.merge(valued[[*keys, "month", "value"]], on=keys, how="left").merge(
        based[[*keys, "baseline"]], on=keys, how="left")
    rows["data_month"] = rows["month"].fillna(rows["latest_month"])
    rows["blank"] = rows["latest_value"].isna() & rows["value"].notna()
    kinds = catalogue.indicators["kind"]
    city = rows[rows["district"] == CITYWIDE].set_index("indicator_id")
    dist = rows[(rows["district"] != CITYWIDE)
                & rows["indicator_id"].map(kinds).isin(ADDITIVE_KINDS)]
    has = dist["value"].notna()
    sum_month = dist[has].groupby("indicator_id")["data_month"].max().combine_first(
        dist.groupby("indicator_id")["latest_month"].max())
    current = has & (dist["data_month"] == dist["indicator_id"].map(sum_month))
    g = dist.assign(current=current, blank=dist["blank"]).groupby("indicator_id")
    summed = pd.DataFrame({
        "value": g["value"].sum(min_count=1),
        "data_month": sum_month,
        "districts_reported": g["value"].count(),
        "districts_current": g["current"].sum(),
        "districts_blank": g["blank"].sum(),
    })
    summed["baseline"] = np.nan
    for text in ("progress_text", "remark"):
        # Distinct texts of the districts, in first-seen order.
        summed[text] = dist.dropna(subset=[text]).groupby("indicator_id")[text].agg(
            lambda s: "；".join(dict.fromkeys(s)))
    city_part = pd.DataFrame({
        "value": city["value"], "data_month": city["data_month"], "districts_reported": 0,
        "districts_current": 0, "districts_blank": 0,
        "baseline": city["baseline"], "progress_text": city["progress_text"],
        "remark": city["remark"],
    })
    figures = pd.concat([city_part, summed.loc[summed.index.difference(city_part.index)]])
    return figures.reindex(catalogue.indicators.index)


def attainment_table(catalogue: Catalogue, ledger: pd.DataFrame, year: int, month: int,
                     previous: pd.DataFrame | None = None) -> pd.DataFrame:
    """The indicator table at the end of `month`: figure, attainment, 序时进度, status, projection.

    One row per catalogue indicator (those with no report have status no_data).
    `previous` (the ledger's city figures a month earlier, optional) lets the projection
    spot a figure moving the wrong way.
    """
    ind = catalogue.indicators
    figures = city_figures(catalogue, ledger, year, month)
    table = ind.drop(columns=["baseline", "source", "note", "milestones"]).copy()
    table["value"] = figures["value"].astype(float)
    table["data_month"] = figures["data_month"].astype("Int64")
    table["districts_reported"] = figures["districts_reported"].fillna(0).astype(int)
    # The catalogue's baseline where the notice fixes it; otherwise the unit's reported one.
    table["baseline"] = ind["baseline"].fillna(figures["baseline"]).astype(float)
    table["progress_text"] = figures["progress_text"]
    table["remark"] = figures["remark"]
    table["attainment"] = attainment(table)
    table["change_pct"] = directional_change(table["value"], table["baseline"]).where(
        table["kind"] == "directional")
    table["expected"] = expected_progress(ind, catalogue.plans, month)
    table["gap_points"] = ((table["attainment"] - table["expected"]) * 100).round(9)
    table["reached"] = reached(table, month)
    table["status"] = classify(table["attainment"], table["expected"], table["reached"])
    prev_value = None
    if previous is not None:
        prev_value = previous["value"].reindex(table.index)
    proj = project(table, prev_value)
    table = pd.concat([table, proj], axis=1)
    table["year"], table["month"] = year, month
    return table.reset_index(drop=True)


def table_at(catalogue: Catalogue, ledger: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """The indicator table at the end of `month`, the month before marking figures that fell:
    what the bulletin, the dispatch and the analyst API all read."""
    previous = city_figures(catalogue, ledger, year, month - 1) if month > 1 else None
    return attainment_table(catalogue, ledger, year, month, previous=previous)
