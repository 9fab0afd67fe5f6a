"""四、区县情况: the districts ranked by mean attainment, with a summary and the ranking chart."""

from __future__ import annotations

import pandas as pd

from minsheng.config import settings
from minsheng.report import charts as ch
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.document import Block, Paragraph, Section, Table
from minsheng.report.bulletin.sections.numbering import Numbering
from minsheng.report.format import fmt_count, fmt_percent, fmt_points

RANK_COLUMNS = ("排名", "区县", "指标数", "平均完成率", "平均差距（百分点）", "落后较多的指标数")


def districts_section(data: BulletinData, numbering: Numbering) -> Section:
    rank = data.district_rank
    if not len(rank):
        return Section("districts", "四、区县情况", (Paragraph("本期暂无分解到区县的指标数据。"),))
    chart = numbering.chart("districts", "区县平均完成率排名", "各区县平均完成率（单项按100%封顶）",
                            lambda: ch.district_ranking(rank))
    within = settings()["status"]["on_track_within"]
    blocks: list[Block] = [
        Paragraph(_summary(rank, data.district_detail, within), role="district_summary"),
        _rank_table(rank, within, numbering.table()),
    ]
    if chart is not None:
        blocks.append(chart)
    return Section("districts", "四、区县情况", tuple(blocks))


def _summary(rank: pd.DataFrame, detail: pd.DataFrame, within: float) -> str:
    ranked = rank[rank["mean_attainment_capped"].notna()]
    text = (f"{len(rank)}个区县报送了{detail['indicator_id'].nunique()}项分解到区县指标的数据。"
            "区县完成率为区县完成数除以分解到该区县的年度任务，单项按100%封顶后取平均。")
    if len(ranked) >= 6:   # fewer districts would list the same ones as first and last
        text += (f"平均完成率前三位为{'、'.join(ranked['district'].head(3))}；"
                 f"后三位为{'、'.join(ranked['district'].tail(3))}。")
    n_behind = int((rank["n_behind"] > 0).sum())
    text += f"{n_behind}个区县有指标落后序时进度{within}个百分点以上。"
    unranked = rank[rank["mean_attainment_capped"].isna()]
    if len(unranked):
        text += f"{len(unranked)}个区县未报送分解任务，无法计算完成率，列于表末。"
    return text


def _rank_table(rank: pd.DataFrame, within: float, table_no: int) -> Table:
    rows = tuple((fmt_count(r["rank"]), r["district"], fmt_count(r["n_indicators"]),
                  fmt_percent(r["mean_attainment_capped"]), fmt_points(r["mean_gap_points"]),
                  fmt_count(r["n_behind"])) for r in rank.to_dict("records"))
    return Table(RANK_COLUMNS, rows, caption=f"表{table_no} 区县平均完成率排名"
                 f"（落后较多：落后序时进度{within}个百分点以上）",
                 keys=tuple(rank["district"]), numeric=(0, 2, 3, 4, 5), role="district_rank")
