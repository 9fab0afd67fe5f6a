"""The analyst API on a small hand-made catalogue, ledger, history, quarantine and quality
report; every expected figure is computed by hand in the comments."""

import textwrap

import minsheng.analysis as explore
import numpy as np
import pandas as pd
import pytest
from conftest import quality_report
from matplotlib.figure import Figure
from minsheng.catalogue import load_catalogue
from minsheng.contracts import ledger as ledger_mod
from minsheng.contracts.checks import QUARANTINE_COLUMNS

YEAR = 2031   # 365 days: Jan 31, Feb 28, Mar 31 → 90 days to the end of March

YAML = textwrap.dedent("""\
    year: 2031
    title: 测试目标
    notice: 测试〔2031〕1号
    items:
      - item_no: 1
        item_name: 居住品质
        responsible_units: [单位甲, 单位乙]
        indicators:
          - {id: MS01-01, indicator: 电梯, target_value: 100, unit: 部, kind: increment,
             by_district: true, source: 电梯100部}
          - {id: MS01-02, indicator: 覆盖率, target_value: 55, unit: "%", kind: level,
             baseline: 40, source: 覆盖率达到55%}
          - {id: MS01-03, indicator: 小区, target_value: 40, unit: 个, kind: increment,
             reporting_unit: 单位乙, source: 小区40个}
      - item_no: 2
        item_name: 反诈
        responsible_units: [单位丙]
        indicators:
          - {id: MS02-01, indicator: 日均劝阻, target_value: 1000, unit: 人次, kind: daily_average,
             source: 日均1000}
          - {id: MS02-02, indicator: 站点, target_value: 10, unit: 个, kind: increment, source: 站点10个}
          - {id: MS02-03, indicator: 案均损失, target_value: 0, unit: "%", kind: directional,
             comparator: "<", source: 案均损失同比下降}
    """)

# MS01-01 by district (allotted 60 and 40): cumulative per month 1–6.
WANZHOU = [5, 10, 15, 20, 30, 36]
FULING = [2, 4, 6, 8, 10, 12]
# MS02-01: each month's own daily average 900, 1000, 1100 → totals 27,900; 55,900; 90,000.
DAILY = [900.0, 55900 / 59, 1000.0]


def _row(iid, district, month, value, *, file="f1.xlsx", row=4, **extra):
    return {"indicator_id": iid, "district": district, "year": YEAR, "month": month,
            "value": value, "source_file": file, "source_sheet": "月报", "source_row": row,
            "flags": "", "submitted_on": pd.Timestamp(YEAR, month % 12 + 1, 3), **extra}


def _frame(rows):
    return ledger_mod.conform(pd.DataFrame(rows))


