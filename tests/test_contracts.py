"""What passes between stages is checked where it is read: the quality report's schema, the
store's files, the ledger's contract."""

import json

import pytest
from conftest import quality_report
from minsheng.contracts import store
from minsheng.contracts.quality import QualityReport, QualityReportError
from minsheng.contracts.quality import read_report as read_quality
from minsheng.run.cli import EXIT_FAILED, main


def test_quality_report_round_trips(tmp_path):
    q = quality_report(rows_in=3, rows_clean=2, rows_quarantined=1, quarantine_by_code={"NEGATIVE": 1})
    path = tmp_path / "quality.json"
    path.write_text(q.to_json(), encoding="utf-8")
    assert read_quality(path) == q
    # key order is the schema's field order (the file is diffed by people)
    assert list(json.loads(path.read_text(encoding="utf-8"))) == list(QualityReport.model_fields)


def test_a_missing_field_is_named_with_the_file(tmp_path):
    doc = json.loads(quality_report().to_json())
    del doc["rows_clean"]
    path = tmp_path / "quality.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(QualityReportError, match=r"quality\.json: field 'rows_clean'"):
        read_quality(path)


def test_a_wrong_type_deep_inside_is_named(tmp_path):
    doc = json.loads(quality_report(submissions={
        "due_day": 5, "months": ["2026-03"], "by_unit": [
            {"reporting_unit": "市教委", "month": "2026-03", "status": "on_time",
             "first_submitted_on": None, "due": "2026-04-05"}]}).to_json())
    doc["submissions"]["by_unit"][0]["status"] = "perhaps"
    path = tmp_path / "quality.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(QualityReportError, match=r"submissions\.by_unit\.0\.status"):
        read_quality(path)


def test_month_must_be_year_dash_month():
    with pytest.raises(ValueError):
        quality_report(submissions={"due_day": 5, "months": [], "by_unit": [
            {"reporting_unit": "市教委", "month": "2026-3", "status": "on_time",
             "first_submitted_on": None, "due": "2026-04-05"}]})


def test_reading_a_folder_without_outputs_says_so(tmp_path):
    with pytest.raises(FileNotFoundError, match="run `minsheng clean` first"):
        store.read(tmp_path)


def test_the_store_reads_quality_through_the_schema(tmp_path):
    (tmp_path / "quality.json").write_text("{}", encoding="utf-8")
    with pytest.raises(QualityReportError, match="field 'year'"):
        store.read_quality(tmp_path)


def test_a_missing_catalogue_is_one_line_from_the_command_line(capsys):
    assert main(["targets", "--year", "1999"]) == EXIT_FAILED
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "1999" in err
