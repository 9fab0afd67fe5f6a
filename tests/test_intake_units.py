"""Who may report what (finding 8; data/README.md §3): the catalogue's reporting unit is the
authority; district offices report by-district indicators through their lead unit's file.

Tiny catalogue: MS03-01 (coverage, by district) and MS03-02 (city-wide) are 市教委's; MS04-01
is 市公安局's; MS01-01 (by district) 市住房城乡建设委's.
"""

from __future__ import annotations

import pytest
from minsheng import config
from test_cleaning import one_value, row, run, write_csv


@pytest.fixture
def raw(tmp_path):
    (tmp_path / "raw").mkdir()
    return tmp_path / "raw"


def test_a_unit_reporting_another_units_indicator_is_quarantined(raw, tiny_catalogue):
    # 市教委's file, 填报单位 市教委, reporting 市公安局's MS04-01.
    write_csv(raw / "市教委_2026年03月.csv",
              [row(code="MS04-01", district="全市", cum="5", reporting_unit="市教委"),
               row(code="MS03-02", district="全市", cum="1", reporting_unit="市教委")], meta=None)
    result = run(raw, tiny_catalogue)
    q = result.quarantine
    assert q[["row", "column", "raw_value", "reason_code"]].values.tolist() == [
        [3, "填报单位", "市教委", "NOT_RESPONSIBLE"]]
    assert q["reason"].iloc[0].startswith("非责任单位报送")
    assert result.ledger["indicator_id"].tolist() == ["MS03-02"]


def test_an_empty_reporting_unit_is_judged_by_the_file_name(raw, tiny_catalogue):
    write_csv(raw / "2026-03" / "市教委_2026年03月.csv",
              [row(code="MS04-01", district="全市", cum="5")], meta=None)
    assert run(raw, tiny_catalogue).quarantine["reason_code"].tolist() == ["NOT_RESPONSIBLE"]


def test_a_file_whose_name_and_reporting_unit_disagree_is_flagged(raw, tiny_catalogue):
    # A file named 市教委 whose rows say 填报单位 市公安局, reporting a 市公安局 indicator.
    write_csv(raw / "市教委_2026年03月.csv",
              [row(code="MS04-01", district="全市", cum="5", reporting_unit="市公安局")], meta=None)
    result = run(raw, tiny_catalogue)
    got = one_value(result, "MS04-01", "全市")
    assert got["value"] == 5 and got["flags"] == "UNIT_FILE_MISMATCH"
    assert result.quality.warnings == {"UNIT_FILE_MISMATCH": 1}


def test_district_offices_report_through_their_lead_units_file(raw, tiny_catalogue):
    write_csv(raw / "市教委_2026年03月.csv", [
        row(code="MS03-01", district="万州区", cum="1", reporting_unit="万州区教委"),   # by district
        row(code="MS03-02", district="全市", cum="1", reporting_unit="万州区教委"),     # city-wide
    ], meta=None)
    write_csv(raw / "市公安局_2026年03月.csv", [                                      # not the lead's
        row(code="MS03-01", district="渝中区", cum="1", reporting_unit="渝中区教委")], meta=None)
    result = run(raw, tiny_catalogue)
    assert result.ledger[["indicator_id", "district"]].values.tolist() == [["MS03-01", "万州区"]]
    assert one_value(result, "MS03-01", "万州区")["flags"] == ""
    q = result.quarantine
    assert q[["file", "reason_code"]].values.tolist() == [
        ["市公安局_2026年03月.csv", "NOT_RESPONSIBLE"], ["市教委_2026年03月.csv", "NOT_RESPONSIBLE"]]


def test_a_longer_name_of_the_unit_is_the_unit(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS03-02", district="全市", cum="1",
                                  reporting_unit="重庆市教委基础教育处")], meta=None)
    assert one_value(run(raw, tiny_catalogue), "MS03-02", "全市")["flags"] == ""


def test_foreign_rows_can_be_kept_and_flagged_by_setting(raw, tiny_catalogue, monkeypatch):
    monkeypatch.setitem(config.settings()["cleaning"], "foreign_unit", "flag")
    write_csv(raw / "市教委_2026年03月.csv",
              [row(code="MS04-01", district="全市", cum="5", reporting_unit="市教委")], meta=None)
    result = run(raw, tiny_catalogue)
    assert result.quarantine.empty
    assert one_value(result, "MS04-01", "全市")["flags"] == "NOT_RESPONSIBLE_KEPT"


def test_an_unknown_setting_is_a_one_line_error(raw, tiny_catalogue, monkeypatch):
    from minsheng.intake.clean import clean

    monkeypatch.setitem(config.settings()["cleaning"], "foreign_unit", "ignore")
    write_csv(raw / "a.csv", [row(cum="1")])
    with pytest.raises(ValueError, match="foreign_unit"):
        clean(raw, tiny_catalogue)


def test_another_units_rows_are_not_the_responsible_units_return(raw, tiny_catalogue):
    # Only 市教委 sent anything for March, and it reported 市公安局's MS04-01 too.
    write_csv(raw / "市教委_2026年03月.csv",
              [row(code="MS03-02", district="全市", cum="1", reporting_unit="市教委"),
               row(code="MS04-01", district="全市", cum="5", reporting_unit="市教委")], meta=None)
    sub = run(raw, tiny_catalogue).quality.submissions
    status = {s.reporting_unit: s.status for s in sub.by_unit}
    assert status["市教委"] == "on_time" and status["市公安局"] == "missing"


@pytest.mark.parametrize(("text", "office"), [
    ("万州区住建委", True), ("万州住建委", True), ("重庆市万州区教委", True),
    ("石柱县民政局", True), ("石柱土家族自治县民政局", True), (" 万州区 住建委 ", True),
    ("万州区", True),             # 万州 and something after it (as 重庆市万州区)
    ("万州", False),              # a district's name alone names no office
    ("重庆市教委", False), ("市住房城乡建设委", False),
    ("全市汇总表", False),        # the city-wide spellings are no district
    ("", False), ("住建委万州区", False),
])
def test_a_district_office_is_a_unit_named_after_a_district(text, office):
    from minsheng.intake.units import is_district_office

    assert is_district_office(text) is office


def test_every_district_spelling_names_an_office():
    from minsheng.catalogue import districts
    from minsheng.intake.units import is_district_office

    # One-character stems (忠 of 忠县) are too short to tell: 忠县住建委 is told by 忠县.
    spellings = [a for a, name in districts.aliases().items()
                 if name != districts.CITYWIDE and len(a) >= 2]
    assert len(spellings) > 38
    assert all(is_district_office(a + "住建委") for a in spellings)
    assert not any(is_district_office(a + "住建委") for a in districts.CITYWIDE_ALIASES
                   if not a.startswith("重庆"))   # 重庆市… is read without the 重庆市
