"""The district bulletin's attachments: 附件1, the district's indicators against its allotted
tasks (序号 | 项目名称 | 指标 | 年度任务 | 完成值 | 完成率 | 序时进度 | 差距 | 状态); 附件2, the
city-wide indicators, and those allotted to districts with no row of this one, at the city's
figures, for information."""

from __future__ import annotations

import pandas as pd

from minsheng.report.bulletin.counts import status_label
from minsheng.report.district.data import DistrictData
from minsheng.report.district.sections import second_person
from minsheng.report.document import Attachment, Block, Paragraph, Table
from minsheng.report.format import DASH, fmt_count, fmt_percent, fmt_points, fmt_quantity
from minsheng.report.text import attainment_text, indicator_name, target_text, value_text

DISTRICT_COLUMNS = ("序号", "项目名称", "指标", "年度任务", "完成值", "完成率", "序时进度",
                    "差距（百分点）", "状态")
CITY_COLUMNS = ("序号", "项目名称", "指标", "年度目标", "全市完成值", "完成率", "序时进度", "状态")


def district_attachments(data: DistrictData) -> tuple[Attachment, ...]:
    return (
        Attachment(1, "district", f"{data.district}分解任务推进情况表", _district_table(data),
                   landscape=True),
        Attachment(2, "citywide", "全市统计指标进展情况（供参考）", _city_tables(data), landscape=True),
    )


def district_value_text(r: dict, month: int) -> str:
    """The district's figure in its unit, with the month of an older figure; "—" when none."""
    if pd.isna(r["value"]):
        return DASH
    text = fmt_quantity(r["value"], r["unit"])
    if int(r["data_month"]) < month:
        text += f"（{int(r['data_month'])}月数据）"
    return text


def _district_table(data: DistrictData) -> tuple[Block, ...]:
    if not len(data.rows):
        return (Paragraph(f"{second_person(data.district)}无分解到区县指标的报送记录。",
                          role="district_table"),)
    cells = tuple((fmt_count(i), r["item_name"], indicator_name(r),
                   fmt_quantity(r["district_target"], r["unit"]), district_value_text(r, data.month),
                   fmt_percent(r["attainment"]), fmt_percent(r["expected"]),
                   fmt_points(r["gap_points"]), status_label(r["status"]))
                  for i, r in enumerate(data.rows.to_dict("records"), 1))
    table = Table(DISTRICT_COLUMNS, cells, keys=tuple(data.rows["indicator_id"]),
                  statuses=tuple(data.rows["status"].astype(str)), status_column=8,
                  numeric=(0, 5, 6, 7), role="district_table")
    you = second_person(data.district)
    note = Paragraph(f"注：年度任务为分解到{you}的全年任务；完成率为完成值除以年度任务，超过100%的如实列示；"
                     "差距为完成率减序时进度。", style="note")
    return (table, note)


def _city_rows(data: DistrictData, rows: pd.DataFrame) -> tuple[tuple[str, ...], ...]:
    return tuple((fmt_count(i), r["item_name"], indicator_name(r), target_text(r),
                  value_text(r, data.month), attainment_text(r), fmt_percent(r["expected"]),
                  status_label(r["status"]))
                 for i, r in enumerate(rows.to_dict("records"), 1))


def _city_tables(data: DistrictData) -> tuple[Block, ...]:
    blocks: list[Block] = []
    you = second_person(data.district)
    parts = [("citywide_table", "（一）不分解到区县的指标", data.citywide)]
    if len(data.unrecorded):
        parts.append(("unrecorded_table", f"（二）分解到区县、{you}无报送记录的指标", data.unrecorded))
    for role, caption, rows in parts:
        if not len(rows):
            blocks.append(Paragraph(f"{caption}：无。", role=role))
            continue
        blocks.append(Table(CITY_COLUMNS, _city_rows(data, rows), caption=caption,
                            keys=tuple(rows["indicator_id"]), statuses=tuple(rows["status"].astype(str)),
                            status_column=7, numeric=(0, 5, 6), role=role))
    blocks.append(Paragraph(f"注：本附件为全市数据，供参考，不计入{you}完成情况和区县比较。", style="note"))
    return tuple(blocks)
