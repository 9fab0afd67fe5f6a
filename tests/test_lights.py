"""The 月调度 lights (rules.lights) and their history for analysts (analysis.lights), computed by
hand on test_bulletin's small catalogue over January–June 2031, and the lights' agreement with
the quarterly bulletin's statuses on the reference data.

Linear 序时进度 at the end of month m is m/12 (8.33, 16.67, 25, 33.33, 41.67, 50 %); the plan
"back" of 小区 runs 10/30/60/100 % by quarter (May: 10 + 20 × 2/3 = 23.33 %); the daily average
and the direction are due at 100 % throughout. Settings: slightly behind lights green,
3 months without progress raise a light.
"""

from __future__ import annotations

import pandas as pd
import pytest
import test_bulletin
from conftest import quality_report
from minsheng.analysis import Workspace, light_chart, light_history, light_labels, light_matrix
from minsheng.catalogue import load_catalogue
from minsheng.contracts import store
from minsheng.report import bulletin as b
from minsheng.rules import lights as L
from test_bulletin import FORMULA, make_ledger

ROWS = [
    # 宣传 MS02-04, increment 200: 10 for four months (5 %), then 60 (30 %), 100 (50 %).
    #   m1  5 − 8.33 = −3.33   slightly behind → green
    #   m2  5 − 16.67 = −11.67 lagging → yellow, no progress 1 month
    #   m3  5 − 25 = −20       lagging → yellow, 2 months
    #   m4  5 − 33.33 = −28.33 lagging → yellow, 3 months → raised to red
    #   m5  30 − 41.67 = −11.67 lagging → yellow (it moved: back to its status's light)
    #   m6  50 − 50 = 0        on schedule → green
    *[("MS02-04", "全市", m, v, None, None, None)
      for m, v in zip(range(1, 7), (10, 10, 10, 10, 60, 100), strict=True)],
    # 电梯 MS01-01, by district (target 100, districts 50 each): June only, 50 + 10 + 5 = 65 %
    # vs 50 % → green. 万州区 50/50 → completed; 涪陵区 10/50 = 20 %, −30 → lagging → yellow;
    # 南岸区 has no allotted task → no light.
    ("MS01-01", "万州区", 6, 50, None, 50, None),
    ("MS01-01", "涪陵区", 6, 10, None, 50, FORMULA),
    ("MS01-01", "南岸区", 6, 5, None, None, None),
    # 小区 MS01-03 on plan "back" (40): May 10 = 25 % vs 23.33 % → green; June 40 → completed.
    ("MS01-03", "全市", 5, 10, None, None, None),
    ("MS01-03", "全市", 6, 40, None, None, None),
    # 覆盖率 MS01-02, level 40 → 55: 41 in May and June = 6.67 %; May −35, June −43.33 → red.
    ("MS01-02", "全市", 5, 41, 40, None, None),
    ("MS01-02", "全市", 6, 41, 40, None, None),
    # 站点 MS02-02: text only → 未报送, no light.
    ("MS02-02", "全市", 6, None, None, None, "选址完成"),
    # 案均损失 MS02-03, directional: 8000 vs 10000 = −20 % < 0 → met, 100 % vs 100 % → green.
    ("MS02-03", "全市", 6, 8000, 10000, None, None),
    # 日均劝阻 MS02-01, daily average 1000: 950 from March = 95 % vs 100 % → slightly behind →
    # green; no progress in April, May, June (3 months) → raised to yellow in June.
    *[("MS02-01", "全市", m, 950, None, None, None) for m in (3, 4, 5, 6)],
]


catalogue = test_bulletin.catalogue   # the same fixture: the small catalogue of 2031


@pytest.fixture(scope="module")
def ledger():
    return make_ledger(ROWS)


@pytest.fixture(scope="module")
def history(catalogue, ledger):
    return L.lights_through(catalogue, ledger, 2031, 6)


def cell(history, iid, month, column="light"):
    row = history[(history["indicator_id"] == iid) & (history["month"] == month)]
    assert len(row) == 1
    return row.iloc[0][column]


def test_every_light_from_its_status(history):
    june = L.lights_at(history, 6).set_index("indicator_id")
    assert june["light"].to_dict() == {
        "MS01-01": "green", "MS01-02": "red", "MS01-03": "completed", "MS02-01": "yellow",
        "MS02-02": "no_data", "MS02-03": "green", "MS02-04": "green"}
    assert june["status"].to_dict() == {
        "MS01-01": "on_schedule", "MS01-02": "severely_lagging", "MS01-03": "completed",
        "MS02-01": "slightly_behind", "MS02-02": "no_data", "MS02-03": "on_schedule",
        "MS02-04": "on_schedule"}
    # before escalation, the light is the status's: the behind band is green by default
    assert june.at["MS02-01", "base_light"] == "green"
    assert cell(history, "MS02-04", 1) == "green"           # 3.33 points behind
    assert cell(history, "MS02-04", 1, "status") == "slightly_behind"


