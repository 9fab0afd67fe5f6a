"""一、总体情况: the counts by status, the tasks without a figure, the headline (at or above schedule, and nothing else),
the changes since the last bulletin, the definitions used, and the status chart."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd

from minsheng.catalogue.kinds import SCHEDULED_KINDS
from minsheng.config import settings
from minsheng.contracts import store
from minsheng.report import charts as ch
from minsheng.report.bulletin.counts import (
    capped_mean,
    counts_phrase,
    listed,
    status_counts,
    task_counts,
)
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.sections.numbering import Numbering
from minsheng.report.document import Block, Paragraph, Section
from minsheng.report.format import chinese_numeral, clean_text, fmt_count, fmt_percent
from minsheng.report.text import indicator_name
from minsheng.rules.schedule import plan_fraction
from minsheng.rules.status import BEHIND_SCHEDULE, LAGGING, MEETING_SCHEDULE

OVERVIEW_CHART = "overview"


def _overview_figure(data: BulletinData):
    return ch.status_overview(data.items)


def draw_overview(data: BulletinData, results_dir: Path | None = None) -> bytes:
    """The overview's chart as the bulletin prints it (PNG); kept in `results_dir` when given,
    so that the bulletin made from those results prints this drawing instead of drawing again."""
    png = ch.to_png(_overview_figure(data))
    if results_dir is not None:
        store.write_chart(png, OVERVIEW_CHART, "items", results_dir)  # drawn from data.items alone
    return png


def overview_section(data: BulletinData, numbering: Numbering) -> Section:
    chart = numbering.chart(OVERVIEW_CHART, "各项目指标进度状态分布", "各项目指标按进度状态的数量",
                            lambda: _overview_figure(data))
    counts = status_counts(data.table["status"])
    blocks: list[Block] = [_counts(data, counts), _headline(data, counts)]
    if len(data.tasks):
        blocks.insert(1, _tasks(data))
    changes = _changes(data)
    if changes is not None:
        blocks.append(changes)
    blocks.append(_definitions(data))
    if chart is not None:
        blocks.append(chart)
    return Section("overview", "一、总体情况", tuple(blocks))


def _counts(data: BulletinData, counts: dict[str, int]) -> Paragraph:
    t = data.table
    text_only = int(((t["status"] == "no_data") & t["progress_text"].map(clean_text).notna()).sum())
    note = f"（其中{fmt_count(text_only)}项仅报送文字进展）" if text_only else ""
    return Paragraph(
        f"截至{data.month}月底，{t['item_no'].nunique()}件重点民生实事共{fmt_count(len(t))}项指标，"
        f"{counts_phrase(counts)}{note}。", role="overall_counts")


def _tasks(data: BulletinData) -> Paragraph:
    counts = task_counts(data.tasks["status"])
    return Paragraph(
        f"另有{fmt_count(len(data.tasks))}项工作任务不设量化指标，按牵头单位报送的文字进展跟踪，"
        f"{counts_phrase(counts, 'task')}。", role="task_counts")


def _headline(data: BulletinData, counts: dict[str, int]) -> Paragraph:
    n_reported = len(data.table) - counts["no_data"]
    if not n_reported:
        return Paragraph("各项指标均未报送数值。", role="overall_share")
    n_meeting = sum(counts[s] for s in MEETING_SCHEDULE)
    mean = capped_mean(data.table["attainment"])
    return Paragraph(
        f"已报送数值的{fmt_count(n_reported)}项指标中，达到序时进度（含已完成全年目标）的"
        f"{fmt_count(n_meeting)}项，占{fmt_percent(n_meeting / n_reported)}；"
        f"平均完成率{fmt_percent(mean)}（单项按100%封顶）{_mean_change(data, mean)}。",
        role="overall_share")


def _mean_change(data: BulletinData, mean: float) -> str:
    """The change of the mean since the previous bulletin ("" in Q1 or without data)."""
    if data.previous_table is None or not data.previous_table["attainment"].notna().any():
        return ""
    prev = capped_mean(data.previous_table["attainment"])
    # The difference of the two figures as printed, so that the printed change adds up.
    diff = round(mean * 100, 1) - round(prev * 100, 1)
    word = "提高" if diff > 0.05 else ("下降" if diff < -0.05 else None)
    return (f"，较上季度末（{fmt_percent(prev)}）{word}{abs(diff):.1f}个百分点" if word
            else f"，与上季度末（{fmt_percent(prev)}）持平")


# What moved since the last bulletin, each a test on (status before, status now).
CHANGES: tuple[tuple[str, str, Callable[[str, str], bool]], ...] = (
    ("completed", "新完成全年目标", lambda before, now: now == "completed" and before != "completed"),
    # (one that completed is told once, above)
    ("recovered", "由低于序时进度转为达到序时进度",
     lambda before, now: before in BEHIND_SCHEDULE and now == "on_schedule"),
    ("fell_behind", "新转为滞后",
     lambda before, now: now in LAGGING and before not in LAGGING and before != "no_data"),
)


def changes_since(data: BulletinData) -> dict[str, pd.DataFrame]:
    """The indicators in each of CHANGES since the previous quarter's end (none in Q1)."""
    if data.previous_table is None:
        return {}
    before = data.previous_table.set_index("indicator_id")["status"].astype(str)
    now = data.table.set_index("indicator_id")["status"].astype(str)
    t = data.table.set_index("indicator_id", drop=False)
    out = {}
    for key, _, test in CHANGES:
        ids = [i for i in now.index if test(before.get(i, "no_data"), now[i])]
        out[key] = t.loc[ids]
    return out


