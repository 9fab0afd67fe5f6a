"""The 说明 sheet of tables.xlsx: what a reader needs to use the tables on their own.

The data's cut-off, the status words with their thresholds (settings.yaml status), the
schedules behind 序时进度 (linear and each catalogue plan, at the bulletin's month), how each
kind of target is measured, that means of attainment cap each indicator at 100 %, and what
every column of every sheet holds (report.columns.definition). Rows, not prose: a reader can
filter them by 类别 or 工作表.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from datetime import date

import pandas as pd

from minsheng.catalogue.kinds import KINDS, SCHEDULED_KINDS
from minsheng.config import settings
from minsheng.report.bulletin import BulletinData
from minsheng.report.columns import Col, definition
from minsheng.report.format import chinese_numeral, fmt_date, fmt_percent
from minsheng.report.labels import labels
from minsheng.rules.schedule import plan_fraction

# How each status is reached; {L}, {S}: settings.yaml status.lagging_from / severe_beyond.
STATUS_RULES = {
    "completed": "已达到全年目标（日均类、方向类指标至12月底判断）。",
    "on_schedule": "完成率不低于序时进度（差距≥0）。",
    "slightly_behind": "落后序时进度不足{L}个百分点（−{L}＜差距＜0），不计为达到序时进度。",
    "lagging": "落后序时进度{L}至{S}个百分点（−{S}≤差距≤−{L}，含两端）。",
    "severely_lagging": "落后序时进度超过{S}个百分点（差距＜−{S}）。",
    "no_data": "截至数据截至月没有报送数值。",
}
# How attainment is measured, by kind of target (rules.attainment).
KIND_RULES = {
    "increment": "本年累计完成数÷年度目标；累计完成数达到目标即为已完成。",
    "level": "（当前值−年初基数）÷（年度目标−年初基数）；当前值达到目标即为已完成。",
    "daily_average": "年初至今日均数÷年度目标；序时进度每月均为100%，至12月底判断是否完成。",
    "directional": "当前值较基数的变化方向符合目标的为100%，否则为0；序时进度每月均为100%，至12月底判断。",
    "coverage": "已覆盖数÷应覆盖数（如已覆盖区县数÷应覆盖区县数）。",
    "deliverable": "已完成里程碑数÷计划里程碑数。",
}


def _share(fraction: float) -> str:
    """0.15 → "15%", 0.985 → "98.5%" (plan fractions as the catalogue gives them)."""
    return f"{fraction * 100:.1f}".rstrip("0").rstrip(".") + "%"


def _row(section: str, name: str, text: str, sheet: str = "") -> dict[str, str]:
    return {"about_section": section, "about_sheet": sheet, "about_name": name, "about_text": text}


def _basics(data: BulletinData, issued_on: date) -> list[dict[str, str]]:
    last_day = calendar.monthrange(data.year, data.month)[1]
    cutoff = fmt_date(date(data.year, data.month, last_day))
    period = f"{data.year}年第{chinese_numeral(data.quarter)}季度"
    draft = "征求意见稿（本季度数据尚未报齐，按已报数据计算）" if data.draft else "正式稿"
    cat = data.catalogue
    return [
        _row("基本信息", "期间", period),
        _row("基本信息", "数据截至", f"数据截至{cutoff}（{data.month}月底），各表均按此计算。"),
        _row("基本信息", "稿别", draft),
        _row("基本信息", "目标清单", f"{cat.title}（{cat.notice}），共{len(cat.indicators)}项指标。"),
        _row("基本信息", "生成日期", fmt_date(issued_on)),
        _row("基本信息", "数据来源", "各责任单位月度报送数据经清洗核对后形成的台账。"),
    ]


def _statuses() -> list[dict[str, str]]:
    t = {k: f"{v:g}" for k, v in settings()["status"].items()}
    words = labels("status")
    rows = [_row("进度状态", "差距", "差距＝完成率−序时进度，单位为百分点；状态按差距确定，阈值见下。")]
    rows += [_row("进度状态", words[code], rule.format(L=t["lagging_from"], S=t["severe_beyond"]))
             for code, rule in STATUS_RULES.items()]
    rows.append(_row("进度状态", "达到序时进度的指标",
                     f"指状态为“{words['completed']}”或“{words['on_schedule']}”的指标；"
                     f"低于序时进度的，无论差距大小，均不计入。"))
    return rows


def _plan_text(plan: dict[str, list[float]]) -> str:
    if "monthly" in plan:
        return "按月：" + "、".join(f"{m}月末{_share(v)}" for m, v in enumerate(plan["monthly"], 1))
    return ("按季度：" + "、".join(f"{chinese_numeral(q)}季度末{_share(v)}"
                                 for q, v in enumerate(plan["quarterly"], 1)) + "，季度内按月平均")


def _schedules(data: BulletinData) -> list[dict[str, str]]:
    m = data.month
    ind = data.catalogue.indicators
    scheduled = ind[ind["kind"].isin(SCHEDULED_KINDS)]
    planned = set(data.catalogue.plans)
    linear = scheduled[~scheduled["plan"].isin(planned)]
    rows = [_row("序时进度", "线性（默认）",
                 f"第m月末为m/12；{m}月底为{fmt_percent(plan_fraction(None, m))}。"
                 f"未指定进度安排的{len(linear)}项指标按此计算。")]
    for name, plan in data.catalogue.plans.items():
        ids = scheduled.index[scheduled["plan"] == name].tolist()
        users = f"适用指标：{'、'.join(ids)}。" if ids else "暂无指标适用。"
        rows.append(_row("序时进度", f"进度安排“{name}”",
                         f"{_plan_text(plan)}；{m}月底为{fmt_percent(plan_fraction(plan, m))}。{users}"))
    kind_words = labels("kind")
    standing = [kind_words[k] for k in KINDS if k not in SCHEDULED_KINDS]
    rows.append(_row("序时进度", "、".join(standing) + "类",
                     "对照固定水平衡量，序时进度每月均为100%。"))
    return rows


def _methods() -> list[dict[str, str]]:
    kind_words = labels("kind")
    rows = [_row("计算口径", f"{kind_words[k]}类完成率", KIND_RULES[k]) for k in KINDS]
    rows += [
        _row("计算口径", "平均完成率", "项目、责任单位、区县的平均完成率中，单项指标完成率超过100%的按100%计"
             "（单项封顶），避免个别指标超额完成掩盖其他指标滞后；指标明细中的完成率不封顶。"),
        _row("计算口径", "区县数据", "区县数只对可加总的指标汇总，比率类指标不加总、不简单平均。"),
        _row("计算口径", "数值精度", "完成率等比例保留4位小数（百分数2位），差距保留2位小数，"
             "数量保留至多4位小数；单元格格式显示的位数可能更少。"),
    ]
    return rows


def _columns(sheets: Sequence[tuple[str, str, Sequence[Col]]]) -> list[dict[str, str]]:
    return [_row("列说明", c.header, definition(c.source, context), sheet)
            for sheet, context, cols in sheets for c in cols]


def about_frame(data: BulletinData, issued_on: date,
                sheets: Sequence[tuple[str, str, Sequence[Col]]]) -> pd.DataFrame:
    """The 说明 sheet's rows (columns of report.columns.ABOUT). `sheets`: each data sheet's
    name, its frame's context in report.columns (for definitions) and its columns."""
    rows = [*_basics(data, issued_on), *_statuses(), *_schedules(data), *_methods(),
            *_columns(sheets)]
    return pd.DataFrame(rows, columns=["about_section", "about_sheet", "about_name", "about_text"])
