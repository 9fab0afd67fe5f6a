"""Checks of 二、红灯和黄灯指标 and of the attachment 红灯、黄灯指标清单, cell by cell."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from minsheng.config import settings
from minsheng.report.bulletin.checks.printed import (
    TOL_DIFF,
    TOL_PCT,
    attainment_problems,
    num,
    paragraphs,
    pct,
    printed_attainment,
)
from minsheng.report.dispatch.attachment import COLUMNS as LIST_COLUMNS
from minsheng.report.dispatch.attachment import ROLE as LIST_ROLE
from minsheng.report.dispatch.attachment import TITLE as LIST_TITLE
from minsheng.report.dispatch.checks.common import ENTRY, plain_name, printed_names, split_top
from minsheng.report.dispatch.data import DispatchData
from minsheng.report.dispatch.model import Dispatch
from minsheng.report.dispatch.sections import ATTACHMENT_REF
from minsheng.report.document import Paragraph, Table
from minsheng.report.labels import label
from minsheng.report.text import value_phrase


def entry_problems(item: str, data: DispatchData, exp: pd.DataFrame) -> list[str]:
    """One entry of a 督办提示 (wording.light_entry: name（item）, figure, 完成率, 序时进度, gap,
    light) against the indicator table and the lights."""
    by_name = {f"{r['indicator']}（{r['item_name']}）": r for r in data.lights.to_dict("records")}
    m = ENTRY.match(item)
    r = by_name.get(m.group("name").replace("（力争）", "")) if m else None
    if r is None:
        return [f"无法核对“{item[:30]}”"]
    name, e = m.group("name"), exp.loc[r["indicator_id"]]
    problems = attainment_problems(name, m.group("att"), r)
    figure = value_phrase(r, data.cutoff)
    if m.group("figure") != figure:
        problems.append(f"{name}: 完成值印为{m.group('figure')}，应为{figure}")
    problems += behind_problems(name, m.group("att"), m.group("exp"), m.group("gap"), r)
    return problems + tail_problems(name, m.group("tail"), e)


def behind_problems(name: str, att: str, expected: str, gap: str, r: Mapping[str, Any]) -> list[str]:
    """A printed 序时进度 against the table, and the printed points behind against 序时进度 − 完成率
    as printed."""
    want, got = pct(expected), printed_attainment(att)
    if want is None or abs(want - r["expected"] * 100) > TOL_PCT:
        return [f"{name}: 序时进度印为{expected}，应为{r['expected'] * 100:.2f}%"]
    try:
        behind = float(gap)
    except ValueError:
        return [f"{name}: 落后印为{gap}"]
    if got is not None and abs(behind - (want - got)) > TOL_DIFF:
        return [f"{name}: 落后印为{gap}个百分点，{want} − {got} = {want - got:.1f}"]
    return []


def tail_problems(name: str, tail: str, e: pd.Series) -> list[str]:
    light = label("light", e["light"])
    if e["escalated"]:
        want = (f"数值连续{e['stalled']}个月未向目标推进，由{label('light', e['base'])}升为{light}")
    elif e["months"] == 1:
        want = f"本月新亮{light}"
    else:
        want = f"已连续{e['months']}个月亮{light}"
    return [] if tail == want else [f"{name}: 印为“{tail}”，应为“{want}”"]


def red_problems(doc: Dispatch, exp: pd.DataFrame) -> list[str]:
    """"N项指标亮红灯：A（牵头单位）、…": the count, and each red indicator named once with its
    lead unit."""
    data = doc.data
    want = sorted(exp.index[exp["light"] == "red"])
    found = paragraphs(doc, "red")
    if not want:
        return ["红灯指标: 无红灯指标却印有红灯名单"] if found else []
    if len(found) != 1:
        return [f"红灯指标: 应列出{len(want)}项"]
    m = re.match(r"(\d+)项指标亮红灯：([^。]+)。", found[0].text)
    if not m:
        return [f"红灯指标: 无法核对“{found[0].text[:30]}”"]
    problems = [] if int(m.group(1)) == len(want) else [f"红灯指标: 印为{m.group(1)}项，应为{len(want)}项"]
    codes, units = printed_names(data), data.lights.set_index("indicator_id")["reporting_unit"]
    got = []
    for part in split_top(m.group(2), "、"):
        # "名称（牵头单位）", or "名称（所属实事，牵头单位）" for a name two indicators share
        g = re.fullmatch(r"(?P<name>.+)（(?:(?P<item>[^（），]+)，)?(?P<unit>[^（），]+)）", part)
        name = (f"{g['name']}（{g['item']}）" if g['item'] else g["name"]) if g else part
        iid = codes.get(name)
        if iid is None:
            problems.append(f"红灯指标: 无法核对“{part}”")
            continue
        got.append(iid)
        if g["unit"] != units[iid]:
            problems.append(f"红灯指标: {name}的牵头单位印为{g['unit']}，应为{units[iid]}")
    if sorted(got) != want:
        problems.append(f"红灯指标: 列为{sorted(got)}，应为{want}")
    return problems


def yellow_problems(doc: Dispatch, exp: pd.DataFrame) -> list[str]:
    """"N项指标亮黄灯：单位甲2项（A、B）；…": the count, each lead unit's count and names, and
    how many have been yellow notice_yellow_months or more."""
    t = doc.data.lights.set_index("indicator_id")
    want = sorted(exp.index[exp["light"] == "yellow"])
    found = paragraphs(doc, "yellow")
    if not want:
        return ["黄灯指标: 无黄灯指标却印有黄灯名单"] if found else []
    if len(found) != 1:
        return [f"黄灯指标: 应列出{len(want)}项"]
    p, problems = found[0], []
    m = re.match(r"(\d+)项指标亮黄灯：([^。]+)。", p.text)
    if not m or int(m.group(1)) != len(want):
        problems.append(f"黄灯指标: 印为{m.group(1) if m else '?'}项，应为{len(want)}项")
    got: dict[str, list[str]] = {}
    for part in split_top(m.group(2), "；") if m else []:
        g = re.fullmatch(r"(.+?)(\d+)项（(.+)）", part)
        names = split_top(g.group(3), "、") if g else []
        if not g or int(g.group(2)) != len(names) or g.group(1) in got:
            problems.append(f"黄灯指标: 无法核对“{part}”")
            continue
        got[g.group(1)] = sorted(names)
    expected: dict[str, list[str]] = {}
    for i in want:
        expected.setdefault(t.at[i, "reporting_unit"], []).append(plain_name(t.loc[i]))
    expected = {u: sorted(v) for u, v in expected.items()}
    for unit in sorted(set(got) | set(expected)):
        if got.get(unit) != expected.get(unit):
            problems.append(f"黄灯指标: {unit}印为{got.get(unit, [])}，应为{expected.get(unit, [])}")
    n_months = int(settings()["dispatch"]["notice_yellow_months"])
    long = sum(exp.at[i, "months"] >= n_months for i in want)
    lm = re.search(r"其中已连续(\d+)个月以上亮黄灯的(\d+)项", p.text)
    printed = (int(lm.group(1)), int(lm.group(2))) if lm else None
    if printed != ((n_months, long) if long else None):
        problems.append(f"黄灯指标: 连续{n_months}个月以上的印为{printed}，应为{long}项")
    return problems


def attachment_ref_problems(doc: Dispatch, exp: pd.DataFrame) -> list[str]:
    """二、 ends by pointing to the attachment when it has one, and only then."""
    text = " ".join(b.text for b in doc.section("lights").blocks if isinstance(b, Paragraph))
    lit = bool(exp["light"].isin(["red", "yellow"]).any())
    refs = len(re.findall(r"详见(附件\d*)", text))
    label_ok = lit and len(doc.attachments) >= 1 and f"详见{doc.label(doc.attachments[0])}。" in text
    if lit and (refs != 1 or not text.endswith(ATTACHMENT_REF) or not label_ok):
        return [f"红灯和黄灯指标: 应以“{ATTACHMENT_REF}”结尾并指向附件"]
    if not lit and refs:
        return ["红灯和黄灯指标: 无红灯、黄灯指标却指向附件"]
    return []


def list_table_problems(doc: Dispatch, exp: pd.DataFrame) -> list[str]:
    """附件 红灯、黄灯指标清单: every red then every yellow indicator once, each worst first, every
    cell recomputed — light (略低于序时进度 beside it when the status is), lead unit, 完成率,
    序时进度, points behind, months lit so, why it was raised."""
    data = doc.data
    red = sorted(exp.index[exp["light"] == "red"])
    yellow = sorted(exp.index[exp["light"] == "yellow"])
    tables = [b for b in doc.blocks(LIST_ROLE) if isinstance(b, Table)]
    if not red and not yellow:
        return ["附件: 无红灯、黄灯指标却印有清单"] if tables else []
    if len(tables) != 1 or [a.title for a in doc.attachments] != [LIST_TITLE]:
        return [f"附件: 应有一张{LIST_TITLE}"]
    table, problems = tables[0], []
    if table.columns != LIST_COLUMNS:
        return [f"附件: 列为{table.columns}，应为{LIST_COLUMNS}"]
    t = data.lights.set_index("indicator_id")
    codes = printed_names(data)
    got, lights, behind = [], [], []
    for k, row in enumerate(table.rows, 1):
        cell = dict(zip(LIST_COLUMNS, row, strict=True))
        iid = codes.get(cell["指标"])
        if iid is None or cell["序号"] != str(k):
            problems.append(f"附件: 第{k}行无法核对（序号{cell['序号']}，{cell['指标']}）")
            continue
        r, e, name = t.loc[iid].to_dict(), exp.loc[iid], cell["指标"]
        got.append(iid)
        lights.append(e["light"])
        light = label("light", e["light"]) + (
            f"（{label('status', 'slightly_behind')}）" if str(r["status"]) == "slightly_behind" else "")
        if cell["灯色"] != light:
            problems.append(f"附件: {name}灯色印为{cell['灯色']}，应为{light}")
        if cell["牵头单位"] != r["reporting_unit"]:
            problems.append(f"附件: {name}牵头单位印为{cell['牵头单位']}，应为{r['reporting_unit']}")
        problems += [f"附件: {x}" for x in attainment_problems(name, cell["完成率"], r)]
        problems += [f"附件: {x}" for x in behind_problems(name, cell["完成率"], cell["序时进度"],
                                                  cell["落后百分点"], r)]
        behind.append(num(cell["落后百分点"]))
        if cell["连续亮灯月数"] != str(e["months"]):
            problems.append(f"附件: {name}连续亮灯月数印为{cell['连续亮灯月数']}，应为{e['months']}")
        why = (f"落后序时进度且数值连续{e['stalled']}个月未向目标推进，"
               f"由{label('light', e['base'])}升为{label('light', e['light'])}") if e["escalated"] else ""
        if cell["备注"] != why:
            problems.append(f"附件: {name}备注印为“{cell['备注']}”，应为“{why}”")
    if sorted(got) != sorted(red + yellow) or len(got) != len(set(got)):
        problems.append(f"附件: 列为{sorted(got)}，红灯、黄灯指标为{sorted(red + yellow)}")
    if lights != sorted(lights, key=lambda c: c != "red"):
        problems.append("附件: 红灯指标应列在黄灯指标之前")
    for c in ("red", "yellow"):
        mine = [b for b, lc in zip(behind, lights, strict=True) if lc == c and b is not None]
        if any(a < b - TOL_DIFF for a, b in zip(mine, mine[1:], strict=False)):
            problems.append(f"附件: {label('light', c)}指标应按落后百分点从多到少排列")
    return problems
