"""The index of publications as a page (reports/index.html): offline, Chinese, escaped.

`index_html(entries)` renders what run.index collected from the manifests: per period its
documents, draft or final, cut-off, status counts and every file with its size and SHA-256.
"""

from __future__ import annotations

from typing import Any

from minsheng.catalogue.periods import Month, parse_period
from minsheng.report.export.webpage import environment, status_css
from minsheng.report.format import chinese_numeral, fmt_date
from minsheng.report.labels import labels

KIND_NAMES = {"quarterly_bulletin": "季度通报", "monthly_dispatch": "月度调度",
              "district_bulletin": "区县通报"}


def period_name(label: str) -> str:
    """'2026Q3' → 2026年第三季度; '2026-09' → 2026年9月."""
    p = parse_period(label)
    if isinstance(p, Month):
        return f"{p.year}年{p.month}月"
    return f"{p.year}年第{chinese_numeral(p.quarter)}季度"


def size_text(n: int) -> str:
    return f"{n / 1024:.1f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def index_html(entries: list[dict[str, Any]], failed: list[dict[str, Any]] = ()) -> str:
    import datetime as dt

    rows = []
    for e in entries:
        issued = dt.date.fromisoformat(e["issued_on"]) if e.get("issued_on") else None
        period = parse_period(e["period"])
        rows.append({**e, "kind_name": KIND_NAMES[e["kind"]], "period_name": period_name(e["period"]),
                     "issued_text": fmt_date(issued) if issued else "",
                     "cutoff": f"数据截至{period.year}年{e['month']}月底" if e.get("month") else "",
                     "sizes": {f["name"]: size_text(f["bytes"]) for f in e["files"]}})
    groups = [(name, [r for r in rows if r["kind"] == kind]) for kind, name in KIND_NAMES.items()]
    return environment().get_template("index.html.j2").render(
        groups=[g for g in groups if g[1]], statuses=labels("status"), swatches=status_css(),
        failed=[{**f, "period_name": period_name(f["period"])} for f in failed])
