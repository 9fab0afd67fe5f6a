"""Year-end projection, hand-computed, both engines: the bulletin's schedule-adjusted one
(projected = attainment / expected for scheduled kinds) and the analyst API's current pace
(the last three months' movements run forward to December)."""

import math

import numpy as np
import pandas as pd
import pytest
from minsheng.rules.projection import (
    WINDOW,
    movements,
    pace_projection,
    pace_start,
    project,
    reach,
    year_end_at,
    year_end_verdict,
)


def _table(**cols):
    base = {"kind": "increment", "value": 0.0, "baseline": np.nan, "target_value": 100.0,
            "attainment": 0.0, "expected": 0.75}
    base.update(cols)
    return pd.DataFrame({k: [v] for k, v in base.items()})


@pytest.mark.parametrize(
    ("attainment", "projected", "cls"),
    [
        (0.72, 0.96, "on_track"),    # miss 4 %
        (0.7125, 0.95, "close"),     # miss exactly 5 % → not < 5 %
        (0.60, 0.80, "close"),       # miss exactly 20 %
        (0.5925, 0.79, "off_track"), # miss 21 %
    ],
)
def test_scheduled_kinds_project_at_schedule_adjusted_pace(attainment, projected, cls):
    out = project(_table(attainment=attainment, value=attainment * 100))
    assert out["projected_attainment"].iloc[0] == pytest.approx(projected)
    assert out["projected_value"].iloc[0] == pytest.approx(projected * 100)
    assert out["projection"].iloc[0] == cls


def test_level_projects_from_baseline():
    # 480 → 550, now 515 (attainment 0.5) at 50 % due: on course for 550
    out = project(_table(kind="level", value=515, baseline=480, target_value=550,
                         attainment=0.5, expected=0.5))
    assert out["projected_value"].iloc[0] == pytest.approx(550)
    assert out["projection"].iloc[0] == "on_track"


def test_wrong_direction():
    level_down = _table(kind="level", value=470, baseline=480, target_value=550,
                        attainment=-10 / 70, expected=0.5)
    assert project(level_down)["projection"].iloc[0] == "wrong_direction"
    directional = _table(kind="directional", value=10500, baseline=10000, target_value=0,
                         attainment=0.0, expected=1.0)
    assert project(directional)["projection"].iloc[0] == "wrong_direction"
    fell = _table(value=40.0, attainment=0.4, expected=0.5)
    assert project(fell, previous_value=pd.Series([45.0]))["projection"].iloc[0] == "wrong_direction"


def test_standing_kinds_project_at_current_level():
    out = project(_table(kind="daily_average", value=24300, target_value=27000,
                         attainment=0.9, expected=1.0))
    assert out["projected_attainment"].iloc[0] == pytest.approx(0.9)
    assert out["projection"].iloc[0] == "close"


def test_unknown_when_nothing_reported():
    assert project(_table(attainment=np.nan, value=np.nan))["projection"].iloc[0] == "unknown"


# ─────────────────────────────────────────────────────────── at the current pace

YEAR = 2031   # 365 days: Jan 31, Feb 28, Mar 31 → 90 days to the end of March


def test_window_is_three_months():
    assert WINDOW == 3


def test_figure_before_january():
    assert pace_start("increment", math.nan) == 0.0
    assert pace_start("level", 480) == 480.0
    assert math.isnan(pace_start("level", math.nan))
    assert math.isnan(pace_start("daily_average", math.nan))


def test_cumulative_pace_and_range():
    # 100, 130, 160 by March: movements 100 (from 0), 30, 30 → pace 160/3 a month;
    # year end 160 + 160/3 × 9 = 640, low 160 + 30 × 9 = 430, high 160 + 100 × 9 = 1060
    values = {1: 100.0, 2: 130.0, 3: 160.0}
    assert movements("increment", values, 0.0, 3, YEAR) == [100.0, 30.0, 30.0]
    assert year_end_at("increment", values, 3, YEAR, 30.0) == pytest.approx(430)
    p = pace_projection("increment", values, 0.0, 3, YEAR)
    assert p.moves == (100.0, 30.0, 30.0)
    assert p.pace == pytest.approx(160 / 3)
    assert p.year_end == pytest.approx(640)
    assert (p.low, p.high) == (pytest.approx(430), pytest.approx(1060))


def test_only_the_last_three_months_count():
    # 40, 70, 100, 130, 160 by May: window March–May, movements 30, 30, 30
    values = {1: 40.0, 2: 70.0, 3: 100.0, 4: 130.0, 5: 160.0}
    p = pace_projection("increment", values, 0.0, 5, YEAR)
    assert p.moves == (30.0, 30.0, 30.0)
    assert p.year_end == pytest.approx(160 + 30 * 7)   # 370
    assert p.low == p.high == pytest.approx(370)