@pytest.fixture
def ws(tmp_path):
    path = tmp_path / f"{YEAR}.yaml"
    path.write_text(YAML, encoding="utf-8")
    cat = load_catalogue(YEAR, path=path)
    rows = []
    for m in range(1, 7):
        # In June (f1.xlsx) the two district rows sit at rows 4 and 6; row 5 was quarantined.
        rows.append(_row("MS01-01", "万州区", m, WANZHOU[m - 1], district_target=60,
                         file=f"m{m}.xlsx" if m < 6 else "f1.xlsx", row=4))
        rows.append(_row("MS01-01", "涪陵区", m, FULING[m - 1], district_target=40,
                         file=f"m{m}.xlsx" if m < 6 else "f1.xlsx", row=6,
                         flags="APPROX" if m == 6 else ""))
    rows += [
        _row("MS01-02", "全市", 3, 43, baseline=40, file="m3.xlsx", row=8),
        _row("MS01-02", "全市", 6, 46, baseline=40, file="f1.xlsx", row=8),
        *[_row("MS02-01", "全市", m, v, file="c.csv", row=2 + m) for m, v in enumerate(DAILY, 1)],
        _row("MS02-02", "全市", 6, np.nan, progress_text="施工图审查完成", file="c.csv", row=9),
        *[_row("MS02-03", "全市", m, v, baseline=1000, file="c.csv", row=6 + m)
          for m, v in ((4, 980), (5, 960), (6, 950))],
    ]
    led = ledger_mod.validate(_frame(rows))
    earlier = _row("MS01-01", "涪陵区", 6, 10, district_target=40, file="f0.xlsx", row=6)
    earlier["submitted_on"] = pd.Timestamp(YEAR, 7, 1)
    history = pd.concat([_frame([earlier]).assign(superseded=True),
                         led.assign(superseded=False)], ignore_index=True)
    quarantine = pd.DataFrame([
        ("f1.xlsx", "月报", 5, "累计完成", "-3", "NEGATIVE", "数值为负数"),
        ("f1.xlsx", "月报", 9, "指标编号", "MS01-09", "CODE_UNKNOWN", "指标编号不在本年度目标目录中"),
        ("c.csv", "月报", 6, "统计月份", "x", "MONTH_INVALID", "统计月份为空或无法识别"),
    ], columns=QUARANTINE_COLUMNS)
    quality = quality_report(year=YEAR, submissions={"due_day": 5, "months": [f"{YEAR}-05", f"{YEAR}-06"], "by_unit": [
        {"reporting_unit": "单位甲", "month": f"{YEAR}-05", "status": "on_time",
         "first_submitted_on": f"{YEAR}-06-03", "due": f"{YEAR}-06-05"},
        {"reporting_unit": "单位甲", "month": f"{YEAR}-06", "status": "late",
         "first_submitted_on": f"{YEAR}-07-09", "due": f"{YEAR}-07-05"},
        {"reporting_unit": "单位乙", "month": f"{YEAR}-06", "status": "missing",
         "first_submitted_on": None, "due": f"{YEAR}-07-05"},
        {"reporting_unit": "单位丙", "month": f"{YEAR}-06", "status": "undated",
         "first_submitted_on": None, "due": f"{YEAR}-07-05"},
    ]})
    return explore.Workspace(YEAR, cat, led, history, quarantine, quality)


def test_names(ws):
    assert explore.indicators_of(ws, 1) == ["MS01-01", "MS01-02", "MS01-03"]
    assert explore.indicators_of(ws, "MS02-03") == ["MS02-03"]
    assert explore.item_of(ws, "MS02-03") == 2
    assert explore.reporting_units(ws, 1) == ["单位甲", "单位乙"]
    assert ws.latest_month == 6
    with pytest.raises(ValueError, match="no item 9"):
        explore.indicators_of(ws, 9)
    with pytest.raises(ValueError, match="MS09-01"):
        explore.indicators_of(ws, "MS09-01")
    assert "第1项" in explore.about(ws, 1) and "测试目标" in explore.about(ws)


def test_attainment_and_rollups(ws):
    t = explore.attainment_at(ws, 6, 1).set_index("indicator_id")
    assert t.loc["MS01-01", "value"] == 48                       # 36 + 12
    assert t.loc["MS01-01", "attainment"] == pytest.approx(0.48)
    r = explore.rollups(ws, 6)
    items = r.items.set_index("item_no")
    assert items.loc[1, "mean_attainment_capped"] == pytest.approx(0.44)   # (0.48 + 0.4) / 2
    assert r.districts["district"].tolist() == ["万州区", "涪陵区"]


