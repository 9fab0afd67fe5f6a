"""The bulletin's data as an Excel workbook, for analysts and for units checking their figures.

Sheets: 指标明细 (the indicator table), 分项目, 分责任单位, 分区县, 区县明细, 数据质量,
隔离数据. Chinese headers, styled and frozen; fractions are numbers formatted as percents,
so a cell can be summed or charted. Submitted text never becomes a formula: a text cell
beginning with =, +, -, @, tab or CR is prefixed with an apostrophe (OWASP's CSV/formula
injection rule). Same inputs, same bytes: properties and zip entries carry the issue date.
"""

from __future__ import annotations

import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from minsheng import fonts
from minsheng.bulletin import (
    SKIPPED_LABELS,
    SUBMISSION_WORDS,
    Bulletin,
    BulletinData,
    quarantined_rows,
    reason_text,
)
from minsheng.charts import palette, tint
from minsheng.config import settings
from minsheng.export_ooxml import repack, stamp
from minsheng.status import STATUSES

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# XML 1.0 cannot hold these; openpyxl raises on them (IllegalCharacterError).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
PCT, POINTS, INT, NUM = "0.0%", "0.0", "#,##0", "#,##0.####"   # NUM: integers as INT
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def safe_text(value: str) -> str:
    """Text as Excel must show it: never a formula, no characters XML cannot hold."""
    text = _ILLEGAL.sub("", value)
    # An error literal (#N/A, #REF!) would be stored as an error cell: keep it text too.
    return "'" + text if text.startswith(FORMULA_START) or text in ERROR_CODES else text


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
    return safe_text(str(value))


@dataclass(frozen=True)
class Col:
    source: str
    header: str
    fmt: str = ""           # number format ("" = General)
    width: float | None = None


def _status_labels() -> dict[str, str]:
    return settings()["labels"]["status"]


def summary_cols(first: list[Col]) -> list[Col]:
    labels = _status_labels()
    return first + [
        Col("n_indicators", "指标数", INT), Col("n_reported", "已报送", INT),
        Col("n_meeting_schedule", "达到序时进度", INT),
        Col("share_meeting_schedule", "达到序时进度占比", PCT),
        Col("mean_attainment_capped", "平均完成率（单项封顶100%）", PCT),
        Col("mean_expected", "平均序时进度", PCT),
    ] + [Col(f"n_{s}", labels[s], INT) for s in STATUSES]


TABLE_COLS = [
    Col("indicator_id", "指标编号"), Col("item_no", "项目序号", INT), Col("item_name", "项目"),
    Col("indicator", "指标"), Col("soft", "力争"), Col("kind", "目标类型"),
    Col("comparator", "比较"), Col("target_value", "年度目标", NUM), Col("unit", "计量单位"),
    Col("baseline", "年初基数", NUM), Col("value", "累计完成/当前值", NUM),
    Col("data_month", "数据月份", INT), Col("districts_reported", "报送区县数", INT),
    Col("attainment", "完成率", PCT), Col("change_pct", "较基数变化（%）", POINTS),
    Col("expected", "序时进度", PCT), Col("gap_points", "差距（百分点）", POINTS),
    Col("reached", "已完成全年目标"), Col("status", "进度状态"),
    Col("projected_attainment", "预计全年完成率", PCT), Col("projected_value", "预计全年完成值", NUM),
    Col("projection", "年底预测"), Col("responsible_units", "责任单位", width=30),
    Col("reporting_unit", "填报单位"), Col("progress_text", "进展情况", width=50),
]
DETAIL_COLS = [
    Col("indicator_id", "指标编号"), Col("item_no", "项目序号", INT), Col("indicator", "指标"),
    Col("unit", "计量单位"), Col("district", "区县"), Col("data_month", "数据月份", INT),
    Col("value", "区县完成", NUM), Col("district_target", "分解任务", NUM),
    Col("attainment", "完成率", PCT), Col("expected", "序时进度", PCT),
    Col("gap_points", "差距（百分点）", POINTS),
]
QUARANTINE_COLS = [
    Col("file", "文件", width=30), Col("sheet", "工作表"), Col("row", "行", INT),
    Col("column", "列"), Col("raw_value", "原值", width=24), Col("reason_code", "原因代码"),
    Col("reason", "原因", width=40),
]


def rank_cols() -> list[Col]:
    within = settings()["status"]["on_track_within"]
    return [Col("rank", "排名", INT), Col("district", "区县"), Col("n_indicators", "指标数", INT),
            Col("mean_attainment_capped", "平均完成率（单项封顶100%）", PCT),
            Col("mean_gap_points", "平均差距（百分点）", POINTS),
            Col("n_behind", f"落后{within}个百分点以上指标数", INT)]


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
          status_fills: dict[str, PatternFill]) -> int:
    """Write records below row `start`; returns the last row written."""
    r = start
    for rec in records:
        r += 1
        for j, col in enumerate(cols, 1):
            raw = rec.get(col.source)
            value = raw
            if col.source == "status" and raw is not None:
                value = _status_labels().get(str(raw), raw)
            elif col.source == "projection" and raw is not None:
                value = settings()["labels"]["projection"].get(str(raw), raw)
            elif col.source == "kind" and raw is not None:
                value = settings()["labels"]["kind"].get(str(raw), raw)
            c = ws.cell(row=r, column=j, value=cell_value(value))
            c.border = BORDER
            if col.fmt and c.data_type == "n" and c.value is not None:
                whole = col.fmt == NUM and float(c.value).is_integer()
                c.number_format = INT if whole else col.fmt
            if col.source == "status" and str(raw) in status_fills:
                c.fill = status_fills[str(raw)]
            if col.width and col.width >= 30:
                c.alignment = Alignment(wrap_text=True, vertical="top")
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


