"""Checks of the named lists in 二、主要进展 and 三、存在问题: each counts as many indicators as
it names, names exactly those of its status, and each lagging entry's figures recompute."""

from __future__ import annotations

import re

from minsheng.report.bulletin.checks.printed import TOL_DIFF, TOL_PCT, attainment_problems, pct
from minsheng.report.bulletin.counts import status_label
from minsheng.report.bulletin.model import Bulletin
from minsheng.report.bulletin.sections.problems import at_risk
from minsheng.report.document import Items, Paragraph
from minsheng.rules.status import MEETING_SCHEDULE

# Paragraph roles whose `key` lists the indicator ids they name, and the statuses those are.
NAMED = {"completed": {"completed"}, "on_schedule": {"on_schedule"},
         "slightly_behind": {"slightly_behind"}, "no_data": {"no_data"}}


def check_named(bulletin: Bulletin) -> list[str]:
    t = bulletin.data.table
    problems: list[str] = []
    for role, statuses in NAMED.items():
        want = t.loc[t["status"].astype(str).isin(statuses), "indicator_id"].tolist()
        for p in bulletin.blocks(role):
            if not isinstance(p, Paragraph):
                continue
            got = p.key.split(",") if p.key else []
            m = re.search(r"(\d+)项指标", p.text)
            if sorted(got) != sorted(want) or not m or int(m.group(1)) != len(want):
                problems.append(f"{role}: 列出{len(got)}项（印为{m.group(1) if m else '?'}项），"
                                f"按指标表应为{len(want)}项")
    return problems


def check_idle_tasks(bulletin: Bulletin) -> list[str]:
    """The tasks named as not begun or not reported are exactly those so judged."""
    tasks = bulletin.data.tasks
    want = sorted(tasks.loc[tasks["status"] != "started", "task_id"])
    paragraphs = [p for p in bulletin.blocks("tasks_idle") if isinstance(p, Paragraph)]
    got = sorted(paragraphs[0].key.split(",")) if paragraphs else []
    m = re.search(r"(\d+)项工作任务", paragraphs[0].text) if paragraphs else None
    if got != want or (want and (not m or int(m.group(1)) != len(want))):
        return [f"存在问题: 未开展或未报送的工作任务列出{got}，应为{want}"]
    return []


def check_meeting(bulletin: Bulletin) -> list[str]:
    """Items and lead units named as all at schedule are exactly those."""
    t = bulletin.data.table
    reported = t[t["status"] != "no_data"]
    problems: list[str] = []
    for role, by in (("items_meeting", "item_no"), ("units_meeting", "reporting_unit")):
        good = reported.groupby(by)["status"].agg(lambda s: s.isin(MEETING_SCHEDULE).all())
        want = sorted(str(k) for k, ok in good.items() if ok)
        got = [p.key.split(",") for p in bulletin.blocks(role)]
        if sorted(got[0] if got else []) != want:
            problems.append(f"主要进展: {role}列出{got}，应为{want}")
    return problems


def check_at_risk(bulletin: Bulletin) -> list[str]:
    """The risk count equals the indicators at risk, and its parts by status add up."""
    t = bulletin.data.table
    risk = at_risk(t)
    problems: list[str] = []
    for p in bulletin.blocks("at_risk"):
        m = re.search(r"(\d+)项指标年底难以完成", p.text)
        parts = sum(int(n) for n in re.findall(r"(?:严重滞后|滞后|略低于序时进度)(\d+)项", p.text))
        if not m or int(m.group(1)) != len(risk) or parts != len(risk) or \
                sorted(p.key.split(",")) != sorted(risk["indicator_id"]):
            problems.append(f"存在问题: 年底难以完成应为{len(risk)}项（{p.text[:40]}…）")
    if len(risk) and not list(bulletin.blocks("at_risk")):
        problems.append(f"存在问题: 未列出年底难以完成的{len(risk)}项指标")
    return problems


def check_lagging(bulletin: Bulletin) -> list[str]:
    """Severely lagging and lagging lists: count, membership and every entry's figures."""
    t = bulletin.data.table
    by_name = {f"{r['indicator']}（{r['item_name']}）": r for r in t.to_dict("records")}
    problems: list[str] = []
    for status in ("severely_lagging", "lagging"):
        want = int((t["status"] == status).sum())
        lists = [b for b in bulletin.blocks(status) if isinstance(b, Items)]
        listed = sum(len(b.items) for b in lists)
        counts = [int(m.group(1)) for b in bulletin.blocks(f"{status}_count")
                  if (m := re.match(r"(\d+)项", b.text))]
        if listed != want or (want and counts != [want]):
            problems.append(f"存在问题: {status_label(status)}列出{listed}项（印为{counts}），应为{want}项")
        for b in lists:
            for item in b.items:
                problems += _entry(item, by_name, status)
    return problems


def _entry(item: str, by_name: dict, status: str) -> list[str]:
    m = re.match(r"(.+?（[^（）]+）)：完成率([^，]+)，序时进度([\d.]+%)，落后([\d.]+)个百分点", item)
    name = m.group(1).replace("（力争）", "") if m else None
    r = by_name.get(name) if m else None
    if r is None:
        return [f"存在问题: 无法核对“{item[:30]}”"]
    problems = attainment_problems(name, m.group(2), r)
    if str(r["status"]) != status:
        problems.append(f"{name}: 列为{status_label(status)}，按指标表为{status_label(r['status'])}")
    expected = pct(m.group(3))
    if expected is None or abs(expected - r["expected"] * 100) > TOL_PCT:
        problems.append(f"{name}: 序时进度印为{m.group(3)}，应为{r['expected'] * 100:.2f}%")
    got = pct(m.group(2)) if m.group(2).endswith("%") else (100.0 if m.group(2) == "达到" else 0.0)
    if expected is not None and got is not None and \
            abs(float(m.group(4)) - (expected - got)) > TOL_DIFF:
        problems.append(f"{name}: 落后印为{m.group(4)}个百分点，{expected} − {got} = {expected - got:.1f}")
    return problems
