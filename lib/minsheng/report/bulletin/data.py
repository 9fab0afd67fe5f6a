"""The bulletin's data: every table it prints, as frames (`BulletinData`, built by `assemble`).

A bulletin is computed as of its data's cut-off: the last month of the quarter, or, for a
draft of a quarter whose last returns are not in yet, the last month with data. The
previous bulletin's table (the previous quarter's end) gives the changes since.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pandas as pd

from minsheng.catalogue import Catalogue
from minsheng.catalogue.periods import Quarter
from minsheng.contracts import store
from minsheng.contracts.checks import QUARANTINE_COLUMNS
from minsheng.contracts.quality import QualityReport
from minsheng.rules import rollup
from minsheng.rules.attainment import table_at
from minsheng.rules.texts import latest_texts, task_progress


@dataclass(frozen=True, eq=False)
class BulletinData:
    """Everything the bulletin prints, as frames (built by `assemble`)."""

    catalogue: Catalogue
    year: int
    quarter: int
    month: int                             # the data's cut-off: the bulletin is as of its end
    draft: bool                            # the quarter's returns are not all in: 征求意见稿
    table: pd.DataFrame                    # the indicator table at `month`
    previous_table: pd.DataFrame | None    # … at the previous quarter's end (None in Q1)
    items: pd.DataFrame                    # rollup.by_item
    units: pd.DataFrame                    # rollup.by_unit
    district_detail: pd.DataFrame          # rollup.district_detail
    district_rank: pd.DataFrame            # rollup.by_district
    texts: pd.DataFrame                    # rules.texts.latest_texts: who wrote what
    tasks: pd.DataFrame                    # rules.texts.task_progress: the tasks without a figure
    quality: QualityReport                 # the cleaner's quality report
    quarantine: pd.DataFrame               # quarantined rows (QUARANTINE_COLUMNS)
    # Charts the attainment step already drew from these tables (key → PNG, store.read_charts):
    # the bulletin prints them as drawn instead of drawing them again.
    charts: Mapping[str, bytes] = field(default_factory=dict)

    COMPUTED: ClassVar[tuple[str, ...]] = ("table", "previous_table", "items", "units",
                                           "district_detail", "district_rank", "texts", "tasks")

    @property
    def period(self) -> Quarter:
        return Quarter(self.year, self.quarter)

    def computed(self) -> dict[str, pd.DataFrame | None]:
        """The tables `assemble` computed, to be stored once (contracts.store.write_results)."""
        return {name: getattr(self, name) for name in self.COMPUTED}

    @classmethod
    def from_computed(cls, catalogue: Catalogue, year: int, quarter: int, draft: bool,
                      frames: Mapping[str, pd.DataFrame | None], quality: QualityReport,
                      quarantine: pd.DataFrame,
                      charts: Mapping[str, bytes] | None = None) -> BulletinData:
        """The data again from stored tables (and charts drawn from them), nothing recomputed."""
        month = int(frames["table"]["month"].iloc[0]) if len(frames["table"]) else 3 * quarter
        return cls(catalogue=catalogue, year=year, quarter=quarter, month=month, draft=draft,
                   quality=quality, quarantine=_quarantine_rows(quarantine), charts=charts or {},
                   **{name: frames[name] for name in cls.COMPUTED})

    @classmethod
    def read(cls, catalogue: Catalogue, year: int, quarter: int, draft: bool,
             clean: store.CleanOutputs, results_dir: Path) -> BulletinData:
        """The data of a period whose tables the attainment step stored (`clean`: the cleaning
        outputs they were computed from, store.read)."""
        return cls.from_computed(catalogue, year, quarter, draft,
                                 store.read_results(results_dir, cls.COMPUTED), clean.quality,
                                 clean.quarantine, store.read_charts(results_dir))


def _quarantine_rows(quarantine: pd.DataFrame) -> pd.DataFrame:
    """The quarantine in its contract's columns, numbered from 0."""
    return quarantine.reindex(columns=QUARANTINE_COLUMNS).reset_index(drop=True)


def data_cutoff(ledger: pd.DataFrame, year: int, end_month: int) -> int:
    """The last month up to `end_month` with any figure or text in the ledger (end_month when
    there is none: a bulletin with nothing reported is still as of its quarter's end)."""
    months = ledger.loc[(ledger["year"] == year) & (ledger["month"] <= end_month), "month"]
    return int(months.max()) if len(months) else end_month


def assemble(catalogue: Catalogue, ledger: pd.DataFrame, year: int, quarter: int,
             quality: QualityReport, quarantine: pd.DataFrame, *,
             draft: bool = False) -> BulletinData:
    """Compute every table of the bulletin for `quarter` (1–4) of `year`.

    A final bulletin is as of the quarter's end; a draft as of its data's cut-off.
    """
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1–4, got {quarter}")
    period = Quarter(year, quarter)
    month = data_cutoff(ledger, year, period.end_month) if draft else period.end_month
    table = table_at(catalogue, ledger, year, month)
    previous = period.previous()
    previous_table = table_at(catalogue, ledger, year, previous.end_month) if previous else None
    expected = table.set_index("indicator_id")["expected"]
    detail = rollup.district_detail(catalogue.indicators, ledger, year, month, expected)
    texts = latest_texts(ledger, year, month)
    return BulletinData(
        catalogue=catalogue, year=year, quarter=quarter, month=month, draft=draft,
        table=table, previous_table=previous_table,
        items=rollup.by_item(table), units=rollup.by_unit(table),
        district_detail=detail, district_rank=rollup.by_district(detail),
        texts=texts, tasks=task_progress(catalogue.tasks, texts),
        quality=quality, quarantine=_quarantine_rows(quarantine),
    )
