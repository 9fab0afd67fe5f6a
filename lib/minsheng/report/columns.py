"""What each column is called in what people read, and what it holds: the one table.

`HEADERS` gives every column of the frames lib produces its Chinese name and its type; the
type says how it is shown: pct (a fraction as a percent), points (signed percentage points),
quantity (a figure in its unit), count, code, text, label:<group> (a code with its label),
flag (yes/blank), date, in_ledger (yes / replaced). XLSX number formats, notebook tables and the analyst tables all read
it. `IN_CONTEXT` holds the few columns a frame gives another meaning (a district's figure,
not the city's; the baseline the indicator table uses; an item number that is a row number).
"""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.config import settings
from minsheng.report.labels import labels
from minsheng.rules.status import STATUSES

# XLSX number formats by type; NUM shows whole figures as INT (see export.xlsx).
PCT, POINTS, INT, NUM = "0.0%", "0.0", "#,##0", "#,##0.####"
_NUMBER_FORMAT = {"pct": PCT, "points": POINTS, "count": INT, "quantity": NUM}

HEADERS: dict[str, tuple[str, str]] = {
    # the catalogue
    "indicator_id": ("指标编号", "code"), "item_no": ("项目序号", "count"),
    "item_name": ("项目", "text"), "indicator": ("指标", "text"), "soft": ("力争", "flag"),
    "kind": ("目标类型", "label:kind"), "comparator": ("比较", "code"),
    "target_value": ("年度目标", "quantity"), "unit": ("计量单位", "text"),
    "responsible_units": ("责任单位", "text"), "reporting_unit": ("填报单位", "text"),
    "responsible_unit": ("责任单位", "text"),
    # figures and attainment
    "baseline": ("上年末基数", "quantity"), "value": ("累计完成/当前值", "quantity"),
    "monthly_value": ("本月完成", "quantity"), "data_month": ("数据月份", "count"),
    "month": ("月份", "count"), "districts_reported": ("报送区县数", "count"),
    "district": ("区县", "text"), "district_target": ("分解任务", "quantity"),
    "attainment": ("完成率", "pct"), "change_pct": ("较基数变化（%）", "points"),
    "expected": ("序时进度", "pct"), "gap_points": ("差距（百分点）", "points"),
    "reached": ("已完成全年目标", "flag"), "status": ("进度状态", "label:status"),
    "projected_attainment": ("预计全年完成率", "pct"),
    "projected_value": ("预计全年完成值", "quantity"), "projection": ("年底预测", "label:projection"),
    "progress_text": ("进展情况", "text"), "remark": ("备注", "text"),
    "expected_value": ("序时应达值", "quantity"), "target": ("全年目标值", "quantity"),
    "shortfall": ("距序时差额", "quantity"), "share_of_shortfall": ("占落后区县差额", "pct"),
    # roll-ups
    "rank": ("排名", "count"), "n_indicators": ("指标数", "count"), "n_reported": ("已报送", "count"),
    "n_meeting_schedule": ("达到序时进度", "count"),
    "share_meeting_schedule": ("达到序时进度占比", "pct"),
    "mean_attainment_capped": ("平均完成率（单项封顶100%）", "pct"),
    "mean_expected": ("平均序时进度", "pct"), "mean_gap_points": ("平均差距（百分点）", "points"),
    "n_behind": ("滞后及严重滞后", "count"),
    # projection at the current pace
    "recent_monthly": ("近三月月均", "quantity"), "year_end": ("按当前进度年底预计", "quantity"),
    "year_end_low": ("预计下限", "quantity"), "year_end_high": ("预计上限", "quantity"),
    "year_end_attainment": ("预计全年完成率", "pct"),
    "bulletin_year_end": ("通报口径预计值", "quantity"),
    "bulletin_projection": ("通报口径年底预测", "label:projection"),
    "reach_month": ("预计完成月份", "count"),
    "outlook": ("说明", "text"),
    # lineage and submissions
    "in_ledger": ("在账", "in_ledger"), "submitted_on": ("填报日期", "date"),
    "source_file": ("文件", "text"), "source_sheet": ("工作表", "text"), "source_row": ("行", "count"),
    "flags": ("警示", "code"), "submission": ("报送", "label:submission"),
    "first_submitted_on": ("首次报送日期", "date"), "due": ("截止日期", "date"),
    "days_late": ("逾期天数", "count"), "rows_revised": ("修订行", "count"),
    "rows_flagged": ("警示行", "count"), "rows_quarantined": ("隔离行", "count"),
    "on_time": ("按时月数", "count"), "late": ("逾期月数", "count"),
    "undated": ("未填日期月数", "count"), "missing": ("未报送月数", "count"),
    # the quarantine
    "file": ("文件", "text"), "sheet": ("工作表", "text"), "row": ("行", "count"),
    "column": ("列", "text"), "raw_value": ("原值", "text"), "reason_code": ("原因代码", "code"),
    "reason": ("原因", "text"), "matched_by": ("归属依据", "label:matched_by"),
    # changes
    "attainment_since": ("期初完成率", "pct"), "change_points": ("完成率变化（百分点）", "points"),
    "gap_since": ("期初差距", "points"), "gap_change": ("差距变化", "points"),
    "status_since": ("期初状态", "label:status"),
    # the annual assessment
    "assessment": ("考核结果", "label:assessment"),
}

