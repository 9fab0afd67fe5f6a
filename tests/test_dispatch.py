"""The monthly dispatch (report.dispatch): its paragraphs and its attachment (红灯、黄灯指标清单)
written out whole and computed by hand on test_lights' catalogue and ledger (June 2031), the
returns to chase from a quality report, its own check catching a wrong figure, the 督办提示,
the files (the light cells of dispatch.xlsx filled by colour), and the reference September.

June 2031, by hand (test_lights.py has each figure): 已完成 小区; 绿灯 电梯, 案均损失, 宣传 (all
at or above schedule); 黄灯 日均劝阻 (95 % vs 100 %: 略低于序时进度, raised after 3 months
without progress); 红灯 覆盖率 (6.7 % vs 50 %, red in May too); 未报送 站点.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date

import openpyxl
import pytest
import test_bulletin
from conftest import quality_report
from minsheng.catalogue import load_catalogue
from minsheng.catalogue.periods import Month
from minsheng.config import settings
from minsheng.contracts import store
from minsheng.contracts.store import CleanOutputs
from minsheng.report import dispatch
from minsheng.report.bulletin import assemble as assemble_bulletin
from minsheng.report.dispatch.attachment import lights_attachment
from minsheng.report.dispatch.checks import check_notice
from minsheng.report.dispatch.data import month_returns
from minsheng.report.dispatch.files import write_dispatch_files
from minsheng.report.dispatch.sections import lights_section
from minsheng.report.dispatch.sheets import workbook_bytes
from minsheng.report.document import Items, Paragraph, Table
from test_bulletin import FORMULA, printed_words
from test_lights import ROWS, make_ledger

ISSUED = date(2031, 7, 12)
# 单位甲 filed June's return on 9 July (due 5 July: 4 days late), 单位乙 on time, 单位丙 none.
QUALITY = quality_report(year=2031, submissions={
    "due_day": 5, "months": ["2031-05", "2031-06"], "by_unit": [
        {"reporting_unit": "单位甲", "month": "2031-06", "status": "late",
         "first_submitted_on": "2031-07-09", "due": "2031-07-05"},
        {"reporting_unit": "单位乙", "month": "2031-06", "status": "on_time",
         "first_submitted_on": "2031-07-03", "due": "2031-07-05"},
        {"reporting_unit": "单位丙", "month": "2031-06", "status": "missing",
         "first_submitted_on": None, "due": "2031-07-05"},
    ]})


catalogue = test_bulletin.catalogue   # the same fixture: the small catalogue of 2031


@pytest.fixture(scope="module")
def clean():
    ledger = make_ledger(ROWS)
    return CleanOutputs(ledger=ledger, history=ledger.assign(superseded=False),
                        quarantine=store.empty_quarantine(), quality=QUALITY)


@pytest.fixture(scope="module")
def data(catalogue, clean):
    return dispatch.assemble(catalogue, clean, Month(2031, 6))


@pytest.fixture(scope="module")
def doc(data):
    return dispatch.build(data, ISSUED)


def texts(doc, role):
    return [b.text for b in doc.blocks(role) if isinstance(b, Paragraph)]


def items(doc, role):
    return [i for b in doc.blocks(role) if isinstance(b, Items) for i in b.items]


def table(doc, role="lights_list"):
    (t,) = [b for b in doc.blocks(role) if isinstance(b, Table)]
    return t


# ───────────────────────────────────────────── the document, by hand

def test_title_and_opening(doc):
    assert doc.title == "重庆市2031年重点民生实事6月调度情况"
    assert dispatch.title(2026, 9) == "重庆市2026年重点民生实事9月调度情况"
    assert doc.data_note == "数据截至2031年6月底" and not doc.draft
    assert doc.recipients == "市政府有关部门，有关单位："
    assert doc.issuer == "重庆市人民政府办公厅" and doc.date_text == "2031年7月12日"
    assert texts(doc, "lead") == [
        "按照“月调度、季通报、年考核”工作机制，现将2031年6月重点民生实事调度情况通报如下。"]
    assert [s.heading for s in doc.sections] == [
        "", "一、总体情况", "二、红灯和黄灯指标", "三、较上月变化", "四、数据报送情况", "五、工作要求"]


def test_counts_by_light(doc):
    # one paragraph of counts: 1 completed + 3 green + 1 yellow + 1 red + 1 未报送 = 7; the
    # yellow one is 略低于序时进度 (raised), so the yellow light says what it holds (the green
    # ones are all at schedule and the red one severely lagging, so they are not split); and
    # the light raised, by name
    assert texts(doc, "light_counts") == [
        "截至6月底，2件重点民生实事共7项指标，已完成1项、绿灯3项、黄灯1项、红灯1项、未报送1项。"
        "按进度状态分，黄灯1项中，略低于序时进度1项。"
        "落后序时进度且数值连续3个月以上未向目标推进的1项指标升一级亮灯：由绿灯升为黄灯1项（日均劝阻）。"]
    assert texts(doc, "definitions") == [
        "说明：绿灯指达到序时进度或落后不足10个百分点（略低于序时进度，不计为达到序时进度），"
        "黄灯指落后10至30个百分点，红灯指落后30个百分点以上；落后序时进度且数值连续3个月未向目标推进的，"
        "灯色升一级；未报送数值的不亮灯。序时进度截至6月底为50.0%，按年度计划推进的按计划计算，"
        "全年持续达到的要求按100%计。"]


def test_red_and_yellow_with_their_lead_units(doc):
    assert doc.section("lights").subsections == ()
    assert texts(doc, "red") == ["1项指标亮红灯：覆盖率（单位甲）。"]
    # yellow for 1 month, not 3: no 其中已连续3个月以上; the section ends pointing to the attachment
    assert texts(doc, "yellow") == ["1项指标亮黄灯：单位丙1项（日均劝阻）。逐项情况详见附件。"]


def test_the_attachment_lists_each_red_and_yellow_indicator(doc):
    (a,) = doc.attachments
    assert (doc.label(a), a.title, a.landscape) == ("附件", "红灯、黄灯指标清单", True)
    assert doc.attachment_note == ("红灯、黄灯指标清单",)
    t = table(doc)
    assert t.columns == ("序号", "灯色", "指标", "牵头单位", "完成率", "序时进度", "落后百分点",
                         "连续亮灯月数", "备注")
    assert t.rows == (
        # 覆盖率: (41 − 40) / (55 − 40) = 6.67 %; 50 − 6.67 = 43.3 behind; red in May and June
        ("1", "红灯", "覆盖率", "单位甲", "6.7%", "50.0%", "43.3", "2", ""),
        # 日均劝阻: 950 / 1000 = 95 % against 100 %, 5 behind (略低于序时进度, said beside the
        # light), yellow since June, raised from green by 3 months at 950
        ("2", "黄灯（略低于序时进度）", "日均劝阻", "单位丙", "95.0%", "100.0%", "5.0", "1",
         "落后序时进度且数值连续3个月未向目标推进，由绿灯升为黄灯"))
    assert t.keys == ("MS01-02", "MS02-01") and t.numeric == (0, 4, 5, 6, 7)


def test_a_name_two_indicators_share_is_told_apart_by_its_item(data):
    lights = data.lights.copy()
    lights.loc[lights["indicator_id"] == "MS02-04", "indicator"] = "覆盖率"     # 宣传 (反诈) renamed
    shared = dispatch.build(dataclasses.replace(data, lights=lights), ISSUED)   # and checked
    assert texts(shared, "red") == ["1项指标亮红灯：覆盖率（居住品质，单位甲）。"]
    assert table(shared).rows[0][2] == "覆盖率（居住品质）"


def test_no_red_or_yellow_no_attachment(data):
    calm = dataclasses.replace(data, lights=data.lights.assign(
        light=data.lights["light"].replace({"red": "green", "yellow": "green"})))
    assert lights_attachment(calm) is None
    assert [b.text for b in lights_section(calm).blocks] == ["本月无亮红灯、黄灯的指标。"]


def test_changes_since_last_month(doc):
    # 日均劝阻 green → yellow; 宣传 yellow → green; 小区 green → completed; 覆盖率 red both months;
    # 电梯 and 案均损失 had no figure in May (a first light is not a change)
    assert texts(doc, "changes") == [
        "与5月底相比，新亮黄灯1项（日均劝阻）；转为绿灯1项（宣传）；新完成全年目标1项（小区）。"]


def test_returns_to_chase(doc, data):
    assert texts(doc, "returns") == [
        "6月数据应于7月5日前报送，3个填报单位中，按时报送1个；逾期报送1个：单位甲（7月9日报送，逾期4天）；"
        "未报送1个：单位丙。"]
    chase = data.chase
    assert chase["reporting_unit"].tolist() == ["单位甲", "单位丙"]
    assert chase["days_late"].tolist()[0] == 4
    assert chase["indicators"].tolist() == ["电梯、覆盖率", "日均劝阻、站点（力争）、案均损失、宣传"]


def test_requirements_give_the_reply_date(doc):
    # 12 July + 10 days = 22 July
    assert texts(doc, "requirements") == [
        "亮红灯、黄灯指标的牵头单位要逐项分析原因，明确赶进度措施和完成时限，推动指标尽快转为绿灯；"
        "收到督办提示的单位，请于7月22日前将整改措施和推进情况书面报送。"
        "各填报单位要在每月5日前报送上月数据，逾期和未报送的单位要立即补报。"]


def test_month_returns_from_a_quality_report(catalogue):
    q = quality_report(year=2031, submissions={"due_day": 5, "months": ["2031-12"], "by_unit": [
        {"reporting_unit": "单位甲", "month": "2031-12", "status": "undated",
         "first_submitted_on": None, "due": "2032-01-05"}]})
    r = month_returns(catalogue, q, 2031, 12).set_index("reporting_unit")
    assert r["submission"].to_dict() == {"单位甲": "undated", "单位乙": "missing", "单位丙": "missing"}
    # a unit the report does not hold is missing; December's returns fall due in January
    assert r.at["单位乙", "due"] == date(2032, 1, 5)
    assert r["n_indicators"].to_dict() == {"单位甲": 2, "单位乙": 1, "单位丙": 4}


def test_all_on_time_and_first_month(catalogue, clean):
    on_time = quality_report(year=2031, submissions={"due_day": 5, "months": ["2031-01"], "by_unit": [
        {"reporting_unit": u, "month": "2031-01", "status": "on_time",
         "first_submitted_on": "2031-02-02", "due": "2031-02-05"} for u in ("单位甲", "单位乙", "单位丙")]})
    january = dispatch.build(dispatch.assemble(
        catalogue, dataclasses.replace(clean, quality=on_time), Month(2031, 1)), ISSUED)
    assert texts(january, "returns") == ["1月数据应于2月5日前报送，3个填报单位均按时报送。"]
    assert texts(january, "changes") == ["本月为本年度首次调度，不作比较。"]
    # January: 宣传 5 % vs 8.33 % → green behind schedule, said beside its colour
    assert texts(january, "light_counts") == [
        "截至1月底，2件重点民生实事共7项指标，绿灯1项、未报送6项。按进度状态分，绿灯1项中，略低于序时进度1项。"]
    assert january.attachments == ()      # no red or yellow light in January


def test_a_draft_is_as_of_its_data(catalogue, clean):
    d = dispatch.assemble(catalogue, clean, Month(2031, 7), draft=True)
    assert (d.month, d.cutoff, d.draft) == (7, 6, True)
    doc = dispatch.build(d, ISSUED)
    assert doc.draft and doc.title.endswith("7月调度情况") and doc.data_note == "数据截至2031年6月底"


# ───────────────────────────────────────────── the check

def _retext(doc, role, old, new):
    def fix(section):
        blocks = tuple(dataclasses.replace(b, text=b.text.replace(old, new))
                       if getattr(b, "role", "") == role and isinstance(b, Paragraph) else b
                       for b in section.blocks)
        return dataclasses.replace(section, blocks=blocks,
                                   subsections=tuple(fix(s) for s in section.subsections))
    return dataclasses.replace(doc, sections=tuple(fix(s) for s in doc.sections))


def test_check_passes_on_a_sound_dispatch(doc):
    assert dispatch.check_dispatch(doc) == []


def test_a_wrong_count_is_caught(doc):
    bad = _retext(doc, "light_counts", "红灯1项", "红灯2项")
    problems = dispatch.check_dispatch(bad)
    assert "总体情况: 各灯色合计8项，与指标总数7项不符" in problems
    assert "总体情况: 红灯印为2项，应为1项" in problems
    with pytest.raises(dispatch.DispatchCheckError, match="调度情况数字核对未通过"):
        dispatch.verify_dispatch(bad)


def test_a_behind_green_counted_as_on_schedule_is_caught(catalogue, clean):
    january = dispatch.build(dispatch.assemble(catalogue, clean, Month(2031, 1)), ISSUED)
    bad = _retext(january, "light_counts", "略低于序时进度1项", "达到序时进度1项")
    assert any(p.startswith("按进度状态分") for p in dispatch.check_dispatch(bad))


def _recell(doc, row, column, value):
    """The dispatch with one cell of the attachment's list reprinted (value None: the row left out)."""
    (a,) = doc.attachments
    t = table(doc)
    j = t.columns.index(column) if column else None
    rows = [r[:j] + (value,) + r[j + 1:] if i == row and value is not None else r
            for i, r in enumerate(t.rows) if not (i == row and value is None)]
    blocks = tuple(dataclasses.replace(b, rows=tuple(rows)) if b is t else b for b in a.blocks)
    return dataclasses.replace(doc, attachments=(dataclasses.replace(a, blocks=blocks),))


