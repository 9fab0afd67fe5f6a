"""The quality report and the quarantine as people read them: a summary, counts, reasons."""

from __future__ import annotations

import pandas as pd

from minsheng.contracts.checks import QUARANTINE_CODES, reason
from minsheng.contracts.quality import QualityReport


def summary_lines(q: QualityReport) -> list[str]:
    """A short Chinese summary for the command line and notebooks."""
    lines = [
        f"读取文件 {q.files_read} 个，拒收 {len(q.files_rejected)} 个",
        f"输入行 {q.rows_in:,}：入账 {q.rows_clean:,}，隔离 {q.rows_quarantined:,}，"
        f"重复 {q.rows_duplicate:,}；修订 {q.revisions_applied:,}；台账 {q.ledger_rows:,} 行",
    ]
    for rej in q.files_rejected:
        lines.append(f"  拒收 {rej.file}：{rej.reason}")
    if q.quarantine_by_code:
        short = {c: reason(c).split("（")[0].split("，")[0] for c in QUARANTINE_CODES}
        lines.append("隔离原因（行）：" + "；".join(f"{short[c]} {k}"
                                             for c, k in q.quarantine_by_code.items()))
    return lines


def quality_table(q: QualityReport) -> pd.DataFrame:
    """The quality summary as a two-column table (项目, 数量) for notebooks and reports."""
    skipped = q.rows_skipped
    rows = [
        ("读取文件", q.files_read),
        ("拒收文件", len(q.files_rejected)),
        ("输入行", q.rows_in),
        ("入账行（含被修订）", q.rows_clean),
        ("隔离行", q.rows_quarantined),
        ("重复行", q.rows_duplicate),
        ("被后报数据替代", q.revisions_applied),
        ("台账行", q.ledger_rows),
        ("空行（不计入输入）", skipped["blank"]),
        ("表注、说明行（不计入输入）", skipped["note"]),
        ("合计行（不计入输入）", skipped["total"]),
        ("未填报的模板行（不计入输入）", skipped["unfilled"]),
    ]
    return pd.DataFrame(rows, columns=["项目", "数量"])


def quarantine_counts(quarantine: pd.DataFrame) -> pd.DataFrame:
    """Quarantined rows and cells per reason, in CHECKS order."""
    columns = ["reason_code", "reason", "rows", "cells"]
    if not len(quarantine):
        return pd.DataFrame(columns=columns)
    rows = quarantine.drop_duplicates(["file", "sheet", "row", "reason_code"])["reason_code"].value_counts()
    cells = quarantine["reason_code"].value_counts()
    reasons = quarantine.drop_duplicates("reason_code").set_index("reason_code")["reason"]
    out = [(c, reasons[c], int(rows[c]), int(cells[c])) for c in QUARANTINE_CODES if c in cells]
    return pd.DataFrame(out, columns=columns)


