"""Reporting periods (a quarter for 季通报, a month for 月调度), the reporting calendar, and
when a period may be published.

Units report each month's figures by day `due_day` (settings.yaml cleaning.due_day) of the
following month; December's returns fall due in January of the next year.

A period may be published as final when it has ended, the day its last month's returns were
due has passed (day `due_day` of the next month, settings.yaml cleaning.due_day: returns
filed on the due day are on time, so the day after is the first on which all of them can
be in) and returns for that month are present in the data. Before that, a document of the
period is a 征求意见稿.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

_QUARTER = re.compile(r"^(?P<year>\d{4})Q(?P<q>[1-4])$")
_MONTH = re.compile(r"^(?P<year>\d{4})-(?P<m>0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Quarter:
    year: int
    quarter: int

    @property
    def first_month(self) -> int:
        return 3 * self.quarter - 2

    @property
    def end_month(self) -> int:
        return 3 * self.quarter

    @property
    def end_date(self) -> dt.date:
        """The quarter's last day."""
        return _month_end(self.year, self.end_month)

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.quarter}"

    def previous(self) -> Quarter | None:
        """The quarter before, within the same year (a year's list starts afresh)."""
        return Quarter(self.year, self.quarter - 1) if self.quarter > 1 else None


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def first_month(self) -> int:
        return self.month

    @property
    def end_month(self) -> int:
        return self.month

    @property
    def end_date(self) -> dt.date:
        return _month_end(self.year, self.month)

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    def previous(self) -> Month | None:
        return Month(self.year, self.month - 1) if self.month > 1 else None


Period = Quarter | Month


def return_due(year: int, month: int, due_day: int) -> dt.date:
    """The day the returns for `month` of `year` are due."""
    return dt.date(year + (month == 12), month % 12 + 1, due_day)


def days_through(year: int, month: int) -> int:
    """Days from 1 January to the end of `month` (for year-to-date daily averages)."""
    return sum(calendar.monthrange(year, m)[1] for m in range(1, month + 1))


def _month_end(year: int, month: int) -> dt.date:
    return return_due(year, month, 1) - dt.timedelta(days=1)


def parse_period(text: str) -> Period | None:
    """'2026Q3' → Quarter, '2026-09' → Month, anything else → None."""
    if m := _QUARTER.match(str(text)):
        return Quarter(int(m["year"]), int(m["q"]))
    if m := _MONTH.match(str(text)):
        return Month(int(m["year"]), int(m["m"]))
    return None


def returns_due(period: Period, due_day: int) -> dt.date:
    """The day the returns of the period's last month fall due."""
    return return_due(period.year, period.end_month, due_day)


def latest_due(kind: type[Quarter] | type[Month], today: dt.date, due_day: int) -> Period:
    """The latest quarter (or month) whose last month's returns were due before `today`."""
    year, month = today.year, today.month
    while True:
        month -= 1
        if month == 0:
            year, month = year - 1, 12
        candidate = Month(year, month) if kind is Month else (
            Quarter(year, month // 3) if month % 3 == 0 else None)
        if candidate is not None and returns_due(candidate, due_day) < today:
            return candidate


# Why a period is not ready to publish as final (None: ready).
NOT_ENDED, NOT_DUE, NO_RETURNS = "not_ended", "not_due", "no_returns"


def readiness(period: Period, today: dt.date, due_day: int,
              months_with_returns: set[int] | None = None) -> str | None:
    """None when `period` may be published as final on `today`; else the reason code.

    `months_with_returns`: the months of the period's year that have any return in the data
    (None: not known yet, checked after cleaning).
    """
    if today <= period.end_date:
        return NOT_ENDED
    if today <= returns_due(period, due_day):
        return NOT_DUE
    if months_with_returns is not None and period.end_month not in months_with_returns:
        return NO_RETURNS
    return None
