"""Periods and when they may be published, by hand: a quarter or month is final only once it
has ended, its last month's returns have fallen due (the 5th of the next month) and returns
for that month are in; before that, a document of it is a 征求意见稿."""

import datetime as dt

import pytest
from minsheng.catalogue.periods import (
    NO_RETURNS,
    NOT_DUE,
    NOT_ENDED,
    Month,
    Quarter,
    latest_due,
    parse_period,
    readiness,
    return_due,
)


def test_quarter_and_month():
    q = Quarter(2026, 4)
    assert (q.first_month, q.end_month, q.end_date, q.label) == (10, 12, dt.date(2026, 12, 31), "2026Q4")
    assert Quarter(2026, 1).previous() is None and q.previous() == Quarter(2026, 3)
    m = Month(2026, 2)
    assert (m.end_date, m.label, m.previous()) == (dt.date(2026, 2, 28), "2026-02", Month(2026, 1))
    assert parse_period("2026Q3") == Quarter(2026, 3) and parse_period("2026-09") == Month(2026, 9)
    assert parse_period("2026-13") is None and parse_period("2026Q5") is None


def test_december_returns_fall_due_next_year():
    assert return_due(2026, 12, 5) == dt.date(2027, 1, 5)
    assert return_due(2026, 9, 5) == dt.date(2026, 10, 5)


@pytest.mark.parametrize(("today", "months", "reason"), [
    (dt.date(2026, 12, 1), None, NOT_ENDED),          # Q4 on 1 December: not over
    (dt.date(2026, 12, 31), None, NOT_ENDED),         # its last day is still inside it
    (dt.date(2027, 1, 5), None, NOT_DUE),             # December's returns due today
    (dt.date(2027, 1, 6), {10, 11}, NO_RETURNS),      # due, but no December return in the data
    (dt.date(2027, 1, 6), {10, 11, 12}, None),        # ready
    (dt.date(2027, 1, 6), None, None),                # ready as far as the calendar goes
])
def test_readiness_of_a_quarter(today, months, reason):
    assert readiness(Quarter(2026, 4), today, 5, months) == reason


def test_readiness_of_a_month():
    assert readiness(Month(2026, 9), dt.date(2026, 10, 5), 5, {9}) == NOT_DUE
    assert readiness(Month(2026, 9), dt.date(2026, 10, 6), 5, {8}) == NO_RETURNS
    assert readiness(Month(2026, 9), dt.date(2026, 10, 6), 5, {9}) is None


def test_latest_month_and_quarter_due():
    assert latest_due(Month, dt.date(2026, 12, 1), 5) == Month(2026, 10)
    assert latest_due(Month, dt.date(2026, 12, 6), 5) == Month(2026, 11)
    assert latest_due(Quarter, dt.date(2026, 12, 1), 5) == Quarter(2026, 3)
