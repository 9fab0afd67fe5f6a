"""What python-calamine does not tell about .xlsx/.xlsm cells: % number formats, formulas, errors.

calamine returns values only: a %-formatted 0.55 is 0.55, a formula is its saved result (blank
when the workbook was written by a script that saved none), an error value (#DIV/0!) is blank.
styles.xml says whether any cell style is a percent format, and a byte search of the sheet XML
whether any cell holds a formula (<f>) or an error (t="e"); most workbooks have none of these
and cost one small XML parse. Formulas and errors are read with openpyxl (it also resolves
shared formulas). Percent cells alone are found by the standard library's XML parser, which
reads each cell's style index (r, s, t) 5× faster than openpyxl reads whole cells; openpyxl
is the fallback when a sheet's layout is unusual. (.xls, .xlsb and .ods: data/README.md.)
"""

from __future__ import annotations

import io
import posixpath
import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_BUILTIN_PERCENT = {9, 10}                       # 0% and 0.00%
# A formula element <f …> (or <x:f …>) and an error cell t="e": a byte search finds the
# candidates (most sheets have none), the pattern confirms.
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_ERROR = re.compile(rb"""\st=["']e["']""")


def _has(xml: bytes, marks: tuple[bytes, ...], pattern: re.Pattern) -> bool:
    return any(m in xml for m in marks) and pattern.search(xml) is not None
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')  # literal text, escapes and [colour] in a format


@dataclass
class SheetInfo:
    """Per 0-based (row, column): cells showing a percent, formulas, error values."""

    percent: set[tuple[int, int]] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    errors: dict[tuple[int, int], str] = field(default_factory=dict)


def is_percent_format(code: str | None) -> bool:
    """A number format that shows value × 100 with '%' (a quoted "%" is only text)."""
    return bool(code) and "%" in _QUOTED.sub("", code)


def _percent_styles(styles: bytes) -> set[int]:
    """The cell styles (positions in cellXfs) whose number format is a percent."""
    root = ET.fromstring(styles)
    custom = {int(f.get("numFmtId", -1)): f.get("formatCode", "")
              for f in root.iter(f"{_NS}numFmt")}
    xfs = root.find(f"{_NS}cellXfs")
    return {i for i, xf in enumerate(xfs if xfs is not None else [])
            if int(xf.get("numFmtId", 0)) in _BUILTIN_PERCENT
            or is_percent_format(custom.get(int(xf.get("numFmtId", 0))))}


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → its part in the package (xl/workbook.xml and its relationships)."""
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target", "") for r in rels}
    return {sh.get("name"): posixpath.normpath(target[sh.get(_REL)].lstrip("/")
                                               if target[sh.get(_REL)].startswith("/")
                                               else "xl/" + target[sh.get(_REL)])
            for sh in book.iter(f"{_NS}sheet")}


def _cell_at(ref: str) -> tuple[int, int]:
    """'I4' → (3, 8): 0-based row and column."""
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, col - 1


def _percent_cells(xml: bytes, styles: set[int]) -> set[tuple[int, int]]:
    """Numeric cells of a sheet whose style is a percent; KeyError for a cell without `r`."""
    out = set()
    for _, el in ET.iterparse(io.BytesIO(xml)):
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "c":
            if int(el.get("s", 0)) in styles and el.get("t", "n") == "n":
                out.add(_cell_at(el.attrib["r"]))
        elif tag == "row":
            el.clear()  # keep memory flat on long sheets
    return out


def workbook_info(data: bytes) -> dict[str, SheetInfo] | None:
    """Sheet name → what calamine misses, or None when the workbook has nothing of the kind."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            percent = _percent_styles(zf.read("xl/styles.xml")) if "xl/styles.xml" in names \
                else set()
            sheets = {n: zf.read(n) for n in names
                      if n.startswith("xl/worksheets/") and n.endswith(".xml")}
            formulas = any(_has(x, (b"<f", b":f"), _FORMULA) for x in sheets.values())
            errors = any(_has(x, (b"t=\"e", b"t='e"), _ERROR) for x in sheets.values())
            if not (percent or formulas or errors):
                return None
            if not (formulas or errors):
                try:
                    return {name: SheetInfo(percent=_percent_cells(sheets[part], percent))
                            for name, part in _sheet_parts(zf).items() if part in sheets}
                except (KeyError, ValueError, ET.ParseError):
                    pass  # an unusual layout: openpyxl reads it below
    except (zipfile.BadZipFile, ET.ParseError, KeyError, ValueError, OSError):
        return None  # not a package openpyxl could read either: calamine's values stand
    return _read_info(data, bool(percent), formulas and errors)


def _read_info(data: bytes, percent: bool, cached_errors: bool) -> dict[str, SheetInfo] | None:
    """openpyxl's view of every sheet; None when openpyxl cannot read the package (calamine's
    values then stand alone)."""
    try:
        return _openpyxl_info(data, percent, cached_errors)
    except Exception:  # openpyxl raises many types on packages calamine reads fine
        return None


def _openpyxl_info(data: bytes, percent: bool, cached_errors: bool) -> dict[str, SheetInfo]:
    import openpyxl

    def load(data_only: bool):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # data validation extensions and the like
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)

    wb = load(False)
    out: dict[str, SheetInfo] = {}
    try:
        for ws in wb.worksheets:
            info = out[ws.title] = SheetInfo()
            ws.reset_dimensions()  # a stale stored dimension would cut rows
            for row in ws.iter_rows():
                for cell in row:
                    value = getattr(cell, "value", None)
                    if value is None:
                        continue
                    at = (cell.row - 1, cell.column - 1)
                    if cell.data_type == "f":
                        info.formulas[at] = str(getattr(value, "text", None) or value)
                    elif cell.data_type == "e":
                        info.errors[at] = str(value)
                    elif percent and cell.data_type == "n" and is_percent_format(cell.number_format):
                        info.percent.add(at)
    finally:
        wb.close()
    if cached_errors:
        # A formula whose saved result is an error: openpyxl shows that result only with data_only.
        wb = load(True)
        try:
            for ws in wb.worksheets:
                info = out[ws.title]
                ws.reset_dimensions()
                for row in ws.iter_rows():
                    for cell in row:
                        if getattr(cell, "data_type", None) == "e" and cell.value is not None:
                            info.errors[(cell.row - 1, cell.column - 1)] = str(cell.value)
        finally:
            wb.close()
    return out
