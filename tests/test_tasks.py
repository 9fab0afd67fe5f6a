"""Tasks without a figure (工作任务): judged 已开展 / 未开展 / 未报送 from the reporting unit's
text, counted in 一、总体情况, named in 三、存在问题 and listed in 附件3 after their item."""

import dataclasses

import pandas as pd
import pytest
from minsheng.catalogue import load_catalogue
from minsheng.report import bulletin as b
from minsheng.report.document import Paragraph
from minsheng.rules.texts import task_progress
from test_bulletin import (
    ISSUED,
    LEDGER_ROWS,
    QUALITY,
    QUARANTINE,
    YAML,
    _replace,
    _retext,
    make_ledger,
)

# Three tasks on the small catalogue of test_bulletin: T1 written about (started), T2 said
# not begun, MS02-T1 never written about.
TASKS = {
    1: "    unquantified:\n"
       "      - {id: MS01-T1, source: 开展城市片区更新}\n"
       "      - {id: MS01-T2, source: 推进适老化改造, reporting_unit: 单位乙}\n",
    2: "    unquantified:\n"
       "      - {id: MS02-T1, source: 建立联动机制}\n",
}
TASK_ROWS = [
    # T1: an old text in July, a newer one in August → started, as of August
    ("MS01-T1", "全市", 7, None, None, None, "正在制定方案"),
    ("MS01-T1", "全市", 8, None, None, None, "已引入社会资本3家"),
    # T2: the unit says it has not begun, in both months
    ("MS01-T2", "全市", 8, None, None, None, "尚未启动"),
    ("MS01-T2", "全市", 9, None, None, None, "该项工作尚未开展，正在调研"),
]


def _with_tasks(yaml: str) -> str:
    lines, out, item = yaml.splitlines(keepends=True), [], None
    for line in lines:
        if line.startswith("  - item_no: "):
            if item in TASKS:
                out.append(TASKS[item])
            item = int(line.split(":")[1])
        out.append(line)
    out.append(TASKS[item])
    return "".join(out)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "2031.yaml"
    path.write_text(_with_tasks(YAML), encoding="utf-8")
    cat = load_catalogue(2031, path=path)
    return b.assemble(cat, make_ledger(LEDGER_ROWS + TASK_ROWS), 2031, 3, QUALITY, QUARANTINE)


@pytest.fixture(scope="module")
def bulletin(data):
    return b.build(data, ISSUED, charts=False)


def test_each_task_judged_from_its_units_text(data):
    t = data.tasks.set_index("task_id")
    assert list(t.index) == ["MS01-T1", "MS01-T2", "MS02-T1"]
    assert t["status"].astype(str).tolist() == ["started", "not_started", "no_data"]
    assert t["month"].tolist() == [8, 9, pd.NA]
    assert t["reporting_unit"].tolist() == ["单位甲", "单位乙", "单位丙"]


def test_one_text_that_has_begun_outweighs_one_that_has_not():
    tasks = pd.DataFrame({"task_id": ["X-T1"], "item_no": [1], "item_name": ["甲"],
                          "source": ["s"], "reporting_unit": ["u"]})
    texts = pd.DataFrame({"indicator_id": ["X-T1", "X-T1"], "district": ["万州区", "涪陵区"],
                          "month": [9, 9], "progress_text": ["尚未开展", "已开工2处"]})
    assert task_progress(tasks, texts)["status"].astype(str).tolist() == ["started"]
    assert task_progress(tasks, texts.iloc[:1])["status"].astype(str).tolist() == ["not_started"]
    # the words are the office's: with none, any text is a start
    assert task_progress(tasks, texts.iloc[:1], [])["status"].astype(str).tolist() == ["started"]


def _text(bulletin, role):
    return [blk.text for blk in bulletin.blocks(role) if isinstance(blk, Paragraph)]


def test_overview_counts_the_tasks(bulletin):
    assert _text(bulletin, "task_counts") == [
        "另有3项工作任务不设量化指标，按牵头单位报送的文字进展跟踪，已开展1项、未开展1项、未报送1项。"]


def test_problems_name_the_idle_tasks_with_their_unit(bulletin):
    assert _text(bulletin, "tasks_idle") == [
        "2项工作任务未报送进展或报送尚未开展：居住品质“推进适老化改造”（单位乙，未开展）；"
        "反诈“建立联动机制”（单位丙，未报送）。"]


def test_progress_table_lists_tasks_after_their_items_indicators(bulletin):
    (tab,) = bulletin.attachment("progress").blocks
    assert list(tab.keys) == ["MS01-01", "MS01-02", "MS01-03", "MS01-T1", "MS01-T2",
                              "MS02-01", "MS02-02", "MS02-03", "MS02-04", "MS02-T1"]
    rows = dict(zip(tab.keys, tab.rows, strict=True))
    assert rows["MS01-T1"] == ("", "", "工作任务：开展城市片区更新", "", "已引入社会资本3家", "—", "—",
                               "已开展；不计算完成率；采用8月进展情况")
    assert rows["MS01-T2"][4] == "该项工作尚未开展，正在调研"
    assert rows["MS01-T2"][7] == "未开展；不计算完成率"
    assert rows["MS02-T1"][4:] == ("", "—", "—", "未报送；不计算完成率")
    assert b.check_arithmetic(bulletin) == []


def test_a_task_counted_wrong_is_caught(bulletin):
    problems = b.check_arithmetic(_retext(bulletin, "task_counts", "已开展1项、未开展1项", "已开展2项"))
    assert any("工作任务各类" in x for x in problems), problems


def test_an_idle_task_left_out_is_caught(bulletin):
    bad = _replace(bulletin, lambda x: getattr(x, "role", "") == "tasks_idle",
                   lambda p: dataclasses.replace(p, key="MS01-T2"))
    assert any("未开展或未报送的工作任务" in x for x in b.check_arithmetic(bad))
