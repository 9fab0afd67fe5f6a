"""What each column is called in what people read, and what it holds: the one table.

`HEADERS` gives every column of the frames lib produces its Chinese name and its type; the
type says how it is shown: pct (a fraction as a percent), points (signed percentage points),
quantity (a figure in its unit), count, code, text, label:<group> (a code with its label),
flag (yes/blank), date, in_ledger (yes / replaced). XLSX number formats, notebook tables and the analyst tables all read
it. `IN_CONTEXT` holds the few columns a frame gives another meaning (a district's figure,
not the city's; the baseline the indicator table uses; an item number that is a row number).
`DEFINITIONS` says what each published column holds (the 说明 sheet of tables.xlsx), and
`DECIMALS` at what precision a number is stored under each number format.
"""

from __future__ import annotations

from dataclasses import dataclass

from minsheng.config import settings
from minsheng.report.labels import labels
from minsheng.rules.status import STATUSES

# XLSX number formats by type; NUM shows whole figures as INT (see export.xlsx).
PCT, POINTS, INT, NUM = "0.0%", "0.0", "#,##0", "#,##0.####"
_NUMBER_FORMAT = {"pct": PCT, "points": POINTS, "count": INT, "quantity": NUM}
# Stored decimals by number format: fractions 4 (a percent to two decimals), points 2,
# quantities 4 (what NUM can show). Other floats lose only binary noise (12 significant digits).
DECIMALS = {PCT: 4, POINTS: 2, NUM: 4}

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
    "n_behind": ("滞后及严重滞后", "count"), "n_shared": ("共同指标数", "count"),
    "mean_gap_capped": ("平均差距（百分点）", "points"),
    "attainment_capped": ("完成率（封顶100%）", "pct"),
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
    # the 说明 sheet of tables.xlsx
    "about_section": ("类别", "text"), "about_sheet": ("工作表", "text"),
    "about_name": ("名称", "text"), "about_text": ("说明", "text"),
}

# (frame, column) → header, where the frame gives the column another meaning.
IN_CONTEXT: dict[tuple[str, str], str] = {
    ("indicator_table", "baseline"): "年初基数",
    ("district_detail", "value"): "区县完成",
    ("district_rank", "n_behind"): "落后{lagging_from}个百分点及以上指标数",
    ("district_rank", "n_indicators"): "有完成率的指标数",
    ("indicator_table", "reporting_unit"): "牵头单位",
    ("district_detail", "reporting_unit"): "牵头单位",
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
    "projected_attainment", "projected_value", "projection", "reporting_unit", "responsible_units",
    "progress_text", widths={"responsible_units": 30, "progress_text": 50})
DISTRICT_DETAIL = cols(
    "district_detail", "indicator_id", "item_no", "indicator", "unit", "reporting_unit", "district",
    "data_month", "value", "district_target", "attainment", "attainment_capped", "expected",
    "gap_points", "status")
QUARANTINE = cols("quarantine", "file", "sheet", "row", "column", "raw_value", "reason_code",
                  "reason", widths={"file": 30, "raw_value": 24, "reason": 40})
ABOUT = cols("about", "about_section", "about_sheet", "about_name", "about_text",
             widths={"about_section": 12, "about_sheet": 12, "about_name": 26, "about_text": 90})
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
    return cols("district_rank", "rank", "district", "n_indicators", "n_shared",
                "mean_attainment_capped", "mean_expected", "mean_gap_capped", "status", "n_behind")


def stored_value(value: float, fmt: str) -> float:
    """A float as a workbook stores it under number format `fmt` (see DECIMALS); −0 → 0."""
    decimals = DECIMALS.get(fmt)
    out = round(value, decimals) if decimals is not None else float(f"{value:.12g}")
    return out + 0.0


