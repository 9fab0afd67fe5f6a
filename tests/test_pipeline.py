"""The whole quarterly run on a tiny fixed dataset, checked against hand-computed figures.

tests/fixtures/pipeline_raw holds three CSV submissions (six indicators); the other 68
indicators of the 2026 catalogue are unreported. Expected values are worked out below
from the rules, not read from the code's output.
"""

import hashlib
import shutil
from datetime import date

import pandas as pd
import pytest
from minsheng import config
from minsheng.run.runner import RunError, execute, plan_run

pytestmark = pytest.mark.pipeline

RAW = "tests/fixtures/pipeline_raw"
WORK = config.ROOT / "build" / "test-pipeline"


def _sha(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def published():
    shutil.rmtree(WORK, ignore_errors=True)
    outcome = execute(plan_run("2026Q3", RAW, WORK / "reports", date(2026, 10, 15)), progress=False)
    yield outcome.target
    shutil.rmtree(WORK, ignore_errors=True)


def test_every_file_is_published(published):
    for name in ("bulletin.html", "bulletin.pdf", "bulletin.docx", "tables.xlsx", "manifest.json",
                 "executed/01_clean_progress.ipynb", "executed/02_attainment.ipynb",
                 "executed/03_quarterly_bulletin.ipynb"):
        assert (published / name).stat().st_size > 0, name
    assert not list(WORK.glob("reports/_tmp-*"))


def test_indicator_figures_match_hand_computation(published):
    t = pd.read_excel(published / "tables.xlsx", sheet_name="指标明细", engine="calamine").set_index("指标编号")
    # MS01-01 lifts, back-loaded plan (15/40/70/100 % by quarter): districts 600 + 550 = 1150
    # of 2500 → 46 %; 70 % due at September → 24 points behind → 滞后; pace 0.46/0.70 =
    # 65.7 % of the year's target → miss 34 % → 难以完成.
    r = t.loc["MS01-01"]
    assert r["累计完成/当前值"] == 1150 and r["完成率"] == pytest.approx(0.46)
    assert r["序时进度"] == pytest.approx(0.70) and r["差距（百分点）"] == pytest.approx(-24)
    assert r["进度状态"] == "滞后" and r["年底预测"] == "难以完成"
    # MS01-02: 450 of 600 = 75 % vs 70 % due → 达到序时进度
    assert t.loc["MS01-02", "完成率"] == pytest.approx(0.75)
    assert t.loc["MS01-02", "进度状态"] == "达到序时进度"
    # MS03-01: "1.2万" = 12000 of 15000 = 80 % vs 9/12 = 75 % → 达到序时进度
    assert t.loc["MS03-01", "累计完成/当前值"] == 12000
    assert t.loc["MS03-01", "进度状态"] == "达到序时进度"
    # MS03-05 level: 20 % → 23 % of a 26 % target: 3/6 = 50 % vs 75 % → 25 behind → 滞后
    assert t.loc["MS03-05", "完成率"] == pytest.approx(0.5)
    assert t.loc["MS03-05", "进度状态"] == "滞后"
    # MS12-04 daily average, August data carried: 25650/27000 = 95 % vs 100 % → 5 points
    # behind → 略低于序时进度 (never counted as meeting the schedule)
    assert t.loc["MS12-04", "完成率"] == pytest.approx(0.95)
    assert t.loc["MS12-04", "数据月份"] == 8
    assert t.loc["MS12-04", "进度状态"] == "略低于序时进度"
    # MS12-05 directional: 8200 vs 9000 → −8.9 % < 0 → met (gap 0: 达到, not "超")
    assert t.loc["MS12-05", "较基数变化（%）"] == pytest.approx(-8.9, abs=0.05)
    assert t.loc["MS12-05", "进度状态"] == "达到序时进度"
    assert (t["进度状态"] == "未报送").sum() == 74 - 6


def test_rollups_match_hand_computation(published):
    items = pd.read_excel(published / "tables.xlsx", sheet_name="分项目", engine="calamine").set_index("项目序号")
    # item 1: MS01-01 46 % and MS01-02 75 %, four unreported → capped mean over reported (46+75)/2
    assert items.loc[1, "平均完成率（单项封顶100%）"] == pytest.approx(0.605)
    assert items.loc[1, "未报送"] == 4 and items.loc[1, "滞后"] == 1
    ranks = pd.read_excel(published / "tables.xlsx", sheet_name="分区县", engine="calamine")
    # 万州区 600 of its 1000 allotted = 60 %; 渝中区 550 of 1500 = 36.7 %
    assert ranks["区县"].tolist() == ["万州区", "渝中区"]
    assert ranks["平均完成率（单项封顶100%）"].tolist() == pytest.approx([0.6, 550 / 1500], abs=5e-5)  # stored to 4 decimals


def test_submitted_text_is_escaped_and_neutralised(published):
    html = (published / "bulletin.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "cdnjs" not in html and "<script src=" not in html
    from openpyxl import load_workbook

    ws = load_workbook(published / "tables.xlsx")["指标明细"]
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(v.startswith("'=HYPERLINK") for v in texts)
    assert not any(v.startswith("=") for v in texts)


def test_manifest_records_inputs_and_counts(published):
    import json

    m = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert m["period"] == "2026Q3" and m["kind"] == "quarterly_bulletin" and m["rows"]["rows_in"] == 7
    assert set(m["inputs"]) == {p.name for p in (config.ROOT / RAW).iterdir()}
    assert "pandas" in m["packages"] and m["timings_seconds"]["total"] > 0


def test_broken_input_leaves_the_publication_intact(published):
    before = {p.name: _sha(p) for p in published.iterdir() if p.is_file()}
    empty = WORK / "empty_raw"
    empty.mkdir(parents=True, exist_ok=True)
    (empty / "broken.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(RunError, match="01_clean_progress"):
        execute(plan_run("2026Q3", empty, WORK / "reports", date(2026, 10, 15), replace=True),
                progress=False)
    assert {p.name: _sha(p) for p in published.iterdir() if p.is_file()} == before
    assert (WORK / "reports" / "_failed" / "2026Q3-01_clean_progress.ipynb").exists()
    assert not list(WORK.glob("reports/_tmp-*"))


def test_a_second_run_at_once_is_refused(published):
    from filelock import FileLock

    with FileLock(str(WORK / "reports" / ".2026Q3.lock")):
        with pytest.raises(RunError, match="another run"):
            execute(plan_run("2026Q3", RAW, WORK / "reports", date(2026, 10, 15)), progress=False)