def test_trajectory(ws):
    t = explore.trajectory(ws, "MS01-01", 6).set_index("month")
    assert t.loc[3, "value"] == 21 and t.loc[3, "expected_value"] == pytest.approx(25)
    assert t.loc[6, "target"] == 100 and t.loc[6, "status"] == "slightly_behind"
    lvl = explore.trajectory(ws, "MS01-02", 6).set_index("month")
    assert np.isnan(lvl.loc[2, "value"]) and lvl.loc[2, "status"] == "no_data"
    assert lvl.loc[6, "expected_value"] == pytest.approx(47.5)  # 40 + 0.5 × (55 − 40)
    assert lvl.loc[4, "data_month"] == 3                         # March's figure carried forward
    direction = explore.trajectory(ws, "MS02-03", 6)
    assert direction["target"].iloc[-1] == 1000                  # the baseline, to be undercut
    assert list(explore.trajectory(ws, 2, 2)["indicator_id"].unique()) == ["MS02-01", "MS02-02",
                                                                          "MS02-03"]


def test_status_history(ws):
    h = explore.status_history(ws, 1, [3, 6]).set_index("indicator_id")
    assert h.loc["MS01-01", 3] == "slightly_behind"     # 21 % vs 25 % due: 4 behind
    assert h.loc["MS01-02", 3] == "slightly_behind"     # 20 % vs 25 %
    assert h.loc["MS01-02", 6] == "lagging"      # 40 % vs 50 %: exactly 10 behind
    assert h.loc["MS01-03", 6] == "no_data"


def test_projection_increment(ws):
    p = explore.projection_range(ws, "MS01-01", 6).iloc[0]
    # movements of the city figure in April–June: 28−21, 40−28, 48−40 = 7, 12, 8
    assert p["recent_monthly"] == 9
    assert (p["year_end"], p["year_end_low"], p["year_end_high"]) == (102, 90, 120)  # 48 + 6 × pace
    assert p["year_end_attainment"] == pytest.approx(1.02)
    assert p["reach_month"] == 12                      # 52 to go at 9 a month: 6 months
    assert "12月" in p["outlook"]
    assert p["bulletin_year_end"] == pytest.approx(96)  # 0.48 / 0.5 × 100


def test_projection_level_not_this_year(ws):
    p = explore.projection_range(ws, "MS01-02", 6).iloc[0]
    # April and May carry March's 43, June reports 46: movements 0, 0, 3
    assert (p["recent_monthly"], p["year_end"], p["year_end_low"], p["year_end_high"]) == (1, 52, 46, 64)
    assert pd.isna(p["reach_month"])                   # 9 points at 1 a month → month 15
    assert "次年3月" in p["outlook"]


def test_projection_daily_average(ws):
    p = explore.projection_range(ws, "MS02-01", 3).iloc[0]
    # own monthly averages 900, 1000, 1100; the rest of the year (275 days) at 1000 / 900 / 1100
    assert p["recent_monthly"] == 1000
    assert p["year_end"] == 1000                       # (90,000 + 275 × 1000) / 365
    assert p["year_end_low"] == pytest.approx(924.66)  # (90,000 + 275 × 900) / 365
    assert p["year_end_high"] == pytest.approx(1075.34)
    assert p["reach_month"] == 12 and "预计达标" in p["outlook"]


def test_projection_directional(ws):
    p = explore.projection_range(ws, "MS02-03", 6).iloc[0]
    # year-to-date means 980, 960, 950 (Apr–Jun; no March) → own months May 880, June 900
    assert p["recent_monthly"] == 890
    assert (p["year_end"], p["year_end_low"], p["year_end_high"]) == (920, 915, 925)  # (5700 + 6x) / 12
    assert p["year_end_attainment"] == 1.0              # −8 % against 1000: lower, as required
    assert p["reach_month"] == 12 and "较基数变化-8.0%" in p["outlook"]
    assert p["unit"] == ""                              # the catalogue's % is the change's unit


def test_projection_without_numbers(ws):
    p = explore.projection_range(ws, 2, 6).set_index("indicator_id")
    assert "施工图审查完成" in p.loc["MS02-02", "outlook"] and np.isnan(p.loc["MS02-02", "year_end"])
    assert explore.projection_range(ws, "MS01-03", 6).iloc[0]["outlook"] == "未报送"