@pytest.mark.parametrize(("row", "column", "value", "problem"), [
    (0, "落后百分点", "34.3", "附件: 覆盖率: 落后印为34.3个百分点，50.0 − 6.7 = 43.3"),
    (0, "完成率", "7.7%", "附件: 覆盖率: 完成率印为7.7%，按数据为6.67%"),
    (0, "序时进度", "55.0%", "附件: 覆盖率: 序时进度印为55.0%，应为50.00%"),
    (0, "连续亮灯月数", "3", "附件: 覆盖率连续亮灯月数印为3，应为2"),
    (0, "牵头单位", "单位乙", "附件: 覆盖率牵头单位印为单位乙，应为单位甲"),
    # a light behind schedule must say so beside its colour
    (1, "灯色", "黄灯", "附件: 日均劝阻灯色印为黄灯，应为黄灯（略低于序时进度）"),
    (1, "备注", "", "附件: 日均劝阻备注印为“”，应为“落后序时进度且数值连续3个月未向目标推进，由绿灯升为黄灯”"),
    (1, "", None, "附件: 列为['MS01-02']，红灯、黄灯指标为['MS01-02', 'MS02-01']"),
])
def test_a_wrong_cell_in_the_attachment_is_caught(doc, row, column, value, problem):
    assert problem in dispatch.check_dispatch(_recell(doc, row, column, value))


