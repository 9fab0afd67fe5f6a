"""The check of 三、进度滞后指标: each list of lagging indicators is as long as its printed count."""

from __future__ import annotations

from minsheng.report.bulletin.counts import status_label
from minsheng.report.bulletin.document import Bulletin


def check_lagging_lists(bulletin: Bulletin, overall: dict[str, int]) -> list[str]:
    if not overall:
        return []
    problems = []
    for role in ("severely_lagging", "lagging"):
        listed = sum(len(b.items) for b in bulletin.blocks(role))
        if listed != overall.get(role):
            problems.append(f"滞后指标: 列出{status_label(role)}{listed}项，总体情况印为{overall.get(role)}项")
    return problems
