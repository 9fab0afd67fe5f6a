"""Codes as people read them: the one lookup from a code to its Chinese label.

The labels are data (settings.yaml `labels`): status, projection, assessment, task, kind,
submission, skipped, matched_by, light and light_change (月调度); the checks' reasons come
from contracts.checks. Codes without a label print as themselves, so a new code is visible,
not blank.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from minsheng.config import settings
from minsheng.contracts.checks import reason

GROUPS = ("status", "projection", "assessment", "task", "kind", "submission", "skipped",
          "matched_by", "light", "light_change")


def labels(group: str) -> dict[str, str]:
    """Every code of `group` with its label, in settings order."""
    if group not in GROUPS:
        raise KeyError(f"no label group {group!r}; groups: {', '.join(GROUPS)}")
    return settings()["labels"][group]


def label(group: str, code: Any) -> str:
    """The label of one code (the reason of a check code when `group` is "check")."""
    if group == "check":
        return reason(str(code))
    return labels(group).get(str(code), str(code))


def label_series(group: str, codes: pd.Series) -> pd.Series:
    """`label` over a column of codes."""
    table = labels(group)
    return codes.astype(str).map(lambda c: table.get(c, c))
