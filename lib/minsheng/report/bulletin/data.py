"""The bulletin's data: every table it prints, as frames (`BulletinData`, built by `assemble`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import pandas as pd

from minsheng.catalogue import Catalogue
from minsheng.contracts import store
from minsheng.contracts.checks import QUARANTINE_COLUMNS
from minsheng.contracts.quality import QualityReport
from minsheng.rules import rollup
from minsheng.rules.attainment import table_at


@dataclass(frozen=True, eq=False)
class BulletinData:
    """Everything the bulletin prints, as frames (built by `assemble`)."""

    catalogue: Catalogue
    year: int
    quarter: int
    month: int
    table: pd.DataFrame                    # attainment_table at the quarter's end
    previous_table: pd.DataFrame | None    # … at the previous quarter's end (None in Q1)
    items: pd.DataFrame                    # rollup.by_item
    units: pd.DataFrame                    # rollup.by_unit
    district_detail: pd.DataFrame          # rollup.district_detail
    district_rank: pd.DataFrame            # rollup.by_district
    quality: QualityReport                 # the cleaner's quality report
    quarantine: pd.DataFrame               # quarantined rows (QUARANTINE_COLUMNS)

    COMPUTED: ClassVar[tuple[str, ...]] = ("table", "previous_table", "items", "units",
                                           "district_detail", "district_rank")

    def computed(self) -> dict[str, pd.DataFrame | None]:
        """The tables `assemble` computed, to be stored once (contracts.store.write_results)."""
        return {name: getattr(self, name) for name in self.COMPUTED}

    @classmethod
    def from_computed(cls, catalogue: Catalogue, year: int, quarter: int,
                      frames: Mapping[str, pd.DataFrame | None], quality: QualityReport,
                      quarantine: pd.DataFrame) -> BulletinData:
        """The data again from stored tables, with nothing recomputed."""
        return cls(catalogue=catalogue, year=year, quarter=quarter, month=3 * quarter,
                   quality=quality, quarantine=_quarantine_rows(quarantine),
                   **{name: frames[name] for name in cls.COMPUTED})

    @classmethod
    def read(cls, catalogue: Catalogue, year: int, quarter: int, clean_dir: Path,
             results_dir: Path) -> BulletinData:
        """The data of a period whose tables the attainment step stored."""
        clean = store.read(clean_dir)
        return cls.from_computed(catalogue, year, quarter,
                                 store.read_results(results_dir, cls.COMPUTED), clean.quality,
                                 clean.quarantine)


def _quarantine_rows(quarantine: pd.DataFrame) -> pd.DataFrame:
    """The quarantine in its contract's columns, numbered from 0."""
    return quarantine.reindex(columns=QUARANTINE_COLUMNS).reset_index(drop=True)


def assemble(catalogue: Catalogue, ledger: pd.DataFrame, year: int, quarter: int,
             quality: QualityReport, quarantine: pd.DataFrame) -> BulletinData:
    """Compute every table of the bulletin for `quarter` (1–4) of `year`."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1–4, got {quarter}")
    month = 3 * quarter
    table = table_at(catalogue, ledger, year, month)
    previous_table = table_at(catalogue, ledger, year, month - 3) if quarter > 1 else None
    expected = table.set_index("indicator_id")["expected"]
    detail = rollup.district_detail(catalogue.indicators, ledger, year, month, expected)
    return BulletinData(
        catalogue=catalogue, year=year, quarter=quarter, month=month,
        table=table, previous_table=previous_table,
        items=rollup.by_item(table), units=rollup.by_unit(table),
        district_detail=detail, district_rank=rollup.by_district(detail),
        quality=quality, quarantine=_quarantine_rows(quarantine),
    )
