"""A district bulletin's data: one district's allotted indicators, its place among the
districts, its returns in the quarter, and the city-wide indicators (`DistrictData`, built by
`assemble_district`).

Computed as the city bulletin is (report.bulletin.data): the same cut-off (the quarter's end;
for a draft, the last month with data), the same indicator table (rules.attainment.table_at)
and the same district detail and ranking (rules.rollup.district_detail, by_district) over
every district, so a district's page and the city's 四、区县情况 never disagree.

A district's indicators are the district-reported ones (additive kinds) for which it has a
row up to the cut-off: an allotted task, a figure, or both. Those the catalogue allots to
districts but for which it has no row (tasks of some districts only, or counted city-wide)
are `unrecorded`; the indicators the catalogue does not allot to districts are `citywide`.
Neither is counted in the district's figures; both are shown with the city's figure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from minsheng.catalogue import Catalogue
from minsheng.catalogue.periods import Quarter
from minsheng.contracts.quality import QualityReport
from minsheng.report.bulletin.data import data_cutoff
from minsheng.rules import rollup
from minsheng.rules.attainment import table_at
from minsheng.rules.district import district_status, monthly_returns

# Catalogue columns each of the district's rows carries (for names, units and checks).
CATALOGUE_COLUMNS = ["item_name", "kind", "comparator", "soft", "reporting_unit", "plan"]


@dataclass(frozen=True, eq=False)
class DistrictData:
    """Everything one district's bulletin prints, as frames (built by `assemble_district`)."""

    catalogue: Catalogue
    year: int
    quarter: int
    month: int                   # the data's cut-off: the bulletin is as of its end
    draft: bool                  # the quarter's returns are not all in: 征求意见稿
    district: str
    table: pd.DataFrame          # the city's indicator table at `month` (rules.attainment)
    district_detail: pd.DataFrame   # rollup.district_detail, every district
    district_rank: pd.DataFrame     # rollup.by_district, every district (the city bulletin's 四)
    rows: pd.DataFrame           # the district's indicators: detail + status (rules.district)
    returns: pd.DataFrame        # rules.district.monthly_returns for the quarter's months
    ledger: pd.DataFrame         # the district's own ledger rows of the year up to `month`
    citywide: pd.DataFrame       # indicator-table rows of the indicators not allotted to districts
    unrecorded: pd.DataFrame     # … of those allotted to districts, with no row of this district
    quality: QualityReport

    # What the publication reads back rather than computing again: the district's rows,
    # whose statuses its manifest counts (run.fanout).
    COMPUTED: ClassVar[tuple[str, ...]] = ("rows",)

    def computed(self) -> dict[str, pd.DataFrame]:
        """The frames to store once (contracts.store.write_results)."""
        return {name: getattr(self, name) for name in self.COMPUTED}

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    @property
    def months(self) -> list[int]:
        """The quarter's months up to the cut-off."""
        return list(range(self.period.first_month, self.month + 1))

    @property
    def rank_row(self) -> dict | None:
        """The district's row of the ranking (None when it has no row in the detail)."""
        mine = self.district_rank[self.district_rank["district"] == self.district]
        return mine.iloc[0].to_dict() if len(mine) else None

    @property
    def n_ranked(self) -> int:
        """How many districts the ranking orders."""
        return int(self.district_rank["rank"].notna().sum())


def assemble_district(catalogue: Catalogue, ledger: pd.DataFrame, quality: QualityReport,
                      quarter: Quarter, district: str, *, draft: bool = False) -> DistrictData:
    """Compute one district's bulletin data for `quarter` (as of its end; a draft as of the
    data's cut-off)."""
    year = quarter.year
    month = data_cutoff(ledger, year, quarter.end_month) if draft else quarter.end_month
    table = table_at(catalogue, ledger, year, month)
    expected = table.set_index("indicator_id")["expected"]
    detail = rollup.district_detail(catalogue.indicators, ledger, year, month, expected)
    ind = catalogue.indicators
    mine = detail[detail["district"] == district].reset_index(drop=True)
    rows = district_status(mine, ind["comparator"]).join(ind[CATALOGUE_COLUMNS], on="indicator_id")
    rows = rows.sort_values(["item_no", "indicator_id"]).reset_index(drop=True)
    own = ledger[(ledger["year"] == year) & (ledger["month"] <= month)
                 & (ledger["district"] == district)].reset_index(drop=True)
    months = list(range(quarter.first_month, month + 1))
    by_district = table["by_district"].astype(bool)
    return DistrictData(
        catalogue=catalogue, year=year, quarter=quarter.quarter, month=month, draft=draft,
        district=district, table=table, district_detail=detail,
        district_rank=rollup.by_district(detail),
        rows=rows, returns=monthly_returns(ledger, year, months, district,
                                           list(rows["indicator_id"])),
        ledger=own, citywide=table[~by_district].reset_index(drop=True),
        unrecorded=table[by_district & ~table["indicator_id"].isin(rows["indicator_id"])]
        .reset_index(drop=True),
        quality=quality)
