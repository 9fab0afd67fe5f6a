"""The quarterly bulletin's figures and prose, computed by hand on a small catalogue (golden
paragraphs written out whole), and its arithmetic check catching corrupted numbers."""

import dataclasses
import json
import textwrap
from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import quality_report
from minsheng.catalogue import load_catalogue
from minsheng.contracts import ledger as ledger_mod
from minsheng.contracts import store
from minsheng.report import bulletin as b
from minsheng.report import charts
from minsheng.report import format as fmt
from minsheng.report.document import Chart, Items, Paragraph, Table

ISSUED = date(2031, 10, 15)

# Two items, seven indicators: one of each status at the end of Q3 (month 9).
# Linear 序时进度 at month 9 = 75 %; the "back" plan is at 60 % at the end of Q3.
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
          - {id: MS02-02, indicator: 站点, target_value: 10, unit: 个, kind: increment, soft: true,
             source: 力争站点10个}
          - {id: MS02-03, indicator: 案均损失, target_value: 0, unit: "%", kind: directional,
             comparator: "<", source: 同比下降}
          - {id: MS02-04, indicator: 宣传, target_value: 200, unit: 场次, kind: increment,
             source: 宣传200场次}
    """)

SCRIPT = "<script>alert(1)</script>选址完成"
FORMULA = '=HYPERLINK("http://evil.example","点击")'


def make_ledger(rows):
    cols = ["indicator_id", "district", "month", "value", "baseline", "district_target",
            "progress_text"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["year"] = 2031
    frame["source_file"], frame["source_sheet"], frame["flags"] = "f.xlsx", "月报", ""
    frame["source_row"] = np.arange(4, 4 + len(frame))
    out = ledger_mod.conform(frame)
    ledger_mod.validate(out)
    return out


LEDGER_ROWS = [
    # Q3: lifts 45 + 30 = 75 of 100 → 75 % vs 75 % → ahead (gap 0); Q2: 25 + 20 = 45 %
    ("MS01-01", "万州区", 9, 45, None, 50, FORMULA),
    ("MS01-01", "涪陵区", 9, 30, None, 50, None),
    ("MS01-01", "万州区", 6, 25, None, 50, None),
    ("MS01-01", "涪陵区", 6, 20, None, 50, None),
    # level from 40 to 55: 46 → 6/15 = 40 % vs 75 → −35 → severely lagging; Q2: 43 → 20 %
    ("MS01-02", "全市", 9, 46, 40, None, None),
    ("MS01-02", "全市", 6, 43, 40, None, None),
    # planned: 40 of 40 → reached → completed; Q2: 10 → 25 %
    ("MS01-03", "全市", 9, 40, None, None, None),
    ("MS01-03", "全市", 6, 10, None, None, None),
    # daily average 750 of 1000 → 75 % vs 100 % → −25 → lagging; Q2: 900 → 90 %
    ("MS02-01", "全市", 9, 750, None, None, None),
    ("MS02-01", "全市", 6, 900, None, None, None),
    # text only → no figure → 未报送 (with its text kept)
    ("MS02-02", "全市", 9, None, None, None, SCRIPT),
    # directional: 8000 vs 10000 → −20 % < 0 → met (100 %) vs 100 % → ahead; Q2 likewise
    ("MS02-03", "全市", 9, 8000, 10000, None, None),
    ("MS02-03", "全市", 6, 9500, 10000, None, None),
    # 140 of 200 → 70 % vs 75 → −5 → on track; Q2: 90 → 45 %
    ("MS02-04", "全市", 9, 140, None, None, None),
    ("MS02-04", "全市", 6, 90, None, None, None),
]

QUALITY = quality_report(
    year=2031, rows_in=20, rows_clean=15, rows_quarantined=3, rows_duplicate=2,
    rows_skipped={"blank": 4, "note": 0, "total": 0, "unfilled": 0}, files_read=5,
    files_rejected=[{"file": "单位丁/9月.xls", "reason_code": "FILE_TYPE", "reason": "不是xlsx或csv文件"}],
    revisions_applied=1, warnings={"APPROX": 2},
    quarantine_by_code={"NUMBER_INVALID": 2, "NEGATIVE": 1},
    submissions={"due_day": 5, "months": ["2031-06", "2031-07", "2031-08", "2031-09"], "by_unit": [
        {"reporting_unit": "单位甲", "month": "2031-07", "status": "on_time",
         "first_submitted_on": "2031-08-03", "due": "2031-08-05"},
        {"reporting_unit": "单位甲", "month": "2031-08", "status": "late",
         "first_submitted_on": "2031-09-09", "due": "2031-09-05"},
        {"reporting_unit": "单位丙", "month": "2031-09", "status": "missing",
         "first_submitted_on": None, "due": "2031-10-05"},
        {"reporting_unit": "单位丙", "month": "2031-06", "status": "missing",
         "first_submitted_on": None, "due": "2031-07-05"},
    ]})
QUARANTINE = pd.DataFrame({
    "file": ["-甲.xlsx", "-甲.xlsx", "乙.csv", "乙.csv"], "sheet": ["月报", "月报", "", ""],
    "row": [5, 5, 9, 10], "column": ["累计完成", "本月完成", "累计完成", "累计完成"],
    "raw_value": ["@SUM(A1)", "abc", "-3", "x"],
    "reason_code": ["NUMBER_INVALID", "NUMBER_INVALID", "NEGATIVE", "NUMBER_INVALID"],
    "reason": ["数值无法识别", "数值无法识别", "数值为负数", "数值无法识别"],
})


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "2031.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load_catalogue(2031, path=path)


@pytest.fixture(scope="module")
def data(catalogue):
    return b.assemble(catalogue, make_ledger(LEDGER_ROWS), 2031, 3, QUALITY, QUARANTINE)


@pytest.fixture(scope="module")
def bulletin(data):
    return b.build(data, ISSUED, charts=False)


def texts(bulletin, role):
    return [blk.text for blk in bulletin.blocks(role) if isinstance(blk, Paragraph)]


# ───────────────────────────────────────────── formatting

@pytest.mark.parametrize(("n", "text"), [(1, "一"), (3, "三"), (10, "十"), (15, "十五"),
                                         (20, "二十"), (21, "二十一"), (99, "九十九")])
def test_chinese_numeral(n, text):
    assert fmt.chinese_numeral(n) == text


def test_number_formats():
    assert fmt.fmt_percent(0.625) == "62.5%"
    assert fmt.fmt_percent(1.0) == "100.0%"
    assert fmt.fmt_percent(float("nan")) == "—"
    assert fmt.fmt_points(-12.5) == "-12.5" and fmt.fmt_points(5) == "+5.0"
    assert fmt.fmt_points(-0.04) == "0.0"          # no "-0.0"
    assert fmt.fmt_count(12345) == "12345" and fmt.fmt_count(7) == "7"   # no separators in text
    # quantities as the notice writes them: as is below 10,000, 万 from 10,000, 亿 from 10^8,
    # at most two decimals; full-width brackets in units
    assert fmt.fmt_quantity(2500, "部") == "2500部"
    assert fmt.fmt_quantity(12.5, "公里") == "12.5公里"
    assert fmt.fmt_quantity(0, "个") == "0个"
    assert fmt.fmt_quantity(9999, "人") == "9999人"
    assert fmt.fmt_quantity(10000, "人次") == "1万人次"
    assert fmt.fmt_quantity(15000, "名") == "1.5万名"
    assert fmt.fmt_quantity(12000, "套(间)") == "1.2万套（间）"
    assert fmt.fmt_quantity(4_500_000, "人") == "450万人"
    assert fmt.fmt_quantity(3_396_371, "人") == "339.64万人"
    assert fmt.fmt_quantity(150_000_000, "元") == "1.5亿元"
    assert fmt.fmt_quantity(46.25, "%") == "46.25%"   # percents never in 万
    assert fmt.fmt_quantity(None) == "—"
    assert fmt.fmt_date(date(2026, 10, 5)) == "2026年10月5日"


def test_title():
    assert b.title(2026, 3) == "重庆市2026年重点民生实事第三季度推进情况通报"


# ───────────────────────────────────────────── the figures, by hand
#
# End of Q3 (month 9); linear 序时进度 75 %; plan "back" 60 %; standing kinds 100 %:
#   MS01-01 电梯 75/100 = 75 %, gap 0 → 达到序时进度 (Q2: 45 % vs 50 % → 略低于)
#   MS01-02 覆盖率 (46 − 40)/(55 − 40) = 40 %, −35 → 严重滞后 (Q2: 20 %, −30 → 滞后)
#   MS01-03 小区 40/40 → 已完成 (Q2: 25 % vs 30 % → 略低于)
#   MS02-01 日均劝阻 750/1000 = 75 % vs 100 %, −25 → 滞后 (Q2: 90 %, −10 → 滞后)
#   MS02-02 站点 text only → 未报送
#   MS02-03 案均损失 8000 vs 10000: −20 % < 0 → met, gap 0 → 达到 (Q2: met)
#   MS02-04 宣传 140/200 = 70 %, −5 → 略低于 (Q2: 45 %, −5)

def test_title_and_opening(bulletin):
    assert bulletin.title == "重庆市2031年重点民生实事第三季度推进情况通报"
    assert bulletin.data_note == "数据截至2031年9月底"
    assert bulletin.date_text == "2031年10月15日" and not bulletin.draft
    assert bulletin.issuer == "重庆市人民政府办公厅"
    assert bulletin.recipients == "各区县（自治县）人民政府，市政府各部门，有关单位："
    assert texts(bulletin, "lead") == [
        "按照“月调度、季通报、年考核”工作机制，现将2031年第三季度重点民生实事推进情况通报如下。"]
    assert [s.heading for s in bulletin.sections] == [
        "", "一、总体情况", "二、主要进展", "三、存在问题", "四、区县情况", "五、下一步工作要求"]
    assert bulletin.attachment_note == ("1. 滞后指标清单", "2. 达到序时进度及提前完成指标清单",
                                        "3. 进展情况表")


def test_overview_paragraphs(bulletin):
    assert texts(bulletin, "overall_counts") == [
        "截至9月底，2件重点民生实事共7项指标，已完成1项、达到序时进度2项、略低于序时进度1项、"
        "滞后1项、严重滞后1项、未报送1项（其中1项仅报送文字进展）。"]
    # at or above schedule: completed 1 + on schedule 2 = 3 of 6 reported (宣传, 5 points
    # behind, is not among them); capped mean (.75+.4+1+.75+1+.7)/6 = 76.7 %; at the end of
    # Q2 (.45+.2+.25+.9+1+.45)/6 = 54.2 %; 76.7 − 54.2 = 22.5 points.
    assert texts(bulletin, "overall_share") == [
        "已报送数值的6项指标中，达到序时进度（含已完成全年目标）的3项，占50.0%；"
        "平均完成率76.7%（单项按100%封顶），较上季度末（54.2%）提高22.5个百分点。"]
    assert texts(bulletin, "changes") == [
        "与第二季度末相比，新完成全年目标的1项（小区）；由低于序时进度转为达到序时进度的1项（电梯）。"]
    assert texts(bulletin, "definitions") == [
        "说明：达到序时进度，指完成率不低于序时进度；略低于序时进度，指落后序时进度不足10个百分点；"
        "滞后，指落后10至30个百分点；严重滞后，指落后30个百分点以上。序时进度按全年目标在各月均衡推进计算，"
        "截至9月底为75.0%；小区指标按年度计划推进，为60.0%；日均劝阻、案均损失为全年持续达到的要求，"
        "序时进度按100%计。平均完成率为各项指标完成率的算术平均，单项超过100%的按100%计。"]


def test_progress_names_what_is_ahead(bulletin):
    assert [s.heading for s in bulletin.section("progress").subsections] == [
        "（一）提前完成全年目标", "（二）达到序时进度"]
    assert texts(bulletin, "completed") == ["1项指标已完成全年目标：小区（单位乙）。"]
    assert texts(bulletin, "on_schedule") == ["2项指标达到序时进度：电梯、案均损失。"]
    # every item has one indicator behind; of the lead units only 单位乙's are all at schedule
    assert texts(bulletin, "items_meeting") == []
    assert texts(bulletin, "units_meeting") == ["1个牵头单位负责的指标全部达到序时进度：单位乙。"]


def test_problems_name_every_indicator_behind_with_its_lead_unit(bulletin):
    assert [s.heading for s in bulletin.section("problems").subsections] == [
        "（一）严重滞后", "（二）滞后", "（三）略低于序时进度", "（四）未报送数值", "（五）年底完成存在风险"]
    severe = [i for blk in bulletin.blocks("severely_lagging") for i in blk.items]
    assert severe == ["覆盖率（居住品质）：完成率40.0%，序时进度75.0%，落后35.0个百分点。牵头单位：单位甲。"]
    lagging = [i for blk in bulletin.blocks("lagging") for i in blk.items]
    assert lagging == ["日均劝阻（反诈）：完成率75.0%，序时进度100.0%，落后25.0个百分点。牵头单位：单位丙。"]
    assert texts(bulletin, "slightly_behind") == ["1项指标落后序时进度不足10个百分点：宣传。"]
    assert texts(bulletin, "no_data") == [
        "截至9月底，1项指标未报送数值：站点（力争）（单位丙，仅报送文字进展）。"]
    # projected: level .4/.75 = 53.3 % and the daily average 75 % miss by over 20 %;
    # 宣传 .70/.75 = 93.3 % only needs to speed up and is not a risk.
    assert texts(bulletin, "at_risk") == [
        "按目前完成进度推算，2项指标年底难以完成全年目标（预计全年完成率不足80%），其中严重滞后1项、滞后1项。"
        "有关牵头单位要分析原因，制定赶进度措施。"]


def test_districts_on_one_measure(bulletin):
    # 万州区 45/50 = 90 % (+15 vs 75 %), 涪陵区 30/50 = 60 % (−15: lagging)
    assert texts(bulletin, "district_summary") == [
        "分解到区县的指标中，2个区县共同承担的1项用于比较（区县完成率为区县完成数除以分解到该区县的"
        "年度任务，单项超过100%的按100%计）。"]
    assert texts(bulletin, "district_groups") == [
        "按平均完成率与平均序时进度之差，达到序时进度的1个：万州区；滞后的1个：涪陵区。"]
    (tab,) = bulletin.blocks("district_rank")
    assert tab.rows == (("1", "万州区", "1", "90.0%", "75.0%", "+15.0", "达到序时进度"),
                        ("2", "涪陵区", "1", "60.0%", "75.0%", "-15.0", "滞后"))


def test_next_steps_are_the_offices_text(bulletin):
    subs = bulletin.section("next-steps").subsections
    assert [s.heading for s in subs] == ["（一）加快滞后指标推进", "（二）压实各方责任", "（三）提高数据报送质量"]
    assert subs[0].blocks[0].text.startswith("各牵头单位要对照年度目标和序时进度，逐项分析滞后原因")


def test_attachment_lists(bulletin):
    behind, meeting, progress = bulletin.attachments
    assert (behind.label, behind.title) == ("附件1", "滞后指标清单")
    (tab, note) = behind.blocks
    assert tab.keys == ("MS01-02", "MS02-01", "MS02-04")        # worst first
    assert tab.rows[0] == ("1", "覆盖率", "居住品质", "单位甲", "达到55%", "46%（上年末40%）", "40.0%",
                           "75.0%", "-35.0", "严重滞后")
    assert tab.rows[1] == ("2", "日均劝阻", "反诈", "单位丙", "日均不低于1000人次", "日均750人次", "75.0%",
                           "100.0%", "-25.0", "滞后")
    assert note.style == "note"
    (tab,) = meeting.blocks
    assert tab.keys == ("MS01-03", "MS01-01", "MS02-03")        # completed first
    assert tab.rows[2] == ("3", "案均损失", "反诈", "单位丙", "较基数同比下降", "8000，较基数下降20.0%", "达到",
                           "100.0%", "0.0", "达到序时进度")


def test_progress_table_attributes_every_text(bulletin):
    (tab,) = bulletin.attachment("progress").blocks
    assert tab.columns == ("序号", "项目名称", "年度目标任务", "责任单位", "进展情况", "完成值", "完成率", "备注")
    rows = dict(zip(tab.keys, tab.rows, strict=True))
    # a district's text carries the district's name; the item's name and units once per item
    assert rows["MS01-01"] == ("1", "居住品质", "电梯：100部", "单位甲、单位乙", f"万州区：{FORMULA}",
                               "75部", "75.0%", "")
    assert rows["MS01-02"][:2] == ("", "")
    assert rows["MS02-02"] == ("", "", "站点（力争）：10个", "", SCRIPT, "见进展情况", "—",
                               "力争目标；仅报送文字进展")


def test_a_draft_is_computed_as_of_its_data(catalogue):
    """Q4 asked for with data only to September: a 征求意见稿 as of September, not a
    year end that rates September figures against a 100 % schedule."""
    data = b.assemble(catalogue, make_ledger(LEDGER_ROWS), 2031, 4, QUALITY, QUARANTINE, draft=True)
    assert data.month == 9 and data.draft
    doc = b.build(data, ISSUED, charts=False)
    assert doc.draft and doc.title.endswith("第四季度推进情况通报")
    assert doc.data_note == "数据截至2031年9月底"
    assert texts(doc, "overall_counts")[0].startswith("截至9月底，")


def test_first_quarter_has_no_comparison(catalogue):
    led = make_ledger(LEDGER_ROWS + [("MS01-02", "全市", 3, 41, 40, None, None)])
    q1 = b.build(b.assemble(catalogue, led, 2031, 1, QUALITY, QUARANTINE), ISSUED, charts=False)
    assert q1.data.previous_table is None and texts(q1, "changes") == []
    assert "较上季度末" not in texts(q1, "overall_share")[0]


def test_empty_ledger(catalogue):
    empty = b.assemble(catalogue, ledger_mod.empty(), 2031, 2, QUALITY, QUARANTINE)
    bl = b.build(empty, ISSUED, charts=False)
    assert texts(bl, "overall_counts") == ["截至6月底，2件重点民生实事共7项指标，未报送7项。"]
    assert texts(bl, "overall_share") == ["各项指标均未报送数值。"]
    assert bl.section("districts").blocks[0].text == "本期暂无可比较的分解到区县的指标数据。"


def printed_words(doc) -> str:
    """Every word the document prints: paragraphs, numbered items, table cells, captions."""
    out = [doc.title, doc.data_note, doc.recipients]
    for blk in doc.blocks():
        if isinstance(blk, Paragraph):
            out.append(blk.text)
        elif isinstance(blk, Items):
            out.extend(blk.items)
        elif isinstance(blk, Table):
            out.extend([blk.caption, *blk.columns, *(c for r in blk.rows for c in r)])
    return "\n".join(out)


def test_no_internal_matter_reaches_the_public_text(bulletin):
    words = printed_words(bulletin)
    for internal in ("隔离", "NUMBER_INVALID", "NEGATIVE", "APPROX", ".xlsx", ".csv", "数据质量"):
        assert internal not in words, internal


def test_full_catalogue_adds_up():
    """Every kind of the real 74-indicator catalogue goes through build and its check."""
    cat = load_catalogue(2026)
    ind = cat.indicators
    rows = []
    for i, (iid, r) in enumerate(ind.iterrows()):
        share = (i % 10) / 10 + 0.05
        if r["kind"] == "level":
            base = r["baseline"] if pd.notna(r["baseline"]) else r["target_value"] * 0.5
            rows.append((iid, "全市", 9, base + (r["target_value"] - base) * share, base, None, None))
        elif r["kind"] == "directional":
            rows.append((iid, "全市", 9, 95, 100, None, None))
        elif i % 7 == 0:
            rows.append((iid, "全市", 9, None, None, None, "已完成前期工作"))
        else:
            rows.append((iid, "全市", 9, r["target_value"] * share, None, None, None))
    frame = make_ledger(rows)
    frame["year"] = 2026
    bl = b.build(b.assemble(cat, frame, 2026, 3, quality_report(year=2026), QUARANTINE.head(0)),
                 date(2026, 10, 15), charts=False)
    assert "15件重点民生实事共74项指标" in texts(bl, "overall_counts")[0]
    assert b.check_arithmetic(bl) == []


# ───────────────────────────────────────────── the arithmetic check

def _replace(bulletin, match, change):
    """A copy of `bulletin` with every block for which match(block) is true changed."""
    def fix(section):
        blocks = tuple(change(x) if match(x) else x for x in section.blocks)
        return dataclasses.replace(section, blocks=blocks,
                                   subsections=tuple(fix(s) for s in section.subsections))
    attachments = tuple(dataclasses.replace(a, blocks=tuple(change(x) if match(x) else x
                                                            for x in a.blocks))
                        for a in bulletin.attachments)
    return dataclasses.replace(bulletin, sections=tuple(fix(s) for s in bulletin.sections),
                               attachments=attachments)


def _retext(bulletin, role, old, new):
    def change(p):
        assert old in p.text
        return dataclasses.replace(p, text=p.text.replace(old, new))
    return _replace(bulletin, lambda x: getattr(x, "role", "") == role, change)


def test_check_passes_on_a_sound_bulletin(bulletin):
    assert b.check_arithmetic(bulletin) == []


def test_counting_a_slightly_behind_indicator_as_meeting_is_caught(bulletin):
    # the old headline's fault: 宣传 (5 points behind) counted as 达到序时进度
    bad = _retext(bulletin, "overall_share", "的3项，占50.0%", "的4项，占66.7%")
    problems = b.check_arithmetic(bad)
    assert "总体情况: 达到序时进度印为4项，应只含已完成和达到序时进度的3项" in problems


def test_corrupted_printed_count_is_caught(bulletin):
    bad = _retext(bulletin, "overall_counts", "已完成1项", "已完成2项")
    problems = b.check_arithmetic(bad)
    assert "总体情况: 各状态合计8项，与指标总数7项不符" in problems
    assert "总体情况: 已完成印为2项，按指标表应为1项" in problems


def test_wrong_share_is_caught(bulletin):
    # the published slip: "3 of 15" printed as 27 %
    bad = _retext(bulletin, "overall_share", "占50.0%", "占27.0%")
    assert any(p.startswith("总体情况: 占比印为27.0%，3/6 = 50.00%") for p in b.check_arithmetic(bad))
    bad = _retext(bulletin, "overall_share", "提高22.5个百分点", "提高25.2个百分点")
    assert any("较上季度变化" in p for p in b.check_arithmetic(bad))


def test_a_change_left_out_is_caught(bulletin):
    bad = _retext(bulletin, "changes", "；由低于序时进度转为达到序时进度的1项（电梯）", "")
    assert any("由低于序时进度转为达到序时进度的1项（电梯）" in p for p in b.check_arithmetic(bad))


def test_a_change_printed_with_no_indicator_behind_it_is_caught(bulletin):
    # no indicator moved into 滞后 between the two quarters' tables (see the texts above)
    bad = _retext(bulletin, "changes", "（电梯）。", "（电梯）；新转为滞后的1项（宣传）。")
    assert "与上季度比较: 印有“新转为滞后”，按两季指标表没有此类指标" in b.check_arithmetic(bad)


def test_a_wrong_linear_schedule_is_caught(bulletin):
    # linear 序时进度 at the end of September: 9 / 12 = 75.0 %
    bad = _retext(bulletin, "definitions", "截至9月底为75.0%", "截至9月底为76.0%")
    assert "说明: 序时进度印为截至9月底为76.0%，9月底应为75.0%" in b.check_arithmetic(bad)
    bad = _retext(bulletin, "definitions", "截至9月底为75.0%", "截至8月底为75.0%")
    assert "说明: 序时进度印为截至8月底为75.0%，9月底应为75.0%" in b.check_arithmetic(bad)


def test_wrong_attainment_cell_is_caught(bulletin):
    def change(tab):
        rows = tuple(tuple("4.0%" if (k == "MS01-02" and c == "40.0%") else c for c in row)
                     for k, row in zip(tab.keys, tab.rows, strict=True))
        return dataclasses.replace(tab, rows=rows)
    bad = _replace(bulletin, lambda x: getattr(x, "role", "") == "attachment_behind", change)
    problems = b.check_arithmetic(bad)
    assert "MS01-02: 完成率印为4.0%，按数据为40.00%" in problems
    assert any(p.startswith("MS01-02: 差距印为-35.0") for p in problems)


def test_an_indicator_missing_from_the_lists_is_caught(bulletin):
    def drop_last(tab):
        return dataclasses.replace(tab, rows=tab.rows[:-1], keys=tab.keys[:-1])
    bad = _replace(bulletin, lambda x: isinstance(x, Table) and x.role == "attachment_behind",
                   drop_last)
    assert "attachment_behind: 列出2项，按指标表应为3项" in b.check_arithmetic(bad)


def test_district_ranks_must_run_from_one(bulletin):
    def change(tab):
        return dataclasses.replace(tab, rows=tuple(("1",) + r[1:] for r in tab.rows))
    bad = _replace(bulletin, lambda x: getattr(x, "role", "") == "district_rank", change)
    assert "区县排名不是1至2: [1, 1]" in b.check_arithmetic(bad)


def test_a_district_coloured_against_its_gap_is_caught(bulletin):
    def change(tab):
        rows = tuple(r[:6] + ("达到序时进度",) for r in tab.rows)
        return dataclasses.replace(tab, rows=rows)
    bad = _replace(bulletin, lambda x: getattr(x, "role", "") == "district_rank", change)
    assert "涪陵区: 状态印为达到序时进度，按差距-15.0应为滞后" in b.check_arithmetic(bad)


def test_lagging_list_must_match_its_count(bulletin):
    bad = _replace(bulletin, lambda x: getattr(x, "role", "") == "lagging",
                   lambda x: dataclasses.replace(x, items=x.items * 2))
    assert "存在问题: 滞后列出2项（印为[1]），应为1项" in b.check_arithmetic(bad)


def test_corrupted_rollup_does_not_reach_the_text(data):
    """Counts are recomputed from the indicator table, not taken from the roll-ups: a slip
    in a stored roll-up changes nothing printed, and the check still passes."""
    items = data.items.copy()
    items.loc[items["item_no"] == 1, "n_lagging"] += 1
    doc = b.build(dataclasses.replace(data, items=items), ISSUED, charts=False)
    assert b.check_arithmetic(doc) == []


def test_a_district_named_in_the_wrong_group_is_caught(bulletin):
    bad = _retext(bulletin, "district_groups", "达到序时进度的1个：万州区；滞后的1个：涪陵区",
                  "达到序时进度的2个：万州区、涪陵区")
    problems = b.check_arithmetic(bad)
    assert "区县情况: 达到序时进度的区县应为1个（万州区），印为(2, ['万州区', '涪陵区'])" in problems
    assert any(p.startswith("区县情况: 滞后的区县应为1个") for p in problems)


# ───────────────────────────────────────────── the overview chart, drawn once per run

def _results(data, tmp_path):
    results = tmp_path / "results"
    store.write_results(data.computed(), results)
    return results


def _overview(doc) -> Chart:
    return next(blk for blk in doc.blocks() if isinstance(blk, Chart) and blk.key == "overview")


def test_the_bulletin_prints_the_overview_chart_the_attainment_step_kept(data, tmp_path,
                                                                         monkeypatch):
    results = _results(data, tmp_path)
    drawn = b.draw_overview(data, results)
    assert drawn == charts.to_png(charts.status_overview(data.items))  # the bulletin's own drawing
    led = make_ledger(LEDGER_ROWS)
    clean = store.CleanOutputs(led, led.assign(superseded=False), QUARANTINE, QUALITY)
    again = b.BulletinData.read(data.catalogue, 2031, 3, False, clean, results)
    drawing = []
    status_overview = charts.status_overview
    monkeypatch.setattr(charts, "status_overview",
                        lambda items: drawing.append(len(items)) or status_overview(items))
    assert _overview(b.build(again, ISSUED)).png == drawn
    assert drawing == []  # printed as kept, not drawn again
    assert _overview(b.build(data, ISSUED)).png == drawn and drawing == [len(data.items)]


def test_a_kept_chart_is_not_used_once_its_table_is_written_again(data, tmp_path):
    results = _results(data, tmp_path)
    b.draw_overview(data, results)
    assert list(store.read_charts(results)) == ["overview"]
    store.write_results({"items": data.items.iloc[:-1]}, results)  # 02 again, without its chart
    assert store.read_charts(results) == {}


@pytest.mark.parametrize("damage", ["png", "index", "path"])
def test_a_damaged_kept_chart_is_drawn_anew(data, tmp_path, damage):
    results = _results(data, tmp_path)
    b.draw_overview(data, results)
    index = results / "charts.json"
    if damage == "png":
        (results / "overview.png").write_bytes(b"\x89PNG cut short")
    elif damage == "index":
        index.write_text("{ not json", encoding="utf-8")
    else:  # a name that is a path is never followed
        entry = json.loads(index.read_text(encoding="utf-8"))["overview"]
        (tmp_path / "items.parquet").write_bytes((results / "items.parquet").read_bytes())
        index.write_text(json.dumps({"overview": {**entry, "drawn_from": "../items"}}), encoding="utf-8")
    assert store.read_charts(results) == {}
