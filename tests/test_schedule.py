"""序时进度: values computed by hand from the rule."""

import pandas as pd
import pytest
from minsheng.rules.schedule import expected_progress, plan_fraction


def test_linear_is_month_over_twelve():
    assert plan_fraction(None, 3) == pytest.approx(0.25)
    assert plan_fraction(None, 9) == pytest.approx(0.75)
    assert plan_fraction(None, 12) == 1.0


def test_quarterly_plan_is_read_linearly_within_the_quarter():
    plan = {"quarterly": [0.15, 0.40, 0.70, 1.00]}
    assert plan_fraction(plan, 3) == pytest.approx(0.15)
    assert plan_fraction(plan, 1) == pytest.approx(0.05)          # 0 + 0.15 × 1/3
    assert plan_fraction(plan, 5) == pytest.approx(0.15 + 0.25 * 2 / 3)  # 0.31667
    assert plan_fraction(plan, 9) == pytest.approx(0.70)
    assert plan_fraction(plan, 10) == pytest.approx(0.80)         # 0.70 + 0.30 / 3


def test_monthly_plan_is_taken_as_given():
    plan = {"monthly": [0.05, 0.2, 0.2, 0.21, 0.23, 0.28, 0.65, 0.95, 0.95, 0.98, 0.99, 1.0]}
    assert plan_fraction(plan, 2) == 0.2
    assert plan_fraction(plan, 8) == 0.95


def test_month_out_of_range_is_an_error():
    with pytest.raises(ValueError):
        plan_fraction(None, 13)


def test_expected_progress_per_kind_and_plan():
    ind = pd.DataFrame({
        "kind": ["increment", "level", "daily_average", "directional", "increment"],
        "plan": [None, None, None, None, "back"],
    }, index=list("abcde"))
    got = expected_progress(ind, {"back": {"quarterly": [0.1, 0.3, 0.6, 1.0]}}, 6)
    assert got.tolist() == pytest.approx([0.5, 0.5, 1.0, 1.0, 0.3])
