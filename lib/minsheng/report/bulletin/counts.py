"""Counts as the bulletin prints them and as the check reads them back: indicators per
status, the capped mean attainment, quarantined rows per reason."""

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

CAP = rollup.CAP


def status_label(code: Any) -> str:
    return label("status", code)


def status_counts(statuses: pd.Series) -> dict[str, int]:
    """Indicators per status code, every status present (0 when none)."""
    vc = statuses.astype(str).value_counts()
    return {s: int(vc.get(s, 0)) for s in STATUSES}


def counts_phrase(counts: Mapping[str, int]) -> str:
    """已完成1项、超序时进度2项、… in the order of STATUSES."""
    return "、".join(f"{status_label(s)}{fmt_count(counts[s])}项" for s in STATUSES)


def parse_counts(text: str) -> dict[str, int]:
    """The status counts a `counts_phrase` printed, read back from `text`."""
    names = labels("status")
    # Longest labels first, so that a label containing another is matched whole.
    alternation = "|".join(re.escape(names[s]) for s in sorted(STATUSES, key=lambda s: -len(names[s])))
    found = {lab: int(n.replace(",", "")) for lab, n in re.findall(rf"({alternation})([\d,]+)项", text)}
    by_label = {v: k for k, v in names.items()}
    return {by_label[lab]: n for lab, n in found.items()}


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


def quarantined_rows(quarantine: pd.DataFrame) -> tuple[pd.Series, int]:
    """Quarantined rows per reason code (one line per problem in; a row with two problems
    of one code counts once), plus the distinct rows over all codes as `total`."""
    rows = quarantine.assign(reason_code=quarantine["reason_code"].fillna("").astype(str))
    key = ["file", "sheet", "row"]
    per = rows.drop_duplicates(key + ["reason_code"]).groupby("reason_code", sort=True).size()
    return per, len(rows.drop_duplicates(key))