def test_wrong_names_units_and_counts_in_the_text_are_caught(doc):
    def problems(role, old, new):
        return dispatch.check_dispatch(_retext(doc, role, old, new))
    assert "红灯指标: 覆盖率的牵头单位印为单位乙，应为单位甲" in problems("red", "（单位甲）", "（单位乙）")
    assert "红灯指标: 印为2项，应为1项" in problems("red", "1项指标亮红灯", "2项指标亮红灯")
    assert "红灯指标: 列为['MS02-04']，应为['MS01-02']" in problems("red", "覆盖率", "宣传")
    assert "红灯指标: 无法核对“覆盖面（单位甲）”" in problems("red", "覆盖率", "覆盖面")
    assert "黄灯指标: 单位乙印为['日均劝阻']，应为[]" in problems("yellow", "单位丙1项", "单位乙1项")
    assert "黄灯指标: 无法核对“单位丙2项（日均劝阻）”" in problems("yellow", "单位丙1项", "单位丙2项")
    assert any(p.startswith("红灯和黄灯指标: 应以“逐项情况详见附件。”结尾")
               for p in problems("yellow", "逐项情况详见附件。", ""))
    assert any(p.startswith("升级亮灯: 印为{('绿灯', '黄灯'): ['宣传']}")
               for p in problems("light_counts", "1项（日均劝阻）", "1项（宣传）"))


