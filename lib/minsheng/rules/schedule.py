"""Expected progress (序时进度): the share of the year's target due by a month's end.

Linear by default (end of month m → m/12). An indicator may name a plan from its
catalogue: 12 monthly cumulative fractions, or 4 quarterly ones read linearly within the
quarter. Kinds measured against a standing level (daily averages, directional targets)
are expected at 100 % throughout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import pandas as pd

from minsheng.catalogue.kinds import SCHEDULED_KINDS


def plan_fraction(plan: Mapping[str, Sequence[float]] | None, month: int) -> float:
    """Cumulative fraction due at the end of `month` (1–12) under `plan` (None → linear)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month must be 1–12, got {month}")
    if not plan:
        return month / 12
    if "monthly" in plan:
        return float(plan["monthly"][month - 1])
    quarters = plan["quarterly"]
    q = math.ceil(month / 3)
    start = quarters[q - 2] if q > 1 else 0.0
    within = (month - 3 * (q - 1)) / 3
    return float(start + (quarters[q - 1] - start) * within)


def expected_progress(indicators: pd.DataFrame, plans: Mapping[str, Mapping], month: int) -> pd.Series:
    """序时进度 of each indicator (rows of a catalogue table) at the end of `month`, as a fraction."""
    fractions = {name: plan_fraction(plan, month) for name, plan in plans.items()}
    linear = plan_fraction(None, month)
    scheduled = indicators["plan"].map(fractions).fillna(linear)
    standing = ~indicators["kind"].isin(SCHEDULED_KINDS)
    return scheduled.where(~standing, 1.0).astype(float).rename("expected")

