"""The attachments: 附件1 滞后指标清单 (every indicator behind schedule), 附件2 达到序时进度
及提前完成指标清单, 附件3 进展情况表 (the public progress table, texts attributed, the tasks without a figure
after each item's indicators)."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from minsheng.catalogue.districts import CITYWIDE
from minsheng.report.bulletin.counts import status_label
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.document import Attachment, Paragraph, Table
from minsheng.report.format import clean_text, fmt_count, fmt_percent, fmt_points
from minsheng.report.labels import label
from minsheng.report.text import (
    attainment_text,
    indicator_name,
    lead_unit,
    target_text,
    value_text,
)
from minsheng.rules.status import BEHIND_SCHEDULE, MEETING_SCHEDULE

LIST_COLUMNS = ("序号", "指标", "所属实事", "牵头单位", "年度目标", "完成值", "完成率", "序时进度",
                "差距（百分点）", "状态")
PROGRESS_COLUMNS = ("序号", "项目名称", "年度目标任务", "责任单位", "进展情况", "完成值", "完成率", "备注")
# District texts shown per indicator in 附件3 before "等N个区县" (the XLSX holds them all).
TEXT_GROUPS_SHOWN = 4


def attachments(data: BulletinData) -> tuple[Attachment, ...]:
    t = data.table
    behind = t[t["status"].isin(BEHIND_SCHEDULE)].sort_values(["gap_points", "indicator_id"])
    meeting = t[t["status"].isin(MEETING_SCHEDULE)].assign(
        _done=lambda f: f["status"] != "completed").sort_values(
        ["_done", "gap_points", "indicator_id"], ascending=[True, False, True])
    return (
        Attachment(1, "behind", "滞后指标清单", _list(data, behind, "attachment_behind",
                                                 "本期无低于序时进度的指标。"), landscape=True),
        Attachment(2, "meeting", "达到序时进度及提前完成指标清单",
                   _list(data, meeting, "attachment_meeting", "本期无达到序时进度的指标。"),
                   landscape=True),
        Attachment(3, "progress", "进展情况表", (_progress_table(data),), landscape=True),
    )


def _list(data: BulletinData, rows: pd.DataFrame, role: str, empty: str) -> tuple:
    if not len(rows):
        return (Paragraph(empty, role=role),)
    cells = tuple((fmt_count(i), indicator_name(r), r["item_name"], lead_unit(r), target_text(r),
                   value_text(r, data.month), attainment_text(r), fmt_percent(r["expected"]),
                   fmt_points(r["gap_points"]), status_label(r["status"]))
                  for i, r in enumerate(rows.to_dict("records"), 1))
    note = Paragraph("注：低于序时进度含略低于序时进度、滞后和严重滞后；差距为完成率减序时进度。",
                     style="note") if role == "attachment_behind" else None
    table = Table(LIST_COLUMNS, cells, keys=tuple(rows["indicator_id"]),
                  statuses=tuple(rows["status"].astype(str)), status_column=9,
                  numeric=(0, 6, 7, 8), role=role)
    return (table, note) if note else (table,)


def progress_text(data: BulletinData, indicator_id: str) -> str:
    """What the units wrote: the lead unit's city-wide text, then the districts' texts, each
    headed by the districts that wrote it ("万州区、涪陵区：已完成年度任务")."""
    mine = data.texts[data.texts["indicator_id"] == indicator_id]
    return _attributed(zip(mine["district"], mine["progress_text"], strict=True))


def progress_texts(data: BulletinData) -> dict[str, str]:
    """`progress_text` of every indicator and task that has texts, in one pass over them."""
    t = data.texts
    by_id: dict[str, list[tuple[str, object]]] = {}
    for key, district, text in zip(t["indicator_id"], t["district"], t["progress_text"], strict=True):
        by_id.setdefault(key, []).append((district, text))
    return {key: _attributed(rows) for key, rows in by_id.items()}


def _attributed(rows: Iterable[tuple[str, object]]) -> str:
    """`progress_text` from one indicator's (district, text) rows, in the texts' order."""
    city: list[str] = []
    groups: dict[str, list[str]] = {}   # text → the districts that wrote it, in order
    for district, raw in rows:
        text = clean_text(raw)
        if text is None:
            continue
        if district == CITYWIDE:
            city.append(text)
        else:
            groups.setdefault(text, []).append(district)
    parts = city[:1]
    shown = list(groups.items())
    for text, who in shown[:TEXT_GROUPS_SHOWN]:
        parts.append(f"{'、'.join(who)}：{text}")
    rest = sum(len(who) for _, who in shown[TEXT_GROUPS_SHOWN:])
    if rest:
        parts.append(f"另有{fmt_count(rest)}个区县报送了进展情况")
    return "；".join(parts)


def _remark(data: BulletinData, r: dict) -> str:
    notes = []
    if bool(r.get("soft")):
        notes.append("力争目标")
    if pd.isna(r["value"]) and clean_text(r["progress_text"]):
        notes.append("仅报送文字进展")
    elif pd.isna(r["value"]):
        notes.append("未报送")
    if pd.notna(r["data_month"]) and int(r["data_month"]) < data.month:
        notes.append(f"采用{int(r['data_month'])}月数据")
    if r.get("value_unit") and r["value_unit"] != r["unit"]:
        notes.append(f"完成值单位：{r['value_unit']}")
    return "；".join(notes)


def _progress_table(data: BulletinData) -> Table:
    """One row per indicator, then per task of each item, the item's name and units once."""
    rows, keys = [], []
    texts = progress_texts(data)
    tasks = data.tasks.groupby("item_no")
    units = data.table.drop_duplicates("item_no").set_index("item_no")["responsible_units"]
    for item_no, item in data.table.groupby("item_no", sort=True):
        lines = [(r["indicator_id"], f"{indicator_name(r)}：{target_text(r)}",
                  texts.get(r["indicator_id"], ""), value_text(r, data.month),
                  attainment_text(r), _remark(data, r)) for r in item.to_dict("records")]
        if item_no in tasks.groups:
            lines += [(r["task_id"], f"工作任务：{r['source']}", texts.get(r["task_id"], ""),
                       "—", "—", _task_remark(data, r))
                      for r in tasks.get_group(item_no).to_dict("records")]
        for k, (key, target, text, value, attainment, remark) in enumerate(lines):
            first = k == 0
            rows.append((fmt_count(item_no) if first else "",
                         item["item_name"].iloc[0] if first else "",
                         target, units[item_no] if first else "", text, value, attainment, remark))
            keys.append(key)
    return Table(PROGRESS_COLUMNS, tuple(rows), keys=tuple(keys), numeric=(0, 6),
                 role="attachment_progress")


def _task_remark(data: BulletinData, r: dict) -> str:
    notes = [label("task", r["status"]), "不计算完成率"]
    if pd.notna(r["month"]) and int(r["month"]) < data.month:
        notes.append(f"采用{int(r['month'])}月进展情况")
    return "；".join(notes)
