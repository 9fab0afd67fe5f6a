"""The quarterly bulletin (季通报): its figures, its Chinese text, and its own arithmetic check.

`assemble` gathers every table the bulletin prints (pure: catalogue + ledger in, frames out);
`build` turns them into a `Bulletin`, a structured document (sections of paragraphs, lists,
tables and charts) that every export (HTML, PDF, DOCX; XLSX reads the data) renders as is.
Every number in it is computed from the data, never typed.

`check_arithmetic` reads the *printed* text back (counts, percentages, ranks) and recomputes
each figure from the indicator table, independently of the roll-ups: published bulletins
have printed "3 of 15" as 27 %, ours must not. `build` raises `ArithmeticCheckError`
listing every problem found.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from minsheng.catalogue import Catalogue
from minsheng.catalogue.kinds import meets_one
from minsheng.config import settings
from minsheng.contracts import store
from minsheng.contracts.checks import QUARANTINE_COLUMNS
from minsheng.contracts.quality import QualityReport
from minsheng.report import charts as ch
from minsheng.report.format import (
    DASH,
    chinese_numeral,
    clean_text,
    fmt_count,
    fmt_date,
    fmt_percent,
    fmt_points,
)
from minsheng.report.format import is_missing as _missing
from minsheng.report.labels import label, labels
from minsheng.report.text import (
    attainment_text,
    indicator_name,
    target_text,
    units_text,
    value_phrase,
    value_text,
)
from minsheng.rules import rollup
from minsheng.rules.attainment import table_at
from minsheng.rules.status import MEETING_SCHEDULE, STATUSES

REGION = "重庆市"
CAP = rollup.CAP
# Projection classes that put the year target at risk (三、进度滞后指标 (二)).
AT_RISK = ("wrong_direction", "off_track", "close")
# Rows of quarantined data printed in 附表2; the XLSX always carries them all.
QUARANTINE_PRINT_LIMIT = 200


class ArithmeticCheckError(ValueError):
    """The bulletin's printed figures do not add up; `problems` lists every one."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("通报数字核对未通过:\n" + "\n".join(f"- {p}" for p in self.problems))


# ───────────────────────────────────────────── the data

@dataclass(frozen=True, eq=False)
class BulletinData:
    """Everything the bulletin prints, as frames (built by `assemble`)."""

    catalogue: Catalogue
    year: int
    quarter: int
    month: int
    table: pd.DataFrame                    # attainment_table at the quarter's end
    previous_table: pd.DataFrame | None    # … at the previous quarter's end (None in Q1)
    items: pd.DataFrame                    # rollup.by_item
    units: pd.DataFrame                    # rollup.by_unit
    district_detail: pd.DataFrame          # rollup.district_detail
    district_rank: pd.DataFrame            # rollup.by_district
    quality: QualityReport                 # the cleaner's quality report
    quarantine: pd.DataFrame               # quarantined rows (QUARANTINE_COLUMNS)

    COMPUTED: ClassVar[tuple[str, ...]] = ("table", "previous_table", "items", "units",
                                           "district_detail", "district_rank")

    def computed(self) -> dict[str, pd.DataFrame | None]:
        """The tables `assemble` computed, to be stored once (contracts.store.write_results)."""
        return {name: getattr(self, name) for name in self.COMPUTED}

    @classmethod
    def from_computed(cls, catalogue: Catalogue, year: int, quarter: int,
                      frames: Mapping[str, pd.DataFrame | None], quality: QualityReport,
                      quarantine: pd.DataFrame) -> BulletinData:
        """The data again from stored tables, with nothing recomputed."""
        return cls(catalogue=catalogue, year=year, quarter=quarter, month=3 * quarter,
                   quality=quality,
                   quarantine=quarantine.reindex(columns=QUARANTINE_COLUMNS).reset_index(drop=True),
                   **{name: frames[name] for name in cls.COMPUTED})

    @classmethod
    def read(cls, catalogue: Catalogue, year: int, quarter: int, clean_dir: Path,
             results_dir: Path) -> BulletinData:
        """The data of a period whose tables the attainment step stored."""
        clean = store.read(clean_dir)
        return cls.from_computed(catalogue, year, quarter,
                                 store.read_results(results_dir, cls.COMPUTED), clean.quality,
                                 clean.quarantine)


def assemble(catalogue: Catalogue, ledger: pd.DataFrame, year: int, quarter: int,
             quality: QualityReport, quarantine: pd.DataFrame) -> BulletinData:
    """Compute every table of the bulletin for `quarter` (1–4) of `year`."""
    if not 1 <= quarter <= 4:
        raise ValueError(f"quarter must be 1–4, got {quarter}")
    month = 3 * quarter
    table = table_at(catalogue, ledger, year, month)
    previous_table = table_at(catalogue, ledger, year, month - 3) if quarter > 1 else None
    expected = table.set_index("indicator_id")["expected"]
    detail = rollup.district_detail(catalogue.indicators, ledger, year, month, expected)
    return BulletinData(
        catalogue=catalogue, year=year, quarter=quarter, month=month,
        table=table, previous_table=previous_table,
        items=rollup.by_item(table), units=rollup.by_unit(table),
        district_detail=detail, district_rank=rollup.by_district(detail),
        quality=quality,
        quarantine=quarantine.reindex(columns=QUARANTINE_COLUMNS).reset_index(drop=True),
    )


