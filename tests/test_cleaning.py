"""Cleaning unit submissions: one test per defect, the revision and reconciliation rules, the
no-loss invariant, determinism, the command line. Fixtures are built here, in tmp_path.

Expected values are worked out by hand from the rule under test (see data/README.md).
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from minsheng import config
from minsheng.catalogue import districts
from minsheng.contracts import ledger
from minsheng.contracts.checks import CHECKS, FLAG_CODES, QUARANTINE_CODES
from minsheng.contracts.store import read_quality
from minsheng.contracts.store import write as write_outputs
from minsheng.contracts.textsafety import spreadsheet_texts
from minsheng.intake.clean import clean
from minsheng.intake.fields import parse_date, parse_month
from minsheng.intake.form import FORM_COLUMNS
from minsheng.run.cli import EXIT_FAILED, EXIT_OK, EXIT_WARNINGS, main

HEADER = list(FORM_COLUMNS.values())  # 指标编号, 项目名称, … 填报日期
TITLE = "重庆市2026年重点民生实事月调度表"


# ───────────────────────────────────────────── writing submissions the ways units do

# The tiny catalogue's reporting units (tests/conftest.py): a file's 填报单位 line names the
# unit whose indicators it holds, as a real submission does.
UNIT_OF = {"MS01": "市住房城乡建设委", "MS02": "市卫生健康委", "MS03": "市教委", "MS04": "市公安局"}


def unit_of(rows: list[dict]) -> str:
    units = {UNIT_OF.get(str(r.get("指标编号", "")).upper()[:4]) for r in rows} - {None}
    return units.pop() if len(units) == 1 else "市住房城乡建设委"


def _cells(row: dict, header: list[str]) -> list:
    unknown = set(row) - set(header)
    assert not unknown, f"columns not in this header: {unknown}"
    return [row.get(h, "") for h in header]


def write_csv(path: Path, rows: list[dict], *, header: list[str] = HEADER, title: bool = True,
              meta: str | None = "auto", notes: tuple[str, ...] = (),
              encoding: str = "utf-8", blank_lines: int = 0) -> Path:
    """A CSV as Excel saves the form: title line, 填报单位 line, header, rows, notes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if meta == "auto":
        meta = f"填报单位：{unit_of(rows)}"
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        pad = [""] * (len(header) - 1)
        if title:
            w.writerow([TITLE, *pad])
        if meta is not None:
            w.writerow([meta, *pad])
        w.writerow(header)
        for row in rows:
            w.writerow(_cells(row, header))
        for _ in range(blank_lines):
            w.writerow(["", *pad])
        for note in notes:
            w.writerow([note, *pad])
    return path


