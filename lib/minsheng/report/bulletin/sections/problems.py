"""三、存在问题: every indicator behind schedule with its lead unit, the worst first; those
not reported; the tasks not begun or not reported; those that will miss the year at the
present pace."""

from __future__ import annotations

import pandas as pd

from minsheng.catalogue.kinds import BASELINE_KINDS
from minsheng.config import settings
from minsheng.report.bulletin.counts import listed, status_label
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.document import Block, Items, Paragraph, Section
from minsheng.report.format import chinese_numeral, clean_text, fmt_count, fmt_percent
from minsheng.report.labels import label
from minsheng.report.text import attainment_text, indicator_name, lead_unit
from minsheng.rules.status import BEHIND_SCHEDULE


def problems_section(data: BulletinData) -> Section:
    t = data.table.sort_values(["gap_points", "indicator_id"])
    th = settings()["status"]
    lag, severe = th["lagging_from"], th["severe_beyond"]
    parts: list[tuple[str, str, tuple[Block, ...]]] = []
    for status, heading, span in (
            ("severely_lagging", "严重滞后", f"{severe}个百分点以上"),
            ("lagging", "滞后", f"{lag}至{severe}个百分点")):
        rows = t[t["status"] == status]
        if len(rows):
            parts.append((status, heading, _listed(rows, status, span)))
    slight = t[t["status"] == "slightly_behind"]
    if len(slight):
        parts.append(("slightly_behind", "略低于序时进度", (Paragraph(
            f"{fmt_count(len(slight))}项指标落后序时进度不足{lag}个百分点：{listed(slight)}。",
            role="slightly_behind", key=",".join(slight["indicator_id"])),)))
    silent = data.table[data.table["status"] == "no_data"]
    if len(silent):
        parts.append(("no_data", "未报送数值", (_silent(data, silent),)))
    idle = data.tasks[data.tasks["status"] != "started"]
    if len(idle):
        parts.append(("tasks", "工作任务未开展或未报送", (_idle_tasks(idle),)))
    risk = at_risk(data.table)
    if len(risk):
        parts.append(("at_risk", "年底完成存在风险", (_at_risk(risk),)))
    if not parts:
        return Section("problems", "三、存在问题",
                       (Paragraph("截至目前，已报送数值的指标均达到序时进度。", role="problems_none"),))
    subs = tuple(Section(f"problems-{key}", f"（{chinese_numeral(i)}）{heading}", blocks, level=2)
                 for i, (key, heading, blocks) in enumerate(parts, 1))
    return Section("problems", "三、存在问题", subsections=subs)


def entry(r: dict) -> str:
    """One lagging indicator, as the list prints it (and its check reads it back)."""
    return (f"{indicator_name(r)}（{r['item_name']}）：完成率{attainment_text(r)}，"
            f"序时进度{fmt_percent(r['expected'])}，落后{abs(float(r['gap_points'])):.1f}个百分点。"
            f"牵头单位：{lead_unit(r)}。")


def _listed(rows: pd.DataFrame, status: str, span: str) -> tuple[Block, ...]:
    return (Paragraph(f"{fmt_count(len(rows))}项指标落后序时进度{span}：", role=f"{status}_count"),
            Items(tuple(entry(r) for r in rows.to_dict("records")), role=status))


def _silent(data: BulletinData, silent: pd.DataFrame) -> Paragraph:
    listed = []
    for r in silent.to_dict("records"):
        text_only = clean_text(r["progress_text"]) is not None
        listed.append(f"{indicator_name(r)}（{lead_unit(r)}{'，仅报送文字进展' if text_only else ''}）")
    return Paragraph(f"截至{data.month}月底，{fmt_count(len(silent))}项指标未报送数值：" +
                     "、".join(listed) + "。", role="no_data", key=",".join(silent["indicator_id"]))


def _idle_tasks(idle: pd.DataFrame) -> Paragraph:
    named = "；".join(f"{r['item_name']}“{r['source']}”（{r['reporting_unit']}，"
                     f"{label('task', r['status'])}）" for r in idle.to_dict("records"))
    return Paragraph(f"{fmt_count(len(idle))}项工作任务未报送进展或报送尚未开展：{named}。",
                     role="tasks_idle", key=",".join(idle["task_id"]))


def at_risk(table: pd.DataFrame) -> pd.DataFrame:
    """Behind schedule and, at the present pace, off track for the year (or a level that fell
    below its start): the indicators named as a risk."""
    proj = table["projection"].astype(str)
    # A cumulative figure that fell is a question for the unit (the check list), not a risk.
    wrong_way = (proj == "wrong_direction") & table["kind"].isin(BASELINE_KINDS)
    keep = table["status"].isin(BEHIND_SCHEDULE) & ((proj == "off_track") | wrong_way)
    return table[keep].sort_values(["projected_attainment", "indicator_id"])


def _at_risk(risk: pd.DataFrame) -> Paragraph:
    """How many will miss the year at the present pace, by status; those not listed above
    (slightly behind) named."""
    floor = 1 - settings()["projection"]["close_up_to"]
    by = [f"{status_label(s)}{fmt_count(n)}项" for s in ("severely_lagging", "lagging",
                                                       "slightly_behind")
          if (n := int((risk["status"] == s).sum()))]
    slight = risk[risk["status"] == "slightly_behind"]
    named = f"（{listed(slight)}）" if len(slight) else ""
    return Paragraph(
        f"按目前完成进度推算，{fmt_count(len(risk))}项指标年底难以完成全年目标"
        f"（预计全年完成率不足{fmt_percent(floor, 0)}），其中{'、'.join(by)}{named}。"
        "有关牵头单位要分析原因，制定赶进度措施。", role="at_risk", key=",".join(risk["indicator_id"]))
