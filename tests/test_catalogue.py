"""The 2026 catalogue against the notice, and the loader's error messages."""

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from minsheng import config
from minsheng.catalogue import CatalogueError, load_catalogue
from minsheng.catalogue.kinds import KINDS
from minsheng.run import cli

SEED = config.ROOT.parent / "shared" / "seed" / "000_213c2da2134e9fbc.txt"


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
    if not SEED.exists():
        pytest.skip("the notice is not beside this checkout")
    notice = _task_text(SEED.read_text(encoding="utf-8"))
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