# (frame, column) → header, where the frame gives the column another meaning.
IN_CONTEXT: dict[tuple[str, str], str] = {
    ("indicator_table", "baseline"): "年初基数",
    ("district_detail", "value"): "区县完成",
    ("district_rank", "n_behind"): "落后{on_track_within}个百分点以上指标数",
    ("unit_summary", "unit"): "责任单位",
    ("item_rows", "item_no"): "序号",
    ("assessment_indicators", "value"): "全年完成/年末值",
}


def header(column: str, frame: str = "") -> str:
    """The Chinese name of `column` (in `frame`, where that changes it)."""
    text = IN_CONTEXT.get((frame, column))
    if text is None:
        text = HEADERS[column][0]
    return text.format(**settings()["status"]) if "{" in text else text


def kind_of(column: str) -> str:
    return HEADERS[column][1] if column in HEADERS else "text"


@dataclass(frozen=True)
class Col:
    """A column as a table shows it: the frame's column, its header, XLSX number format, width."""

    source: str
    header: str
    fmt: str = ""           # XLSX number format ("" = General)
    width: float | None = None


def col(column: str, frame: str = "", width: float | None = None) -> Col:
    return Col(column, header(column, frame), _NUMBER_FORMAT.get(kind_of(column), ""), width)


def cols(frame: str, *columns: str, widths: dict[str, float] | None = None) -> list[Col]:
    widths = widths or {}
    return [col(c, frame, widths.get(c)) for c in columns]


INDICATOR_TABLE = cols(
    "indicator_table", "indicator_id", "item_no", "item_name", "indicator", "soft", "kind",
    "comparator", "target_value", "unit", "baseline", "value", "data_month", "districts_reported",
    "attainment", "change_pct", "expected", "gap_points", "reached", "status",
    "projected_attainment", "projected_value", "projection", "responsible_units", "reporting_unit",
    "progress_text", widths={"responsible_units": 30, "progress_text": 50})
DISTRICT_DETAIL = cols(
    "district_detail", "indicator_id", "item_no", "indicator", "unit", "district", "data_month",
    "value", "district_target", "attainment", "expected", "gap_points")
QUARANTINE = cols("quarantine", "file", "sheet", "row", "column", "raw_value", "reason_code",
                  "reason", widths={"file": 30, "raw_value": 24, "reason": 40})
# The indicator table's figures that matter most (notebook views).
INDICATOR_FIGURES = ["indicator_id", "indicator", "target_value", "unit", "value", "data_month",
                     "attainment", "expected", "gap_points", "status", "projection"]


def summary_cols(first: list[Col]) -> list[Col]:
    """A roll-up's columns (items, units) after its own first columns."""
    status = labels("status")
    return first + cols("summary", "n_indicators", "n_reported", "n_meeting_schedule",
                        "share_meeting_schedule", "mean_attainment_capped", "mean_expected") + [
        Col(f"n_{s}", status[s], INT) for s in STATUSES]


def district_rank_cols() -> list[Col]:
    return cols("district_rank", "rank", "district", "n_indicators", "mean_attainment_capped",
                "mean_gap_points", "n_behind")
