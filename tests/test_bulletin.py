"""The quarterly bulletin's figures and prose, computed by hand on a small catalogue, and its
arithmetic check catching corrupted numbers."""

import dataclasses
import textwrap
from datetime import date

import numpy as np
import pandas as pd
import pytest
from conftest import quality_report
from minsheng.catalogue import load_catalogue
from minsheng.contracts import ledger as ledger_mod
from minsheng.report import bulletin as b
from minsheng.report import format as fmt

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
    return [blk.text for blk in bulletin.blocks(role) if isinstance(blk, b.Paragraph)]


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
    assert fmt.fmt_count(12345) == "12,345" and fmt.fmt_count(7) == "7"
    # quantities: separators below 10,000, 万 from 10,000, 亿 from 10^8; never rounded away
    assert fmt.fmt_quantity(2500, "部") == "2,500部"
    assert fmt.fmt_quantity(12.5, "公里") == "12.5公里"
    assert fmt.fmt_quantity(0, "个") == "0个"
    assert fmt.fmt_quantity(9999, "人") == "9,999人"
    assert fmt.fmt_quantity(10000, "人次") == "1万人次"
    assert fmt.fmt_quantity(15000, "名") == "1.5万名"
    assert fmt.fmt_quantity(4_500_000, "人") == "450万人"
    assert fmt.fmt_quantity(1_234_567, "人") == "123.4567万人"
    assert fmt.fmt_quantity(150_000_000, "元") == "1.5亿元"
    assert fmt.fmt_quantity(46.25, "%") == "46.25%"   # percents never in 万
    assert fmt.fmt_quantity(None) == "—"
    assert fmt.fmt_date(date(2026, 10, 5)) == "2026年10月5日"


def test_title():
    assert b.title(2026, 3) == "重庆市2026年重点民生实事第三季度推进情况通报"


# ───────────────────────────────────────────── the figures, by hand

def test_overview_prose(bulletin):
    assert bulletin.title == "重庆市2031年重点民生实事第三季度推进情况通报"
    assert bulletin.data_note == "数据截至2031年9月底"
    assert bulletin.date_line == "2031年10月15日"
    assert texts(bulletin, "overall_counts") == [
        "截至9月底，2件重点民生实事7项指标中，已完成1项、超序时进度2项、符合序时进度1项、"
        "滞后1项、严重滞后1项、未报送1项（其中1项仅报送文字进展）。"]
    # 4 of the 6 reported meet the schedule; capped mean (.75+.4+1+.75+1+.7)/6 = 76.7 %;
    # at the end of Q2 (.45+.2+.25+.9+1+.45)/6 = 54.2 %; 76.7 − 54.2 = 22.5 points.
    assert texts(bulletin, "overall_share") == [
        "已报送数据的6项指标中，达到序时进度（含已完成、超序时进度）的4项，占66.7%；"
        "平均完成率76.7%（单项按100%封顶），较上季度末（54.2%）提高22.5个百分点。"]
    assert texts(bulletin, "item_split") == [
        "分项目看，0件实事已报送的指标均达到序时进度；2件存在滞后指标：居住品质、反诈。"]


def test_item_sections(bulletin):
    assert texts(bulletin, "item_counts") == [
        "共3项指标，已完成1项、超序时进度1项、符合序时进度0项、滞后0项、严重滞后1项、未报送0项；"
        "平均完成率71.7%（单项按100%封顶）。",
        "共4项指标，已完成0项、超序时进度1项、符合序时进度1项、滞后1项、严重滞后0项、未报送1项；"
        "平均完成率81.7%（单项按100%封顶）。"]
    item1, item2 = (b.Bulletin.section(bulletin, f"item-{i}") for i in (1, 2))
    assert item1.heading == "（一）居住品质" and item2.heading == "（二）反诈"
    rows = {k: r for blk in bulletin.blocks("indicators") for k, r in zip(blk.keys, blk.rows, strict=True)}
    assert rows["MS01-01"] == ("电梯", "100部", "75部", "75.0%", "75.0%", "0.0", "超序时进度")
    assert rows["MS01-02"] == ("覆盖率", "达到55%", "46%（年初40%）", "40.0%", "75.0%", "-35.0",
                               "严重滞后")
    assert rows["MS01-03"] == ("小区", "40个", "40个", "100.0%", "60.0%", "+40.0", "已完成")
    assert rows["MS02-01"] == ("日均劝阻", "日均不低于1,000人次", "日均750人次", "75.0%",
                               "100.0%", "-25.0", "滞后")
    # soft target labelled; only text reported: shown, no number invented
    assert rows["MS02-02"] == ("站点（力争）", "10个", "见进展情况", "—", "75.0%", "—", "未报送")
    assert rows["MS02-03"] == ("案均损失", "较基数下降", "较基数下降20.0%", "达到", "100.0%", "0.0",
                               "超序时进度")
    progress = [i for blk in bulletin.blocks("progress") for i in blk.items]
    assert f"站点（力争）：{SCRIPT}" in progress


