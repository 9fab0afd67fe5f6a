"""The check of each 督办提示: its indicators, figures and reply date."""

from __future__ import annotations

import re

from minsheng.config import settings
from minsheng.report.bulletin.checks.printed import (
    paragraphs,
)
from minsheng.report.dispatch.checks.common import listed_texts, recomputed_lights
from minsheng.report.dispatch.checks.lists import entry_problems
from minsheng.report.dispatch.data import DispatchData
from minsheng.report.document import Document


def check_notice(notice: Document, unit: str, data: DispatchData) -> list[str]:
    """A 督办提示 names to `unit` exactly its red indicators and those yellow for
    notice_yellow_months or more, each entry's figures recomputed."""
    exp = recomputed_lights(data)
    t = data.lights.set_index("indicator_id")
    n_months = int(settings()["dispatch"]["notice_yellow_months"])
    mine = exp[t["reporting_unit"].reindex(exp.index) == unit]
    red = mine[mine["light"] == "red"]
    yellow = mine[(mine["light"] == "yellow") & (mine["months"] >= n_months)]
    problems = [] if notice.recipients == f"{unit}：" else [f"{unit}: 主送印为{notice.recipients}"]
    items = listed_texts(notice, "notice_items")
    if len(items) != len(red) + len(yellow):
        problems.append(f"{unit}: 督办{len(items)}项，应为红灯{len(red)}项、黄灯{len(yellow)}项")
    lead = " ".join(p.text for p in paragraphs(notice, "notice_lead"))
    for light, rows in (("红灯", red), ("黄灯", yellow)):
        m = re.search(rf"亮{light}(\d+)项", lead)
        if (int(m.group(1)) if m else 0) != len(rows):
            problems.append(f"{unit}: 亮{light}印为{m.group(1) if m else 0}项，应为{len(rows)}项")
    for item in items:
        problems += entry_problems(item, data, exp)
    return problems
