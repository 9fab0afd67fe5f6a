"""The dispatch's data: every table the 月调度 prints, as frames (`DispatchData`, built by
`assemble_dispatch` from a catalogue, the cleaned outputs, a month and whether it is a draft).

A dispatch is as of its month's end; a draft of a month whose returns are not all in is as of
its data's cut-off (the last month with data, as a draft bulletin). Lights come from the
indicator tables of every month up to the cut-off (rules.lights); the returns (报送情况) are
those of the month itself, from the cleaner's quality report.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from minsheng.catalogue import Catalogue
from minsheng.catalogue.periods import Month, return_due
from minsheng.config import settings
from minsheng.contracts.quality import QualityReport
from minsheng.contracts.store import CleanOutputs
from minsheng.report.bulletin.data import data_cutoff
from minsheng.report.text import indicator_name
from minsheng.rules import rollup
from minsheng.rules.attainment import table_at
from minsheng.rules.lights import HISTORY_COLUMNS, district_lights, lights_at, lights_from_tables

RETURN_COLUMNS = ["reporting_unit", "submission", "first_submitted_on", "due", "days_late",
                  "n_indicators", "indicators"]
# The light columns a month's indicator table gains (rules.lights.HISTORY_COLUMNS past its figures).
LIGHT_COLUMNS = HISTORY_COLUMNS[8:]


@dataclass(frozen=True, eq=False)
class DispatchData:
    """Everything the dispatch prints, as frames (built by `assemble_dispatch`)."""

    catalogue: Catalogue
    year: int
    month: int                  # the month dispatched (its returns, its title)
    cutoff: int                 # the data's cut-off: the lights are as of its end
    draft: bool                 # the month's returns are not all in: 征求意见稿
    lights: pd.DataFrame        # the indicator table at `cutoff` with its LIGHT_COLUMNS
    history: pd.DataFrame       # rules.lights history, months 1..cutoff
    districts: pd.DataFrame     # rollup.district_detail at `cutoff` with status and light
    returns: pd.DataFrame       # one row per reporting unit: its return for `month` (RETURN_COLUMNS)
    quality: QualityReport      # the cleaner's quality report

    @property
    def period(self) -> Month:
        return Month(self.year, self.month)

    @property
    def chase(self) -> pd.DataFrame:
        """The returns to chase (催报): missing, late or undated, in catalogue order."""
        return self.returns[self.returns["submission"] != "on_time"].reset_index(drop=True)

    def previous_month(self) -> int | None:
        """The month the changes are counted from (None in the year's first month)."""
        return self.cutoff - 1 if self.cutoff > 1 else None


def month_returns(catalogue: Catalogue, quality: QualityReport, year: int,
                  month: int) -> pd.DataFrame:
    """Per reporting unit (catalogue order), its return for `month`: on_time / late / undated /
    missing (the quality report's `submissions`; a unit or month the report does not hold is
    missing), its first 填报日期, the day it was due, days late, and what it reports (the
    indicators' names, then its tasks)."""
    label = f"{year}-{month:02d}"
    records = {u.reporting_unit: u for u in quality.submissions.by_unit if u.month == label}
    due_day = quality.submissions.due_day or int(settings()["cleaning"]["due_day"])
    reportable = catalogue.reportable
    rows = []
    for unit, mine in reportable.groupby("reporting_unit", sort=False):
        rec = records.get(unit)
        due = date.fromisoformat(rec.due) if rec else return_due(year, month, due_day)
        filed = date.fromisoformat(rec.submitted_on) if rec and rec.submitted_on else None
        status = rec.status if rec else "missing"
        names = [indicator_name(r) for r in mine.to_dict("records")]
        rows.append({"reporting_unit": unit, "submission": status, "first_submitted_on": filed,
                     "due": due, "days_late": (filed - due).days if status == "late" else None,
                     "n_indicators": len(mine), "indicators": "、".join(names)})
    out = pd.DataFrame(rows, columns=RETURN_COLUMNS)
    out["days_late"] = out["days_late"].astype("Int64")
    return out


def assemble_dispatch(catalogue: Catalogue, clean: CleanOutputs, month: Month, *,
                      draft: bool = False) -> DispatchData:
    """Compute every table of the dispatch of `month` (catalogue.periods.Month)."""
    year = month.year
    if catalogue.year != year:
        raise ValueError(f"catalogue is for {catalogue.year}, month {month.label} is not")
    cutoff = data_cutoff(clean.ledger, year, month.month) if draft else month.month
    tables = {m: table_at(catalogue, clean.ledger, year, m) for m in range(1, cutoff + 1)}
    history = lights_from_tables(tables)
    now = lights_at(history, cutoff).set_index("indicator_id")[LIGHT_COLUMNS]
    table = tables[cutoff]
    lights = table.join(now, on="indicator_id")
    expected = table.set_index("indicator_id")["expected"]
    detail = rollup.district_detail(catalogue.indicators, clean.ledger, year, cutoff, expected)
    districts = district_lights(detail).join(
        catalogue.indicators[["reporting_unit"]], on="indicator_id")
    return DispatchData(catalogue=catalogue, year=year, month=month.month, cutoff=cutoff,
                        draft=draft, lights=lights, history=history, districts=districts,
                        returns=month_returns(catalogue, clean.quality, year, month.month),
                        quality=clean.quality)
