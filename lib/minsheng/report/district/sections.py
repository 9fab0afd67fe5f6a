"""The district bulletin's body: 一、总体情况 (counts, the share at schedule, the capped mean,
the place among the districts on their shared indicators, what is not counted and why, the
definitions), 二、存在问题 (every indicator behind schedule with its lead unit, the worst
first; those without a figure or a task; the months without a figure), 三、下一步工作要求
(the office's standing text, settings.yaml district_bulletin.next_steps).

The district is addressed as 你区 / 你县, as a 通报 to its government writes."""

from __future__ import annotations

import pandas as pd

from minsheng.config import settings
from minsheng.report.bulletin.counts import capped_mean, counts_phrase, listed, status_counts
from minsheng.report.bulletin.sections.districts import shared_indicators
from minsheng.report.bulletin.sections.problems import entry
from minsheng.report.district.data import DistrictData
from minsheng.report.document import Block, Items, Paragraph, Section
from minsheng.report.format import chinese_numeral, fmt_count, fmt_percent
from minsheng.report.labels import label
from minsheng.report.text import indicator_name
from minsheng.rules.schedule import plan_fraction
from minsheng.rules.status import MEETING_SCHEDULE


def second_person(district: str) -> str:
    """How a 通报 addresses the district's government: 你区 for a 区, 你县 for a 县 or 自治县."""
    return "你区" if district.endswith("区") else "你县"


def month_span(months: list[int]) -> str:
    """[7, 8, 9] → "7—9月"; [7] → "7月"."""
    return f"{months[0]}月" if len(months) == 1 else f"{months[0]}—{months[-1]}月"


def month_list(months: list[int]) -> str:
    """[7, 9] → "7、9月"."""
    return "、".join(str(m) for m in months) + "月"


def gap_words(gap: float) -> str:
    """A gap in points as prose; behind schedule, by however little, is said so."""
    if gap < 0:
        behind = abs(gap)
        return (f"落后序时进度{behind:.1f}个百分点" if round(behind, 1) > 0
                else "略低于序时进度（落后不足0.1个百分点）")
    return f"高于序时进度{gap:.1f}个百分点" if round(gap, 1) > 0 else "与序时进度持平"


# ───────────────────────────────────────────── 一、总体情况

def district_overview(data: DistrictData) -> Section:
    blocks: list[Block] = [_counts(data)]
    if len(data.rows):
        blocks.append(_share(data))
        done = data.rows[data.rows["status"] == "completed"]
        if len(done):
            names = "、".join(indicator_name(r) for r in done.to_dict("records"))
            blocks.append(Paragraph(f"已完成年度任务的{fmt_count(len(done))}项：{names}。",
                                    role="district_completed", key=",".join(done["indicator_id"])))
    blocks += [_rank(data), _apart(data), _definitions(data)]
    return Section("overview", "一、总体情况", tuple(blocks))


def _counts(data: DistrictData) -> Paragraph:
    you, rows = second_person(data.district), data.rows
    if not len(rows):
        n_allotted = int(data.table["by_district"].astype(bool).sum())
        return Paragraph(f"截至{data.month}月底，分解到区县的{fmt_count(n_allotted)}项指标，"
                         f"{you}均无报送记录，本期不计算{you}完成率，不参与区县比较。",
                         role="district_counts")
    return Paragraph(
        f"截至{data.month}月底，分解到{you}的重点民生实事指标共{fmt_count(len(rows))}项，"
        f"涉及{fmt_count(rows['item_no'].nunique())}件实事，"
        f"{counts_phrase(status_counts(rows['status']))}。", role="district_counts")


def _share(data: DistrictData) -> Paragraph:
    rows = data.rows
    reported = rows[rows["status"] != "no_data"]
    if not len(reported):
        return Paragraph("各项指标均未报送完成值或年度任务，本期无法计算完成率。", role="district_share")
    n_meeting = int(reported["status"].isin(MEETING_SCHEDULE).sum())
    return Paragraph(
        f"已报送完成值和年度任务的{fmt_count(len(reported))}项指标中，达到序时进度（含已完成年度任务）的"
        f"{fmt_count(n_meeting)}项，占{fmt_percent(n_meeting / len(reported))}；"
        f"平均完成率{fmt_percent(capped_mean(reported['attainment']))}（单项按100%封顶）。",
        role="district_share")


