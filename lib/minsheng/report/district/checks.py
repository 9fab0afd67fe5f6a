"""The district bulletin's arithmetic check: every printed figure read back and recomputed.

Independently of the roll-ups: each of the district's figures is taken again from its own
ledger rows (the latest figure and the latest allotted task up to the cut-off), its 完成率 is
value ÷ task, its status is judged again from the thresholds; the rank is recomputed from
every district's value ÷ task on the indicators all of them have, and must also equal the
city bulletin's (rollup.by_district). Counts must add up, lists must name exactly their
indicators, the tables must hold exactly theirs. `verify_district` raises the bulletin's
ArithmeticCheckError listing every problem.
"""

from __future__ import annotations

import math
import re

import pandas as pd

from minsheng.catalogue import districts as district_list
from minsheng.catalogue.kinds import ADDITIVE_KINDS, meets_one
from minsheng.report.bulletin.checks import ArithmeticCheckError
from minsheng.report.bulletin.checks.districts import status_of_gap
from minsheng.report.bulletin.checks.printed import (
    TOL_DIFF,
    TOL_PCT,
    attainment_problems,
    num,
    one_paragraph,
    pct,
)
from minsheng.report.bulletin.counts import parse_counts, status_label
from minsheng.report.district.model import DistrictBulletin
from minsheng.report.document import Items, Paragraph, Table
from minsheng.report.text import indicator_name
from minsheng.rules.status import MEETING_SCHEDULE, STATUSES


def figures(doc: DistrictBulletin) -> dict[str, dict]:
    """The district's indicators recomputed from its ledger rows: value, data_month, task,
    attainment, expected, gap and status per indicator id, in catalogue order."""
    data = doc.data
    ind = data.catalogue.indicators
    led = data.ledger[data.ledger["indicator_id"].map(ind["kind"]).isin(ADDITIVE_KINDS)]
    expected = data.table.set_index("indicator_id")["expected"]
    out: dict[str, dict] = {}
    for iid in [i for i in ind.index if i in set(led["indicator_id"])]:
        mine = led[led["indicator_id"] == iid].sort_values("month")
        valued, tasked = mine[mine["value"].notna()], mine[mine["district_target"].notna()]
        value = float(valued["value"].iloc[-1]) if len(valued) else math.nan
        task = float(tasked["district_target"].iloc[-1]) if len(tasked) else math.nan
        att = value / task if task > 0 else math.nan
        exp = float(expected[iid])
        gap = round((att - exp) * 100, 9)
        done = task > 0 and meets_one(value, ind.loc[iid, "comparator"], task)
        status = ("no_data" if math.isnan(att) else "completed" if done else status_of_gap(gap))
        out[iid] = {"value": value, "task": task, "attainment": att, "expected": exp, "gap": gap,
                    "status": status, "kind": ind.loc[iid, "kind"], "unit": ind.loc[iid, "unit"],
                    "name": indicator_name(ind.loc[iid]), "item_name": ind.loc[iid, "item_name"],
                    "data_month": int(valued["month"].iloc[-1]) if len(valued) else None,
                    "months_valued": set(valued["month"].astype(int))}
    return out


def check_district(doc: DistrictBulletin) -> list[str]:
    """Every problem with the printed figures (empty list = all add up)."""
    figs = figures(doc)
    return [*_counts(doc, figs), *_share(doc, figs), *_named(doc, figs), *_rank(doc),
            *_lagging(doc, figs), *_returns(doc, figs), *_table(doc, figs), *_city(doc, figs)]


def verify_district(doc: DistrictBulletin) -> DistrictBulletin:
    problems = check_district(doc)
    if problems:
        raise ArithmeticCheckError(problems)
    return doc


def _of(figs: dict[str, dict], statuses) -> list[str]:
    return [i for i, f in figs.items() if f["status"] in statuses]


