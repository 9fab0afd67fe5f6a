"""What the runner publishes from the shipped sample: the 2026Q3 bulletin, with nothing internal
in its public text, and the monthly dispatch (月调度) — every file, lights that agree with the
quarter's bulletin, the late returns, a notice for each unit with a red light, the period
rules, and every month of the sample."""

import json
import shutil
from concurrent.futures import ProcessPoolExecutor
from datetime import date

import pandas as pd
import pytest
from minsheng import config
from minsheng.report.labels import labels
from minsheng.run.runner import RunError, execute, plan_run
from minsheng.run.verify import verify_publication

pytestmark = pytest.mark.pipeline

WORK = config.ROOT / "build" / "test-monthly"
REPORTS = WORK / "reports"
TODAY = date(2026, 12, 1)


def publish_month(month: str) -> str:
    """One month's dispatch as the scheduled job makes it (a module-level function: it runs in
    a worker process)."""
    plan = plan_run(month, None, REPORTS, date(2026, 12, 1), monthly=True, today=TODAY)
    return execute(plan, progress=False).target.name


@pytest.fixture(scope="module")
def published():
    shutil.rmtree(WORK, ignore_errors=True)
    REPORTS.mkdir(parents=True)
    quarter = execute(plan_run("2026Q3", None, REPORTS, date(2026, 10, 15), today=TODAY),
                      progress=False).target
    with ProcessPoolExecutor(2) as pool:   # the sample's months, two at a time
        months = list(pool.map(publish_month, [f"2026-{m:02d}" for m in range(1, 11)]))
    yield quarter, months
    shutil.rmtree(WORK, ignore_errors=True)


def _sheet(path, name):
    return pd.read_excel(path, sheet_name=name, engine="calamine")


