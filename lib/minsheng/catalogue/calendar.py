"""The reporting calendar: when a month's returns are due, and how long the year is.

Units report each month's figures by day `due_day` (settings.yaml cleaning.due_day) of the
following month; December's returns fall due in January of the next year.
"""

from __future__ import annotations

import calendar
from datetime import date


def return_due(year: int, month: int, due_day: int) -> date:
    """The day the returns for `month` of `year` are due."""
    return date(year + (month == 12), month % 12 + 1, due_day)


def days_through(year: int, month: int) -> int:
    """Days from 1 January to the end of `month` (for year-to-date daily averages)."""
    return sum(calendar.monthrange(year, m)[1] for m in range(1, month + 1))
