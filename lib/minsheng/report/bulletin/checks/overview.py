"""Checks of 一、总体情况: the counts add up and match the indicator table, the headline share
and mean recompute from their printed parts, the changes name what moved, the schedules."""

from __future__ import annotations

import re

from minsheng.report.bulletin.checks.printed import (
    TOL_PCT,
    linear_schedule_problems,
    named_count_problems,
    one_paragraph,
)
from minsheng.report.bulletin.counts import (
    capped_mean,
    parse_counts,
    status_counts,
    status_label,
    task_counts,
)
from minsheng.report.bulletin.model import Bulletin
from minsheng.report.bulletin.sections.overview import CHANGES
from minsheng.report.format import clean_text
from minsheng.report.text import indicator_name
from minsheng.rules.status import MEETING_SCHEDULE, STATUSES


def check_counts(bulletin: Bulletin) -> list[str]:
    t = bulletin.data.table
    problems: list[str] = []
    p = one_paragraph(bulletin, "overall_counts", problems)
    if p is None:
        return problems
    m = re.search(r"共(\d+)项指标", p.text)
    printed_n = int(m.group(1)) if m else None
    if printed_n != len(t):
        problems.append(f"总体情况: 指标总数印为{printed_n}项，指标表有{len(t)}项")
    counts = parse_counts(p.text.split("项指标", 1)[-1])
    if printed_n is not None and sum(counts.values()) != printed_n:
        problems.append(f"总体情况: 各状态合计{sum(counts.values())}项，与指标总数{printed_n}项不符")
    actual = status_counts(t["status"])
    for s in STATUSES:
        if counts[s] != actual[s]:
            problems.append(f"总体情况: {status_label(s)}印为{counts[s]}项，按指标表应为{actual[s]}项")
    m = re.search(r"其中(\d+)项仅报送文字进展", p.text)
    if m:
        text_only = int(((t["status"] == "no_data") & t["progress_text"].map(clean_text).notna()).sum())
        if int(m.group(1)) != text_only:
            problems.append(f"总体情况: 仅报送文字进展印为{m.group(1)}项，应为{text_only}项")
    return problems


def check_tasks(bulletin: Bulletin) -> list[str]:
    """The task counts add up to the catalogue's tasks and match their judgements."""
    tasks, problems = bulletin.data.tasks, []
    found = list(bulletin.blocks("task_counts"))
    if not len(tasks):
        return ["总体情况: 无工作任务却印有工作任务数"] if found else []
    p = one_paragraph(bulletin, "task_counts", problems)
    if p is None:
        return problems
    m = re.search(r"另有(\d+)项工作任务", p.text)
    if not m or int(m.group(1)) != len(tasks):
        problems.append(f"总体情况: 工作任务数印为{m.group(1) if m else '（无）'}项，目标清单有{len(tasks)}项")
    printed = parse_counts(p.text.split("跟踪", 1)[-1], "task")
    if printed != task_counts(tasks["status"]):
        problems.append(f"总体情况: 工作任务各类印为{printed}，按报送文字应为{task_counts(tasks['status'])}")
    return problems


def check_headline(bulletin: Bulletin) -> list[str]:
    data, problems = bulletin.data, []
    t = data.table
    p = one_paragraph(bulletin, "overall_share", problems)
    if p is None or "已报送数值的" not in p.text:
        return problems
    m = re.search(r"已报送数值的(\d+)项指标中.*?的(\d+)项，占([\d.]+)%", p.text)
    if not m:
        return problems + ["总体情况: 达到序时进度的占比无法读出"]
    n_rep, n_meet, share = int(m.group(1)), int(m.group(2)), float(m.group(3))
    if n_rep != int((t["status"] != "no_data").sum()):
        problems.append(f"总体情况: 已报送{n_rep}项，指标表为{int((t['status'] != 'no_data').sum())}项")
    if n_meet != int(t["status"].isin(MEETING_SCHEDULE).sum()):
        problems.append(f"总体情况: 达到序时进度印为{n_meet}项，应只含已完成和达到序时进度的"
                        f"{int(t['status'].isin(MEETING_SCHEDULE).sum())}项")
    if n_rep and abs(share - n_meet / n_rep * 100) > TOL_PCT:
        problems.append(f"总体情况: 占比印为{share}%，{n_meet}/{n_rep} = {n_meet / n_rep * 100:.2f}%")
    m = re.search(r"平均完成率([\d.]+)%", p.text)
    mean = capped_mean(t["attainment"]) * 100
    if m and abs(float(m.group(1)) - mean) > TOL_PCT:
        problems.append(f"总体情况: 平均完成率印为{m.group(1)}%，按指标表为{mean:.2f}%")
    m2 = re.search(r"较上季度末（([\d.]+)%）(提高|下降)([\d.]+)个百分点", p.text)
    if m and m2 and data.previous_table is not None:
        prev_p, sign, diff = float(m2.group(1)), m2.group(2), float(m2.group(3))
        prev = capped_mean(data.previous_table["attainment"]) * 100
        if abs(prev_p - prev) > TOL_PCT:
            problems.append(f"总体情况: 上季度末平均完成率印为{prev_p}%，应为{prev:.2f}%")
        signed = diff if sign == "提高" else -diff
        if abs((float(m.group(1)) - prev_p) - signed) > 1e-6:
            problems.append(f"总体情况: 较上季度变化印为{sign}{diff}，与两个平均数之差不符")
    return problems


def check_changes(bulletin: Bulletin) -> list[str]:
    """Each change counts and names exactly the indicators whose status moved that way
    between the two quarters' tables (recomputed here from the statuses)."""
    data = bulletin.data
    text = " ".join(b.text for b in bulletin.blocks("changes"))
    if data.previous_table is None:
        return [f"与上季度比较: 第一季度不应比较（{text}）"] if text else []
    before = data.previous_table.set_index("indicator_id")["status"].astype(str)
    problems: list[str] = []
    rows = data.table.to_dict("records")
    for _, words, moved in CHANGES:
        want = [indicator_name(r) for r in rows
                if moved(before.get(r["indicator_id"], "no_data"), str(r["status"]))]
        problems += named_count_problems(text, "与上季度比较", words, want, "按两季指标表", joiner="的")
    return problems


def check_schedules(bulletin: Bulletin) -> list[str]:
    """The 序时进度 the definitions print for the linear schedule recomputes."""
    data, problems = bulletin.data, []
    p = one_paragraph(bulletin, "definitions", problems)
    if p is None:
        return problems
    return linear_schedule_problems(p.text, data.month)
