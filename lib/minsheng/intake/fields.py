"""Reading the form's fields: 统计月份, 填报日期, 区县, 指标编号 and verbatim texts.

Scalar parsers read one text; the column rules apply them once per distinct value (the
reader hands over dictionary-encoded columns) and map the results back to the rows with
numpy. Nothing here judges a figure: that is `figures` and the cleaning steps.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from minsheng.catalogue import districts as district_list
from minsheng.catalogue.ids import normalize_indicator_id

# ─────────────────────────────────────────────────────────── one text at a time

_TIME_PART = re.compile(r"[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")
_Y_M = re.compile(r"(\d{4})(?:[-/.]|年)(\d{1,2})(?:月份?)?(?:(?:[-/.]|月)?(\d{1,2})日?)?")
_YYYYMM = re.compile(r"(\d{4})(\d{2})")
_YYYYMMDD = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"(\d{5})(?:\.0+)?")
_MONTH_ONLY = re.compile(r"(\d{1,2})月份?")
_EXCEL_EPOCH = date(1899, 12, 30)


def _clean_text(text: object) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip()
    s = _TIME_PART.sub("", s)
    return re.sub(r"\s+", "", s)


def _serial_date(s: str) -> date | None:
    m = _SERIAL.fullmatch(s)
    if m and 20_000 <= int(m.group(1)) <= 80_000:  # Excel serials 1954–2119
        return _EXCEL_EPOCH + timedelta(days=int(m.group(1)))
    return None


def parse_month(text: object, year: int) -> tuple[int, int, bool] | None:
    """'2026-03', '2026年3月', '202603', '2026/3', '2026-03-31', an Excel serial → (year, month, assumed).

    A month without a year ('3月') takes `year` (assumed = True). None when unreadable, and when
    a day is written that the month does not have ('2026-7-32', '2026-02-30'): such a date is a
    slip, and which month was meant cannot be told.
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    s = _clean_text(text)
    if not s:
        return None
    m = _Y_M.fullmatch(s) or _YYYYMMDD.fullmatch(s) or _YYYYMM.fullmatch(s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        if m.re.groups == 3 and m.group(3) and not _real_day(y, mo, int(m.group(3))):
            return None
    elif d := _serial_date(s):
        y, mo = d.year, d.month
    elif m := _MONTH_ONLY.fullmatch(s):
        mo = int(m.group(1))
        return (year, mo, True) if 1 <= mo <= 12 else None
    else:
        return None
    return (y, mo, False) if 1 <= mo <= 12 and 1900 <= y <= 2200 else None


def _real_day(y: int, mo: int, d: int) -> bool:
    try:
        date(y, mo, d)
    except ValueError:
        return False
    return True


def parse_date(text: object) -> date | None:
    """A 填报日期: '2026-04-03', '2026/4/3', '2026年4月3日', '20260403', an Excel serial. None when unreadable."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    s = _clean_text(text)
    m = _Y_M.fullmatch(s) or _YYYYMMDD.fullmatch(s)
    try:
        if m and m.group(3):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None
    return _serial_date(s)



# ─────────────────────────────────────────────────────────── columns, once per distinct value

def factorize(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """(codes, distinct values); -1 for missing. Free for the categoricals `submissions` returns."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), list(values.cat.categories)
    codes, uniques = pd.factorize(values)
    return codes, list(uniques)


def take(table: np.ndarray, codes: np.ndarray, missing: Any) -> np.ndarray:
    """table[codes] with `missing` where codes == -1 (pandas' code for NaN)."""
    full = np.concatenate([np.asarray(table), np.array([missing], dtype=np.asarray(table).dtype)
                           if len(table) else np.array([missing])])
    return full[codes]  # code -1 reads the `missing` appended last


def text_codes(raw: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Verbatim texts as codes into distinct values; empty or whitespace-only cells → -1 (missing)."""
    codes, uniques = factorize(raw)
    keep = [i for i, u in enumerate(uniques) if str(u).strip()]
    remap = np.full(len(uniques) + 1, -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    return remap[codes], [uniques[i] for i in keep]  # code -1 reads the -1 appended last


def indicator_ids(raw: pd.Series, known: pd.Index) -> pd.DataFrame:
    """Normalized 指标编号 → catalogue position: columns pos (-1 unknown), missing, unknown, repaired."""
    codes, uniques = factorize(raw)
    norm = [normalize_indicator_id(u) for u in uniques]
    blank_u = np.array([not str(u).strip() for u in uniques], dtype=bool)
    pos_u = known.get_indexer(pd.Index([x or "" for x in norm], dtype=object)) if uniques else []
    repaired_u = np.array([x is not None and x != str(u).strip() for x, u in zip(norm, uniques, strict=True)],
                          dtype=bool)
    pos = take(np.asarray(pos_u, dtype=np.int64), codes, -1)
    missing = take(blank_u, codes, True)
    return pd.DataFrame({
        "pos": pos,
        "missing": missing,
        "unknown": (pos < 0) & ~missing,
        "repaired": take(repaired_u, codes, False) & (pos >= 0),
    }, index=raw.index)


def months(raw: pd.Series, year: int) -> pd.DataFrame:
    """统计月份 → year, month (0 when unreadable), invalid, out_of_year, assumed."""
    codes, uniques = factorize(raw)
    parsed = [parse_month(u, year) for u in uniques]
    y_u = np.array([p[0] if p else 0 for p in parsed], dtype=np.int64)
    m_u = np.array([p[1] if p else 0 for p in parsed], dtype=np.int64)
    a_u = np.array([bool(p and p[2]) for p in parsed], dtype=bool)
    y, m = take(y_u, codes, 0), take(m_u, codes, 0)
    invalid = m == 0
    return pd.DataFrame({"year": y, "month": m, "invalid": invalid,
                         "out_of_year": ~invalid & (y != year),
                         "assumed": take(a_u, codes, False)}, index=raw.index)


def submitted_dates(raw: pd.Series) -> pd.DataFrame:
    """填报日期 → submitted_on (datetime64[us], NaT when empty or unreadable) and invalid."""
    codes, uniques = factorize(raw)
    parsed = [parse_date(u) for u in uniques]
    nat = np.datetime64("NaT", "us")
    values_u = np.array([np.datetime64(p, "us") if p else nat for p in parsed], dtype="datetime64[us]")
    bad_u = np.array([p is None and bool(str(u).strip()) for p, u in zip(parsed, uniques, strict=True)],
                     dtype=bool)
    return pd.DataFrame({"submitted_on": take(values_u, codes, nat),
                         "invalid": take(bad_u, codes, False)}, index=raw.index)


def district_codes(raw: pd.Series, by_district: np.ndarray) -> pd.DataFrame:
    """区县 → code into district_names() (0 = 全市; -1 unknown), unknown, repaired, defaulted.

    An empty 区县 means 全市; on a by-district indicator that is flagged (DISTRICT_DEFAULTED).
    """
    codes, uniques = factorize(raw)
    rank = district_list.order()
    norm = [district_list.normalize(u) if str(u).strip() else (district_list.CITYWIDE, False)
            for u in uniques]
    code_u = np.array([rank[x] if x else -1 for x, _ in norm], dtype=np.int64)
    blank_u = np.array([not str(u).strip() for u in uniques], dtype=bool)
    blank = take(blank_u, codes, True)
    code = take(code_u, codes, 0)
    return pd.DataFrame({
        "code": code,
        "unknown": code < 0,
        "repaired": take(np.array([r for _, r in norm], dtype=bool), codes, False),
        "defaulted": blank & by_district,
    }, index=raw.index)


def implausible(value: np.ndarray, target: np.ndarray, factor: float) -> np.ndarray:
    """Above factor × the annual target (targets of 0, e.g. a directional change, are not checked)."""
    with np.errstate(invalid="ignore"):
        return (target > 0) & (value > factor * target)


def negative(value: np.ndarray, signed: np.ndarray) -> np.ndarray:
    """Below zero, for kinds whose value cannot be negative."""
    with np.errstate(invalid="ignore"):
        return (value < 0) & ~signed
