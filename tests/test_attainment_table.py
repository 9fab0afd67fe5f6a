"""The indicator table and roll-ups on a small hand-made catalogue and ledger."""

import textwrap

import numpy as np
import pandas as pd
import pytest
from minsheng.catalogue import load_catalogue
from minsheng.contracts import ledger as ledger_mod
from minsheng.rules.attainment import attainment_table
from minsheng.rules.rollup import by_district, by_item, by_unit, district_detail

YAML = textwrap.dedent("""\
    year: 2031
    title: 测试目标
    notice: 测试〔2031〕1号
    plans:
      back: {quarterly: [0.1, 0.3, 0.6, 1.0]}
    items:
      - item_no: 1
        item_name: 居住品质
        responsible_units: [单位甲, 单位乙]
        indicators:
          - {id: MS01-01, indicator: 电梯, target_value: 100, unit: 部, kind: increment,
             by_district: true, source: 电梯100部}
          - {id: MS01-02, indicator: 覆盖率, target_value: 55, unit: "%", kind: level,
             source: 覆盖率达到55%}
          - {id: MS01-03, indicator: 小区, target_value: 40, unit: 个, kind: increment,
             plan: back, reporting_unit: 单位乙, source: 小区40个}
      - item_no: 2
        item_name: 反诈
        responsible_units: [单位丙]
        indicators:
          - {id: MS02-01, indicator: 日均劝阻, target_value: 1000, unit: 人次, kind: daily_average,
             source: 日均1000}
          - {id: MS02-02, indicator: 站点, target_value: 10, unit: 个, kind: increment, source: 站点10个}
    """)


