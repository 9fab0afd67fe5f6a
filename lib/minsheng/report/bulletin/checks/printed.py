"""Reading printed figures back: percents, points and counts as the bulletin prints them, the
tolerances of one-decimal figures, and attainment recomputed independently of the rules."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import Any

from minsheng.catalogue.kinds import meets_one
from minsheng.report.bulletin.model import Bulletin
from minsheng.report.document import Paragraph
from minsheng.report.format import DASH, is_missing
from minsheng.rules.schedule import plan_fraction

TOL_PCT = 0.05 + 1e-6     # a printed one-decimal percent vs its exact value
TOL_DIFF = 0.1 + 1e-6     # a difference of two printed one-decimal figures


def pct(text: str) -> float | None:
    """"12.5%" → 12.5; None when `text` is not a percent."""
    m = re.fullmatch(r"(-?[\d.]+)%", text.strip())
    return float(m.group(1)) if m else None


def num(text: str) -> float | None:
    """"+12.5" → 12.5; None when `text` is not a number."""
    try:
        return float(text.replace("+", ""))
    except ValueError:
        return None


def paragraphs(bulletin: Bulletin, role: str) -> list[Paragraph]:
    return [b for b in bulletin.blocks(role) if isinstance(b, Paragraph)]


def one_paragraph(bulletin: Bulletin, role: str, problems: list[str]) -> Paragraph | None:
    """The one paragraph with `role`; None, and a problem noted, when there is not exactly one."""
    found = paragraphs(bulletin, role)
    if len(found) != 1:
        problems.append(f"应有1段{role}，实有{len(found)}段")
        return None
    return found[0]


def linear_schedule_problems(text: str, month: int) -> list[str]:
    """The linear 序时进度 a definitions paragraph prints (截至M月底为X%) against `month`'s."""
    m = re.search(r"截至(\d+)月底为([\d.]+)%", text)
    want = plan_fraction(None, month) * 100
    if m and int(m.group(1)) == month and abs(float(m.group(2)) - want) <= TOL_PCT:
        return []
    return [f"说明: 序时进度印为{m.group(0) if m else '（无）'}，{month}月底应为{want:.1f}%"]


def named_count_problems(text: str, where: str, words: str, names: list[str], basis: str,
                         joiner: str = "") -> list[str]:
    """A change printed as its words, count and names (`升为绿灯2项（甲、乙）`) when it has
    indicators, and not at all when it has none (`basis`: what says there are none)."""
    phrase = f"{words}{joiner}{len(names)}项（{'、'.join(names)}）"
    if names and phrase not in text:
        return [f"{where}: 应印“{phrase}”"]
    if not names and words in text:
        return [f"{where}: 印有“{words}”，{basis}没有此类指标"]
    return []


def recomputed_attainment(r: Mapping[str, Any]) -> float:
    """Attainment from value, target and baseline, recomputed here on purpose (not imported
    from the rules) so that the check does not trust the code it checks."""
    v, tgt, base, kind = r["value"], r["target_value"], r["baseline"], r["kind"]
    if is_missing(v):
        return math.nan
    if kind == "level":
        return (v - base) / (tgt - base) if not is_missing(base) and tgt != base else math.nan
    if kind == "directional":
        if is_missing(base) or base == 0:
            return math.nan
        return 1.0 if meets_one((v - base) / abs(base) * 100, r["comparator"], tgt) else 0.0
    return v / tgt if tgt else math.nan


def attainment_problems(where: str, printed: str, r: Mapping[str, Any]) -> list[str]:
    """A printed 完成率 ("46.0%", "达到", "未达到", "—") against the recomputed one."""
    want = recomputed_attainment(r)
    if printed in ("达到", "未达到"):
        if is_missing(want) or (printed == "达到") != (want >= 1):
            return [f"{where}: 完成情况印为{printed}，按数据应为{want}"]
        return []
    if printed == DASH:
        return [] if is_missing(want) else [f"{where}: 完成率未印出，按数据为{want * 100:.2f}%"]
    got = pct(printed)
    if got is None or is_missing(want) or abs(got - want * 100) > TOL_PCT:
        return [f"{where}: 完成率印为{printed}，按数据为{want * 100:.2f}%"]
    return []


def printed_attainment(printed: str) -> float | None:
    """The attainment a cell printed, in percent (达到 = 100, 未达到 = 0)."""
    if printed in ("达到", "未达到"):
        return 100.0 if printed == "达到" else 0.0
    return pct(printed)
