"""二、各项目进展情况: one subsection per item, with its counts, its indicator table, the
units' own words, the tasks without a quantified target, and its chart."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from minsheng.report import charts as ch
from minsheng.report.bulletin.counts import counts_phrase
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.document import Block, BulletList, Chart, Paragraph, Section, Table
from minsheng.report.bulletin.sections import indicator_row
from minsheng.report.bulletin.sections.numbering import Numbering
from minsheng.report.format import chinese_numeral, clean_text, fmt_count, fmt_percent
from minsheng.report.format import is_missing as _missing
from minsheng.report.text import indicator_name
from minsheng.rules.status import STATUSES


def items_section(data: BulletinData, numbering: Numbering) -> Section:
    subs = []
    for item in data.items.to_dict("records"):
        rows = data.table[data.table["item_no"] == item["item_no"]]
        chart = numbering.chart(f"item-{item['item_no']}", f"{item['item_name']}：完成率与序时进度",
                                f"{item['item_name']}各指标完成率、序时进度和全年目标",
                                lambda rows=rows: ch.item_bullet(rows))
        subs.append(_item(data, item, rows, chart, numbering.table()))
    return Section("items", "二、各项目进展情况", subsections=tuple(subs))


def _item(data: BulletinData, item: Mapping[str, Any], rows: pd.DataFrame,
          chart: Chart | None, table_no: int) -> Section:
    blocks: list[Block] = [
        Paragraph(f"责任单位：{item['responsible_units']}。"),
        _counts(item),
        _indicator_table(item, rows, data.month, table_no),
        *_progress(rows),
        *_unquantified(data, item),
    ]
    if chart is not None:
        blocks.append(chart)
    return Section(f"item-{item['item_no']}", f"（{chinese_numeral(int(item['item_no']))}）"
                   f"{item['item_name']}", tuple(blocks), level=2)


def _counts(item: Mapping[str, Any]) -> Paragraph:
    counts = {s: int(item[f"n_{s}"]) for s in STATUSES}
    mean = item["mean_attainment_capped"]
    mean_text = f"平均完成率{fmt_percent(mean)}" if not _missing(mean) else "暂无完成率"
    return Paragraph(f"共{fmt_count(item['n_indicators'])}项指标，{counts_phrase(counts)}；"
                     f"{mean_text}（单项按100%封顶）。", role="item_counts", key=str(item["item_no"]))


def _indicator_table(item: Mapping[str, Any], rows: pd.DataFrame, month: int,
                     table_no: int) -> Table:
    return Table(indicator_row.COLUMNS,
                 tuple(indicator_row.cells(r, month) for r in rows.to_dict("records")),
                 caption=f"表{table_no} {item['item_name']}指标进展",
                 keys=tuple(rows["indicator_id"]), statuses=tuple(rows["status"].astype(str)),
                 status_column=6, numeric=(3, 4, 5), role="indicators")


def _progress(rows: pd.DataFrame) -> list[Block]:
    """The progress text (and 备注) each unit reported, as it wrote them."""
    texts = []
    for r in rows.to_dict("records"):
        progress, remark = clean_text(r["progress_text"]), clean_text(r.get("remark"))
        if progress:
            texts.append(f"{indicator_name(r)}：{progress}")
        if remark:   # 备注, when the indicator table carries it
            texts.append(f"{indicator_name(r)}（备注）：{remark}")
    if not texts:
        return []
    return [Paragraph("进展情况（单位报送原文）："),
            BulletList(tuple(texts), role="progress", ordered=False)]


def _unquantified(data: BulletinData, item: Mapping[str, Any]) -> list[Block]:
    unq = data.catalogue.unquantified
    clauses = unq.loc[unq["item_no"] == item["item_no"], "source"].tolist()
    if not clauses:
        return []
    return [Paragraph("不设量化目标、以文字报送的任务：" + "；".join(clauses) + "。", style="note")]