def _ledger(rows):
    cols = ["indicator_id", "district", "month", "value", "baseline", "district_target"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["year"] = 2031
    frame["source_file"], frame["source_sheet"], frame["flags"] = "f.xlsx", "月报", ""
    frame["source_row"] = np.arange(4, 4 + len(frame))
    out = ledger_mod.conform(frame)
    ledger_mod.validate(out)
    return out


@pytest.fixture
def catalogue(tmp_path):
    path = tmp_path / "2031.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load_catalogue(2031, path=path)


@pytest.fixture
def ledger():
    return _ledger([
        # lifts by district: A 30 of 50 allotted, B 20 of 50 → city 50/100 at month 6 (June data)
        ("MS01-01", "万州区", 6, 30, None, 50),
        ("MS01-01", "涪陵区", 6, 20, None, 50),
        ("MS01-01", "万州区", 5, 25, None, 50),
        # coverage rate: from 40 % to 46 % of a 55 % target → 6/15 = 0.4
        ("MS01-02", "全市", 6, 46, 40, None),
        # planned: 12 of 40 = 0.3 at month 6 where the plan says 0.3 → on schedule (gap 0)
        ("MS01-03", "全市", 6, 12, None, None),
        # daily average 950 of 1000 → 0.95, expected 1.0 → slightly behind (5 behind)
        ("MS02-01", "全市", 6, 950, None, None),
        # MS02-02 last reported in April: 2 of 10 = 0.2 vs 0.5 due → 30 behind → lagging
        ("MS02-02", "全市", 4, 2, None, None),
    ])


def test_indicator_table(catalogue, ledger):
    t = attainment_table(catalogue, ledger, 2031, 6).set_index("indicator_id")
    assert t.loc["MS01-01", "value"] == 50                   # districts summed (latest month)
    assert t.loc["MS01-01", "attainment"] == pytest.approx(0.5)
    assert t.loc["MS01-01", "expected"] == pytest.approx(0.5)
    assert t.loc["MS01-01", "status"] == "on_schedule"
    assert t.loc["MS01-01", "districts_reported"] == 2
    assert t.loc["MS01-02", "attainment"] == pytest.approx(0.4)
    assert t.loc["MS01-02", "gap_points"] == pytest.approx(-10)
    assert t.loc["MS01-02", "status"] == "lagging"
    assert t.loc["MS01-03", "expected"] == pytest.approx(0.3)
    assert t.loc["MS01-03", "status"] == "on_schedule"
    assert t.loc["MS02-01", "status"] == "slightly_behind"
    assert t.loc["MS02-02", "data_month"] == 4              # carried forward, and shown as such
    assert t.loc["MS02-02", "gap_points"] == pytest.approx(-30)
    assert t.loc["MS02-02", "status"] == "lagging"


def test_unreported_indicator_is_no_data(catalogue, ledger):
    t = attainment_table(catalogue, ledger, 2031, 3).set_index("indicator_id")
    # nothing reported by March except nothing: all five no_data
    assert (t["status"] == "no_data").all()
    assert t["value"].isna().all()


def test_rollups(catalogue, ledger):
    t = attainment_table(catalogue, ledger, 2031, 6)
    items = by_item(t).set_index("item_no")
    assert items.loc[1, "n_indicators"] == 3
    assert items.loc[1, "n_on_schedule"] == 2 and items.loc[1, "n_lagging"] == 1
    # capped mean of 0.5, 0.4, 0.3
    assert items.loc[1, "mean_attainment_capped"] == pytest.approx(0.4)
    # item 2: the daily average is 5 points behind and the other 30 behind: neither meets
    # the schedule (behind by however little is not "达到序时进度")
    assert items.loc[2, "share_meeting_schedule"] == pytest.approx(0.0)
    assert items.loc[2, "n_slightly_behind"] == 1
    units = by_unit(t).set_index("unit")
    assert units.loc["单位乙", "n_indicators"] == 3         # jointly responsible for item 1
    reporting = by_unit(t, "reporting_unit").set_index("unit")
    assert reporting.loc["单位乙", "n_indicators"] == 1


def test_district_ranking(catalogue, ledger):
    t = attainment_table(catalogue, ledger, 2031, 6).set_index("indicator_id")
    detail = district_detail(catalogue.indicators, ledger, 2031, 6, t["expected"])
    assert detail.set_index("district").loc["万州区", "attainment"] == pytest.approx(0.6)
    ranking = by_district(detail)
    assert ranking["district"].tolist() == ["万州区", "涪陵区"]
    assert ranking["mean_gap_capped"].tolist() == pytest.approx([10, -10])
    assert ranking["status"].astype(str).tolist() == ["on_schedule", "lagging"]
    assert ranking["n_behind"].tolist() == [0, 1]


def _detail(rows):
    return pd.DataFrame(rows, columns=["indicator_id", "district", "attainment", "expected"]).assign(
        gap_points=lambda d: (d["attainment"] - d["expected"]) * 100)


def test_a_surplus_cannot_colour_a_district_ahead():
    # 万州区: 200 % and 20 % against 75 % due. Uncapped the mean gap is +35 (it would show
    # "ahead"); capped, the mean is (100 + 20) / 2 = 60 %, 15 points behind → lagging.
    # 涪陵区: 70 % and 70 % → 5 behind → slightly behind, ranked above 万州区.
    ranking = by_district(_detail([
        ("A", "万州区", 2.0, 0.75), ("B", "万州区", 0.2, 0.75),
        ("A", "涪陵区", 0.7, 0.75), ("B", "涪陵区", 0.7, 0.75)]))
    assert ranking["district"].tolist() == ["涪陵区", "万州区"]
    assert ranking["mean_attainment_capped"].tolist() == pytest.approx([0.7, 0.6])
    assert ranking["mean_gap_capped"].tolist() == pytest.approx([-5, -15])
    assert ranking["status"].astype(str).tolist() == ["slightly_behind", "lagging"]


def test_districts_are_compared_on_the_indicators_they_share():
    # C is allotted to 涪陵区 only: it counts for 涪陵区's indicators, not for the ranking.
    ranking = by_district(_detail([
        ("A", "万州区", 0.5, 0.75), ("A", "涪陵区", 0.6, 0.75), ("C", "涪陵区", 0.0, 0.75)]))
    assert ranking["district"].tolist() == ["涪陵区", "万州区"]
    assert ranking["n_shared"].tolist() == [1, 1] and ranking["n_indicators"].tolist() == [2, 1]
    assert ranking["mean_attainment_capped"].tolist() == pytest.approx([0.6, 0.5])
