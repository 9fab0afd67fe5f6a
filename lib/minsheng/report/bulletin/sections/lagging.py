"""三、进度滞后指标: the lagging indicators with their units (一), and those projected to miss
the year target (二)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from minsheng.config import settings
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.document import Block, BulletList, Paragraph, Section
from minsheng.report.format import fmt_count, fmt_percent
from minsheng.report.labels import labels
from minsheng.report.text import (
    attainment_text,
    indicator_name,
    target_text,
    units_text,
    value_phrase,
)

# Projection classes that put the year target at risk (三、进度滞后指标 (二)).
AT_RISK = ("wrong_direction", "off_track", "close")


def lagging_section(data: BulletinData) -> Section:
    return Section("lagging", "三、进度滞后指标",
                   subsections=(_lagging_list(data), _at_risk(data.table)))


def _lagging_list(data: BulletinData) -> Section:
    t = data.table
    severe = t[t["status"] == "severely_lagging"].sort_values(["gap_points", "indicator_id"])
    lag = t[t["status"] == "lagging"].sort_values(["gap_points", "indicator_id"])
    th = settings()["status"]
    blocks: list[Block] = []
    if len(severe) + len(lag) == 0:
        blocks.append(Paragraph("本期无滞后指标。"))
    if len(severe):
        blocks.append(Paragraph(f"严重滞后指标（落后序时进度{th['severe_beyond']}个百分点以上）"
                                f"{fmt_count(len(severe))}项："))
        blocks.append(_entries(severe, data.month, "severely_lagging"))
    if len(lag):
        blocks.append(Paragraph(f"滞后指标（落后序时进度{th['on_track_within']}至"
                                f"{th['severe_beyond']}个百分点）{fmt_count(len(lag))}项："))
        blocks.append(_entries(lag, data.month, "lagging"))
    return Section("lagging-list", "（一）滞后指标及责任单位", tuple(blocks), level=2)


def _entries(rows: pd.DataFrame, month: int, role: str) -> BulletList:
    return BulletList(tuple(_lagging_entry(r, month) for r in rows.to_dict("records")), role=role)


def _lagging_entry(r: Mapping[str, Any], month: int) -> str:
    return (f"{indicator_name(r)}（{r['item_name']}）：目标{target_text(r)}，"
            f"{value_phrase(r, month)}，完成率{attainment_text(r)}，"
            f"序时进度{fmt_percent(r['expected'])}，落后{abs(float(r['gap_points'])):.1f}个百分点。"
            f"责任单位：{units_text(r)}。")


def _at_risk(t: pd.DataFrame) -> Section:
    risk = _at_risk_rows(t)
    if len(risk):
        blocks: tuple[Block, ...] = (
            Paragraph(f"按当前进度（按序时进度折算）测算，以下{fmt_count(len(risk))}项指标"
                      "存在年底不能完成全年目标的风险："),
            BulletList(tuple(_projection_entry(r) for r in risk.to_dict("records")),
                       role="at_risk"))
    else:
        blocks = (Paragraph("按当前进度测算，已报送数据的指标均可按期完成全年目标。"),)
    return Section("at-risk", "（二）预计难以按期完成的指标", blocks, level=2)


def _at_risk_rows(t: pd.DataFrame) -> pd.DataFrame:
    """Indicators not yet completed whose projection is at risk, worst class first."""
    risk = t[t["projection"].astype(str).isin(AT_RISK) & (t["status"] != "completed")].copy()
    risk["_order"] = risk["projection"].astype(str).map({c: i for i, c in enumerate(AT_RISK)})
    return risk.sort_values(["_order", "projected_attainment", "indicator_id"])


def _projection_entry(r: Mapping[str, Any]) -> str:
    if r["projection"] == "wrong_direction":
        if r["kind"] == "level":
            how = "当前值低于年初基数，与目标方向相反"
        elif r["kind"] == "directional":
            how = "较基数的变动与目标方向相反"
        else:
            how = "累计数较上月减少，与目标方向相反，请核实数据"
    else:
        label = labels("projection")[str(r["projection"])]
        how = f"按当前进度预计全年完成率{fmt_percent(r['projected_attainment'])}，{label}"
    return f"{indicator_name(r)}（{r['item_name']}）：{how}。责任单位：{units_text(r)}。"
