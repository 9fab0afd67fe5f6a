"""Formula cells (finding 2): without a saved result quarantined with the formula in the reason,
with one used and flagged. Workbooks written by scripts (openpyxl) save no results; Excel and
LibreOffice do (tests/fixtures/formats/formulas.xlsx, made by make_formats.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from test_cleaning import row, run, write_xlsx

FIXTURES = Path(__file__).parent / "fixtures" / "formats"


@pytest.fixture
def raw(tmp_path):
    (tmp_path / "raw").mkdir()
    return tmp_path / "raw"


def _with_formula(path: Path, cell: str, formula: str) -> Path:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["月报"][cell] = formula  # openpyxl stores the formula and no result, as scripts do
    wb.save(path)
    return path


def test_formula_without_a_saved_result_is_quarantined_with_its_text(raw, tiny_catalogue):
    path = write_xlsx(raw / "script.xlsx", [row(cum=5), row(district="渝中区", cum=7)])
    _with_formula(path, "I5", "=SUM(H5:H9)")     # 累计完成 of 渝中区, row 5
    result = run(raw, tiny_catalogue)
    q = result.quarantine
    assert q[["row", "column", "raw_value", "reason_code"]].values.tolist() == [
        [5, "累计完成", "=SUM(H5:H9)", "FORMULA_NO_VALUE"]]   # one problem: not also NUMBER_INVALID
    assert "=SUM(H5:H9)" in q["reason"].iloc[0]
    assert result.quality.rows_quarantined == 1 and result.quality.rows_in == 2
    assert result.ledger["district"].tolist() == ["万州区"]


def test_formula_in_a_key_field_without_result_is_one_problem(raw, tiny_catalogue):
    path = write_xlsx(raw / "script.xlsx", [row(cum=5)])
    _with_formula(path, "F4", '=IF(1,"万州区","")')            # 区县
    result = run(raw, tiny_catalogue)
    assert result.quarantine["reason_code"].tolist() == ["FORMULA_NO_VALUE"]
    assert result.quarantine["column"].tolist() == ["区县"]


def test_formula_with_a_saved_result_is_used_and_flagged(raw, tiny_catalogue):
    shutil.copyfile(FIXTURES / "formulas.xlsx", raw / "formulas.xlsx")
    result = run(raw, tiny_catalogue)
    # 万州区: =100+20 saved as 120 → used, flagged. 渝中区: =1/0 saved as #DIV/0! → not a number.
    got = result.ledger.set_index("district")
    assert got.loc["万州区", "value"] == 120 and got.loc["万州区", "flags"] == "FORMULA_VALUE"
    assert got.loc["全市", "flags"] == "" and got.loc["全市", "value"] == 800
    q = result.quarantine
    assert q[["row", "raw_value", "reason_code"]].values.tolist() == [[5, "#DIV/0!", "NUMBER_INVALID"]]
    assert result.quality.warnings == {"FORMULA_VALUE": 1}
    assert pd.isna(got.loc["全市", "monthly_value"])
