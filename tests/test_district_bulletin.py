"""The district bulletin (区县通报): one district's figures against its own allotted tasks, its
rank on the indicators all districts share (capped measure, the city bulletin's ranking), the
city-wide indicators kept apart, golden paragraphs, the self-check catching corrupted figures,
honest documents for districts with no figures, and, on the reference data, every district's
rank equal to the city bulletin's 区县 table."""

import dataclasses
import re
import textwrap
from datetime import date

import pandas as pd
import pytest
from conftest import quality_report
from minsheng import config
from minsheng.catalogue import load_catalogue
from minsheng.catalogue.periods import Quarter
from minsheng.contracts import store
from minsheng.report import bulletin as city
from minsheng.report import district as d
from minsheng.report.district.tables import tables_bytes
from minsheng.report.document import Paragraph, Table
from minsheng.rules.district import district_status, monthly_returns
from test_bulletin import _replace, _retext, make_ledger, printed_words

ISSUED = date(2031, 10, 15)
Q3 = Quarter(2031, 3)

# Two items; five indicators allotted to districts (by_district), two city-wide.
# At the end of Q3 (month 9): linear 序时进度 75 %; plan "back" 60 %.
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
          - {id: MS01-02, indicator: 小区, target_value: 60, unit: 个, kind: increment,
             by_district: true, source: 小区60个}
          - {id: MS01-03, indicator: 覆盖率, target_value: 55, unit: "%", kind: level,
             source: 覆盖率达到55%}
      - item_no: 2
        item_name: 便民
        responsible_units: [单位丙]
        indicators:
          - {id: MS02-01, indicator: 宣传, target_value: 60, unit: 场次, kind: increment,
             plan: back, by_district: true, source: 宣传60场次}
          - {id: MS02-02, indicator: 站点, target_value: 20, unit: 个, kind: increment,
             by_district: true, source: 站点20个}
          - {id: MS02-03, indicator: 日均劝阻, target_value: 1000, unit: 人次, kind: daily_average,
             source: 日均1000}
          - {id: MS02-04, indicator: 驿站, target_value: 10, unit: 个, kind: increment,
             by_district: true, source: 驿站10个}
    """)

ROWS = [
    # 万州区 against its own tasks, month by month in Q3:
    #   电梯 30 of its 50 = 60 % vs 75 % → −15 → 滞后
    ("MS01-01", "万州区", 7, 20, None, 50, None),
    ("MS01-01", "万州区", 8, 25, None, 50, None),
    ("MS01-01", "万州区", 9, 30, None, 50, None),
    #   小区 17 of 20 = 85 % vs 75 % → +10 → 达到序时进度 (no return in August)
    ("MS01-02", "万州区", 7, 10, None, 20, None),
    ("MS01-02", "万州区", 9, 17, None, 20, None),
    #   宣传 (plan: 60 %) 5 of 20 = 25 %, September's row blank → August's 5 stands → −35 → 严重滞后
    ("MS02-01", "万州区", 7, 3, None, 20, None),
    ("MS02-01", "万州区", 8, 5, None, 20, None),
    ("MS02-01", "万州区", 9, None, None, 20, None),
    #   站点 11 of 10 → 已完成 (allotted to 万州区 and 涪陵区 only: not shared)
    ("MS02-02", "万州区", 9, 11, None, 10, None),
    # 涪陵区: 90 %, 300 % (an uncapped surplus), 50 %, 50 %, and 驿站 (its alone) 30 %
    ("MS01-01", "涪陵区", 9, 45, None, 50, None),
    ("MS01-02", "涪陵区", 9, 60, None, 20, None),
    ("MS02-01", "涪陵区", 9, 10, None, 20, None),
    ("MS02-02", "涪陵区", 9, 5, None, 10, None),
    ("MS02-04", "涪陵区", 9, 3, None, 10, None),
    # 黔江区: 100 % (completed), 90 %, 70 %
    ("MS01-01", "黔江区", 9, 40, None, 40, None),
    ("MS01-02", "黔江区", 9, 18, None, 20, None),
    ("MS02-01", "黔江区", 9, 14, None, 20, None),
    # 南川区: its tasks reported, no figure at all
    ("MS01-01", "南川区", 9, None, None, 30, None),
    ("MS01-02", "南川区", 9, None, None, 10, None),
    # the city-wide ones: level (46 − 40)/(55 − 40) = 40 %; daily average 750 of 1000 = 75 %
    ("MS01-03", "全市", 9, 46, 40, None, None),
    ("MS02-03", "全市", 9, 750, None, None, None),
]
# Shared by the three districts with figures: 电梯, 小区, 宣传 (序时进度 75, 75, 60 → mean 70 %).
# Capped means: 黔江区 (1 + .9 + .7)/3 = 86.7 % (+16.7), 涪陵区 (.9 + 1 + .5)/3 = 80.0 % (+10.0;
# uncapped (.9 + 3 + .5)/3 = 146.7 % would put it first), 万州区 (.6 + .85 + .25)/3 = 56.7 % (−13.3).


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "2031.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load_catalogue(2031, path=path)


@pytest.fixture(scope="module")
def ledger():
    return make_ledger(ROWS)


def assemble(catalogue, ledger, district, quarter=Q3, draft=False):
    return d.assemble(catalogue, ledger, quality_report(year=2031), quarter, district, draft=draft)


@pytest.fixture(scope="module")
def data(catalogue, ledger):
    return assemble(catalogue, ledger, "万州区")


@pytest.fixture(scope="module")
def doc(data):
    return d.build(data, ISSUED)


def texts(doc, role):
    return [b.text for b in doc.blocks(role) if isinstance(b, Paragraph)]


def items(doc, role):
    return [i for b in doc.blocks(role) for i in getattr(b, "items", ())]


# ───────────────────────────────────────────── the rules

def test_district_status_judges_against_the_districts_own_task():
    detail = pd.DataFrame({
        "indicator_id": ["A", "B", "C", "D", "E"], "district": "万州区",
        "value": [30.0, 12.0, 5.0, None, 8.0], "district_target": [50.0, 10.0, 20.0, 10.0, None],
        "expected": [0.75, 0.75, 0.6, 0.75, 0.75]})
    detail["attainment"] = detail["value"] / detail["district_target"]
    out = district_status(detail, pd.Series(">=", index=list("ABCDE")))
    assert list(out["status"].astype(str)) == ["lagging", "completed", "severely_lagging",
                                               "no_data", "no_data"]
    assert list(out["attainment_capped"].round(2).fillna(-1)) == [0.6, 1.0, 0.25, -1, -1]


def test_monthly_returns_tell_a_figure_from_a_blank_and_from_nothing(ledger):
    out = monthly_returns(ledger, 2031, [7, 8, 9], "万州区", ["MS01-01", "MS01-02", "MS02-01", "MS02-04"])
    assert out.loc["MS01-01"].tolist() == ["value", "value", "value"]
    assert out.loc["MS01-02"].tolist() == ["value", "none", "value"]
    assert out.loc["MS02-01"].tolist() == ["value", "value", "blank"]
    assert out.loc["MS02-04"].tolist() == ["none", "none", "none"]


# ───────────────────────────────────────────── the figures, by hand

def test_the_districts_own_indicators(data):
    rows = data.rows.set_index("indicator_id")
    assert list(rows.index) == ["MS01-01", "MS01-02", "MS02-01", "MS02-02"]
    assert rows.loc["MS01-01", ["value", "district_target"]].tolist() == [30, 50]
    assert rows["attainment"].round(4).tolist() == [0.6, 0.85, 0.25, 1.1]
    assert rows["expected"].tolist() == [0.75, 0.75, 0.6, 0.75]
    assert rows["gap_points"].round(1).tolist() == [-15.0, 10.0, -35.0, 35.0]
    assert rows["status"].astype(str).tolist() == ["lagging", "on_schedule", "severely_lagging",
                                                   "completed"]
    assert rows.loc["MS02-01", "data_month"] == 8      # September's row was blank
    # city-wide ones apart; 驿站 is allotted to districts, but not to this one
    assert list(data.citywide["indicator_id"]) == ["MS01-03", "MS02-03"]
    assert list(data.unrecorded["indicator_id"]) == ["MS02-04"]


def test_rank_on_shared_indicators_uses_the_capped_measure(data):
    rank = data.district_rank.set_index("district")
    assert rank["rank"].dropna().astype(int).to_dict() == {"黔江区": 1, "涪陵区": 2, "万州区": 3}
    assert pd.isna(rank.loc["南川区", "rank"])
    assert rank.loc["涪陵区", "mean_attainment_capped"] == pytest.approx(0.8)   # not 1.467
    assert rank.loc["万州区", "n_shared"] == 3
    assert data.rank_row["rank"] == 3 and data.n_ranked == 3


# ───────────────────────────────────────────── the document

def test_title_recipients_and_opening(doc):
    assert doc.title == "关于万州区2031年第三季度重点民生实事推进情况的通报"
    assert doc.recipients == "万州区人民政府："
    assert doc.issuer == "重庆市人民政府办公厅"
    assert doc.data_note == "数据截至2031年9月底" and not doc.draft
    assert doc.date_text == "2031年10月15日"
    assert texts(doc, "lead") == [
        "按照“月调度、季通报、年考核”工作机制，现将2031年第三季度你区承担的重点民生实事分解任务推进情况通报如下。"]
    assert [s.heading for s in doc.sections] == ["", "一、总体情况", "二、存在问题", "三、下一步工作要求"]
    assert doc.attachment_note == ("1. 万州区分解任务推进情况表", "2. 全市统计指标进展情况（供参考）")


def test_overview_paragraphs(doc):
    assert texts(doc, "district_counts") == [
        "截至9月底，分解到你区的重点民生实事指标共4项，涉及2件实事，已完成1项、达到序时进度1项、"
        "滞后1项、严重滞后1项。"]
    # 2 of 4 at or above schedule; capped mean (.6 + .85 + .25 + 1)/4 = 67.5 %
    assert texts(doc, "district_share") == [
        "已报送完成值和年度任务的4项指标中，达到序时进度（含已完成年度任务）的2项，占50.0%；"
        "平均完成率67.5%（单项按100%封顶）。"]
    assert texts(doc, "district_completed") == ["已完成年度任务的1项：站点。"]
    assert texts(doc, "district_rank") == [
        "在各区县共同承担的3项指标上，你区平均完成率56.7%（单项按100%封顶），平均序时进度70.0%，"
        "落后序时进度13.3个百分点（滞后），在3个区县中居第3位。你区承担的其余1项（站点）"
        "非各区县共同承担，不参与比较。"]
    assert texts(doc, "district_apart") == [
        "另有2项指标由全市统一统计、不分解到区县，不计入你区完成情况和区县比较，其全市进展见附件2，供参考。"
        "分解到区县的指标中，另有1项你区无报送记录（含只分解到部分区县或按全市统计的指标），亦未计入，"
        "其全市进展一并列入附件2。"]
    assert texts(doc, "district_definitions")[0].startswith(
        "说明：你区完成率为你区完成数除以分解到你区的年度任务；序时进度与全市相同，按全年任务在各月均衡推进计算，"
        "截至9月底为75.0%；宣传指标按年度计划推进，为60.0%。")


def test_problems_worst_first_each_with_its_lead_unit(doc):
    assert [s.heading for s in doc.section("problems").subsections] == [
        "（一）严重滞后", "（二）滞后", "（三）数据报送"]
    assert items(doc, "severely_lagging") == [
        "宣传（便民）：完成率25.0%，序时进度60.0%，落后35.0个百分点。牵头单位：单位丙。"]
    assert items(doc, "lagging") == [
        "电梯（居住品质）：完成率60.0%，序时进度75.0%，落后15.0个百分点。牵头单位：单位甲。"]
    assert texts(doc, "returns") == [
        "本季度7—9月，你区承担的4项指标中，1项各月均报送了完成值，3项有月份未报送完成值："
        "小区（8月无报送记录）、宣传（9月报表未填完成值，采用8月数据）、站点（7、8月无报送记录）。"]


def test_next_steps_are_the_settings_text(doc):
    subs = doc.section("next-steps").subsections
    assert [s.heading for s in subs] == ["（一）加快滞后指标推进", "（二）压实工作责任", "（三）按时准确报送数据"]
    assert subs[0].blocks[0].text.startswith("你区要对照分解任务和序时进度，逐项分析滞后原因")


def test_attachments(doc):
    table, city_table, unrecorded = (b for b in doc.blocks() if isinstance(b, Table))
    assert table.columns == ("序号", "项目名称", "指标", "年度任务", "完成值", "完成率", "序时进度",
                             "差距（百分点）", "状态")
    assert table.rows == (
        ("1", "居住品质", "电梯", "50部", "30部", "60.0%", "75.0%", "-15.0", "滞后"),
        ("2", "居住品质", "小区", "20个", "17个", "85.0%", "75.0%", "+10.0", "达到序时进度"),
        ("3", "便民", "宣传", "20场次", "5场次（8月数据）", "25.0%", "60.0%", "-35.0", "严重滞后"),
        ("4", "便民", "站点", "10个", "11个", "110.0%", "75.0%", "+35.0", "已完成"))
    assert city_table.keys == ("MS01-03", "MS02-03")
    assert city_table.rows[0] == ("1", "居住品质", "覆盖率", "达到55%", "46%（上年末40%）", "40.0%", "75.0%",
                                  "严重滞后")
    assert unrecorded.keys == ("MS02-04",) and unrecorded.rows[0][4] == "3个"


def test_no_code_or_file_name_in_the_text(doc):
    words = printed_words(doc)
    assert not re.search(r"MS\d\d|\.xlsx|\.csv|\.parquet|indicator|district", words)


# ───────────────────────────────────────────── districts with nothing to count

def test_a_district_with_tasks_but_no_figures(catalogue, ledger):
    doc = d.build(assemble(catalogue, ledger, "南川区"), ISSUED)
    assert texts(doc, "district_counts") == [
        "截至9月底，分解到你区的重点民生实事指标共2项，涉及1件实事，未报送2项。"]
    assert texts(doc, "district_share") == ["各项指标均未报送完成值或年度任务，本期无法计算完成率。"]
    assert texts(doc, "district_rank") == ["你区本期没有可计算完成率的指标，未参与区县比较。"]
    assert texts(doc, "no_data") == [
        "截至9月底，2项指标无法计算完成率：电梯（未报送完成值，牵头单位：单位甲）、"
        "小区（未报送完成值，牵头单位：单位甲）。"]
    assert "达到序时进度的" not in printed_words(doc).split("说明：")[0]
    (table, *_) = (b for b in doc.blocks() if isinstance(b, Table))
    assert [r[4:] for r in table.rows] == [("—", "—", "75.0%", "—", "未报送")] * 2


def test_a_county_with_no_record_at_all(catalogue, ledger):
    doc = d.build(assemble(catalogue, ledger, "城口县"), ISSUED)
    assert doc.recipients == "城口县人民政府："
    assert texts(doc, "district_counts") == [
        "截至9月底，分解到区县的5项指标，你县均无报送记录，本期不计算你县完成率，不参与区县比较。"]
    assert texts(doc, "district_rank") == ["你县本期没有可计算完成率的指标，未参与区县比较。"]
    assert texts(doc, "no_records")[0].startswith("你县尚未报送分解到区县指标的年度任务和完成值")
    assert texts(doc, "district_table") == ["你县无分解到区县指标的报送记录。"]
    assert d.check_district(doc) == []


def test_a_draft_is_as_of_its_data(catalogue, ledger):
    doc = d.build(assemble(catalogue, ledger, "万州区", Quarter(2031, 4), draft=True), ISSUED)
    assert doc.draft and doc.title == "关于万州区2031年第四季度重点民生实事推进情况的通报"
    assert doc.data_note == "数据截至2031年9月底"
    assert texts(doc, "returns") == []      # no month of Q4 is in yet


# ───────────────────────────────────────────── the self-check

def test_check_passes(doc):
    assert d.check_district(doc) == []


def test_a_wrong_rank_is_caught(doc):
    bad = _retext(doc, "district_rank", "居第3位", "居第2位")
    problems = d.check_district(bad)
    assert "区县比较: 排名印为第2位，按共同指标应为第3位" in problems
    assert "区县比较: 排名印为第2位，全市通报区县排名为3" in problems


def test_a_wrong_mean_or_status_of_the_rank_is_caught(doc):
    bad = _retext(doc, "district_rank", "（滞后）", "（达到序时进度）")
    assert "区县比较: 状态印为达到序时进度，按差距-13.3应为滞后" in d.check_district(bad)
    bad = _retext(doc, "district_rank", "平均完成率56.7%", "平均完成率85.0%")
    assert "区县比较: 平均完成率印为85.0%，应为56.67%" in d.check_district(bad)


def test_a_wrong_count_is_caught(doc):
    bad = _retext(doc, "district_counts", "滞后1项、严重", "滞后2项、严重")
    problems = d.check_district(bad)
    assert "总体情况: 各状态合计5项，与指标总数4项不符" in problems
    assert "总体情况: 滞后印为2项，应为1项" in problems


def test_a_wrong_attainment_cell_is_caught(doc):
    def change(tab):
        rows = tuple(tuple("6.0%" if c == "60.0%" and k == "MS01-01" else c for c in row)
                     for k, row in zip(tab.keys, tab.rows, strict=True))
        return dataclasses.replace(tab, rows=rows)
    bad = _replace(doc, lambda x: getattr(x, "role", "") == "district_table", change)
    problems = d.check_district(bad)
    assert "附件1 MS01-01: 完成率印为6.0%，按数据为60.00%" in problems


def test_the_check_does_not_trust_the_rollup(data):
    """A slip in the roll-up's district row (an attainment against the city's target, say)
    is caught: the check recomputes value ÷ task from the district's own ledger rows."""
    rows = data.rows.copy()
    rows.loc[rows["indicator_id"] == "MS01-01", "attainment"] = 0.3
    with pytest.raises(city.ArithmeticCheckError, match="完成率印为30.0%"):
        d.build(dataclasses.replace(data, rows=rows), ISSUED)


