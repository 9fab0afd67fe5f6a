"""Indicator ids (指标编号): their form, and loose spellings read back to it."""

from __future__ import annotations

import re
import unicodedata

# Letters first and no bare digits-dash-digits: Excel keeps "MS01-03" as text when pasted.
ID_PATTERN = re.compile(r"^[A-Z]{2}\d{2}-\d{2}$")
_CODE_LIKE = re.compile(r"([A-Z]{2})(\d{1,2})-(\d{1,2})")


def normalize_indicator_id(text: object) -> str | None:
    """'ms1-1', 'MS01—01', ' MS01-01 ' → 'MS01-01'; None when the text does not look like a code."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).upper()
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[—–_.－‐]", "-", s)
    m = _CODE_LIKE.fullmatch(s)
    if not m:
        return None
    return f"{m.group(1)}{int(m.group(2)):02d}-{int(m.group(3)):02d}"