def test_status_lights_table():
    status = pd.Series(["completed", "on_schedule", "slightly_behind", "lagging",
                        "severely_lagging", "no_data", ""])
    assert L.status_lights(status).tolist()[:6] == ["completed", "green", "green", "yellow", "red",
                                                    "no_data"]
    assert pd.isna(L.status_lights(status).iloc[6])      # no status (no allotted task): no light
    assert L.status_lights(status, "yellow").tolist()[2] == "yellow"
    with pytest.raises(ValueError, match="behind_light"):
        L.status_lights(status, "blue")


def test_no_progress_for_three_months_raises_the_light_one_colour(history):
    # 宣传: yellow, yellow, then red in April (10 since January: 3 months without progress)
    assert [cell(history, "MS02-04", m) for m in range(1, 7)] == [
        "green", "yellow", "yellow", "red", "yellow", "green"]
    assert [cell(history, "MS02-04", m, "stalled_months") for m in range(1, 7)] == [0, 1, 2, 3, 0, 0]
    assert [bool(cell(history, "MS02-04", m, "escalated")) for m in range(1, 7)] == [
        False, False, False, True, False, False]
    assert cell(history, "MS02-04", 4, "base_light") == "yellow"
    assert cell(history, "MS02-04", 4, "escalation") == L.NO_PROGRESS
    # 日均劝阻: green behind schedule, 950 in March … June → yellow in June
    assert [cell(history, "MS02-01", m) for m in range(3, 7)] == ["green", "green", "green", "yellow"]
    assert cell(history, "MS02-01", 6, "stalled_months") == 3
    # 覆盖率 stands still too, but is red already: red stays red and is not marked raised
    assert cell(history, "MS01-02", 6, "stalled_months") == 1
    assert not cell(history, "MS01-02", 6, "escalated")
    # an indicator ahead of schedule that stands still is never raised (案均损失 has 1 month)


def test_fewer_months_and_a_yellow_behind_band_change_the_lights(catalogue, ledger):
    two = L.lights_through(catalogue, ledger, 2031, 6, no_progress_months=2)
    assert cell(two, "MS02-04", 3) == "red"          # 2 months without progress by March
    assert cell(two, "MS02-01", 5) == "yellow"       # April, May
    strict = L.lights_through(catalogue, ledger, 2031, 6, behind_light="yellow")
    assert cell(strict, "MS02-04", 1) == "yellow"    # 3.33 behind → yellow
    assert cell(strict, "MS02-01", 6) == "red"       # yellow behind band, raised → red


def test_months_in_the_light_and_changes_since_last_month(history):
    # 宣传: green (1), yellow new (1), yellow (2), red new (1), eased to yellow (1), green (1)
    assert [cell(history, "MS02-04", m, "months_in_light") for m in range(1, 7)] == [1, 1, 2, 1, 1, 1]
    assert [cell(history, "MS02-04", m, "change") for m in range(1, 7)] == [
        "", "new_yellow", "", "new_red", "eased", "recovered"]
    assert cell(history, "MS02-04", 6, "previous_light") == "yellow"
    june = L.lights_at(history, 6).set_index("indicator_id")
    assert june["change"].to_dict() == {
        "MS01-01": "",            # no data in May → green: a first light, not a change
        "MS01-02": "",            # red in May and June
        "MS01-03": "completed", "MS02-01": "new_yellow", "MS02-02": "", "MS02-03": "",
        "MS02-04": "recovered"}
    assert june.at["MS01-02", "months_in_light"] == 2
    assert june.at["MS02-02", "months_in_light"] == 6   # 未报送 since January
    assert cell(history, "MS01-02", 5, "change") == "new_red"  # no data in April → red


def test_light_changes_rule():
    before = pd.Series(["green", "yellow", "red", "red", "yellow", "green", "", "completed"])
    now = pd.Series(["red", "red", "yellow", "green", "green", "completed", "red", "completed"])
    assert L.light_changes(before, now).tolist() == [
        "new_red", "new_red", "eased", "recovered", "recovered", "completed", "", ""]


def test_months_must_run_on():
    with pytest.raises(ValueError, match="consecutive"):
        L.lights_from_tables({1: pd.DataFrame(), 3: pd.DataFrame()})


