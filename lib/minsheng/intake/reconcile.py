"""Reconciling 本月完成 with 累计完成, and the checks that compare a row with earlier months.

Additive kinds: 累计完成 wins. When it is empty it is derived as the previous month's
cumulative + 本月完成 (month 1 starts from 0), flagged DERIVED; without the previous month it
stays missing, NOT_DERIVABLE. When both are given and disagree, 累计 is kept, MISMATCH.
A cumulative below an earlier month's is kept and flagged CUMULATIVE_DECREASE; a figure about
10,000 times smaller than earlier months is flagged LIKELY_WAN. A month without any figure
after a month with one is flagged BLANK_AFTER_VALUE (the ledger keeps it missing; the earlier
figure stands for the month in every later stage).
"""

from __future__ import annotations

import numpy as np

from minsheng.intake.flags import BIT


def reconcile(frame: dict[str, np.ndarray], latest: np.ndarray, key: np.ndarray,
               per: dict[str, np.ndarray], wan_ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """On the latest rows (in key order): derive 累计 from 本月 (DERIVED / NOT_DERIVABLE), and flag
    MISMATCH, CUMULATIVE_DECREASE, LIKELY_WAN and BLANK_AFTER_VALUE against earlier months of the
    same indicator × district. Returns (value, flags) of those rows."""
    if not len(latest):
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    n = len(latest)
    additive = per["additive"][frame["_ind"][latest]]
    month = frame["month"][latest]
    cum = frame["value"][latest]
    mon = frame["monthly_value"][latest]
    flags = frame["_flags"][latest]
    group = key >> 4  # key = (…) * 16 + month
    first = np.ones(n, dtype=bool)
    np.not_equal(group[1:], group[:-1], out=first[1:])
    follows = np.zeros(n, dtype=bool)
    np.equal(month[1:] - month[:-1], 1, out=follows[1:])
    follows &= ~first
    has_cum, has_mon = ~np.isnan(cum), ~np.isnan(mon)
    value = cum
    from_monthly = ~has_cum & has_mon
    if from_monthly.any():
        # A chain continues where 累计 is empty, 本月 given, and the month follows the previous one;
        # a derived value is its chain's anchor plus the 本月 figures since.
        cont = from_monthly & additive & follows
        need = np.flatnonzero(from_monthly & additive)
        start = np.maximum.accumulate(np.where(cont, 0, np.arange(n)))[need]  # row 0 never continues
        anchor = np.where(has_cum[start], cum[start],
                          np.where(additive[start] & has_mon[start] & first[start] & (month[start] == 1),
                                   mon[start], np.nan))
        csum = np.cumsum(np.where(cont, mon, 0.0))
        value = cum.copy()
        value[need] = anchor + (csum[need] - csum[start])
        flags[from_monthly & ~np.isnan(value)] |= BIT["DERIVED"]
        flags[from_monthly & np.isnan(value)] |= BIT["NOT_DERIVABLE"]

    prev_exact = np.full(n, np.nan)  # 上月累计 where the previous month is known (0 before January)
    prev_exact[first & (month == 1)] = 0.0
    np.copyto(prev_exact[1:], value[:-1], where=follows[1:])
    check = has_cum & has_mon & additive & ~np.isnan(prev_exact)
    # |累计 − (上月累计 + 本月)| beyond rounding (tolerance 1e-6 absolute, 1e-9 relative).
    with np.errstate(invalid="ignore"):
        mismatch = check & (np.abs(cum - (prev_exact + mon)) > 1e-6 + 1e-9 * np.abs(cum))
    flags[mismatch] |= BIT["MISMATCH"]
    earlier = _shifted_ffill(value, first)
    with np.errstate(invalid="ignore", divide="ignore"):
        decrease = additive & (value < earlier - 1e-9 * np.maximum(1, np.abs(earlier)))
        likely_wan = (value > 0) & (earlier > 0) & (earlier / value >= wan_ratio)
    flags[decrease] |= BIT["CUMULATIVE_DECREASE"]
    flags[likely_wan] |= BIT["LIKELY_WAN"]
    flags[~has_cum & ~has_mon & ~np.isnan(earlier)] |= BIT["BLANK_AFTER_VALUE"]
    return value, flags


def _shifted_ffill(value: np.ndarray, first: np.ndarray) -> np.ndarray:
    """For each row, the last non-missing value of an earlier row in the same group (NaN if none)."""
    n = len(value)
    rows = np.arange(n)
    group_start = np.maximum.accumulate(np.where(first, rows, 0))
    prev = np.empty(n, dtype=rows.dtype)  # the last row before each row with a value (-1: none)
    prev[0] = -1
    np.maximum.accumulate(np.where(np.isnan(value[:-1]), -1, rows[:-1]), out=prev[1:])
    return np.where(prev >= group_start, value[prev], np.nan)  # value[-1] only where masked


