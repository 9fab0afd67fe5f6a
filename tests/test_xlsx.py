"""tables.xlsx as an office prints and filters it: print setup of every sheet, the 说明 sheet
(cut-off, thresholds, schedules, a definition for every column), the 牵头单位 column, status
and 序时进度 on the district sheets, values stored at their precision, same bytes twice, no
formula from submitted text. Figures computed by hand on the tiny catalogue (conftest.py)."""

from __future__ import annotations

import copy
import io
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from conftest import TINY_CATALOGUE, quality_report, write_catalogue
from minsheng.catalogue import load_catalogue
from minsheng.config import settings
from minsheng.contracts import ledger as ledger_contract
from minsheng.contracts import store
from minsheng.report import bulletin as b
from minsheng.report.columns import PCT, Col
from minsheng.report.export.xlsx import sheets_bytes, write_tables, xlsx_bytes

ISSUED = date(2026, 10, 15)
FORMULA = '=HYPERLINK("http://evil.example","点击")'
DATA_SHEETS = ["指标明细", "分项目", "分责任单位", "分区县", "区县明细"]

# The tiny catalogue with one planned indicator: MS01-02 on 15/40/70/100 % by quarter.
PLANNED = copy.deepcopy(TINY_CATALOGUE)
PLANNED["plans"] = {"back_loaded": {"quarterly": [0.15, 0.40, 0.70, 1.00]}}
PLANNED["items"][0]["indicators"][1]["plan"] = "back_loaded"

# (indicator, district, month, value, baseline, district_target, progress_text); Q3, month 9,
# linear 序时进度 9/12 = 75 %.
ROWS = [
    # districts 200.1 + 150.2 + 10 = 360.3 (in floats 360.29999999999995) of 600 → 60.05 %,
    # gap −14.95 → 滞后. 万州区 200.1/300 = 66.7 % (−8.3, 略低); 涪陵区 150.2/150 = 100.13 %
    # (capped 100 %, +25.13, 达到); 渝中区 has no allotted task: no attainment, no status.
    ("MS01-01", "万州区", 9, 200.1, None, 300, None),
    ("MS01-01", "涪陵区", 9, 150.2, None, 150, None),
    ("MS01-01", "渝中区", 9, 10, None, None, None),
    # planned: 2000 of 2500 = 80 % vs 70 % due → +10 → 达到序时进度
    ("MS01-02", "全市", 9, 2000, None, None, FORMULA),
    # level 40 → 49 of 55: 9/15 = 60 % vs 75 → −15 → 滞后
    ("MS02-01", "全市", 9, 49, 40, None, None),
    # daily average, August carried: 25650/27000 = 95 % vs 100 → −5 → 略低于序时进度
    ("MS02-02", "全市", 8, 25650, None, None, None),
    # coverage 30 of 38 = 78.947… % → stored 0.7895; gap 3.947… → 3.95 → 达到
    ("MS03-01", "全市", 9, 30, None, None, None),
    # 2 of 3 milestones = 66.67 % vs 75 → −8.33 → 略低于序时进度
    ("MS03-02", "全市", 9, 2, None, None, None),
    # text only → 未报送, the text kept (and neutralised)
    ("MS04-01", "全市", 9, None, None, None, "-比上年下降"),
]


