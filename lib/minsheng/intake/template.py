"""The monthly report form (月调度表) the office sends to units, as an .xlsx.

One pre-filled row per indicator the unit reports (per district for by-district indicators,
else 全市); the unit fills 统计月份, 本月完成, 累计完成 … and sends it back. The form's columns
are `intake.form.FORM_COLUMNS`, so what this module writes is exactly what cleaning reads.

Sheets: 月报 (the form: merged title row, a 填报单位 / 统计月份 / 填报日期 line, the header,
the rows, a note under the table), 填报说明 (instructions in Chinese) and a hidden 代码表 (the
district list behind the 区县 drop-down). The form sheet is protected without a password
against accidental edits of the pre-filled cells; input cells are unlocked.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from minsheng import config
from minsheng.catalogue import Catalogue
from minsheng.catalogue import districts as district_list
from minsheng.catalogue.kinds import BASELINE_KINDS
from minsheng.intake.form import FORM_COLUMNS

DATA_SHEET = "月报"
HELP_SHEET = "填报说明"
LISTS_SHEET = "代码表"
TITLE_ROW, META_ROW, HEADER_ROW = 1, 2, 3
FIRST_ROW = HEADER_ROW + 1
# Pre-filled from the catalogue and locked; every other column is for the unit.
PREFILLED = ("indicator_id", "item_name", "indicator_name", "unit", "annual_target")
NUMBER_FIELDS = ("monthly", "cumulative", "baseline", "district_target")
WIDTHS = {"indicator_id": 10, "item_name": 20, "indicator_name": 30, "unit": 8, "annual_target": 11,
          "district": 16, "month": 11, "monthly": 11, "cumulative": 11, "baseline": 11,
          "district_target": 11, "progress_text": 36, "remark": 18, "reporting_unit": 16,
          "submitted_on": 12}
KIND_HELP = {
    "increment": "增量：累计完成填年初至本月末的累计完成数（如累计改造老旧小区数）。",
    "level": "水平：累计完成填本月末的当前水平（如覆盖率、累计达到的个数）；上年末基数填上年末水平。",
    "daily_average": "日均：累计完成填年初至本月末的日均值（累计数 ÷ 已过天数）。",
    "directional": "方向：累计完成填年初至本月末的实际数（按目标清单的数值单位，如案均损失金额“元/案”），"
                   "上年末基数栏填比较基数（如前三年同期平均数）；变动方向由市级计算，不填变动率。",
    "coverage": "覆盖：累计完成填已覆盖的个数（如已覆盖区县数）。",
    "deliverable": "里程碑：累计完成填已完成的里程碑个数。",
    "task": "文字任务（指标编号如 MS12-T1）：只填进展情况（是否已开展、进展和成效），不填数字。",
}


def form_title(catalogue: Catalogue) -> str:
    """'重庆市2026年重点民生实事工作目标任务' → '重庆市2026年重点民生实事月调度表'."""
    stem = re.sub(r"(工作)?目标任务$", "", catalogue.title)
    return f"{stem}月调度表"


def template_rows(catalogue: Catalogue, unit: str | None = None) -> pd.DataFrame:
    """The pre-filled rows: one per indicator (全市) or per indicator × district (by_district).

    `unit` keeps the indicators that unit reports (catalogue `reporting_unit`); None keeps all.
    """
    ind = catalogue.reportable
    if unit is not None:
        units = list(dict.fromkeys(ind["reporting_unit"]))
        if unit not in units:
            raise ValueError(f"未知报送单位 / unknown reporting unit: {unit}（目录中的报送单位：{'、'.join(units)}）")
        ind = ind[ind["reporting_unit"] == unit]
    rows = []
    for _, r in ind.iterrows():
        places = district_list.official() if r["by_district"] else (district_list.CITYWIDE,)
        for place in places:
            rows.append({"indicator_id": r["indicator_id"], "item_name": r["item_name"],
                         "indicator_name": r["indicator"], "unit": r["value_unit"] or r["unit"],
                         "annual_target": r["target_value"], "district": place,
                         "reporting_unit": r["reporting_unit"], "kind": r["kind"]})
    return pd.DataFrame(rows, columns=["indicator_id", "item_name", "indicator_name", "unit",
                                       "annual_target", "district", "reporting_unit", "kind"])


def write_template(catalogue: Catalogue, path: str | Path, unit: str | None = None) -> Path:
    """Write the form for `unit` (all reporting units when None) to `path` (.xlsx)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = template_rows(catalogue, unit)
    fields = list(FORM_COLUMNS)
    col = {f: get_column_letter(i + 1) for i, f in enumerate(fields)}
    last_col = col[fields[-1]]
    year = catalogue.year
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET

    thin = Side(style="thin", color="999999")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)
    grey = PatternFill("solid", fgColor="EDEDED")
    input_fill = PatternFill("solid", fgColor="FFF9E6")

    # Title and the 填报单位 / 统计月份 / 填报日期 line.
    ws.merge_cells(f"A{TITLE_ROW}:{last_col}{TITLE_ROW}")
    title = ws.cell(TITLE_ROW, 1, form_title(catalogue))
    title.font = Font(size=16, bold=True)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[TITLE_ROW].height = 30
    ws.cell(META_ROW, 1, "填报单位：").alignment = Alignment(horizontal="right")
    ws.merge_cells(f"B{META_ROW}:D{META_ROW}")
    unit_cell = ws.cell(META_ROW, 2, unit)
    ws.cell(META_ROW, 6, "统计月份：").alignment = Alignment(horizontal="right")
    month_cell = ws.cell(META_ROW, 7)
    ws.cell(META_ROW, 9, "填报日期：").alignment = Alignment(horizontal="right")
    date_cell = ws.cell(META_ROW, 10)
    for c in (unit_cell, month_cell, date_cell):
        c.protection = unlocked
        c.fill = input_fill
        c.border = box
    month_cell.number_format = "@"
    date_cell.number_format = "yyyy-mm-dd"

    # Header.
    for f in fields:
        c = ws[f"{col[f]}{HEADER_ROW}"]
        c.value = FORM_COLUMNS[f]
        c.font = Font(bold=True)
        c.fill = PatternFill("solid", fgColor="D9E1F2")
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        c.border = box
        ws.column_dimensions[col[f]].width = WIDTHS.get(f, 12)

    # Rows.
    for i, r in enumerate(rows.itertuples(index=False), start=FIRST_ROW):
        values = {"indicator_id": r.indicator_id, "item_name": r.item_name,
                  "indicator_name": r.indicator_name, "unit": r.unit,
                  "annual_target": None if r.kind == "task" else _number(r.annual_target),
                  "district": r.district,
                  "reporting_unit": r.reporting_unit}
        for f in fields:
            c = ws[f"{col[f]}{i}"]
            c.value = values.get(f)
            c.border = box
            if f in PREFILLED:
                continue
            if (f == "baseline" and r.kind not in BASELINE_KINDS) or (
                    f in NUMBER_FIELDS and r.kind == "task"):
                c.fill = grey  # 上年末基数 only for levels and directional targets; tasks are words
                continue
            c.protection = unlocked
            if f in ("month",):
                c.number_format = "@"  # keep "2026-03" as text, never a date
            elif f == "submitted_on":
                c.number_format = "yyyy-mm-dd"
            elif f in ("progress_text", "remark"):
                c.alignment = Alignment(wrap_text=True, vertical="top")
    last_row = FIRST_ROW + max(len(rows), 1) - 1
    note_row = last_row + 2
    ws.cell(note_row, 1, "注：累计完成为年初至本月末的累计数；百分比填数字（55% 填 55）；数字不带“万”等单位。"
                         "详见“填报说明”工作表。")

    # Drop-downs and checks.
    months = ",".join(f"{year}-{m:02d}" for m in range(1, 13))
    dv_month = DataValidation(type="list", formula1=f'"{months}"', allow_blank=True,
                              showErrorMessage=True, errorTitle="统计月份",
                              error=f"请选择 YYYY-MM 格式的月份，如 {year}-03。")
    dv_month.add(f"{col['month']}{FIRST_ROW}:{col['month']}{last_row}")
    dv_month.add(month_cell.coordinate)
    names = district_list.names()
    lists = wb.create_sheet(LISTS_SHEET)
    for k, name in enumerate(names, start=1):
        lists.cell(k, 1, name)
    lists.sheet_state = "hidden"
    dv_district = DataValidation(type="list", formula1=f"'{LISTS_SHEET}'!$A$1:$A${len(names)}",
                                 allow_blank=True, showErrorMessage=True, errorTitle="区县",
                                 error="请从下拉列表选择区县，全市数据选“全市”。")
    dv_district.add(f"{col['district']}{FIRST_ROW}:{col['district']}{last_row}")
    dv_number = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0",
                               allow_blank=True, showErrorMessage=True, errorTitle="数值",
                               error="请填写不小于0的数字，不带“万”等单位；百分比填数字（55% 填 55）。")
    for f in NUMBER_FIELDS:
        dv_number.add(f"{col[f]}{FIRST_ROW}:{col[f]}{last_row}")
    dv_date = DataValidation(type="date", operator="between", formula1=f"DATE({year},1,1)",
                             formula2=f"DATE({year + 1},12,31)", allow_blank=True, showErrorMessage=True,
                             errorTitle="填报日期", error=f"请填写日期，如 {year}-04-03。")
    dv_date.add(f"{col['submitted_on']}{FIRST_ROW}:{col['submitted_on']}{last_row}")
    dv_date.add(date_cell.coordinate)
    for dv in (dv_month, dv_district, dv_number, dv_date):
        ws.add_data_validation(dv)

    ws.freeze_panes = f"D{FIRST_ROW}"
    ws.protection.sheet = True          # no password: it guards against slips, not people
    ws.protection.formatColumns = False  # units may widen columns and rows
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"

    _write_help(wb.create_sheet(HELP_SHEET, 1), catalogue)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)


