"""The bulletin's data as an Excel workbook, for analysts and for units checking their figures.

Sheets: 说明 (cut-off, thresholds, schedules, what every column holds: export.xlsx_about),
指标明细 (the indicator table), 分项目, 分责任单位, 分区县, 区县明细 (the office's internal
数据核实清单 is report.checklist). Chinese headers, styled and frozen; fractions are numbers
formatted as percents, so a cell can be summed or charted, stored at the precision their format
implies (report.columns.DECIMALS: no 0.7000000000000001). Every sheet of every workbook is
print-ready: A4 landscape, one page wide, the header row on every page. Submitted text never
becomes a formula: a text cell beginning with =, +, -, @, tab or CR is prefixed with an
apostrophe (OWASP's CSV/formula injection rule). Same inputs, same bytes: properties and zip
entries carry the issue date.
"""

from __future__ import annotations

import io
import math
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from copy import copy
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.writer.excel import ExcelWriter

from minsheng.contracts.textsafety import spreadsheet_text
from minsheng.report import columns as C
from minsheng.report import fonts
from minsheng.report.assessment import SHEETS as ASSESSMENT_SHEETS
from minsheng.report.bulletin import Bulletin, BulletinData
from minsheng.report.charts import palette, tint
from minsheng.report.columns import INT, NUM, PCT, Col, stored_value
from minsheng.report.export.collector import collector_paused
from minsheng.report.export.ooxml import repack, stamp
from minsheng.report.export.xlsx_about import about_frame
from minsheng.report.format import is_missing
from minsheng.report.labels import label
from minsheng.rules.rollup import CAP
from minsheng.rules.status import STATUSES, classify_gap

HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
LABELLED = {"status": "status", "projection": "projection", "kind": "kind"}
INDICATOR_SHEET = "指标明细"
# Margins in inches (about 1 cm at the sides, 1.5 cm top and bottom).
MARGINS = PageMargins(left=0.4, right=0.4, top=0.6, bottom=0.6, header=0.3, footer=0.3)


