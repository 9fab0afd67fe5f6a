"""How figures are written in what people read: percents, points, quantities, dates, numerals.

One rule each, tested: a missing figure prints as "—", never as 0.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd

from minsheng.contracts.textsafety import strip_control

DASH = "—"
_DIGITS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 15 → 十五, 21 → 二十一 (1–99, as headings number sections)."""
    if not 1 <= n <= 99:
        raise ValueError(f"chinese_numeral takes 1–99, got {n}")
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def is_missing(x: Any) -> bool:
    return x is None or x is pd.NA or (isinstance(x, float) and math.isnan(x))


def fmt_percent(fraction: float | None, digits: int = 1) -> str:
    """A fraction as a percent with one decimal: 0.625 → "62.5%"; missing → "—"."""
    if is_missing(fraction):
        return DASH
    return f"{float(fraction) * 100:.{digits}f}%"


def fmt_points(points: float | None) -> str:
    """A gap in percentage points, signed: 5 → "+5.0", -12.5 → "-12.5", 0 → "0.0"."""
    if is_missing(points):
        return DASH
    p = round(float(points), 1)
    if p == 0:
        return "0.0"
    return f"{p:+.1f}"


def fmt_count(n: int | float | None) -> str:
    """A count as official text writes it, without separators: 12345 → "12345"."""
    if is_missing(n):
        return DASH
    return str(int(n))


def _strip_zeros(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def official_unit(unit: str) -> str:
    """A unit as Chinese text writes it: full-width brackets ("套(间)" → "套（间）")."""
    return str(unit).replace("(", "（").replace(")", "）")


def fmt_quantity(value: float | None, unit: str = "") -> str:
    """A target or figure in its unit, as the notice writes figures: below 10,000 as is
    ("2500部", "12.5公里"); from 10,000 in 万 and from 10^8 in 亿, with at most two decimals
    ("450万人", "1.2万套（间）", "339.64万人"). No thousands separators in text; percent
    units never use 万. Exact figures are in the data tables (XLSX)."""
    if is_missing(value):
        return DASH
    v = float(value)
    sign = "-" if v < 0 else ""
    a = abs(v)
    if unit.startswith("%") or a < 1e4:
        body = _strip_zeros(f"{a:.2f}")
    elif a < 1e8:
        body = _strip_zeros(f"{a / 1e4:.2f}") + "万"
    else:
        body = _strip_zeros(f"{a / 1e8:.2f}") + "亿"
    return f"{sign}{body}{official_unit(unit)}"


def fmt_date(d: date) -> str:
    """2026-10-15 → "2026年10月15日"."""
    return f"{d.year}年{d.month}月{d.day}日"


def clean_text(text: Any) -> str | None:
    """Submitted text as printed: verbatim, minus control characters XML cannot hold."""
    if is_missing(text):
        return None
    out = strip_control(str(text)).strip()
    return out or None
