"""The dispatch's parts: 一、总体情况 (one paragraph of counts — by light, what each light holds,
the lights raised — then what the lights mean), 二、红灯和黄灯指标 (the red ones named with their
lead units, the yellow ones by lead unit; each one's figures in the attachment, attachment.py),
三、较上月变化, 四、数据报送情况 (missing, late, undated returns), 五、工作要求 (the office's
standing text)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pandas as pd

from minsheng.config import settings
from minsheng.report.bulletin.counts import counts_phrase, status_counts
from minsheng.report.dispatch.data import DispatchData
from minsheng.report.dispatch.wording import light_label, month_day
from minsheng.report.document import Paragraph, Section
from minsheng.report.format import fmt_count, fmt_percent
from minsheng.report.labels import label
from minsheng.report.text import indicator_name, lead_unit
from minsheng.rules.lights import CHANGES, LIGHTS, RAISABLE
from minsheng.rules.schedule import plan_fraction

SUBMISSIONS = ("on_time", "late", "undated", "missing")


def light_counts(lights: pd.Series) -> dict[str, int]:
    """Indicators per light code, in LIGHTS order, every light present (0 when none)."""
    vc = lights.astype(str).value_counts()
    return {c: int(vc.get(c, 0)) for c in LIGHTS}


def reply_by(issued_on: date) -> date:
    """The day a 督办提示 of `issued_on` asks to be answered by (settings dispatch.reply_days)."""
    return issued_on + timedelta(days=int(settings()["dispatch"]["reply_days"]))


def lead_section(data: DispatchData) -> Section:
    text = settings()["dispatch"]["lead"].format(period=f"{data.year}年{data.month}月")
    return Section("lead", "", (Paragraph("".join(text.split()), role="lead"),), level=0)


# ───────────────────────────────────────────── 一、总体情况

def summary_section(data: DispatchData) -> Section:
    """One paragraph of counts (by light; what the lights hold; the lights raised), then 说明."""
    t = data.lights
    counts = (f"截至{data.cutoff}月底，{t['item_no'].nunique()}件重点民生实事共{fmt_count(len(t))}项指标，"
              f"{counts_phrase(light_counts(t['light']), 'light')}。")
    text = counts + "".join(s for s in (_composition(t), _escalation(t)) if s)
    return Section("overview", "一、总体情况", (Paragraph(text, role="light_counts"),
                                               _definitions(data)))


def composed(t: pd.DataFrame) -> dict[str, dict[str, int]]:
    """The statuses each coloured light holds, for the lights that hold more than one or hold
    略低于序时进度 (which must never read as on schedule): light → status → count."""
    out = {}
    for c in RAISABLE:
        present = {s: n for s, n in status_counts(t.loc[t["light"] == c, "status"]).items() if n}
        if len(present) > 1 or "slightly_behind" in present:
            out[c] = present
    return out


def _composition(t: pd.DataFrame) -> str:
    parts = [f"{light_label(c)}{fmt_count(sum(p.values()))}项中，{counts_phrase(p)}"
             for c, p in composed(t).items()]
    return "按进度状态分，" + "；".join(parts) + "。" if parts else ""


def _escalation(t: pd.DataFrame) -> str:
    up = t[t["escalated"]]
    if not len(up):
        return ""
    n_months = settings()["dispatch"]["no_progress_months"]
    parts = []
    for base in reversed(RAISABLE[:-1]):          # yellow → red first
        rows = up[up["base_light"] == base]
        if len(rows):
            parts.append(f"由{light_label(base)}升为{light_label(rows['light'].iloc[0])}"
                         f"{fmt_count(len(rows))}项（{indicator_names(rows)}）")
    return (f"落后序时进度且数值连续{n_months}个月以上未向目标推进的{fmt_count(len(up))}项指标"
            f"升一级亮灯：{'；'.join(parts)}。")


def _records(rows: pd.DataFrame) -> list[dict]:
    return rows.to_dict("records")


def indicator_names(rows: pd.DataFrame) -> str:
    """The indicators' names as the text lists them: A、B、C."""
    return "、".join(map(indicator_name, _records(rows)))


_STATUS_WORDS = {
    "on_schedule": "达到序时进度",
    "slightly_behind": "落后不足{lag}个百分点（略低于序时进度，不计为达到序时进度）",
    "lagging": "落后{lag}至{severe}个百分点",
    "severely_lagging": "落后{severe}个百分点以上",
}


def _definitions(data: DispatchData) -> Paragraph:
    """What each light means (from the settings: the behind band's light, the thresholds, the
    months of no progress that raise a light) and the 序时进度 at the cut-off."""
    th, conf = settings()["status"], settings()["dispatch"]
    statuses = {"green": ["on_schedule"], "yellow": ["lagging"], "red": ["severely_lagging"]}
    statuses[conf["behind_light"]].append("slightly_behind")
    words = {c: "或".join(_STATUS_WORDS[s].format(lag=th["lagging_from"], severe=th["severe_beyond"])
                           for s in ss) for c, ss in statuses.items()}
    n = conf["no_progress_months"]
    return Paragraph(
        "说明：" + "，".join(f"{light_label(c)}指{words[c]}" for c in RAISABLE) +
        f"；落后序时进度且数值连续{n}个月未向目标推进的，灯色升一级；未报送数值的不亮灯。"
        f"序时进度截至{data.cutoff}月底为{fmt_percent(plan_fraction(None, data.cutoff))}，"
        "按年度计划推进的按计划计算，全年持续达到的要求按100%计。", role="definitions")


# ───────────────────────────────────────────── 二、红灯和黄灯指标

