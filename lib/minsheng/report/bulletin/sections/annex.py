"""附表: every indicator in one wide table (附表1) and the quarantined rows (附表2)."""

from __future__ import annotations

import pandas as pd

from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.document import Section, Table
from minsheng.report.bulletin.sections import indicator_row
from minsheng.report.format import DASH, clean_text, fmt_count
from minsheng.report.format import is_missing as _missing
from minsheng.report.labels import labels

COLUMNS = ("编号", "项目", *indicator_row.COLUMNS, "年底预测", "填报单位")
# Rows of quarantined data printed in 附表2; the XLSX always carries them all.
QUARANTINE_PRINT_LIMIT = 200


def annex_section(data: BulletinData) -> Section:
    subs = (_quarantine(data.quarantine),) if len(data.quarantine) else ()
    return Section("annex", "附表", (_indicators(data),), subsections=subs, wide=True)


def _indicators(data: BulletinData) -> Table:
    t = data.table
    proj_labels = labels("projection")
    rows = tuple((r["indicator_id"], f"{r['item_no']}.{r['item_name']}",
                  *indicator_row.cells(r, data.month),
                  proj_labels.get(str(r["projection"]), DASH), r["reporting_unit"])
                 for r in t.to_dict("records"))
    return Table(COLUMNS, rows, caption="附表1 重点民生实事指标完成情况明细",
                 keys=tuple(t["indicator_id"]), statuses=tuple(t["status"].astype(str)),
                 status_column=8, numeric=(5, 6, 7), role="annex", wide=True)


def _quarantine(qr: pd.DataFrame) -> Section:
    shown = qr.head(QUARANTINE_PRINT_LIMIT)
    rows = tuple(tuple(DASH if _missing(v) else (clean_text(v) or "")
                       for v in (r["file"], r["sheet"], r["row"], r["column"], r["raw_value"],
                                 r["reason"])) for r in shown.to_dict("records"))
    more = (f"（共{fmt_count(len(qr))}行，此处列前{fmt_count(len(shown))}行，完整清单见Excel表）"
            if len(qr) > len(shown) else "")
    table = Table(("文件", "工作表", "行", "列", "原值", "原因"), rows,
                  caption=f"附表2 隔离数据明细{more}", numeric=(2,), wide=True)
    return Section("annex-quarantine", "附表2 隔离数据明细", (table,), level=2)

