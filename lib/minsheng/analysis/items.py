"""One item over the year: attainment and roll-ups at a month's end, each indicator's
trajectory, status history and text progress, and its year end at the current pace.

Projection at the current pace (`projection_range`): the numbers — the last three months'
movements, their mean as the pace, the slowest and fastest as the range, the month the target
is reached — come from rules.projection (`pace_projection`, `reach`, `year_end_verdict`); this
module writes the Chinese outlook sentence for each.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from minsheng.analysis.workspace import (
    Workspace,
    _check_month,
    _district_detail,
    _noted,
    _table,
    indicators_of,
)
from minsheng.catalogue.kinds import SCHEDULED_KINDS
from minsheng.report.labels import label
from minsheng.rules import rollup
from minsheng.rules.attainment import attainment
from minsheng.rules.projection import pace_projection, pace_start, reach, year_end_verdict

# ─────────────────────────────────────────────────────────── attainment and roll-ups

def attainment_at(ws: Workspace, month: int, item: int | str | None = None) -> pd.DataFrame:
    """The indicator table at the end of `month` (attainment.attainment_table; the previous
    month's figures mark a cumulative that fell), optionally for one item or indicator.

        attainment_at(ws, 6)                      # every indicator as of June
    """
    table = _table(ws, _check_month(month))
    if item is not None:
        table = table[table["indicator_id"].isin(indicators_of(ws, item))]
    return table.reset_index(drop=True).copy()


@dataclass(frozen=True)
class Rollups:
    """The roll-ups of one month's indicator table (rollup.py)."""

    table: pd.DataFrame             # the indicator table
    items: pd.DataFrame             # rollup.by_item
    units: pd.DataFrame             # rollup.by_unit (jointly responsible units)
    district_detail: pd.DataFrame   # rollup.district_detail
    districts: pd.DataFrame         # rollup.by_district (ranked)


def rollups(ws: Workspace, month: int) -> Rollups:
    """Item, unit and district roll-ups at the end of `month`, as the bulletin computes them.

        r = rollups(ws, 9); r.items, r.units, r.districts
    """
    table = attainment_at(ws, month)
    detail = _district_detail(ws, month)
    return Rollups(table, rollup.by_item(table), rollup.by_unit(table), detail, rollup.by_district(detail))


# ─────────────────────────────────────────────────────────── one indicator over the year

def _target_in_units(row: pd.Series | dict) -> float:
    """The annual target in the figure's own unit (a directional target as a value).

    A directional target's catalogue unit (%) is that of the change against the baseline;
    its figure, baseline and target-as-a-value are in the unit reported (元/案), which the
    catalogue does not record: tables leave the unit blank for them.
    """
    if row["kind"] == "directional":
        base = row["baseline"]
        return float(base * (1 + row["target_value"] / 100)) if pd.notna(base) else math.nan
    return float(row["target_value"])


def _expected_value(row: pd.Series | dict) -> float:
    """The figure due on schedule: 序时进度 × target, or a level's baseline + share × distance."""
    kind, exp, target, base = row["kind"], row["expected"], row["target_value"], row["baseline"]
    if kind == "level":
        return float(base + exp * (target - base)) if pd.notna(base) else math.nan
    if kind == "directional":
        return _target_in_units(row)
    return float(exp * target)


_TRAJECTORY_COLUMNS = ["indicator_id", "indicator", "unit", "kind", "month", "data_month", "value",
                       "expected_value", "target", "expected", "attainment", "gap_points", "status"]


def trajectory(ws: Workspace, item: int | str, through_month: int | None = None) -> pd.DataFrame:
    """Month by month (1 … `through_month`, default the latest), per indicator: the city figure,
    the figure due on schedule (expected_value), the target in the figure's unit, attainment,
    序时进度, gap and status, each as the indicator table had it at that month's end.

        trajectory(ws, "MS01-01", 9)
    """
    through = _check_month(through_month or ws.latest_month, "through_month")
    ids = indicators_of(ws, item)
    parts = []
    for m in range(1, through + 1):
        t = _table(ws, m)
        parts.append(t[t["indicator_id"].isin(ids)])
    out = pd.concat(parts, ignore_index=True)
    out["expected_value"] = [round(_expected_value(r), 6) for r in out.to_dict("records")]
    out["target"] = [round(_target_in_units(r), 6) for r in out.to_dict("records")]
    out["unit"] = out["unit"].where(out["kind"] != "directional", "")   # see _target_in_units
    order = {iid: i for i, iid in enumerate(ids)}
    out = out.sort_values(["indicator_id", "month"], key=lambda s: s.map(order) if s.name ==
                          "indicator_id" else s).reset_index(drop=True)
    return out[_TRAJECTORY_COLUMNS]


def status_history(ws: Workspace, item: int | str, months: Iterable[int]) -> pd.DataFrame:
    """Status code per indicator (rows) and month (columns, as integers).

        zh(status_history(ws, 1, range(1, 10)))
    """
    months = [_check_month(m) for m in months]
    ids = indicators_of(ws, item)
    out = ws.catalogue.indicators.loc[ids, ["indicator_id", "indicator"]].reset_index(drop=True)
    for m in months:
        status = _table(ws, m).set_index("indicator_id")["status"]
        out[m] = status.reindex(ids).astype(str).to_numpy()
    return out


def progress_notes(ws: Workspace, item: int | str, month: int) -> pd.DataFrame:
    """The progress reported as text (进展情况, 备注) of each indicator with any, as of the end
    of `month` (districts' distinct texts joined with "；"): the only record of indicators
    reported in words.

        zh(progress_notes(ws, "MS02-05", 9))
    """
    t = attainment_at(ws, month, item)
    t = t[t["progress_text"].notna() | t["remark"].notna()]
    cols = ["indicator_id", "indicator", "data_month", "value", "progress_text", "remark"]
    return _noted(t[cols].reset_index(drop=True),
                  f"截至{month}月没有文字进展 / no progress reported as text up to month {month}")


# ─────────────────────────────────────────────────────────── year end at the current pace

_PROJECTION_COLUMNS = ["indicator_id", "indicator", "unit", "kind", "data_month", "value", "target",
                       "recent_monthly", "year_end", "year_end_low", "year_end_high",
                       "year_end_attainment", "bulletin_year_end", "bulletin_projection", "reach_month",
                       "outlook"]


def projection_range(ws: Workspace, item: int | str, month: int) -> pd.DataFrame:
    """Year-end figure at the current pace with a plausible range, and when the target is
    reached, per indicator, as of the end of `month`.

    Method: the last three months up to the data month repeat until December
    (rules.projection).
    year_end is at their mean movement, year_end_low / _high at the slowest / fastest;
    recent_monthly is that mean (a monthly increment, or a month's own average for daily
    averages and directional rates). reach_month: the month the target is met at the mean
    pace (the month it was met, when already met; 12 for targets judged at year end when the
    projection meets them); missing when not this year — outlook says why, in Chinese.
    bulletin_year_end and projection are the bulletin's (schedule-adjusted) figure and class.

        zh(projection_range(ws, "MS01-01", 9))
    """
    month = _check_month(month)
    ids = indicators_of(ws, item)
    table = _table(ws, month).set_index("indicator_id")
    rows = []
    for iid in ids:
        r = table.loc[iid]
        out = {"indicator_id": iid, "indicator": r["indicator"], "kind": r["kind"],
               "unit": "" if r["kind"] == "directional" else r["unit"],   # _target_in_units
               "data_month": r["data_month"], "value": r["value"], "target": _target_in_units(r),
               "recent_monthly": math.nan, "year_end": math.nan, "year_end_low": math.nan,
               "year_end_high": math.nan, "year_end_attainment": math.nan,
               "bulletin_year_end": r["projected_value"],
               "bulletin_projection": label("projection", r["projection"]),
               "reach_month": pd.NA, "outlook": ""}
        rows.append(out)
        if pd.isna(r["value"]):
            text = r["progress_text"]
            out["outlook"] = ("仅报送文字进展，无法按数值预测：" + str(text)
                              if pd.notna(text) else "未报送")
            continue
        d = int(r["data_month"])
        values = {m: float(_table(ws, m).set_index("indicator_id").at[iid, "value"])
                  for m in range(1, d + 1)}
        pace = pace_projection(r["kind"], values, pace_start(r["kind"], r["baseline"]), d, ws.year)
        if pace is None:
            out["outlook"] = "近期数据不足，无法按进度外推"
            continue
        out["recent_monthly"] = round(pace.pace, 2)
        out["year_end"] = round(pace.year_end, 2)
        out["year_end_low"], out["year_end_high"] = round(pace.low, 2), round(pace.high, 2)
        one = pd.DataFrame([{**r.to_dict(), "value": out["year_end"]}])
        out["year_end_attainment"] = float(attainment(one).iloc[0])
        out["reach_month"], out["outlook"] = _reach(ws, iid, r, values[d], d, pace.pace, out)
    frame = pd.DataFrame(rows, columns=_PROJECTION_COLUMNS)
    frame["data_month"] = frame["data_month"].astype("Int64")
    frame["reach_month"] = frame["reach_month"].astype("Int64")
    return frame


def _reach(ws: Workspace, iid: str, r: pd.Series, now: float, d: int, pace: float,
           out: dict) -> tuple[Any, str]:
    """(reach month or NA, outlook text) for one indicator."""
    cmp_ = r["comparator"]
    if r["kind"] not in SCHEDULED_KINDS:
        ok, change = year_end_verdict(r["kind"], out["year_end"], r["baseline"], cmp_,
                                      r["target_value"])
        said = "" if pd.isna(change) else f"较基数变化{change:+.1f}%，"
        return (12, f"年底评定：按近三月水平预计{said}达标") if ok else (
            pd.NA, f"年底评定：按近三月水平预计{said}不达标")
    if bool(r["reached"]):
        first = next(m for m in range(1, int(r["month"]) + 1)
                     if bool(_table(ws, m).set_index("indicator_id").at[iid, "reached"]))
        return first, f"已于{first}月完成全年目标"
    month, code = reach(now, pace, float(r["target_value"]), cmp_, d)
    if code == "stalled":
        return pd.NA, "近三月无进展，按此进度年内无法完成"
    if code == "this_year":
        return month, f"按近三月进度，预计{month}月完成全年目标"
    later = f"约需至次年{month - 12}月" if code == "next_year" else "约需一年以上"
    return pd.NA, f"按近三月进度，本年内无法完成（{later}）"
