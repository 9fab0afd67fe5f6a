"""Year-end projection: where each indicator lands, by two engines side by side.

Schedule-adjusted (`project`, the bulletin's): for scheduled kinds, projected attainment =
attainment / expected progress (a unit at 60 % when 75 % is due is on course for 80 %).
Standing kinds (daily average, directional) are projected at their current attainment. The
projected miss (1 − projected attainment) is classified as Germany's indicator report does:
< 5 % on track, 5–20 % close (needs acceleration), > 20 % off track; a figure moving the wrong
way is worst.

At the current pace (`pace_projection`, `reach`, `year_end_verdict`; the analyst API's
`projection_range`): the rest of the year repeats the last WINDOW (three) months. The monthly
movements of the city figure in the WINDOW months up to its data month d (cumulative
increments, a correction downwards counting as 0; changes of a level, month 0 being its
baseline; for a year-to-date average, each month's own average, weighted by days for a daily
average) give the central pace (their mean) and the plausible range (the slowest and the
fastest of them), run forward from d to December. A month without a new report moves
nothing, so a unit that reports quarterly gets the same mean but a wider range.
Deterministic: the same figures give the same range. These return numbers and codes; the
sentences saying them are written by the analysis.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from minsheng.catalogue.kinds import ADDITIVE_KINDS, SCHEDULED_KINDS, STANDING_KINDS, meets_one
from minsheng.catalogue.periods import days_through
from minsheng.config import settings

CLASSES = ("on_track", "close", "off_track", "wrong_direction", "unknown")
WINDOW = 3          # months of movement behind the current pace
REACH_CODES = ("stalled", "this_year", "next_year", "later")


def project(table: pd.DataFrame, previous_value: pd.Series | None = None,
            thresholds: dict | None = None) -> pd.DataFrame:
    """Projected attainment, value and class for each row of an attainment table.

    `table` needs kind, value, baseline, target_value, attainment, expected.
    `previous_value` (the same indicators' figure a month earlier) marks a cumulative
    figure that fell as moving the wrong way.
    """
    t = thresholds or settings()["projection"]
    scheduled = table["kind"].isin(SCHEDULED_KINDS)
    expected = table["expected"].where(table["expected"] > 0)
    projected = (table["attainment"] / expected).where(scheduled, table["attainment"])
    base = table["baseline"].where(table["kind"] == "level", 0.0)
    projected_value = (base + projected * (table["target_value"] - base)).where(
        table["kind"] != "directional")

    wrong = pd.Series(False, index=table.index)
    wrong |= (table["kind"] == "level") & (table["value"] < table["baseline"])
    wrong |= (table["kind"] == "directional") & (table["attainment"] == 0)
    if previous_value is not None:
        wrong |= scheduled & (table["value"] < previous_value)
    miss = (1 - projected).round(9)
    codes = np.select(
        [projected.isna(), wrong, miss < t["on_track_below"], miss <= t["close_up_to"]],
        ["unknown", "wrong_direction", "on_track", "close"],
        default="off_track",
    )
    return pd.DataFrame({
        "projected_attainment": projected.astype(float),
        "projected_value": projected_value.astype(float),
        "projection": pd.Categorical(codes, categories=CLASSES),
    }, index=table.index)


# ─────────────────────────────────────────────────────────── at the current pace

@dataclass(frozen=True)
class PaceProjection:
    """The year end of one indicator at its recent pace (unrounded)."""

    moves: tuple[float, ...]    # the monthly movements of the window
    pace: float                 # their mean: the central monthly pace
    year_end: float             # the year-end figure at that pace
    low: float                  # … at the slowest movement
    high: float                 # … at the fastest movement


def pace_start(kind: str, baseline: float) -> float:
    """The figure before January (month 0): 0 for additive kinds, a level's baseline, else NaN."""
    if kind in ADDITIVE_KINDS:
        return 0.0
    return float(baseline) if kind == "level" and pd.notna(baseline) else math.nan


def _weight(kind: str, year: int, month: int) -> float:
    """What a year-to-date average is an average over: days (daily average) or months."""
    return float(days_through(year, month)) if kind == "daily_average" else float(month)


def _totals(kind: str, values: dict[int, float], year: int) -> dict[int, float]:
    """A year-to-date average's totals to date (average × weight), month 0 being 0."""
    total = {m: v * _weight(kind, year, m) for m, v in values.items() if m > 0 and pd.notna(v)}
    total[0] = 0.0
    return total


def movements(kind: str, values: dict[int, float], start: float, data_month: int,
              year: int) -> list[float]:
    """The monthly movements over the last WINDOW months up to `data_month`.

    `values`: the figure as of each month's end (1 … data_month; a month without a new
    report repeats the last figure); `start`: the figure of month 0 (`pace_start`). Months
    whose figure or predecessor is missing are left out.
    """
    d = data_month
    series = {0: start, **values}
    window = range(max(1, d - WINDOW + 1), d + 1)
    if kind in STANDING_KINDS:
        total = _totals(kind, series, year)
        return [(total[m] - total[m - 1]) / (_weight(kind, year, m) - _weight(kind, year, m - 1))
                for m in window if m in total and m - 1 in total]
    moves = [series[m] - series[m - 1] for m in window
             if pd.notna(series.get(m)) and pd.notna(series.get(m - 1))]
    if kind in ADDITIVE_KINDS:   # a correction downwards is not a pace
        moves = [max(x, 0.0) for x in moves]
    return moves


def year_end_at(kind: str, values: dict[int, float], data_month: int, year: int,
                pace: float) -> float:
    """The year-end figure when every month after `data_month` moves by `pace`: the figure
    + pace × months left, or for a year-to-date average (total to date + pace × weight left)
    ÷ the year's weight."""
    d = data_month
    if kind in STANDING_KINDS:
        total = _totals(kind, values, year)
        end = _weight(kind, year, 12)
        return (total[d] + pace * (end - _weight(kind, year, d))) / end
    return values[d] + pace * (12 - d)


def pace_projection(kind: str, values: dict[int, float], start: float, data_month: int,
                    year: int) -> PaceProjection | None:
    """Central pace, year end and low–high range (see the module docstring); None when the
    window has no movement to go on."""
    moves = movements(kind, values, start, data_month, year)
    if not moves:
        return None
    pace = float(np.mean(moves))
    low, high = sorted([year_end_at(kind, values, data_month, year, min(moves)),
                        year_end_at(kind, values, data_month, year, max(moves))])
    return PaceProjection(tuple(moves), pace, year_end_at(kind, values, data_month, year, pace),
                          low, high)


def reach(now: float, pace: float, target: float, comparator: str,
          data_month: int) -> tuple[int | None, str]:
    """(month, code): the month a cumulative figure `now` at `data_month` meets its target at
    `pace` a month, counted on from January (13 = January next year).

    Codes (REACH_CODES): "stalled" (pace ≤ 0; month None), "this_year" (month ≤ 12),
    "next_year" (13–24), "later" (after next year).
    """
    if pace <= 0:
        return None, "stalled"
    k = max(1, math.ceil((target - now) / pace - 1e-9))
    while not meets_one(now + pace * k, comparator, target):
        k += 1
    month = data_month + k
    return month, "this_year" if month <= 12 else "next_year" if month <= 24 else "later"


def year_end_verdict(kind: str, year_end: float, baseline: float, comparator: str,
                     target: float) -> tuple[bool, float]:
    """(met, change %) for a target judged at year end: a directional target compares the
    change against the baseline in % (NaN without a baseline), any other the figure itself
    (change NaN)."""
    if kind == "directional":
        change = ((year_end - baseline) / abs(baseline) * 100
                  if pd.notna(baseline) and baseline else math.nan)
        return meets_one(change, comparator, target), change
    return meets_one(year_end, comparator, target), math.nan
