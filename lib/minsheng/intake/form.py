"""The monthly report form (月调度表): its columns, the names units give them, and its labels.

What the template writes (`intake.template`) and what the reader recognises are the same
columns, defined here once.
"""

from __future__ import annotations

import re
import unicodedata

# The form's columns in template order: field → header printed on the template.
FORM_COLUMNS: dict[str, str] = {
    "indicator_id": "指标编号",
    "item_name": "项目名称",
    "indicator_name": "指标名称",
    "unit": "计量单位",
    "annual_target": "年度目标",
    "district": "区县",
    "month": "统计月份",
    "monthly": "本月完成",
    "cumulative": "累计完成",
    "baseline": "上年末基数",
    "district_target": "年度任务",
    "progress_text": "进展情况",
    "remark": "备注",
    "reporting_unit": "填报单位",
    "submitted_on": "填报日期",
}
# Names units give the columns (compared after NFKC, without whitespace or '*').
_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_id": ("编号", "指标代码", "指标编码", "代码", "指标ID", "指标id"),
    "item_name": ("项目", "实事项目", "民生实事", "民生实事项目", "项目名"),
    "indicator_name": ("指标", "指标内容", "具体指标", "任务内容", "指标名"),
    "unit": ("单位", "计量", "单位名称"),
    "annual_target": ("全年目标", "目标值", "年度目标值", "全市目标", "全年目标任务"),
    "district": ("县区", "区(县)", "区县名称", "区县(全市)", "地区", "区域", "行政区划", "所属区县"),
    "month": ("月份", "报送月份", "统计期", "报告期", "所属月份", "统计时间", "期别"),
    "monthly": ("本月", "当月完成", "当月", "本月完成值", "本月完成数", "当月完成数", "本月新增",
                "当月新增", "当月完成值"),
    "cumulative": ("累计完成值", "累计", "截至本月累计", "截至本月累计完成", "截止本月累计",
                   "截止本月累计完成", "累计完成数", "本年累计", "年度累计", "累计值", "当前值",
                   "截至目前累计", "截至当月累计", "年初至今累计"),
    "baseline": ("上年末", "基数", "年初基数", "上年基数", "上年末值", "年初值", "上年末基数值"),
    "district_target": ("年度任务数", "本年任务", "分解任务", "区县任务", "任务数", "年度任务值"),
    "progress_text": ("进展", "工作进展", "进度情况", "推进情况", "进展说明", "完成情况说明"),
    "remark": ("说明",),
    "reporting_unit": ("报送单位",),
    "submitted_on": ("报送日期", "填报时间", "报送时间", "日期"),
}
NUMERIC_FIELDS = ("monthly", "cumulative", "baseline", "district_target")
TEXT_FIELDS = ("progress_text", "remark")
REPORTED_FIELDS = NUMERIC_FIELDS + TEXT_FIELDS
# Fields carried into cleaning (the rest of the form is pre-filled description).
READ_FIELDS = ("indicator_id", "district", "month", *NUMERIC_FIELDS, *TEXT_FIELDS,
               "reporting_unit", "submitted_on")
# Columns read from the body: the carried fields plus the labels used to spot 合计 rows.
KEEP_FIELDS = frozenset({*READ_FIELDS, "item_name", "indicator_name"})
# Pre-table lines such as "填报单位：市教委  统计月份：2026年3月" fill empty cells of these fields.
META_LABELS = {
    "reporting_unit": ("填报单位", "报送单位"),
    "month": ("统计月份", "报送月份", "月份"),
    "submitted_on": ("填报日期", "报送日期", "填报时间"),
}
NOTE_WORDS = ("注", "说明", "填报人", "审核人", "联系人", "联系电话", "负责人", "制表", "数据来源", "备注：")
TOTAL_WORDS = frozenset({"合计", "总计", "小计"})
def _norm_header(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s*★:：]", "", s)


HEADER_ALIASES: dict[str, str] = {}
for _field, _name in FORM_COLUMNS.items():
    HEADER_ALIASES[_norm_header(_name)] = _field
    for _alias in _ALIASES.get(_field, ()):
        HEADER_ALIASES.setdefault(_norm_header(_alias), _field)
_BRACKET = re.compile(r"[(\[【](.*?)[)\]】]$")
def header_field(text: object) -> tuple[str | None, int]:
    """The form field a header cell names, and a multiplier (10000 for '累计完成（万人）')."""
    if text is None:
        return None, 1
    s = _norm_header(str(text))
    if s in HEADER_ALIASES:
        return HEADER_ALIASES[s], 1
    m = _BRACKET.search(s)
    if m:
        stem = s[: m.start()]
        if stem in HEADER_ALIASES:
            field_ = HEADER_ALIASES[stem]
            factor = 10_000 if field_ in NUMERIC_FIELDS and m.group(1).startswith("万") else 1
            return field_, factor
    return None, 1