# ───────────────────────────────────────────── the document

@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str = ""        # what check_arithmetic reads back ("overall_counts", …)
    key: str = ""         # e.g. the item number of an "item_counts" paragraph
    style: str = ""       # "note": small print
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    role: str = ""
    ordered: bool = True
    kind: ClassVar[str] = "list"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    keys: tuple[str, ...] = ()         # indicator_id or district per row
    statuses: tuple[str, ...] = ()     # status code per row ("" none) for the status colour
    status_column: int | None = None   # column printing the status label
    numeric: tuple[int, ...] = ()      # right-aligned columns
    role: str = ""
    wide: bool = False                 # print on a landscape page
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str
    alt: str
    png: bytes = field(repr=False)
    width_cm: float = 16.0
    kind: ClassVar[str] = "chart"


Block = Paragraph | BulletList | Table | Chart


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    level: int = 1
    wide: bool = False   # an annex of wide tables (landscape in PDF and DOCX)

    def walk(self):
        """This section and every subsection, depth first."""
        yield self
        for sub in self.subsections:
            yield from sub.walk()


@dataclass(frozen=True, eq=False)
class Bulletin:
    title: str
    date_line: str
    data_note: str
    issued_on: date
    sections: tuple[Section, ...]
    data: BulletinData = field(repr=False)

    def section(self, key: str) -> Section:
        for top in self.sections:
            for s in top.walk():
                if s.key == key:
                    return s
        raise KeyError(key)

    def blocks(self, role: str | None = None):
        """Every block in reading order (optionally only those with `role`)."""
        for top in self.sections:
            for s in top.walk():
                for b in s.blocks:
                    if role is None or getattr(b, "role", "") == role:
                        yield b


def title(year: int, quarter: int) -> str:
    return f"{REGION}{year}年重点民生实事第{chinese_numeral(quarter)}季度推进情况通报"


# ───────────────────────────────────────────── per-indicator text

def _label_status(code: str) -> str:
    return labels("status").get(str(code), str(code))


# ───────────────────────────────────────────── counts as printed (and read back)

def _label_status(code: Any) -> str:
    return label("status", code)


def _counts(statuses: pd.Series) -> dict[str, int]:
    vc = statuses.astype(str).value_counts()
    return {s: int(vc.get(s, 0)) for s in STATUSES}


def _counts_phrase(counts: Mapping[str, int]) -> str:
    return "、".join(f"{_label_status(s)}{fmt_count(counts[s])}项" for s in STATUSES)


def _parse_counts(text: str) -> dict[str, int]:
    names = labels("status")
    alternation = "|".join(re.escape(names[s]) for s in sorted(STATUSES, key=lambda s: -len(names[s])))
    found = {lab: int(n.replace(",", "")) for lab, n in re.findall(rf"({alternation})([\d,]+)项", text)}
    by_label = {v: k for k, v in names.items()}
    return {by_label[lab]: n for lab, n in found.items()}


def _capped_mean(att: pd.Series) -> float:
    return float(att.clip(upper=CAP).mean()) if att.notna().any() else float("nan")


def overall_summary(table: pd.DataFrame) -> dict[str, Any]:
    """The whole table's figures as one record (what 一、总体情况 prints)."""
    counts = _counts(table["status"])
    n_reported = len(table) - counts["no_data"]
    n_meeting = sum(counts[s] for s in MEETING_SCHEDULE)
    return {"n_indicators": len(table), "n_reported": n_reported,
            "n_meeting_schedule": n_meeting,
            "share_meeting_schedule": n_meeting / n_reported if n_reported else np.nan,
            "mean_attainment_capped": _capped_mean(table["attainment"]),
            **{f"n_{s}": counts[s] for s in STATUSES}}


# ───────────────────────────────────────────── sections

def _overview(data: BulletinData, chart: Chart | None) -> Section:
    t = data.table
    counts = _counts(t["status"])
    n = len(t)
    n_items = t["item_no"].nunique()
    text_only = int(((t["status"] == "no_data") & t["progress_text"].map(clean_text).notna()).sum())
    note = f"（其中{fmt_count(text_only)}项仅报送文字进展）" if text_only else ""
    blocks: list[Block] = [Paragraph(
        f"截至{data.month}月底，{n_items}件重点民生实事{fmt_count(n)}项指标中，"
        f"{_counts_phrase(counts)}{note}。", role="overall_counts")]

    n_reported = n - counts["no_data"]
    n_meeting = sum(counts[s] for s in MEETING_SCHEDULE)
    if n_reported:
        mean = _capped_mean(t["attainment"])
        change = ""
        if data.previous_table is not None and data.previous_table["attainment"].notna().any():
            prev = _capped_mean(data.previous_table["attainment"])
            diff = round(mean * 100, 1) - round(prev * 100, 1)
            word = "提高" if diff > 0.05 else ("下降" if diff < -0.05 else None)
            change = (f"，较上季度末（{fmt_percent(prev)}）{word}{abs(diff):.1f}个百分点" if word
                      else f"，与上季度末（{fmt_percent(prev)}）持平")
        blocks.append(Paragraph(
            f"已报送数据的{fmt_count(n_reported)}项指标中，达到序时进度（含已完成、超序时进度）的"
            f"{fmt_count(n_meeting)}项，占{fmt_percent(n_meeting / n_reported)}；"
            f"平均完成率{fmt_percent(mean)}（单项按100%封顶）{change}。", role="overall_share"))
    else:
        blocks.append(Paragraph("本期各项指标均未报送数据。", role="overall_share"))

    it = data.items
    behind = it[(it["n_lagging"] + it["n_severely_lagging"]) > 0]
    silent = it[it["n_reported"] == 0]
    clear = it[(it["n_reported"] > 0) & ((it["n_lagging"] + it["n_severely_lagging"]) == 0)]
    text = (f"分项目看，{len(clear)}件实事已报送的指标均达到序时进度；"
            f"{len(behind)}件存在滞后指标")
    text += ("：" + "、".join(behind["item_name"]) if len(behind) else "")
    if len(silent):
        text += f"；{len(silent)}件尚未报送数据：" + "、".join(silent["item_name"])
    blocks.append(Paragraph(text + "。", role="item_split"))

    if data.quarter == 4:
        done = counts["completed"]
        blocks.append(Paragraph(
            f"年度情况：截至12月底，{fmt_count(n)}项指标中已完成全年目标{fmt_count(done)}项，"
            f"未完成{fmt_count(n_reported - done)}项，未报送{fmt_count(counts['no_data'])}项。"
            "年度考核结果另行通报。", role="year_end"))
    if chart is not None:
        blocks.append(chart)
    return Section("overview", "一、总体情况", tuple(blocks))


