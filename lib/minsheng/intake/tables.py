"""A table found in a submitted file: its header row, the lines above it, its body.

`find_header` recognises the form's header (one or two rows); `make_table` turns the cells
under it into the body every file type shares: the form's fields as arrow columns, short
texts dictionary-encoded (hashed once, in C++), and the cells the reader marked (formulas).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from minsheng.intake.form import FORM_COLUMNS, KEEP_FIELDS, NUMERIC_FIELDS, header_field


@dataclass
class Header:
    row_index: int                 # position of the (last) header row in the grid
    columns: dict[int, str]        # grid column → field (first occurrence wins)
    names: dict[str, str]          # field → header text as written
    factors: dict[str, int]        # numeric field → multiplier from the header (万)


@dataclass
class SubmittedTable:
    """One table found in a file: where it is, its header, the lines above it, its body rows."""

    file: str
    sheet: str
    header: Header
    pre_rows: list[list[str | None]]   # lines above the header (title, 填报单位 …)
    body: pa.Table                    # source_row + KEEP_FIELDS (text; null where no column)
    # Formula cells: (body row, field, "value" | "no_value", formula text).
    marks: list[tuple[int, str, str, str]] = field(default_factory=list)


def find_header(rows: list[list[str | None]], header_rows: int) -> Header | None:
    """The header row: a 指标编号 column plus a reported column (本月完成 / 累计完成 / 进展情况).

    A two-row header (a merged group title above 本月完成 / 累计完成) is read as one.
    """
    for i, row in enumerate(rows[:header_rows]):
        fields = [header_field(c) for c in row]
        found = {f for f, _ in fields if f}
        if "indicator_id" not in found:
            continue
        texts = list(row)
        last = i
        below_row = list(rows[i + 1]) if i + 1 < len(rows) else []
        below = [header_field(c) for c in below_row]
        below_found = {f for f, _ in below if f}
        if len(below_found) >= 2 and "indicator_id" not in below_found and below_found - found:
            width = max(len(row), len(below_row))
            fields += [(None, 1)] * (width - len(fields))
            below += [(None, 1)] * (width - len(below))
            texts += [None] * (width - len(texts))
            below_row += [None] * (width - len(below_row))
            texts = [b_text if b[0] else t for t, b, b_text in zip(texts, below, below_row, strict=True)]
            fields = [b if b[0] else a for a, b in zip(fields, below, strict=True)]
            found = {f for f, _ in fields if f}
            last = i + 1
        if not found & {"monthly", "cumulative", "progress_text"} or len(found) < 3:
            continue
        columns: dict[int, str] = {}
        names: dict[str, str] = {}
        factors: dict[str, int] = {}
        for j, (fld, factor) in enumerate(fields):
            if fld and fld not in names:
                columns[j] = fld
                names[fld] = str(texts[j]).strip()
                if factor != 1:
                    factors[fld] = factor
        return Header(last, columns, names, factors)
    return None


def make_table(rel: str, sheet: str, pre_rows: list[list[str | None]], header: Header,
               columns: dict[str, pa.Array | pa.ChunkedArray] | pa.Table, row_numbers: np.ndarray,
               marks: list[tuple[int, str, str, str]] | None = None) -> SubmittedTable:
    """The body under the form's field names, typed as in _BODY_SCHEMA (no column: all null)."""
    if isinstance(columns, pa.Table):
        columns = {name: columns.column(name) for name in columns.column_names}
    n = len(row_numbers)
    body = {"source_row": pa.array(row_numbers, pa.int64())}
    by_field = {fld: columns[f"c{j}"] for j, fld in header.columns.items() if f"c{j}" in columns}
    for fld in KEEP_ORDER:
        kind = _BODY_SCHEMA.field(fld).type
        col = by_field.get(fld)
        if col is None:
            col = pa.nulls(n, pa.string())
        if pa.types.is_dictionary(kind) and not pa.types.is_dictionary(col.type):
            col = pc.dictionary_encode(col)
        body[fld] = col
    return SubmittedTable(rel, sheet, header, pre_rows, pa.table(body, schema=_BODY_SCHEMA),
                          marks or [])


# Text with few distinct values is read dictionary-encoded: it is hashed once, in the parallel
# parse, and every later per-value rule works on the distinct values only. Figures stay text, and
# so do the two label columns: they are looked at only on the few rows without an indicator code
# (hashing their long texts on every row was a quarter of the parse).
KEEP_ORDER = [fld for fld in FORM_COLUMNS if fld in KEEP_FIELDS]
LABEL_FIELDS = frozenset({"item_name", "indicator_name"})
DICT_FIELDS = frozenset(KEEP_FIELDS - set(NUMERIC_FIELDS) - LABEL_FIELDS)
DICT_TYPE = pa.dictionary(pa.int32(), pa.string())
_BODY_SCHEMA = pa.schema([("source_row", pa.int64()),
                          *((fld, DICT_TYPE if fld in DICT_FIELDS else pa.string()) for fld in KEEP_ORDER)])


def empty_body() -> pa.Table:
    return _BODY_SCHEMA.empty_table()


def dictionary_codes(col: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """(codes, values) of a dictionary column whose chunks share one dictionary; -1 for null."""
    if col.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), []
    values = col.chunk(0).dictionary.to_pylist()
    indices = pa.chunked_array([ch.indices for ch in col.chunks], type=col.type.index_type)
    codes = pc.fill_null(indices, -1).to_numpy(zero_copy_only=False)
    return codes, values


def per_value(coded: tuple[np.ndarray, list[str]], test, missing: bool = False) -> np.ndarray:
    """A per-row boolean from a test on each distinct value of a dictionary column."""
    codes, values = coded
    table = np.array([bool(test(v)) for v in values] + [missing], dtype=bool)
    return table[np.where(codes >= 0, codes, len(values))]


def nonblank(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Cells holding text other than whitespace."""
    filled = pc.fill_null(pc.greater(pc.binary_length(col), 0), False)
    space = pc.fill_null(pc.utf8_is_space(col), False)
    return pc.and_(filled, pc.invert(space)).to_numpy(zero_copy_only=False)
