"""Status against the time schedule (序时进度). Thresholds live in settings.yaml.

gap = attainment − 序时进度, in percentage points:
已完成 completed (the year's target met) · 达到序时进度 on_schedule (gap ≥ 0) ·
略低于序时进度 slightly_behind (behind, by less than `lagging_from` points) · 滞后 lagging
(from `lagging_from` to `severe_beyond` points behind, both ends included) · 严重滞后
severely_lagging (more than `severe_beyond` behind) · 未报送 no_data (no figure).
An indicator behind schedule, by however little, never counts as meeting it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.config import settings

STATUSES = ("completed", "on_schedule", "slightly_behind", "lagging", "severely_lagging", "no_data")
# 达到序时进度: at or above the schedule, the year's target met included.
MEETING_SCHEDULE = frozenset({"completed", "on_schedule"})
# Behind schedule, by any margin.
BEHIND_SCHEDULE = frozenset({"slightly_behind", "lagging", "severely_lagging"})
# Behind by the lagging threshold or more.
LAGGING = frozenset({"lagging", "severely_lagging"})


def gap_points(attainment: pd.Series, expected: pd.Series) -> pd.Series:
    """attainment − 序时进度 in points, rounded so that 0.65 − 0.75 is exactly −10."""
    return ((attainment - expected) * 100).round(9)


def classify_gap(gap: pd.Series, thresholds: dict | None = None) -> np.ndarray:
    """Status codes of gaps in points, for figures with a gap (no completed, no missing)."""
    t = thresholds or settings()["status"]
    return np.select([gap >= 0, gap > -t["lagging_from"], gap >= -t["severe_beyond"]],
                     ["on_schedule", "slightly_behind", "lagging"], default="severely_lagging")


def classify(attainment: pd.Series, expected: pd.Series, reached: pd.Series,
             thresholds: dict | None = None) -> pd.Series:
    """Status code per indicator from attainment and expected progress (fractions)."""
    by_gap = classify_gap(gap_points(attainment, expected), thresholds)
    codes = np.where(attainment.isna(), "no_data",
                     np.where(reached.astype(bool), "completed", by_gap))
    return pd.Series(pd.Categorical(codes, categories=STATUSES), index=attainment.index, name="status")