def test_files_are_written(doc, data, tmp_path):
    written = d.write_district_files(doc, data, tmp_path / "万州区")
    assert [p.name for p in written] == ["bulletin.html", "bulletin.pdf", "bulletin.docx", "tables.xlsx"]
    assert all(p.stat().st_size > 0 for p in written)
    assert tables_bytes(data, ISSUED) == tables_bytes(data, ISSUED)     # same inputs, same bytes


# ───────────────────────────────────────────── the reference data: one ranking

@pytest.fixture(scope="module")
def reference():
    clean = store.read(config.DATA / "reference" / "clean")
    return load_catalogue(2026), clean


def test_every_district_ranks_as_in_the_city_bulletin(reference):
    cat, clean = reference
    q = Quarter(2026, 3)
    bulletin = city.build(city.assemble(cat, clean.ledger, 2026, 3, clean.quality, clean.quarantine),
                          date(2026, 10, 15), charts=False)
    (table,) = bulletin.blocks("district_rank")
    printed = {k: (row[0], row[3]) for k, row in zip(table.keys, table.rows, strict=True)}
    assert printed
    for name in sorted(set(clean.ledger["district"]) - {"全市"}):
        doc = d.build(d.assemble(cat, clean.ledger, clean.quality, q, name), date(2026, 10, 15))
        (text,) = texts(doc, "district_rank")
        m = re.search(r"平均完成率([\d.]+%)（单项按100%封顶）.*在(\d+)个区县中居第(\d+)位", text)
        assert m, text
        assert (m.group(3), m.group(1)) == printed[name], name
        assert int(m.group(2)) == len(printed)