def _rank(data: DistrictData) -> Paragraph:
    you, r = second_person(data.district), data.rank_row
    if r is None or pd.isna(r["rank"]):
        return Paragraph(f"{you}本期没有可计算完成率的指标，未参与区县比较。", role="district_rank")
    text = (f"在各区县共同承担的{fmt_count(r['n_shared'])}项指标上，{you}平均完成率"
            f"{fmt_percent(r['mean_attainment_capped'])}（单项按100%封顶），平均序时进度"
            f"{fmt_percent(r['mean_expected'])}，{gap_words(float(r['mean_gap_capped']))}"
            f"（{label('status', r['status'])}），在{fmt_count(data.n_ranked)}个区县中居第"
            f"{fmt_count(r['rank'])}位。")
    rated = data.rows[data.rows["attainment"].notna()]
    shared = set(shared_indicators(data)["indicator_id"])
    others = rated[~rated["indicator_id"].isin(shared)]
    if len(others):
        text += f"{you}承担的其余{fmt_count(len(others))}项（{listed(others, limit=5)}）非各区县共同承担，不参与比较。"
    return Paragraph(text, role="district_rank", key=data.district)


def _apart(data: DistrictData) -> Paragraph:
    you = second_person(data.district)
    text = (f"另有{fmt_count(len(data.citywide))}项指标由全市统一统计、不分解到区县，"
            f"不计入{you}完成情况和区县比较，其全市进展见附件2，供参考。")
    if len(data.unrecorded):
        text += (f"分解到区县的指标中，另有{fmt_count(len(data.unrecorded))}项{you}无报送记录"
                 "（含只分解到部分区县或按全市统计的指标），亦未计入，其全市进展一并列入附件2。")
    return Paragraph(text, role="district_apart")


def _definitions(data: DistrictData) -> Paragraph:
    you = second_person(data.district)
    th = settings()["status"]
    lag, severe = th["lagging_from"], th["severe_beyond"]
    text = (f"说明：{you}完成率为{you}完成数除以分解到{you}的年度任务；序时进度与全市相同，"
            f"按全年任务在各月均衡推进计算，截至{data.month}月底为{fmt_percent(plan_fraction(None, data.month))}")
    planned = data.rows[data.rows["plan"].notna()]
    for plan, rows in planned.groupby("plan", sort=True):
        share = plan_fraction(data.catalogue.plans[plan], data.month)
        text += f"；{listed(rows, limit=3)}指标按年度计划推进，为{fmt_percent(share)}"
    return Paragraph(
        text + f"。达到序时进度，指完成率不低于序时进度；略低于序时进度，指落后不足{lag}个百分点；"
        f"滞后，指落后{lag}至{severe}个百分点；严重滞后，指落后{severe}个百分点以上。"
        "平均完成率为各项指标完成率的算术平均，单项超过100%的按100%计；区县排名按共同承担指标的"
        "平均完成率与平均序时进度之差由高到低排列。", role="district_definitions")


# ───────────────────────────────────────────── 二、存在问题