def _sheet(wb, title: str, frame: pd.DataFrame, cols: Sequence[Col], fills, freeze: str) -> None:
    ws = wb.create_sheet(title)
    _header(ws, 1, [c.header for c in cols])
    records = frame.to_dict("records") if len(frame) else []
    last = _rows(ws, 1, cols, records, fills)
    _widths(ws, cols)
    ws.freeze_panes = freeze
    ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{max(last, 1)}"
    ws.row_dimensions[1].height = 30


def _quality_sheet(wb, data: BulletinData) -> None:
    ws = wb.create_sheet("数据质量")
    q = data.quality
    bold = Font(bold=True, name=fonts.FAMILY, size=12)
    r = 1

    def block(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        nonlocal r
        ws.cell(row=r, column=1, value=title).font = bold
        r += 1
        _header(ws, r, headers)
        for values in rows or [["（无）"]]:
            r += 1
            for j, v in enumerate(values, 1):
                ws.cell(row=r, column=j, value=cell_value(v)).border = BORDER
        r += 2

    rows_total = quarantined_rows(data.quarantine)[1] if len(data.quarantine) else 0
    block("清洗概况", ["项目", "数量"], [
        ["读取文件", q["files_read"]], ["拒收文件", len(q["files_rejected"])],
        ["读入行数", q["rows_in"]], ["采用行数", q["rows_clean"]],
        ["隔离行数", q["rows_quarantined"]], ["重复行数", q["rows_duplicate"]],
        ["后报替代先报", q["revisions_applied"]], ["隔离清单问题数", len(data.quarantine)],
        ["隔离清单涉及行数", rows_total],
    ] + [[f"略过的{SKIPPED_LABELS.get(k, k)}", v] for k, v in q["rows_skipped"].items()]
          if q["provided"] else [["未提供清洗报告", None]])
    block("报送情况", ["单位", "月份", "情况", "报送日期"],
          [[s["unit"], s["month"], SUBMISSION_WORDS.get(s["status"], s["status"]), s["submitted_on"]]
           for s in sorted(q["submissions"], key=lambda s: (s["year"] or 0, s["month"] or 0,
                                                             s["unit"]))])
    block("拒收文件", ["文件", "原因"], [[f["file"], f["reason"]] for f in q["files_rejected"]])
    block("需核实的数据（已采用）", ["说明", "代码", "行数"],
          [[reason_text(k), k, v] for k, v in q["warnings"].items()])
    block("隔离原因（按清洗报告）", ["说明", "代码", "行数"],
          [[reason_text(k), k, v] for k, v in q["quarantine_by_code"].items()])
    for letter, width in zip("ABCD", (48, 22, 12, 14), strict=True):
        ws.column_dimensions[letter].width = width


def _status_fills() -> dict[str, PatternFill]:
    return {s: PatternFill("solid", fgColor=tint(p["color"]).lstrip("#").upper())
            for s, p in palette().items()}


def workbook(data: BulletinData, issued_on: date) -> Workbook:
    """The workbook (not yet saved); see `xlsx_bytes`."""
    wb = Workbook()
    wb.remove(wb.active)
    fills = _status_fills()
    _sheet(wb, "指标明细", data.table, TABLE_COLS, fills, "B2")
    _sheet(wb, "分项目", data.items, summary_cols([Col("item_no", "项目序号", INT),
                                                   Col("item_name", "项目"),
                                                   Col("responsible_units", "责任单位", width=30)]),
           fills, "C2")
    _sheet(wb, "分责任单位", data.units, summary_cols([Col("unit", "责任单位")]), fills, "B2")
    _sheet(wb, "分区县", data.district_rank, rank_cols(), fills, "C2")
    _sheet(wb, "区县明细", data.district_detail, DETAIL_COLS, fills, "A2")
    _quality_sheet(wb, data)
    _sheet(wb, "隔离数据", data.quarantine, QUARANTINE_COLS, fills, "A2")
    props = wb.properties
    props.creator = "minsheng"
    props.lastModifiedBy = None
    props.title = f"{data.year}年第{data.quarter}季度重点民生实事数据"
    props.created = props.modified = stamp(issued_on)
    return wb


def xlsx_bytes(data: BulletinData, issued_on: date) -> bytes:
    """The workbook as bytes, identical for identical inputs."""
    return _bytes(workbook(data, issued_on), issued_on)


def sheets_bytes(sheets: dict[str, tuple[pd.DataFrame, Sequence[Col]]], issued_on: date,
                 title: str = "") -> bytes:
    """Any set of frames as a workbook with the same styling and formula neutralisation."""
    wb = Workbook()
    wb.remove(wb.active)
    fills = _status_fills()
    for name, (frame, cols) in sheets.items():
        _sheet(wb, name, frame, cols, fills, "B2")
    wb.properties.creator, wb.properties.lastModifiedBy, wb.properties.title = "minsheng", None, title
    wb.properties.created = wb.properties.modified = stamp(issued_on)
    return _bytes(wb, issued_on)


def _bytes(wb: Workbook, issued_on: date) -> bytes:
    buf = io.BytesIO()
    # ExcelWriter directly: save_workbook would stamp `modified` with the current time.
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).write_data()
    return repack(buf.getvalue(), issued_on)


def write_xlsx(source: Bulletin | BulletinData, path: str | Path,
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
