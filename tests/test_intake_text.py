"""Encodings say "encoding", and impossible dates are not months (finding 7; data/README.md §1–2)."""

from __future__ import annotations

import pytest
from test_cleaning import one_value, row, run, write_csv


@pytest.fixture
def raw(tmp_path):
    (tmp_path / "raw").mkdir()
    return tmp_path / "raw"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_utf16_with_or_without_bom_is_read(raw, tiny_catalogue, encoding):
    # Python's "utf-16" writes a BOM; "-le"/"-be" write none, as some exports do.
    write_csv(raw / "a.csv", [row(district="万州", cum="9", progress_text="进展顺利")],
              encoding=encoding)
    got = one_value(run(raw, tiny_catalogue))
    assert got["value"] == 9 and got["progress_text"] == "进展顺利"


def test_undecodable_bytes_are_rejected_for_their_encoding(raw, tiny_catalogue):
    (raw / "a.csv").write_bytes("指标编号,区县,统计月份,累计完成\n".encode() + b"MS01-01,\xff\xfe\xfa,2026-03,1\n")
    (raw / "b.csv").write_bytes(b"\x00\xd8" + "指标编号,区县".encode("utf-16-le"))  # broken UTF-16
    q = run(raw, tiny_catalogue).quality
    assert {r.file: r.reason_code for r in q.files_rejected} == {"a.csv": "FILE_ENCODING",
                                                                 "b.csv": "FILE_ENCODING"}
    assert all("编码" in r.reason for r in q.files_rejected)


@pytest.mark.parametrize("typed", ["2026-7-32", "2026-02-30", "2026年4月31日", "20260931",
                                   "2026/6/31"])
def test_an_impossible_date_is_not_a_month(raw, tiny_catalogue, typed):
    write_csv(raw / "a.csv", [row(month=typed, cum="1")])
    result = run(raw, tiny_catalogue)
    assert result.quarantine["reason_code"].tolist() == ["MONTH_INVALID"]
    assert result.quarantine["raw_value"].tolist() == [typed]
    assert len(result.ledger) == 0


@pytest.mark.parametrize(("typed", "month"), [("2026-7-31", 7), ("2026-02-28", 2),
                                              ("2026年4月30日", 4), ("20260930", 9)])
def test_a_real_date_gives_its_month(raw, tiny_catalogue, typed, month):
    write_csv(raw / "a.csv", [row(month=typed, cum="1")])
    assert run(raw, tiny_catalogue).ledger["month"].tolist() == [month]
