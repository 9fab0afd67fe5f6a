"""Reading a submitted workbook (.xlsx, .xlsm, .xls, .xlsb, .ods) into its one data table.

Values come from python-calamine (Rust, ~14× faster than openpyxl); the format is recognised
from the content, so an old .xls renamed .xlsx is read as what it is. What calamine does not
give for .xlsx/.xlsm (% number formats, formulas, error values) comes from `intake.cellinfo`,
only for workbooks that have any. Cells read as a person sees them: a %-formatted 0.55 reads
"55%", a date 2026-03-01, a whole number 3000 (calamine gives 3000.0) "3000".

The data sheet is the one whose header matches the form (`tables.find_header`). A hidden sheet
with that header, or one named as a draft, copy or example (settings cleaning.draft_sheet_words,
Excel's "月报 (2)"), is not read and is listed (SKIP_SHEET_*); two matching sheets left is an
error naming both (FILE_SHEETS_AMBIGUOUS). Cells merged down one column under the header take
the merge's value (calamine keeps merged ranges for .xlsx, .xlsm and .xls).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa

from minsheng import config
from minsheng.contracts.checks import SKIPPED_SHEETS
from minsheng.intake.cellinfo import SheetInfo, workbook_info
from minsheng.intake.errors import FileRejected
from minsheng.intake.form import KEEP_FIELDS, READ_FIELDS
from minsheng.intake.tables import SubmittedTable, find_header, make_table

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXCEL_COPY = re.compile(r"[(（]\d+[)）]$")   # Excel names a copied sheet "月报 (2)"
_NO_INFO = SheetInfo()


@dataclass
class WorkbookRead:
    tables: list[SubmittedTable]
    skipped_sheets: list[dict[str, str]] = field(default_factory=list)  # {sheet, reason_code, reason}


def cell_text(value: object, percent: bool = False) -> str | None:
    """A cell's value as the text a person sees, exact: 0.55 in a percent cell → '55%'."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            return str(value)
        if percent:
            return f"{(Decimal(repr(value)) * 100).normalize():f}%"
        if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
            return str(int(value))  # calamine gives whole numbers as floats
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _column_texts(cells: list) -> list[str | None]:
    """`cell_text` over cells without a percent format, inlined for texts, numbers and dates
    (most cells): a million cells is a second less."""
    out: list[str | None] = []
    append = out.append
    for v in cells:
        t = type(v)
        if t is str:
            append(v or None)
        elif t is float:
            append(str(int(v)) if v.is_integer() and -1e15 < v < 1e15 else repr(v))
        elif t is date:
            append(v.isoformat())
        else:
            append(cell_text(v))
    return out


def _filled(value: object) -> bool:
    return value is not None and value != "" and not (isinstance(value, str) and not value.strip())


def is_draft(sheet: str) -> bool:
    """A sheet name marking a draft, copy or example (cleaning.draft_sheet_words)."""
    words = config.settings().get("cleaning", {}).get("draft_sheet_words", [])
    name = unicodedata.normalize("NFKC", sheet).casefold().strip()
    return bool(_EXCEL_COPY.search(name)) or any(str(w).casefold() in name for w in words)


def _open(path: Path):
    from python_calamine import CalamineWorkbook, PasswordError

    data = path.read_bytes()
    if data[:8] == _OLE_MAGIC:
        # An encrypted .xlsx is an OLE container too; a plain OLE file is an .xls.
        import msoffcrypto

        try:
            encrypted = msoffcrypto.OfficeFile(io.BytesIO(data)).is_encrypted()
        except Exception:  # not an Office container msoffcrypto knows: let calamine judge
            encrypted = False
        if encrypted:
            raise FileRejected("FILE_ENCRYPTED")
    try:
        return data, CalamineWorkbook.from_filelike(io.BytesIO(data))
    except PasswordError:
        raise FileRejected("FILE_ENCRYPTED") from None
    except Exception as exc:  # calamine raises its own types and ValueError on damaged files
        raise FileRejected("FILE_UNREADABLE", type(exc).__name__) from None


