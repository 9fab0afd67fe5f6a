"""Indicator ids (指标编号): their form, and loose spellings read back to it."""

from __future__ import annotations

import re
import unicodedata

# Letters first and no bare digits-dash-digits: Excel keeps "MS01-03" as text when pasted.
ID_PATTERN = re.compile(r"^[A-Z]{2}\d{2}-\d{2}$")
# A task without a number (未量化任务), tracked from the units' text: "MS12-T1" … "MS12-T99".
TASK_PATTERN = re.compile(r"^[A-Z]{2}\d{2}-T[1-9]\d?$")
_CODE_LIKE = re.compile(r"([A-Z]{2})(\d{1,2})-(T?)(\d{1,2})")


def id_item_no(code: str) -> int:
    """The item number an indicator or task id carries: 'MS03-01' → 3, 'MS12-T1' → 12."""
    return int(code[2:4])


def normalize_indicator_id(text: object) -> str | None:
    """'ms1-1', 'MS01—01', ' MS01-01 ' → 'MS01-01'; 'ms12-t1', 'MS12-T01' → 'MS12-T1' (tasks
    T1–T99, as TASK_PATTERN; 'MS12-T0' looks like a code but names no task); None when the
    text does not look like a code."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).upper()
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[—–_.－‐]", "-", s)
    m = _CODE_LIKE.fullmatch(s)
    if not m:
        return None
    if m.group(3):
        return f"{m.group(1)}{int(m.group(2)):02d}-T{int(m.group(4))}"
    return f"{m.group(1)}{int(m.group(2)):02d}-{int(m.group(4)):02d}"

