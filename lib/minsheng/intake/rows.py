"""Which lines under a header are input: blank, note, total and unfilled rows are not.

1. blank    – no cell holds anything but whitespace. (Empty rows after the last non-empty row
              of a sheet are not rows at all.)
2. total    – 区县 reads 合计 / 总计 / 小计, or the 指标编号 does not look like an indicator
              code and a label cell (指标编号, 项目名称, 指标名称) reads so. The ledger never
              takes a unit's totals (the office sums the districts itself).
3. note     – no figure in 本月完成 / 累计完成 / 上年末基数 / 年度任务, the 指标编号 cell does
              not look like an indicator code, and either the row lies below the last row whose
              指标编号 looks like a code, or its first non-empty cell starts with a note word
              (注, 说明, 填报人, 审核人, 联系人, 联系电话, 负责人, 制表, 数据来源), or it has a
              single non-empty cell outside the reported columns (a section heading).
4. unfilled – the 指标编号 looks like a code but nothing is reported (本月完成, 累计完成,
              上年末基数, 年度任务, 进展情况 and 备注 all empty): a pre-filled template row.
5. input    – every other row. Each is, after cleaning, exactly one of clean, quarantined or
              duplicate.

Lines around a table (填报单位：… 统计月份：…) fill the empty cells of those fields.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pyarrow as pa

from minsheng.catalogue.ids import normalize_indicator_id
from minsheng.contracts.checks import SKIP_KINDS
from minsheng.intake.form import (
    FORM_COLUMNS,
    KEEP_FIELDS,
    META_LABELS,
    NOTE_WORDS,
    NUMERIC_FIELDS,
    REPORTED_FIELDS,
    TOTAL_WORDS,
)
from minsheng.intake.tables import DICT_FIELDS, SubmittedTable, nonblank, per_value


def meta(rows: Iterable[list[str | None]]) -> dict[str, str]:
    """填报单位 / 统计月份 / 填报日期 written on lines around the table."""
    labels = [(fld, lab) for fld, labs in META_LABELS.items() for lab in labs]
    pattern = re.compile("(" + "|".join(re.escape(lab) for _, lab in labels) + r")\s*[:：]")
    found: dict[str, str] = {}
    for row in rows:
        text = "\t".join("" if c is None else str(c) for c in row)
        matches = list(pattern.finditer(text))
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            value = text[m.end():end].strip(" \t\u3000")
            value = value.split("\t")[0].strip() if value else ""
            fld = next(f for f, lab in labels if lab == m.group(1))
            if value and fld not in found:
                found[fld] = value
    return found


def row_kinds(body: pa.Table, coded: dict[str, tuple[np.ndarray, list[str]]], table_no: np.ndarray,
              tables: list[SubmittedTable]) -> tuple[np.ndarray, dict]:
    """Row kinds (0 input, then SKIP_KINDS in order: 1 blank, 2 note, 3 total, 4 unfilled) and the
    note lines below each table (for 填报日期 written under it), in one pass over every file."""
    n = body.num_rows
    blank_, note_, total_, unfilled_ = (SKIP_KINDS.index(k) + 1 for k in SKIP_KINDS)
    codeish = per_value(coded["indicator_id"], lambda v: normalize_indicator_id(v) is not None)
    numeric = np.zeros(n, dtype=bool)
    reported = np.zeros(n, dtype=bool)
    plain = [fld for fld in REPORTED_FIELDS if fld not in DICT_FIELDS]
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:  # arrow: no GIL
        filled = dict(zip(plain, pool.map(lambda fld: nonblank(body.column(fld)), plain),
                          strict=True))
    for fld in REPORTED_FIELDS:
        nb = per_value(coded[fld], str.strip) if fld in DICT_FIELDS else filled[fld]
        reported |= nb
        if fld in NUMERIC_FIELDS:
            numeric |= nb
    kind = np.zeros(n, dtype=np.int8)
    kind[codeish & ~reported] = unfilled_
    # A coded row whose 区县 reads 合计 is the unit's own total: not input either.
    kind[codeish & per_value(coded["district"], lambda v: re.sub(r"\s", "", v) in TOTAL_WORDS)] = total_
    # The last row with a code-like 指标编号 in each table: what lies below is the trailer.
    last_code = np.full(len(tables), -1, dtype=np.int64)
    np.maximum.at(last_code, table_no[codeish], np.flatnonzero(codeish))
    odd = np.flatnonzero(~codeish)
    notes: dict[int, list[list[str | None]]] = {}
    if len(odd):
        # Rows without a code-like 指标编号 are few in a real submission: look at their cells.
        fields = [f for f in FORM_COLUMNS if f in KEEP_FIELDS]
        labels = ("indicator_id", "item_name", "indicator_name", "district")
        records = body.select(fields).take(pa.array(odd)).to_pylist()
        for pos, rec in zip(odd, records, strict=True):
            t = int(table_no[pos])
            order = sorted(tables[t].header.columns.items())  # sheet order of the columns
            cells = [(fld, rec[fld]) for _, fld in order
                     if fld in rec and rec[fld] is not None and rec[fld].strip()]
            if not cells:
                kind[pos] = blank_
                continue
            texts = dict(cells)
            if any(re.sub(r"\s", "", texts.get(f, "")) in TOTAL_WORDS for f in labels):
                kind[pos] = total_
                continue
            if numeric[pos]:
                continue
            below = pos > last_code[t]
            lone_label = len(cells) == 1 and cells[0][0] not in REPORTED_FIELDS
            if below or cells[0][1].strip().startswith(NOTE_WORDS) or lone_label:
                kind[pos] = note_
                if below:
                    notes.setdefault(t, []).append([v for _, v in cells])
    return kind, notes


def fill_from_meta(codes: np.ndarray, values: list[str], table_no: np.ndarray,
                    meta: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """Empty 填报单位 / 统计月份 / 填报日期 cells take the value written above or below the table."""
    if not any(meta):
        return codes, values
    values = list(values)
    index = {v: i for i, v in enumerate(values)}
    for v in meta:
        if v and v not in index:
            index[v] = len(values)
            values.append(v)
    blank_value = np.array([not v.strip() for v in values] + [True], dtype=bool)
    blank = blank_value[np.where(codes >= 0, codes, len(values))]
    fill = np.array([index[v] if v else -1 for v in meta], dtype=np.int64)[table_no]
    codes = np.where(blank & (fill >= 0), fill, codes)
    return codes, values
