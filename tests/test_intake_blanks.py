"""Blank is not a figure: none-tokens are one rule, and a row without a figure never replaces one
(issue: submissions you can trust, finding 1). Expected values are worked out from data/README.md
§2 (none-tokens) and §3 (blank is not a figure) on the tiny catalogue of conftest.py.
"""

from __future__ import annotations

import pandas as pd
import pytest
from minsheng.intake.figures import parse_number
from minsheng.rules.attainment import attainment_table, city_figures
from minsheng.rules.rollup import district_detail
from test_cleaning import one_value, row, run, write_csv


@pytest.fixture
def raw(tmp_path):
    (tmp_path / "raw").mkdir()
    return tmp_path / "raw"


# Every spelling of "nothing" units and scripts write: each must read as missing, not zero and
# not an unreadable number (NaN and #N/A come from pandas and Excel, Null from databases).
TYPED_NONE = ["", " ", "N/A", "n/a", "#N/A", "#n/a", "NaN", "nan", "NAN", "null", "NULL", "Null",
              "None", "none", "nil", "NA", "-", "--", "—", "——", "–", "/", "无", "暂无",
              "不适用", "Ｎ／Ａ"]


def test_every_none_token_is_missing_by_one_rule(raw, tiny_catalogue):
    from minsheng.intake.figures import NONE_TOKENS  # the documented list (data/README.md §2)

    for t in NONE_TOKENS:
        assert parse_number(t).missing, t
    # One file, one row per token (the months differ, so every row is its own ledger row).
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    rows = [row(code="MS02-01", district="全市", month=months[i % 12], cum=t,
                progress_text=f"第{i}行") for i, t in enumerate(TYPED_NONE)]
    for i in range(0, len(rows), 12):
        write_csv(raw / f"none_{i:02d}.csv", rows[i:i + 12])
    result = run(raw, tiny_catalogue)
    assert result.quarantine.empty, result.quarantine[["raw_value", "reason_code"]]
    assert result.quality.rows_clean == len(TYPED_NONE)
    assert result.history["value"].isna().all()


def test_error_values_other_than_na_are_not_none_tokens(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS01-02", district="全市", cum="#DIV/0!"),
                              row(code="MS01-02", district="全市", month="2026-04", cum="#REF!")])
    assert run(raw, tiny_catalogue).quarantine["reason_code"].tolist() == ["NUMBER_INVALID"] * 2


def test_a_later_blank_month_never_wipes_the_figure(raw, tiny_catalogue):
    # MS01-02 (全市, target 2500): 700 in August, "N/A" in September.
    write_csv(raw / "a.csv", [
        row(code="MS01-02", district="全市", month="2026-08", cum="700", date="2026-09-03"),
        row(code="MS01-02", district="全市", month="2026-09", cum="N/A", date="2026-10-03",
            progress_text="系统维护，暂未统计"),
    ])
    result = run(raw, tiny_catalogue)
    september = one_value(result, "MS01-02", "全市", 9)
    assert pd.isna(september["value"]) and september["flags"] == "BLANK_AFTER_VALUE"
    assert one_value(result, "MS01-02", "全市", 8)["flags"] == ""
    assert result.quality.warnings == {"BLANK_AFTER_VALUE": 1}
    figures = city_figures(tiny_catalogue, result.ledger, 2026, 9)
    # August's 700 stands for September, shown as August's; the text is September's.
    assert figures.loc["MS01-02", "value"] == 700 and figures.loc["MS01-02", "data_month"] == 8
    assert figures.loc["MS01-02", "progress_text"] == "系统维护，暂未统计"
    table = attainment_table(tiny_catalogue, result.ledger, 2026, 9).set_index("indicator_id")
    assert table.loc["MS01-02", "attainment"] == pytest.approx(700 / 2500)
    assert table.loc["MS01-02", "status"] != "no_data"