def _write_help(ws, catalogue: Catalogue) -> None:
    from openpyxl.styles import Alignment, Font

    year = catalogue.year
    lines: list[tuple[str, str]] = [
        ("填报说明", ""),
        ("", ""),
        ("一、各列填写要求", ""),
        ("列名", "填写要求"),
        (FORM_COLUMNS["indicator_id"], "预填，请勿修改、增删（市级据此汇总）。"),
        (FORM_COLUMNS["item_name"], "预填。"),
        (FORM_COLUMNS["indicator_name"], "预填。"),
        (FORM_COLUMNS["unit"], "预填。所有数值按此单位填写。"),
        (FORM_COLUMNS["annual_target"], "预填，全市年度目标。"),
        (FORM_COLUMNS["district"], "分区县指标已逐一列出38个区县；全市指标为“全市”。如需更正，从下拉列表选择。"),
        (FORM_COLUMNS["month"], f"报送的月份，格式 YYYY-MM（如 {year}-03），可从下拉列表选择；"
                                "也可只在表头“统计月份”处填写一次，适用于全部行。"),
        (FORM_COLUMNS["monthly"], "本月新增完成数。"),
        (FORM_COLUMNS["cumulative"], "累计 = 年初至本月末（year to date）的累计完成数，不是本月数。"
                                     "水平类指标填本月末当前水平。"),
        (FORM_COLUMNS["baseline"], "只有水平类指标（如覆盖率、累计达到××个）填写，填上年末水平；其他指标不填（灰色）。"),
        (FORM_COLUMNS["district_target"], "本区县（或本单位）分解到的年度任务数，如有。"),
        (FORM_COLUMNS["progress_text"], "文字说明进展（如“施工图审查完成”）。尚无数字的，只填此列即可。"),
        (FORM_COLUMNS["remark"], "其他需说明的情况。"),
        (FORM_COLUMNS["reporting_unit"], "预填为报送单位，代报的请改为实际填报单位。"),
        (FORM_COLUMNS["submitted_on"], f"填报日期，如 {year}-04-03；也可在表头“填报日期”处填写一次。"),
        ("", ""),
        ("二、数字的写法", ""),
        ("不带单位", "只填数字：12000，不写“1.2万”“约12000”“12000余”。"),
        ("百分比", "填百分数的数字：55% 填 55（不填 0.55）。"),
        ("未完成 / 无数据", "没有数据的留空，不填 0；确实为零的填 0。"),
        ("不填负数", "数值不能为负。"),
        ("", ""),
        ("三、各类指标的“累计完成”", ""),
        *((catalogue_kind, text) for catalogue_kind, text in
          (("增量", KIND_HELP["increment"]), ("水平", KIND_HELP["level"]),
           ("日均", KIND_HELP["daily_average"]), ("方向", KIND_HELP["directional"]),
           ("覆盖", KIND_HELP["coverage"]), ("里程碑", KIND_HELP["deliverable"]),
           ("文字任务", KIND_HELP["task"]))),
        ("", ""),
        ("四、报送", ""),
        ("截止时间", f"每月数据于次月{config.settings().get('cleaning', {}).get('due_day', 5)}日前报送。"),
        ("更正", "已报数据有误的，重新报送整张表并填写新的填报日期，以最新报送为准。"),
        ("格式", "保持本表格式：请勿增删列、请勿修改表头；另存为 CSV 时请选择 UTF-8 编码。"),
    ]
    for i, (a, b) in enumerate(lines, start=1):
        ws.cell(i, 1, a)
        ws.cell(i, 2, b).alignment = Alignment(wrap_text=True, vertical="top")
        if a and not b or a == "列名":
            ws.cell(i, 1).font = Font(bold=True, size=14 if i == 1 else 11)
            ws.cell(i, 2).font = Font(bold=True)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 90