# What each published column holds (tables.xlsx, sheet 说明). Placeholders: the status
# thresholds ({lagging_from}, {severe_beyond}), projection bounds as percents ({on_track_below},
# {close_up_to}), status and projection labels ({completed}, {slightly_behind}, {on_track} …).
DEFINITIONS: dict[str, str] = {
    "indicator_id": "指标编号，由项目序号和指标序号组成（如MS01-02），与月报填报模板一致。",
    "item_no": "项目在通知中的序号。",
    "item_name": "项目名称，即通知所列的民生实事。",
    "indicator": "指标名称，即由项目任务分解出的可计量目标。",
    "soft": "标“是”的为通知中以“力争”表述的目标，计算方法与其他指标相同。",
    "kind": "目标类型，决定完成率的计算方法（见本表“计算口径”）。",
    "comparator": "目标的比较方式：>=为不低于，>为高于，<=为不高于，<为低于。",
    "target_value": "通知确定的年度目标值，计量单位见“计量单位”列。",
    "unit": "目标值和完成数的计量单位。",
    "baseline": "水平类、方向类指标的比较基数：通知明确的采用通知数，未明确的采用单位报送的基数。",
    "value": "截至数据月份的全市数：增量、覆盖、里程碑类为本年累计完成数，水平类、方向类为当前值，"
             "日均类为年初至今的日均数。有“全市”报送数的采用全市数，否则为各区县数之和"
             "（仅限可加总的指标，比率不加总）。",
    "data_month": "所用数值的月份。此后月份未报数值的，沿用最近一次报送的数值。",
    "districts_reported": "全市数由区县数加总时参与加总的区县数；采用“全市”报送数的为0。",
    "attainment": "按目标类型计算的完成率（见“计算口径”），不封顶，超过100%的如实列示。",
    "change_pct": "方向类指标当前值较基数的变化幅度（%），负数为下降。",
    "expected": "截至数据截至月末，按进度安排应完成的全年任务比例（见“序时进度”）。",
    "gap_points": "完成率减序时进度，单位为百分点，负数为落后于序时进度。",
    "reached": "标“是”的已达到全年目标；日均类、方向类指标须至12月底方可判断。",
    "status": "按差距确定的进度状态（见“进度状态”）。",
    "projected_attainment": "按当前进度推算的全年完成率：完成率÷序时进度；日均类、方向类为当前完成率。",
    "projected_value": "按预计全年完成率推算的年底数值；方向类不推算。",
    "projection": "按预计差额（1−预计全年完成率）判断：低于{on_track_below}为{on_track}，"
                  "{on_track_below}至{close_up_to}为{close}，超过{close_up_to}为{off_track}；"
                  "数值向目标相反方向变化的为{wrong_direction}，无数值的为{unknown}。",
    "reporting_unit": "牵头负责该指标并报送数据的单位，每项指标一个，可按此列筛选单位。",
    "responsible_units": "通知所列该项目的全部责任单位，以“、”分隔。",
    "progress_text": "单位报送的文字进展，原文照录。",
    "n_indicators": "指标数。",
    "n_reported": "有数值的指标数（状态不是“{no_data}”）。",
    "n_meeting_schedule": "状态为“{completed}”或“{on_schedule}”的指标数；“{slightly_behind}”的不计入。",
    "share_meeting_schedule": "达到序时进度的指标数÷有数值的指标数。",
    "mean_attainment_capped": "各指标完成率的平均数，单项超过100%的按100%计（封顶）；未报送的不计入。",
    "mean_expected": "各指标序时进度的平均数。",
    "rank": "按平均差距由高到低排名；相同时依次比较平均完成率和区县顺序；无共同指标的不排名。",
    "district": "区县（自治县）名称。",
    "n_shared": "各区县均能计算完成率的指标数；平均完成率、平均序时进度、平均差距和排名只按这些指标计算。",
    "mean_gap_capped": "平均完成率（单项封顶）减平均序时进度，单位为百分点。",
    "n_behind": "该区县全部指标中落后序时进度{lagging_from}个百分点及以上（{lagging}、{severely_lagging}）的指标数。",
    "district_target": "该区县报送的年度分解任务（以最近一次报送为准）。",
    "attainment_capped": "完成率超过100%的按100%计（封顶），区县平均完成率即按此计算。",
}
DEFINITIONS_IN_CONTEXT: dict[tuple[str, str], str] = {
    ("unit_summary", "unit"): "责任单位；一项指标计入其所属项目的每个责任单位。",
    ("unit_summary", "n_indicators"): "该单位负责的指标数（一项指标计入其所属项目的每个责任单位）。",
    ("item_summary", "n_indicators"): "该项目的指标数。",
    ("district_rank", "n_indicators"): "该区县有分解任务并报送数值、能计算完成率的指标数。",
    ("district_rank", "mean_attainment_capped"): "共同指标完成率的平均数，单项超过100%的按100%计（封顶）。",
    ("district_rank", "mean_expected"): "共同指标序时进度的平均数。",
    ("district_rank", "status"): "按平均差距确定的进度状态，阈值与指标相同（见“进度状态”）。",
    ("district_detail", "data_month"): "该区县所用数值的月份；此后未报数值的，沿用最近一次报送的数值。",
    ("district_detail", "value"): "该区县截至数据月份的本年累计完成数。",
    ("district_detail", "attainment"): "区县完成÷分解任务，不封顶；未报分解任务的不计算。",
    ("district_detail", "gap_points"): "完成率（不封顶）减序时进度，单位为百分点，负数为落后。",
    ("district_detail", "status"): "按差距确定的进度状态（见“进度状态”）；未报分解任务的空白，"
                                   "未报数值的为“{no_data}”。",
}


def definition(column: str, frame: str = "") -> str:
    """What `column` holds (in `frame`, where that changes it), in Chinese; "" when unknown.
    n_<status> columns count the indicators of that status."""
    status = labels("status")
    text = DEFINITIONS_IN_CONTEXT.get((frame, column)) or DEFINITIONS.get(column, "")
    if not text and column.startswith("n_") and column[2:] in status:
        text = f"状态为“{status[column[2:]]}”的指标数。"
    if "{" not in text:
        return text
    bounds = {k: f"{v:.0%}" for k, v in settings()["projection"].items()}
    thresholds = {k: f"{v:g}" for k, v in settings()["status"].items()}
    return text.format(**status, **labels("projection"), **bounds, **thresholds)
