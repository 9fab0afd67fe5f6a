"""Checks of the attachments: 附件1 and 附件2 together hold every reported indicator once,
each by its status; every printed 完成率, 序时进度 and gap recomputes; 附件3 lists every
indicator and task, each task with its judgement."""

from __future__ import annotations

from minsheng.report.bulletin.checks.printed import (
    TOL_DIFF,
    TOL_PCT,
    attainment_problems,
    num,
    pct,
    printed_attainment,
)
from minsheng.report.bulletin.counts import status_label
from minsheng.report.bulletin.model import Bulletin
from minsheng.report.document import Table
from minsheng.report.labels import label
from minsheng.rules.status import BEHIND_SCHEDULE, MEETING_SCHEDULE

LISTS = {"attachment_behind": BEHIND_SCHEDULE, "attachment_meeting": MEETING_SCHEDULE}


def check_attachments(bulletin: Bulletin) -> list[str]:
    t = bulletin.data.table
    by_id = t.set_index("indicator_id")
    problems: list[str] = []
    for role, statuses in LISTS.items():
        want = sorted(t.loc[t["status"].astype(str).isin(statuses), "indicator_id"])
        tables = [b for b in bulletin.blocks(role) if isinstance(b, Table)]
        got = sorted(k for tab in tables for k in tab.keys)
        if got != want:
            problems.append(f"{role}: 列出{len(got)}项，按指标表应为{len(want)}项")
        for tab in tables:
            for key, row in zip(tab.keys, tab.rows, strict=True):
                problems += _row(tab, key, row, by_id.loc[key])
    for tab in bulletin.blocks("attachment_progress"):
        if isinstance(tab, Table):
            tasks = bulletin.data.tasks.set_index("task_id")
            if sorted(tab.keys) != sorted([*t["indicator_id"], *tasks.index]):
                problems.append(f"进展情况表: 列出{len(tab.keys)}项，指标表有{len(t)}项指标、"
                                f"{len(tasks)}项工作任务")
            ia, ir = tab.columns.index("完成率"), tab.columns.index("备注")
            for key, row in zip(tab.keys, tab.rows, strict=True):
                if key in tasks.index:
                    word = label("task", tasks.loc[key, "status"])
                    if not row[ir].startswith(word):
                        problems.append(f"进展情况表 {key}: 备注印为{row[ir]}，应为{word}")
                elif key in by_id.index:
                    problems += attainment_problems(f"进展情况表 {key}", row[ia], by_id.loc[key])
    return problems


def _row(tab: Table, key: str, row: tuple[str, ...], r) -> list[str]:
    ia, ie, ig = (tab.columns.index(c) for c in ("完成率", "序时进度", "差距（百分点）"))
    problems = attainment_problems(key, row[ia], r)
    e = pct(row[ie])
    if e is None or abs(e - r["expected"] * 100) > TOL_PCT:
        problems.append(f"{key}: 序时进度印为{row[ie]}，应为{r['expected'] * 100:.2f}%")
    a, gap = printed_attainment(row[ia]), num(row[ig])
    if None not in (a, e, gap) and abs(gap - (a - e)) > TOL_DIFF:
        problems.append(f"{key}: 差距印为{row[ig]}，{a} − {e} = {a - e:.1f}")
    if tab.status_column is not None and row[tab.status_column] != status_label(r["status"]):
        problems.append(f"{key}: 状态印为{row[tab.status_column]}，应为{status_label(r['status'])}")
    return problems