def _counts(doc: DistrictBulletin, figs: dict[str, dict]) -> list[str]:
    problems: list[str] = []
    p = one_paragraph(doc, "district_counts", problems)
    if p is None:
        return problems
    m = re.search(r"指标共(\d+)项", p.text)
    if not figs:
        return [] if m is None and "均无报送记录" in p.text else [f"总体情况: 应为无报送记录（{p.text}）"]
    if m is None or int(m.group(1)) != len(figs):
        return [f"总体情况: 指标总数印为{m.group(1) if m else '（无）'}项，本区县有{len(figs)}项"]
    counts = parse_counts(p.text.split("件实事", 1)[-1])
    if sum(counts.values()) != len(figs):
        problems.append(f"总体情况: 各状态合计{sum(counts.values())}项，与指标总数{len(figs)}项不符")
    for s in STATUSES:
        want = len(_of(figs, {s}))
        if counts[s] != want:
            problems.append(f"总体情况: {status_label(s)}印为{counts[s]}项，应为{want}项")
    return problems


def _share(doc: DistrictBulletin, figs: dict[str, dict]) -> list[str]:
    paragraphs = [b for b in doc.blocks("district_share") if isinstance(b, Paragraph)]
    reported = [f for f in figs.values() if f["status"] != "no_data"]
    if not paragraphs:
        return ["总体情况: 缺少完成率段落"] if figs else []
    text = paragraphs[0].text
    m = re.search(r"和年度任务的(\d+)项指标中.*?的(\d+)项，占([\d.]+)%；平均完成率([\d.]+)%", text)
    if not reported:
        return [] if m is None else [f"总体情况: 无可计算完成率的指标却印有完成率（{text}）"]
    if m is None:
        return [f"总体情况: 完成率段落无法读出（{text}）"]
    n_rep, n_meet, share, mean = int(m.group(1)), int(m.group(2)), float(m.group(3)), float(m.group(4))
    want_meet = sum(f["status"] in MEETING_SCHEDULE for f in reported)
    want_mean = sum(min(f["attainment"], 1.0) for f in reported) / len(reported) * 100
    problems = []
    if n_rep != len(reported):
        problems.append(f"总体情况: 已报送印为{n_rep}项，应为{len(reported)}项")
    if n_meet != want_meet:
        problems.append(f"总体情况: 达到序时进度印为{n_meet}项，应只含已完成和达到序时进度的{want_meet}项")
    if n_rep and abs(share - n_meet / n_rep * 100) > TOL_PCT:
        problems.append(f"总体情况: 占比印为{share}%，{n_meet}/{n_rep} = {n_meet / n_rep * 100:.2f}%")
    if abs(mean - want_mean) > TOL_PCT:
        problems.append(f"总体情况: 平均完成率印为{mean}%，应为{want_mean:.2f}%")
    return problems


# Paragraph roles whose key names indicators, the statuses they hold and the count pattern.
NAMED = {"district_completed": ({"completed"}, r"的(\d+)项"),
         "slightly_behind": ({"slightly_behind"}, r"(\d+)项指标"),
         "no_data": ({"no_data"}, r"(\d+)项指标")}


def _named(doc: DistrictBulletin, figs: dict[str, dict]) -> list[str]:
    problems: list[str] = []
    for role, (statuses, pattern) in NAMED.items():
        want = _of(figs, statuses)
        found = [b for b in doc.blocks(role) if isinstance(b, Paragraph)]
        got = found[0].key.split(",") if found else []
        m = re.search(pattern, found[0].text) if found else None
        if sorted(got) != sorted(want) or (want and (not m or int(m.group(1)) != len(want))):
            problems.append(f"{role}: 列出{len(got)}项（印为{m.group(1) if m else '?'}项），应为{len(want)}项")
    return problems