def test_projection_already_reached(ws):
    ws.ledger.loc[(ws.ledger["indicator_id"] == "MS01-01") & (ws.ledger["month"] >= 5)
                  & (ws.ledger["district"] == "万州区"), "value"] = 95
    p = explore.projection_range(ws, "MS01-01", 6).iloc[0]
    assert p["reach_month"] == 5 and p["outlook"] == "已于5月完成全年目标"   # 95 + 10 ≥ 100


def test_district_breakdown_and_holding_back(ws):
    b = explore.district_breakdown(ws, 1, 6).set_index("district")
    assert b.loc["万州区", "expected_value"] == 30 and b.loc["万州区", "shortfall"] == -6
    assert b.loc["涪陵区", "shortfall"] == 8 and b.loc["涪陵区", "gap_points"] == pytest.approx(-20)
    assert b.loc["万州区", "rank"] == 1 and b.loc["涪陵区", "rank"] == 2
    h = explore.holding_back(ws, "MS01-01", 6)
    assert h["district"].tolist() == ["涪陵区"] and h["share_of_shortfall"].tolist() == [1.0]
    s = explore.district_summary(ws, 1, 6)
    assert s["district"].tolist() == ["万州区", "涪陵区"]
    assert s["MS01-01"].tolist() == pytest.approx([0.6, 0.3])


def test_district_empty_frames_carry_a_note(ws):
    b = explore.district_breakdown(ws, 2, 6)
    assert b.empty and "全市" in b.attrs["note"]
    assert str(explore.zh(explore.holding_back(ws, 2, 6))) == b.attrs["note"]
    assert explore.district_summary(ws, 2, 6).empty
    assert explore.district_chart(explore.district_summary(ws, 2, 6)) is None


def test_trace(ws):
    t = explore.trace(ws, "MS01-01", "涪陵区", 6)
    assert t["value"].tolist() == [10, 12] and t["in_ledger"].tolist() == [False, True]
    assert t["source_file"].tolist() == ["f0.xlsx", "f1.xlsx"]
    city = explore.trace(ws, "MS01-01")                   # the city figure is a sum: both rows
    assert sorted(city.loc[city["in_ledger"], "district"]) == ["万州区", "涪陵区"]
    may = explore.trace(ws, "MS01-01", ["万州区"], 5)
    assert may[["month", "value", "source_file"]].values.tolist() == [[5, 30, "m5.xlsx"]]
    lvl = explore.trace(ws, "MS01-02", month=5)           # March's figure stands in May
    assert lvl["month"].tolist() == [3]
    assert explore.trace(ws, "MS01-03").empty


def test_submission_record(ws):
    r = explore.submission_record(ws, "单位甲")
    assert r["month"].tolist() == [5, 6]
    assert r["submission"].tolist() == ["on_time", "late"]
    assert r["days_late"].tolist() == [0, 4]            # due July 5, first in July 9
    june = r.set_index("month").loc[6]
    assert (june["rows_revised"], june["rows_flagged"], june["rows_quarantined"]) == (1, 1, 2)
    all_units = explore.submission_record(ws, through_month=5)
    assert all_units["reporting_unit"].tolist() == ["单位甲"]


def test_quarantined_for(ws):
    item = explore.quarantined_for(ws, 1)
    assert item["row"].tolist() == [5, 9]
    assert item["matched_by"].tolist() == ["neighbours", "code"]
    assert item["indicator_id"].tolist()[0] == "MS01-01" and pd.isna(item["indicator_id"].iloc[1])
    assert explore.quarantined_for(ws, "MS01-01")["row"].tolist() == [5]
    assert len(explore.quarantined_for(ws)) == 3          # c.csv row 6: between two indicators
    assert explore.quarantined_for(ws, 2).empty