def test_wrong_figures_in_the_returns_and_the_changes_are_caught(doc):
    bad = _retext(doc, "returns", "逾期4天", "逾期3天")
    assert "报送情况: 单位甲于7月9日报送、逾期3天，与报送记录不符" in dispatch.check_dispatch(bad)
    bad = _retext(doc, "changes", "；转为绿灯1项（宣传）", "")
    assert "较上月变化: 应印“转为绿灯1项（宣传）”" in dispatch.check_dispatch(bad)


def test_a_wrong_figure_in_a_notice_is_caught(data):
    n = dispatch.build_notices(data, ISSUED)["单位甲"]
    (body,) = n.sections
    blocks = tuple(dataclasses.replace(b, items=tuple(i.replace("落后43.3", "落后34.3")
                                                     .replace("2个月", "3个月") for i in b.items))
                   if isinstance(b, Items) else b for b in body.blocks)
    bad = dataclasses.replace(n, sections=(dataclasses.replace(body, blocks=blocks),))
    problems = check_notice(bad, "单位甲", data)
    assert "覆盖率（居住品质）: 落后印为34.3个百分点，50.0 − 6.7 = 43.3" in problems
    assert "覆盖率（居住品质）: 印为“已连续3个月亮红灯”，应为“已连续2个月亮红灯”" in problems


