"""Year-end projection: where each indicator lands at the current, schedule-adjusted pace.

Scheduled kinds: projected attainment = attainment / expected progress (a unit at 60 % when
75 % is due is on course for 80 %). Standing kinds (daily average, directional) are projected
at their current attainment. The projected miss (1 − projected attainment) is classified as
Germany's indicator report does: < 5 % on track, 5–20 % close (needs acceleration),
> 20 % off track; a figure moving the wrong way is worst.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.catalogue.kinds import SCHEDULED_KINDS
from minsheng.config import settings

CLASSES = ("on_track", "close", "off_track", "wrong_direction", "unknown")


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