# Closes 二、: each red and yellow indicator's figures are in the attachment (attachment.py).
ATTACHMENT_REF = "逐项情况详见附件。"


def lit(lights: pd.DataFrame, light: str) -> pd.DataFrame:
    """The indicators lit `light`, worst first (gap, then code): the order 二、 and the
    attachment list them in."""
    return lights[lights["light"] == light].sort_values(["gap_points", "indicator_id"])


def lights_section(data: DispatchData) -> Section:
    """The red indicators named with their lead units, the yellow ones by lead unit, and a
    pointer to the attachment that gives each one's figures."""
    red, yellow = lit(data.lights, "red"), data.lights[data.lights["light"] == "yellow"]
    blocks: list[Paragraph] = []
    if len(red):
        blocks.append(Paragraph(f"{fmt_count(len(red))}项指标亮红灯：{red_names(data.lights, red)}。",
                                role="red", key=",".join(red["indicator_id"])))
    if len(yellow):
        blocks.append(_yellow(yellow))
    if not blocks:
        return Section("lights", "二、红灯和黄灯指标",
                       (Paragraph("本月无亮红灯、黄灯的指标。", role="lights_none"),))
    blocks[-1] = dataclasses.replace(blocks[-1], text=blocks[-1].text + ATTACHMENT_REF)
    return Section("lights", "二、红灯和黄灯指标", tuple(blocks))


def shared_names(lights: pd.DataFrame) -> set[str]:
    """The indicator names two or more indicators share (their item tells them apart)."""
    return set(lights.loc[lights["indicator"].duplicated(keep=False), "indicator"])


def named(r: dict, shared: set[str]) -> str:
    """The indicator as the attachment names it: "覆盖率", or "覆盖率（居住品质）" when another
    indicator has the same name."""
    return f"{indicator_name(r)}（{r['item_name']}）" if r["indicator"] in shared else indicator_name(r)


def red_names(lights: pd.DataFrame, rows: pd.DataFrame) -> str:
    """"A（市教委）、B（市民政局）": each indicator with its lead unit, its item before the unit
    where two indicators share its name ("覆盖率（居住品质，单位甲）")."""
    shared = shared_names(lights)
    return "、".join(f"{indicator_name(r)}（{r['item_name'] + '，' if r['indicator'] in shared else ''}"
                    f"{lead_unit(r)}）" for r in _records(rows))


def by_lead_unit(rows: pd.DataFrame) -> str:
    """"市教委2项（A、B）；市民政局1项（C）": indicators grouped by lead unit, in table order."""
    return "；".join(f"{unit}{fmt_count(len(g))}项（{indicator_names(g)}）"
                    for unit, g in rows.groupby("reporting_unit", sort=False))


def _yellow(yellow: pd.DataFrame) -> Paragraph:
    text = f"{fmt_count(len(yellow))}项指标亮黄灯：{by_lead_unit(yellow)}。"
    n = int(settings()["dispatch"]["notice_yellow_months"])
    long = yellow[yellow["months_in_light"] >= n]
    if len(long):
        text += f"其中已连续{n}个月以上亮黄灯的{fmt_count(len(long))}项，与红灯指标一并督办。"
    return Paragraph(text, role="yellow", key=",".join(yellow["indicator_id"]))


# ───────────────────────────────────────────── 三、较上月变化

def changes_section(data: DispatchData) -> Section:
    return Section("changes", "三、较上月变化", (_changes(data),))


def _changes(data: DispatchData) -> Paragraph:
    before = data.previous_month()
    if before is None:
        return Paragraph("本月为本年度首次调度，不作比较。", role="changes")
    t = data.lights
    parts = [f"{label('light_change', c)}{fmt_count(len(rows))}项（{indicator_names(rows)}）"
             for c in CHANGES if len(rows := t[t["change"] == c])]
    if not parts:
        return Paragraph(f"与{before}月底相比，各项指标灯色均未变化。", role="changes")
    return Paragraph(f"与{before}月底相比，" + "；".join(parts) + "。", role="changes")


# ───────────────────────────────────────────── 四、数据报送情况

def returns_section(data: DispatchData) -> Section:
    return Section("returns", "四、数据报送情况", (_returns(data),))


def _returns(data: DispatchData) -> Paragraph:
    r, year = data.returns, data.year
    due = month_day(r["due"].iloc[0], year)
    head = f"{data.month}月数据应于{due}前报送，{fmt_count(len(r))}个填报单位"
    if (r["submission"] == "on_time").all():
        return Paragraph(f"{head}均{label('submission', 'on_time')}报送。", role="returns")
    parts = []
    for s in SUBMISSIONS:
        rows = r[r["submission"] == s]
        if not len(rows):
            continue
        word = label("submission", s) + ("报送" if s in ("on_time", "late") else "")
        if s == "on_time":
            parts.append(f"{word}{fmt_count(len(rows))}个")
            continue
        units = [f"{u['reporting_unit']}（{month_day(u['first_submitted_on'], year)}报送，"
                 f"逾期{int(u['days_late'])}天）" if s == "late" else u["reporting_unit"]
                 for u in _records(rows)]
        parts.append(f"{word}{fmt_count(len(rows))}个：{'、'.join(units)}")
    return Paragraph(f"{head}中，" + "；".join(parts) + "。", role="returns")


# ───────────────────────────────────────────── 五、工作要求

def requirements_section(data: DispatchData, issued_on: date) -> Section:
    text = settings()["dispatch"]["requirements"].format(
        reply_by=month_day(reply_by(issued_on), issued_on.year),
        due_day=data.quality.submissions.due_day or settings()["cleaning"]["due_day"])
    return Section("requirements", "五、工作要求",
                   (Paragraph("".join(text.split()), role="requirements"),))
