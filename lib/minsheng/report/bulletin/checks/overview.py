"""The check of 一、总体情况: status counts, the share meeting the schedule, the mean
attainment and its change, and the year-end line."""

from __future__ import annotations

import re

import pandas as pd

from minsheng.report.bulletin.checks.printed import (
    TOL_PCT,
    count,
    only_paragraph,
    status_count_problems,
)
from minsheng.report.bulletin.counts import capped_mean, parse_counts, status_counts
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.document import Bulletin
from minsheng.report.format import clean_text
from minsheng.rules.status import MEETING_SCHEDULE


def check_overall_counts(bulletin: Bulletin) -> tuple[dict[str, int], list[str]]:
    """Problems with the printed counts, and those counts per status ({} when unreadable)."""
    t = bulletin.data.table
    problems: list[str] = []
    p = only_paragraph(bulletin, "overall_counts", problems)
    if p is None:
        return {}, problems
    m = re.search(r"([\d,]+)项指标中", p.text)
    printed_n = count(m.group(1)) if m else None
    if printed_n != len(t):
        problems.append(f"总体情况: 指标总数印为{printed_n}项，指标表有{len(t)}项")
    overall = parse_counts(p.text.split("项指标中", 1)[-1])
    problems += status_count_problems("总体情况", printed_n, overall, status_counts(t["status"]))
    m = re.search(r"其中([\d,]+)项仅报送文字进展", p.text)
    if m:
        text_only = int(((t["status"] == "no_data")
                         & t["progress_text"].map(clean_text).notna()).sum())
        if count(m.group(1)) != text_only:
            problems.append(f"总体情况: 仅报送文字进展印为{m.group(1)}项，应为{text_only}项")
    return overall, problems


def check_overall_share(bulletin: Bulletin, overall: dict[str, int]) -> list[str]:
    problems: list[str] = []
    p = only_paragraph(bulletin, "overall_share", problems)
    if p is None or not overall or "已报送数据的" not in p.text:
        return problems
    t = bulletin.data.table
    problems += _meeting_share(p.text, overall, len(t))
    problems += _mean(p.text, t)
    problems += _change(p.text, bulletin.data)
    return problems


def _meeting_share(text: str, overall: dict[str, int], n_total: int) -> list[str]:
    """Reported = total − no data; meeting = the statuses meeting the schedule; their share."""
    m = re.search(r"已报送数据的([\d,]+)项指标中.*?的([\d,]+)项，占([\d.]+)%", text)
    if not m:
        return ["总体情况: 达到序时进度的占比无法读出"]
    problems = []
    n_rep, n_meet, share = count(m.group(1)), count(m.group(2)), float(m.group(3))
    if n_rep != n_total - overall.get("no_data", 0):
        problems.append(f"总体情况: 已报送{n_rep}项 ≠ 总数{n_total} − 未报送{overall.get('no_data', 0)}")
    if n_meet != sum(overall.get(s, 0) for s in MEETING_SCHEDULE):
        problems.append(f"总体情况: 达到序时进度{n_meet}项 ≠ 已完成+超序时进度+符合序时进度")
    if n_rep and abs(share - n_meet / n_rep * 100) > TOL_PCT:
        problems.append(f"总体情况: 占比印为{share}%，{n_meet}/{n_rep} = {n_meet / n_rep * 100:.2f}%")
    return problems


def _mean(text: str, t: pd.DataFrame) -> list[str]:
    m = re.search(r"平均完成率([\d.]+)%", text)
    mean = capped_mean(t["attainment"]) * 100
    if m and abs(float(m.group(1)) - mean) > TOL_PCT:
        return [f"总体情况: 平均完成率印为{m.group(1)}%，按指标表为{mean:.2f}%"]
    return []


def _change(text: str, data: BulletinData) -> list[str]:
    """The previous mean recomputes; the printed change is the difference of the printed means."""
    m = re.search(r"较上季度末（([\d.]+)%）(提高|下降)([\d.]+)个百分点", text)
    if not m:
        return []
    problems = []
    prev_p, sign, diff = float(m.group(1)), m.group(2), float(m.group(3))
    if data.previous_table is not None:
        prev = capped_mean(data.previous_table["attainment"]) * 100
        if abs(prev_p - prev) > TOL_PCT:
            problems.append(f"总体情况: 上季度末平均完成率印为{prev_p}%，应为{prev:.2f}%")
    now = float(re.search(r"平均完成率([\d.]+)%", text).group(1))
    signed = diff if sign == "提高" else -diff
    if abs((now - prev_p) - signed) > 1e-6:
        problems.append(f"总体情况: 较上季度变化印为{sign}{diff}，{now} − {prev_p} = {now - prev_p:.1f}")
    return problems


def check_year_end(bulletin: Bulletin, overall: dict[str, int]) -> list[str]:
    """Completed + not completed + no data = total, matching the overall counts (Q4 only)."""
    p = next(iter(bulletin.blocks("year_end")), None)
    if p is None or not overall:
        return []
    m = re.search(r"([\d,]+)项指标中已完成全年目标([\d,]+)项，未完成([\d,]+)项，未报送([\d,]+)项", p.text)
    nums = [count(x) for x in m.groups()] if m else None
    if not nums or nums[0] != nums[1] + nums[2] + nums[3] or nums[1] != overall.get("completed") \
            or nums[3] != overall.get("no_data"):
        return [f"年度情况: 各类合计与总数或总体情况不符（{p.text}）"]
    return []
