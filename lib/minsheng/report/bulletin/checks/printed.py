"""Reading printed figures back: numbers and percents as the bulletin prints them, the
tolerances of one-decimal figures, and printed status counts against the indicator table."""

from __future__ import annotations

import re
from collections.abc import Mapping

from minsheng.report.bulletin.counts import status_label
from minsheng.report.bulletin.document import Bulletin, Paragraph
from minsheng.rules.status import STATUSES

TOL_PCT = 0.05 + 1e-6     # a printed one-decimal percent vs its exact value
TOL_DIFF = 0.1 + 1e-6     # a difference of two printed one-decimal figures


def pct(text: str) -> float | None:
    """"12.5%" → 12.5; None when `text` is not a percent."""
    m = re.fullmatch(r"(-?[\d.]+)%", text.strip())
    return float(m.group(1)) if m else None


def num(text: str) -> float | None:
    """"+1,234.5" → 1234.5; None when `text` is not a number."""
    try:
        return float(text.replace(",", "").replace("+", ""))
    except ValueError:
        return None


def count(text: str) -> int:
    """A printed whole count, "1,234" → 1234."""
    return int(text.replace(",", ""))


def only_paragraph(bulletin: Bulletin, role: str, problems: list[str]) -> Paragraph | None:
    """The one block with `role`; None, and a problem noted, when there is not exactly one."""
    found = list(bulletin.blocks(role))
    if len(found) != 1:
        problems.append(f"应有1段{role}，实有{len(found)}段")
        return None
    return found[0]


def status_count_problems(where: str, printed_n: int | None, counts: Mapping[str, int],
                          actual: Mapping[str, int]) -> list[str]:
    """Printed counts per status: all printed, summing to `printed_n`, equal to `actual`."""
    problems = []
    if set(counts) != set(STATUSES):
        problems.append(f"{where}: 未打印全部状态（{'、'.join(status_label(s) for s in STATUSES if s not in counts)}）")
        return problems
    if printed_n is not None and sum(counts.values()) != printed_n:
        problems.append(f"{where}: 各状态合计{sum(counts.values())}项，与指标总数{printed_n}项不符")
    for s in STATUSES:
        if counts[s] != actual.get(s, 0):
            problems.append(f"{where}: {status_label(s)}印为{counts[s]}项，按指标表应为{actual.get(s, 0)}项")
    return problems
