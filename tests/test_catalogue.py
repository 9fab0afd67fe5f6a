"""The 2026 catalogue against the notice, and the loader's error messages."""

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from minsheng import config
from minsheng.catalogue import CatalogueError, load_catalogue
from minsheng.catalogue.ids import TASK_PATTERN, normalize_indicator_id
from minsheng.catalogue.kinds import KINDS
from minsheng.run import cli

NOTICE = config.ROOT / "data" / "targets" / "2026.notice.txt"


@pytest.fixture(scope="module")
def cat():
    return load_catalogue(2026)


def test_every_item_and_a_sane_count(cat):
    assert sorted(cat.indicators["item_no"].unique()) == list(range(1, 16))
    assert 65 <= len(cat.indicators) <= 85
    assert cat.indicators["indicator_id"].is_unique
    assert set(cat.indicators["kind"]) <= set(KINDS)


# Read off the notice by hand, one figure per clause, in base units.
@pytest.mark.parametrize(
    ("clause", "value"),
    [
        ("老旧小区电梯加装", 2500), ("完成老旧小区改造", 600), ("现代社区", 25),
        ("山城步道", 30), ("服务人群超", 4_500_000), ("完工投用", 100), ("轨道站点出入口", 20),
        ("堵乱点", 60), ("等级培训认证", 15_000), ("心理健康测评", 2_000_000),
        ("素养水平", 26), ("服务儿童", 130_000), ("新增残疾人就业", 2000),
        ("康复救助", 10_000), ("辅助器具适配", 20_000), ("免费检查", 700_000),
        ("覆盖率达到 55%", 55), ("综合服务体 26", 26), ("累计达到 550", 550),
        ("920", 920), ("老年食堂 100", 100), ("覆盖率达到 95%", 95),
        ("托管班", 6000), ("覆盖未成年人", 150_000), ("供水工程", 500), ("150 万", 1_500_000),
        ("输配水管道", 5000), ("33 万", 330_000), ("AED", 700), ("银发综合体", 50),
        ("居家适老化改造", 3000), ("养老服务补贴", 700_000), ("长期护理服务", 1_000_000),
        ("上门健康服务", 50_000), ("持证养老护理员", 1000), ("长期照护师", 15_000),
        ("反诈工作站", 100), ("进社区宣传活动", 5000), ("日均预警劝阻", 27_000),
        ("友好阵地", 7000), ("职业伤害保障", 1_150_000), ("保障性住房", 12_000),
        ("低收入灵活就业", 100_000), ("抗精神病药物", 50_000), ("心理援助服务", 18_000),
        ("消防物联感知设备", 6000),
    ],
)
def test_targets_match_the_notice(cat, clause, value):
    key = clause.replace(" ", "")
    hits = cat.indicators[cat.indicators["source"].str.replace(" ", "").str.contains(key, regex=False)]
    assert not hits.empty, f"no indicator quotes {clause!r}"
    assert value in hits["target_value"].tolist(), f"{clause}: {hits['target_value'].tolist()}"


def test_combined_clauses_are_split(cat):
    values = cat.indicators.groupby("item_no")["target_value"].apply(set)
    assert {105, 100, 15, 8}.issubset(values[2])
    assert {70, 550}.issubset(values[6])
    rates = cat.indicators[(cat.indicators["item_no"] == 14) & (cat.indicators["target_value"] == 80)]
    assert len(rates) == 2


def test_soft_target_is_labelled(cat):
    soft = cat.indicators[cat.indicators["soft"]]
    assert soft["source"].str.contains("力争").all() and len(soft) >= 1


def test_level_baseline_derived_from_notice(cat):
    row = cat.indicators[cat.indicators["target_value"] == 550].iloc[0]
    assert row["kind"] == "level" and row["baseline"] == 480


def _task_text(notice: str) -> str:
    """The notice's task column, rejoined across page breaks (the last cell of each row)."""
    cells = [line.split("\t")[-1] for line in notice.splitlines()
             if not line.startswith("序号")]
    return re.sub(r"\s+", "", "".join(cells))


def test_sources_are_verbatim(cat):
    notice = _task_text(NOTICE.read_text(encoding="utf-8"))
    for _, row in cat.indicators.iterrows():
        assert re.sub(r"\s+", "", row["source"]) in notice, row["indicator_id"]


def test_ids_survive_excel():
    # Excel turns "1-3" into a date and "0103" into 103; letters first keeps them text.
    for iid in load_catalogue(2026).indicators.index:
        assert re.fullmatch(r"[A-Z]{2}\d{2}-\d{2}", iid)


def test_responsible_units_rejoined_across_page_breaks(cat):
    units = cat.items.set_index("item_no")["responsible_units"]
    assert units[6] == "市发展改革委、市规划自然资源局、市委社会工作部、市文化旅游委、市民政局"
    assert units[11] == "市民政局、市人力社保局、市卫生健康委、市医保局"


