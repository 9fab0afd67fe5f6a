"""二、主要进展: what is ahead, named — indicators that met the year's target, items and lead
units whose every reported indicator is at or above schedule."""

from __future__ import annotations

import pandas as pd

from minsheng.report.bulletin.data import BulletinData
from minsheng.report.document import Block, Paragraph, Section
from minsheng.report.format import chinese_numeral, fmt_count
from minsheng.report.text import indicator_name, lead_unit
from minsheng.rules.status import MEETING_SCHEDULE


def progress_section(data: BulletinData) -> Section:
    t = data.table
    parts: list[tuple[str, str, tuple[Block, ...]]] = []
    done = t[t["status"] == "completed"]
    if len(done):
        parts.append(("completed", "提前完成全年目标", (_completed(done),)))
    meeting = t[t["status"].isin(MEETING_SCHEDULE)]
    blocks = _on_schedule(data, meeting)
    if blocks:
        parts.append(("on-schedule", "达到序时进度", blocks))
    if not parts:
        return Section("progress", "二、主要进展",
                       (Paragraph("截至目前，尚无达到序时进度的指标。", role="progress_none"),))
    subs = tuple(Section(f"progress-{key}", f"（{chinese_numeral(i)}）{heading}", blocks, level=2)
                 for i, (key, heading, blocks) in enumerate(parts, 1))
    return Section("progress", "二、主要进展", subsections=subs)


def _completed(done: pd.DataFrame) -> Paragraph:
    listed = "、".join(f"{indicator_name(r)}（{lead_unit(r)}）" for r in done.to_dict("records"))
    return Paragraph(f"{fmt_count(len(done))}项指标已完成全年目标：{listed}。", role="completed",
                     key=",".join(done["indicator_id"]))


def _on_schedule(data: BulletinData, meeting: pd.DataFrame) -> tuple[Block, ...]:
    """The indicators at schedule, named, then the items and lead units whose reported ones
    all are."""
    t = data.table
    at = meeting[meeting["status"] != "completed"].sort_values(
        ["gap_points", "indicator_id"], ascending=[False, True])
    blocks: list[Block] = []
    if len(at):
        listed = "、".join(indicator_name(r) for r in at.to_dict("records"))
        blocks.append(Paragraph(f"{fmt_count(len(at))}项指标达到序时进度：{listed}。",
                                role="on_schedule", key=",".join(at["indicator_id"])))
    items = all_meeting(t, "item_no")
    if len(items):
        item_names = t.drop_duplicates("item_no").set_index("item_no").loc[items, "item_name"]
        blocks.append(Paragraph(
            f"{fmt_count(len(items))}件实事已报送的指标全部达到序时进度："
            f"{'、'.join(item_names)}。", role="items_meeting", key=",".join(map(str, items))))
    units = all_meeting(t, "reporting_unit")
    if len(units):
        blocks.append(Paragraph(
            f"{fmt_count(len(units))}个牵头单位负责的指标全部达到序时进度：{'、'.join(units)}。",
            role="units_meeting", key=",".join(units)))
    return tuple(blocks)


def all_meeting(table: pd.DataFrame, by: str) -> list:
    """The groups (items, units) with at least one reported indicator and every reported one
    at or above schedule, in the table's order."""
    reported = table[table["status"] != "no_data"]
    ok = reported.groupby(by, sort=False)["status"].agg(lambda s: s.isin(MEETING_SCHEDULE).all())
    return [k for k in dict.fromkeys(reported[by]) if ok[k]]

