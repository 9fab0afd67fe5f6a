"""The office's 数据核实清单: every matter the public bulletin leaves out, with where it is and
what to ask the unit, in plain Chinese (no codes). Expected lines written out by hand."""

import pytest
from minsheng.catalogue import load_catalogue
from minsheng.contracts.checks import ASKS, CHECKS
from minsheng.contracts.store import CleanOutputs
from minsheng.report import bulletin as b
from minsheng.report.checklist import checklist_tables, count_lines
from test_bulletin import LEDGER_ROWS, QUALITY, QUARANTINE, YAML, make_ledger
from test_tasks import TASK_ROWS, _with_tasks

EXTRA = [
    # claims done, but 46 of 40→55 is 40 %: a contradiction to verify
    ("MS01-02", "全市", 8, 45, 40, None, "已完成年度任务"),
    # claims done and is done (40 of 40): nothing to verify
    ("MS01-03", "全市", 8, 40, None, None, "已全部完成"),
]


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "2031.yaml"
    path.write_text(_with_tasks(YAML), encoding="utf-8")
    cat = load_catalogue(2031, path=path)
    ledger = make_ledger(LEDGER_ROWS + TASK_ROWS + EXTRA)
    history = ledger.assign(superseded=False)
    approx = (history["indicator_id"] == "MS02-04") & (history["month"] == 9)
    history.loc[approx, "flags"] = "APPROX;WAN_CONVERTED"
    quality = QUALITY.model_validate({**QUALITY.model_dump(),
        "files_skipped": [{"file": "~$甲.xlsx", "reason_code": "SKIP_FILE_LOCK",
                           "reason": "Office 临时锁定文件（~$ 开头），未读取"}],
        "sheets_skipped": [{"file": "乙.xlsx", "sheet": "草稿", "reason_code": "SKIP_SHEET_DRAFT",
                            "reason": "工作表名称表明为草稿、副本或示例，未读取"}]})
    clean = CleanOutputs(ledger, history, QUARANTINE, quality)
    data = b.assemble(cat, ledger, 2031, 3, quality, QUARANTINE)
    return checklist_tables(clean, data)


def test_every_check_that_leaves_something_to_verify_says_what_to_ask():
    asked = {c.code for c in CHECKS if c.action in ("reject", "skip_file", "skip_sheet",
                                                     "quarantine", "warn")}
    assert asked == set(ASKS)


def test_quarantined_rows_with_where_and_what_to_ask(tables):
    q = tables["隔离数据"]
    assert q.iloc[0].tolist() == ["-甲.xlsx", "月报", 5, "累计完成", "@SUM(A1)", "数值无法识别",
                                  "请填写数字后重报"]
    assert q["请核实"].tolist()[2] == "请确认数值，完成数不应为负"
    assert len(q) == 4


def test_used_but_flagged_rows_each_question_once(tables):
    f = tables["需核实数据"]
    assert f.to_dict("records") == [{
        "文件": "f.xlsx", "工作表": "月报", "行": f["行"].iloc[0], "指标": "宣传", "区县": "全市",
        "月份": "9月", "采用的数值": 140.0,
        "问题": "数值为约数（约、余、多、左右），已取数字部分；数值含“万/千/亿”或表头单位为万，已换算为基本单位",
        "请核实": "请报送准确数；请确认以“万”为单位的换算无误"}]


def test_a_text_claiming_done_against_its_figure(tables):
    c = tables["文字与数据不符"]
    # MS01-02's latest text is August's claim (September has no text): 46 → (46−40)/15 = 40 %
    assert c[["指标", "区县", "报送文字", "完成率"]].values.tolist() == [
        ["覆盖率", "全市", "已完成年度任务", "40.0%"]]


def test_each_task_judgement_for_the_office(tables):
    t = tables["工作任务"]
    assert t[["工作任务", "报送单位", "判断", "依据"]].values.tolist() == [
        ["居住品质：开展城市片区更新", "单位甲", "已开展", "已引入社会资本3家"],
        ["居住品质：推进适老化改造", "单位乙", "未开展", "该项工作尚未开展，正在调研"],
        ["反诈：建立联动机制", "单位丙", "未报送", "未报送进展情况"]]
    assert t["请核实"].tolist() == ["", "请督促报送单位说明进展", "请督促报送单位说明进展"]


def test_files_rejected_and_not_read(tables):
    assert tables["拒收文件"].values.tolist() == [
        ["单位丁/9月.xls", "不是xlsx或csv文件", "请按填报模板另存为 xlsx 或 csv 文件后重报"]]
    assert tables["未读取文件"][["文件", "工作表"]].values.tolist() == [["~$甲.xlsx", ""],
                                                                    ["乙.xlsx", "草稿"]]


def test_late_and_missing_returns_of_the_quarter(tables):
    # Q3 is months 7–9: June's missing return belongs to Q2's list
    assert tables["报送情况"][["单位", "月份", "情况"]].values.tolist() == [
        ["单位甲", "8月", "逾期"], ["单位丙", "9月", "未报送"]]


def test_about_sheet_counts_every_sheet(tables):
    about = dict(tables["说明"].values.tolist())
    assert about["隔离数据"] == "4条" and about["工作任务"] == "3条" and about["数据截至"] == "9月底"
    assert count_lines(tables) == 4 + 1 + 1 + 3 + 1 + 2 + 2


def test_no_codes_reach_the_office(tables):
    codes = {c.code for c in CHECKS}
    for name, frame in tables.items():
        text = " ".join(frame.astype(str).values.ravel())
        assert not [c for c in codes if c in text], name