def test_a_light_that_does_not_follow_its_status_is_caught(data):
    lights = data.lights.copy()
    lights.loc[lights["indicator_id"] == "MS01-02", "light"] = "yellow"
    bad = dispatch.Dispatch(**{**{f.name: getattr(dispatch.build(data, ISSUED), f.name)
                                  for f in dataclasses.fields(dispatch.Dispatch)},
                               "data": dataclasses.replace(data, lights=lights)})
    assert "MS01-02: 灯色为yellow，按状态和进展应为red" in dispatch.check_dispatch(bad)


# ───────────────────────────────────────────── 督办提示

def test_a_notice_for_each_unit_with_a_red_light(data):
    notices = dispatch.build_notices(data, ISSUED)
    assert list(notices) == ["单位甲"]        # 单位丙's yellow is 1 month old, not 3
    n = notices["单位甲"]
    assert n.title == "重点民生实事督办提示" and n.recipients == "单位甲："
    assert texts(n, "notice_lead") == [
        "根据2031年6月重点民生实事调度情况，截至6月底，你单位牵头的重点民生实事指标中，亮红灯1项，进度滞后："]
    assert items(n, "notice_items") == [
        "覆盖率（居住品质）：当前41%（上年末40%），完成率6.7%，序时进度50.0%，落后43.3个百分点，"
        "已连续2个月亮红灯。"]
    assert texts(n, "notice_request") == [
        "请你单位认真分析原因，制定赶进度措施，明确完成时限，于7月22日前将整改措施和推进情况书面报送"
        "重庆市人民政府办公厅。"]


def test_a_yellow_lit_long_enough_is_noticed_with_why_it_was_raised(data, monkeypatch):
    monkeypatch.setitem(settings()["dispatch"], "notice_yellow_months", 1)
    notices = dispatch.build_notices(data, ISSUED)
    assert list(notices) == ["单位甲", "单位丙"]
    assert items(notices["单位丙"], "notice_items") == [
        "日均劝阻（反诈）：日均950人次，完成率95.0%，序时进度100.0%，落后5.0个百分点，"
        "数值连续3个月未向目标推进，由绿灯升为黄灯。"]
    assert texts(notices["单位丙"], "notice_lead")[0].endswith("连续1个月以上亮黄灯1项，进度滞后：")


# ───────────────────────────────────────────── files and public text

def test_no_code_or_file_name_in_the_public_text(doc, data):
    words = printed_words(doc) + "".join(printed_words(n) for n in dispatch.build_notices(data, ISSUED).values())
    for internal in ("MS0", ".xlsx", ".docx", ".csv", "f.xlsx", "月报", "green", "red", "no_data"):
        assert internal not in words, internal
    assert "达到序时进度1项" not in texts(doc, "light_counts")[0]


def test_workbook_sheets_and_formulas(data):
    wb = openpyxl.load_workbook(io.BytesIO(workbook_bytes(data, ISSUED)))
    assert wb.sheetnames == ["亮灯表", "责任单位汇总", "催报", "变化", "区县"]
    lights = wb["亮灯表"]
    header = [c.value for c in lights[1]]
    assert header[:10] == ["指标编号", "项目", "指标", "牵头单位", "完成值", "完成率", "序时进度",
                           "差距（百分点）", "灯色", "本灯月数"]
    rows = {r[0]: r for r in lights.iter_rows(min_row=2, values_only=True)}
    assert rows["MS02-01"][8] == "黄灯（略低于序时进度）"
    assert rows["MS02-01"][11] == "落后序时进度且数值连续3个月未向目标推进，由绿灯升为黄灯"
    assert rows["MS02-04"][10] == "转为绿灯（上月黄灯）"
    # 电梯's progress text is the district's formula: stored as text, never run
    assert rows["MS01-01"][12] == "'" + FORMULA
    assert all(ws.page_setup.orientation == "landscape" for ws in wb.worksheets)
    chase = [r for r in wb["催报"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[4]) for r in chase] == [("单位甲", "逾期4天"), ("单位丙", "未报送")]
    units = {r[0]: r for r in wb["责任单位汇总"].iter_rows(min_row=2, values_only=True)}
    # 单位甲: 电梯 green, 覆盖率 red; a 督办提示; its return late
    assert units["单位甲"][1:] == (2, 0, 1, 0, 1, 0, 0, "是", "逾期")
    district = {(r[0], r[1]): r[9] for r in wb["区县"].iter_rows(min_row=2, values_only=True)}
    assert district == {("万州区", "MS01-01"): "已完成", ("涪陵区", "MS01-01"): "黄灯",
                        ("南岸区", "MS01-01"): "—（未报送分解任务）"}
    changes = [(r[0], r[2]) for r in wb["变化"].iter_rows(min_row=2, values_only=True)]
    assert changes == [("新亮黄灯", "日均劝阻"), ("转为绿灯", "宣传"), ("新完成全年目标", "小区")]


