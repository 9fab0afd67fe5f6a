"""四、区县情况: the districts compared by one measure on the indicators they share (capped
mean attainment against the mean 序时进度), the first and the last named, and the ranking."""

from __future__ import annotations

import pandas as pd

from minsheng.config import settings
from minsheng.report import charts as ch
from minsheng.report.bulletin.counts import status_label
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.sections.numbering import Numbering
from minsheng.report.document import Block, Paragraph, Section, Table
from minsheng.report.format import fmt_count, fmt_percent, fmt_points
from minsheng.rules.status import STATUSES

RANK_COLUMNS = ("排名", "区县", "排名指标数", "平均完成率", "平均序时进度", "差距（百分点）", "状态")


def districts_section(data: BulletinData, numbering: Numbering) -> Section:
    rank = data.district_rank
    ranked = rank[rank["rank"].notna()]
    if not len(ranked):
        return Section("districts", "四、区县情况",
                       (Paragraph("本期暂无可比较的分解到区县的指标数据。", role="district_summary"),))
    chart = numbering.chart("districts", "区县平均完成率", "各区县在共同指标上的平均完成率（单项按100%封顶）",
                            lambda: ch.district_ranking(ranked))
    blocks: list[Block] = [Paragraph(_summary(data, ranked), role="district_summary")]
    behind = _far_behind(ranked)
    if behind is not None:
        blocks.append(behind)
    blocks.append(_rank_table(ranked, numbering.table()))
    if chart is not None:
        blocks.append(chart)
    return Section("districts", "四、区县情况", tuple(blocks))


def shared_indicators(data: BulletinData) -> pd.DataFrame:
    """The district-reported indicators every ranked district has a figure for."""
    detail = data.district_detail[data.district_detail["attainment"].notna()]
    per = detail.groupby("indicator_id")["district"].nunique()
    n = int((data.district_rank["rank"].notna()).sum())
    shared = per[per == n].index
    return data.table[data.table["indicator_id"].isin(shared)]


def _summary(data: BulletinData, ranked: pd.DataFrame) -> str:
    shared = shared_indicators(data)
    n_all = data.district_detail.loc[data.district_detail["attainment"].notna(),
                                     "indicator_id"].nunique()
    text = (f"分解到区县的指标中，{fmt_count(len(ranked))}个区县共同承担的{fmt_count(len(shared))}项"
            "用于比较（区县完成率为区县完成数除以分解到该区县的年度任务，单项超过100%的按100%计）")
    others = n_all - len(shared)
    text += f"；另有{fmt_count(others)}项只分解到部分区县，不参与比较。" if others > 0 else "。"
    if len(ranked) >= 6:
        text += (f"平均完成率居前三位的是{'、'.join(ranked['district'].head(3))}，"
                 f"居后三位的是{'、'.join(ranked['district'].tail(3))}。")
    return text


def _far_behind(ranked: pd.DataFrame) -> Paragraph | None:
    """Districts by status of their capped gap, naming each group that is neither empty nor
    every district (a sentence true of all tells the reader nothing)."""
    parts = []
    for status in STATUSES:
        group = ranked[ranked["status"].astype(str) == status]
        if 0 < len(group) < len(ranked):
            parts.append(f"{status_label(status)}的{fmt_count(len(group))}个：{'、'.join(group['district'])}")
    if not parts:
        return None
    return Paragraph("按平均完成率与平均序时进度之差，" + "；".join(parts) + "。", role="district_groups")


def _rank_table(rank: pd.DataFrame, number: int) -> Table:
    lag = settings()["status"]["lagging_from"]
    rows = tuple((fmt_count(r["rank"]), r["district"], fmt_count(r["n_shared"]),
                  fmt_percent(r["mean_attainment_capped"]), fmt_percent(r["mean_expected"]),
                  fmt_points(r["mean_gap_capped"]), status_label(r["status"]))
                 for r in rank.to_dict("records"))
    return Table(RANK_COLUMNS, rows,
                 caption=f"表{number} 区县平均完成率排名（共同承担的指标，落后{lag}个百分点以上为滞后）",
                 keys=tuple(rank["district"]), statuses=tuple(rank["status"].astype(str)),
                 status_column=6, numeric=(0, 2, 3, 4, 5), role="district_rank")
