"""A verifiable publication: data/ published beside the documents, manifest.json hashing every
file, and `minsheng verify` catching a changed byte, a changed ledger figure (even re-hashed),
an unlisted file and a manifest path leaving the folder, each in one line per finding."""

from __future__ import annotations

import codecs
import json
import shutil
import tempfile
from datetime import date
from pathlib import Path

import pandas as pd
import pytest
from conftest import write_catalogue
from minsheng import config
from minsheng.catalogue import load_catalogue
from minsheng.contracts import store
from minsheng.report.export.xlsx import write_tables
from minsheng.run.cli import main
from minsheng.run.manifest import publish_data, write_manifest
from minsheng.run.verify import verify_publication
from test_xlsx import FORMULA, PLANNED, assemble, clean_outputs, make_ledger

ISSUED = date(2026, 10, 15)
FACTS = {"period": "2026Q3", "month": 9, "issued_on": ISSUED, "draft": False,
         "parameters": {"03_quarterly_bulletin": {"quarter": "2026Q3", "clean_dir": "data"}},
         "inputs": {"2026-09/市教委.xlsx": "0" * 64}, "rows": {"rows_in": 9},
         "timings_seconds": {"total": 1.25}}


@pytest.fixture
def work():
    """A folder inside the project's build/ (verify refuses paths outside the project)."""
    (config.ROOT / "build").mkdir(exist_ok=True)
    path = Path(tempfile.mkdtemp(prefix="test-verify-", dir=config.ROOT / "build"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


def build_publication(work: Path) -> Path:
    cat_path = write_catalogue(work / "2026.yaml", PLANNED)
    clean, pub = work / "clean", work / "pub"
    store.write(clean_outputs(make_ledger()), clean)
    publish_data(clean, cat_path, pub)
    write_tables(assemble(load_catalogue(path=cat_path)), pub / "tables.xlsx", ISSUED)
    (pub / "bulletin.pdf").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    (pub / "executed").mkdir()
    (pub / "executed" / "03_quarterly_bulletin.ipynb").write_text("{}\n", encoding="utf-8")
    write_manifest(pub, FACTS)
    return pub


@pytest.fixture
def pub(work):
    return build_publication(work)


def rel(path: Path) -> str:
    return path.relative_to(config.ROOT).as_posix()


def run_verify(path, capsys) -> tuple[int, list[str]]:
    code = main(["verify", str(path)])
    out = capsys.readouterr()
    return code, (out.out + out.err).splitlines()


def manifest(pub: Path) -> dict:
    return json.loads((pub / "manifest.json").read_text(encoding="utf-8"))


# ───────────────────────────────────────────── the published data and the manifest

def test_data_folder_holds_the_cleaned_data_and_the_catalogue(pub, work):
    names = sorted(p.name for p in (pub / "data").iterdir())
    assert names == sorted([*store.FILES, "ledger.csv", "catalogue.yaml"])
    for name in store.FILES:
        assert (pub / "data" / name).read_bytes() == (work / "clean" / name).read_bytes()
    assert (pub / "data" / "catalogue.yaml").read_bytes() == (work / "2026.yaml").read_bytes()


def test_ledger_csv_is_for_excel_and_formula_safe(pub):
    raw = (pub / "data" / "ledger.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8)
    csv = pd.read_csv(pub / "data" / "ledger.csv", encoding="utf-8-sig", dtype=str,
                      keep_default_na=False)
    assert list(csv.columns) == list(make_ledger().columns)
    texts = dict(zip(csv["indicator_id"], csv["progress_text"], strict=False))
    assert texts["MS01-02"] == "'" + FORMULA and texts["MS04-01"] == "'-比上年下降"
    assert set(csv["submitted_on"]) == {"2026-10-03"}
    assert csv.loc[csv["district"] == "万州区", "value"].tolist() == ["200.1"]


def test_publishing_twice_gives_the_same_bytes(pub, work):
    again = work / "again"
    shutil.copytree(pub, again)
    shutil.rmtree(again / "data")
    publish_data(work / "clean", work / "2026.yaml", again)
    write_manifest(again, {**FACTS, "timings_seconds": {"total": 9.5}})
    a, b = manifest(pub), manifest(again)
    assert a["files"] == b["files"]
    assert {k: v for k, v in a.items() if k != "timings_seconds"} == \
           {k: v for k, v in b.items() if k != "timings_seconds"}


def test_manifest_hashes_every_file_by_its_relative_path(pub):
    m = manifest(pub)
    files = sorted(p.relative_to(pub).as_posix() for p in pub.rglob("*") if p.is_file())
    assert sorted(m["files"]) == [f for f in files if f != "manifest.json"]
    assert "data/ledger.parquet" in m["files"] and "executed/03_quarterly_bulletin.ipynb" in m["files"]
    for name, entry in m["files"].items():
        assert (pub / name).stat().st_size == entry["bytes"] and len(entry["sha256"]) == 64
    assert list(m)[-1] == "timings_seconds" and m["timings_seconds"] == {"total": 1.25}
    assert (m["period"], m["month"], m["issued_on"], m["draft"]) == ("2026Q3", 9, "2026-10-15", False)


def test_manifest_refuses_paths_that_vanish_or_name_the_machine(pub, work):
    tmp_clean = rel(work / "clean")     # the build folder: gone after the swap
    with pytest.raises(ValueError, match="build folder"):
        write_manifest(pub, {**FACTS, "parameters": {"02": {"clean_dir": tmp_clean}}})
    with pytest.raises(ValueError, match="machine path"):
        write_manifest(pub, {**FACTS, "raw_dir": "/srv/minsheng/data/sample/raw"})
    with pytest.raises(ValueError, match="month"):
        write_manifest(pub, {k: v for k, v in FACTS.items() if k != "month"})


# ───────────────────────────────────────────── minsheng verify

def test_verify_passes_on_a_fresh_publication(pub, capsys):
    code, lines = run_verify(rel(pub), capsys)
    assert code == 0 and len(lines) == 1
    assert lines[0].startswith(f"核验通过 / verified: {rel(pub)}：")
    assert "7项指标" in lines[0]
    result = verify_publication(pub)
    assert result.ok and result.files == len(manifest(pub)["files"]) and result.indicators == 7


def test_one_changed_byte_is_named(pub, capsys):
    pdf = pub / "bulletin.pdf"
    data = bytearray(pdf.read_bytes())
    data[100] ^= 0x01
    pdf.write_bytes(bytes(data))
    code, lines = run_verify(rel(pub), capsys)
    assert code == 1
    assert lines[0] == f"核验未通过 / verification failed: {rel(pub)}：1处不符。"
    assert lines[1:] == ["  文件已改动（SHA-256与清单不符）：bulletin.pdf"]


def test_a_changed_ledger_figure_is_caught_even_when_rehashed(pub, capsys):
    path = pub / "data" / "ledger.parquet"
    ledger = pd.read_parquet(path)
    ledger.loc[ledger["indicator_id"] == "MS01-02", "value"] = 1500.0   # was 2000
    ledger.to_parquet(path, index=False)
    write_manifest(pub, FACTS)                                           # hashes updated
    code, lines = run_verify(rel(pub), capsys)
    assert code == 1
    # 1500 of 2500 = 60 % vs 70 % due → −10 → 滞后 (the workbook says 2000, 80 %, +10, 达到)
    assert lines[1:] == [
        "  tables.xlsx 指标明细 MS01-02 累计完成/当前值：表中为2,000，按台账重算为1,500",
        "  tables.xlsx 指标明细 MS01-02 完成率：表中为80.00%，按台账重算为60.00%",
        "  tables.xlsx 指标明细 MS01-02 差距（百分点）：表中为10.00，按台账重算为-10.00",
        "  tables.xlsx 指标明细 MS01-02 进度状态：表中为“达到序时进度”，按台账重算为“滞后”",
    ]


def test_a_file_not_in_the_manifest_is_named(pub, capsys):
    (pub / "data" / "notes.txt").write_text("added later", encoding="utf-8")
    code, lines = run_verify(rel(pub), capsys)
    assert code == 1 and lines[1:] == ["  文件不在清单中：data/notes.txt"]


def test_a_missing_file_is_named(pub, capsys):
    (pub / "executed" / "03_quarterly_bulletin.ipynb").unlink()
    code, lines = run_verify(rel(pub), capsys)
    assert code == 1 and lines[1:] == ["  缺少文件：executed/03_quarterly_bulletin.ipynb"]


@pytest.mark.parametrize("name", ["../outside.txt", "/etc/passwd", "data/../../x"])
def test_a_manifest_path_pointing_outside_is_refused(pub, work, capsys, name):
    (work / "outside.txt").write_text("x", encoding="utf-8")
    m = manifest(pub)
    m["files"][name] = {"bytes": 1, "sha256": "0" * 64}
    (pub / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    code, lines = run_verify(rel(pub), capsys)
    assert code == 1 and lines[1:] == [f"  清单中的路径不在发布目录内：{name}"]


def test_a_broken_or_missing_manifest_is_one_line(pub, capsys):
    (pub / "manifest.json").write_text('{"files": {', encoding="utf-8")
    code, lines = run_verify(rel(pub), capsys)
    assert code == 1 and lines == ["错误 / error: manifest.json 不是有效的 JSON（第1行）/ "
                                   "manifest.json is not valid JSON"]
    (pub / "manifest.json").unlink()
    code, lines = run_verify(rel(pub), capsys)
    assert code == 1 and len(lines) == 1 and "没有 manifest.json" in lines[0]


def test_a_missing_folder_or_one_outside_the_project_is_one_line(work, capsys):
    code, lines = run_verify(rel(work / "nowhere"), capsys)
    assert code == 1 and len(lines) == 1 and lines[0].startswith("错误 / error: 参数 publication 不存在")
    outside = Path(tempfile.mkdtemp())
    try:
        code, lines = run_verify(outside, capsys)
    finally:
        shutil.rmtree(outside)
    assert code == 1 and len(lines) == 1 and "指向项目之外" in lines[0]