_ITEM_COLUMNS = ("指标", "年度目标", "累计完成", "完成率", "序时进度", "差距（百分点）", "状态")


def _indicator_cells(r: Mapping[str, Any], month: int) -> tuple[str, ...]:
    return (indicator_name(r), target_text(r), value_text(r, month), attainment_text(r),
            fmt_percent(r["expected"]), fmt_points(r["gap_points"]), _label_status(r["status"]))


def _item_section(data: BulletinData, item: Mapping[str, Any], rows: pd.DataFrame,
                  chart: Chart | None, table_no: int) -> Section:
    counts = {s: int(item[f"n_{s}"]) for s in STATUSES}
    mean = item["mean_attainment_capped"]
    mean_text = f"平均完成率{fmt_percent(mean)}" if not _missing(mean) else "暂无完成率"
    blocks: list[Block] = [
        Paragraph(f"责任单位：{item['responsible_units']}。"),
        Paragraph(f"共{fmt_count(item['n_indicators'])}项指标，{_counts_phrase(counts)}；"
                  f"{mean_text}（单项按100%封顶）。", role="item_counts", key=str(item["item_no"])),
        Table(_ITEM_COLUMNS, tuple(_indicator_cells(r, data.month) for r in rows.to_dict("records")),
              caption=f"表{table_no} {item['item_name']}指标进展",
              keys=tuple(rows["indicator_id"]), statuses=tuple(rows["status"].astype(str)),
              status_column=6, numeric=(3, 4, 5), role="indicators"),
    ]
    texts = []
    for r in rows.to_dict("records"):
        progress, remark = clean_text(r["progress_text"]), clean_text(r.get("remark"))
        if progress:
            texts.append(f"{indicator_name(r)}：{progress}")
        if remark:   # 备注, when the indicator table carries it
            texts.append(f"{indicator_name(r)}（备注）：{remark}")
    if texts:
        blocks.append(Paragraph("进展情况（单位报送原文）："))
        blocks.append(BulletList(tuple(texts), role="progress", ordered=False))
    unq = data.catalogue.unquantified
    clauses = unq.loc[unq["item_no"] == item["item_no"], "source"].tolist()
    if clauses:
        blocks.append(Paragraph("不设量化目标、以文字报送的任务：" + "；".join(clauses) + "。",
                                style="note"))
    if chart is not None:
        blocks.append(chart)
    return Section(f"item-{item['item_no']}", f"（{chinese_numeral(int(item['item_no']))}）"
                   f"{item['item_name']}", tuple(blocks), level=2)


def _lagging_entry(r: Mapping[str, Any], month: int) -> str:
    return (f"{indicator_name(r)}（{r['item_name']}）：目标{target_text(r)}，"
            f"{value_phrase(r, month)}，完成率{attainment_text(r)}，"
            f"序时进度{fmt_percent(r['expected'])}，落后{abs(float(r['gap_points'])):.1f}个百分点。"
            f"责任单位：{units_text(r)}。")


def _projection_entry(r: Mapping[str, Any]) -> str:
    if r["projection"] == "wrong_direction":
        if r["kind"] == "level":
            how = "当前值低于年初基数，与目标方向相反"
        elif r["kind"] == "directional":
            how = "较基数的变动与目标方向相反"
        else:
            how = "累计数较上月减少，与目标方向相反，请核实数据"
    else:
        label = labels("projection")[str(r["projection"])]
        how = f"按当前进度预计全年完成率{fmt_percent(r['projected_attainment'])}，{label}"
    return f"{indicator_name(r)}（{r['item_name']}）：{how}。责任单位：{units_text(r)}。"


