"""Revisions and duplicates: which of several rows for one indicator × district × month counts.

A later submission for the same key replaces the earlier one ("later": a later 填报日期; rows
without a date count as earliest; ties go to the file read later, then the lower row) — but a
row without a figure (累计完成 and 本月完成 both missing) never replaces one with a figure: the
latest row *with* a figure stands, and the blank rows after it stay in the history, flagged
BLANK_AFTER_VALUE. A row whose cleaned content equals an earlier accepted row is a duplicate,
counted and kept once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.catalogue import districts

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


def apply_revisions(frame: dict[str, np.ndarray], cat: pd.DataFrame
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Order rows by key, find duplicates, and the row of every key that counts.

    Key order (the ledger's): indicator id, district (全市 first, then the official order), year,
    month; within a key: 填报日期 (undated first), then reading order (file, sheet, row), so the
    last row of a key is the one that counts. Duplicates share key and date, so only rows in such
    groups are compared (cheap when dates differ).

    Returns (latest: frame positions of each key's counting row, in ledger order; their keys;
    superseded: every other row, mask over the frame; duplicate: mask over the frame;
    blank_after: the superseded rows without a figure that came after the counting one).
    """
    n = len(frame["_ind"])
    ind_rank = np.argsort(np.argsort(cat.index.to_numpy(), kind="stable"), kind="stable").astype(np.int64)
    ir = ind_rank[frame["_ind"]] if n else np.zeros(0, np.int64)
    year = frame["year"].astype(np.int64)
    y0 = year.min() if n else 0
    n_years = int(year.max() - y0 + 1) if n else 1
    key = ((ir * len(districts.names()) + frame["_dist"]) * n_years + (year - y0)) * 16 + frame["month"]
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
    m = len(k)
    last = np.ones(m, dtype=bool)
    last[:-1] = k[:-1] != k[1:]
    first = np.ones(m, dtype=bool)
    first[1:] = last[:-1]
    starts, ends = np.flatnonzero(first), np.flatnonzero(last)
    # Per key, its last row with a figure, else its last row: the row that counts.
    figure = (~np.isnan(frame["value"]) | ~np.isnan(frame["monthly_value"]))[order]
    with_figure = np.maximum.accumulate(np.where(figure, np.arange(m), -1))[ends] if m \
        else np.zeros(0, np.int64)
    chosen = np.where(with_figure >= starts, with_figure, ends)
    counts = np.zeros(m, dtype=bool)
    counts[chosen] = True
    superseded = np.zeros(n, dtype=bool)
    superseded[order[~counts]] = True
    blank_after = np.zeros(n, dtype=bool)
    blank_after[order[_rows_after(chosen, ends)]] = True   # later rows, all without a figure
    return order[chosen], k[chosen], superseded, duplicate, blank_after


def _rows_after(chosen: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The positions chosen[i] + 1 … ends[i] of every key, concatenated (few: most keys end
    with the row that counts)."""
    tail = np.flatnonzero(chosen < ends)
    first, lengths = chosen[tail] + 1, ends[tail] - chosen[tail]
    offsets = np.cumsum(lengths) - lengths          # where each key's run starts in the result
    return np.arange(int(lengths.sum())) + np.repeat(first - offsets, lengths)


