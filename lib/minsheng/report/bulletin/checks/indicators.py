"""The check of indicator rows wherever printed (the item tables and 附表1): attainment
recomputed from value, target and baseline; 序时进度; the gap; the status label."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from minsheng.catalogue.kinds import meets_one
from minsheng.report.bulletin.checks.printed import TOL_DIFF, TOL_PCT, num, pct
from minsheng.report.bulletin.counts import status_label
from minsheng.report.bulletin.document import Bulletin, Table
from minsheng.report.format import DASH
from minsheng.report.format import is_missing as _missing

ROLES = ("indicators", "annex")


def recomputed_attainment(r: Mapping[str, Any]) -> float:
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


def check_indicator_rows(bulletin: Bulletin) -> list[str]:
    by_id = bulletin.data.table.set_index("indicator_id")
    problems: list[str] = []
    for tab in bulletin.blocks():
        if not isinstance(tab, Table) or "完成率" not in tab.columns or not tab.keys:
            continue
        if tab.role not in ROLES:
            continue
        for key, row in zip(tab.keys, tab.rows, strict=True):
            problems += _row(tab, key, row, by_id.loc[key])
    return problems


def _row(tab: Table, key: str, row: tuple[str, ...], r: Mapping[str, Any]) -> list[str]:
    ia, ie, ig = (tab.columns.index(c) for c in ("完成率", "序时进度", "差距（百分点）"))
    got, expected, gap = row[ia], row[ie], row[ig]
    problems = _attainment(key, got, recomputed_attainment(r))
    e = pct(expected)
    if e is None or abs(e - r["expected"] * 100) > TOL_PCT:
        problems.append(f"{key}: 序时进度印为{expected}，应为{r['expected'] * 100:.2f}%")
    problems += _gap(key, got, e, gap)
    ist = tab.status_column
    if ist is not None and row[ist] != status_label(r["status"]):
        problems.append(f"{key}: 状态印为{row[ist]}，应为{status_label(r['status'])}")
    return problems


def _attainment(key: str, got: str, want: float) -> list[str]:
    """The printed cell: 达到/未达到 (directional), a dash (unknown) or a percent."""
    if got in ("达到", "未达到"):
        if _missing(want) or (got == "达到") != (want >= 1):
            return [f"{key}: 完成情况印为{got}，按数据应为{want}"]
    elif got == DASH:
        if not _missing(want):
            return [f"{key}: 完成率未印出，按数据为{want * 100:.2f}%"]
    else:
        g = pct(got)
        if g is None or _missing(want) or abs(g - want * 100) > TOL_PCT:
            return [f"{key}: 完成率印为{got}，按数据为{want * 100:.2f}%"]
    return []


def _gap(key: str, got: str, e: float | None, printed: str) -> list[str]:
    """The printed gap is the printed attainment minus the printed 序时进度."""
    gap = num(printed) if printed != DASH else None
    a_val = (100.0 if got == "达到" else 0.0) if got in ("达到", "未达到") else pct(got)
    if gap is not None and a_val is not None and e is not None:
        if abs(gap - (a_val - e)) > TOL_DIFF:
            return [f"{key}: 差距印为{printed}，{a_val} − {e} = {a_val - e:.1f}"]
    return []