def _lagging(data: BulletinData) -> Section:
    t = data.table
    severe = t[t["status"] == "severely_lagging"].sort_values(["gap_points", "indicator_id"])
    lag = t[t["status"] == "lagging"].sort_values(["gap_points", "indicator_id"])
    th = settings()["status"]
    blocks: list[Block] = []
    if len(severe) + len(lag) == 0:
        blocks.append(Paragraph("本期无滞后指标。"))
    if len(severe):
        blocks.append(Paragraph(f"严重滞后指标（落后序时进度{th['severe_beyond']}个百分点以上）"
                                f"{fmt_count(len(severe))}项："))
        blocks.append(BulletList(tuple(_lagging_entry(r, data.month)
                                       for r in severe.to_dict("records")), role="severely_lagging"))
    if len(lag):
        blocks.append(Paragraph(f"滞后指标（落后序时进度{th['on_track_within']}至"
                                f"{th['severe_beyond']}个百分点）{fmt_count(len(lag))}项："))
        blocks.append(BulletList(tuple(_lagging_entry(r, data.month)
                                       for r in lag.to_dict("records")), role="lagging"))
    first = Section("lagging-list", "（一）滞后指标及责任单位", tuple(blocks), level=2)

    risk = t[t["projection"].astype(str).isin(AT_RISK) & (t["status"] != "completed")].copy()
    risk["_order"] = risk["projection"].astype(str).map({c: i for i, c in enumerate(AT_RISK)})
    risk = risk.sort_values(["_order", "projected_attainment", "indicator_id"])
    if len(risk):
        pblocks: tuple[Block, ...] = (
            Paragraph(f"按当前进度（按序时进度折算）测算，以下{fmt_count(len(risk))}项指标"
                      "存在年底不能完成全年目标的风险："),
            BulletList(tuple(_projection_entry(r) for r in risk.to_dict("records")),
                       role="at_risk"))
    else:
        pblocks = (Paragraph("按当前进度测算，已报送数据的指标均可按期完成全年目标。"),)
    second = Section("at-risk", "（二）预计难以按期完成的指标", pblocks, level=2)
    return Section("lagging", "三、进度滞后指标", subsections=(first, second))


_RANK_COLUMNS = ("排名", "区县", "指标数", "平均完成率", "平均差距（百分点）", "落后较多的指标数")


def _districts(data: BulletinData, chart: Chart | None, table_no: int) -> Section:
    rank, detail = data.district_rank, data.district_detail
    if not len(rank):
        return Section("districts", "四、区县情况", (Paragraph("本期暂无分解到区县的指标数据。"),))
    within = settings()["status"]["on_track_within"]
    ranked = rank[rank["mean_attainment_capped"].notna()]
    text = (f"{len(rank)}个区县报送了{detail['indicator_id'].nunique()}项分解到区县指标的数据。"
            "区县完成率为区县完成数除以分解到该区县的年度任务，单项按100%封顶后取平均。")
    if len(ranked) >= 6:
        text += (f"平均完成率前三位为{'、'.join(ranked['district'].head(3))}；"
                 f"后三位为{'、'.join(ranked['district'].tail(3))}。")
    n_behind = int((rank["n_behind"] > 0).sum())
    text += f"{n_behind}个区县有指标落后序时进度{within}个百分点以上。"
    unranked = rank[rank["mean_attainment_capped"].isna()]
    if len(unranked):
        text += f"{len(unranked)}个区县未报送分解任务，无法计算完成率，列于表末。"
    rows = tuple((fmt_count(r["rank"]), r["district"], fmt_count(r["n_indicators"]),
                  fmt_percent(r["mean_attainment_capped"]), fmt_points(r["mean_gap_points"]),
                  fmt_count(r["n_behind"])) for r in rank.to_dict("records"))
    blocks: list[Block] = [
        Paragraph(text, role="district_summary"),
        Table(_RANK_COLUMNS, rows, caption=f"表{table_no} 区县平均完成率排名"
              f"（落后较多：落后序时进度{within}个百分点以上）",
              keys=tuple(rank["district"]), numeric=(0, 2, 3, 4, 5), role="district_rank"),
    ]
    if chart is not None:
        blocks.append(chart)
    return Section("districts", "四、区县情况", tuple(blocks))


def quarantined_rows(quarantine: pd.DataFrame) -> tuple[pd.Series, int]:
    """Quarantined rows per reason code (one line per problem in; a row with two problems
    of one code counts once), plus the distinct rows over all codes as `total`."""
    rows = quarantine.assign(reason_code=quarantine["reason_code"].fillna("").astype(str))
    key = ["file", "sheet", "row"]
    per = rows.drop_duplicates(key + ["reason_code"]).groupby("reason_code", sort=True).size()
    return per, len(rows.drop_duplicates(key))


