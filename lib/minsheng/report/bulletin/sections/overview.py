"""一、总体情况: the counts by status, the share meeting the schedule, the mean attainment
and its change, the split by item, the year-end line (Q4) and the status chart."""

from __future__ import annotations

import pandas as pd

from minsheng.report import charts as ch
from minsheng.report.bulletin.counts import capped_mean, counts_phrase, status_counts
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.document import Block, Paragraph, Section
from minsheng.report.bulletin.sections.numbering import Numbering
from minsheng.report.format import clean_text, fmt_count, fmt_percent
from minsheng.rules.status import MEETING_SCHEDULE


def overview_section(data: BulletinData, numbering: Numbering) -> Section:
    chart = numbering.chart("overview", "各项目指标状态分布", "各项目指标按进度状态的数量",
                            lambda: ch.status_overview(data.items))
    counts = status_counts(data.table["status"])
    blocks: list[Block] = [_counts(data, counts), _share(data, counts), _item_split(data.items)]
    if data.quarter == 4:
        blocks.append(_year_end(data, counts))
    if chart is not None:
        blocks.append(chart)
    return Section("overview", "一、总体情况", tuple(blocks))


def _counts(data: BulletinData, counts: dict[str, int]) -> Paragraph:
    t = data.table
    text_only = int(((t["status"] == "no_data") & t["progress_text"].map(clean_text).notna()).sum())
    note = f"（其中{fmt_count(text_only)}项仅报送文字进展）" if text_only else ""
    return Paragraph(
        f"截至{data.month}月底，{t['item_no'].nunique()}件重点民生实事{fmt_count(len(t))}项指标中，"
        f"{counts_phrase(counts)}{note}。", role="overall_counts")


def _share(data: BulletinData, counts: dict[str, int]) -> Paragraph:
    n_reported = len(data.table) - counts["no_data"]
    if not n_reported:
        return Paragraph("本期各项指标均未报送数据。", role="overall_share")
    n_meeting = sum(counts[s] for s in MEETING_SCHEDULE)
    mean = capped_mean(data.table["attainment"])
    return Paragraph(
        f"已报送数据的{fmt_count(n_reported)}项指标中，达到序时进度（含已完成、超序时进度）的"
        f"{fmt_count(n_meeting)}项，占{fmt_percent(n_meeting / n_reported)}；"
        f"平均完成率{fmt_percent(mean)}（单项按100%封顶）{_change(data, mean)}。",
        role="overall_share")


def _change(data: BulletinData, mean: float) -> str:
    """The change of the mean since the previous quarter's end ("" in Q1 or without data)."""
    if data.previous_table is None or not data.previous_table["attainment"].notna().any():
        return ""
    prev = capped_mean(data.previous_table["attainment"])
    # The difference of the two figures as printed, so that the printed change adds up.
    diff = round(mean * 100, 1) - round(prev * 100, 1)
    word = "提高" if diff > 0.05 else ("下降" if diff < -0.05 else None)
    return (f"，较上季度末（{fmt_percent(prev)}）{word}{abs(diff):.1f}个百分点" if word
            else f"，与上季度末（{fmt_percent(prev)}）持平")


def _item_split(it: pd.DataFrame) -> Paragraph:
    behind = it[(it["n_lagging"] + it["n_severely_lagging"]) > 0]
    silent = it[it["n_reported"] == 0]
    clear = it[(it["n_reported"] > 0) & ((it["n_lagging"] + it["n_severely_lagging"]) == 0)]
    text = (f"分项目看，{len(clear)}件实事已报送的指标均达到序时进度；"
            f"{len(behind)}件存在滞后指标")
    text += ("：" + "、".join(behind["item_name"]) if len(behind) else "")
    if len(silent):
        text += f"；{len(silent)}件尚未报送数据：" + "、".join(silent["item_name"])
    return Paragraph(text + "。", role="item_split")


def _year_end(data: BulletinData, counts: dict[str, int]) -> Paragraph:
    n = len(data.table)
    n_reported = n - counts["no_data"]
    done = counts["completed"]
    return Paragraph(
        f"年度情况：截至12月底，{fmt_count(n)}项指标中已完成全年目标{fmt_count(done)}项，"
        f"未完成{fmt_count(n_reported - done)}项，未报送{fmt_count(counts['no_data'])}项。"
        "年度考核结果另行通报。", role="year_end")