def _lagging(doc: DistrictBulletin, figs: dict[str, dict]) -> list[str]:
    by_name = {f"{f['name']}（{f['item_name']}）": f for f in figs.values()}
    problems: list[str] = []
    for status in ("severely_lagging", "lagging"):
        want = len(_of(figs, {status}))
        lists = [b for b in doc.blocks(status) if isinstance(b, Items)]
        counts = [int(m.group(1)) for b in doc.blocks(f"{status}_count") if (m := re.match(r"(\d+)项", b.text))]
        listed = sum(len(b.items) for b in lists)
        if listed != want or (want and counts != [want]):
            problems.append(f"存在问题: {status_label(status)}列出{listed}项（印为{counts}），应为{want}项")
        for item in (i for b in lists for i in b.items):
            m = re.match(r"(.+?（[^（）]+）)：完成率([^，]+)，序时进度([\d.]+)%，落后([\d.]+)个百分点", item)
            f = by_name.get(m.group(1)) if m else None
            if f is None:
                problems.append(f"存在问题: 无法核对“{item[:30]}”")
                continue
            got, exp = pct(m.group(2)), float(m.group(3))
            if f["status"] != status:
                problems.append(f"{m.group(1)}: 列为{status_label(status)}，应为{status_label(f['status'])}")
            if got is None or abs(got - f["attainment"] * 100) > TOL_PCT:
                problems.append(f"{m.group(1)}: 完成率印为{m.group(2)}，应为{f['attainment'] * 100:.2f}%")
            if abs(exp - f["expected"] * 100) > TOL_PCT:
                problems.append(f"{m.group(1)}: 序时进度印为{exp}%，应为{f['expected'] * 100:.2f}%")
            if got is not None and abs(float(m.group(4)) - (exp - got)) > TOL_DIFF:
                problems.append(f"{m.group(1)}: 落后印为{m.group(4)}个百分点，{exp} − {got} = {exp - got:.1f}")
    return problems


def _ranking(doc: DistrictBulletin) -> tuple[list[tuple[str, float, float]], int]:
    """Every district's (name, capped mean, mean 序时进度) on the indicators all districts with
    a 完成率 have, best gap first (ties: capped mean, official order); and how many those are."""
    d = doc.data.district_detail
    d = d[d["value"].notna() & (d["district_target"] > 0)].assign(
        att=lambda f: (f["value"] / f["district_target"]).clip(upper=1.0))
    have = d.groupby("district")["indicator_id"].agg(set)
    shared = set.intersection(*have) if len(have) else set()
    on = d[d["indicator_id"].isin(shared)].groupby("district")
    rows = [(name, float(g["att"].mean()), float(g["expected"].mean())) for name, g in on]
    order = district_list.order()
    rows.sort(key=lambda r: (-round((r[1] - r[2]) * 100, 9), -r[1], order.get(r[0], 999)))
    return rows, len(shared)


def _rank(doc: DistrictBulletin) -> list[str]:
    data, problems = doc.data, []
    p = one_paragraph(doc, "district_rank", problems)
    if p is None:
        return problems
    ranking, n_shared = _ranking(doc)
    names = [r[0] for r in ranking]
    official = data.rank_row
    if data.district not in names:
        if "未参与区县比较" not in p.text:
            problems.append(f"区县比较: {data.district}无可比较的完成率，却印有排名")
        return problems
    m = re.search(r"共同承担的(\d+)项指标上，.{2}平均完成率([\d.]+)%（单项按100%封顶），平均序时进度"
                  r"([\d.]+)%，(.+?)（(.+?)），在(\d+)个区县中居第(\d+)位", p.text)
    if m is None:
        return [f"区县比较: 排名段落无法读出（{p.text}）"]
    _, att, exp = ranking[names.index(data.district)]
    position = names.index(data.district) + 1
    gap = round((att - exp) * 100, 9)
    if int(m.group(1)) != n_shared:
        problems.append(f"区县比较: 共同指标印为{m.group(1)}项，应为{n_shared}项")
    if int(m.group(6)) != len(ranking):
        problems.append(f"区县比较: 参与比较的区县印为{m.group(6)}个，应为{len(ranking)}个")
    if int(m.group(7)) != position:
        problems.append(f"区县比较: 排名印为第{m.group(7)}位，按共同指标应为第{position}位")
    if official is None or pd.isna(official["rank"]) or int(m.group(7)) != int(official["rank"]):
        problems.append(f"区县比较: 排名印为第{m.group(7)}位，全市通报区县排名为"
                        f"{official['rank'] if official else '（无）'}")
    if abs(float(m.group(2)) - att * 100) > TOL_PCT:
        problems.append(f"区县比较: 平均完成率印为{m.group(2)}%，应为{att * 100:.2f}%")
    if abs(float(m.group(3)) - exp * 100) > TOL_PCT:
        problems.append(f"区县比较: 平均序时进度印为{m.group(3)}%，应为{exp * 100:.2f}%")
    words, said = m.group(4), m.group(5)
    if (gap < 0) != words.startswith(("落后", "略低于")):
        problems.append(f"区县比较: 差距{gap:.2f}个百分点印为“{words}”")
    if said != status_label(status_of_gap(gap)):
        problems.append(f"区县比较: 状态印为{said}，按差距{gap:.1f}应为{status_label(status_of_gap(gap))}")
    return problems


