"""The check of 四、区县情况: ranks run 1..n, each printed mean recomputes from the district
detail, and the order follows the printed means."""

from __future__ import annotations

import math

import pandas as pd

from minsheng.report.bulletin.checks.printed import TOL_PCT, count, pct
from minsheng.report.bulletin.counts import capped_mean
from minsheng.report.bulletin.document import Bulletin, Table
from minsheng.report.format import is_missing as _missing


def check_district_rank(bulletin: Bulletin) -> list[str]:
    problems = []
    for tab in bulletin.blocks("district_rank"):
        problems += _rank_table(tab, bulletin.data.district_detail)
    return problems


def _rank_table(tab: Table, detail: pd.DataFrame) -> list[str]:
    problems = []
    ranks = [count(r[0]) for r in tab.rows]
    if ranks != list(range(1, len(ranks) + 1)):
        problems.append(f"区县排名不是1至{len(ranks)}: {ranks}")
    means = []
    for district, row in zip(tab.keys, tab.rows, strict=True):
        want = capped_mean(detail.loc[detail["district"] == district, "attainment"]) * 100
        got = pct(row[3])
        if got is None:
            if not _missing(want):
                problems.append(f"{district}: 平均完成率未印出，应为{want:.2f}%")
            means.append(-math.inf)   # unranked districts come last
            continue
        if _missing(want) or abs(got - want) > TOL_PCT:
            problems.append(f"{district}: 平均完成率印为{row[3]}，应为{want:.2f}%")
        means.append(got)
    if any(b > a for a, b in zip(means, means[1:], strict=False)):
        problems.append("区县排名与平均完成率的顺序不一致")
    return problems
