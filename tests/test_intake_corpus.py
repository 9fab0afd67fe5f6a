"""A corpus of hostile submissions, checked for the two promises (issue "submissions you can
trust", Done when): for every file rows in = clean + quarantined + duplicate, and no figure in
the ledger differs from what the submission says without a flag.

"What the submission says" is written next to each figure below, by hand: "1.2万" says 12000,
"约30" says 30, "N/A" says nothing (missing), "-4" and "abc" say nothing usable (quarantine).
Files: CSV in four encodings (one UTF-16 without BOM), workbooks with draft, hidden and merged
sheets, formulas without results, every workbook format, links out of the raw folder, hidden,
lock and backup files, spoofed units, duplicates, formula injection in every text field.
"""

from __future__ import annotations

import math
import os
import random
import shutil
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from minsheng.contracts import store
from test_cleaning import HEADER, row, run, write_csv, write_xlsx

FIXTURES = Path(__file__).parent / "fixtures" / "formats"
NAN = math.nan
# typed 累计完成 → what it says (None: nothing usable, the row must not reach the ledger as is)
FIGURES = [("10", 10.0), ("1.2万", 12000.0), ("3,000", 3000.0), ("约30", 30.0), ("30余", 30.0),
           ("三千", 3000.0), ("１２", 12.0), ("3000人", 3000.0), ("0", 0.0), ("12.5", 12.5),
           ("—", NAN), ("", NAN), ("N/A", NAN), ("#N/A", NAN), ("NaN", NAN), ("null", NAN),
           ("/", NAN), ("无", NAN), ("-4", None), ("abc", None), ("1,2", None), ("#DIV/0!", None),
           ("99999999", None), ("55%", None), ("=1+1", None)]
MONTHS = ["2026-01", "2026-02", "2026年3月", "202604", "2026/5", "2026-06-30", "3月", "2025-12",
          "2026-7-32", "2026-02-30", "abc", ""]
DISTRICTS = ["万州区", "渝中区", "万州", "全市", "两江新区", "", "九龙坡区 "]
TEXTS = ["", "推进中", "=cmd|' /C calc'!A0", "@SUM(1+1)", "+1", "-1", "\t=x", "=HYPERLINK(\"x\")"]
INJECT = ("=", "+", "-", "@", "\t", "\r")


def _corpus(raw: Path, outside: Path, seed: int = 12) -> dict[tuple[str, int], float | None]:
    """Write the corpus; returns (file, row) → what its 累计完成 says, for every figure row."""
    rng = random.Random(seed)
    said: dict[tuple[str, int], float | None] = {}
    for f in range(14):
        rows, says = [], []
        for _ in range(rng.randint(8, 30)):
            typed, value = rng.choice(FIGURES)
            # Mostly clean keys (so many rows carry no flag), each hostile spelling now and then.
            def pick(clean: list[str], hostile: list[str]) -> str:
                return rng.choice(clean if rng.random() < 0.8 else hostile)

            r = row(code=pick(["MS01-01", "MS01-02"], ["ms1-2", "MS99-01", ""]),
                    district=pick(["万州区", "渝中区", "全市"], DISTRICTS),
                    month=pick(MONTHS[:6], MONTHS), cum=typed,
                    monthly=pick([""], ["5", "—"]), date=pick(["2026-07-03"], ["", "昨天"]),
                    progress_text=rng.choice(TEXTS), remark=rng.choice(TEXTS))
            rows.append(r)
            says.append(value)
            if rng.random() < 0.15:
                rows.append(r)                     # a pasted duplicate
                says.append(value)
        name = f"市住房城乡建设委_{f:02d}"
        if f % 3 == 0:
            enc = ["utf-8", "gbk", "utf-16-le", "utf-8-sig"][f % 4]
            write_csv(raw / f"{name}.csv", rows, encoding=enc, blank_lines=f % 3,
                      notes=("注：数据截至月末",))
            first = 4
        else:
            path = write_xlsx(raw / f"{name}.xlsx", rows, blank_rows=f % 4)
            wb = openpyxl.load_workbook(path)
            draft = wb.create_sheet("草稿")        # a draft with the form's header: not read
            for j, h in enumerate(HEADER, start=1):
                draft.cell(3, j, h)
            draft.cell(4, 1, "MS01-02")
            draft.cell(4, 9, 99999)
            if f % 4 == 1:
                draft.sheet_state = "hidden"
            wb.save(path)
            first = 4
        for i, v in enumerate(says):
            said[(f"{name}.{'csv' if f % 3 == 0 else 'xlsx'}", first + i)] = v
    # Every workbook format, and an .xls renamed .xlsx: rows 4–6 say 120, 30.5, 800.
    for ext in ("xls", "xlsb", "ods", "xlsm"):
        shutil.copyfile(FIXTURES / f"form.{ext}", raw / f"市住房城乡建设委_f.{ext}")
    shutil.copyfile(FIXTURES / "form.xls", raw / "市住房城乡建设委_old.xlsx")
    for name in ("市住房城乡建设委_f.xls", "市住房城乡建设委_f.xlsb", "市住房城乡建设委_f.ods",
                 "市住房城乡建设委_f.xlsm", "市住房城乡建设委_old.xlsx"):
        said.update({(name, 4): 120.0, (name, 5): 30.5, (name, 6): 800.0})
    # A script's workbook: a formula without a result in 累计完成 (row 5).
    path = write_xlsx(raw / "市住房城乡建设委_script.xlsx", [row(cum=7), row(district="渝中区", cum=8)])
    wb = openpyxl.load_workbook(path)
    wb["月报"]["I5"] = "=SUM(I1:I4)"
    wb.save(path)
    said.update({("市住房城乡建设委_script.xlsx", 4): 7.0, ("市住房城乡建设委_script.xlsx", 5): None})
    # Spoofing: 市教委's file reporting 市公安局's indicator; a file named 市教委 saying 市公安局.
    write_csv(raw / "市教委_spoof.csv", [row(code="MS04-01", district="全市", cum="-3",
                                            reporting_unit="市教委")], meta=None)
    write_csv(raw / "市教委_named.csv", [row(code="MS04-01", district="全市", month="2026-04",
                                            cum="7", reporting_unit="市公安局")], meta=None)
    said.update({("市教委_spoof.csv", 3): None, ("市教委_named.csv", 3): 7.0})
    # Paths: a link out of the raw folder, hidden, lock and backup files.
    secret = write_csv(outside / "secret.csv", [row(code="MS01-02", district="全市", cum="4242")])
    os.symlink(secret, raw / "市住房城乡建设委_link.csv")
    os.symlink(outside, raw / "linked_folder")
    write_csv(raw / "..市住房城乡建设委.csv", [row(cum="4242")])
    write_csv(raw / "~$市住房城乡建设委.csv", [row(cum="4242")])
    write_csv(raw / "市住房城乡建设委.csv.bak", [row(cum="4242")])
    return said


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    base = tmp_path_factory.mktemp("corpus")
    raw, outside = base / "raw", base / "outside"
    raw.mkdir()
    outside.mkdir()
    return raw, _corpus(raw, outside), base