def make_ledger(rows=ROWS) -> pd.DataFrame:
    cols = ["indicator_id", "district", "month", "value", "baseline", "district_target",
            "progress_text"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["year"] = 2026
    frame["source_file"], frame["source_sheet"], frame["flags"] = "f.xlsx", "月报", ""
    frame["source_row"] = np.arange(4, 4 + len(frame))
    frame["submitted_on"] = pd.Timestamp("2026-10-03")
    frame["reporting_unit"] = "市住房城乡建设委"
    return ledger_contract.validate(ledger_contract.conform(frame))


def clean_outputs(ledger: pd.DataFrame) -> store.CleanOutputs:
    return store.CleanOutputs(ledger=ledger, history=ledger.assign(superseded=False),
                              quarantine=store.empty_quarantine(),
                              quality=quality_report(rows_in=len(ledger), rows_clean=len(ledger),
                                                     ledger_rows=len(ledger)))


def assemble(catalogue, ledger=None) -> b.BulletinData:
    outputs = clean_outputs(make_ledger() if ledger is None else ledger)
    return b.assemble(catalogue, outputs.ledger, 2026, 3, outputs.quality, outputs.quarantine)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    return load_catalogue(path=write_catalogue(tmp_path_factory.mktemp("cat") / "2026.yaml", PLANNED))


@pytest.fixture(scope="module")
def data(catalogue):
    return assemble(catalogue)


@pytest.fixture(scope="module")
def wb(data, tmp_path_factory):
    return openpyxl.load_workbook(write_tables(data, tmp_path_factory.mktemp("x") / "tables.xlsx",
                                               ISSUED))


def records(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def by_id(ws, key="指标编号") -> dict:
    return {r[key]: r for r in records(ws)}


# ───────────────────────────────────────────── print setup

def test_sheets_in_order_with_the_about_sheet_first(wb):
    assert wb.sheetnames == ["说明", *DATA_SHEETS]


@pytest.mark.parametrize("name", ["说明", *DATA_SHEETS])
def test_every_sheet_prints_landscape_one_page_wide_with_its_header_on_every_page(wb, name):
    ws = wb[name]
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9                     # A4
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    # fitToWidth left out means 1, its default in the standard (ECMA-376 CT_PageSetup)
    assert (ws.page_setup.fitToWidth or 1, ws.page_setup.fitToHeight) == (1, 0)
    assert ws.print_title_rows == "$1:$1"
    m = ws.page_margins
    assert 0.3 <= m.left <= 1 and 0.3 <= m.right <= 1 and 0.5 <= m.top <= 1 and 0.5 <= m.bottom <= 1
    assert "&P" in ws.oddFooter.center.text


def test_other_workbooks_are_print_ready_too():
    frame = pd.DataFrame({"完成率": [0.7000000000000001]})
    wb = openpyxl.load_workbook(io.BytesIO(sheets_bytes(
        {"考核": (frame, [Col("完成率", "完成率", PCT)])}, ISSUED)))
    ws = wb["考核"]
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$1"
    assert ws["A2"].value == 0.7


# ───────────────────────────────────────────── 说明

def about(wb) -> list[dict]:
    return records(wb["说明"])


def about_text(wb, section: str, name: str) -> str:
    found = [r["说明"] for r in about(wb) if r["类别"] == section and r["名称"] == name]
    assert len(found) == 1, (section, name)
    return found[0]


def test_about_states_the_cut_off(wb):
    assert about_text(wb, "基本信息", "数据截至").startswith("数据截至2026年9月30日（9月底）")
    assert about_text(wb, "基本信息", "稿别") == "正式稿"


def test_about_states_the_thresholds_in_the_status_words(wb):
    t = settings()["status"]
    low, high = f"{t['lagging_from']:g}", f"{t['severe_beyond']:g}"
    assert "差距≥0" in about_text(wb, "进度状态", "达到序时进度")
    assert f"不足{low}个百分点" in about_text(wb, "进度状态", "略低于序时进度")
    assert f"{low}至{high}个百分点" in about_text(wb, "进度状态", "滞后")
    assert f"超过{high}个百分点" in about_text(wb, "进度状态", "严重滞后")


def test_about_states_the_schedules_at_the_bulletins_month(wb):
    linear = about_text(wb, "序时进度", "线性（默认）")
    assert "9月底为75.0%" in linear and "4项指标" in linear     # 5 scheduled, 1 planned
    plan = about_text(wb, "序时进度", "进度安排“back_loaded”")
    assert "三季度末70%" in plan and "9月底为70.0%" in plan and "适用指标：MS01-02" in plan
    assert "100%" in about_text(wb, "序时进度", "日均、方向类")


def test_about_says_mean_attainment_caps_each_indicator(wb):
    assert "超过100%的按100%计" in about_text(wb, "计算口径", "平均完成率")


def test_about_defines_every_column_of_every_sheet(wb):
    defined = {(r["工作表"], r["名称"]): r["说明"] for r in about(wb) if r["类别"] == "列说明"}
    for name in DATA_SHEETS:
        headers = [c.value for c in wb[name][1]]
        for h in headers:
            assert defined.get((name, h)), f"{name}: no definition for {h}"
    assert defined[("分区县", "落后10个百分点及以上指标数")].startswith("该区县全部指标中")
    assert "不封顶" in defined[("指标明细", "完成率")]


# ───────────────────────────────────────────── 牵头单位

def test_lead_unit_column_beside_the_responsible_units(wb):
    ws = wb["指标明细"]
    headers = [c.value for c in ws[1]]
    assert headers.index("责任单位") == headers.index("牵头单位") + 1
    rows = by_id(ws)
    assert rows["MS01-01"]["牵头单位"] == "市住房城乡建设委"
    assert rows["MS01-01"]["责任单位"] == "市住房城乡建设委、市城市管理局"
    assert rows["MS02-02"]["牵头单位"] == "市卫生健康委"
    assert all("、" not in r["牵头单位"] for r in rows.values())   # one unit: filterable


# ───────────────────────────────────────────── district sheets

def test_district_rank_has_status_and_schedule(wb):
    rows = {r["区县"]: r for r in records(wb["分区县"])}
    # shared indicator MS01-01: 涪陵区 capped 100 % vs 75 → +25 → 达到; 万州区 66.7 % → −8.3 → 略低
    assert (rows["涪陵区"]["排名"], rows["涪陵区"]["进度状态"]) == (1, "达到序时进度")
    assert (rows["万州区"]["排名"], rows["万州区"]["进度状态"]) == (2, "略低于序时进度")
    assert rows["万州区"]["平均序时进度"] == 0.75 and rows["万州区"]["平均差距（百分点）"] == -8.3
    assert rows["涪陵区"]["平均完成率（单项封顶100%）"] == 1
    assert rows["渝中区"]["排名"] is None and rows["渝中区"]["进度状态"] == "未报送"


def test_district_detail_has_status_schedule_and_capped_attainment(wb):
    rows = {r["区县"]: r for r in records(wb["区县明细"])}
    assert rows["万州区"]["完成率"] == 0.667 and rows["万州区"]["差距（百分点）"] == -8.3
    assert rows["万州区"]["进度状态"] == "略低于序时进度"
    assert rows["涪陵区"]["完成率"] == 1.0013 and rows["涪陵区"]["完成率（封顶100%）"] == 1
    assert rows["涪陵区"]["差距（百分点）"] == 25.13 and rows["涪陵区"]["进度状态"] == "达到序时进度"
    assert rows["渝中区"]["完成率"] is None and rows["渝中区"]["进度状态"] is None   # no task
    assert {r["序时进度"] for r in rows.values()} == {0.75}
    assert {r["牵头单位"] for r in rows.values()} == {"市住房城乡建设委"}


# ───────────────────────────────────────────── stored precision

def test_values_are_stored_at_their_precision_and_shown_as_before(wb):
    ws = wb["指标明细"]
    rows = by_id(ws)
    assert rows["MS01-01"]["累计完成/当前值"] == 360.3            # not 360.29999999999995
    assert rows["MS01-01"]["完成率"] == 0.6005 and rows["MS01-01"]["差距（百分点）"] == -14.95
    assert rows["MS01-01"]["进度状态"] == "滞后"
    assert rows["MS03-01"]["完成率"] == 0.7895 and rows["MS03-01"]["差距（百分点）"] == 3.95
    assert rows["MS03-01"]["预计全年完成率"] == 1.0526 and rows["MS03-01"]["预计全年完成值"] == 40
    assert rows["MS03-02"]["完成率"] == 0.6667 and rows["MS03-02"]["差距（百分点）"] == -8.33
    assert rows["MS01-02"]["序时进度"] == 0.7 and rows["MS01-02"]["差距（百分点）"] == 10
    assert rows["MS02-02"]["数据月份"] == 8 and rows["MS02-02"]["进度状态"] == "略低于序时进度"
    assert rows["MS04-01"]["完成率"] is None and rows["MS04-01"]["进度状态"] == "未报送"
    headers = [c.value for c in ws[1]]
    second = ws[2]
    fmt = {h: second[headers.index(h)].number_format for h in ("完成率", "差距（百分点）",
                                                               "累计完成/当前值")}
    assert fmt == {"完成率": "0.0%", "差距（百分点）": "0.0", "累计完成/当前值": "#,##0.####"}


def test_same_inputs_same_bytes(catalogue, data):
    assert xlsx_bytes(assemble(catalogue), ISSUED) == xlsx_bytes(data, ISSUED)


def test_submitted_text_never_becomes_a_formula(wb):
    rows = by_id(wb["指标明细"])
    assert rows["MS01-02"]["进展情况"] == "'" + FORMULA
    assert rows["MS04-01"]["进展情况"] == "'-比上年下降"
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula"


def test_a_draft_says_so_and_states_its_own_cut_off(catalogue, tmp_path: Path):
    led = make_ledger([r for r in ROWS if r[2] <= 8] + [("MS01-02", "全市", 8, 1800, None, None, None)])
    outputs = clean_outputs(led)
    draft = b.assemble(catalogue, led, 2026, 3, outputs.quality, outputs.quarantine, draft=True)
    wb = openpyxl.load_workbook(write_tables(draft, tmp_path / "t.xlsx", ISSUED))
    assert about_text(wb, "基本信息", "数据截至").startswith("数据截至2026年8月31日（8月底）")
    assert about_text(wb, "基本信息", "稿别").startswith("征求意见稿")


def test_text_beyond_excels_cell_limit_is_cut_with_a_note_saying_so():
    # Excel holds at most 32,767 characters in a cell; the ledger keeps the whole text.
    note = "……（超出Excel单元格字数上限，全文见台账ledger.parquet）"
    long = "进展" * 20000                                            # 40,000 characters
    frame = pd.DataFrame({"progress_text": [long, "", "施工中"]})
    wb = openpyxl.load_workbook(io.BytesIO(sheets_bytes(
        {"进展": (frame, [Col("progress_text", "进展情况")])}, ISSUED)))
    cut, empty, short = (wb["进展"].cell(row=r, column=1).value for r in (2, 3, 4))
    assert len(cut) == 32767 and cut == long[:32767 - len(note)] + note
    assert empty is None and short == "施工中"
