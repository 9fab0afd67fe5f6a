"""Which sheet of a workbook is read, and merged cells (findings 5 and 6; data/README.md §1)."""

from __future__ import annotations

import openpyxl
import pytest
from test_cleaning import HEADER, row, run, write_xlsx


@pytest.fixture
def raw(tmp_path):
    (tmp_path / "raw").mkdir()
    return tmp_path / "raw"


def _add_form_sheet(path, title: str, rows: list[dict], hidden: bool = False) -> None:
    """Another sheet in the form's layout (header on row 3) in an existing workbook."""
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet(title)
    for j, h in enumerate(HEADER, start=1):
        ws.cell(3, j, h)
    for i, r in enumerate(rows, start=4):
        for j, h in enumerate(HEADER, start=1):
            if r.get(h, "") != "":
                ws.cell(i, j, r[h])
    if hidden:
        ws.sheet_state = "hidden"
    wb.save(path)


def test_hidden_and_draft_sheets_are_not_read_and_are_listed(raw, tiny_catalogue):
    path = write_xlsx(raw / "a.xlsx", [row(cum=5)])                      # sheet 月报
    _add_form_sheet(path, "草稿", [row(cum=500)])
    _add_form_sheet(path, "隐藏", [row(cum=50)], hidden=True)
    _add_form_sheet(path, "月报 (2)", [row(cum=55)])                     # Excel's copy of 月报
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("代码表").cell(1, 1, "万州区")                         # no header: not data
    wb["代码表"].sheet_state = "hidden"
    wb.save(path)
    result = run(raw, tiny_catalogue)
    assert result.ledger["value"].tolist() == [5]
    assert result.ledger["source_sheet"].tolist() == ["月报"]
    skipped = [(s.file, s.sheet, s.reason_code) for s in result.quality.sheets_skipped]
    assert skipped == [("a.xlsx", "草稿", "SKIP_SHEET_DRAFT"), ("a.xlsx", "隐藏", "SKIP_SHEET_HIDDEN"),
                       ("a.xlsx", "月报 (2)", "SKIP_SHEET_DRAFT")]
    assert result.quality.rows_in == 1


def test_two_matching_visible_sheets_is_an_error_naming_both(raw, tiny_catalogue):
    path = write_xlsx(raw / "a.xlsx", [row(cum=5)])
    _add_form_sheet(path, "4月", [row(month="2026-04", cum=6)])
    result = run(raw, tiny_catalogue)
    [rej] = result.quality.files_rejected
    assert rej.reason_code == "FILE_SHEETS_AMBIGUOUS"
    assert "“月报”" in rej.reason and "“4月”" in rej.reason
    assert result.quality.rows_in == 0


def test_only_a_draft_sheet_is_no_header_saying_why(raw, tiny_catalogue):
    write_xlsx(raw / "a.xlsx", [row(cum=5)], sheet="月报草稿")
    result = run(raw, tiny_catalogue)
    [rej] = result.quality.files_rejected
    assert rej.reason_code == "FILE_NO_HEADER" and "月报草稿" in rej.reason
    assert [s.sheet for s in result.quality.sheets_skipped] == ["月报草稿"]


def test_cells_merged_down_a_column_take_the_merged_value(raw, tiny_catalogue):
    rows = [row(district=d, cum=str(i + 1)) for i, d in enumerate(["万州区", "涪陵区", "渝中区"])]
    path = write_xlsx(raw / "a.xlsx", rows, notes=("注：本表累计完成为年初至本月末累计数",))
    wb = openpyxl.load_workbook(path)
    ws = wb["月报"]
    ws.merge_cells("A4:A6")                       # 指标编号 merged over the three districts
    ws.merge_cells("A7:O7")                       # a note across the table: stays one note
    wb.save(path)
    result = run(raw, tiny_catalogue)
    assert result.quarantine.empty, result.quarantine
    assert result.ledger.set_index("district")["value"].to_dict() == {
        "万州区": 1, "涪陵区": 2, "渝中区": 3}
    assert result.ledger["indicator_id"].unique().tolist() == ["MS01-01"]
    assert result.quality.rows_skipped["note"] == 1
