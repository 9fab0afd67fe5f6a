"""Unit submissions → one clean, auditable ledger (+ history, quarantine, quality report).

`clean(raw_dir, catalogue)` reads every submission (see `submissions`), applies the checks in
`CHECKS` as vectorized column operations, and returns the ledger (one row per indicator ×
district × month), the history (every accepted row, revisions included), the quarantine (every
rejected cell with its reason) and a quality summary. `write_outputs` writes them.

Rules chosen here (also in data/README.md):

- Revisions: the same indicator × district × month submitted again replaces the earlier row.
  "Later" means a later 填报日期; rows without a date count as earliest; ties go to the file read
  later (files are read in sorted path order), then the lower row. Every accepted row stays in
  history.parquet, the replaced ones with `superseded = True`.
- Duplicates: a row whose cleaned content (key, figures, texts, 填报单位, 填报日期) equals an
  earlier accepted row is counted in rows_duplicate and kept once (the first read).
- Reconciliation of 本月完成 and 累计完成 (additive kinds: increment, coverage, deliverable):
  累计完成 wins. When it is empty, it is derived as the previous month's cumulative + 本月完成
  (month 1 starts from 0), flagged DERIVED; without the previous month it stays missing, flagged
  NOT_DERIVABLE. When both are given and 累计 ≠ previous cumulative + 本月, 累计 is kept and the
  row flagged MISMATCH. Levels, daily averages and directional rates are never summed.
- A cumulative below the previous month's (additive kinds) is kept and flagged
  CUMULATIVE_DECREASE: units lower a figure to correct it (a site failed acceptance), and the
  latest statement is the unit's official figure; quarantining it would leave the stale higher
  figure in the ledger. The quality report lists it for follow-up.

Invariant (checked on every run): rows_in == rows_clean + rows_quarantined + rows_duplicate.

Speed: every rule is a column operation; rules on text run once per distinct value (codes from
the dictionary-encoded read) and are mapped back with numpy. The in-memory history keeps its
text columns as categoricals (history.parquet is written with the ledger's dtypes) and is built
in a worker thread while the ledger is built and validated.
"""

from __future__ import annotations

import codecs
import json
import os
import re
import sys
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from minsheng import config, ledger
from minsheng.catalogue import ADDITIVE_KINDS, Catalogue
from minsheng.numbers import parse_numbers, percent_points
from minsheng.submissions import (
    FILE_REJECTIONS,
    FORM_COLUMNS,
    NUMERIC_FIELDS,
    SKIP_KINDS,
    Submissions,
    normalize_indicator_id,
    read_submissions,
)

# ─────────────────────────────────────────────────────────── the checks

@dataclass(frozen=True)
class Check:
    code: str
    action: str      # reject (file) | skip (row, counted) | quarantine | warn (kept, flagged) | count
    catches: str     # what it catches, in English (the table in data/README.md)
    reason: str      # the Chinese reason shown to units and in the bulletin's 数据质量说明


CHECKS: tuple[Check, ...] = (
    # Whole files
    Check("FILE_TYPE", "reject", "a file that is not .xlsx or .csv", FILE_REJECTIONS["FILE_TYPE"]),
    Check("FILE_TOO_LARGE", "reject", "a file above limits.max_file_bytes",
          FILE_REJECTIONS["FILE_TOO_LARGE"]),
    Check("FILE_ENCRYPTED", "reject", "a password-protected workbook",
          FILE_REJECTIONS["FILE_ENCRYPTED"]),
    Check("FILE_UNREADABLE", "reject", "a corrupt file, an unknown encoding, an old .xls",
          FILE_REJECTIONS["FILE_UNREADABLE"]),
    Check("FILE_EMPTY", "reject", "a file with no content at all", FILE_REJECTIONS["FILE_EMPTY"]),
    Check("FILE_NO_HEADER", "reject", "no header row (指标编号 + a reported column) in the first rows",
          FILE_REJECTIONS["FILE_NO_HEADER"]),
    # Rows that are not input (counted in quality.json rows_skipped)
    Check("SKIP_BLANK", "skip", "an empty row", "空行"),
    Check("SKIP_NOTE", "skip", "a note, signature or heading line around the table", "表注或说明行"),
    Check("SKIP_TOTAL", "skip", "a 合计/总计/小计 row (区县 reads 合计, or no indicator code)",
          "合计行（台账不取报送的合计数）"),
    Check("SKIP_UNFILLED", "skip", "a pre-filled template row with nothing reported", "模板预填行未填报"),
    # Rows quarantined (the row stays out of the ledger; one line per problem in quarantine.csv)
    Check("CODE_MISSING", "quarantine", "empty 指标编号", "指标编号为空"),
    Check("CODE_UNKNOWN", "quarantine", "an 指标编号 not in the year's catalogue",
          "指标编号不在本年度目标目录中"),
    Check("MONTH_INVALID", "quarantine", "an empty or unreadable 统计月份", "统计月份为空或无法识别"),
    Check("MONTH_OUT_OF_YEAR", "quarantine", "a 统计月份 outside the catalogue's year",
          "统计月份不在目标目录的年度内"),
    Check("DISTRICT_UNKNOWN", "quarantine", "a 区县 that is none of the 38 nor 全市",
          "区县名称无法识别（应为38个区县之一或“全市”）"),
    Check("NUMBER_INVALID", "quarantine", "a figure that is not a number", "数值无法识别"),
    Check("PERCENT_UNEXPECTED", "quarantine", "a '%' figure for an indicator not measured in %",
          "该指标计量单位不是百分比，却填写了百分数"),
    Check("NEGATIVE", "quarantine", "a negative figure", "数值为负数"),
    Check("IMPLAUSIBLE", "quarantine", "a figure above limits.implausible_factor × the annual target",
          "数值超过年度目标的{factor}倍，疑似计量单位错误（如多乘了“万”或多写了位数），请核实"),
    # Repairs and warnings (the row is kept; the code goes into its `flags`)
    Check("CODE_REPAIRED", "warn", "an 指标编号 written loosely (ms1-1)", "指标编号格式已规范（如 ms1-1 → MS01-01）"),
    Check("DISTRICT_REPAIRED", "warn", "a 区县 without its suffix or a synonym of 全市",
          "区县名称已规范（如 万州 → 万州区，市级 → 全市）"),
    Check("DISTRICT_DEFAULTED", "warn", "an empty 区县 on a by-district indicator",
          "分区县指标未填区县，按全市处理"),
    Check("MONTH_YEAR_ASSUMED", "warn", "a 统计月份 without a year (3月)", "统计月份未写年份，按目录年度处理"),
    Check("DATE_INVALID", "warn", "an unreadable 填报日期 (kept as missing)", "填报日期无法识别，按未填处理"),
    Check("APPROX", "warn", "an approximate figure (约3000, 3000余, 3000多)",
          "数值为约数（约、余、多、左右），已取数字部分"),
    Check("WAN_CONVERTED", "warn", "a figure in 万/千/亿 or under a header in 万",
          "数值含“万/千/亿”或表头单位为万，已换算为基本单位"),
    Check("CHINESE_NUMERAL", "warn", "a figure in Chinese numerals", "数值为中文数字，已换算"),
    Check("PERCENT_SCALED", "warn", "a fraction (0.55) for a percent indicator",
          "百分比指标填写了小数（如0.55），已按百分数（55）处理"),
    Check("BASELINE_NOT_APPLICABLE", "warn", "上年末基数 reported for a kind that has none",
          "非水平类指标填写了上年末基数（原值保留）"),
    Check("DERIVED", "warn", "累计完成 empty, derived from last month's + 本月完成",
          "累计完成为空，已由上月累计加本月完成推算"),
    Check("NOT_DERIVABLE", "warn", "累计完成 empty and not derivable",
          "累计完成为空，且无法由本月完成推算（缺上月累计，或指标非累加型）"),
    Check("MISMATCH", "warn", "累计 ≠ last month's 累计 + 本月", "累计完成与“上月累计＋本月完成”不符，以累计完成为准"),
    Check("CUMULATIVE_DECREASE", "warn", "a cumulative below an earlier month's (additive kinds)",
          "累计完成低于此前月份，请核实"),
    Check("LIKELY_WAN", "warn", "a figure ~10,000× smaller than the unit's earlier months",
          "数值约为此前月份的万分之一，疑似按“万”为单位填报"),
    # Counted
    Check("DUPLICATE", "count", "a row identical to one read before", "重复行（与已读取的行内容相同），只计一次"),
    Check("REVISED", "count", "a later submission for the same indicator × district × month",
          "同一指标、区县、月份的后报数据替代先报数据"),
)
REASONS: dict[str, str] = {c.code: c.reason for c in CHECKS}
QUARANTINE_CODES = tuple(c.code for c in CHECKS if c.action == "quarantine")
FLAG_CODES = tuple(c.code for c in CHECKS if c.action == "warn")
_BIT = {code: np.int64(1) << np.int64(i) for i, code in enumerate(FLAG_CODES)}
# Kinds whose ledger value may be negative. Empty while ledger.py checks value >= 0; directional
# rates (案均损失…同比下降, reported as a % change) belong here once the contract allows it.
SIGNED_KINDS: frozenset[str] = frozenset()
BASELINE_KINDS = frozenset({"level", "directional"})
CITYWIDE_ALIASES = ("全市", "市级", "市本级", "全市合计", "全市汇总", "重庆市", "重庆", "市属")

