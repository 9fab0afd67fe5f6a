"""Lights in words and colours: the light as tables print it (略低于序时进度 kept beside its
colour), how it changed, why it was raised, one indicator's entry in a 督办提示, and the lights'
palette (settings.yaml `palette.light`), dates as the text writes them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import cache
from typing import Any

from minsheng.config import settings
from minsheng.report.format import fmt_date, fmt_percent
from minsheng.report.labels import label, labels
from minsheng.report.text import attainment_text, indicator_name, value_phrase
from minsheng.rules.lights import LIGHTS


def light_label(code: Any) -> str:
    """绿灯, 黄灯, 红灯, 已完成, 未报送 (settings.yaml labels.light)."""
    return label("light", code)


def light_text(r: Mapping[str, Any]) -> str:
    """The light as a table prints it: its colour and, for an indicator behind schedule by less
    than the lagging threshold, 略低于序时进度 beside it, so that a green light behind schedule
    never reads as on schedule ("绿灯（略低于序时进度）")."""
    text = light_label(r["light"])
    if str(r["status"]) == "slightly_behind":
        text += f"（{label('status', 'slightly_behind')}）"
    return text


def change_text(r: Mapping[str, Any]) -> str:
    """How the light moved since the month before, with last month's light ("新亮红灯（上月黄灯）");
    "" when it did not."""
    if not r["change"]:
        return ""
    return f"{label('light_change', r['change'])}（上月{light_label(r['previous_light'])}）"


def escalation_text(r: Mapping[str, Any]) -> str:
    """Why a light was raised ("落后序时进度且数值连续3个月未向目标推进，由黄灯升为红灯"); "" if it was not."""
    return f"落后序时进度且{_raised(r)}" if bool(r["escalated"]) else ""


def _raised(r: Mapping[str, Any]) -> str:
    return (f"数值连续{int(r['stalled_months'])}个月未向目标推进，"
            f"由{light_label(r['base_light'])}升为{light_label(r['light'])}")


def light_tail(r: Mapping[str, Any]) -> str:
    """What an entry says of its light: raised and why, new this month, or for how long."""
    if bool(r["escalated"]):
        return _raised(r)
    if int(r["months_in_light"]) == 1:
        return f"本月新亮{light_label(r['light'])}"
    return f"已连续{int(r['months_in_light'])}个月亮{light_label(r['light'])}"


def light_entry(r: Mapping[str, Any], month: int) -> str:
    """One indicator with a red or yellow light as a unit's own 督办提示 lists it (and the checks
    read back), with its figure and item: "覆盖率（居住品质）：当前46%（上年末40%），完成率40.0%，
    序时进度75.0%，落后35.0个百分点，已连续3个月亮红灯。"."""
    return (f"{indicator_name(r)}（{r['item_name']}）：{value_phrase(r, month)}，"
            f"完成率{attainment_text(r)}，序时进度{fmt_percent(r['expected'])}，"
            f"落后{abs(float(r['gap_points'])):.1f}个百分点，{light_tail(r)}。")


@cache
def light_palette() -> dict[str, dict[str, str]]:
    """Light code → {"color", "hatch", "label"} (settings.yaml palette.light), in LIGHTS order."""
    pal, names = settings()["palette"]["light"], labels("light")
    return {c: {"color": pal[c]["color"], "hatch": pal[c].get("hatch", ""), "label": names[c]}
            for c in LIGHTS}


def month_day(d: date, year: int) -> str:
    """A date within the dispatch's year as offices write it ("10月8日"); the full date
    ("2027年1月5日") when it falls in another year."""
    return f"{d.month}月{d.day}日" if d.year == year else fmt_date(d)
