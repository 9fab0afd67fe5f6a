"""Checks of 一、总体情况: the counts by light, what each light holds, the raised lights, the definitions."""

from __future__ import annotations

import re

import pandas as pd

from minsheng.report.bulletin.checks.printed import (
    linear_schedule_problems,
    one_paragraph,
    paragraphs,
)
from minsheng.report.bulletin.counts import parse_counts
from minsheng.report.dispatch.checks.common import plain_name, split_top
from minsheng.report.dispatch.model import Dispatch
from minsheng.report.dispatch.sections import composed
from minsheng.report.labels import label, labels
from minsheng.rules.lights import LIGHTS


def counts_text(doc: Dispatch) -> str:
    return " ".join(p.text for p in paragraphs(doc, "light_counts"))


def counts_problems(doc: Dispatch, exp: pd.DataFrame) -> list[str]:
    t, problems = doc.data.lights, []
    p = one_paragraph(doc, "light_counts", problems)
    if p is None:
        return problems
    m = re.search(r"(\d+)件重点民生实事共(\d+)项指标", p.text)
    if not m or int(m.group(1)) != t["item_no"].nunique() or int(m.group(2)) != len(t):
        problems.append(f"总体情况: 印为{m.group(0) if m else '（无）'}，"
                        f"应为{t['item_no'].nunique()}件{len(t)}项")
    # the counts by light are the paragraph's first sentence (what the lights hold follows)
    printed = parse_counts(p.text.split("。", 1)[0].split("项指标", 1)[-1], "light")
    if sum(printed.values()) != len(t):
        problems.append(f"总体情况: 各灯色合计{sum(printed.values())}项，与指标总数{len(t)}项不符")
    vc = exp["light"].value_counts()
    for c in LIGHTS:
        if printed[c] != int(vc.get(c, 0)):
            problems.append(f"总体情况: {label('light', c)}印为{printed[c]}项，应为{int(vc.get(c, 0))}项")
    return problems


def composition_problems(doc: Dispatch) -> list[str]:
    want = composed(doc.data.lights)
    m = re.search(r"按进度状态分，([^。]+)。", counts_text(doc))
    code_of = {v: k for k, v in labels("light").items()}
    got, problems = {}, []
    for name, n, part in re.findall(r"(\w灯)(\d+)项中，([^；。]+)", m.group(1) if m else ""):
        got[code_of.get(name, name)] = {s: k for s, k in parse_counts(part).items() if k}
        if sum(got[code_of.get(name, name)].values()) != int(n):
            problems.append(f"按进度状态分: {name}印为{n}项，各状态合计另有其数")
    if got != want:
        problems.append(f"按进度状态分: 印为{got}，按指标表应为{want}")
    return problems


def escalation_problems(doc: Dispatch, exp: pd.DataFrame) -> list[str]:
    """The lights raised: how many, and by base light the indicators' names."""
    up = exp[exp["escalated"]]
    m = re.search(r"的(\d+)项指标升一级亮灯：([^。]+)。", counts_text(doc))
    if not len(up):
        return ["升级亮灯: 无升级指标却印有升级"] if m else []
    if not m:
        return [f"升级亮灯: 应列出{len(up)}项"]
    t = doc.data.lights.set_index("indicator_id")
    problems = [] if int(m.group(1)) == len(up) else [f"升级亮灯: 印为{m.group(1)}项，应为{len(up)}项"]
    got = {}
    for part in split_top(m.group(2), "；"):
        g = re.fullmatch(r"由(.灯)升为(.灯)(\d+)项（(.+)）", part)
        names = split_top(g.group(4), "、") if g else []
        if not g or int(g.group(3)) != len(names):
            problems.append(f"升级亮灯: 无法核对“{part}”")
            continue
        got[(g.group(1), g.group(2))] = sorted(names)
    want = {}
    for iid, e in up.iterrows():
        want.setdefault((label("light", e["base"]), label("light", e["light"])), []).append(
            plain_name(t.loc[iid]))
    want = {k: sorted(v) for k, v in want.items()}
    if got != want:
        problems.append(f"升级亮灯: 印为{got}，按状态和进展应为{want}")
    return problems


def definitions_problems(doc: Dispatch) -> list[str]:
    data, problems = doc.data, []
    p = one_paragraph(doc, "definitions", problems)
    if p is None:
        return problems
    return linear_schedule_problems(p.text, data.cutoff)