QUARANTINE_COLUMNS = ["file", "sheet", "row", "column", "raw_value", "reason_code", "reason"]


@dataclass
class CleanResult:
    ledger: pd.DataFrame        # the contract in ledger.py, validated
    history: pd.DataFrame       # every accepted row: ledger columns (text as categoricals) + superseded
    quarantine: pd.DataFrame    # QUARANTINE_COLUMNS, one line per problem
    quality: dict[str, Any]     # counts, rejected files, warnings, submissions on time

    @property
    def has_problems(self) -> bool:
        return bool(self.quality["rows_quarantined"] or self.quality["files_rejected"])


# ─────────────────────────────────────────────────────────── small rules (scalar, per distinct text)

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

    A month without a year ('3月') takes `year` (assumed = True). None when unreadable.
    """
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    s = _clean_text(text)
    if not s:
        return None
    m = _Y_M.fullmatch(s)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
    elif (m := _YYYYMMDD.fullmatch(s)) or (m := _YYYYMM.fullmatch(s)):
        y, mo = int(m.group(1)), int(m.group(2))
    elif d := _serial_date(s):
        y, mo = d.year, d.month
    elif m := _MONTH_ONLY.fullmatch(s):
        mo = int(m.group(1))
        return (year, mo, True) if 1 <= mo <= 12 else None
    else:
        return None
    return (y, mo, False) if 1 <= mo <= 12 and 1900 <= y <= 2200 else None


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


@cache
def district_aliases() -> dict[str, str]:
    """Every accepted spelling → official name: '万州' → '万州区', '石柱县' → '石柱土家族自治县', '市级' → '全市'."""
    aliases: dict[str, str] = {}
    for name in config.districts():
        aliases[name] = name
        for suffix in ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县", "区", "县"):
            if name.endswith(suffix) and len(name) > len(suffix):
                stem = name[: -len(suffix)]
                aliases.setdefault(stem, name)
                if suffix.endswith("自治县"):
                    aliases.setdefault(stem + "县", name)
                    aliases.setdefault(stem + "自治县", name)
                break
    for alias in CITYWIDE_ALIASES:
        aliases[alias] = config.CITYWIDE
    return aliases


def normalize_district(text: object) -> tuple[str | None, bool]:
    """(official name or None, repaired). Blank is handled by the caller (→ 全市)."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    aliases = district_aliases()
    name = aliases.get(s)
    if name is None and s.startswith("重庆市") and len(s) > 3:
        name = aliases.get(s[3:])
    return name, name is not None and name != s


# ─────────────────────────────────────────────────────────── vectorized column rules

def district_names() -> tuple[str, ...]:
    """全市 then the 38 districts in official order: the ledger's district order and codes."""
    return (config.CITYWIDE, *config.districts())


