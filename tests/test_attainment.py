"""Attainment per kind, hand-computed from the rules in DESIGN.md §3."""

import numpy as np
import pandas as pd
import pytest
from minsheng.catalogue.kinds import meets
from minsheng.rules.attainment import attainment, reached


def _row(kind, value, target, baseline=np.nan, comparator=">="):
    return pd.DataFrame({"kind": [kind], "value": [value], "target_value": [target],
                         "baseline": [baseline], "comparator": [comparator]})


def _att(*args, **kw):
    return attainment(_row(*args, **kw)).iloc[0]


def test_increment_is_done_over_target():
    assert _att("increment", 1500, 2500) == pytest.approx(0.6)


def test_increment_is_not_capped():
    assert _att("increment", 3000, 2500) == pytest.approx(1.2)


def test_level_measures_distance_from_baseline():
    # 550 target, 480 at start of year, 515 now: (515-480)/(550-480) = 0.5
    assert _att("level", 515, 550, baseline=480) == pytest.approx(0.5)
    # a rate: 40% → 55% target, now 49%: 9/15 = 0.6
    assert _att("level", 49, 55, baseline=40) == pytest.approx(0.6)


def test_level_without_baseline_is_unknown_not_zero():
    assert np.isnan(_att("level", 49, 55))


def test_daily_average_is_average_over_target():
    assert _att("daily_average", 24300, 27000) == pytest.approx(0.9)


def test_directional_met_or_not():
    # loss per case 8,000 vs 3-year mean 10,000: −20 % < 0 → met
    assert _att("directional", 8000, 0, baseline=10000, comparator="<") == 1.0
    assert _att("directional", 10500, 0, baseline=10000, comparator="<") == 0.0
    assert _att("directional", 10000, 0, baseline=10000, comparator="<") == 0.0  # no decline
    assert np.isnan(_att("directional", 8000, 0, comparator="<"))


def test_coverage_and_deliverable():
    assert _att("coverage", 19, 38) == pytest.approx(0.5)
    assert _att("deliverable", 2, 5) == pytest.approx(0.4)


def test_missing_value_stays_missing():
    assert np.isnan(_att("increment", np.nan, 100))


def test_strict_comparator():
    v, c, t = pd.Series([4_500_000.0, 4_500_001.0]), pd.Series([">", ">"]), pd.Series([4_500_000.0] * 2)
    assert meets(v, c, t).tolist() == [False, True]


def test_reached_for_stocks_now_and_for_standing_kinds_only_at_year_end():
    frame = pd.concat([_row("increment", 2500, 2500), _row("daily_average", 28000, 27000)],
                      ignore_index=True)
    frame["attainment"] = attainment(frame)
    assert reached(frame, 9).tolist() == [True, False]
    assert reached(frame, 12).tolist() == [True, True]