def test_light_cells_are_filled_with_their_lights_colour(data):
    # palette.light, tinted as the status fills are (each channel c + (255 − c) × 0.55):
    # red #d32f2f → EBA1A1, yellow #f2c94c → F9E7AE, green #4caf50 → AEDBB0; 未报送 (white) unfilled
    xlsx = workbook_bytes(data, ISSUED)
    assert xlsx == workbook_bytes(data, ISSUED)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx))

    def fills(sheet, column, key=0):
        ws = wb[sheet]
        j = [c.value for c in ws[1]].index(column)
        # the colour's RGB: the ARGB alpha byte is not read by Excel for fills
        return {row[key].value: (row[j].value, row[j].fill.fill_type, row[j].fill.fgColor.rgb[-6:])
                for row in ws.iter_rows(min_row=2)}
    lights = fills("亮灯表", "灯色")
    assert lights["MS01-02"] == ("红灯", "solid", "EBA1A1")
    assert lights["MS02-01"] == ("黄灯（略低于序时进度）", "solid", "F9E7AE")
    assert lights["MS01-01"] == ("绿灯", "solid", "AEDBB0")
    assert lights["MS02-02"][:2] == ("未报送", None)
    # 变化: last month's light too (日均劝阻 was green)
    assert fills("变化", "上月灯色", key=2)["日均劝阻"] == ("绿灯", "solid", "AEDBB0")


def test_files_are_written(doc, data, tmp_path):
    old = tmp_path / "notices" / "单位乙.docx"
    old.parent.mkdir()
    old.write_bytes(b"an earlier run's")
    written = write_dispatch_files(doc, data, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [
        "dispatch.html", "dispatch.pdf", "dispatch.docx", "dispatch.xlsx", "notices/单位甲.docx"]
    assert not old.exists()
    with pytest.raises(ValueError, match="other data"):
        write_dispatch_files(doc, dataclasses.replace(data), tmp_path)


# ───────────────────────────────────────────── the reference September

@pytest.fixture(scope="module")
def september():
    cat = load_catalogue(2026)
    clean = store.read("data/reference/clean")
    return cat, clean, dispatch.assemble(cat, clean, Month(2026, 9))


def test_reference_september_adds_up_and_agrees_with_the_bulletin(september):
    cat, clean, data = september
    doc = dispatch.build(data, date(2026, 10, 12))
    assert dispatch.check_dispatch(doc) == []
    lit = data.lights["light"].isin(["red", "yellow"])
    assert len(table(doc).rows) == lit.sum() and set(table(doc).keys) == set(data.lights["indicator_id"][lit])
    bulletin = assemble_bulletin(cat, clean.ledger, 2026, 3, clean.quality, clean.quarantine)
    statuses = bulletin.table.set_index("indicator_id")["status"].astype(str)
    mine = data.lights.set_index("indicator_id")
    assert (mine["status"] == statuses.reindex(mine.index)).all()
    assert len(mine) == len(cat.indicators)


def test_reference_notices_go_to_every_unit_with_a_red_light(september):
    _, _, data = september
    notices = dispatch.build_notices(data, date(2026, 10, 12))
    red_units = set(data.lights.loc[data.lights["light"] == "red", "reporting_unit"])
    assert red_units and red_units <= set(notices)
    for unit in red_units:
        named = items(notices[unit], "notice_items")
        assert sum("亮红灯" in i or "升为红灯" in i for i in named) == int(
            ((data.lights["light"] == "red") & (data.lights["reporting_unit"] == unit)).sum())
