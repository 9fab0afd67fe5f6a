"""Status against the time schedule (序时进度). Thresholds live in settings.yaml.

已完成 completed · 超序时进度 ahead (gap ≥ 0) · 符合序时进度 on_track (less than
`on_track_within` points behind) · 滞后 lagging (from `on_track_within` to `severe_beyond`
points behind, both ends included) · 严重滞后 severely_lagging (more than `severe_beyond`
behind) · 未报送 no_data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.config import settings

STATUSES = ("completed", "ahead", "on_track", "lagging", "severely_lagging", "no_data")
# Statuses at or above the schedule (达到序时进度).
MEETING_SCHEDULE = frozenset({"completed", "ahead", "on_track"})


def classify(attainment: pd.Series, expected: pd.Series, reached: pd.Series,
             thresholds: dict | None = None) -> pd.Series:
    """Status code per indicator from attainment and expected progress (fractions)."""
    t = thresholds or settings()["status"]
    # Rounded so that 0.65 − 0.75 is exactly −10 points, not −10.000000000000002.
    gap = ((attainment - expected) * 100).round(9)
    conditions = [
        attainment.isna(),
        reached.astype(bool),
        gap >= 0,
        gap > -t["on_track_within"],
        gap >= -t["severe_beyond"],
    ]
    choices = ["no_data", "completed", "ahead", "on_track", "lagging"]
    codes = np.select(conditions, choices, default="severely_lagging")
    return pd.Series(pd.Categorical(codes, categories=STATUSES), index=attainment.index, name="status")

