"""The check of 五、数据质量说明: returns by kind add up to those due, rows read add up to
rows taken, quarantined and duplicate, and quarantined rows per reason recompute."""

from __future__ import annotations

import re

from minsheng.report.bulletin.checks.printed import count
from minsheng.report.bulletin.counts import quarantined_rows
from minsheng.report.bulletin.document import Bulletin
from minsheng.report.format import DASH


def check_quality(bulletin: Bulletin) -> list[str]:
    return _submissions(bulletin) + _processing(bulletin) + _quarantine_reasons(bulletin)


def _submissions(bulletin: Bulletin) -> list[str]:
    p = next(iter(bulletin.blocks("submissions")), None)
    m = re.search(r"应报送月报([\d,]+)份：(.*)", p.text) if p is not None else None
    if not m:
        return []
    due = count(m.group(1))
    parts = [count(x) for x in re.findall(r"([\d,]+)份", m.group(2))]
    if sum(parts) != due:
        return [f"报送情况: 各类合计{sum(parts)}份，应报送{due}份"]
    return []


def _processing(bulletin: Bulletin) -> list[str]:
    q = bulletin.data.quality
    counts = [q.rows_in, q.rows_clean, q.rows_quarantined, q.rows_duplicate]
    if next(iter(bulletin.blocks("processing")), None) is not None and None not in counts \
            and counts[0] != sum(counts[1:]):
        return [f"数据处理: 读入{counts[0]}行 ≠ 采用{counts[1]} + 隔离{counts[2]} + 重复{counts[3]}"]
    return []


def _quarantine_reasons(bulletin: Bulletin) -> list[str]:
    data = bulletin.data
    problems = []
    for tab in bulletin.blocks("quarantine_reasons"):
        per, total = quarantined_rows(data.quarantine)
        for row in tab.rows:
            printed = count(row[2])
            # The total row has no code; a row without a code prints a dash.
            want = total if row[1] == "" else int(per.get("" if row[1] == DASH else row[1], 0))
            if printed != want:
                problems.append(f"隔离数据: {row[0]}印为{printed}行，隔离清单为{want}行")
        if data.quality.rows_quarantined != total:
            problems.append(f"隔离数据: 清洗报告隔离{data.quality.rows_quarantined}行，隔离清单涉及{total}行")
    return problems
