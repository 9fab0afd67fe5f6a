"""Counts as the bulletin prints them and as its checks read them back: indicators per
status (categories with none are not printed), the capped mean attainment, shares."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from minsheng.report.format import fmt_count
from minsheng.report.labels import label, labels
from minsheng.rules import rollup
from minsheng.rules.status import MEETING_SCHEDULE, STATUSES
from minsheng.rules.texts import TASK_STATUSES

CAP = rollup.CAP


def status_label(code: Any) -> str:
    return label("status", code)


def status_counts(statuses: pd.Series) -> dict[str, int]:
    """Indicators per status code, every status present (0 when none)."""
    vc = statuses.astype(str).value_counts()
    return {s: int(vc.get(s, 0)) for s in STATUSES}


def task_counts(statuses: pd.Series) -> dict[str, int]:
    """Tasks per task status code (rules.texts.TASK_STATUSES), every one present."""
    vc = statuses.astype(str).value_counts()
    return {s: int(vc.get(s, 0)) for s in TASK_STATUSES}


def counts_phrase(counts: Mapping[str, int], group: str = "status") -> str:
    """已完成1项、达到序时进度2项、… in the counts' order, leaving out those with none."""
    return "、".join(f"{label(group, s)}{fmt_count(n)}项" for s, n in counts.items() if n)


def parse_counts(text: str, group: str = "status") -> dict[str, int]:
    """The counts a `counts_phrase` printed, read back from `text` (0 when absent)."""
    names = labels(group)
    # Longest labels first, so that a label containing another is matched whole.
    alternation = "|".join(re.escape(v) for v in sorted(names.values(), key=len, reverse=True))
    found = {lab: int(n) for lab, n in re.findall(rf"({alternation})(\d+)项", text)}
    by_label = {v: k for k, v in names.items()}
    out = dict.fromkeys(names, 0)
    out.update({by_label[lab]: n for lab, n in found.items()})
    return out


def capped_mean(att: pd.Series) -> float:
    """Mean attainment with each indicator capped at CAP (NaN when none is known)."""
    return float(att.clip(upper=CAP).mean()) if att.notna().any() else float("nan")


def overall_summary(table: pd.DataFrame) -> dict[str, Any]:
    """The whole table's figures as one record (what 一、总体情况 prints)."""
    counts = status_counts(table["status"])
    n_reported = len(table) - counts["no_data"]
    n_meeting = sum(counts[s] for s in MEETING_SCHEDULE)
    return {"n_indicators": len(table), "n_reported": n_reported,
            "n_meeting_schedule": n_meeting,
            "share_meeting_schedule": n_meeting / n_reported if n_reported else np.nan,
            "mean_attainment_capped": capped_mean(table["attainment"]),
            **{f"n_{s}": counts[s] for s in STATUSES}}


def listed(frame: pd.DataFrame, column: str = "indicator", limit: int | None = None) -> str:
    """Names joined as Chinese lists them: A、B、C; beyond `limit`, "A、B等5项"."""
    values = [str(v) for v in frame[column]]
    if limit is not None and len(values) > limit:
        return "、".join(values[:limit]) + f"等{fmt_count(len(values))}项"
    return "、".join(values)