def read_workbook(path: Path, rel: str, header_rows: int) -> WorkbookRead:
    """The data table of one workbook, the sheets not read, or FileRejected."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    data, wb = _open(path)
    infos = workbook_info(data) if data[:2] == b"PK" else None
    candidates, skipped = [], []
    any_content = False
    try:
        for meta in wb.sheets_metadata:
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue  # chart and dialog sheets hold no cells
            sheet = wb.get_sheet_by_name(meta.name)
            values = sheet.to_python(skip_empty_area=False)
            last = len(values) - 1
            while last >= 0 and not any(_filled(v) for v in values[last]):
                last -= 1
            if last < 0:
                continue
            any_content = True
            info = (infos or {}).get(meta.name, _NO_INFO)
            head = [_texts(values[i], i, info) for i in range(min(header_rows + 1, last + 1))]
            header = find_header(head, header_rows)
            if header is None:
                continue  # an instructions or lists sheet
            code = ("SKIP_SHEET_HIDDEN" if meta.visible != SheetVisibleEnum.Visible
                    else "SKIP_SHEET_DRAFT" if is_draft(meta.name) else None)
            if code:
                skipped.append({"sheet": meta.name, "reason_code": code, "reason": SKIPPED_SHEETS[code]})
            else:
                candidates.append((meta.name, values[: last + 1], head, header, info,
                                   sheet.merged_cell_ranges or []))
    except FileRejected:
        raise
    except Exception as exc:  # a damaged sheet
        raise FileRejected("FILE_UNREADABLE", type(exc).__name__) from None
    finally:
        wb.close()
    if len(candidates) > 1:
        raise FileRejected("FILE_SHEETS_AMBIGUOUS", "、".join(f"“{c[0]}”" for c in candidates),
                           skipped)
    if not candidates:
        if not any_content:
            raise FileRejected("FILE_EMPTY")
        detail = "、".join(f"“{s['sheet']}”{s['reason'].split('，')[0]}" for s in skipped)
        raise FileRejected("FILE_NO_HEADER", f"{detail}，未读取" if detail else "", skipped)
    name, values, head, header, info, merges = candidates[0]
    return WorkbookRead([_table(rel, name, values, head, header, info, merges)], skipped)


def _texts(row: list, r: int, info: SheetInfo) -> list[str | None]:
    """One sheet row as text cells (used for the lines above and at the header)."""
    out = ([cell_text(v, (r, c) in info.percent) for c, v in enumerate(row)] if info.percent
           else _column_texts(row))
    for (er, ec), err in info.errors.items():
        if er == r and ec < len(out):
            out[ec] = err
    return out


def _table(rel: str, sheet: str, values: list[list], head: list, header, info: SheetInfo,
           merges: list) -> SubmittedTable:
    """The body under the header: the kept columns as text, merges filled, formula cells marked."""
    start = header.row_index + 1
    keep = {j: fld for j, fld in header.columns.items() if fld in KEEP_FIELDS}
    body = values[start:]
    cols: dict[int, list[str | None]] = {}
    percent_cols = {c for _, c in info.percent}
    for j in keep:
        if j in percent_cols:
            cols[j] = [cell_text(row[j], (start + i, j) in info.percent) if j < len(row) else None
                       for i, row in enumerate(body)]
        else:
            cols[j] = _column_texts([row[j] if j < len(row) else None for row in body])
    for (r, c), err in info.errors.items():
        if r >= start and c in cols and r - start < len(body):
            cols[c][r - start] = err
    marks: list[tuple[int, str, str, str]] = []
    for (r, c), formula in info.formulas.items():
        if r < start or c not in cols or r - start >= len(body) or keep[c] not in READ_FIELDS:
            continue
        i = r - start
        saved = cols[c][i] is not None and cols[c][i].strip() != ""
        if not saved:
            cols[c][i] = formula  # the row is input; the formula is what the cell holds
        marks.append((i, keep[c], "value" if saved else "no_value", formula))
    # A value merged down one column (指标编号, 项目名称 over a block) belongs to every row of it;
    # merges across columns (a note over the table's width) keep their value in the first cell.
    for (r0, c0), (r1, c1) in merges:
        if c0 == c1 and r1 > r0 and r0 >= start and c0 in cols:
            top = cols[c0][r0 - start] if r0 - start < len(body) else None
            for r in range(r0 + 1, min(r1, start + len(body) - 1) + 1):
                cols[c0][r - start] = top
    arrays = {f"c{j}": pa.array(v, pa.string()) for j, v in cols.items()}
    numbers = np.arange(start + 1, start + 1 + len(body), dtype=np.int64)
    return make_table(rel, sheet, head[: header.row_index], header, arrays, numbers, marks)
