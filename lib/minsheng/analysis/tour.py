"""The tour's examples (00_start_here), picked by rule from the catalogue and ledger it is given.

The tour tells one story with real figures: a district-reported indicator behind schedule
(which districts hold it back?) and a city-wide figure traced to the row it came from. Ids
typed into the notebook would fail for another year's list, so they are chosen here:

- `districts`: the first indicator, in catalogue order, that districts report (additive kinds,
  at least one district figure) and that is behind schedule; else the first with district
  figures; else the first with any figure; else the catalogue's first indicator.
- `trace`: the first city-wide indicator behind schedule with a figure, with 全市; else the
  first city-wide one with a figure; else `districts` in its first reporting district.

"Behind schedule" is read from the figures (not yet reached, attainment below 序时进度), so
the choice does not depend on the status words.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from minsheng.analysis.workspace import Workspace, _check_month, _table
from minsheng.catalogue.districts import CITYWIDE
from minsheng.catalogue.kinds import ADDITIVE_KINDS


@dataclass(frozen=True)
class TourExamples:
    """What the tour shows: an indicator for the district story, a figure to trace."""

    districts: str                 # indicator id
    trace: tuple[str, str]         # (indicator id, district)


def _first(table: pd.DataFrame, *masks: pd.Series) -> str | None:
    for mask in masks:
        hits = table.loc[mask.fillna(False).astype(bool), "indicator_id"]
        if len(hits):
            return str(hits.iloc[0])
    return None


def tour_examples(ws: Workspace, month: int) -> TourExamples:
    """The tour's examples as of the end of `month` (rules in the module docstring).

        ex = tour_examples(ws, 9)
        holding_back(ws, ex.districts, 9)
    """
    table = _table(ws, _check_month(month))
    figure = table["value"].notna()
    behind = figure & ~table["reached"].astype(bool) & (table["gap_points"] < 0)
    district_kind = table["by_district"].astype(bool) & table["kind"].isin(ADDITIVE_KINDS)
    with_districts = district_kind & (table["districts_reported"] > 0)
    districts = _first(table, with_districts & behind, with_districts, figure)
    districts = districts or str(table["indicator_id"].iloc[0])
    citywide = ~table["by_district"].astype(bool) & figure
    traced = _first(table, citywide & behind, citywide)
    if traced is not None:
        return TourExamples(districts, (traced, CITYWIDE))
    led = ws.ledger[(ws.ledger["indicator_id"] == districts) & (ws.ledger["year"] == ws.year)
                    & (ws.ledger["month"] <= month)]
    place = str(led["district"].iloc[0]) if len(led) else CITYWIDE
    return TourExamples(districts, (districts, place))