def _factorize(values: pd.Series) -> tuple[np.ndarray, list[Any]]:
    """(codes, distinct values); -1 for missing. Free for the categoricals `submissions` returns."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy().astype(np.int64), list(values.cat.categories)
    codes, uniques = pd.factorize(values)
    return codes, list(uniques)


def _take(table: np.ndarray, codes: np.ndarray, missing: Any) -> np.ndarray:
    """table[codes] with `missing` where codes == -1 (pandas' code for NaN)."""
    full = np.concatenate([np.asarray(table), np.array([missing], dtype=np.asarray(table).dtype)
                           if len(table) else np.array([missing])])
    return full[codes]  # code -1 reads the `missing` appended last


def strings(uniques: list[Any] | tuple[Any, ...], codes: np.ndarray) -> pd.Series:
    """A pandas `str` column from distinct values and codes (-1 → missing), built in arrow.

    Much faster than astype("str") on a million Python objects.
    """
    dictionary = pa.array([None if u is None else str(u) for u in uniques], type=pa.large_string())
    codes = np.asarray(codes)
    return pc.take(dictionary, pa.array(codes, mask=codes < 0)).to_pandas()  # a null index → null


def _arrow(values: pd.Series) -> pa.ChunkedArray:
    return pa.chunked_array(values.astype("str"))


def text_codes(raw: pd.Series) -> tuple[np.ndarray, list[str]]:
    """Verbatim texts as codes into distinct values; empty or whitespace-only cells → -1 (missing)."""
    codes, uniques = _factorize(raw)
    keep = [i for i, u in enumerate(uniques) if str(u).strip()]
    remap = np.full(len(uniques) + 1, -1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    return remap[codes], [uniques[i] for i in keep]  # code -1 reads the -1 appended last


def indicator_ids(raw: pd.Series, known: pd.Index) -> pd.DataFrame:
    """Normalized 指标编号 → catalogue position: columns pos (-1 unknown), missing, unknown, repaired."""
    codes, uniques = _factorize(raw)
    norm = [normalize_indicator_id(u) for u in uniques]
    blank_u = np.array([not str(u).strip() for u in uniques], dtype=bool)
    pos_u = known.get_indexer(pd.Index([x or "" for x in norm], dtype=object)) if uniques else []
    repaired_u = np.array([x is not None and x != str(u).strip() for x, u in zip(norm, uniques, strict=True)],
                          dtype=bool)
    pos = _take(np.asarray(pos_u, dtype=np.int64), codes, -1)
    missing = _take(blank_u, codes, True)
    return pd.DataFrame({
        "pos": pos,
        "missing": missing,
        "unknown": (pos < 0) & ~missing,
        "repaired": _take(repaired_u, codes, False) & (pos >= 0),
    }, index=raw.index)


def months(raw: pd.Series, year: int) -> pd.DataFrame:
    """统计月份 → year, month (0 when unreadable), invalid, out_of_year, assumed."""
    codes, uniques = _factorize(raw)
    parsed = [parse_month(u, year) for u in uniques]
    y_u = np.array([p[0] if p else 0 for p in parsed], dtype=np.int64)
    m_u = np.array([p[1] if p else 0 for p in parsed], dtype=np.int64)
    a_u = np.array([bool(p and p[2]) for p in parsed], dtype=bool)
    y, m = _take(y_u, codes, 0), _take(m_u, codes, 0)
    invalid = m == 0
    return pd.DataFrame({"year": y, "month": m, "invalid": invalid,
                         "out_of_year": ~invalid & (y != year),
                         "assumed": _take(a_u, codes, False)}, index=raw.index)


def submitted_dates(raw: pd.Series) -> pd.DataFrame:
    """填报日期 → submitted_on (datetime64[us], NaT when empty or unreadable) and invalid."""
    codes, uniques = _factorize(raw)
    parsed = [parse_date(u) for u in uniques]
    nat = np.datetime64("NaT", "us")
    values_u = np.array([np.datetime64(p, "us") if p else nat for p in parsed], dtype="datetime64[us]")
    bad_u = np.array([p is None and bool(str(u).strip()) for p, u in zip(parsed, uniques, strict=True)],
                     dtype=bool)
    return pd.DataFrame({"submitted_on": _take(values_u, codes, nat),
                         "invalid": _take(bad_u, codes, False)}, index=raw.index)


def districts(raw: pd.Series, by_district: np.ndarray) -> pd.DataFrame:
    """区县 → code into district_names() (0 = 全市; -1 unknown), unknown, repaired, defaulted.

    An empty 区县 means 全市; on a by-district indicator that is flagged (DISTRICT_DEFAULTED).
    """
    codes, uniques = _factorize(raw)
    rank = {name: i for i, name in enumerate(district_names())}
    norm = [normalize_district(u) if str(u).strip() else (config.CITYWIDE, False) for u in uniques]
    code_u = np.array([rank[x] if x else -1 for x, _ in norm], dtype=np.int64)
    blank_u = np.array([not str(u).strip() for u in uniques], dtype=bool)
    blank = _take(blank_u, codes, True)
    code = _take(code_u, codes, 0)
    return pd.DataFrame({
        "code": code,
        "unknown": code < 0,
        "repaired": _take(np.array([r for _, r in norm], dtype=bool), codes, False),
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


def _per_indicator(cat: pd.DataFrame) -> dict[str, np.ndarray]:
    """Catalogue attributes as arrays with one extra sentinel row (position -1 → unknown code)."""
    kind = cat["kind"].to_numpy(dtype=object)
    target = cat["target_value"].to_numpy(dtype=float)
    percent = (cat["unit"] == "%").to_numpy(dtype=bool)
    units = list(dict.fromkeys(cat["reporting_unit"]))
    attrs = {
        "target": target,
        "percent": percent,
        # A fraction means a percent only where the target is well above 1 (not for a 0 % change).
        "fraction_is_percent": percent & (target >= 10),
        "by_district": cat["by_district"].to_numpy(dtype=bool),
        "additive": np.isin(kind, list(ADDITIVE_KINDS)),
        "signed": np.isin(kind, list(SIGNED_KINDS)),
        "baseline_kind": np.isin(kind, list(BASELINE_KINDS)),
        "unit_code": np.array([units.index(u) for u in cat["reporting_unit"]], dtype=np.int64),
    }
    sentinel = {"target": np.nan, "unit_code": -1}
    return {k: np.append(v, sentinel.get(k, False)).astype(v.dtype) for k, v in attrs.items()}


# ─────────────────────────────────────────────────────────── the pipeline

def clean(raw_dir: str | Path, catalogue: Catalogue, *, progress: bool = False) -> CleanResult:
    """Clean every submission under raw_dir against `catalogue` (see the module docstring)."""
    opts = config.settings()
    limits, cleaning_opts = opts["limits"], opts.get("cleaning", {})
    subs = read_submissions(raw_dir, max_file_bytes=int(limits["max_file_bytes"]),
                            header_rows=int(cleaning_opts.get("header_search_rows", 20)),
                            progress=progress)
    return clean_submissions(subs, catalogue)


def clean_submissions(subs: Submissions, catalogue: Catalogue) -> CleanResult:
    """The rules, revisions and reconciliation on rows already read (see `clean`)."""
    # Column parsers are independent and spend their time in arrow / numpy kernels that release
    # the GIL: a few threads run them side by side (results do not depend on scheduling).
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        return _clean(subs, catalogue, pool)


def _clean(subs: Submissions, catalogue: Catalogue, pool: ThreadPoolExecutor) -> CleanResult:
    opts = config.settings()
    limits, cleaning_opts = opts["limits"], opts.get("cleaning", {})
    rows = subs.rows
    n = len(rows)
    cat = catalogue.indicators
    numbers_f = {fld: pool.submit(parse_numbers, rows[fld]) for fld in NUMERIC_FIELDS}
    texts_f = {fld: pool.submit(text_codes, rows[fld]) for fld in ("progress_text", "remark")}
    ids = indicator_ids(rows["indicator_id"], pd.Index(cat.index))
    pos = ids["pos"].to_numpy()
    known = pos >= 0
    per = _per_indicator(cat)
    at = np.where(known, pos, len(cat))  # the sentinel row for unknown codes
    target = per["target"][at]

    mo = months(rows["month"], catalogue.year)
    di = districts(rows["district"], per["by_district"][at])
    dates = submitted_dates(rows["submitted_on"])
    status_f = pool.submit(submission_status, catalogue, pos, mo, dates,
                           int(cleaning_opts.get("due_day", 5)))

    issues: list[tuple[np.ndarray, str, str]] = []  # (row mask, form field, code)
    flags = np.zeros(n, dtype=np.int64)

    def flag(mask: np.ndarray, code: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            flags[mask] |= _BIT[code]

    issues.append((ids["missing"].to_numpy(), "indicator_id", "CODE_MISSING"))
    issues.append((ids["unknown"].to_numpy(), "indicator_id", "CODE_UNKNOWN"))
    issues.append((mo["invalid"].to_numpy(), "month", "MONTH_INVALID"))
    issues.append((mo["out_of_year"].to_numpy(), "month", "MONTH_OUT_OF_YEAR"))
    issues.append((di["unknown"].to_numpy(), "district", "DISTRICT_UNKNOWN"))
    flag(ids["repaired"].to_numpy(), "CODE_REPAIRED")
    flag(di["repaired"].to_numpy(), "DISTRICT_REPAIRED")
    flag(di["defaulted"].to_numpy(), "DISTRICT_DEFAULTED")
    flag(mo["assumed"].to_numpy(), "MONTH_YEAR_ASSUMED")
    flag(dates["invalid"].to_numpy(), "DATE_INVALID")

    factor = float(limits["implausible_factor"])
    header_factor = _header_factors(subs)
    table_no = rows["table_no"].to_numpy()
    figures: dict[str, np.ndarray] = {}
    fraction_is_percent = per["fraction_is_percent"][at]
    pct_rows = np.flatnonzero(fraction_is_percent)
    percent_unexpected = known & ~per["percent"][at]  # a '%' here is not this indicator's unit
    signed = per["signed"][at]
    for fld in NUMERIC_FIELDS:
        parsed = numbers_f[fld].result()
        value = parsed["value"].to_numpy()
        by_header = np.zeros(n, dtype=bool)
        if (header_factor[fld] != 1).any():
            mult = header_factor[fld][table_no]
            by_header = (mult != 1) & ~np.isnan(value)
            value = np.where(by_header, np.round(value * mult, 6), value)
        percent_sign = parsed["percent"].to_numpy()
        pct_scaled = np.zeros(n, dtype=bool)
        if len(pct_rows):  # only rows of percent indicators can hold a fraction to rescale
            value_s, scaled_s = percent_points(pd.Series(value[pct_rows]), percent_sign[pct_rows],
                                               np.ones(len(pct_rows), dtype=bool))
            value = value.copy()
            value[pct_rows] = value_s.to_numpy()
            pct_scaled[pct_rows] = scaled_s.to_numpy()
        issues.append((parsed["invalid"].to_numpy(), fld, "NUMBER_INVALID"))
        issues.append((percent_sign & percent_unexpected, fld, "PERCENT_UNEXPECTED"))
        issues.append((negative(value, signed), fld, "NEGATIVE"))
        if fld in ("monthly", "cumulative"):
            issues.append((implausible(value, target, factor) & known, fld, "IMPLAUSIBLE"))
        flag(parsed["approx"].to_numpy(), "APPROX")
        flag(parsed["multiplied"].to_numpy() | by_header, "WAN_CONVERTED")
        flag(parsed["chinese"].to_numpy(), "CHINESE_NUMERAL")
        flag(pct_scaled, "PERCENT_SCALED")
        if fld == "baseline":
            flag(~np.isnan(value) & known & ~per["baseline_kind"][at], "BASELINE_NOT_APPLICABLE")
        figures[fld] = value

    bad = np.zeros(n, dtype=bool)
    for mask, _, _ in issues:
        bad |= mask
    quarantine = _quarantine_table(subs, issues)

    # Accepted rows as numbers and codes, in reading order; text columns are built at the end.
    ok = np.flatnonzero(~bad)
    text, text_u = texts_f["progress_text"].result()
    remark, remark_u = texts_f["remark"].result()
    unit_codes, unit_raw = _factorize(rows["reporting_unit"])
    unit_clean = [str(u).strip() for u in unit_raw]
    unit_u = list(dict.fromkeys(u for u in unit_clean if u))
    unit_map = np.array([unit_u.index(u) if u else -1 for u in unit_clean] + [-1], dtype=np.int64)
    every = len(ok) == n  # usually nothing is quarantined: no need to copy every column

    def pick(values: np.ndarray) -> np.ndarray:
        return values if every else values[ok]

    accepted = {
        "_ind": pick(pos),
        "_dist": pick(di["code"].to_numpy()),
        "year": pick(mo["year"].to_numpy()),
        "month": pick(mo["month"].to_numpy()),
        "value": pick(figures["cumulative"]),
        "monthly_value": pick(figures["monthly"]),
        "baseline": pick(figures["baseline"]),
        "district_target": pick(figures["district_target"]),
        "_text": pick(text),
        "_remark": pick(remark),
        "_unit": pick(unit_map[unit_codes]),
        "submitted_on": pick(dates["submitted_on"].to_numpy()),
        "_file": pick(rows["file_no"].to_numpy()),
        "_sheet": pick(rows["source_sheet"].cat.codes.to_numpy()),
        "source_row": pick(rows["source_row"].to_numpy()),
        "_flags": pick(flags),
    }
    latest, key, superseded, duplicate = _apply_revisions(accepted, cat)
    value, row_flags = _reconcile(accepted, latest, key, per,
                                  float(cleaning_opts.get("likely_wan_ratio", 5000)))
    texts = {"progress_text": text_u, "remark": remark_u, "reporting_unit": unit_u}
    # The ledger: the latest row of every key, in key order.
    ledger_cols = {c: v[latest] for c, v in accepted.items() if c not in ("value", "_flags")}
    ledger_cols.update(value=value, _flags=row_flags)

    def history_and_warnings() -> tuple[pd.DataFrame, dict[str, int]]:
        """Every accepted row in reading order, the latest carrying the ledger's value."""
        values, bits = accepted["value"].copy(), accepted["_flags"].copy()
        values[latest], bits[latest] = value, row_flags
        columns = {**accepted, "value": values, "_flags": bits}
        kept = np.flatnonzero(~duplicate)
        history = columns if len(kept) == len(duplicate) else {c: v[kept] for c, v in columns.items()}
        frame = _frame(history, cat, subs, texts, categorical=True).assign(superseded=superseded[kept])
        counts = {code: int(np.count_nonzero(history["_flags"] & _BIT[code])) for code in FLAG_CODES}
        return frame, counts

    # The history is built in the pool while this thread builds and validates the ledger.
    history_f = pool.submit(history_and_warnings)
    ledger_out = _frame(ledger_cols, cat, subs, texts, pool=pool)  # conformed
    # Checked against the contract; the conformed frame is kept (pandera's coerced copy turns
    # submitted_on into datetime64[ns], the contract says [us]).
    ledger.validate(ledger_out)
    history_out, warnings = history_f.result()
    revisions = int(superseded.sum())

    rows_q, rows_dup, rows_clean = int(bad.sum()), int(duplicate.sum()), len(history_out)
    if n != rows_clean + rows_q + rows_dup:
        raise AssertionError(f"row count broken: {n} in ≠ {rows_clean} clean + {rows_q} quarantined "
                             f"+ {rows_dup} duplicate")
    quality = {
        "year": catalogue.year,
        "catalogue": catalogue.path.name,
        "rows_in": n,
        "rows_clean": rows_clean,
        "rows_quarantined": rows_q,
        "rows_duplicate": rows_dup,
        "rows_skipped": {k: int(subs.skipped.get(k, 0)) for k in SKIP_KINDS},
        "ledger_rows": len(ledger_out),
        "revisions_applied": revisions,
        "files_read": len(subs.files),
        "files_rejected": subs.rejected,
        "quarantine_by_code": _rows_by_code(issues),
        "warnings": {code: k for code, k in warnings.items() if k},
        "files": _per_file(subs, bad, ok, duplicate),
        "submissions": status_f.result(),
    }
    return CleanResult(ledger_out, history_out, quarantine, quality)


def _header_factors(subs: Submissions) -> dict[str, np.ndarray]:
    """Per numeric field, the multiplier of each table (10000 under a '（万）' header)."""
    n_tables = int(subs.tables["table_no"].max()) + 1 if len(subs.tables) else 0
    out = {}
    for fld in NUMERIC_FIELDS:
        arr = np.ones(n_tables)
        sel = subs.tables[subs.tables["field"] == fld]
        arr[sel["table_no"].to_numpy()] = sel["factor"].to_numpy()
        out[fld] = arr
    return out


def _quarantine_table(subs: Submissions, issues: list[tuple[np.ndarray, str, str]]) -> pd.DataFrame:
    """One line per problem, in reading order (file, row), then column and check order."""
    rows = subs.rows
    fields = list(FORM_COLUMNS)
    parts = [(np.flatnonzero(mask), fields.index(fld), QUARANTINE_CODES.index(code))
             for mask, fld, code in issues if mask.any()]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "str")
                             for c in QUARANTINE_COLUMNS})
    pos = np.concatenate([p for p, _, _ in parts])
    fld = np.concatenate([np.full(len(p), f) for p, f, _ in parts])
    code = np.concatenate([np.full(len(p), c) for p, _, c in parts])
    order = np.lexsort((code, fld, pos))
    pos, fld, code = pos[order], fld[order], code[order]
    # Column names as written in each table (the form's name when the column was absent).
    n_tables = int(rows["table_no"].max()) + 1
    names = [FORM_COLUMNS[f] for _ in range(n_tables) for f in fields]
    for t, f, h in subs.tables[["table_no", "field", "header"]].itertuples(index=False):
        names[t * len(fields) + fields.index(f)] = h
    table_no = rows["table_no"].to_numpy()[pos]
    # Raw cell text, gathered per field and put back in line order.
    raw = np.empty(len(pos), dtype=object)
    for f in np.unique(fld):
        sel = np.flatnonzero(fld == f)
        raw[sel] = rows[fields[f]].iloc[pos[sel]].to_numpy(dtype=object, na_value="")
    factor = config.settings()["limits"]["implausible_factor"]
    sheets = list(rows["source_sheet"].cat.categories)
    return pd.DataFrame({
        "file": strings(subs.files, rows["file_no"].to_numpy()[pos]),
        "sheet": strings(sheets, rows["source_sheet"].cat.codes.to_numpy()[pos]),
        "row": rows["source_row"].to_numpy()[pos],
        "column": strings(names, table_no * len(fields) + fld),
        "raw_value": pd.array(raw, dtype="str"),
        "reason_code": strings(QUARANTINE_CODES, code),
        "reason": strings([REASONS[c].format(factor=factor) for c in QUARANTINE_CODES], code),
    })


def _rows_by_code(issues: list[tuple[np.ndarray, str, str]]) -> dict[str, int]:
    """Rows per quarantine code (a row with two bad cells of one code counts once)."""
    out = {}
    for code in QUARANTINE_CODES:
        masks = [m for m, _, c in issues if c == code]
        k = int(np.logical_or.reduce(masks).sum()) if masks else 0
        if k:
            out[code] = k
    return out


def _per_file(subs: Submissions, bad: np.ndarray, ok: np.ndarray, duplicate: np.ndarray) -> list[dict]:
    n_files = len(subs.files)
    file_no = subs.rows["file_no"].to_numpy()
    rows_in = np.bincount(file_no, minlength=n_files)
    rows_q = np.bincount(file_no[bad], minlength=n_files)
    rows_d = np.bincount(file_no[ok][duplicate], minlength=n_files)
    return [{"file": f, "rows_in": int(rows_in[i]), "rows_clean": int(rows_in[i] - rows_q[i] - rows_d[i]),
             "rows_quarantined": int(rows_q[i]), "rows_duplicate": int(rows_d[i])}
            for i, f in enumerate(subs.files)]


CONTENT_COLUMNS = ["_ind", "_dist", "year", "month", "value", "monthly_value", "baseline",
                   "district_target", "_text", "_remark", "_unit", "submitted_on"]


def _duplicate_of_earlier(content: pd.DataFrame) -> np.ndarray:
    """Rows equal in every column to an earlier row (hash first, then an exact comparison)."""
    digest = pd.util.hash_pandas_object(content, index=False).to_numpy()
    dup = pd.Series(digest).duplicated(keep="first").to_numpy().copy()
    if dup.any():
        # Confirm against the first row with the same digest: a hash collision never drops a row.
        codes, _ = pd.factorize(digest)
        first_of_code = np.full(codes.max() + 1, len(codes))
        np.minimum.at(first_of_code, codes, np.arange(len(codes)))
        at = np.flatnonzero(dup)
        ref = first_of_code[codes[at]]
        same = np.ones(len(at), dtype=bool)
        for col in content.columns:
            values = content[col].to_numpy()
            a, b = values[at], values[ref]
            eq = a == b
            if a.dtype.kind in "fM":
                eq |= pd.isna(a) & pd.isna(b)
            same &= eq
        dup[at[~same]] = False
    return dup


def _apply_revisions(frame: dict[str, np.ndarray], cat: pd.DataFrame
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Order rows by key, find duplicates, and the latest row of every key.

    Key order (the ledger's): indicator id, district (全市 first, then the official order), year,
    month; within a key: 填报日期 (undated first), then reading order (file, sheet, row), so the
    last row of a key is the one that counts. Duplicates share key and date, so only rows in such
    groups are compared (cheap when dates differ).

    Returns (latest: frame positions of each key's latest row, in ledger order; their keys;
    superseded: mask over the frame; duplicate: mask over the frame).
    """
    n = len(frame["_ind"])
    ind_rank = np.argsort(np.argsort(cat.index.to_numpy(), kind="stable"), kind="stable").astype(np.int64)
    ir = ind_rank[frame["_ind"]] if n else np.zeros(0, np.int64)
    year = frame["year"].astype(np.int64)
    y0 = year.min() if n else 0
    n_years = int(year.max() - y0 + 1) if n else 1
    key = ((ir * len(district_names()) + frame["_dist"]) * n_years + (year - y0)) * 16 + frame["month"]
    dates = frame["submitted_on"]
    days = np.where(np.isnat(dates), -1, dates.astype("datetime64[D]").view("int64"))
    days = np.clip(days + 1, 0, (1 << 20) - 1)  # undated count as earliest
    # The frame is in reading order; a stable sort keeps it for equal keys and dates.
    if not n or int(key.max()).bit_length() + 20 < 63:
        order = np.argsort((key << 20) | days, kind="stable")
    else:
        order = np.lexsort((days, key))
    k, d = key[order], days[order]
    same = np.zeros(n, dtype=bool)
    same[1:] = (k[1:] == k[:-1]) & (d[1:] == d[:-1])
    grouped = np.flatnonzero(same | np.append(same[1:], False))
    duplicate = np.zeros(n, dtype=bool)
    if len(grouped):
        rows = order[grouped]
        content = pd.DataFrame({c: frame[c][rows] for c in CONTENT_COLUMNS})
        duplicate[rows[_duplicate_of_earlier(content)]] = True
        keep = ~duplicate[order]
        order, k = order[keep], k[keep]
    last = np.ones(len(k), dtype=bool)
    last[:-1] = k[:-1] != k[1:]
    superseded = np.zeros(n, dtype=bool)
    superseded[order[~last]] = True
    return order[last], k[last], superseded, duplicate


def _reconcile(frame: dict[str, np.ndarray], latest: np.ndarray, key: np.ndarray,
               per: dict[str, np.ndarray], wan_ratio: float) -> tuple[np.ndarray, np.ndarray]:
    """On the latest rows (in key order): derive 累计 from 本月 (DERIVED / NOT_DERIVABLE), and flag
    MISMATCH, CUMULATIVE_DECREASE and LIKELY_WAN against earlier months of the same indicator ×
    district. Returns (value, flags) of those rows."""
    if not len(latest):
        return np.zeros(0), np.zeros(0, dtype=np.int64)
    n = len(latest)
    additive = per["additive"][frame["_ind"][latest]]
    month = frame["month"][latest]
    cum = frame["value"][latest]
    mon = frame["monthly_value"][latest]
    flags = frame["_flags"][latest]
    group = key >> 4  # key = (…) * 16 + month
    first = np.ones(n, dtype=bool)
    np.not_equal(group[1:], group[:-1], out=first[1:])
    follows = np.zeros(n, dtype=bool)
    np.equal(month[1:] - month[:-1], 1, out=follows[1:])
    follows &= ~first
    has_cum, has_mon = ~np.isnan(cum), ~np.isnan(mon)
    value = cum
    from_monthly = ~has_cum & has_mon
    if from_monthly.any():
        # A chain continues where 累计 is empty, 本月 given, and the month follows the previous one;
        # a derived value is its chain's anchor plus the 本月 figures since.
        cont = from_monthly & additive & follows
        need = np.flatnonzero(from_monthly & additive)
        start = np.maximum.accumulate(np.where(cont, 0, np.arange(n)))[need]  # row 0 never continues
        anchor = np.where(has_cum[start], cum[start],
                          np.where(additive[start] & has_mon[start] & first[start] & (month[start] == 1),
                                   mon[start], np.nan))
        csum = np.cumsum(np.where(cont, mon, 0.0))
        value = cum.copy()
        value[need] = anchor + (csum[need] - csum[start])
        flags[from_monthly & ~np.isnan(value)] |= _BIT["DERIVED"]
        flags[from_monthly & np.isnan(value)] |= _BIT["NOT_DERIVABLE"]

    prev_exact = np.full(n, np.nan)  # 上月累计 where the previous month is known (0 before January)
    prev_exact[first & (month == 1)] = 0.0
    np.copyto(prev_exact[1:], value[:-1], where=follows[1:])
    check = has_cum & has_mon & additive & ~np.isnan(prev_exact)
    # |累计 − (上月累计 + 本月)| beyond rounding (tolerance 1e-6 absolute, 1e-9 relative).
    with np.errstate(invalid="ignore"):
        mismatch = check & (np.abs(cum - (prev_exact + mon)) > 1e-6 + 1e-9 * np.abs(cum))
    flags[mismatch] |= _BIT["MISMATCH"]
    earlier = _shifted_ffill(value, first)
    with np.errstate(invalid="ignore", divide="ignore"):
        decrease = additive & (value < earlier - 1e-9 * np.maximum(1, np.abs(earlier)))
        likely_wan = (value > 0) & (earlier > 0) & (earlier / value >= wan_ratio)
    flags[decrease] |= _BIT["CUMULATIVE_DECREASE"]
    flags[likely_wan] |= _BIT["LIKELY_WAN"]
    return value, flags


def _shifted_ffill(value: np.ndarray, first: np.ndarray) -> np.ndarray:
    """For each row, the last non-missing value of an earlier row in the same group (NaN if none)."""
    n = len(value)
    rows = np.arange(n)
    group_start = np.maximum.accumulate(np.where(first, rows, 0))
    prev = np.empty(n, dtype=rows.dtype)  # the last row before each row with a value (-1: none)
    prev[0] = -1
    np.maximum.accumulate(np.where(np.isnan(value[:-1]), -1, rows[:-1]), out=prev[1:])
    return np.where(prev >= group_start, value[prev], np.nan)  # value[-1] only where masked


def flag_names(bits: int) -> str:
    """A flags bitmask as the ledger writes it: codes in CHECKS order, ';'-separated."""
    return ";".join(c for c in FLAG_CODES if int(bits) & int(_BIT[c]))


TEXT_COLUMNS = ("indicator_id", "district", "progress_text", "remark", "reporting_unit",
                "source_file", "source_sheet", "flags")


def _frame(columns: dict[str, np.ndarray], cat: pd.DataFrame, subs: Submissions,
           texts: dict[str, list[str]], categorical: bool = False,
           pool: ThreadPoolExecutor | None = None) -> pd.DataFrame:
    """The ledger's columns from numbers and codes, text built once per distinct value.

    Building text from codes is far cheaper than filtering a frame of a million strings. With
    `categorical`, text columns stay pandas categoricals (the in-memory history: a million rows
    share a few hundred texts); `write_outputs` writes them with the contract's dtypes.
    """
    def col(name: str) -> np.ndarray:
        return columns[name]

    def text(uniques: list, codes: np.ndarray):
        if categorical:
            return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype="str"))
        if pool is not None:  # arrow's take releases the GIL: build the columns side by side
            return pool.submit(strings, uniques, codes)
        return strings(uniques, codes)

    flag_codes, flag_u = pd.factorize(col("_flags"))
    sheets = list(subs.rows["source_sheet"].cat.categories)
    built = {
        "indicator_id": text(list(cat.index), col("_ind")),
        "district": text(list(district_names()), col("_dist")),
        "year": col("year"),
        "month": col("month"),
        "value": col("value"),
        "monthly_value": col("monthly_value"),
        "baseline": col("baseline"),
        "district_target": col("district_target"),
        "progress_text": text(texts["progress_text"], col("_text")),
        "remark": text(texts["remark"], col("_remark")),
        "reporting_unit": text(texts["reporting_unit"], col("_unit")),
        "submitted_on": col("submitted_on").astype("datetime64[us]"),
        "source_file": text(subs.files, col("_file")),
        "source_sheet": text(sheets, col("_sheet")),
        "source_row": col("source_row"),
        "flags": text([flag_names(b) for b in flag_u], flag_codes),
    }
    out = pd.DataFrame({k: v.result() if hasattr(v, "result") else v for k, v in built.items()},
                       copy=False)
    return out if categorical else ledger.conform(out)


def materialize(history: pd.DataFrame) -> pd.DataFrame:
    """The history with the ledger contract's dtypes (categorical text → str) + superseded."""
    out = history.copy()
    for name in TEXT_COLUMNS:
        if isinstance(out[name].dtype, pd.CategoricalDtype):
            values = out[name].array
            out[name] = strings(list(values.categories), values.codes)
    return ledger.conform(out).assign(superseded=history["superseded"].to_numpy(dtype=bool))


# ─────────────────────────────────────────────────────────── submissions on time

def submission_status(catalogue: Catalogue, pos: np.ndarray, mo: pd.DataFrame, dates: pd.DataFrame,
                      due_day: int) -> dict[str, Any]:
    """Per reporting unit × month: on_time / late / undated / missing.

    A unit's month has arrived when any input row (clean or not) carries one of its indicators
    and that month. Its date is the earliest 填报日期 of those rows: on time when on or before
    day `due_day` of the following month; undated when no row has a readable 填报日期. Months
    expected: from the first to the last month reported by anyone in the catalogue's year (no
    clock is read, so a rerun gives the same answer).
    """
    year = catalogue.year
    units = list(dict.fromkeys(catalogue.indicators["reporting_unit"]))
    unit_code = _per_indicator(catalogue.indicators)["unit_code"]
    valid = (pos >= 0) & ~mo["invalid"].to_numpy() & ~mo["out_of_year"].to_numpy()
    if not valid.any():
        return {"due_day": due_day, "months": [], "summary": {}, "by_unit": []}
    d = dates["submitted_on"].to_numpy()[valid]
    never = np.iinfo(np.int64).max
    days = np.where(np.isnat(d), never, d.astype("datetime64[D]").view("int64"))
    month = mo["month"].to_numpy()[valid]
    cell = unit_code[pos[valid]] * 13 + month          # unit × month
    seen = np.bincount(cell, minlength=len(units) * 13) > 0
    first = np.full(len(units) * 13, never, dtype=np.int64)
    np.minimum.at(first, cell, days)
    months_seen = range(int(month.min()), int(month.max()) + 1)
    out = []
    summary = dict.fromkeys(("on_time", "late", "undated", "missing"), 0)
    for u, unit in enumerate(units):
        for m in months_seen:
            due = date(year + (m == 12), m % 12 + 1, due_day)
            when = None
            if not seen[u * 13 + m]:
                status = "missing"
            elif first[u * 13 + m] == never:
                status = "undated"
            else:
                when = date(1970, 1, 1) + timedelta(days=int(first[u * 13 + m]))
                status = "on_time" if when <= due else "late"
            summary[status] += 1
            out.append({"reporting_unit": unit, "month": f"{year}-{m:02d}", "status": status,
                        "first_submitted_on": when.isoformat() if when else None,
                        "due": due.isoformat()})
    return {"due_day": due_day, "months": [f"{year}-{m:02d}" for m in months_seen],
            "summary": summary, "by_unit": out}


# ─────────────────────────────────────────────────────────── outputs

_FORMULA_START = r"^[=+\-@\t\r]"


def _neutralize(arr: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    risky = pc.fill_null(pc.match_substring_regex(arr, _FORMULA_START), False)
    quote, empty = pa.scalar("'", arr.type), pa.scalar("", arr.type)
    return pc.if_else(risky, pc.binary_join_element_wise(quote, arr, empty), arr)


def neutralize_formulas(values: pd.Series) -> pd.Series:
    """Prefix ' to text that a spreadsheet would run as a formula (starting with = + - @)."""
    out = _neutralize(_arrow(values)).to_pandas()
    out.index = values.index
    return out


def write_outputs(result: CleanResult, out_dir: str | Path) -> dict[str, Path]:
    """ledger.parquet, history.parquet, quarantine.csv (UTF-8 with BOM), quality.json.

    Same result → byte-identical files (rows are sorted; nothing records a time).
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in
             ("ledger.parquet", "history.parquet", "quarantine.csv", "quality.json")}
    result.ledger.to_parquet(paths["ledger.parquet"], index=False)
    materialize(result.history).to_parquet(paths["history.parquet"], index=False)
    table = pa.Table.from_pandas(result.quarantine[QUARANTINE_COLUMNS], preserve_index=False)
    for i, name in enumerate(table.column_names):
        if name != "row":
            table = table.set_column(i, name, _neutralize(table.column(name)))
    with open(paths["quarantine.csv"], "wb") as fh:
        fh.write(codecs.BOM_UTF8)  # so Excel opens the Chinese text as UTF-8
        pacsv.write_csv(table, fh, write_options=pacsv.WriteOptions(quoting_style="needed"))
    paths["quality.json"].write_text(
        json.dumps(result.quality, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return paths


@dataclass(frozen=True)
class CleanOutputs:
    """What `write_outputs` wrote, read back: the input of every later step."""

    ledger: pd.DataFrame
    history: pd.DataFrame
    quarantine: pd.DataFrame
    quality: dict[str, Any]


def read_outputs(out_dir: str | Path) -> CleanOutputs:
    """Read a cleaning output folder (ledger checked against the contract)."""
    out = Path(out_dir)
    quality_path = out / "quality.json"
    if not quality_path.exists():
        raise FileNotFoundError(f"{out}: no cleaning outputs here; run `minsheng clean` first")
    quarantine = pd.read_csv(out / "quarantine.csv", encoding="utf-8-sig", dtype=str,
                             keep_default_na=False)
    quarantine["row"] = pd.to_numeric(quarantine["row"]).astype("Int64")
    return CleanOutputs(
        ledger=ledger.read(out),
        history=pd.read_parquet(out / "history.parquet"),
        quarantine=quarantine,
        quality=json.loads(quality_path.read_text(encoding="utf-8")),
    )


class NoUsableData(ValueError):
    """The submissions gave nothing to report on: publishing would print only 未报送."""


def require_usable(result: CleanResult | CleanOutputs) -> None:
    """Stop a run whose raw folder yielded no ledger rows (empty, or every file rejected)."""
    if len(result.ledger) == 0:
        rejected = "; ".join(f"{r['file']}: {r['reason']}" for r in result.quality["files_rejected"])
        raise NoUsableData(f"没有可用的报送数据 / no usable submissions (files read: "
                           f"{result.quality['files_read']}{'; rejected: ' + rejected if rejected else ''})")


def summary_lines(quality: dict[str, Any]) -> list[str]:
    """A short Chinese summary for the command line and notebooks."""
    lines = [
        f"读取文件 {quality['files_read']} 个，拒收 {len(quality['files_rejected'])} 个",
        f"输入行 {quality['rows_in']:,}：入账 {quality['rows_clean']:,}，隔离 {quality['rows_quarantined']:,}，"
        f"重复 {quality['rows_duplicate']:,}；修订 {quality['revisions_applied']:,}；"
        f"台账 {quality['ledger_rows']:,} 行",
    ]
    for rej in quality["files_rejected"]:
        lines.append(f"  拒收 {rej['file']}：{rej['reason']}")
    if quality["quarantine_by_code"]:
        factor = config.settings()["limits"]["implausible_factor"]
        short = {c: REASONS[c].format(factor=factor).split("（")[0].split("，")[0] for c in QUARANTINE_CODES}
        lines.append("隔离原因（行）：" + "；".join(f"{short[c]} {k}"
                                             for c, k in quality["quarantine_by_code"].items()))
    return lines


def quality_table(quality: dict[str, Any]) -> pd.DataFrame:
    """The quality summary as a two-column table (项目, 数量) for notebooks and reports."""
    skipped = quality["rows_skipped"]
    rows = [
        ("读取文件", quality["files_read"]),
        ("拒收文件", len(quality["files_rejected"])),
        ("输入行", quality["rows_in"]),
        ("入账行（含被修订）", quality["rows_clean"]),
        ("隔离行", quality["rows_quarantined"]),
        ("重复行", quality["rows_duplicate"]),
        ("被后报数据替代", quality["revisions_applied"]),
        ("台账行", quality["ledger_rows"]),
        ("空行（不计入输入）", skipped["blank"]),
        ("表注、说明行（不计入输入）", skipped["note"]),
        ("合计行（不计入输入）", skipped["total"]),
        ("未填报的模板行（不计入输入）", skipped["unfilled"]),
    ]
    return pd.DataFrame(rows, columns=["项目", "数量"])


def quarantine_counts(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows and cells per reason, in CHECKS order."""
    columns = ["reason_code", "reason", "rows", "cells"]
    if not len(quarantine):
        return pd.DataFrame(columns=columns)
    rows = quarantine.drop_duplicates(["file", "sheet", "row", "reason_code"])["reason_code"].value_counts()
    cells = quarantine["reason_code"].value_counts()
    reasons = quarantine.drop_duplicates("reason_code").set_index("reason_code")["reason"]
    out = [(c, reasons[c], int(rows[c]), int(cells[c])) for c in QUARANTINE_CODES if c in cells]
    return pd.DataFrame(out, columns=columns)


# ─────────────────────────────────────────────────────────── command line

def register(subparsers) -> None:
    p = subparsers.add_parser("clean", help="清洗各单位月报，生成台账 / clean unit submissions into the ledger")
    p.add_argument("raw_dir", help="原始报送文件目录（递归读取 *.xlsx, *.csv）")
    p.add_argument("--out", required=True, help="输出目录：ledger.parquet, history.parquet, quarantine.csv, quality.json")
    p.add_argument("--year", type=int, help="目录年度（默认：data/targets 中最新的一年）")
    p.add_argument("--catalogue", help="目标目录 YAML 路径（默认 data/targets/<year>.yaml）")
    p.set_defaults(func=_cmd_clean)


def load_catalogue_for(year: int | None, path: str | None) -> Catalogue:
    """The catalogue named by --catalogue, else --year, else the latest year in data/targets."""
    from minsheng.catalogue import CatalogueError, load_catalogue

    if path:
        return load_catalogue(year, path=path)
    if year is None:
        years = sorted(int(p.stem) for p in config.TARGETS.glob("*.yaml") if p.stem.isdigit())
        if not years:
            raise CatalogueError(f"{config.TARGETS}: no catalogue (<year>.yaml) found")
        year = years[-1]
    return load_catalogue(year)


def _cmd_clean(args) -> int:
    from minsheng.cli import EXIT_OK, EXIT_WARNINGS

    raw = Path(args.raw_dir)
    if not raw.is_dir():
        raise FileNotFoundError(f"原始数据目录不存在：{raw}")
    catalogue = load_catalogue_for(args.year, args.catalogue)
    result = clean(raw, catalogue, progress=True)
    write_outputs(result, args.out)
    for line in summary_lines(result.quality):
        print(line)
    print(f"输出：{Path(args.out)}", file=sys.stdout)
    return EXIT_WARNINGS if result.has_problems else EXIT_OK