def test_district_lights(catalogue, ledger):
    from minsheng.rules import rollup
    from minsheng.rules.attainment import table_at

    expected = table_at(catalogue, ledger, 2031, 6).set_index("indicator_id")["expected"]
    d = L.district_lights(rollup.district_detail(catalogue.indicators, ledger, 2031, 6, expected))
    d = d.set_index("district")
    assert d.at["万州区", "light"] == "completed"      # 50 of 50
    assert d.at["涪陵区", "light"] == "yellow"         # 20 % − 50 % = −30: lagging
    assert pd.isna(d.at["南岸区", "light"]) and d.at["南岸区", "status"] == ""
    assert L.worst_light(d["light"]) == "yellow"
    assert L.worst_light(pd.Series([None, "no_data"])) == "no_data"


def test_lights_agree_with_the_bulletin_at_a_quarters_end():
    """On the reference data, every indicator's light before escalation is its status in the
    bulletin of each quarter ending by September (Q1, Q2, Q3)."""
    cat = load_catalogue(2026)
    clean = store.read("data/reference/clean")
    history = L.lights_through(cat, clean.ledger, 2026, 9)
    by_status = {"completed": "completed", "on_schedule": "green", "slightly_behind": "green",
                 "lagging": "yellow", "severely_lagging": "red", "no_data": "no_data"}
    for quarter in (1, 2, 3):
        data = b.assemble(cat, clean.ledger, 2026, quarter, clean.quality, clean.quarantine)
        statuses = data.table.set_index("indicator_id")["status"].astype(str)
        lights = L.lights_at(history, 3 * quarter).set_index("indicator_id")
        assert (lights["status"] == statuses.reindex(lights.index)).all(), quarter
        assert (lights["base_light"] == statuses.map(by_status).reindex(lights.index)).all()
        assert len(lights) == len(statuses) == len(cat.indicators)
        # escalation shows only where the status is behind schedule, one colour up
        up = lights[lights["escalated"]]
        assert up["status"].isin(["slightly_behind", "lagging"]).all()


# ───────────────────────────────────────────── the analyst API

@pytest.fixture(scope="module")
def ws(catalogue, ledger):
    return Workspace(2031, catalogue, ledger, ledger.assign(superseded=False),
                     store.empty_quarantine(), quality_report(year=2031))


def test_light_history_and_matrix_by_indicator(ws):
    h = light_history(ws, 6, 2)
    assert set(h["indicator_id"]) == {"MS02-01", "MS02-02", "MS02-03", "MS02-04"}
    m = light_matrix(ws, 6, 2).set_index("indicator_id")
    assert m.loc["MS02-04", list(range(1, 7))].tolist() == [
        "green", "yellow", "yellow", "red", "yellow", "green"]
    assert sorted(map(tuple, light_matrix(ws, 6).attrs["escalated"])) == [
        ("MS02-01", 6), ("MS02-04", 4)]


def test_light_matrix_by_unit_and_district_takes_the_worst(ws):
    units = light_matrix(ws, 6, by="unit").set_index("reporting_unit")
    # 单位甲: 电梯 green, 覆盖率 red → red; 单位乙: 小区 completed; 单位丙: worst is 日均劝阻 yellow
    assert units[6].to_dict() == {"单位甲": "red", "单位乙": "completed", "单位丙": "yellow"}
    assert units.loc["单位丙", 4] == "red"            # 宣传 raised in April
    districts = light_matrix(ws, 6, by="district").set_index("district")
    # June: 万州区 completed, 涪陵区 yellow, 南岸区 no allotted task; no district figure before June
    assert districts[6].tolist()[:2] == ["completed", "yellow"]
    assert list(districts.index) == ["万州区", "涪陵区", "南岸区"]      # the official order
    assert pd.isna(districts.at["南岸区", 6])
    assert districts[5].isna().all()
    with pytest.raises(ValueError, match="by must be"):
        light_matrix(ws, 6, by="item")


def test_light_labels_and_chart(ws):
    m = light_matrix(ws, 6, 2)
    shown = light_labels(m)
    assert shown.loc[shown["indicator_id"] == "MS02-04", 4].item() == "红灯"
    assert shown.loc[shown["indicator_id"] == "MS02-02", 6].item() == "未报送"
    fig = light_chart(m)
    ax = fig.axes[0]
    assert len(ax.patches) == 4 * 6         # item 2's four indicators × six months (未报送 white)
    assert [t.get_text() for t in ax.texts].count("↑") == 2