def test_gap_matrix_movers_and_league(ws):
    g = explore.gap_matrix(ws, 6).set_index("item_no")
    assert g.loc[1, 6] == pytest.approx(-6)      # (−2 − 10) / 2; MS01-03 has no figure
    assert g.loc[2, 6] == pytest.approx(0)       # daily average at 100 %, direction met
    assert g.loc[1, 3] == pytest.approx(-4.5)    # (−4 − 5) / 2
    m = explore.movers(ws, 6, 3)
    assert m["indicator_id"].tolist() == ["MS01-01", "MS01-02", "MS02-01"]
    assert m["change_points"].tolist() == pytest.approx([27, 20, 0])
    assert m["gap_change"].tolist() == pytest.approx([2, -5, 0])
    start = explore.movers(ws, 2, n=1)            # since the start of the year
    assert start["indicator_id"].tolist() == ["MS01-01"] and start["change_points"].iloc[0] == 14
    league = explore.unit_league(ws, 6)
    assert league["responsible_unit"].tolist() == ["单位丙", "单位乙", "单位甲"]
    assert league["rank"].tolist() == [1, 2, 3]
    row = league.set_index("responsible_unit").loc["单位甲"]
    assert (row["on_time"], row["late"], row["rows_revised"], row["rows_quarantined"]) == (1, 1, 1, 2)


def test_progress_notes(ws):
    notes = explore.progress_notes(ws, 2, 6)
    assert notes["indicator_id"].tolist() == ["MS02-02"]
    assert explore.progress_notes(ws, 1, 6).attrs["note"].startswith("截至6月")


def test_zh(ws):
    z = explore.zh(explore.trajectory(ws, "MS01-01", 6))
    assert list(z.columns[:3]) == ["指标编号", "指标", "计量单位"]
    assert z["完成率"].iloc[-1] == "48.0%" and z["进度状态"].iloc[-1] == "略低于序时进度"
    assert z["差距（百分点）"].iloc[-1] == "-2.0"
    h = explore.zh(explore.status_history(ws, 1, [6]))
    assert h["6月"].tolist() == ["略低于序时进度", "滞后", "未报送"]
    g = explore.zh(explore.gap_matrix(ws, 6))
    assert g["6月"].tolist() == ["-6.0", "0.0"]
    t = explore.zh(explore.trace(ws, "MS01-01", "涪陵区", 6))
    assert t["在账"].tolist() == ["否（已被替代）", "是"] and t["填报日期"].tolist()[1] == "2031-07-03"
    assert repr(explore.zh(explore.quarantined_for(ws, 2))).startswith("没有相关的隔离行")


def test_charts(ws, monkeypatch):
    fig = explore.trajectory_chart(explore.trajectory(ws, 1, 6), explore.projection_range(ws, 1, 6))
    assert isinstance(fig, Figure) and len(fig.axes) == 3
    heat = explore.gap_heatmap(explore.gap_matrix(ws, 6))
    assert isinstance(heat, Figure)
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj, raw=False: shown.append((obj, raw)))
    explore.show(heat)
    explore.show(None)
    assert len(shown) == 1 and list(shown[0][0]) == ["image/png"] and shown[0][1] is True


def test_load_reads_a_cleaning_folder(ws, tmp_path):
    out = tmp_path / "clean"
    out.mkdir()
    ws.ledger.to_parquet(out / "ledger.parquet", index=False)
    ws.history.to_parquet(out / "history.parquet", index=False)
    (out / "quarantine.csv").write_bytes(b"\xef\xbb\xbf" + ws.quarantine.to_csv(index=False).encode())
    (out / "quality.json").write_text(ws.quality.to_json(), encoding="utf-8")
    loaded = explore.load(YEAR, out, catalogue=ws.catalogue)
    assert len(loaded.ledger) == len(ws.ledger) and loaded.history["superseded"].sum() == 1
    assert loaded.quarantine["row"].tolist() == [5, 9, 6]
    assert explore.quarantined_for(loaded, 1)["row"].tolist() == [5, 9]
    assert explore.submission_record(loaded, "单位甲")["days_late"].tolist() == [0, 4]
