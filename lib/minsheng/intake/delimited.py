"""Reading a submitted CSV (comma, tab or semicolon; UTF-8, UTF-16 or GB18030) into its table.

Encodings: a byte-order mark says UTF-8 or UTF-16; without one, NUL bytes (which no UTF-8 or
GB18030 text holds) mean UTF-16, little- or big-endian by where the NULs sit; otherwise UTF-8,
else GB18030 (⊃ GBK). A file none of them decodes is rejected for its encoding (FILE_ENCODING).

Bodies are parsed by pyarrow (short texts dictionary-encoded, so they are hashed once, in
C++); odd files (ragged rows, a quoted value spanning lines) take Python's csv module, which
is exact. Row numbers are the physical line where a record starts (1-based).
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

from minsheng.intake.errors import FileRejected
from minsheng.intake.form import KEEP_FIELDS
from minsheng.intake.tables import DICT_FIELDS, DICT_TYPE, SubmittedTable, find_header, make_table

_HEAD_BYTES = 1 << 16  # the header is searched in the first 64 KB (a few hundred lines)


def _decode_head(data: bytes) -> tuple[str, str]:
    """(encoding, text of the first ~256 KB): UTF-8 (with or without BOM), else GB18030 (⊃ GBK)."""
    head = data[: _HEAD_BYTES]
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) == len(data))
        return "utf-8", text
    except UnicodeDecodeError:
        pass
    try:
        return "gb18030", codecs.getincrementaldecoder("gb18030")().decode(head, final=len(head) == len(data))
    except UnicodeDecodeError:
        raise FileRejected("FILE_ENCODING", "既不是 UTF-8 也不是 GBK/GB18030") from None


def _utf16_without_bom(data: bytes) -> str | None:
    """'utf-16-le' / 'utf-16-be' when the head holds NUL bytes (ASCII in UTF-16), else None."""
    head = data[:4096]
    if b"\x00" not in head:
        return None
    odd = head[1::2].count(0)
    return "utf-16-le" if odd >= head[0::2].count(0) else "utf-16-be"


def read_csv(path: Path, rel: str, header_rows: int) -> list[SubmittedTable]:
    data = path.read_bytes()
    utf16 = ("utf-16" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
             else None if data.startswith(codecs.BOM_UTF8) else _utf16_without_bom(data))
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif utf16:
        try:
            data = data.decode(utf16).encode("utf-8")
        except UnicodeDecodeError:
            raise FileRejected("FILE_ENCODING", "UTF-16 解码失败") from None
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # classic Mac line ends
    if not data[: 1 << 16].strip() and not data.strip():
        raise FileRejected("FILE_EMPTY")
    encoding, head = _decode_head(data)
    if encoding != "utf-8":
        try:
            data = data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            raise FileRejected("FILE_ENCODING", "既不是 UTF-8 也不是 GBK/GB18030") from None
        head = data[: _HEAD_BYTES].decode("utf-8", errors="ignore")
    found = _csv_header(head, header_rows, whole=len(data) <= _HEAD_BYTES)
    if found is None:
        if not any(ch.strip(" ,;\t\r\n\"") for ch in head[:4096]):
            raise FileRejected("FILE_EMPTY")
        raise FileRejected("FILE_NO_HEADER")
    delimiter, pre_rows, header, header_line_end, ncols = found
    try:
        keep = {j: fld for j, fld in header.columns.items() if fld in KEEP_FIELDS}
        body, row_numbers = _csv_body_fast(data, delimiter, ncols, header_line_end, keep)
    except UnicodeDecodeError:
        raise FileRejected("FILE_ENCODING", "正文中有 UTF-8 无法解码的字节") from None
    if body is None:
        body, row_numbers = _csv_body_slow(data, delimiter, ncols, header_line_end)
    return [make_table(rel, "", pre_rows, header, body, row_numbers)]


def _csv_header(head: str, header_rows: int, whole: bool):
    """(delimiter, rows above the header, header cells, line number ending the header) or None."""
    lines = head.splitlines(keepends=True)
    # The head may end inside a line (or a quoted field): drop that last piece unless it is all.
    complete = lines if whole or len(lines) < 2 else lines[:-1]
    for delimiter in (",", "\t", ";"):
        reader = csv.reader(io.StringIO("".join(complete)), delimiter=delimiter)
        rows: list[list[str]] = []
        ends: list[int] = []
        try:
            for rec in reader:
                rows.append(rec)
                ends.append(reader.line_num)
                if len(rows) >= header_rows:
                    break
        except csv.Error:
            continue
        header = find_header(rows, header_rows)
        if header is not None:
            i = header.row_index
            ncols = max(len(rows[i]), len(rows[i - 1]) if i > 0 else 0, max(header.columns) + 1)
            return delimiter, rows[:i], header, ends[i], ncols
    return None


def _csv_body_fast(data: bytes, delimiter: str, ncols: int, header_line_end: int,
                   keep: dict[int, str]):
    """Parse the body with pyarrow; (None, None) when the file needs the exact slow path.

    Only the columns in `keep` are converted (the form's descriptive columns are not needed).
    """
    offset = 0
    for _ in range(header_line_end):
        nl = data.find(b"\n", offset)
        offset = len(data) if nl < 0 else nl + 1
    body = memoryview(data)[offset:]
    names = [f"c{i}" for i in range(ncols)]
    kept = [names[j] for j in keep if j < ncols]
    types = {names[j]: DICT_TYPE if fld in DICT_FIELDS else pa.string() for j, fld in keep.items() if j < ncols}
    if not len(body):
        return pa.table({c: pa.array([], pa.string()) for c in kept}), np.array([], np.int64)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            # One thread a file: read_files already reads two files at a time.
            read_options=pacsv.ReadOptions(column_names=names, use_threads=False),
            # Empty lines are kept as (blank) rows, so a row's line number is its position unless
            # a quoted value spans lines (checked below). A ragged row raises: the exact slow path.
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=types,
                                                 include_columns=kept,
                                                 # an empty cell is null; "NA", "null" … stay text
                                                 null_values=[""], strings_can_be_null=True,
                                                 quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" in str(exc):
            raise UnicodeDecodeError("utf-8", b"", 0, 1, str(exc)) from None
        return None, None
    if _quoted_newline(data, offset):
        return None, None  # a quoted value spans lines (pyarrow reads it whole): rows ≠ lines
    n = table.num_rows
    return table, np.arange(header_line_end + 1, header_line_end + 1 + n, dtype=np.int64)


def _quoted_newline(data: bytes, offset: int) -> bool:
    """Whether a newline lies between a pair of quotes (a value spanning lines).

    Walks the quotes only (a few per thousand rows in an Excel export), not every line. A stray
    quote inside an unquoted value can only give a false alarm, which costs the slow path.
    """
    i = data.find(b'"', offset)
    while i >= 0:
        j = data.find(b'"', i + 1)
        if j < 0:
            return data.find(b"\n", i) >= 0
        if data.find(b"\n", i, j) >= 0:
            return True
        i = data.find(b'"', j + 1)
    return False


def _csv_body_slow(data: bytes, delimiter: str, ncols: int, header_line_end: int):
    """The exact path for ragged or odd files: Python's csv module, one record at a time."""
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    cols: list[list[str]] = [[] for _ in range(ncols)]
    numbers: list[int] = []
    prev_end = 0
    try:
        for rec in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            if start <= header_line_end:
                continue
            numbers.append(start)  # an empty line is a (blank) row too, as in the fast path
            for i in range(ncols):
                cols[i].append(rec[i] if i < len(rec) and rec[i] != "" else None)
            # Cells beyond the header have no column name: ignored, like any unrecognised column.
    except csv.Error as exc:
        raise FileRejected("FILE_UNREADABLE", f"CSV 格式错误：{exc}") from None
    table = pa.table({f"c{i}": pa.array(c, pa.string()) for i, c in enumerate(cols)})
    return table, np.asarray(numbers, dtype=np.int64)
