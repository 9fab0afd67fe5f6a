"""Status boundaries, exactly on each threshold (10 and 30 points behind)."""

import pandas as pd
import pytest
from minsheng.rules.status import BEHIND_SCHEDULE, MEETING_SCHEDULE, classify


def _status(attainment, expected, reached=False):
    s = classify(pd.Series([attainment], dtype=float), pd.Series([expected]), pd.Series([reached]))
    return s.iloc[0]


@pytest.mark.parametrize(
    ("attainment", "expected", "status"),
    [
        (0.75, 0.75, "on_schedule"),      # gap 0: at 序时进度
        (0.80, 0.75, "on_schedule"),
        (0.7499, 0.75, "slightly_behind"),  # behind by 0.01 point: never "on schedule"
        (0.6501, 0.75, "slightly_behind"),  # 9.99 behind
        (0.65, 0.75, "lagging"),          # exactly 10 behind → lagging
        (0.45, 0.75, "lagging"),          # exactly 30 behind → still lagging
        (0.4499, 0.75, "severely_lagging"),  # 30.01 behind
        (0.0, 0.75, "severely_lagging"),
        (0.15, 0.25, "lagging"),          # 0.15 − 0.25 is −10 only after rounding
    ],
)
def test_boundaries(attainment, expected, status):
    assert _status(attainment, expected) == status


def test_meeting_the_schedule_means_at_or_above_it():
    assert MEETING_SCHEDULE == {"completed", "on_schedule"}
    assert "slightly_behind" in BEHIND_SCHEDULE and not MEETING_SCHEDULE & BEHIND_SCHEDULE


def test_completed_wins_over_gap_and_missing_is_no_data():
    assert _status(1.0, 0.75, reached=True) == "completed"
    assert _status(float("nan"), 0.75) == "no_data"


def test_thresholds_come_from_config():
    s = classify(pd.Series([0.70]), pd.Series([0.75]), pd.Series([False]),
                 thresholds={"lagging_from": 5, "severe_beyond": 20})
    assert s.iloc[0] == "lagging"   # 5 points behind with a 5-point band