def test_every_file_accounts_for_every_row(corpus, tiny_catalogue):
    raw, _, _ = corpus
    q = run(raw, tiny_catalogue).quality
    assert q.rows_in > 200 and q.rows_quarantined > 20 and q.rows_duplicate > 5
    for f in q.files:
        assert f.rows_in == f.rows_clean + f.rows_quarantined + f.rows_duplicate, f
    assert sum(f.rows_in for f in q.files) == q.rows_in
    rejected = {r.file: r.reason_code for r in q.files_rejected}
    assert rejected == {"linked_folder/": "FILE_OUTSIDE_RAW",
                        "市住房城乡建设委_link.csv": "FILE_OUTSIDE_RAW"}
    assert {r.reason_code for r in q.files_skipped} == {"SKIP_FILE_HIDDEN", "SKIP_FILE_LOCK",
                                                        "SKIP_FILE_BACKUP"}
    assert {s.sheet for s in q.sheets_skipped} == {"草稿"}


def test_no_figure_differs_from_the_submission_without_a_flag(corpus, tiny_catalogue):
    raw, said, _ = corpus
    result = run(raw, tiny_catalogue)
    assert 4242 not in result.history["value"].tolist()
    assert 99999 not in result.history["value"].tolist()
    checked = 0
    # The ledger, and every accepted row behind it (revisions included).
    for frame in (result.ledger, result.history):
        for r in frame.itertuples(index=False):
            says = said[(r.source_file, r.source_row)]
            assert says is not None, f"a figure that says nothing usable was accepted: {r}"
            if r.flags == "":
                assert _same(float(r.value), says), r
                checked += 1
    assert checked > 50
    # A figure called unreadable is one whose text says no usable number.
    q = result.quarantine
    bad_figures = q[(q["column"] == "累计完成") & (q["reason_code"] == "NUMBER_INVALID")]
    assert len(bad_figures)
    for r in bad_figures.itertuples(index=False):
        assert said[(r.file, int(r.row))] is None, r


def test_nothing_injected_survives_into_a_spreadsheet(corpus, tiny_catalogue, tmp_path):
    raw, _, _ = corpus
    result = run(raw, tiny_catalogue)
    texts = pd.concat([result.ledger["progress_text"], result.ledger["remark"]]).dropna()
    assert texts.str.startswith(INJECT).any()          # kept verbatim in the ledger …
    store.write(result, tmp_path / "out")
    q = pd.read_csv(tmp_path / "out" / "quarantine.csv", encoding="utf-8-sig", dtype=str,
                    keep_default_na=False)
    cells = np.concatenate([q[c].to_numpy() for c in q.columns if c != "row"])
    assert not any(str(c).startswith(INJECT) for c in cells)   # … never live in quarantine.csv
    assert any(str(c).startswith("'=") for c in cells)
