"""The check of 二、各项目进展情况: each item's counts and mean, the items summing to the
overall counts, and the split of items in 一、总体情况."""

from __future__ import annotations

import re

import pandas as pd

from minsheng.report.bulletin.checks.printed import (
    TOL_PCT,
    count,
    only_paragraph,
    status_count_problems,
)
from minsheng.report.bulletin.counts import capped_mean, parse_counts, status_counts, status_label
from minsheng.report.bulletin.document import Bulletin, Paragraph
from minsheng.rules.status import STATUSES


def check_item_counts(bulletin: Bulletin, overall: dict[str, int]) -> list[str]:
    t = bulletin.data.table
    problems: list[str] = []
    item_sum = dict.fromkeys(STATUSES, 0)
    item_n = 0
    item_paras = list(bulletin.blocks("item_counts"))
    if len(item_paras) != t["item_no"].nunique():
        problems.append(f"各项目: 印出{len(item_paras)}件，指标表有{t['item_no'].nunique()}件")
    for ip in item_paras:
        n, counts, found = _one_item(ip, t)
        problems += found
        for s in STATUSES:
            item_sum[s] += counts.get(s, 0)
        item_n += n or 0
    if overall:
        problems += _sums(item_n, item_sum, len(t), overall)
    return problems


def _one_item(ip: Paragraph, t: pd.DataFrame) -> tuple[int | None, dict[str, int], list[str]]:
    """One item's printed total and counts per status, and the problems with them."""
    problems = []
    sub = t[t["item_no"].astype(str) == ip.key]
    m = re.search(r"共([\d,]+)项指标", ip.text)
    n = count(m.group(1)) if m else None
    if n != len(sub):
        problems.append(f"项目{ip.key}: 指标数印为{n}项，指标表有{len(sub)}项")
    counts = parse_counts(ip.text)
    problems += status_count_problems(f"项目{ip.key}", n, counts, status_counts(sub["status"]))
    m = re.search(r"平均完成率([\d.]+)%", ip.text)
    if m:
        mean = capped_mean(sub["attainment"]) * 100
        if abs(float(m.group(1)) - mean) > TOL_PCT:
            problems.append(f"项目{ip.key}: 平均完成率印为{m.group(1)}%，应为{mean:.2f}%")
    return n, counts, problems


def _sums(item_n: int, item_sum: dict[str, int], n_total: int,
          overall: dict[str, int]) -> list[str]:
    """The items' printed counts add up to the overall ones."""
    problems = []
    if item_n != n_total:
        problems.append(f"各项目指标数合计{item_n}项，与总数{n_total}项不符")
    for s in STATUSES:
        if item_sum[s] != overall.get(s):
            problems.append(f"各项目{status_label(s)}合计{item_sum[s]}项，与总体{overall.get(s)}项不符")
    return problems


def check_item_split(bulletin: Bulletin) -> list[str]:
    """The items printed as clear, behind and silent add up to all items."""
    problems: list[str] = []
    p = only_paragraph(bulletin, "item_split", problems)
    if p is not None:
        nums = [int(x) for x in re.findall(r"(\d+)件", p.text)]
        n_items = bulletin.data.table["item_no"].nunique()
        if sum(nums) != n_items:
            problems.append(f"分项目: 各类项目合计{sum(nums)}件，应为{n_items}件")
    return problems