def test_targets_command_prints_csv():
    buf = io.StringIO()
    with redirect_stdout(buf):
        assert cli.main(["targets", "--year", "2026", "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(buf.getvalue()))
    for col in ["indicator_id", "item_no", "item_name", "indicator", "target_value", "unit",
                "comparator", "kind", "soft", "responsible_units"]:
        assert col in table.columns
    assert len(table) == len(load_catalogue(2026).indicators)


def test_unknown_year_is_a_clear_error(capsys):
    assert cli.main(["targets", "--year", "1999"]) == 1
    assert "1999.yaml" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ("kind: increment", "kind: growth"),
        ("target_value: 100", "target_value: lots"),
        ("id: MS01-01", "id: 1-1"),
        ("by_district: true", 'by_district: "false"'),
    ],
)
def test_loader_names_file_indicator_and_field(tmp_path: Path, patch, field):
    text = ("year: 2030\ntitle: t\nnotice: n\nitems:\n  - item_no: 1\n    item_name: x\n"
            "    responsible_units: [甲]\n    indicators:\n      - id: MS01-01\n"
            "        indicator: y\n        target_value: 100\n        unit: 个\n"
            "        kind: increment\n        by_district: true\n        source: s\n")
    path = tmp_path / "2030.yaml"
    path.write_text(text.replace(patch, field), encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(2030, path=path)
    msg = str(err.value)
    assert str(path) in msg
    assert "MS01-01" in msg or "1-1" in msg
    assert "field '" in msg


# ─────────────────────────────────────────── every bad input is one clear line, none slips through

# A small catalogue in the documented form: a plan, one item with an indicator and a task.
GOOD = """\
year: 2030
title: t
notice: n
issued: 2030-03-01
plans:
  back: {quarterly: [0.1, 0.5, 0.8, 1.0]}
items:
  - item_no: 1
    item_name: x
    responsible_units: [甲, 乙]
    indicators:
      - id: MS01-01
        indicator: y
        target_value: 3
        unit: 个
        comparator: ">="
        kind: increment
        soft: false
        by_district: true
        baseline: null
        plan: back
        source: s
    unquantified:
      - id: MS01-T1
        source: u
        tracking: 文字报送
"""
ONE_INDICATOR = GOOD[GOOD.index("      - id: MS01-01"):GOOD.index("    unquantified:")]
SECOND_ITEM = ("  - item_no: 2\n    item_name: z\n    responsible_units: [丙]\n    indicators:\n"
               + ONE_INDICATOR.replace("MS01-01", "MS02-01").replace("        plan: back\n", ""))


def _refused(tmp_path: Path, text: str) -> str:
    """Load `text` as 2030.yaml; it must be refused in one line naming the file."""
    path = tmp_path / "2030.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as err:
        load_catalogue(2030, path=path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: ") and "\n" not in msg, msg
    return msg


def _patched(old: str, new: str, text: str = GOOD) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_the_small_catalogue_loads(tmp_path):
    path = tmp_path / "2030.yaml"
    path.write_text(GOOD + SECOND_ITEM, encoding="utf-8")
    cat = load_catalogue(2030, path=path)
    assert list(cat.indicators.index) == ["MS01-01", "MS02-01"]
    assert list(cat.tasks["task_id"]) == ["MS01-T1"] and list(cat.items["item_no"]) == [1, 2]


@pytest.mark.parametrize(
    ("old", "new", "place", "field", "says"),
    [
        # 1. what used to be a traceback or a bare "could not convert"
        (GOOD[GOOD.index("items:"):], "items:\n", "top level", "items", "list of items"),
        (GOOD[GOOD.index("items:"):], "items: []\n", "top level", "items", "at least one item"),
        (ONE_INDICATOR, "", "item 1", "indicators", "at least one indicator"),
        ("kind: increment", "kind: deliverable\n        milestones: [1, 2, 3]",
         "indicator MS01-01 (item 1)", "milestones", "text"),
        ("year: 2030", "year: twenty", "top level", "year", "whole number"),
        ("year: 2030", "year: 2030.5", "top level", "year", "whole number"),
        ("item_no: 1", "item_no: one", "item one", "item_no", "whole number"),
        ("item_no: 1", "item_no: 1.5", "item 1.5", "item_no", "whole number"),
        ("0.5, 0.8", "half, 0.8", "plan 'back'", "quarterly", "'half' is not a number"),
        ("0.5, 0.8", '"0.5", 0.8', "plan 'back'", "quarterly", "unquoted"),
        # 2. what used to be accepted though wrong
        ("by_district: true", "by_district: 1", "indicator MS01-01", "by_district", "true or false"),
        ("soft: false", "soft: 0", "indicator MS01-01", "soft", "true or false"),
        ("target_value: 3", "target_value: true", "indicator MS01-01", "target_value",
         "not a number"),
        ("target_value: 3", 'target_value: "3"', "indicator MS01-01", "target_value",
         "write the number unquoted"),
        ("baseline: null", 'baseline: "2"', "indicator MS01-01", "baseline",
         "write the number unquoted"),
        ("baseline: null", "baseline: false", "indicator MS01-01", "baseline", "not a number"),
        ('comparator: ">="', "comparator: >", "indicator MS01-01", "comparator",
         'write the comparator in quotes, e.g. comparator: ">="'),
        # 3. what used to be silently ignored
        ("notice: n", "notice: n\nnotise: m", "top level", "notise", "unknown key"),
        ("item_name: x", "item_name: x\n    item_nmae: z", "item 1", "item_nmae", "unknown key"),
        ("by_district: true", "by_distict: true", "indicator MS01-01 (item 1)", "by_distict",
         "did you mean 'by_district'"),
        ("tracking: 文字报送", "trackin: 文字报送", "unquantified MS01-T1 (item 1)", "trackin",
         "did you mean 'tracking'"),
        ("{quarterly: [0.1, 0.5, 0.8, 1.0]}", "{quarterly: [0.1, 0.5, 0.8, 1.0], note: x}",
         "plan 'back'", "note", "unknown key"),
        ("id: MS01-01", "id: MS03-01", "indicator MS03-01 (item 1)", "id", "item_no 1"),
        ("id: MS01-T1", "id: MS03-T1", "unquantified MS03-T1 (item 1)", "id", "item_no 1"),
        # 4. an item with clauses but no indicator
        (ONE_INDICATOR, "      []\n", "item 1", "indicators", "every item needs at least one indicator"),
        # and the rest of the promise: text where text is due, dates unquoted
        ("title: t", "title: 2030", "top level", "title", "text"),
        ("issued: 2030-03-01", 'issued: "2030-03-01"', "top level", "issued", "unquoted"),
        ("plan: back", "plan: [back]", "indicator MS01-01", "plan", "text"),
    ],
)
def test_bad_input_names_file_place_and_field(tmp_path, old, new, place, field, says):
    msg = _refused(tmp_path, _patched(old, new))
    assert f": {place}" in msg and f"field '{field}'" in msg and says in msg, msg


def test_unknown_key_lists_the_known_ones(tmp_path):
    msg = _refused(tmp_path, _patched("by_district: true", "by_distict: true"))
    known = msg.split("known keys: ")[1]
    for key in ("id", "indicator", "target_value", "by_district", "soft", "milestones", "note"):
        assert re.search(rf"\b{key}\b", known), key


def test_a_repeated_item_no_is_refused(tmp_path):
    msg = _refused(tmp_path, GOOD + SECOND_ITEM.replace("item_no: 2", "item_no: 1")
                   .replace("MS02-01", "MS01-02"))
    assert ": item 1: field 'item_no'" in msg and "earlier item" in msg


def test_an_unquoted_comparator_that_breaks_the_yaml_says_to_quote_it(tmp_path):
    msg = _refused(tmp_path, _patched('comparator: ">="', "comparator: >="))
    assert "not valid YAML" in msg and "line 16" in msg
    assert 'write the value in quotes, e.g. comparator: ">="' in msg


@pytest.mark.parametrize("task", ["MS01-T2", "MS01-T10", "MS01-T99"])
def test_task_ids_run_to_t99_as_the_id_reader_does(tmp_path, task):
    path = tmp_path / "2030.yaml"
    path.write_text(_patched("id: MS01-T1", f"id: {task}"), encoding="utf-8")
    assert list(load_catalogue(2030, path=path).tasks["task_id"]) == [task]
    assert normalize_indicator_id(f" {task.lower().replace('-', '—')} ") == task


@pytest.mark.parametrize("task", ["MS01-T0", "MS01-T100", "MS01-T01"])
def test_task_ids_outside_t1_to_t99_are_refused(tmp_path, task):
    msg = _refused(tmp_path, _patched("id: MS01-T1", f"id: {task}"))
    assert f"unquantified {task} (item 1): field 'id'" in msg and "T1" in msg


def test_the_id_reader_and_the_loader_agree_on_t1_to_t99():
    for n in range(1, 100):
        assert TASK_PATTERN.match(normalize_indicator_id(f"ms1-t{n:02d}")), n
    # T0 reads as a code no catalogue can hold (reported as unknown); T100 is no code at all
    assert not TASK_PATTERN.match(normalize_indicator_id("ms1-t00"))
    assert normalize_indicator_id("ms1-t100") is None


def test_the_2026_file_uses_only_known_keys_and_loads(cat):
    assert len(cat.indicators) == 74 and len(cat.tasks) == 13
    assert cat.indicators["soft"].map(type).eq(bool).all()
