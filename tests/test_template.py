"""The monthly report form: its layout, protection, drop-downs, and the round trip through cleaning."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from minsheng.catalogue import districts
from minsheng.contracts import ledger
from minsheng.intake.clean import clean
from minsheng.intake.form import FORM_COLUMNS
from minsheng.intake.template import (
    DATA_SHEET,
    FIRST_ROW,
    HEADER_ROW,
    HELP_SHEET,
    LISTS_SHEET,
    form_title,
    template_rows,
    write_template,
)
from minsheng.run.cli import EXIT_FAILED, EXIT_OK, main

COL = {f: i for i, f in enumerate(FORM_COLUMNS, start=1)}  # field → 1-based column


@pytest.fixture
def form(tmp_path: Path, tiny_catalogue) -> Path:
    return write_template(tiny_catalogue, tmp_path / "form.xlsx")


def data_rows(ws) -> list[int]:
    return [r for r in range(FIRST_ROW, ws.max_row + 1)
            if str(ws.cell(r, COL["indicator_id"]).value or "").startswith("MS")]


def test_rows_one_per_indicator_or_district(tiny_catalogue):
    rows = template_rows(tiny_catalogue)
    # MS01-01 and MS03-01 are by district (38 rows each); the other five are 全市.
    assert len(rows) == 2 * 38 + 5
    assert rows.groupby("indicator_id").size().to_dict() == {
        "MS01-01": 38, "MS01-02": 1, "MS02-01": 1, "MS02-02": 1, "MS03-01": 38, "MS03-02": 1, "MS04-01": 1}
    assert rows[rows["indicator_id"] == "MS01-01"]["district"].tolist() == list(districts.official())
    jw = template_rows(tiny_catalogue, "市教委")
    assert set(jw["indicator_id"]) == {"MS03-01", "MS03-02"} and len(jw) == 39
    with pytest.raises(ValueError, match="未知报送单位"):
        template_rows(tiny_catalogue, "市不存在局")


def test_layout(form, tiny_catalogue):
    wb = openpyxl.load_workbook(form)
    assert wb.sheetnames == [DATA_SHEET, HELP_SHEET, LISTS_SHEET]
    ws = wb[DATA_SHEET]
    assert ws.cell(1, 1).value == "重庆市2026年重点民生实事月调度表" == form_title(tiny_catalogue)
    assert "A1:O1" in {str(m) for m in ws.merged_cells.ranges}
    assert ws.cell(2, 1).value == "填报单位：" and ws.cell(2, 6).value == "统计月份："
    assert [ws.cell(HEADER_ROW, c).value for c in range(1, 16)] == [
        "指标编号", "项目名称", "指标名称", "计量单位", "年度目标", "区县", "统计月份", "本月完成",
        "累计完成", "上年末基数", "年度任务", "进展情况", "备注", "填报单位", "填报日期"]
    rows = data_rows(ws)
    assert len(rows) == 2 * 38 + 5
    first = [ws.cell(FIRST_ROW, c).value for c in range(1, 16)]
    assert first[:6] == ["MS01-01", "城市居住品质提升", "老旧小区改造", "个", 600, "万州区"]
    assert first[13] == "市住房城乡建设委"
    assert wb[LISTS_SHEET].sheet_state == "hidden"


def test_protection_locks_prefilled_cells_only(form):
    ws = openpyxl.load_workbook(form)[DATA_SHEET]
    assert ws.protection.sheet
    r = FIRST_ROW
    for f in ("indicator_id", "item_name", "indicator_name", "unit", "annual_target"):
        assert ws.cell(r, COL[f]).protection.locked, f
        assert ws.cell(HEADER_ROW, COL[f]).protection.locked
    for f in ("district", "month", "monthly", "cumulative", "district_target", "progress_text",
              "remark", "reporting_unit", "submitted_on"):
        assert not ws.cell(r, COL[f]).protection.locked, f
    assert ws.cell(r, COL["baseline"]).protection.locked  # MS01-01 is an increment: no 上年末基数
    level_row = next(i for i in data_rows(ws) if ws.cell(i, 1).value == "MS02-01")
    assert not ws.cell(level_row, COL["baseline"]).protection.locked
    assert not ws.cell(2, 7).protection.locked  # the 统计月份 cell of the 填报单位 line


def test_data_validation(form):
    ws = openpyxl.load_workbook(form)[DATA_SHEET]
    by_type = {}
    for dv in ws.data_validations.dataValidation:
        by_type.setdefault(dv.type, []).append(dv)
    months = next(dv for dv in by_type["list"] if "2026-01" in dv.formula1)
    assert months.formula1 == '"' + ",".join(f"2026-{m:02d}" for m in range(1, 13)) + '"'
    assert "G4" in str(months.sqref)
    district = next(dv for dv in by_type["list"] if LISTS_SHEET in dv.formula1)
    assert district.formula1 == f"'{LISTS_SHEET}'!$A$1:$A$39"
    names = [c.value for c in openpyxl.load_workbook(form)[LISTS_SHEET]["A"]]
    assert names == [districts.CITYWIDE, *districts.official()]
    assert by_type["decimal"][0].operator == "greaterThanOrEqual"
    assert by_type["date"]


def test_instructions_sheet(form):
    ws = openpyxl.load_workbook(form)[HELP_SHEET]
    text = "\n".join(str(c.value) for row in ws.iter_rows() for c in row if c.value)
    for phrase in ("累计", "年初至本月末", "上年末基数", "水平类指标", "55% 填 55", "万", "YYYY-MM"):
        assert phrase in text, phrase


def fill(path: Path, values: dict[tuple[str, str], tuple], month="2026-03", date=dt.date(2026, 4, 3)):
    """Fill the form as a unit would: month and date once on the 填报单位 line, figures per row."""
    wb = openpyxl.load_workbook(path)
    ws = wb[DATA_SHEET]
    ws.cell(2, COL["month"]).value = month
    ws.cell(2, 10).value = date
    for r in data_rows(ws):
        key = (ws.cell(r, COL["indicator_id"]).value, ws.cell(r, COL["district"]).value)
        if key in values:
            monthly, cumulative, text = values[key]
            ws.cell(r, COL["monthly"]).value = monthly
            ws.cell(r, COL["cumulative"]).value = cumulative
            ws.cell(r, COL["progress_text"]).value = text
    wb.save(path)


def test_round_trip_through_cleaning(form, tiny_catalogue, tmp_path):
    values = {("MS01-01", "万州区"): (3, 12, None), ("MS01-01", "秀山土家族苗族自治县"): (1.5, 7.25, "推进中"),
              ("MS01-02", "全市"): (100, 800, None), ("MS02-01", "全市"): (None, 47.5, None),
              ("MS03-02", "全市"): (None, None, "方案设计已完成")}
    raw = tmp_path / "raw"
    raw.mkdir()
    fill(form, values)
    form.rename(raw / "住建委_2026-03.xlsx")
    result = clean(raw, tiny_catalogue)
    led = ledger.validate(result.ledger)
    q = result.quality
    assert q.rows_in == 5 and q.rows_clean == 5 and q.rows_quarantined == 0
    assert q.rows_skipped["unfilled"] == 2 * 38 + 5 - 5  # the rows left empty
    assert q.rows_skipped["note"] == 1                   # the 注 line under the table
    assert q.files_rejected == []
    got = {(r.indicator_id, r.district): (r.monthly_value, r.value, r.progress_text)
           for r in led.itertuples()}
    for key, (monthly, cumulative, text) in values.items():
        m, v, t = got[key]
        assert (pd.isna(m) and monthly is None) or m == monthly, key
        assert (pd.isna(v) and cumulative is None) or v == cumulative, key
        assert (pd.isna(t) and text is None) or t == text, key
    assert set(led["month"]) == {3} and set(led["submitted_on"]) == {pd.Timestamp("2026-04-03")}
    assert set(led["source_sheet"]) == {DATA_SHEET}
    assert set(led["flags"]) == {""}


def test_unit_form_round_trip(tiny_catalogue, tmp_path):
    raw = tmp_path / "raw"
    path = write_template(tiny_catalogue, raw / "jw.xlsx", unit="市教委")
    wb = openpyxl.load_workbook(path)
    assert wb[DATA_SHEET].cell(2, 2).value == "市教委"
    fill(path, {("MS03-01", "全市"): (None, 1, None), ("MS03-01", "江北区"): (1, 1, None)})
    led = clean(raw, tiny_catalogue).ledger
    assert led[["indicator_id", "district", "value"]].values.tolist() == [["MS03-01", "江北区", 1.0]]


def test_cli_template(tiny_catalogue_path, tmp_path, capsys):
    out = tmp_path / "t.xlsx"
    assert main(["template", "--out", str(out), "--catalogue", str(tiny_catalogue_path)]) == EXIT_OK
    assert out.exists() and "已生成模板" in capsys.readouterr().out
    assert main(["template", "--out", str(out), "--catalogue", str(tiny_catalogue_path),
                 "--unit", "市不存在局"]) == EXIT_FAILED