def cell_value(value: Any) -> Any:
    """A Python value openpyxl writes as data: numbers stay numbers, missing is empty,
    text is neutralised."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "item") and not isinstance(value, str):   # numpy scalar
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, int):
        return value
    if isinstance(value, pd.Timestamp | date):
        return value.strftime("%Y-%m-%d")
    return spreadsheet_text(str(value))


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _header(ws, row: int, headers: Sequence[str]) -> None:
    for j, h in enumerate(headers, 1):
        c = ws.cell(row=row, column=j, value=h)
        c.font = Font(bold=True, name=fonts.FAMILY)
        c.fill = HEADER_FILL
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = BORDER


def _rows(ws, start: int, cols: Sequence[Col], records: Iterable[dict],
          status_fills: dict[str, PatternFill],
          value_fills: Mapping[str, Mapping[str, PatternFill]] | None = None) -> int:
    """Write records below row `start`; returns the last row written. A status column is
    filled by status; a column in `value_fills` (source → cell value → fill) by its value.

    Each distinct cell style is set through openpyxl once, then copied to the cells that share
    it, as openpyxl's own worksheet copy does: setting a style looks it up in the workbook by
    hashing it, ~25 µs a cell (most of the time the workbook took)."""
    styles: dict[tuple, StyleArray] = {}
    r = start
    for rec in records:
        r += 1
        for j, col in enumerate(cols, 1):
            raw = rec.get(col.source)
            value = raw
            if col.source in LABELLED and not is_missing(raw):
                value = label(LABELLED[col.source], raw)
            value = cell_value(value)
            if isinstance(value, float):
                value = stored_value(value, col.fmt)
            c = ws.cell(row=r, column=j, value=value)
            number_format = fill = None
            if col.fmt and c.data_type == "n" and c.value is not None:
                whole = col.fmt == NUM and float(c.value).is_integer()
                number_format = INT if whole else col.fmt
            if col.source == "status" and str(raw) in status_fills:
                fill = status_fills[str(raw)]
            elif value_fills and str(raw) in value_fills.get(col.source, {}):
                fill = value_fills[col.source][str(raw)]
            wrap = bool(col.width and col.width >= 30)
            key = (number_format, fill.fgColor.rgb if fill else None, wrap)
            if key in styles:
                c._style = copy(styles[key])
                continue
            c.border = BORDER
            if number_format:
                c.number_format = number_format
            if fill:
                c.fill = fill
            if wrap:
                c.alignment = Alignment(wrap_text=True, vertical="top")
            styles[key] = copy(c._style)
    return r


def _widths(ws, cols: Sequence[Col], first_row: int = 1) -> None:
    for j, col in enumerate(cols, 1):
        letter = get_column_letter(j)
        if col.width:
            ws.column_dimensions[letter].width = col.width
            continue
        # numbers show formatted (0.0%, #,##0), not at their full float precision
        longest = max((10 if c.data_type == "n" and c.value is not None else _display_width(c.value)
                       for c in ws[letter][first_row:]), default=6)
        longest = max(longest, min(_display_width(ws[letter][first_row - 1].value), 16))
        ws.column_dimensions[letter].width = min(max(longest + 2, 6), 40)


def print_ready(ws) -> None:
    """A4 landscape, fitted to one page wide (as many pages down as needed), the header row
    repeated on every page, sheet name above and page numbers below."""
    setup = ws.page_setup
    setup.orientation, setup.paperSize = "landscape", ws.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"
    ws.page_margins = MARGINS
    ws.print_options.horizontalCentered = True
    ws.oddHeader.center.text = "&A"
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def _sheet(wb, title: str, frame: pd.DataFrame, cols: Sequence[Col], fills, freeze: str,
           value_fills: Mapping[str, Mapping[str, PatternFill]] | None = None) -> None:
    ws = wb.create_sheet(title)
    _header(ws, 1, [c.header for c in cols])
    records = frame.to_dict("records") if len(frame) else []
    last = _rows(ws, 1, cols, records, fills, value_fills)
    _widths(ws, cols)
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(last, 1)}"
    ws.row_dimensions[1].height = 30
    print_ready(ws)


def _fill(color: str) -> PatternFill:
    return PatternFill("solid", fgColor=tint(color).lstrip("#").upper())


def _status_fills() -> dict[str, PatternFill]:
    return {s: PatternFill("solid", fgColor=tint(p["color"]).lstrip("#").upper())
            for s, p in palette().items()}


def district_rows(data: BulletinData) -> pd.DataFrame:
    """区县明细: the district detail with each row's lead unit, capped attainment and status
    (by its gap; none without an allotted task, 未报送 without a figure)."""
    d = data.district_detail
    gap = d["gap_points"]
    status = pd.Categorical(np.where(gap.notna(), classify_gap(gap.fillna(0)),
                                     np.where(d["value"].isna(), "no_data", None)),
                            categories=STATUSES)
    return d.assign(reporting_unit=d["indicator_id"].map(data.catalogue.indicators["reporting_unit"]),
                    attainment_capped=d["attainment"].clip(upper=CAP), status=status)


def table_sheets(data: BulletinData) -> list[tuple[str, str, pd.DataFrame, list[Col], str]]:
    """The data sheets of tables.xlsx: name, context in report.columns, frame, columns, freeze."""
    return [
        (INDICATOR_SHEET, "indicator_table", data.table, C.INDICATOR_TABLE, "B2"),
        ("分项目", "item_summary", data.items, C.summary_cols(
            [C.col("item_no"), C.col("item_name"), C.col("responsible_units", width=30)]), "C2"),
        ("分责任单位", "unit_summary", data.units, C.summary_cols([C.col("unit", "unit_summary")]),
         "B2"),
        ("分区县", "district_rank", data.district_rank, C.district_rank_cols(), "C2"),
        ("区县明细", "district_detail", district_rows(data), C.DISTRICT_DETAIL, "A2"),
    ]


def workbook(data: BulletinData, issued_on: date) -> Workbook:
    """The workbook (not yet saved); see `xlsx_bytes`."""
    wb = Workbook()
    wb.remove(wb.active)
    fills = _status_fills()
    sheets = table_sheets(data)
    about = about_frame(data, issued_on, [(name, context, cols) for name, context, _, cols, _ in sheets])
    _sheet(wb, "说明", about, C.ABOUT, fills, "A2")
    for name, _, frame, cols, freeze in sheets:
        _sheet(wb, name, frame, cols, fills, freeze)
    props = wb.properties
    props.creator = "minsheng"
    props.lastModifiedBy = None
    props.title = f"{data.year}年第{data.quarter}季度重点民生实事数据"
    props.created = props.modified = stamp(issued_on)
    return wb


def xlsx_bytes(data: BulletinData, issued_on: date) -> bytes:
    """The workbook as bytes, identical for identical inputs."""
    with collector_paused():   # openpyxl's cells come in a burst (export.collector)
        return _bytes(workbook(data, issued_on), issued_on)


def sheets_bytes(sheets: dict[str, tuple[pd.DataFrame, Sequence[Col]]], issued_on: date,
                 title: str = "", fills: Mapping[str, Mapping[str, str]] | None = None) -> bytes:
    """Any set of frames as a workbook with the same styling and formula neutralisation.
    `fills`: column source → cell value → colour ("#rrggbb"), tinted as the status fills are
    (e.g. a 灯色 column by the lights' palette)."""
    with collector_paused():   # openpyxl's cells come in a burst (export.collector)
        wb = Workbook()
        wb.remove(wb.active)
        status = _status_fills()
        by_value = {src: {v: _fill(c) for v, c in colours.items()} for src, colours in (fills or {}).items()}
        for name, (frame, cols) in sheets.items():
            _sheet(wb, name, frame, cols, status, "B2", by_value)
        wb.properties.creator, wb.properties.lastModifiedBy, wb.properties.title = "minsheng", None, title
        wb.properties.created = wb.properties.modified = stamp(issued_on)
        return _bytes(wb, issued_on)


def _bytes(wb: Workbook, issued_on: date) -> bytes:
    buf = io.BytesIO()
    # ExcelWriter directly: save_workbook would stamp `modified` with the current time.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return repack(buf.getvalue(), issued_on)


def write_assessment(tables: dict[str, pd.DataFrame], path: str | Path, year: int) -> Path:
    """The assessment workbook (formula-safe, deterministic: dated 31 December of `year`)."""
    sheets = {}
    for key, sheet in ASSESSMENT_SHEETS.items():
        frame = tables[key].reset_index(names="考核结果") if key == "summary" else tables[key]
        sheets[sheet] = (frame, [Col(c, c, PCT if c == "完成率" else "") for c in frame.columns])
    path = Path(path)
    path.write_bytes(sheets_bytes(sheets, date(year, 12, 31), title=f"{year}年重点民生实事年度考核"))
    return path


def write_tables(source: Bulletin | BulletinData, path: str | Path,
                 issued_on: date | None = None) -> Path:
    """Write the workbook. `source` is a Bulletin (dated by its issue date) or its data
    (then `issued_on` is required)."""
    if isinstance(source, Bulletin):
        data, issued_on = source.data, issued_on or source.issued_on
    else:
        data = source
    if issued_on is None:
        raise ValueError("issued_on is required when writing from BulletinData")
    path = Path(path)
    path.write_bytes(xlsx_bytes(data, issued_on))
    return path
