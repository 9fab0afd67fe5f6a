"""Year-end projection, hand-computed: projected = attainment / expected for scheduled kinds."""

import numpy as np
import pandas as pd
import pytest
from minsheng.rules.projection import project


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