def district_problems(data: DistrictData) -> Section:
    you = second_person(data.district)
    t = data.rows.sort_values(["gap_points", "item_no", "indicator_id"])
    th = settings()["status"]
    lag, severe = th["lagging_from"], th["severe_beyond"]
    parts: list[tuple[str, str, tuple[Block, ...]]] = []
    for status, heading, span in (("severely_lagging", "严重滞后", f"{severe}个百分点以上"),
                                  ("lagging", "滞后", f"{lag}至{severe}个百分点")):
        rows = t[t["status"] == status]
        if len(rows):
            parts.append((status, heading, (
                Paragraph(f"{fmt_count(len(rows))}项指标落后序时进度{span}：", role=f"{status}_count"),
                Items(tuple(entry(r) for r in rows.to_dict("records")), role=status))))
    slight = t[t["status"] == "slightly_behind"]
    if len(slight):
        parts.append(("slightly_behind", "略低于序时进度", (Paragraph(
            f"{fmt_count(len(slight))}项指标落后序时进度不足{lag}个百分点：{listed(slight)}。",
            role="slightly_behind", key=",".join(slight["indicator_id"])),)))
    silent = data.rows[data.rows["status"] == "no_data"]
    if len(silent):
        parts.append(("no_data", "未报送完成值或年度任务", (_silent(data, silent),)))
    if not len(data.rows):
        parts.append(("no_records", "未报送分解任务", (Paragraph(
            f"{you}尚未报送分解到区县指标的年度任务和完成值，请会同市级牵头单位核实分解任务并按月报送。",
            role="no_records"),)))
    returns = _returns(data)
    if returns is not None:
        parts.append(("returns", "数据报送", (returns,)))
    if not parts:
        return Section("problems", "二、存在问题", (Paragraph(
            f"截至目前，{you}已报送的指标均达到序时进度。", role="problems_none"),))
    subs = tuple(Section(f"problems-{key}", f"（{chinese_numeral(i)}）{heading}", blocks, level=2)
                 for i, (key, heading, blocks) in enumerate(parts, 1))
    return Section("problems", "二、存在问题", subsections=subs)


def _silent(data: DistrictData, silent: pd.DataFrame) -> Paragraph:
    named = []
    for r in silent.to_dict("records"):
        missing = [w for w, gone in (("完成值", pd.isna(r["value"])),
                                     ("年度任务", pd.isna(r["district_target"]))) if gone]
        named.append(f"{indicator_name(r)}（未报送{'和'.join(missing) or '有效的年度任务'}，"
                     f"牵头单位：{r['reporting_unit']}）")
    return Paragraph(f"截至{data.month}月底，{fmt_count(len(silent))}项指标无法计算完成率：" +
                     "、".join(named) + "。", role="no_data", key=",".join(silent["indicator_id"]))


def _returns(data: DistrictData) -> Paragraph | None:
    """Which of the district's indicators lack a figure in a month of the quarter."""
    if not data.months or not len(data.rows):
        return None
    you = second_person(data.district)
    names = data.rows.set_index("indicator_id")
    gaps, keys = [], []
    for iid, codes in data.returns.iterrows():
        none = [m for m in data.months if codes[m] == "none"]
        blank = [m for m in data.months if codes[m] == "blank"]
        if not none and not blank:
            continue
        r = names.loc[iid].to_dict()
        said = [f"{month_list(none)}无报送记录"] if none else []
        if blank:
            said.append(f"{month_list(blank)}报表未填完成值")
        if pd.notna(r["value"]) and int(r["data_month"]) < data.month:
            said.append(f"采用{int(r['data_month'])}月数据")
        gaps.append(f"{indicator_name(r)}（{'，'.join(said)}）")
        keys.append(iid)
    if not gaps:
        return None
    n = len(data.rows)
    full = n - len(gaps)
    text = (f"本季度{month_span(data.months)}，{you}承担的{fmt_count(n)}项指标中，"
            + (f"{fmt_count(full)}项各月均报送了完成值，" if full else "")
            + f"{fmt_count(len(gaps))}项有月份未报送完成值：{'、'.join(gaps)}。")
    return Paragraph(text, role="returns", key=",".join(keys))


# ───────────────────────────────────────────── 三、下一步工作要求

def district_next_steps(data: DistrictData) -> Section:
    you = second_person(data.district)
    steps = settings()["district_bulletin"]["next_steps"]
    subs = tuple(Section(f"next-{i}", f"（{chinese_numeral(i)}）{step['heading']}",
                         (Paragraph("".join(step["text"].format(you=you).split())),), level=2)
                 for i, step in enumerate(steps, 1))
    return Section("next-steps", "三、下一步工作要求", subsections=subs)