def _quality(data: BulletinData, table_no: int) -> tuple[Section, int]:
    q, t = data.quality, data.table
    blocks: list[Block] = []
    months = range(data.month - 2, data.month + 1)
    words = labels("submission")
    subs = [s for s in q.submissions.by_unit if s.month_no in months and s.year_no == data.year]
    n = {k: sum(s.status == k for s in subs) for k in words}
    parts = [f"{words[k]}{fmt_count(n[k])}份" for k in words if n[k] or k != "undated"]
    blocks.append(Paragraph(
        f"报送情况：本季度（{months[0]}—{months[-1]}月）各填报单位应报送月报"
        f"{fmt_count(len(subs))}份：" + "，".join(parts) + "。", role="submissions"))
    bad = sorted((s for s in subs if s.status != "on_time"),
                 key=lambda s: (s.month_no, s.status != "missing", s.reporting_unit))
    if bad:
        blocks.append(Table(("月份", "单位", "情况", "报送日期"),
                            tuple((f"{s.month_no}月", s.reporting_unit, words[s.status],
                                   s.submitted_on or DASH) for s in bad),
                            caption=f"表{table_no} 未按时报送的月报"))
        table_no += 1

    none = t[(t["status"] == "no_data")]
    if len(none):
        entries = []
        for r in none.to_dict("records"):
            has_text = clean_text(r["progress_text"]) is not None
            entries.append(f"{indicator_name(r)}（{r['reporting_unit']}）"
                           + ("：仅报送文字进展" if has_text else ""))
        blocks.append(Paragraph(f"截至{data.month}月底无数值的指标{fmt_count(len(none))}项"
                                "（括号内为填报单位）："))
        blocks.append(BulletList(tuple(entries), role="no_data", ordered=False))
    stale = t[t["data_month"].notna() & (t["data_month"].astype("float") < data.month)]
    if len(stale):
        blocks.append(Paragraph(
            f"{fmt_count(len(stale))}项指标{data.month}月未更新数据，沿用此前月份数据："
            + "；".join(f"{indicator_name(r)}（{int(r['data_month'])}月，{r['reporting_unit']}）"
                       for r in stale.to_dict("records")) + "。"))

    rejected = q.files_rejected
    skipped = "、".join(f"{label('skipped', k)}{fmt_count(v)}行" for k, v in q.rows_skipped.items()
                       if v)
    skipped = f"（另略过{skipped}）" if skipped else ""
    blocks.append(Paragraph(
        f"数据处理：读取报送文件{fmt_count(q.files_read)}个，拒收{fmt_count(len(rejected))}个；"
        f"读入数据{fmt_count(q.rows_in)}行，其中采用{fmt_count(q.rows_clean)}行，"
        f"隔离{fmt_count(q.rows_quarantined)}行，重复{fmt_count(q.rows_duplicate)}行{skipped}；"
        f"同一指标、区县、月份的后报数据替代先报数据{fmt_count(q.revisions_applied)}条。",
        role="processing"))
    if rejected:
        blocks.append(Table(("文件", "拒收原因"), tuple((r.file, r.reason) for r in rejected),
                            caption=f"表{table_no} 拒收的文件"))
        table_no += 1
    warnings = {k: v for k, v in sorted(q.warnings.items()) if v}
    if warnings:
        blocks.append(Paragraph("以下数据已采用，但需填报单位核实："))
        blocks.append(Table(("说明", "代码", "行数"),
                            tuple((label("check", k), k, fmt_count(v)) for k, v in warnings.items()),
                            caption=f"表{table_no} 需核实的数据", numeric=(2,)))
        table_no += 1

    qr = data.quarantine
    if len(qr):
        per, total = quarantined_rows(qr)
        rows = [(label("check", code) if code else DASH, code or DASH, fmt_count(k))
                for code, k in per.items()]
        rows.append(("合计（一行可涉及多个原因）", "", fmt_count(total)))
        blocks.append(Paragraph(f"隔离数据{fmt_count(total)}行（{fmt_count(len(qr))}处问题）未计入统计，"
                                "按原因分列如下（明细见附表2，请有关单位核实后重报）："))
        blocks.append(Table(("原因", "代码", "行数"), tuple(rows),
                            caption=f"表{table_no} 隔离数据按原因统计", numeric=(2,),
                            role="quarantine_reasons"))
        table_no += 1
    return Section("quality", "五、数据质量说明", tuple(blocks)), table_no


_ANNEX_COLUMNS = ("编号", "项目", "指标", "年度目标", "累计完成", "完成率", "序时进度",
                  "差距（百分点）", "状态", "年底预测", "填报单位")


def _annex(data: BulletinData) -> Section:
    t = data.table
    rows = []
    proj_labels = labels("projection")
    for r in t.to_dict("records"):
        rows.append((r["indicator_id"], f"{r['item_no']}.{r['item_name']}",
                     *_indicator_cells(r, data.month),
                     proj_labels.get(str(r["projection"]), DASH), r["reporting_unit"]))
    blocks: list[Block] = [Table(
        _ANNEX_COLUMNS, tuple(rows), caption="附表1 重点民生实事指标完成情况明细",
        keys=tuple(t["indicator_id"]), statuses=tuple(t["status"].astype(str)), status_column=8,
        numeric=(5, 6, 7), role="annex", wide=True)]
    qr = data.quarantine
    subs: tuple[Section, ...] = ()
    if len(qr):
        shown = qr.head(QUARANTINE_PRINT_LIMIT)
        qrows = tuple(tuple(DASH if _missing(v) else (clean_text(v) or "")
                            for v in (r["file"], r["sheet"], r["row"], r["column"], r["raw_value"],
                                      r["reason"])) for r in shown.to_dict("records"))
        more = (f"（共{fmt_count(len(qr))}行，此处列前{fmt_count(len(shown))}行，完整清单见Excel表）"
                if len(qr) > len(shown) else "")
        subs = (Section("annex-quarantine", "附表2 隔离数据明细", (
            Table(("文件", "工作表", "行", "列", "原值", "原因"), qrows,
                  caption=f"附表2 隔离数据明细{more}", numeric=(2,), wide=True),), level=2),)
    return Section("annex", "附表", tuple(blocks), subsections=subs, wide=True)