def _changes(data: BulletinData) -> Paragraph | None:
    found = changes_since(data)
    parts = []
    for key, words, _ in CHANGES:
        rows = found.get(key)
        if rows is not None and len(rows):
            listed = "、".join(indicator_name(r) for r in rows.to_dict("records"))
            parts.append(f"{words}的{fmt_count(len(rows))}项（{listed}）")
    if not parts:
        return None
    quarter = chinese_numeral(data.quarter - 1)
    return Paragraph(f"与第{quarter}季度末相比，" + "；".join(parts) + "。", role="changes")


def _definitions(data: BulletinData) -> Paragraph:
    """The words of the status, stated once, and the 序时进度 each plan gives at this month."""
    th = settings()["status"]
    lag, severe = th["lagging_from"], th["severe_beyond"]
    schedules = _schedules(data)
    return Paragraph(
        f"说明：达到序时进度，指完成率不低于序时进度；略低于序时进度，指落后序时进度不足{lag}个百分点；"
        f"滞后，指落后{lag}至{severe}个百分点；严重滞后，指落后{severe}个百分点以上。{schedules}"
        "平均完成率为各项指标完成率的算术平均，单项超过100%的按100%计。", role="definitions")


def _schedules(data: BulletinData) -> str:
    """"序时进度按全年目标在各月均衡推进计算，截至9月底为75.0%；A、B按年度计划计算，为70.0%。"."""
    t = data.table
    scheduled = t[t["kind"].isin(SCHEDULED_KINDS)]
    linear = plan_fraction(None, data.month)
    text = f"序时进度按全年目标在各月均衡推进计算，截至{data.month}月底为{fmt_percent(linear)}"
    planned = scheduled[scheduled["plan"].notna()]
    for plan, rows in planned.groupby("plan", sort=True):
        share = plan_fraction(data.catalogue.plans[plan], data.month)
        text += f"；{listed(rows, limit=3)}指标按年度计划推进，为{fmt_percent(share)}"
    standing = t[~t.index.isin(scheduled.index)]
    if len(standing):
        text += f"；{listed(standing, limit=3)}为全年持续达到的要求，序时进度按100%计"
    return text + "。"