def test_lagging_and_at_risk(bulletin):
    severe = [i for blk in bulletin.blocks("severely_lagging") for i in blk.items]
    assert severe == ["覆盖率（居住品质）：目标达到55%，当前46%（年初40%），完成率40.0%，"
                      "序时进度75.0%，落后35.0个百分点。责任单位：单位甲（牵头）、单位乙。"]
    lagging = [i for blk in bulletin.blocks("lagging") for i in blk.items]
    assert lagging == ["日均劝阻（反诈）：目标日均不低于1,000人次，日均750人次，完成率75.0%，"
                       "序时进度100.0%，落后25.0个百分点。责任单位：单位丙（牵头）。"]
    # projected: level .4/.75 = 53.3 % and daily average 75 % are off track; 70/75 = 93.3 % close
    risk = [i for blk in bulletin.blocks("at_risk") for i in blk.items]
    assert risk == [
        "覆盖率（居住品质）：按当前进度预计全年完成率53.3%，难以完成。责任单位：单位甲（牵头）、单位乙。",
        "日均劝阻（反诈）：按当前进度预计全年完成率75.0%，难以完成。责任单位：单位丙（牵头）。",
        "宣传（反诈）：按当前进度预计全年完成率93.3%，需加快进度。责任单位：单位丙（牵头）。",
    ]


def test_districts(bulletin):
    (tab,) = bulletin.blocks("district_rank")
    # 万州区 45/50 = 90 % (+15 vs 75 %), 涪陵区 30/50 = 60 % (−15: behind by 10 or more)
    assert tab.rows == (("1", "万州区", "1", "90.0%", "+15.0", "0"),
                        ("2", "涪陵区", "1", "60.0%", "-15.0", "1"))


def test_quality_section(bulletin):
    assert texts(bulletin, "submissions") == [
        "报送情况：本季度（7—9月）各填报单位应报送月报3份：按时1份，逾期1份，未报送1份。"]
    assert texts(bulletin, "processing") == [
        "数据处理：读取报送文件5个，拒收1个；读入数据20行，其中采用15行，隔离3行，重复2行"
        "（另略过空行4行）；同一指标、区县、月份的后报数据替代先报数据1条。"]
    (reasons,) = bulletin.blocks("quarantine_reasons")
    # four problems on three rows: row 5 of -甲.xlsx has two NUMBER_INVALID cells (counts once)
    assert [(r[1], r[2]) for r in reasons.rows] == [("NEGATIVE", "1"), ("NUMBER_INVALID", "2"),
                                                    ("", "3")]
    no_data = [i for blk in bulletin.blocks("no_data") for i in blk.items]
    assert no_data == ["站点（力争）（单位丙）：仅报送文字进展"]


def test_first_and_last_quarter(catalogue):
    led = make_ledger(LEDGER_ROWS + [("MS01-02", "全市", 12, 56, 40, None, None)])
    q1 = b.build(b.assemble(catalogue, led, 2031, 1, QUALITY, QUARANTINE), ISSUED, charts=False)
    assert q1.data.previous_table is None
    (share,) = texts(q1, "overall_share")
    assert share == "本期各项指标均未报送数据。"      # nothing reported by March
    q4 = b.build(b.assemble(catalogue, led, 2031, 4, QUALITY, QUARANTINE), ISSUED, charts=False)
    (year_end,) = texts(q4, "year_end")
    assert year_end.startswith("年度情况：截至12月底，7项指标中已完成全年目标")
    assert "较上季度末" in texts(q4, "overall_share")[0]
    bad = _retext(q4, "year_end", "已完成全年目标", "已完成全年目标1")
    assert any(p.startswith("年度情况") for p in b.check_arithmetic(bad))


