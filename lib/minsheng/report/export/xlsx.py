"""The bulletin's data as an Excel workbook, for analysts and for units checking their figures.

Sheets: 说明 (cut-off, thresholds, schedules, what every column holds: export.xlsx_about),
指标明细 (the indicator table), 分项目, 分责任单位, 分区县, 区县明细 (the office's internal
数据核实清单 is report.checklist). Chinese headers, styled and frozen; fractions are numbers
formatted as percents, so a cell can be summed or charted, stored at the precision their format
implies (report.columns.DECIMALS: no 0.7000000000000001). Every sheet of every workbook is
print-ready: A4 landscape, one page wide, the header row on every page. Submitted text never
becomes a formula: a text cell beginning with =, +, -, @, tab or CR is prefixed with an
apostrophe (OWASP's CSV/formula injection rule), and every cell is written with its type
(number, text or blank), never parsed. Same inputs, same bytes: properties and zip entries
carry the issue date.

Written with XlsxWriter, which only writes (openpyxl, which the intake reads workbooks with,
took twice as long: benchmarks/README.md, sixth pass).
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import xlsxwriter

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

HEADER_FILL = "#D9E1F2"
BORDER = {"border": 1, "border_color": "#999999"}     # thin, grey, on all four sides
LABELLED = {"status": "status", "projection": "projection", "kind": "kind"}
INDICATOR_SHEET = "指标明细"
# Margins in inches (about 1 cm at the sides, 1.5 cm top and bottom; header and footer 0.3).
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.6}
HEADER_MARGIN = 0.3
A4 = 9
# Excel's limit for the text of one cell; longer submitted text is cut with a note saying so.
CELL_CHARS = 32767
CUT_NOTE = "……（超出Excel单元格字数上限，全文见台账ledger.parquet）"


def cell_value(value: Any) -> Any:
    """A Python value written as data: numbers stay numbers, missing is empty, text is
    neutralised (and cut, with a note, at Excel's cell limit)."""
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
    text = spreadsheet_text(str(value))
    return text if len(text) <= CELL_CHARS else text[:CELL_CHARS - len(CUT_NOTE)] + CUT_NOTE


def _display_width(value: Any) -> int:
    text = "" if value is None else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


class _Formats:
    """One XlsxWriter format per distinct cell style (number format, fill colour, wrap)."""

    def __init__(self, wb: xlsxwriter.Workbook):
        self._wb, self._made = wb, {}
        self.header = wb.add_format({**BORDER, "bold": True, "font_name": fonts.FAMILY,
                                     "pattern": 1, "bg_color": HEADER_FILL, "align": "center",
                                     "valign": "vcenter", "text_wrap": True})

    def __call__(self, number_format: str | None, fill: str | None, wrap: bool):
        key = (number_format, fill, wrap)
        if key not in self._made:
            props = dict(BORDER)
            if number_format:
                props["num_format"] = number_format
            if fill:
                props.update(pattern=1, bg_color=fill)
            if wrap:
                props.update(text_wrap=True, valign="top")
            self._made[key] = self._wb.add_format(props)
        return self._made[key]


def _column(frame: pd.DataFrame, col: Col) -> tuple[list, list]:
    """A column's cell values (as `cell_value` makes them, floats at their stored precision)
    and the raw values its fills are looked up by."""
    raw = frame[col.source].tolist() if col.source in frame.columns else [None] * len(frame)
    values = raw
    if col.source in LABELLED:
        group = LABELLED[col.source]
        values = [v if is_missing(v) else label(group, v) for v in raw]
    values = [cell_value(v) for v in values]
    return [stored_value(v, col.fmt) if isinstance(v, float) else v for v in values], raw


def _width(col: Col, values: list) -> float:
    """A column's width: as given, else its longest entry (numbers as 10, as they show
    formatted), at least the header's (up to 16), within 6–40."""
    if col.width:
        return col.width
    widths = [_display_width(t) for t in {v for v in values if isinstance(v, str)}]
    if any(isinstance(v, int | float) for v in values):
        widths.append(10)
    longest = max(widths, default=0 if values else 6)   # blanks only: as wide as the header
    longest = max(longest, min(_display_width(col.header), 16))
    return min(max(longest + 2, 6), 40)


def print_ready(ws) -> None:
    """A4 landscape, fitted to one page wide (as many pages down as needed), the header row
    repeated on every page, sheet name above and page numbers below."""
    ws.set_landscape()
    ws.set_paper(A4)
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(**MARGINS)
    ws.center_horizontally()
    ws.set_header("&C&A", {"margin": HEADER_MARGIN})
    ws.set_footer("&C第 &P 页，共 &N 页", {"margin": HEADER_MARGIN})


def _sheet(wb: xlsxwriter.Workbook, formats: _Formats, title: str, frame: pd.DataFrame,
           cols: Sequence[Col], fills: Mapping[str, str], freeze: str,
           value_fills: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """One sheet: styled header, the rows (a status column filled by status, a column in
    `value_fills` by its value), widths, frozen panes, a filter, print setup."""
    ws = wb.add_worksheet(title)
    for j, col in enumerate(cols):
        ws.write_string(0, j, col.header, formats.header)
        values, raw = _column(frame, col)
        by_value = fills if col.source == "status" else (value_fills or {}).get(col.source, {})
        wrap = bool(col.width and col.width >= 30)
        for i, (value, key) in enumerate(zip(values, raw, strict=True), 1):
            number_format = None
            if col.fmt and isinstance(value, int | float):
                whole = col.fmt == NUM and float(value).is_integer()
                number_format = INT if whole else col.fmt
            fmt = formats(number_format, by_value.get(str(key)), wrap)
            if value is None or value == "":
                ws.write_blank(i, j, None, fmt)
            elif isinstance(value, str):
                ws.write_string(i, j, value, fmt)
            else:
                ws.write_number(i, j, value, fmt)
        ws.set_column(j, j, _width(col, values))
    ws.freeze_panes(freeze)
    ws.autofilter(0, 0, len(frame), len(cols) - 1)
    ws.set_row(0, 30)
    print_ready(ws)


def _fill(color: str) -> str:
    return tint(color).upper()


def _status_fills() -> dict[str, str]:
    return {s: _fill(p["color"]) for s, p in palette().items()}


def _workbook_bytes(issued_on: date, title: str,
                    sheets: Sequence[tuple[str, pd.DataFrame, Sequence[Col], str]],
                    value_fills: Mapping[str, Mapping[str, str]] | None = None) -> bytes:
    """Sheets (name, frame, columns, freeze) as a workbook's bytes, dated `issued_on`."""
    buf = io.BytesIO()
    with collector_paused():   # a workbook's cells come in a burst (export.collector)
        # Cells are written by type (write_string …); nothing is ever read as a formula or URL.
        wb = xlsxwriter.Workbook(buf, {"in_memory": True, "nan_inf_to_errors": True,
                                       "strings_to_formulas": False, "strings_to_urls": False})
        formats, status = _Formats(wb), _status_fills()
        for name, frame, cols, freeze in sheets:
            _sheet(wb, formats, name, frame, cols, status, freeze, value_fills)
        wb.set_properties({"title": title, "author": "minsheng", "created": stamp(issued_on)})
        wb.close()
    return repack(buf.getvalue(), issued_on)


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


def xlsx_bytes(data: BulletinData, issued_on: date) -> bytes:
    """The workbook as bytes, identical for identical inputs."""
    sheets = table_sheets(data)
    about = about_frame(data, issued_on, [(name, context, cols) for name, context, _, cols, _ in sheets])
    return _workbook_bytes(issued_on, f"{data.year}年第{data.quarter}季度重点民生实事数据",
                           [("说明", about, C.ABOUT, "A2")]
                           + [(name, frame, cols, freeze) for name, _, frame, cols, freeze in sheets])


def sheets_bytes(sheets: dict[str, tuple[pd.DataFrame, Sequence[Col]]], issued_on: date,
                 title: str = "", fills: Mapping[str, Mapping[str, str]] | None = None) -> bytes:
    """Any set of frames as a workbook with the same styling and formula neutralisation.
    `fills`: column source → cell value → colour ("#rrggbb"), tinted as the status fills are
    (e.g. a 灯色 column by the lights' palette)."""
    by_value = {src: {v: _fill(c) for v, c in colours.items()} for src, colours in (fills or {}).items()}
    return _workbook_bytes(issued_on, title,
                           [(name, frame, cols, "B2") for name, (frame, cols) in sheets.items()],
                           by_value)


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
