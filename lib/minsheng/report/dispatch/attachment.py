"""附件 红灯、黄灯指标清单: every red, then every yellow indicator (each worst first), with its
light (略低于序时进度 beside a light that holds it), name (with its item where two indicators
share the name, as 二、 prints it), lead unit, 完成率, 序时进度, how far behind, the months it
has been lit so and, in 备注, why it was raised. The body's 二、 names them; this gives their
figures (and checks.py reads every cell back)."""

from __future__ import annotations

import pandas as pd

from minsheng.report.dispatch.data import DispatchData
from minsheng.report.dispatch.sections import lit, named, shared_names
from minsheng.report.dispatch.wording import escalation_text, light_text
from minsheng.report.document import Attachment, Paragraph, Table
from minsheng.report.format import fmt_count, fmt_percent
from minsheng.report.text import attainment_text, lead_unit

TITLE = "红灯、黄灯指标清单"
COLUMNS = ("序号", "灯色", "指标", "牵头单位", "完成率", "序时进度", "落后百分点", "连续亮灯月数",
           "备注")
ROLE = "lights_list"
NOTE = "注：落后百分点为序时进度减完成率；连续亮灯月数为连续亮该灯色的月数（含本月）。"


def listed_rows(data: DispatchData) -> pd.DataFrame:
    """The attachment's indicators in its order: red, then yellow, each worst first."""
    return pd.concat([lit(data.lights, "red"), lit(data.lights, "yellow")])


def lights_attachment(data: DispatchData) -> Attachment | None:
    """The list (landscape: nine columns) and its 注; None without a red or yellow light."""
    rows = listed_rows(data)
    if not len(rows):
        return None
    shared = shared_names(data.lights)
    cells = tuple((fmt_count(i), light_text(r), named(r, shared), lead_unit(r),
                   attainment_text(r), fmt_percent(r["expected"]),
                   f"{abs(float(r['gap_points'])):.1f}", fmt_count(r["months_in_light"]),
                   escalation_text(r))
                  for i, r in enumerate(rows.to_dict("records"), 1))
    table = Table(COLUMNS, cells, keys=tuple(rows["indicator_id"]), numeric=(0, 4, 5, 6, 7),
                  role=ROLE)
    return Attachment(1, "lights", TITLE, (table, Paragraph(NOTE, style="note")), landscape=True)