def build(data: BulletinData, issued_on: date, *, issuer: str | None = None,
          charts: bool = True) -> Bulletin:
    """The bulletin as structured Chinese content; raises ArithmeticCheckError when its
    printed figures do not add up. `charts=False` leaves the charts out (fast previews)."""

    t = data.table
    fig_no = 0

    def chart(key: str, caption: str, alt: str, make) -> Chart | None:
        nonlocal fig_no
        if not charts:
            return None
        fig_no += 1
        return Chart(key, f"图{fig_no} {caption}", alt, ch.to_png(make()))

    overview_chart = chart("overview", "各项目指标状态分布", "各项目指标按进度状态的数量",
                           lambda: ch.status_overview(data.items))
    sections = [_overview(data, overview_chart)]
    subs = []
    table_no = 1
    for item in data.items.to_dict("records"):
        rows = t[t["item_no"] == item["item_no"]]
        c = chart(f"item-{item['item_no']}", f"{item['item_name']}：完成率与序时进度",
                  f"{item['item_name']}各指标完成率、序时进度和全年目标",
                  lambda rows=rows: ch.item_bullet(rows))
        subs.append(_item_section(data, item, rows, c, table_no))
        table_no += 1
    sections.append(Section("items", "二、各项目进展情况", subsections=tuple(subs)))
    sections.append(_lagging(data))
    dchart = None
    if len(data.district_rank):
        dchart = chart("districts", "区县平均完成率排名", "各区县平均完成率（单项按100%封顶）",
                       lambda: ch.district_ranking(data.district_rank))
    sections.append(_districts(data, dchart, table_no))
    table_no += 1 if len(data.district_rank) else 0
    quality, table_no = _quality(data, table_no)
    sections.append(quality)
    sections.append(_annex(data))

    date_line = fmt_date(issued_on)
    if issuer:
        date_line = f"{issuer}　{date_line}"
    bulletin = Bulletin(title(data.year, data.quarter), date_line,
                        f"数据截至{data.year}年{data.month}月底", issued_on, tuple(sections), data)
    verify(bulletin)
    return bulletin


# ───────────────────────────────────────────── the arithmetic check

def verify(bulletin: Bulletin) -> Bulletin:
    """Raise ArithmeticCheckError listing every problem check_arithmetic finds."""
    problems = check_arithmetic(bulletin)
    if problems:
        raise ArithmeticCheckError(problems)
    return bulletin


_TOL_PCT = 0.05 + 1e-6     # a printed one-decimal percent vs its exact value
_TOL_DIFF = 0.1 + 1e-6     # a difference of two printed one-decimal figures


def _pct(text: str) -> float | None:
    m = re.fullmatch(r"(-?[\d.]+)%", text.strip())
    return float(m.group(1)) if m else None


def _num(text: str) -> float | None:
    try:
        return float(text.replace(",", "").replace("+", ""))
    except ValueError:
        return None


def _recomputed_attainment(r: Mapping[str, Any]) -> float:
    """Attainment from value, target and baseline, recomputed here on purpose (not
    imported) so that the check does not trust the code it checks."""
    v, tgt, base, kind = r["value"], r["target_value"], r["baseline"], r["kind"]
    if _missing(v):
        return float("nan")
    if kind == "level":
        return (v - base) / (tgt - base) if not _missing(base) and tgt != base else float("nan")
    if kind == "directional":
        if _missing(base) or base == 0:
            return float("nan")
        change = (v - base) / abs(base) * 100
        return 1.0 if meets_one(change, r["comparator"], tgt) else 0.0
    return v / tgt if tgt else float("nan")


def _check_counts(where: str, printed_n: int | None, counts: Mapping[str, int],
                  actual: Mapping[str, int]) -> list[str]:
    problems = []
    if set(counts) != set(STATUSES):
        problems.append(f"{where}: 未打印全部状态（{'、'.join(_label_status(s) for s in STATUSES if s not in counts)}）")
        return problems
    if printed_n is not None and sum(counts.values()) != printed_n:
        problems.append(f"{where}: 各状态合计{sum(counts.values())}项，与指标总数{printed_n}项不符")
    for s in STATUSES:
        if counts[s] != actual.get(s, 0):
            problems.append(f"{where}: {_label_status(s)}印为{counts[s]}项，按指标表应为{actual.get(s, 0)}项")
    return problems