def test_a_quarterly_reporter_gets_the_same_mean_and_a_wider_range():
    # reports 90 in March and 180 in June, nothing between: movements April–June 0, 0, 90
    values = {1: 0.0, 2: 0.0, 3: 90.0, 4: 90.0, 5: 90.0, 6: 180.0}
    p = pace_projection("increment", values, 0.0, 6, YEAR)
    assert p.pace == pytest.approx(30)
    assert p.year_end == pytest.approx(180 + 30 * 6)    # 360
    assert (p.low, p.high) == (pytest.approx(180), pytest.approx(180 + 90 * 6))   # 180, 720


def test_a_correction_downwards_is_no_pace_but_a_level_may_fall():
    values = {1: 50.0, 2: 40.0, 3: 70.0}
    assert movements("increment", values, 0.0, 3, YEAR) == [50.0, 0.0, 30.0]
    # a level from its baseline 480: 490, 485, 500 → 10, −5, 15; year end 500 + 20/3 × 9 = 560
    level = {1: 490.0, 2: 485.0, 3: 500.0}
    assert movements("level", level, 480.0, 3, YEAR) == [10.0, -5.0, 15.0]
    assert pace_projection("level", level, 480.0, 3, YEAR).year_end == pytest.approx(560)


def test_missing_months_move_nothing():
    assert movements("increment", {1: math.nan, 2: math.nan, 3: 60.0}, 0.0, 3, YEAR) == []
    assert pace_projection("increment", {1: math.nan, 2: math.nan, 3: 60.0}, 0.0, 3, YEAR) is None
    # a level without a baseline has no month 0: only February–March counts
    assert movements("level", {1: 10.0, 2: 12.0, 3: 15.0}, math.nan, 3, YEAR) == [2.0, 3.0]


def test_daily_average_moves_by_each_months_own_average():
    # own averages 1000 (Jan, 31 d), 1200 (Feb, 28 d), 900 (Mar, 31 d): totals 31000, 64600,
    # 92500, so year-to-date averages 1000, 64600/59, 92500/90
    values = {1: 1000.0, 2: 64600 / 59, 3: 92500 / 90}
    assert movements("daily_average", values, math.nan, 3, YEAR) == pytest.approx([1000, 1200, 900])
    p = pace_projection("daily_average", values, math.nan, 3, YEAR)
    # (92500 + 3100/3 × 275 days left) ÷ 365
    assert p.year_end == pytest.approx((92500 + 3100 / 3 * 275) / 365)
    assert p.low == pytest.approx((92500 + 900 * 275) / 365)
    assert p.high == pytest.approx((92500 + 1200 * 275) / 365)


def test_directional_weights_months_equally():
    # year-to-date averages 100, 110, 110 → totals 100, 220, 330 → own 100, 120, 110;
    # year end (330 + 110 × 9) ÷ 12 = 110
    values = {1: 100.0, 2: 110.0, 3: 110.0}
    assert movements("directional", values, math.nan, 3, YEAR) == pytest.approx([100, 120, 110])
    assert pace_projection("directional", values, math.nan, 3, YEAR).year_end == pytest.approx(110)


@pytest.mark.parametrize(
    ("now", "pace", "data_month", "expected"),
    [
        (160, 30, 3, (11, "this_year")),    # ceil((400 − 160) / 30) = 8 → 3 + 8
        (370, 30, 3, (4, "this_year")),     # 30 short: one month
        (100, 30, 9, (19, "next_year")),    # 10 months → July next year
        (100, 10, 3, (33, "later")),        # 30 months
        (160, 0, 3, (None, "stalled")),
    ],
)
def test_month_the_target_is_reached(now, pace, data_month, expected):
    assert reach(now, pace, 400, ">=", data_month) == expected


def test_reach_steps_past_a_strict_comparator():
    # > 400: 160 + 30 × 8 = 400 is not enough, 9 months → December
    assert reach(160, 30, 400, ">", 3) == (12, "this_year")


def test_year_end_verdict():
    # directional: 10000 → 9500 is −5 %, target "not above 0 %"
    met, change = year_end_verdict("directional", 9500, 10000, "<=", 0)
    assert met and change == pytest.approx(-5)
    met, change = year_end_verdict("directional", 10300, 10000, "<=", 0)
    assert not met and change == pytest.approx(3)
    met, change = year_end_verdict("directional", 9500, math.nan, "<=", 0)
    assert not met and math.isnan(change)
    met, change = year_end_verdict("daily_average", 27100, math.nan, ">=", 27000)
    assert met and math.isnan(change)