def _public_texts(folder):
    """The bulletin's words as a reader gets them: the HTML's text, the PDF's, the DOCX's."""
    import re

    from docx import Document
    from pypdf import PdfReader

    html = re.sub(r"<style.*?</style>", " ", (folder / "bulletin.html").read_text(encoding="utf-8"),
                  flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    pdf = " ".join(page.extract_text() or "" for page in PdfReader(folder / "bulletin.pdf").pages)
    d = Document(folder / "bulletin.docx")
    docx = " ".join([p.text for p in d.paragraphs] +
                    [c.text for t in d.tables for row in t.rows for c in row.cells])
    return {"html": html, "pdf": pdf, "docx": docx}


def test_the_quarters_bulletin_says_nothing_internal(published):
    from minsheng.contracts.checks import CHECKS
    from minsheng.rules.status import STATUSES

    quarter, _ = published
    for kind, text in _public_texts(quarter).items():
        found = [c.code for c in CHECKS if c.code in text] + [s for s in STATUSES if s in text]
        assert not found, (kind, found)
        for internal in ("隔离", ".xlsx", ".csv", "quarantine", "数据质量"):
            assert internal not in text, (kind, internal)
        for heading in ("附件1", "附件2", "附件3", "一、总体情况", "五、下一步工作要求"):
            assert heading in text.replace(" ", ""), (kind, heading)
    assert (quarter / "checklist.xlsx").stat().st_size > 0
    assert "隔离数据" in pd.ExcelFile(quarter / "checklist.xlsx", engine="calamine").sheet_names


def test_every_month_of_the_sample_publishes(published):
    _, months = published
    assert months == [f"2026-{m:02d}" for m in range(1, 11)]
    index = json.loads((REPORTS / "index.json").read_text(encoding="utf-8"))["publications"]
    assert [p["period"] for p in index if p["kind"] == "monthly_dispatch"] == \
        [f"2026-{m:02d}" for m in range(10, 0, -1)]


def test_september_publishes_every_file_and_verifies(published):
    sept = REPORTS / "2026-09"
    for name in ("dispatch.xlsx", "dispatch.docx", "dispatch.pdf", "dispatch.html", "manifest.json",
                 "executed/01_clean_progress.ipynb", "executed/05_monthly_dispatch.ipynb",
                 "data/ledger.parquet"):
        assert (sept / name).stat().st_size > 0, name
    assert set(pd.ExcelFile(sept / "dispatch.xlsx", engine="calamine").sheet_names) == {
        "亮灯表", "责任单位汇总", "催报", "变化", "区县"}
    manifest = json.loads((sept / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "monthly_dispatch" and manifest["month"] == 9 and not manifest["draft"]
    assert verify_publication(sept).ok


def test_lights_agree_with_the_quarters_bulletin(published):
    """At a quarter's last month the light before escalation follows the bulletin's status:
    已完成 → 已完成, 达到/略低于序时进度 → 绿灯, 滞后 → 黄灯, 严重滞后 → 红灯, 未报送 → 未报送
    (settings: dispatch.behind_light green)."""
    quarter, _ = published
    status = _sheet(quarter / "tables.xlsx", "指标明细").set_index("指标编号")["进度状态"]
    lights = _sheet(REPORTS / "2026-09" / "dispatch.xlsx", "亮灯表").set_index("指标编号")
    s = labels("status")
    expected = {s["completed"]: "已完成", s["on_schedule"]: "绿灯", s["slightly_behind"]: "绿灯",
                s["lagging"]: "黄灯", s["severely_lagging"]: "红灯", s["no_data"]: "未报送"}
    raised = lights["升级原因"].notna()
    assert not raised.any()          # September raises none; else the raised one differs by one colour
    shown = lights["灯色"].str.replace(r"（.*）$", "", regex=True)
    assert (shown == status.reindex(lights.index).map(expected)).all()
    # a green that is behind says so
    behind = status[status == s["slightly_behind"]].index
    assert (lights.loc[behind, "灯色"] == "绿灯（略低于序时进度）").all() and len(behind) == 22


def test_late_returns_are_named_with_their_dates(published):
    # 填报日期 read from the September files: 市残联 "2026.10.9", 市人力社保局 2026-10-08,
    # 市红十字会 2026-10-20 (CSV); every other unit filed by 5 October, the due day.
    chase = _sheet(REPORTS / "2026-09" / "dispatch.xlsx", "催报")
    assert chase[["填报单位", "截止日期", "报送日期", "情况"]].astype(str).values.tolist() == [
        ["市残联", "2026-10-05", "2026-10-09", "逾期4天"],
        ["市红十字会", "2026-10-05", "2026-10-20", "逾期15天"],
        ["市人力社保局", "2026-10-05", "2026-10-08", "逾期3天"]]
    # each with the indicators it reports (市人力社保局 reports one: MS11-07)
    assert chase.loc[2, "报送指标"] == "新增持证养老护理员"


def test_each_unit_with_a_red_light_has_a_notice(published):
    lights = _sheet(REPORTS / "2026-09" / "dispatch.xlsx", "亮灯表")
    red_units = set(lights.loc[lights["灯色"] == "红灯", "牵头单位"])
    notices = {p.stem for p in (REPORTS / "2026-09" / "notices").glob("*.docx")}
    assert red_units and red_units <= notices


def test_a_month_not_yet_due_is_refused_and_a_draft_says_so(published):
    # On 1 December November has ended but its returns are due on 5 December.
    with pytest.raises(RunError, match="2026-11.*--draft"):
        plan_run("2026-11", None, REPORTS, TODAY, monthly=True, today=TODAY)
    assert not (REPORTS / "2026-11").exists()
    draft = execute(plan_run("2026-11", None, REPORTS, TODAY, monthly=True, draft=True, today=TODAY),
                    progress=False).target
    manifest = json.loads((draft / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["draft"] is True and manifest["month"] == 10   # the data's cut-off
    html = (draft / "dispatch.html").read_text(encoding="utf-8")
    assert "征求意见稿" in html and "数据截至2026年10月底" in html
