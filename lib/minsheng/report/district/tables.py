"""A district bulletin's tables.xlsx: 说明 (cut-off, statuses, schedules, methods, what every
column holds — report.export.xlsx_about), 本区县指标 (the district's indicators against its
allotted tasks), 全市指标 (the city-wide ones, and those allotted to districts with no row of
this one, at the city's figures), 区县排名 (the city bulletin's ranking of every district).
Written with report.export.xlsx.sheets_bytes: print-ready, formulas neutralised, same bytes
for the same inputs."""

from __future__ import annotations

from datetime import date

import pandas as pd

from minsheng.report import columns as C
from minsheng.report.district.data import DistrictData
from minsheng.report.export.xlsx import sheets_bytes
from minsheng.report.export.xlsx_about import about_frame
from minsheng.report.format import chinese_numeral

DISTRICT_SHEET = "本区县指标"
CITY_COLUMNS = ["indicator_id", "item_no", "item_name", "indicator", "target_value", "unit",
                "value", "data_month", "districts_reported", "attainment", "expected", "gap_points",
                "status", "reporting_unit"]


def district_sheets(data: DistrictData) -> list[tuple[str, str, pd.DataFrame, list[C.Col]]]:
    """The data sheets: name, context in report.columns, frame, columns."""
    city = pd.concat([data.citywide, data.unrecorded]).sort_values("indicator_id")
    return [
        (DISTRICT_SHEET, "district_detail", data.rows, C.DISTRICT_DETAIL),
        ("全市指标", "indicator_table", city,
         [c for c in C.INDICATOR_TABLE if c.source in CITY_COLUMNS]),
        ("区县排名", "district_rank", data.district_rank, C.district_rank_cols()),
    ]


def _about(data: DistrictData, issued_on: date, sheets) -> pd.DataFrame:
    about = about_frame(data, issued_on, [(name, context, cols) for name, context, _, cols in sheets])
    n_ranked = data.n_ranked

    def row(name: str, text: str) -> dict[str, str]:
        return {"about_section": "区县", "about_sheet": "", "about_name": name, "about_text": text}

    extra = pd.DataFrame([
        row("区县", f"{data.district}。本工作簿为该区县季度通报的数据。"),
        row("本区县指标", "分解到区县、该区县截至数据截至月有报送记录（年度任务或完成值）的指标；"
            "完成率为区县完成数÷分解任务，状态规则与全市相同，完成数达到分解任务的为已完成。"),
        row("全市指标", "不分解到区县的指标，以及分解到区县但该区县无报送记录的指标，均为全市数，"
            "供参考，不计入该区县完成情况和区县排名。"),
        row("区县排名", f"与全市季度通报“区县情况”相同：{n_ranked}个区县在共同承担指标上的平均完成率"
            "（单项封顶100%）与平均序时进度之差，由高到低排名。"),
    ])
    # The district's status adds 已完成 (its figure meets its task) and has no blank.
    mine = (about["about_sheet"] == "本区县指标") & (about["about_name"] == C.header("status"))
    about.loc[mine, "about_text"] = ("按该区县完成率与序时进度之差确定，规则与全市相同（见“进度状态”）；"
                                     "完成数达到分解任务的为已完成，未报完成值或分解任务的为未报送。")
    return pd.concat([extra, about], ignore_index=True)


def tables_bytes(data: DistrictData, issued_on: date) -> bytes:
    """The workbook as bytes, identical for identical inputs."""
    sheets = district_sheets(data)
    frames = {"说明": (_about(data, issued_on, sheets), C.ABOUT)}
    frames.update({name: (frame, cols) for name, _, frame, cols in sheets})
    title = f"{data.district}{data.year}年第{chinese_numeral(data.quarter)}季度重点民生实事数据"
    return sheets_bytes(frames, issued_on, title=title)
