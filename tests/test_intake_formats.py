"""Every workbook format offices send, read at library speed (finding 11).

tests/fixtures/formats/form.{xlsx,xlsm,xls,xlsb,ods} hold the same submission in the form's
layout (made by make_formats.py): 市住房城乡建设委, 2026-03, 填报日期 2026-04-03 (a date cell),
MS01-01 万州区 本月 20 累计 120 "施工中"; MS01-01 渝中区 累计 30.5; MS01-02 全市 累计 800
备注 "按计划推进". Header on row 3, so the rows are 4, 5, 6.
"""

from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pandas as pd
import pytest
from test_cleaning import run

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
FORMATS = ["xlsx", "xlsm", "xls", "xlsb", "ods"]


@pytest.fixture
def raw(tmp_path):
    (tmp_path / "raw").mkdir()
    return tmp_path / "raw"


@pytest.mark.parametrize("ext", FORMATS)
def test_each_format_reaches_the_ledger_with_the_right_values(raw, tiny_catalogue, ext):
    shutil.copyfile(FIXTURES / f"form.{ext}", raw / f"市住房城乡建设委_2026年03月.{ext}")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no engine FutureWarning, nothing else either
        result = run(raw, tiny_catalogue)
    assert result.quality.files_rejected == [] and result.quarantine.empty
    led = result.ledger
    assert led[["indicator_id", "district", "month", "value", "source_row"]].values.tolist() == [
        ["MS01-01", "万州区", 3, 120.0, 4], ["MS01-01", "渝中区", 3, 30.5, 5],
        ["MS01-02", "全市", 3, 800.0, 6]]
    assert led["monthly_value"].tolist()[0] == 20 and led["monthly_value"].isna().tolist()[1:] == [
        True, True]
    assert led["progress_text"].tolist()[0] == "施工中" and led["remark"].tolist()[2] == "按计划推进"
    assert (led["submitted_on"] == pd.Timestamp("2026-04-03")).all()
    assert (led["reporting_unit"] == "市住房城乡建设委").all()
    assert (led["flags"] == "").all() and (led["source_sheet"] == "月报").all()


def test_an_old_xls_renamed_xlsx_is_read_as_what_it_is(raw, tiny_catalogue):
    shutil.copyfile(FIXTURES / "form.xls", raw / "form.xlsx")
    assert run(raw, tiny_catalogue).ledger["value"].tolist() == [120, 30.5, 800]


def test_plain_workbooks_are_read_without_openpyxl(raw, tiny_catalogue, monkeypatch):
    """openpyxl (~14× slower) is asked only about percent styles, formulas and error values."""
    import openpyxl

    def refuse(*a, **k):
        raise AssertionError("openpyxl used for a plain workbook")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)
    monkeypatch.setattr("openpyxl.reader.excel.load_workbook", refuse)
    for ext in FORMATS:
        shutil.copyfile(FIXTURES / f"form.{ext}", raw / f"{ext}.{ext}")
    result = run(raw, tiny_catalogue)
    assert result.quality.files_read == 5 and result.quality.files_rejected == []
    assert result.quality.rows_duplicate == 12   # the same three rows, five times


def test_a_percent_cell_in_an_xlsx_still_reads_as_shown(raw, tiny_catalogue):
    import openpyxl
    from test_cleaning import row, write_xlsx

    path = write_xlsx(raw / "a.xlsx", [row(code="MS02-01", district="全市", cum=0.553)])
    wb = openpyxl.load_workbook(path)
    wb["月报"]["I4"].number_format = "0.0%"
    wb.save(path)
    got = run(raw, tiny_catalogue).ledger.iloc[0]
    assert got["value"] == pytest.approx(55.3) and got["flags"] == ""


def test_percent_cells_next_to_formulas_read_as_shown(raw, tiny_catalogue):
    """With formulas in the workbook openpyxl reads the cells; percents come out the same."""
    import openpyxl
    from test_cleaning import row, write_xlsx

    path = write_xlsx(raw / "a.xlsx", [row(code="MS02-01", district="全市", cum=0.553, remark="x")])
    wb = openpyxl.load_workbook(path)
    wb["月报"]["I4"].number_format = "0.0%"
    wb["月报"]["M4"] = "=1+1"                         # 备注: a formula without a saved result
    wb.save(path)
    result = run(raw, tiny_catalogue)
    assert result.quarantine["reason_code"].tolist() == ["FORMULA_NO_VALUE"]
    path.unlink()
    path = write_xlsx(raw / "b.xlsx", [row(code="MS02-01", district="全市", cum=0.553)])
    wb = openpyxl.load_workbook(path)
    wb["月报"]["I4"].number_format = "0.0%"
    wb["月报"]["P1"] = "=1+1"                         # outside the table
    wb.save(path)
    got = run(raw, tiny_catalogue).ledger.iloc[0]
    assert got["value"] == pytest.approx(55.3) and got["flags"] == ""