def test_empty_ledger(catalogue):
    empty = b.assemble(catalogue, ledger_mod.empty(), 2031, 2, QUALITY, QUARANTINE)
    bl = b.build(empty, ISSUED, charts=False)
    assert "未报送7项" in texts(bl, "overall_counts")[0]
    assert bl.section("districts").blocks[0].text == "本期暂无分解到区县的指标数据。"
    captions = [t.caption for t in bl.blocks() if isinstance(t, b.Table) and t.caption.startswith("表")]
    assert [c.split()[0] for c in captions] == [f"表{i}" for i in range(1, len(captions) + 1)]


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
    assert "15件重点民生实事74项指标中" in texts(bl, "overall_counts")[0]
    assert b.check_arithmetic(bl) == []


# ───────────────────────────────────────────── the arithmetic check

def _replace(bulletin, match, change):
    """A copy of `bulletin` with every block for which match(block) is true changed."""
    def fix(section):
        blocks = tuple(change(x) if match(x) else x for x in section.blocks)
        return dataclasses.replace(section, blocks=blocks,
                                   subsections=tuple(fix(s) for s in section.subsections))
    return dataclasses.replace(bulletin, sections=tuple(fix(s) for s in bulletin.sections))


def _retext(bulletin, role, old, new):
    def change(p):
        assert old in p.text
        return dataclasses.replace(p, text=p.text.replace(old, new))
    return _replace(bulletin, lambda x: getattr(x, "role", "") == role, change)


def test_check_passes_on_a_sound_bulletin(bulletin):
    assert b.check_arithmetic(bulletin) == []


def test_corrupted_rollup_count_fails_the_build(data):
    items = data.items.copy()
    items.loc[items["item_no"] == 1, "n_lagging"] += 1      # a slip in one item's count
    with pytest.raises(b.ArithmeticCheckError) as err:
        b.build(dataclasses.replace(data, items=items), ISSUED, charts=False)
    problems = err.value.problems
    assert any("项目1: 各状态合计4项，与指标总数3项不符" in p for p in problems), problems
    assert any("项目1: 滞后印为1项，按指标表应为0项" in p for p in problems), problems
    assert any("各项目滞后合计2项，与总体1项不符" in p for p in problems), problems


def test_corrupted_printed_count_is_caught(bulletin):
    bad = _retext(bulletin, "overall_counts", "已完成1项", "已完成2项")
    problems = b.check_arithmetic(bad)
    assert "总体情况: 各状态合计8项，与指标总数7项不符" in problems
    assert "总体情况: 已完成印为2项，按指标表应为1项" in problems


def test_wrong_share_is_caught(bulletin):
    # the published slip: "3 of 15" printed as 27 %
    bad = _retext(bulletin, "overall_share", "占66.7%", "占27.0%")
    assert any(p.startswith("总体情况: 占比印为27.0%，4/6 = 66.67%") for p in b.check_arithmetic(bad))
    bad = _retext(bulletin, "overall_share", "提高22.5个百分点", "提高25.2个百分点")
    assert any("较上季度变化" in p for p in b.check_arithmetic(bad))


def test_wrong_attainment_cell_is_caught(bulletin):
    def change(tab):
        rows = tuple(tuple("4.0%" if (k == "MS01-02" and c == "40.0%") else c for c in row)
                     for k, row in zip(tab.keys, tab.rows, strict=True))
        return dataclasses.replace(tab, rows=rows)
    bad = _replace(bulletin, lambda x: getattr(x, "role", "") in ("indicators", "annex"), change)
    problems = b.check_arithmetic(bad)
    assert "MS01-02: 完成率印为4.0%，按数据为40.00%" in problems
    assert any(p.startswith("MS01-02: 差距印为-35.0") for p in problems)


def test_district_ranks_must_run_from_one(bulletin):
    def change(tab):
        return dataclasses.replace(tab, rows=tuple(("1",) + r[1:] for r in tab.rows))
    bad = _replace(bulletin, lambda x: getattr(x, "role", "") == "district_rank", change)
    assert "区县排名不是1至2: [1, 1]" in b.check_arithmetic(bad)


def test_lagging_list_must_match_its_count(bulletin):
    bad = _replace(bulletin, lambda x: getattr(x, "role", "") == "lagging",
                   lambda x: dataclasses.replace(x, items=x.items * 2))
    assert "滞后指标: 列出滞后2项，总体情况印为1项" in b.check_arithmetic(bad)


def test_quarantine_totals_must_agree(data):
    q = data.quality.model_copy(update={"rows_quarantined": 4, "rows_in": 21})
    with pytest.raises(b.ArithmeticCheckError, match="清洗报告隔离4行，隔离清单涉及3行"):
        b.build(dataclasses.replace(data, quality=q), ISSUED, charts=False)