def check_arithmetic(bulletin: Bulletin) -> list[str]:
    """Every problem with the printed figures (empty list = all add up).

    Reads the printed text back and recomputes from the indicator table: status counts add
    up to the total (overall and per item) and match the table; item counts sum to the
    overall; shares, means and changes recompute from their printed parts; each printed
    attainment recomputes from value and target; gaps are attainment minus 序时进度;
    lists of lagging indicators are as long as their printed counts; district ranks are
    1..n in order of the printed means; quarantined rows by reason add up.
    """
    data = bulletin.data
    t = data.table
    problems: list[str] = []
    actual = _counts(t["status"])
    n_total = len(t)

    def one(role: str) -> Paragraph | None:
        found = list(bulletin.blocks(role))
        if len(found) != 1:
            problems.append(f"应有1段{role}，实有{len(found)}段")
            return None
        return found[0]

    # 一、总体情况: counts
    overall: dict[str, int] = {}
    p = one("overall_counts")
    if p is not None:
        m = re.search(r"([\d,]+)项指标中", p.text)
        printed_n = int(m.group(1).replace(",", "")) if m else None
        if printed_n != n_total:
            problems.append(f"总体情况: 指标总数印为{printed_n}项，指标表有{n_total}项")
        overall = _parse_counts(p.text.split("项指标中", 1)[-1])
        problems += _check_counts("总体情况", printed_n, overall, actual)
        m = re.search(r"其中([\d,]+)项仅报送文字进展", p.text)
        if m:
            text_only = int(((t["status"] == "no_data")
                             & t["progress_text"].map(clean_text).notna()).sum())
            if int(m.group(1).replace(",", "")) != text_only:
                problems.append(f"总体情况: 仅报送文字进展印为{m.group(1)}项，应为{text_only}项")

    # shares and means
    p = one("overall_share")
    if p is not None and overall and "已报送数据的" in p.text:
        m = re.search(r"已报送数据的([\d,]+)项指标中.*?的([\d,]+)项，占([\d.]+)%", p.text)
        if not m:
            problems.append("总体情况: 达到序时进度的占比无法读出")
        else:
            n_rep, n_meet, share = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", "")), float(m.group(3))
            if n_rep != n_total - overall.get("no_data", 0):
                problems.append(f"总体情况: 已报送{n_rep}项 ≠ 总数{n_total} − 未报送{overall.get('no_data', 0)}")
            if n_meet != sum(overall.get(s, 0) for s in MEETING_SCHEDULE):
                problems.append(f"总体情况: 达到序时进度{n_meet}项 ≠ 已完成+超序时进度+符合序时进度")
            if n_rep and abs(share - n_meet / n_rep * 100) > _TOL_PCT:
                problems.append(f"总体情况: 占比印为{share}%，{n_meet}/{n_rep} = {n_meet / n_rep * 100:.2f}%")
        m = re.search(r"平均完成率([\d.]+)%", p.text)
        mean = _capped_mean(t["attainment"]) * 100
        if m and abs(float(m.group(1)) - mean) > _TOL_PCT:
            problems.append(f"总体情况: 平均完成率印为{m.group(1)}%，按指标表为{mean:.2f}%")
        m = re.search(r"较上季度末（([\d.]+)%）(提高|下降)([\d.]+)个百分点", p.text)
        if m:
            prev_p, sign, diff = float(m.group(1)), m.group(2), float(m.group(3))
            if data.previous_table is not None:
                prev = _capped_mean(data.previous_table["attainment"]) * 100
                if abs(prev_p - prev) > _TOL_PCT:
                    problems.append(f"总体情况: 上季度末平均完成率印为{prev_p}%，应为{prev:.2f}%")
            now = float(re.search(r"平均完成率([\d.]+)%", p.text).group(1))
            signed = diff if sign == "提高" else -diff
            if abs((now - prev_p) - signed) > 1e-6:
                problems.append(f"总体情况: 较上季度变化印为{sign}{diff}，{now} − {prev_p} = {now - prev_p:.1f}")

    p = next(iter(bulletin.blocks("year_end")), None)
    if p is not None and overall:
        m = re.search(r"([\d,]+)项指标中已完成全年目标([\d,]+)项，未完成([\d,]+)项，未报送([\d,]+)项", p.text)
        nums = [int(x.replace(",", "")) for x in m.groups()] if m else None
        if not nums or nums[0] != nums[1] + nums[2] + nums[3] or nums[1] != overall.get("completed") \
                or nums[3] != overall.get("no_data"):
            problems.append(f"年度情况: 各类合计与总数或总体情况不符（{p.text}）")

    # 二、per item, and items summing to the overall
    item_sum = dict.fromkeys(STATUSES, 0)
    item_n = 0
    item_paras = list(bulletin.blocks("item_counts"))
    if len(item_paras) != t["item_no"].nunique():
        problems.append(f"各项目: 印出{len(item_paras)}件，指标表有{t['item_no'].nunique()}件")
    for ip in item_paras:
        sub = t[t["item_no"].astype(str) == ip.key]
        m = re.search(r"共([\d,]+)项指标", ip.text)
        n = int(m.group(1).replace(",", "")) if m else None
        if n != len(sub):
            problems.append(f"项目{ip.key}: 指标数印为{n}项，指标表有{len(sub)}项")
        counts = _parse_counts(ip.text)
        problems += _check_counts(f"项目{ip.key}", n, counts, _counts(sub["status"]))
        for s in STATUSES:
            item_sum[s] += counts.get(s, 0)
        item_n += n or 0
        m = re.search(r"平均完成率([\d.]+)%", ip.text)
        if m:
            mean = _capped_mean(sub["attainment"]) * 100
            if abs(float(m.group(1)) - mean) > _TOL_PCT:
                problems.append(f"项目{ip.key}: 平均完成率印为{m.group(1)}%，应为{mean:.2f}%")
    if overall:
        if item_n != n_total:
            problems.append(f"各项目指标数合计{item_n}项，与总数{n_total}项不符")
        for s in STATUSES:
            if item_sum[s] != overall.get(s):
                problems.append(f"各项目{_label_status(s)}合计{item_sum[s]}项，与总体{overall.get(s)}项不符")

    p = one("item_split")
    if p is not None:
        nums = [int(x) for x in re.findall(r"(\d+)件", p.text)]
        if sum(nums) != t["item_no"].nunique():
            problems.append(f"分项目: 各类项目合计{sum(nums)}件，应为{t['item_no'].nunique()}件")

    # indicator rows wherever printed (item tables and the annex)
    by_id = t.set_index("indicator_id")
    for tab in bulletin.blocks():
        if not isinstance(tab, Table) or "完成率" not in tab.columns or not tab.keys:
            continue
        if tab.role not in ("indicators", "annex"):
            continue
        ia, ie, ig = (tab.columns.index(c) for c in ("完成率", "序时进度", "差距（百分点）"))
        ist = tab.status_column
        for key, row in zip(tab.keys, tab.rows, strict=True):
            r = by_id.loc[key]
            want = _recomputed_attainment(r)
            got = row[ia]
            if got in ("达到", "未达到"):
                if _missing(want) or (got == "达到") != (want >= 1):
                    problems.append(f"{key}: 完成情况印为{got}，按数据应为{want}")
            elif got == DASH:
                if not _missing(want):
                    problems.append(f"{key}: 完成率未印出，按数据为{want * 100:.2f}%")
            else:
                g = _pct(got)
                if g is None or _missing(want) or abs(g - want * 100) > _TOL_PCT:
                    problems.append(f"{key}: 完成率印为{got}，按数据为{want * 100:.2f}%")
            e = _pct(row[ie])
            if e is None or abs(e - r["expected"] * 100) > _TOL_PCT:
                problems.append(f"{key}: 序时进度印为{row[ie]}，应为{r['expected'] * 100:.2f}%")
            gap = _num(row[ig]) if row[ig] != DASH else None
            a_val = (100.0 if got == "达到" else 0.0) if got in ("达到", "未达到") else _pct(got)
            if gap is not None and a_val is not None and e is not None:
                if abs(gap - (a_val - e)) > _TOL_DIFF:
                    problems.append(f"{key}: 差距印为{row[ig]}，{a_val} − {e} = {a_val - e:.1f}")
            if ist is not None and row[ist] != _label_status(r["status"]):
                problems.append(f"{key}: 状态印为{row[ist]}，应为{_label_status(r['status'])}")

    # 三、lists as long as their counts
    if overall:
        for role in ("severely_lagging", "lagging"):
            listed = sum(len(b.items) for b in bulletin.blocks(role))
            if listed != overall.get(role):
                problems.append(f"滞后指标: 列出{_label_status(role)}{listed}项，总体情况印为{overall.get(role)}项")

    # 四、districts: ranks 1..n, printed means recompute, order follows the means
    for tab in bulletin.blocks("district_rank"):
        ranks = [int(r[0].replace(",", "")) for r in tab.rows]
        if ranks != list(range(1, len(ranks) + 1)):
            problems.append(f"区县排名不是1至{len(ranks)}: {ranks}")
        means = []
        for district, row in zip(tab.keys, tab.rows, strict=True):
            att = data.district_detail.loc[data.district_detail["district"] == district, "attainment"]
            want = _capped_mean(att) * 100
            got = _pct(row[3])
            if got is None:
                if not _missing(want):
                    problems.append(f"{district}: 平均完成率未印出，应为{want:.2f}%")
                means.append(-math.inf)
                continue
            if _missing(want) or abs(got - want) > _TOL_PCT:
                problems.append(f"{district}: 平均完成率印为{row[3]}，应为{want:.2f}%")
            means.append(got)
        if any(b > a for a, b in zip(means, means[1:], strict=False)):
            problems.append("区县排名与平均完成率的顺序不一致")

    # 五、submissions and processed rows add up; quarantined rows by reason recompute
    p = next(iter(bulletin.blocks("submissions")), None)
    if p is not None:
        m = re.search(r"应报送月报([\d,]+)份：(.*)", p.text)
        if m:
            due = int(m.group(1).replace(",", ""))
            parts = [int(x.replace(",", "")) for x in re.findall(r"([\d,]+)份", m.group(2))]
            if sum(parts) != due:
                problems.append(f"报送情况: 各类合计{sum(parts)}份，应报送{due}份")
    q = data.quality
    counts = [q.rows_in, q.rows_clean, q.rows_quarantined, q.rows_duplicate]
    if next(iter(bulletin.blocks("processing")), None) is not None and None not in counts \
            and counts[0] != sum(counts[1:]):
        problems.append(f"数据处理: 读入{counts[0]}行 ≠ 采用{counts[1]} + 隔离{counts[2]} + 重复{counts[3]}")
    for tab in bulletin.blocks("quarantine_reasons"):
        per, total = quarantined_rows(data.quarantine)
        for row in tab.rows:
            printed = int(row[2].replace(",", ""))
            want = total if row[1] == "" else int(per.get("" if row[1] == DASH else row[1], 0))
            if printed != want:
                problems.append(f"隔离数据: {row[0]}印为{printed}行，隔离清单为{want}行")
        if q.rows_quarantined != total:
            problems.append(f"隔离数据: 清洗报告隔离{q.rows_quarantined}行，隔离清单涉及{total}行")
    return problems
