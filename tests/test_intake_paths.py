"""What is read from the raw folder (findings 3 and 4): nothing outside it, and every file not
read is listed with its reason in quality.json (data/README.md §1)."""

from __future__ import annotations

import os

import pytest
from minsheng.contracts.store import read_quality
from minsheng.run.cli import EXIT_OK, main
from test_cleaning import row, run, write_csv


@pytest.fixture
def raw(tmp_path):
    (tmp_path / "raw").mkdir()
    return tmp_path / "raw"


def test_a_link_leaving_the_raw_folder_is_rejected(raw, tmp_path, tiny_catalogue):
    elsewhere = write_csv(tmp_path / "elsewhere" / "secret.csv", [row(cum="999")])
    write_csv(raw / "good.csv", [row(district="渝中区", cum="1")])
    os.symlink(elsewhere, raw / "link.csv")                      # a file outside
    os.symlink(elsewhere.parent, raw / "folder")                 # a folder outside
    os.symlink(raw / "good.csv", raw / "inside.csv")             # a file inside: read
    os.symlink(raw, raw / "loop")                                # a folder inside: not followed
    result = run(raw, tiny_catalogue)
    q = result.quality
    assert {r.file: r.reason_code for r in q.files_rejected} == {
        "folder/": "FILE_OUTSIDE_RAW", "link.csv": "FILE_OUTSIDE_RAW"}
    assert all("目录之外" in r.reason for r in q.files_rejected)
    assert {r.file: r.reason_code for r in q.files_skipped} == {"loop/": "SKIP_FOLDER_LINK"}
    assert 999 not in result.history["value"].tolist()
    # The link inside is read under its own name; its row equals good.csv's: counted once.
    assert [(f.file, f.rows_in, f.rows_duplicate) for f in q.files] == [
        ("good.csv", 1, 0), ("inside.csv", 1, 1)]


def test_every_file_not_read_is_listed_with_its_reason(raw, tiny_catalogue):
    write_csv(raw / "..市教委9月.csv", [row(code="MS03-01", cum="1")])   # hidden by its name
    write_csv(raw / ".hidden" / "a.csv", [row(cum="1")])                # a hidden folder
    write_csv(raw / "~$市教委9月.csv", [row(cum="1")])                   # Office lock file
    write_csv(raw / "市教委9月.csv.bak", [row(cum="1")])                  # a backup
    write_csv(raw / "市教委9月.csv~", [row(cum="1")])
    (raw / "说明.docx").write_bytes(b"PK")                               # another type
    write_csv(raw / "good.csv", [row(cum="1")])
    q = run(raw, tiny_catalogue).quality
    assert [(r.file, r.reason_code) for r in q.files_skipped] == [
        ("..市教委9月.csv", "SKIP_FILE_HIDDEN"), (".hidden/", "SKIP_FILE_HIDDEN"),
        ("~$市教委9月.csv", "SKIP_FILE_LOCK"), ("市教委9月.csv.bak", "SKIP_FILE_BACKUP"),
        ("市教委9月.csv~", "SKIP_FILE_BACKUP")]
    assert all(r.reason for r in q.files_skipped)
    assert [(r.file, r.reason_code) for r in q.files_rejected] == [("说明.docx", "FILE_TYPE")]
    assert q.files_read == 1


def test_skipped_files_reach_quality_json_and_the_command_line(raw, tmp_path, tiny_catalogue_path,
                                                               capsys):
    write_csv(raw / "good.csv", [row(cum="1")])
    write_csv(raw / "..市教委9月.csv", [row(cum="1")])
    out = tmp_path / "out"
    assert main(["clean", str(raw), "--out", str(out), "--catalogue",
                 str(tiny_catalogue_path)]) == EXIT_OK
    assert [r.file for r in read_quality(out).files_skipped] == ["..市教委9月.csv"]
    assert "..市教委9月.csv" in capsys.readouterr().out
