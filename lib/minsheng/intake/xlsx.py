"""Reading a submitted workbook (.xlsx) into its tables."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import numpy as np

from minsheng.intake.errors import FileRejected
from minsheng.intake.tables import SubmittedTable, table_from_grid

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def read_xlsx(path: Path, rel: str, header_rows: int) -> list[SubmittedTable]:
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic == _OLE_MAGIC:
        # An .xlsx saved with a password is an OLE container holding the encrypted package.
        import msoffcrypto

        try:
            with open(path, "rb") as fh:
                encrypted = msoffcrypto.OfficeFile(fh).is_encrypted()
        except Exception:  # any failure to open the container is "unreadable"
            encrypted = False
        raise FileRejected("FILE_ENCRYPTED" if encrypted else "FILE_UNREADABLE",
                           "" if encrypted else "OLE 容器（可能是另存为 .xlsx 的旧版 .xls）")
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions etc.
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged packages
        raise FileRejected("FILE_UNREADABLE", type(exc).__name__) from None
    tables: list[SubmittedTable] = []
    any_content = False
    try:
        for ws in wb.worksheets:
            grid, row_numbers = _sheet_grid(ws)
            if not grid:
                continue
            any_content = True
            table = table_from_grid(rel, ws.title, grid, row_numbers, header_rows)
            if table is not None:
                tables.append(table)
    except FileRejected:
        raise
    except Exception as exc:  # damaged sheet XML
        raise FileRejected("FILE_UNREADABLE", type(exc).__name__) from None
    finally:
        wb.close()
    if not any_content:
        raise FileRejected("FILE_EMPTY")
    if not tables:
        raise FileRejected("FILE_NO_HEADER")
    return tables


def _sheet_grid(ws) -> tuple[list[list[str | None]], list[int]]:
    """All non-trailing rows of a sheet as text cells (percent cells as '55%', dates as ISO),
    as openpyxl's read-only iteration gives them."""
    ws.reset_dimensions()  # never trust the stored dimension: it can be stale and cut rows
    grid: list[list[str | None]] = []
    numbers: list[int] = []
    last_content = -1
    for r, row in enumerate(ws.iter_rows(min_row=1), start=1):
        cells: list[str | None] = []
        for cell in row:
            col = getattr(cell, "column", None)
            if col is None or cell.value is None:
                continue
            while len(cells) < col - 1:
                cells.append(None)
            cells.append(cell_text(cell.value, cell.number_format))
        grid.append(cells)
        numbers.append(r)
        if any(c is not None and c.strip() for c in cells):
            last_content = len(grid) - 1
    return grid[: last_content + 1], numbers[: last_content + 1]


def cell_text(value: object, number_format: str | None = None) -> str | None:
    """A spreadsheet cell as the text a person sees, exact: 0.55 in a percent cell → '55%'."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and not np.isfinite(value):
            return str(value)
        if number_format and "%" in number_format:
            d = (Decimal(repr(value)) * 100).normalize()
            return f"{d:f}%"
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