def write_xlsx(path: Path, rows: list[dict], *, header: list[str] = HEADER, meta: list | None = None,
               notes: tuple[str, ...] = (), blank_rows: int = 0, sheet: str = "月报") -> Path:
    """The form as a workbook: merged title row, a 填报单位 line, header, rows, notes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    ws.cell(1, 1, TITLE)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    for j, v in enumerate(meta or ["填报单位：", unit_of(rows)], start=1):
        ws.cell(2, j, v)
    for j, h in enumerate(header, start=1):
        ws.cell(3, j, h)
    r = 4
    for row in rows:
        for j, v in enumerate(_cells(row, header), start=1):
            if v != "":
                cell = ws.cell(r, j, v)
                if isinstance(v, str) and v.startswith("="):
                    cell.data_type = "s"  # text that looks like a formula, as Excel stores '=…
        r += 1
    for _ in range(blank_rows):  # formatted but empty rows, as Excel leaves them
        for j in range(1, len(header) + 1):
            ws.cell(r, j).number_format = "0.00"
        r += 1
    for note in notes:
        ws.cell(r, 1, note)
        r += 1
    wb.save(path)
    return path


def row(code="MS01-01", district="万州区", month="2026-03", cum="", monthly="", date="2026-04-03",
        **more) -> dict:
    """One form row; keyword arguments use the field names (progress_text=…, baseline=…)."""
    out = {"指标编号": code, "区县": district, "统计月份": month, "累计完成": cum, "本月完成": monthly,
           "填报日期": date}
    out.update({FORM_COLUMNS[k]: v for k, v in more.items()})
    return out


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    path = tmp_path / "raw"
    path.mkdir()
    return path


def run(raw: Path, catalogue):
    result = clean(raw, catalogue)
    q = result.quality
    assert q.rows_in == q.rows_clean + q.rows_quarantined + q.rows_duplicate
    ledger.validate(result.ledger)
    return result


def codes_of(result) -> list[str]:
    return result.quarantine["reason_code"].tolist()


def one_value(result, code="MS01-01", district="万州区", month=3) -> pd.Series:
    led = result.ledger
    hit = led[(led["indicator_id"] == code) & (led["district"] == district) & (led["month"] == month)]
    assert len(hit) == 1, led
    return hit.iloc[0]


# ───────────────────────────────────────────── the basic path and lineage

def test_clean_csv_into_the_ledger_contract(raw, tiny_catalogue):
    write_csv(raw / "2026-03" / "住建委.csv", [
        row(cum="120", monthly="20", progress_text="施工中"),
        row(district="渝中区", cum="30"),
        row(code="MS01-02", district="全市", cum="800"),
    ])
    result = run(raw, tiny_catalogue)
    led = result.ledger
    assert list(led.columns) == list(ledger.COLUMNS)
    assert led.dtypes.astype(str).tolist() == ledger.empty().dtypes.astype(str).tolist()
    assert led["indicator_id"].tolist() == ["MS01-01", "MS01-01", "MS01-02"]
    assert led["district"].tolist() == ["万州区", "渝中区", "全市"]  # official order, not reading order
    first = one_value(result)
    assert first["value"] == 120 and first["monthly_value"] == 20
    assert first["progress_text"] == "施工中"
    assert first["source_file"] == "2026-03/住建委.csv"  # relative, posix
    assert first["source_sheet"] == ""
    assert first["source_row"] == 4  # title, 填报单位, header, then line 4
    assert first["submitted_on"] == pd.Timestamp("2026-04-03")
    assert first["reporting_unit"] == "市住房城乡建设委"  # from the 填报单位 line
    assert first["flags"] == ""
    assert result.quality.rows_in == 3 and result.quality.rows_clean == 3
    assert result.quarantine.empty


def test_arrow_memory_comes_from_the_c_allocator_during_a_clean(raw, tiny_catalogue, monkeypatch):
    """Arrow's huge-page pool is swapped for the C library's while a clean runs, and put back
    afterwards, also when the clean fails."""
    import minsheng.intake.clean as cleaning

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    seen = []
    reader = cleaning.read_submissions

    def spy(*args, **kwargs):
        seen.append(pa.default_memory_pool().backend_name)
        return reader(*args, **kwargs)

    monkeypatch.setattr(cleaning, "read_submissions", spy)
    before = pa.default_memory_pool().backend_name
    assert before != "system"   # the test means nothing if arrow already uses malloc
    write_csv(raw / "2026-03" / "住建委.csv", [row(cum="120")])
    assert run(raw, tiny_catalogue).ledger["value"].tolist() == [120]
    with pytest.raises(FileNotFoundError):
        clean(raw / "不存在", tiny_catalogue)
    assert seen == ["system", "system"]
    assert pa.default_memory_pool().backend_name == before


def test_a_pool_named_in_the_environment_is_left_alone(raw, tiny_catalogue, monkeypatch):
    import minsheng.intake.clean as cleaning

    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    seen = []
    reader = cleaning.read_submissions
    monkeypatch.setattr(cleaning, "read_submissions",
                        lambda *a, **k: seen.append(pa.default_memory_pool().backend_name)
                        or reader(*a, **k))
    write_csv(raw / "2026-03" / "住建委.csv", [row(cum="120")])
    run(raw, tiny_catalogue)
    assert seen == [pa.default_memory_pool().backend_name] and seen != ["system"]


def test_text_only_row_is_kept_with_value_missing(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS03-02", district="全市", progress_text="施工图审查完成")])
    got = one_value(run(raw, tiny_catalogue), "MS03-02", "全市")
    assert pd.isna(got["value"]) and got["progress_text"] == "施工图审查完成"


def test_text_is_verbatim_and_never_evaluated(raw, tiny_catalogue):
    text = "=1+1 已完成\n第二行 "
    write_xlsx(raw / "a.xlsx", [row(cum=5, progress_text=text, remark="@备注")])
    got = one_value(run(raw, tiny_catalogue))
    assert got["progress_text"] == text and got["remark"] == "@备注"


# ───────────────────────────────────────────── layout defects

def test_merged_title_rows_and_meta_line(raw, tiny_catalogue):
    # 统计月份 and 填报日期 only on the line above the header, as the template allows.
    rows = [row(month="", date="", cum=7)]
    write_xlsx(raw / "a.xlsx", rows, meta=["填报单位：", "市住房城乡建设委", "", "", "",
                                          "统计月份：", "2026-03", "", "填报日期：", dt.date(2026, 4, 6)])
    got = one_value(run(raw, tiny_catalogue))
    assert got["value"] == 7 and got["source_row"] == 4 and got["source_sheet"] == "月报"
    assert got["submitted_on"] == pd.Timestamp("2026-04-06")


def test_notes_under_the_table_are_not_input(raw, tiny_catalogue):
    notes = ("注：累计完成为年初至本月末累计数。", "填报人：张三    联系电话：12345678", "审核人：李四")
    write_csv(raw / "a.csv", [row(cum=1), row(district="渝中区", cum=2)], notes=notes)
    result = run(raw, tiny_catalogue)
    q = result.quality
    assert q.rows_in == 2 and q.rows_skipped["note"] == 3
    assert result.quarantine.empty


def test_blank_trailing_rows_are_not_input(raw, tiny_catalogue):
    write_xlsx(raw / "a.xlsx", [row(cum=1)], blank_rows=30)
    write_csv(raw / "b.csv", [row(district="渝中区", cum=2)], blank_lines=5)
    q = run(raw, tiny_catalogue).quality
    assert q.rows_in == 2 and q.rows_clean == 2
    assert q.rows_skipped["blank"] == 5  # the CSV's ",,,," lines; empty xlsx rows are not rows


def test_total_row_and_section_heading_are_skipped(raw, tiny_catalogue):
    rows = [{"指标编号": "一、城市居住品质提升"}, row(cum=1), row(district="渝中区", cum=2),
            {"指标编号": "合计", "累计完成": "3"}]
    write_csv(raw / "a.csv", rows)
    q = run(raw, tiny_catalogue).quality
    assert q.rows_in == 2
    assert q.rows_skipped["total"] == 1 and q.rows_skipped["note"] == 1


def test_unfilled_template_rows_are_not_input(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(cum=1), row(district="渝中区", month="", date="")])
    q = run(raw, tiny_catalogue).quality
    assert q.rows_in == 1 and q.rows_skipped["unfilled"] == 1


def test_renamed_and_reordered_columns(raw, tiny_catalogue):
    header = ["编号", "县区", "累计完成值", "当月完成", "报送月份", "工作进展", "报送日期", "序号"]
    rows = [{"编号": "MS01-01", "县区": "万州区", "累计完成值": "50", "当月完成": "5", "报送月份": "2026年3月",
             "工作进展": "推进中", "报送日期": "2026/4/2", "序号": "1"}]
    write_csv(raw / "a.csv", rows, header=header)
    got = one_value(run(raw, tiny_catalogue))
    assert (got["value"], got["monthly_value"], got["progress_text"]) == (50, 5, "推进中")
    assert got["submitted_on"] == pd.Timestamp("2026-04-02")


def test_header_in_wan_multiplies_the_column(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [{"指标编号": "MS02-02", "区县": "全市", "统计月份": "2026-03",
                               "累计完成（万人次）": "2.5"}],
              header=["指标编号", "区县", "统计月份", "累计完成（万人次）"])
    got = one_value(run(raw, tiny_catalogue), "MS02-02", "全市")
    assert got["value"] == 25000 and got["flags"] == "WAN_CONVERTED"


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-8"])
def test_csv_encodings(raw, tiny_catalogue, encoding):
    write_csv(raw / "a.csv", [row(district="万州", cum="9", progress_text="进展顺利")], encoding=encoding)
    got = one_value(run(raw, tiny_catalogue))
    assert got["value"] == 9 and got["progress_text"] == "进展顺利"


def test_csv_line_numbers_with_quoted_newlines_and_empty_lines(raw, tiny_catalogue):
    path = raw / "a.csv"
    path.write_text(
        "指标编号,区县,统计月份,累计完成,进展情况\n"       # line 1
        "\n"                                              # 2 (empty)
        'MS01-01,万州区,2026-03,1,"第一行\n第二行"\n'      # 3–4
        "\n"                                              # 5 (empty)
        "MS01-01,渝中区,2026-03,2,\n",                    # 6
        encoding="utf-8")
    led = run(raw, tiny_catalogue).ledger
    assert led["source_row"].tolist() == [3, 6]
    assert led["progress_text"].tolist()[0] == "第一行\n第二行"


def test_csv_line_numbers_with_empty_lines_fast_path(raw, tiny_catalogue):
    (raw / "a.csv").write_text("指标编号,区县,统计月份,累计完成\r\n\r\nMS01-01,万州区,2026-03,1\r\n"
                               "\r\n\r\nMS01-01,渝中区,2026-03,2\r\n", encoding="utf-8")
    assert run(raw, tiny_catalogue).ledger["source_row"].tolist() == [3, 6]


def test_csv_fast_and_slow_paths_agree(tmp_path, tiny_catalogue):
    body = ("指标编号,区县,统计月份,累计完成\n\nMS01-01,万州区,2026-03,1\n,,,\n"
            "MS01-01,渝中区,2026-03,2\n\n")
    fast, slow = tmp_path / "fast", tmp_path / "slow"
    fast.mkdir(), slow.mkdir()
    (fast / "a.csv").write_text(body + "注：说明,,,\n", encoding="utf-8")   # regular: pyarrow
    (slow / "a.csv").write_text(body + "注：说明\n", encoding="utf-8")      # ragged: csv module
    one, two = run(fast, tiny_catalogue), run(slow, tiny_catalogue)
    assert one.quality.rows_skipped == two.quality.rows_skipped == {
        "blank": 3, "note": 1, "total": 0, "unfilled": 0}
    assert one.ledger["source_row"].tolist() == two.ledger["source_row"].tolist() == [3, 5]


# ───────────────────────────────────────────── value defects

@pytest.mark.parametrize(("typed", "value", "flags"), [
    ("1.2万", 12000, "WAN_CONVERTED"), ("3,000", 3000, ""), ("１２００", 1200, ""),
    ("约3000", 3000, "APPROX"), ("3000余", 3000, "APPROX"), ("三千二百", 3200, "CHINESE_NUMERAL"),
])
def test_typed_figures_are_repaired(raw, tiny_catalogue, typed, value, flags):
    write_csv(raw / "a.csv", [row(code="MS01-02", district="全市", cum=typed)])
    got = one_value(run(raw, tiny_catalogue), "MS01-02", "全市")
    assert got["value"] == value and got["flags"] == flags


@pytest.mark.parametrize("typed", ["—", "/", "", "无"])
def test_placeholders_are_missing_not_zero(raw, tiny_catalogue, typed):
    write_csv(raw / "a.csv", [row(cum=typed, progress_text="暂无数据")])
    got = one_value(run(raw, tiny_catalogue))
    assert pd.isna(got["value"])


def test_percent_fraction_and_percent_sign(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [
        row(code="MS02-01", district="全市", cum="0.55"),                  # level, %, target 55
        row(code="MS02-01", district="全市", month="2026-04", cum="56%"),
    ])
    write_csv(raw / "b.csv", [row(code="MS01-02", district="全市", cum="55%")])  # 部: no %
    result = run(raw, tiny_catalogue)
    march = one_value(result, "MS02-01", "全市", 3)
    assert march["value"] == 55 and march["flags"] == "PERCENT_SCALED"
    assert one_value(result, "MS02-01", "全市", 4)["value"] == 56
    assert codes_of(result) == ["PERCENT_UNEXPECTED"]


def test_percent_cell_in_a_workbook(raw, tiny_catalogue):
    path = write_xlsx(raw / "a.xlsx", [row(code="MS02-01", district="全市", cum=0.55)])
    wb = openpyxl.load_workbook(path)
    wb["月报"]["I4"].number_format = "0%"  # Excel shows 55%
    wb.save(path)
    got = one_value(run(raw, tiny_catalogue), "MS02-01", "全市")
    assert got["value"] == 55 and got["flags"] == ""


def test_negative_is_quarantined(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(cum="-5"), row(district="渝中区", cum="5")])
    result = run(raw, tiny_catalogue)
    assert codes_of(result) == ["NEGATIVE"]
    q = result.quarantine.iloc[0]
    assert (q["file"], q["row"], q["column"], q["raw_value"]) == ("a.csv", 4, "累计完成", "-5")
    assert result.quality.rows_quarantined == 1 and len(result.ledger) == 1


def test_unparseable_number_is_quarantined(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(cum="见附件")])
    assert codes_of(run(raw, tiny_catalogue)) == ["NUMBER_INVALID"]


def test_unknown_and_missing_codes(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS99-01", cum=1), row(code="", cum=2), row(code="ms1-1", cum=3)])
    result = run(raw, tiny_catalogue)
    assert codes_of(result) == ["CODE_UNKNOWN", "CODE_MISSING"]
    assert one_value(result)["flags"] == "CODE_REPAIRED"


@pytest.mark.parametrize("typed", ["2026-03", "2026年3月", "202603", "2026/3", "2026-03-31",
                                   "2026.03", "2026年03月份", "46082"])
def test_month_formats(raw, tiny_catalogue, typed):
    write_csv(raw / "a.csv", [row(month=typed, cum=1)])
    assert one_value(run(raw, tiny_catalogue))["month"] == 3


def test_month_as_excel_date(raw, tiny_catalogue):
    write_xlsx(raw / "a.xlsx", [row(month=dt.datetime(2026, 3, 1), cum=1)])
    assert one_value(run(raw, tiny_catalogue))["month"] == 3


def test_month_outside_year_or_unreadable(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(month="2025-12", cum=1), row(month="三月份", cum=1),
                              row(month="2026-13", cum=1), row(month="", date="", cum=1)])
    assert codes_of(run(raw, tiny_catalogue)) == ["MONTH_OUT_OF_YEAR", "MONTH_INVALID",
                                                 "MONTH_INVALID", "MONTH_INVALID"]


def test_month_without_year_is_assumed_and_flagged(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(month="3月", cum=1)])
    assert one_value(run(raw, tiny_catalogue))["flags"] == "MONTH_YEAR_ASSUMED"


def test_districts(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [
        row(district="万州", cum=1),                         # suffix missing → 万州区
        row(district="石柱县", cum=2),                       # → 石柱土家族自治县
        row(code="MS01-02", district="市级", cum=3),          # → 全市
        row(code="MS01-02", district="", month="2026-04", cum=4),  # city-wide indicator: 全市
        row(district="", month="2026-04", cum=5),            # by-district indicator: 全市, flagged
        row(district="两江新区", cum=6),                      # not one of the 38
    ])
    result = run(raw, tiny_catalogue)
    assert one_value(result, "MS01-01", "万州区")["flags"] == "DISTRICT_REPAIRED"
    assert one_value(result, "MS01-01", "石柱土家族自治县")["value"] == 2
    assert one_value(result, "MS01-02", "全市")["value"] == 3
    assert one_value(result, "MS01-02", "全市", 4)["flags"] == ""
    assert one_value(result, "MS01-01", "全市", 4)["flags"] == "DISTRICT_DEFAULTED"
    assert codes_of(result) == ["DISTRICT_UNKNOWN"]


def test_ten_times_the_target_is_quarantined(raw, tiny_catalogue):
    # MS01-01 targets 600: 6000 is the limit, 6001 is over it (a forgotten 万 the other way).
    write_csv(raw / "a.csv", [row(cum="6000"), row(district="渝中区", cum="6001"),
                              row(district="江北区", cum="12000", monthly="120万")])
    result = run(raw, tiny_catalogue)
    assert codes_of(result) == ["IMPLAUSIBLE", "IMPLAUSIBLE", "IMPLAUSIBLE"]
    assert result.quarantine["row"].tolist() == [5, 6, 6]
    assert "10倍" in result.quarantine["reason"].iloc[0]


def test_ten_thousand_times_too_small_is_a_warning(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS01-02", district="全市", month="2026-02", cum="1200"),
                              row(code="MS01-02", district="全市", month="2026-03", cum="0.12")])
    result = run(raw, tiny_catalogue)
    march = one_value(result, "MS01-02", "全市", 3)
    assert march["value"] == 0.12  # kept as reported
    assert march["flags"] == "CUMULATIVE_DECREASE;LIKELY_WAN"
    assert result.quality.warnings["LIKELY_WAN"] == 1


def test_cumulative_below_last_month_is_kept_and_flagged(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(month="2026-02", cum="50"), row(month="2026-03", cum="45")])
    result = run(raw, tiny_catalogue)
    assert one_value(result)["value"] == 45
    assert one_value(result)["flags"] == "CUMULATIVE_DECREASE"
    assert result.quarantine.empty


def test_level_going_down_is_not_a_cumulative_decrease(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS02-01", district="全市", month="2026-02", cum="50"),
                              row(code="MS02-01", district="全市", month="2026-03", cum="48")])
    assert one_value(run(raw, tiny_catalogue), "MS02-01", "全市")["flags"] == ""


# ───────────────────────────────────────────── monthly vs cumulative

def test_cumulative_derived_from_monthly(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [
        row(month="2026-01", monthly="10"),              # month 1: 0 + 10
        row(month="2026-02", monthly="5"),               # 10 + 5
        row(month="2026-03", cum="20", monthly="5"),     # reported 累计 agrees
        row(month="2026-04", cum="30", monthly="5"),     # 20 + 5 ≠ 30: keep 30, MISMATCH
        row(month="2026-06", monthly="5"),               # May missing: cannot derive
    ])
    led = run(raw, tiny_catalogue).ledger.set_index("month")
    assert led.loc[1, "value"] == 10 and led.loc[1, "flags"] == "DERIVED"
    assert led.loc[2, "value"] == 15 and led.loc[2, "flags"] == "DERIVED"
    assert led.loc[3, "value"] == 20 and led.loc[3, "flags"] == ""
    assert led.loc[4, "value"] == 30 and led.loc[4, "flags"] == "MISMATCH"
    assert pd.isna(led.loc[6, "value"]) and led.loc[6, "flags"] == "NOT_DERIVABLE"


def test_levels_are_never_summed(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS02-01", district="全市", month="2026-01", monthly="45")])
    got = one_value(run(raw, tiny_catalogue), "MS02-01", "全市", 1)
    assert pd.isna(got["value"]) and got["flags"] == "NOT_DERIVABLE"


# ───────────────────────────────────────────── duplicates and revisions

def test_duplicate_rows_count_once(raw, tiny_catalogue):
    r = row(cum="10")
    write_csv(raw / "a.csv", [r, r, row(district="渝中区", cum="1")])
    write_csv(raw / "b.csv", [r])  # the same file sent twice
    result = run(raw, tiny_catalogue)
    q = result.quality
    assert (q.rows_in, q.rows_clean, q.rows_duplicate) == (4, 2, 2)
    assert one_value(result)["source_row"] == 4 and one_value(result)["source_file"] == "a.csv"


def test_revision_by_later_date_wins(raw, tiny_catalogue):
    write_csv(raw / "z_first.csv", [row(cum="10", date="2026-04-03")])
    write_csv(raw / "a_correction.csv", [row(cum="12", date="2026-04-10")])  # read first, dated later
    result = run(raw, tiny_catalogue)
    got = one_value(result)
    assert got["value"] == 12 and got["source_file"] == "a_correction.csv"
    hist = result.history  # in reading order: a_correction.csv, then z_first.csv
    assert hist["source_file"].tolist() == ["a_correction.csv", "z_first.csv"]
    assert hist["superseded"].tolist() == [False, True]
    assert hist["value"].tolist() == [12, 10]
    assert result.quality.revisions_applied == 1


def test_revision_same_date_later_file_wins(raw, tiny_catalogue):
    write_csv(raw / "1.csv", [row(cum="10")])
    write_csv(raw / "2.csv", [row(cum="11")])
    assert one_value(run(raw, tiny_catalogue))["value"] == 11


# ───────────────────────────────────────────── rejected files

def test_rejected_files_are_listed_and_the_rest_cleaned(raw, tiny_catalogue, monkeypatch):
    write_csv(raw / "good.csv", [row(cum="1")])
    (raw / "corrupt.xlsx").write_bytes(b"PK\x03\x04 this is not a zip archive")
    (raw / "empty.csv").write_bytes(b"")
    (raw / "blank.csv").write_text(" \n\n", encoding="utf-8")
    wb = openpyxl.Workbook()
    wb.save(raw / "empty.xlsx")
    (raw / "notes.txt").write_text("说明", encoding="utf-8")
    (raw / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0")  # a truncated .xls
    (raw / "noheader.csv").write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    (raw / ".DS_Store").write_bytes(b"\x00")      # hidden: not read, listed
    (raw / "~$good.xlsx").write_bytes(b"\x00")    # Office lock file: not read, listed
    result = run(raw, tiny_catalogue)
    rejected = {r.file: r.reason_code for r in result.quality.files_rejected}
    assert rejected == {"blank.csv": "FILE_EMPTY", "corrupt.xlsx": "FILE_UNREADABLE",
                        "empty.csv": "FILE_EMPTY", "empty.xlsx": "FILE_EMPTY",
                        "noheader.csv": "FILE_NO_HEADER", "notes.txt": "FILE_TYPE",
                        "old.xls": "FILE_UNREADABLE"}
    assert all(r.reason for r in result.quality.files_rejected)
    assert {r.file: r.reason_code for r in result.quality.files_skipped} == {
        ".DS_Store": "SKIP_FILE_HIDDEN", "~$good.xlsx": "SKIP_FILE_LOCK"}
    assert result.quality.files_read == 1 and len(result.ledger) == 1


def test_password_protected_workbook_is_rejected(raw, tiny_catalogue, tmp_path):
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(tmp_path / "plain.xlsx", [row(cum="1")])
    with open(plain, "rb") as src, open(raw / "locked.xlsx", "wb") as dst:
        OOXMLFile(src).encrypt("secret", dst)
    result = run(raw, tiny_catalogue)
    assert [r.model_dump() for r in result.quality.files_rejected] == [
        {"file": "locked.xlsx", "reason_code": "FILE_ENCRYPTED", "reason": "文件设有打开密码，无法读取"}]


def test_oversized_file_is_rejected(raw, tiny_catalogue, monkeypatch):
    small = write_csv(raw / "small.csv", [row(cum="1")], title=False, meta=None)
    write_csv(raw / "big.csv", [row(district=d, cum="1") for d in districts.official()])
    monkeypatch.setitem(config.settings()["limits"], "max_file_bytes", small.stat().st_size)
    result = run(raw, tiny_catalogue)
    assert [r.reason_code for r in result.quality.files_rejected] == ["FILE_TOO_LARGE"]
    assert result.quality.files_rejected[0].file == "big.csv"
    assert result.quality.files_read == 1


# ───────────────────────────────────────────── the whole run

def _malformed_set(raw: Path, seed: int = 7) -> None:
    """Many files with every defect mixed in, plus rejected files."""
    rng = random.Random(seed)
    codes = ["MS01-01", "MS01-02", "MS02-01", "MS03-01", "MS99-09", "", "ms1-2"]
    districts = ["万州区", "渝中区", "全市", "万州", "两江新区", "", "市级"]
    months = ["2026-01", "2026-02", "2026年3月", "202604", "2025-12", "", "3月", "abc"]
    figures = ["10", "1.2万", "3,000", "约30", "—", "", "-4", "abc", "99999999", "0.5", "55%", "三千"]
    for f in range(12):
        rows = []
        for _ in range(rng.randint(5, 40)):
            r = row(code=rng.choice(codes), district=rng.choice(districts), month=rng.choice(months),
                    cum=rng.choice(figures), monthly=rng.choice(figures),
                    date=rng.choice(["2026-04-03", "2026-05-20", "", "昨天"]),
                    progress_text=rng.choice(["", "推进中", "=SUM(A1)"]))
            rows.append(r)
            if rng.random() < 0.2:
                rows.append(r)  # a duplicate
        notes = ("注：数据截至月末",) if f % 3 == 0 else ()
        if f % 2:
            write_csv(raw / f"u{f:02d}.csv", rows, notes=notes, blank_lines=f % 4,
                      encoding="gbk" if f % 5 == 0 else "utf-8")
        else:
            write_xlsx(raw / f"u{f:02d}.xlsx", rows, notes=notes, blank_rows=f % 4)
    (raw / "broken.xlsx").write_bytes(b"garbage")
    (raw / "empty.csv").write_bytes(b"")


def test_no_row_is_lost_on_a_malformed_set(raw, tiny_catalogue):
    _malformed_set(raw)
    result = run(raw, tiny_catalogue)
    q = result.quality
    assert q.rows_in == q.rows_clean + q.rows_quarantined + q.rows_duplicate
    assert q.rows_in > 100 and q.rows_quarantined > 0 and q.rows_duplicate > 0
    assert len(result.history) == q.rows_clean
    assert len(result.ledger) == q.rows_clean - q.revisions_applied
    # every quarantined row appears in quarantine.csv, and only those
    quarantined = result.quarantine[["file", "sheet", "row"]].drop_duplicates()
    assert len(quarantined) == q.rows_quarantined
    # per file, the same sum holds
    for f in q.files:
        assert f.rows_in == f.rows_clean + f.rows_quarantined + f.rows_duplicate
    assert sum(f.rows_in for f in q.files) == q.rows_in
    assert set(q.quarantine_by_code) <= set(QUARANTINE_CODES)
    assert set(q.warnings) <= set(FLAG_CODES)


def test_outputs_are_deterministic(raw, tiny_catalogue, tmp_path):
    _malformed_set(raw)
    one, two = tmp_path / "out1", tmp_path / "out2"
    write_outputs(clean(raw, tiny_catalogue), one)
    write_outputs(clean(raw, tiny_catalogue), two)
    names = ["ledger.parquet", "history.parquet", "quarantine.csv", "quality.json"]
    for name in names:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name


def test_outputs_on_disk(raw, tiny_catalogue, tmp_path):
    write_csv(raw / "a.csv", [row(cum="5"), row(cum="-5", district="渝中区", progress_text="=HYPERLINK(1)")])
    out = tmp_path / "out"
    write_outputs(clean(raw, tiny_catalogue), out)
    back = ledger.validate(ledger.conform(pd.read_parquet(out / "ledger.parquet")))
    assert back["value"].tolist() == [5]
    hist = pd.read_parquet(out / "history.parquet")
    assert list(hist.columns) == [*ledger.COLUMNS, "superseded"]
    assert hist.dtypes.astype(str).tolist()[:-1] == ledger.empty().dtypes.astype(str).tolist()
    raw_csv = (out / "quarantine.csv").read_bytes()
    assert raw_csv.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads the Chinese as UTF-8
    q = pd.read_csv(out / "quarantine.csv", encoding="utf-8-sig", dtype=str)
    assert list(q.columns) == ["file", "sheet", "row", "column", "raw_value", "reason_code", "reason"]
    assert q["raw_value"].tolist() == ["'-5"]  # a cell starting with - is not a formula in Excel
    quality = read_quality(out)
    assert quality.rows_quarantined == 1 and quality.quarantine_by_code == {"NEGATIVE": 1}


def test_formula_neutralisation():
    arr = pa.array(["=1+1", "+SUM(A1)", "-2", "@x", "ok", "5", "\t=x", "#N/A", None])
    assert spreadsheet_texts(arr).to_pylist() == [
        "'=1+1", "'+SUM(A1)", "'-2", "'@x", "ok", "5", "'\t=x", "'#N/A", None]


def test_quarantine_csv_neutralises_a_formula_code(raw, tiny_catalogue, tmp_path):
    write_csv(raw / "a.csv", [row(code="=cmd|' /C calc'!A0", cum="1")])
    write_outputs(clean(raw, tiny_catalogue), tmp_path / "out")
    q = pd.read_csv(tmp_path / "out" / "quarantine.csv", encoding="utf-8-sig", dtype=str)
    assert q["raw_value"].tolist() == ["'=cmd|' /C calc'!A0"]
    assert q["reason_code"].tolist() == ["CODE_UNKNOWN"]


def test_submissions_on_time_late_missing(raw, tiny_catalogue):
    write_csv(raw / "zjw_03.csv", [row(month="2026-03", cum="1", date="2026-04-05")])   # on the due day
    write_csv(raw / "zjw_04.csv", [row(month="2026-04", cum="2", date="2026-05-06")])   # a day late
    write_csv(raw / "jw_03.csv", [row(code="MS03-02", district="全市", month="2026-03", cum="1",
                                      date="")], meta=None)                                # no date
    sub = run(raw, tiny_catalogue).quality.submissions
    status = {(s.reporting_unit, s.month): s.status for s in sub.by_unit}
    assert sub.months == ["2026-03", "2026-04"]
    assert status[("市住房城乡建设委", "2026-03")] == "on_time"
    assert status[("市住房城乡建设委", "2026-04")] == "late"
    assert status[("市教委", "2026-03")] == "undated"
    assert status[("市教委", "2026-04")] == "missing"
    assert status[("市公安局", "2026-03")] == "missing"
    assert sub.summary == {"on_time": 1, "late": 1, "undated": 1, "missing": 5}


def test_every_code_has_a_chinese_reason_and_is_documented():
    readme = (config.ROOT / "data" / "README.md").read_text(encoding="utf-8")
    for check in CHECKS:
        assert check.reason and check.code in readme, check.code


def test_month_and_date_parsers():
    assert parse_month("2026年3月", 2026) == (2026, 3, False)
    assert parse_month("2026-03-31 00:00:00", 2026) == (2026, 3, False)
    assert parse_month("3月份", 2026) == (2026, 3, True)
    assert parse_month("2026-00", 2026) is None
    assert parse_date("2026年4月3日") == dt.date(2026, 4, 3)
    assert parse_date("2026/4/31") is None
    assert parse_date("46115") == dt.date(2026, 4, 3)


# ───────────────────────────────────────────── command line

def test_cli_exit_codes(raw, tiny_catalogue_path, tmp_path, capsys):
    out = tmp_path / "out"
    write_csv(raw / "a.csv", [row(cum="1")])
    args = ["clean", str(raw), "--out", str(out), "--catalogue", str(tiny_catalogue_path)]
    assert main(args) == EXIT_OK
    assert "入账 1" in capsys.readouterr().out
    assert (out / "ledger.parquet").exists()

    write_csv(raw / "b.csv", [row(cum="-1", district="渝中区")])
    assert main(args) == EXIT_WARNINGS
    (raw / "b.csv").unlink()
    (raw / "c.txt").write_text("x", encoding="utf-8")
    assert main(args) == EXIT_WARNINGS  # a rejected file is a warning too

    assert main(["clean", str(tmp_path / "nowhere"), "--out", str(out),
                 "--catalogue", str(tiny_catalogue_path)]) == EXIT_FAILED
    bad = tmp_path / "bad.yaml"
    bad.write_text("year: 2026\nitems: [", encoding="utf-8")
    assert main(["clean", str(raw), "--out", str(out), "--catalogue", str(bad)]) == EXIT_FAILED
    assert "错误" in capsys.readouterr().err


def test_many_rows_stay_vectorized(raw, tiny_catalogue):
    # 20,000 rows across two files: a smoke test that nothing runs per row in Python.
    rng = np.random.default_rng(1)
    names = list(districts.official())
    for f in range(2):
        rows = [row(district=names[i % 38], month=f"2026-{1 + (i // 38) % 12:02d}",
                    cum=str(int(rng.integers(0, 50))), date=f"2026-0{5 + f}-01")
                for i in range(10_000)]
        write_csv(raw / f"{f}.csv", rows)
    result = run(raw, tiny_catalogue)
    assert result.quality.rows_in == 20_000
    assert len(result.ledger) == 38 * 12