def _returns(doc: DistrictBulletin, figs: dict[str, dict]) -> list[str]:
    months = set(doc.data.months)
    want = sorted(i for i, f in figs.items() if months - f["months_valued"])
    found = [b for b in doc.blocks("returns") if isinstance(b, Paragraph)]
    got = sorted(found[0].key.split(",")) if found else []
    m = re.search(r"(\d+)项有月份未报送", found[0].text) if found else None
    if got != want or (want and (not m or int(m.group(1)) != len(want))):
        return [f"数据报送: 列出有月份未报送的{got}，应为{want}"]
    return []


def _table(doc: DistrictBulletin, figs: dict[str, dict]) -> list[str]:
    tables = [b for b in doc.blocks("district_table") if isinstance(b, Table)]
    got = [k for t in tables for k in t.keys]
    if sorted(got) != sorted(figs):
        return [f"附件1: 列出{len(got)}项，本区县有{len(figs)}项指标"]
    problems: list[str] = []
    for tab in tables:
        ia, ie, ig, st = (tab.columns.index(c) for c in ("完成率", "序时进度", "差距（百分点）", "状态"))
        for key, row in zip(tab.keys, tab.rows, strict=True):
            f = figs[key]
            r = {"value": f["value"], "target_value": f["task"], "kind": f["kind"],
                 "baseline": math.nan, "comparator": ">="}
            problems += attainment_problems(f"附件1 {key}", row[ia], r)
            a, e, g = pct(row[ia]), pct(row[ie]), num(row[ig])
            if e is None or abs(e - f["expected"] * 100) > TOL_PCT:
                problems.append(f"附件1 {key}: 序时进度印为{row[ie]}，应为{f['expected'] * 100:.2f}%")
            if None not in (a, e, g) and abs(g - (a - e)) > TOL_DIFF:
                problems.append(f"附件1 {key}: 差距印为{row[ig]}，{a} − {e} = {a - e:.1f}")
            if row[st] != status_label(f["status"]):
                problems.append(f"附件1 {key}: 状态印为{row[st]}，应为{status_label(f['status'])}")
    return problems


def _city(doc: DistrictBulletin, figs: dict[str, dict]) -> list[str]:
    ind = doc.data.catalogue.indicators
    allotted = ind["by_district"].astype(bool)
    t = doc.data.table.set_index("indicator_id")
    problems: list[str] = []
    for role, want in (("citywide_table", set(ind.index[~allotted])),
                       ("unrecorded_table", set(ind.index[allotted]) - set(figs))):
        tables = [b for b in doc.blocks(role) if isinstance(b, Table)]
        got = {k for tab in tables for k in tab.keys}
        if got != want:
            problems.append(f"附件2 {role}: 列出{len(got)}项，应为{len(want)}项")
        for tab in tables:
            ia = tab.columns.index("完成率")
            for key, row in zip(tab.keys, tab.rows, strict=True):
                problems += attainment_problems(f"附件2 {key}", row[ia], t.loc[key])
    return problems