def test_a_blank_resubmission_never_replaces_the_figure(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS01-02", district="全市", month="2026-09", cum="800",
                                  date="2026-10-03")])
    write_csv(raw / "b.csv", [row(code="MS01-02", district="全市", month="2026-09", cum="#N/A",
                                  date="2026-10-05")])          # later, and blank
    result = run(raw, tiny_catalogue)
    got = one_value(result, "MS01-02", "全市", 9)
    assert got["value"] == 800 and got["source_file"] == "a.csv" and got["flags"] == ""
    hist = result.history.set_index("source_file")
    assert bool(hist.loc["b.csv", "superseded"]) and hist.loc["b.csv", "flags"] == "BLANK_AFTER_VALUE"
    assert not bool(hist.loc["a.csv", "superseded"])
    assert result.quality.warnings == {"BLANK_AFTER_VALUE": 1}
    assert result.quality.revisions_applied == 1 and result.quality.ledger_rows == 1


def test_a_later_figure_still_replaces_an_earlier_one(raw, tiny_catalogue):
    write_csv(raw / "a.csv", [row(code="MS01-02", district="全市", month="2026-09", cum="N/A",
                                  date="2026-10-03")])
    write_csv(raw / "b.csv", [row(code="MS01-02", district="全市", month="2026-09", cum="810",
                                  date="2026-10-05")])
    result = run(raw, tiny_catalogue)
    got = one_value(result, "MS01-02", "全市", 9)
    assert got["value"] == 810 and got["flags"] == ""
    assert result.quality.warnings == {}


def test_a_district_blank_never_shrinks_the_city_sum(raw, tiny_catalogue):
    # MS01-01 is reported by district. August: 万州区 6, 渝中区 5 (city 11). September: 万州区
    # sends "—", 渝中区 7. The city figure for September sums 万州区's August 6 and 渝中区's 7.
    write_csv(raw / "a.csv", [
        row(district="万州区", month="2026-08", cum="6", date="2026-09-03"),
        row(district="渝中区", month="2026-08", cum="5", date="2026-09-03"),
        row(district="万州区", month="2026-09", cum="—", date="2026-10-03"),
        row(district="渝中区", month="2026-09", cum="7", date="2026-10-03"),
    ])
    result = run(raw, tiny_catalogue)
    assert one_value(result, "MS01-01", "万州区", 9)["flags"] == "BLANK_AFTER_VALUE"
    figures = city_figures(tiny_catalogue, result.ledger, 2026, 9)
    r = figures.loc["MS01-01"]
    assert r["value"] == 13 and r["data_month"] == 9
    assert (r["districts_reported"], r["districts_current"], r["districts_blank"]) == (2, 1, 1)
    august = city_figures(tiny_catalogue, result.ledger, 2026, 8).loc["MS01-01"]
    assert august["value"] == 11
    assert (august["districts_reported"], august["districts_current"], august["districts_blank"]) \
        == (2, 2, 0)
    detail = district_detail(tiny_catalogue.indicators, result.ledger, 2026, 9,
                             pd.Series({"MS01-01": 0.75})).set_index("district")
    assert detail.loc["万州区", "value"] == 6 and detail.loc["万州区", "data_month"] == 8
    assert bool(detail.loc["万州区", "blank_after_value"])
    assert detail.loc["渝中区", "value"] == 7 and not bool(detail.loc["渝中区", "blank_after_value"])


def test_a_figure_never_reported_stays_no_data(raw, tiny_catalogue):
    # Text only (MS03-02 deliverable): no figure to carry, the latest text shows, no flag.
    write_csv(raw / "a.csv", [
        row(code="MS03-02", district="全市", month="2026-08", progress_text="方案设计中"),
        row(code="MS03-02", district="全市", month="2026-09", progress_text="施工图审查完成"),
    ])
    result = run(raw, tiny_catalogue)
    assert result.quality.warnings == {}
    figures = city_figures(tiny_catalogue, result.ledger, 2026, 9)
    assert pd.isna(figures.loc["MS03-02", "value"]) and figures.loc["MS03-02", "data_month"] == 9
    assert figures.loc["MS03-02", "progress_text"] == "施工图审查完成"
