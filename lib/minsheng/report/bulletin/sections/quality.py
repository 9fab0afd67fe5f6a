"""五、数据质量说明: returns due and received, indicators without figures or with old ones,
how the submissions were processed, data to verify, and the quarantined rows by reason."""

from __future__ import annotations

from minsheng.contracts.quality import QualityReport
from minsheng.report.bulletin.counts import quarantined_rows
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.document import Block, BulletList, Paragraph, Section, Table
from minsheng.report.bulletin.sections.numbering import Numbering
from minsheng.report.format import DASH, clean_text, fmt_count
from minsheng.report.labels import label, labels
from minsheng.report.text import indicator_name


def quality_section(data: BulletinData, numbering: Numbering) -> Section:
    blocks: list[Block] = []
    blocks += _returns(data, numbering)
    blocks += _no_data(data)
    blocks += _stale(data)
    blocks += _processing(data.quality, numbering)
    blocks += _warnings(data.quality, numbering)
    blocks += _quarantine(data, numbering)
    return Section("quality", "五、数据质量说明", tuple(blocks))


def _returns(data: BulletinData, numbering: Numbering) -> list[Block]:
    """The monthly returns due this quarter by how they came in, and those not on time."""
    months = range(data.month - 2, data.month + 1)
    words = labels("submission")
    subs = [s for s in data.quality.submissions.by_unit
            if s.month_no in months and s.year_no == data.year]
    n = {k: sum(s.status == k for s in subs) for k in words}
    parts = [f"{words[k]}{fmt_count(n[k])}份" for k in words if n[k] or k != "undated"]
    blocks: list[Block] = [Paragraph(
        f"报送情况：本季度（{months[0]}—{months[-1]}月）各填报单位应报送月报"
        f"{fmt_count(len(subs))}份：" + "，".join(parts) + "。", role="submissions")]
    bad = sorted((s for s in subs if s.status != "on_time"),
                 key=lambda s: (s.month_no, s.status != "missing", s.reporting_unit))
    if bad:
        blocks.append(Table(("月份", "单位", "情况", "报送日期"),
                            tuple((f"{s.month_no}月", s.reporting_unit, words[s.status],
                                   s.submitted_on or DASH) for s in bad),
                            caption=f"表{numbering.table()} 未按时报送的月报"))
    return blocks


def _no_data(data: BulletinData) -> list[Block]:
    t = data.table
    none = t[(t["status"] == "no_data")]
    if not len(none):
        return []
    entries = []
    for r in none.to_dict("records"):
        has_text = clean_text(r["progress_text"]) is not None
        entries.append(f"{indicator_name(r)}（{r['reporting_unit']}）"
                       + ("：仅报送文字进展" if has_text else ""))
    return [Paragraph(f"截至{data.month}月底无数值的指标{fmt_count(len(none))}项"
                      "（括号内为填报单位）："),
            BulletList(tuple(entries), role="no_data", ordered=False)]


def _stale(data: BulletinData) -> list[Block]:
    """Indicators whose latest figure is from an earlier month (carried forward)."""
    t = data.table
    stale = t[t["data_month"].notna() & (t["data_month"].astype("float") < data.month)]
    if not len(stale):
        return []
    return [Paragraph(
        f"{fmt_count(len(stale))}项指标{data.month}月未更新数据，沿用此前月份数据："
        + "；".join(f"{indicator_name(r)}（{int(r['data_month'])}月，{r['reporting_unit']}）"
                   for r in stale.to_dict("records")) + "。")]


def _processing(q: QualityReport, numbering: Numbering) -> list[Block]:
    """Files and rows read, and what became of them; the rejected files."""
    rejected = q.files_rejected
    skipped = "、".join(f"{label('skipped', k)}{fmt_count(v)}行" for k, v in q.rows_skipped.items()
                       if v)
    skipped = f"（另略过{skipped}）" if skipped else ""
    blocks: list[Block] = [Paragraph(
        f"数据处理：读取报送文件{fmt_count(q.files_read)}个，拒收{fmt_count(len(rejected))}个；"
        f"读入数据{fmt_count(q.rows_in)}行，其中采用{fmt_count(q.rows_clean)}行，"
        f"隔离{fmt_count(q.rows_quarantined)}行，重复{fmt_count(q.rows_duplicate)}行{skipped}；"
        f"同一指标、区县、月份的后报数据替代先报数据{fmt_count(q.revisions_applied)}条。",
        role="processing")]
    if rejected:
        blocks.append(Table(("文件", "拒收原因"), tuple((r.file, r.reason) for r in rejected),
                            caption=f"表{numbering.table()} 拒收的文件"))
    return blocks


def _warnings(q: QualityReport, numbering: Numbering) -> list[Block]:
    """Data taken in but flagged for the reporting unit to verify, per check."""
    warnings = {k: v for k, v in sorted(q.warnings.items()) if v}
    if not warnings:
        return []
    return [Paragraph("以下数据已采用，但需填报单位核实："),
            Table(("说明", "代码", "行数"),
                  tuple((label("check", k), k, fmt_count(v)) for k, v in warnings.items()),
                  caption=f"表{numbering.table()} 需核实的数据", numeric=(2,))]


def _quarantine(data: BulletinData, numbering: Numbering) -> list[Block]:
    """Quarantined rows per reason, with their distinct total (the rows are in 附表2)."""
    qr = data.quarantine
    if not len(qr):
        return []
    per, total = quarantined_rows(qr)
    rows = [(label("check", code) if code else DASH, code or DASH, fmt_count(k))
            for code, k in per.items()]
    rows.append(("合计（一行可涉及多个原因）", "", fmt_count(total)))
    return [Paragraph(f"隔离数据{fmt_count(total)}行（{fmt_count(len(qr))}处问题）未计入统计，"
                      "按原因分列如下（明细见附表2，请有关单位核实后重报）："),
            Table(("原因", "代码", "行数"), tuple(rows),
                  caption=f"表{numbering.table()} 隔离数据按原因统计", numeric=(2,),
                  role="quarantine_reasons")]
