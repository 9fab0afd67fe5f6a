"""Who may report what: the unit behind each row, checked against the catalogue's reporting unit.

The catalogue's `reporting_unit` of an indicator is the authority. A row's unit is the
catalogue unit its 填报单位 names (the cell, or the 填报单位 line around the table: "市教委",
"重庆市教委基教处"); when 填报单位 names none, the unit in the file's name (or its folder's).
A 填报单位 naming a district office ("万州区住建委") may report a by-district indicator inside
the file of the indicator's reporting unit (district offices report through their lead unit),
and nothing else. A row whose unit is not the indicator's reporting unit is NOT_RESPONSIBLE
(quarantined, or kept and flagged with settings cleaning.foreign_unit: flag); a 填报单位 naming
another unit than the file's name is flagged UNIT_FILE_MISMATCH. A row whose unit cannot be told
(no unit named anywhere) is not judged.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
import pandas as pd

from minsheng.catalogue import districts as district_list
from minsheng.intake.fields import factorize, take


def _norm(text: object) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))


def named_unit(text: object, units: list[str]) -> int:
    """The catalogue unit a text names (longest match; -1 when none or two different ones)."""
    s = _norm(text)
    hits = [i for i, u in enumerate(units) if u in s]
    # A name inside a longer one that also matches is part of it, not a second unit.
    hits = [i for i in hits if not any(units[i] in units[j] and i != j for j in hits)]
    return hits[0] if len(hits) == 1 else -1


def is_district_office(text: object) -> bool:
    """A 填报单位 starting with a district's name (万州区住建委, 万州住建委, 重庆市万州区…)."""
    return office_prefix(tuple(district_list.aliases())).match(
        _norm(text).removeprefix("重庆市")) is not None


@lru_cache(maxsize=4)
def office_prefix(aliases: tuple[str, ...]) -> re.Pattern:
    """Any district name of two characters or more, with something after it (one pattern: a
    province's thousand names are tried in C, not one by one for every 填报单位)."""
    names = [a for a in aliases if len(a) >= 2 and a not in district_list.CITYWIDE_ALIASES]
    if not names:
        return re.compile(r"(?!)")
    return re.compile("(?:" + "|".join(map(re.escape, names)) + ")(?=.)", re.DOTALL)


def file_unit(rel: str, units: list[str]) -> int:
    """The unit a file's name names, else the nearest folder's (-1 when none or ambiguous)."""
    for part in reversed(rel.split("/")):
        found = named_unit(part, units)
        if found >= 0:
            return found
        if any(u in _norm(part) for u in units):
            return -1  # two units in one name: ambiguous, not judged
    return -1


def responsibility(raw_unit: pd.Series, file_no: np.ndarray, files: list[str], pos: np.ndarray,
                   unit_code: np.ndarray, by_district: np.ndarray, units: list[str]
                   ) -> tuple[np.ndarray, np.ndarray]:
    """(not responsible, 填报单位 ≠ file name) per row, for rows of known indicators.

    `unit_code` / `by_district` are the row's indicator's reporting unit (index into `units`)
    and whether it is reported by district. Work is per distinct 填报单位 and per file.
    """
    codes, uniques = factorize(raw_unit)
    named_u = np.array([named_unit(u, units) if str(u).strip() else -1 for u in uniques], np.int64)
    office_u = np.array([is_district_office(u) if str(u).strip() else False for u in uniques], bool)
    named = take(named_u, codes, -1)
    office = take(office_u, codes, False) & (named < 0)
    by_file = np.array([file_unit(f, units) for f in files], dtype=np.int64)
    from_file = by_file[file_no] if len(file_no) else np.zeros(0, np.int64)
    row_unit = np.where(named >= 0, named, from_file)
    known = pos >= 0
    foreign = known & (row_unit >= 0) & (row_unit != unit_code) & ~office
    # A district office may report its district's part, in the lead unit's own file only.
    foreign |= known & office & ~(by_district & (from_file == unit_code))
    mismatch = known & (named >= 0) & (from_file >= 0) & (named != from_file)
    return foreign, mismatch
