"""The analyst API: why an item is behind, which districts hold it back, when it will reach
its target at the current pace, and which unit's reports are unreliable.

`load` reads a cleaning output folder once into a `Workspace`; every other function is a
pure function of that workspace (and a month), returning a pandas frame with English column
names. `zh` turns any of those frames into the Chinese table people read; `show` displays a
chart in a notebook as a PNG with no text output. Where an item has nothing to show (no
district indicators, only text reported, no report yet), functions return an empty frame
whose note `zh` prints instead.

    ws = load(2026, "data/reference/clean")
    zh(holding_back(ws, "MS01-01", month=9))      # the districts furthest behind on lifts
    zh(projection_range(ws, 1, month=9))         # item 1's year end at the current pace

`item` arguments take an item number (1) — all of its indicators — or an indicator id
("MS01-01") — that indicator only.

Projection at the current pace (`projection_range`): the rest of the year repeats the last
three months. The monthly movements of the city figure in the three months up to its data
month d (cumulative increments, a correction downwards counting as 0; changes of a level;
for a year-to-date average, each month's own average, weighted by days for a daily average)
give the central pace (their mean) and the plausible range (the slowest and the fastest of
them), run forward from d to December. A month without a new report moves nothing, so a
unit that reports quarterly gets the same mean but a wider range. Deterministic: the same
ledger gives the same range.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from minsheng.catalogue import Catalogue, load_catalogue
from minsheng.catalogue import districts as district_list
from minsheng.catalogue.calendar import days_through, return_due
from minsheng.catalogue.districts import CITYWIDE
from minsheng.catalogue.ids import ID_PATTERN, normalize_indicator_id
from minsheng.catalogue.kinds import ADDITIVE_KINDS, SCHEDULED_KINDS, meets_one
from minsheng.contracts import store
from minsheng.contracts.checks import QUARANTINE_COLUMNS
from minsheng.contracts.quality import QualityReport
from minsheng.report import columns, fonts
from minsheng.report.charts import (
    district_ranking,
    show,  # noqa: F401  (re-exported: the analyst API draws with it)
)
from minsheng.report.format import fmt_percent, fmt_points
from minsheng.report.labels import label, labels
from minsheng.rules import rollup
from minsheng.rules.attainment import attainment, table_at

# Quarantine codes raised on the 指标编号 cell itself (its raw value is the code).
_CODE_CHECKS = ("CODE_MISSING", "CODE_UNKNOWN")
WINDOW = 3          # months of movement behind the pace of `projection_range`


# ─────────────────────────────────────────────────────────── the workspace

@dataclass(frozen=True, eq=False)
class Workspace:
    """A year's catalogue and one cleaning run's outputs, read once by `load`.

    ledger: one row per indicator × district × month (ledger.py's contract);
    history: every accepted row, revisions included (`superseded` True when replaced);
    quarantine: one line per rejected cell (file, sheet, row, column, raw_value, reason_code,
    reason); quality: the cleaner's quality.json.
    """

    year: int
    catalogue: Catalogue
    ledger: pd.DataFrame
    history: pd.DataFrame
    quarantine: pd.DataFrame
    quality: QualityReport
    # Indicator tables per month, computed once (each takes ~0.1 s on a year of data).
    _tables: dict[int, pd.DataFrame] = field(default_factory=dict, init=False, repr=False)

    @property
    def latest_month(self) -> int:
        """The last month with any figure in the ledger (1 when the ledger is empty)."""
        months = self.ledger.loc[self.ledger["year"] == self.year, "month"]
        return int(months.max()) if len(months) else 1

    def __repr__(self) -> str:
        return (f"Workspace({self.year}: {len(self.catalogue.indicators)} indicators, "
                f"ledger {len(self.ledger):,} rows, data to month {self.latest_month})")


def load(year: int, clean_dir: str | Path, catalogue: Catalogue | str | Path | None = None) -> Workspace:
    """Read the catalogue of `year` and a cleaning output folder into a Workspace.

    `catalogue` overrides data/targets/<year>.yaml (a Catalogue or a YAML path).

        ws = load(2026, "data/reference/clean")
    """
    if not isinstance(catalogue, Catalogue):
        catalogue = load_catalogue(year, path=catalogue)
    out = store.read(Path(clean_dir))
    return Workspace(int(year), catalogue, out.ledger, out.history, out.quarantine, out.quality)


# ─────────────────────────────────────────────────────────── what an argument names

def indicators_of(ws: Workspace, item: int | str | None = None) -> list[str]:
    """Indicator ids named by `item`: an item number → its indicators, an indicator id → itself,
    None → all, in catalogue order.

        indicators_of(ws, 1)          # ['MS01-01', …, 'MS01-06']
    """
    ind = ws.catalogue.indicators
    if item is None:
        return list(ind.index)
    if isinstance(item, str):
        if item not in ind.index:
            raise ValueError(f"目录中没有指标 {item} / no indicator {item} in the {ws.year} catalogue")
        return [item]
    if isinstance(item, int | np.integer) and not isinstance(item, bool):
        ids = list(ind.index[ind["item_no"] == int(item)])
        if not ids:
            raise ValueError(f"目录中没有第 {item} 项 / no item {item} in the {ws.year} catalogue")
        return ids
    raise TypeError(f"item must be an item number or an indicator id, got {item!r}")


def item_of(ws: Workspace, item: int | str) -> int:
    """The item number of an item number or an indicator id.

        item_of(ws, "MS01-01")        # 1
    """
    return int(ws.catalogue.indicators.loc[indicators_of(ws, item)[0], "item_no"])


def reporting_units(ws: Workspace, item: int | str | None = None) -> list[str]:
    """The units that report the indicators named by `item`, in catalogue order.

        reporting_units(ws, 1)        # ['市住房城乡建设委', '市城市管理局']
    """
    units = ws.catalogue.indicators.loc[indicators_of(ws, item), "reporting_unit"]
    return list(dict.fromkeys(units))


def about(ws: Workspace, item: int | str | None = None) -> str:
    """A few lines on the workspace, or on one item: name, units, indicators, data.

        print(about(ws, 1))
    """
    ind = ws.catalogue.indicators
    led = ws.ledger[ws.ledger["year"] == ws.year]
    if item is None:
        months = sorted(led["month"].unique())
        span = f"{months[0]}–{months[-1]} 月" if months else "无"
        return "\n".join([
            f"{ws.catalogue.title}（{ws.catalogue.notice}）",
            f"目标清单 / catalogue: {ind['item_no'].nunique()} 个项目 items, {len(ind)} 项指标 indicators",
            f"台账 / ledger: {len(led):,} 行 rows, 月份 months {span}；"
            f"历史 / history: {len(ws.history):,} 行；隔离 / quarantined: "
            f"{len(ws.quarantine[QUARANTINE_COLUMNS[:3]].drop_duplicates()):,} 行",
        ])
    ids = indicators_of(ws, item)
    no = item_of(ws, item)
    rows = ind.loc[ids]
    first = ind[ind["item_no"] == no].iloc[0]
    with_data = led.loc[led["indicator_id"].isin(ids), "indicator_id"].nunique()
    scope = "" if isinstance(item, int | np.integer) else f"（聚焦指标 / focus: {ids[0]} {rows.iloc[0]['indicator']}）"
    return "\n".join([
        f"第{no}项 / item {no}：{first['item_name']}{scope}",
        f"责任单位 / responsible units：{first['responsible_units']}",
        f"填报单位 / reporting units：{'、'.join(reporting_units(ws, item))}",
        f"指标 / indicators：{len(rows)} 项，其中分区县 {int(rows['by_district'].sum())} 项，"
        f"有报送 {with_data} 项",
    ])


def _check_month(month: int, name: str = "month") -> int:
    if isinstance(month, bool) or not isinstance(month, int | np.integer) or not 1 <= month <= 12:
        raise ValueError(f"{name} must be a month 1–12, got {month!r}")
    return int(month)


def _noted(frame: pd.DataFrame, note: str) -> pd.DataFrame:
    """`frame` carrying the sentence `zh` prints when it has no rows."""
    frame.attrs["note"] = note
    return frame


# ─────────────────────────────────────────────────────────── attainment and roll-ups

def _table(ws: Workspace, month: int) -> pd.DataFrame:
    if month not in ws._tables:
        ws._tables[month] = table_at(ws.catalogue, ws.ledger, ws.year, month)
    return ws._tables[month]


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


def _district_detail(ws: Workspace, month: int) -> pd.DataFrame:
    expected = _table(ws, month).set_index("indicator_id")["expected"]
    return rollup.district_detail(ws.catalogue.indicators, ws.ledger, ws.year, month, expected)


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


def _movements(kind: str, values: dict[int, float], start: float, d: int, year: int
               ) -> tuple[list[float], Any]:
    """The last WINDOW months' movements up to data month `d`, and the year-end figure as a
    function of a monthly pace (see the module docstring)."""
    series = {0: start, **values}
    window = range(max(1, d - WINDOW + 1), d + 1)
    if kind in ("daily_average", "directional"):
        # A year-to-date average: total = average × weight to date; each month's own figure.
        def weight(m: int) -> float:
            return float(days_through(year, m)) if kind == "daily_average" else float(m)
        total = {m: v * weight(m) for m, v in series.items() if m > 0 and pd.notna(v)}
        total[0] = 0.0
        own = [(total[m] - total[m - 1]) / (weight(m) - weight(m - 1))
               for m in window if m in total and m - 1 in total]
        end_weight = weight(12)
        return own, lambda pace: (total[d] + pace * (end_weight - weight(d))) / end_weight
    moves = [series[m] - series[m - 1] for m in window
             if pd.notna(series.get(m)) and pd.notna(series.get(m - 1))]
    if kind in ADDITIVE_KINDS:   # a correction downwards is not a pace
        moves = [max(x, 0.0) for x in moves]
    return moves, lambda pace: values[d] + pace * (12 - d)


_PROJECTION_COLUMNS = ["indicator_id", "indicator", "unit", "kind", "data_month", "value", "target",
                       "recent_monthly", "year_end", "year_end_low", "year_end_high",
                       "year_end_attainment", "bulletin_year_end", "bulletin_projection", "reach_month",
                       "outlook"]


def projection_range(ws: Workspace, item: int | str, month: int) -> pd.DataFrame:
    """Year-end figure at the current pace with a plausible range, and when the target is
    reached, per indicator, as of the end of `month`.

    Method: the last three months up to the data month repeat until December (module
    docstring).
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
        start = 0.0 if r["kind"] in ADDITIVE_KINDS else (
            float(r["baseline"]) if r["kind"] == "level" and pd.notna(r["baseline"]) else math.nan)
        moves, year_end = _movements(r["kind"], values, start, d, ws.year)
        if not moves:
            out["outlook"] = "近期数据不足，无法按进度外推"
            continue
        pace = float(np.mean(moves))
        out["recent_monthly"] = round(pace, 2)
        out["year_end"] = round(year_end(pace), 2)
        ends = sorted([year_end(min(moves)), year_end(max(moves))])
        out["year_end_low"], out["year_end_high"] = round(ends[0], 2), round(ends[1], 2)
        one = pd.DataFrame([{**r.to_dict(), "value": out["year_end"]}])
        out["year_end_attainment"] = float(attainment(one).iloc[0])
        out["reach_month"], out["outlook"] = _reach(ws, iid, r, values[d], d, pace, out)
    frame = pd.DataFrame(rows, columns=_PROJECTION_COLUMNS)
    frame["data_month"] = frame["data_month"].astype("Int64")
    frame["reach_month"] = frame["reach_month"].astype("Int64")
    return frame


def _reach(ws: Workspace, iid: str, r: pd.Series, now: float, d: int, pace: float,
           out: dict) -> tuple[Any, str]:
    """(reach month or NA, outlook text) for one indicator."""
    cmp_ = r["comparator"]
    if r["kind"] not in SCHEDULED_KINDS:
        said = ""
        if r["kind"] == "directional":
            base = r["baseline"]
            change = (out["year_end"] - base) / abs(base) * 100 if pd.notna(base) and base else math.nan
            ok = meets_one(change, cmp_, r["target_value"])
            said = "" if pd.isna(change) else f"较基数变化{change:+.1f}%，"
        else:
            ok = meets_one(out["year_end"], cmp_, r["target_value"])
        return (12, f"年底评定：按近三月水平预计{said}达标") if ok else (
            pd.NA, f"年底评定：按近三月水平预计{said}不达标")
    if bool(r["reached"]):
        first = next(m for m in range(1, int(r["month"]) + 1)
                     if bool(_table(ws, m).set_index("indicator_id").at[iid, "reached"]))
        return first, f"已于{first}月完成全年目标"
    target = float(r["target_value"])
    if pace <= 0:
        return pd.NA, "近三月无进展，按此进度年内无法完成"
    k = max(1, math.ceil((target - now) / pace - 1e-9))
    while not meets_one(now + pace * k, cmp_, target):
        k += 1
    reach = d + k
    if reach <= 12:
        return reach, f"按近三月进度，预计{reach}月完成全年目标"
    later = f"约需至次年{reach - 12}月" if reach <= 24 else "约需一年以上"
    return pd.NA, f"按近三月进度，本年内无法完成（{later}）"


# ─────────────────────────────────────────────────────────── districts

_BREAKDOWN_COLUMNS = ["indicator_id", "indicator", "unit", "rank", "district", "data_month", "value",
                      "district_target", "expected_value", "shortfall", "attainment", "expected",
                      "gap_points"]


def district_breakdown(ws: Workspace, item: int | str, month: int) -> pd.DataFrame:
    """Per district-reported indicator × district, at the end of `month`: figure, allotted task
    (年度任务), the figure due on schedule, shortfall (due − done; negative when ahead),
    attainment, gap and rank within the indicator (1 = highest attainment; districts without
    an allotted task are not ranked). Additive kinds only, as in the bulletin.

        district_breakdown(ws, "MS01-01", 9)
    """
    month = _check_month(month)
    ids = indicators_of(ws, item)
    detail = _district_detail(ws, month)
    d = detail[detail["indicator_id"].isin(ids)].copy()
    d["expected_value"] = (d["expected"] * d["district_target"]).round(4)
    d["shortfall"] = (d["expected_value"] - d["value"]).round(4)
    order = district_list.order()
    d["_ind"] = d["indicator_id"].map({iid: i for i, iid in enumerate(ids)})
    d["_dist"] = d["district"].map(order)
    d = d.sort_values(["_ind", "attainment", "_dist"], ascending=[True, False, True],
                      na_position="last")
    d["rank"] = (d.groupby("indicator_id").cumcount() + 1).astype("Int64").where(
        d["attainment"].notna())
    out = d[_BREAKDOWN_COLUMNS].reset_index(drop=True)
    by_district = ws.catalogue.indicators.loc[ids, "by_district"].any()
    return _noted(out, f"截至{month}月没有区县报送的数值 / no district figures up to month {month}"
                  if by_district else "这些指标只报全市数 / these indicators are reported city-wide only")


def holding_back(ws: Workspace, item: int | str, month: int, n: int = 5) -> pd.DataFrame:
    """The `n` districts furthest behind schedule per indicator, by shortfall in the
    indicator's unit (what the city misses because of them), with each one's share of the
    shortfall of all districts behind.

        holding_back(ws, "MS01-01", 9, n=5)
    """
    b = district_breakdown(ws, item, month)
    note = b.attrs.get("note", "")
    behind = b[b["shortfall"] > 0].copy()
    behind["share_of_shortfall"] = behind["shortfall"] / behind.groupby("indicator_id")[
        "shortfall"].transform("sum")
    behind["_ind"] = behind["indicator_id"].map(
        {iid: i for i, iid in enumerate(indicators_of(ws, item))})
    behind["_dist"] = behind["district"].map(district_list.order())
    behind = behind.sort_values(["_ind", "shortfall", "_dist"], ascending=[True, False, True])
    out = behind.groupby("indicator_id", sort=False).head(n)
    cols = ["indicator_id", "indicator", "unit", "district", "rank", "value", "district_target",
            "expected_value", "shortfall", "share_of_shortfall", "attainment", "gap_points"]
    return _noted(out[cols].reset_index(drop=True),
                  note if not len(b) else "没有落后于序时进度的区县 / no district is behind schedule")


def district_summary(ws: Workspace, item: int | str, month: int) -> pd.DataFrame:
    """Districts ranked over the district-reported indicators of `item` (rollup.by_district:
    mean capped attainment, mean gap, indicators behind), then each indicator's attainment
    in that district (one column per indicator id). Feeds charts.district_ranking.

        zh(district_summary(ws, 1, 9))
    """
    month = _check_month(month)
    breakdown = district_breakdown(ws, item, month)
    detail = _district_detail(ws, month)
    out = rollup.by_district(detail[detail["indicator_id"].isin(indicators_of(ws, item))].reset_index(drop=True))
    wide = breakdown.pivot_table(index="district", columns="indicator_id", values="attainment",
                                 aggfunc="first", dropna=False)
    ids = [i for i in indicators_of(ws, item) if i in wide.columns]
    out = out.join(wide[ids], on="district") if ids else out
    out.columns.name = None
    return _noted(out, breakdown.attrs["note"])


def district_chart(summary: pd.DataFrame) -> Figure | None:
    """charts.district_ranking of a `district_summary` frame; None when no district reports
    (`show` then displays nothing).

        show(district_chart(district_summary(ws, 1, 9)))
    """
    return district_ranking(summary) if len(summary) else None


# ─────────────────────────────────────────────────────────── lineage and data quality

_TRACE_COLUMNS = ["indicator_id", "district", "month", "value", "monthly_value", "district_target",
                  "baseline", "in_ledger", "submitted_on", "reporting_unit", "source_file",
                  "source_sheet", "source_row", "flags", "progress_text"]


def trace(ws: Workspace, indicator_id: str, district: str | Sequence[str] = CITYWIDE,
          month: int | None = None) -> pd.DataFrame:
    """The submitted rows behind a figure as of `month` (default the latest): the row in the
    ledger (in_ledger) and the revisions it replaced, with file, sheet, row and 填报日期.
    A city figure summed from districts traces to every district row; `district` may also be
    a list of districts.

        trace(ws, "MS01-01", "渝中区", 9)
    """
    month = _check_month(month or ws.latest_month)
    indicators_of(ws, indicator_id)
    led = ws.ledger
    mine = led[(led["indicator_id"] == indicator_id) & (led["year"] == ws.year)
               & (led["month"] <= month)]
    wanted = [district] if isinstance(district, str) else list(district)
    if wanted == [CITYWIDE] and not (mine["district"] == CITYWIDE).any():
        wanted = list(mine["district"].unique())      # the city figure is their sum
    mine = mine[mine["district"].isin(wanted)]
    latest = mine.sort_values("month").groupby("district").tail(1)[["district", "month"]]
    h = ws.history
    rows = h[(h["indicator_id"] == indicator_id) & (h["year"] == ws.year)].merge(
        latest, on=["district", "month"])
    rows = rows.assign(in_ledger=~rows["superseded"], _dist=rows["district"].map(district_list.order()))
    rows = rows.sort_values(["_dist", "month", "in_ledger", "submitted_on", "source_file",
                             "source_row"], na_position="first")
    out = rows[_TRACE_COLUMNS].reset_index(drop=True)
    return _noted(out, f"{indicator_id} {'、'.join(wanted) or ''} 截至{month}月没有报送 / "
                       f"nothing submitted up to month {month}")


def _unit_of_indicator(ws: Workspace) -> pd.Series:
    return ws.catalogue.indicators["reporting_unit"]


def _file_owners(ws: Workspace) -> pd.DataFrame:
    """Per submitted file: the reporting unit and month most of its accepted rows concern."""
    h = ws.history
    if not len(h):
        return pd.DataFrame({"file": pd.Series([], dtype="str"), "unit": pd.Series([], dtype="str"),
                             "month": pd.Series([], dtype="int64")})
    owned = pd.DataFrame({"file": h["source_file"],
                          "unit": h["indicator_id"].map(_unit_of_indicator(ws)),
                          "month": h["month"]})
    counts = owned.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["file", "n", "unit", "month"], ascending=[True, False, True, True])
    return counts.drop_duplicates("file")[["file", "unit", "month"]].reset_index(drop=True)


_SUBMISSION_COLUMNS = ["reporting_unit", "month", "submission", "first_submitted_on", "due",
                       "days_late", "rows_revised", "rows_flagged", "rows_quarantined"]


def submission_record(ws: Workspace, unit: str | Sequence[str] | None = None,
                      through_month: int | None = None) -> pd.DataFrame:
    """Per reporting unit × month: on time / late / undated / missing (the cleaner's record),
    days late, rows revised by a later submission, rows kept with a warning flag, and rows
    quarantined (attributed through the file's other rows).

        submission_record(ws, "市住房城乡建设委", through_month=9)
    """
    units = reporting_units(ws) if unit is None else ([unit] if isinstance(unit, str) else list(unit))
    due_day = ws.quality.submissions.due_day
    rec = pd.DataFrame([(s.reporting_unit, s.year_no, s.month_no, s.status, s.submitted_on)
                        for s in ws.quality.submissions.by_unit],
                       columns=["unit", "year", "month", "status", "submitted_on"])
    rec = rec[rec["unit"].isin(units) & (rec["year"] == ws.year)]
    if through_month is not None:
        rec = rec[rec["month"] <= _check_month(through_month, "through_month")]
    rec = rec.astype({"month": "int64"})

    h = ws.history[ws.history["year"] == ws.year]
    h_unit = h["indicator_id"].map(_unit_of_indicator(ws))
    revised = h[h["superseded"]].groupby([h_unit[h["superseded"]], "month"]).size()
    current = ~h["superseded"] & (h["flags"].fillna("") != "")
    flagged = h[current].groupby([h_unit[current], "month"]).size()
    owners = _file_owners(ws)
    quarantined = ws.quarantine.drop_duplicates(["file", "sheet", "row"]).merge(owners, on="file")
    q_rows = quarantined.groupby(["unit", "month"]).size()

    def count(series: pd.Series) -> list[int]:
        return [int(series.get((u, m), 0)) for u, m in zip(rec["unit"], rec["month"], strict=True)]

    due = [return_due(ws.year, int(m), due_day) for m in rec["month"]]
    when = [date.fromisoformat(s) if isinstance(s, str) else None for s in rec["submitted_on"]]
    out = pd.DataFrame({
        "reporting_unit": rec["unit"].to_numpy(),
        "month": rec["month"].to_numpy(),
        "submission": rec["status"].to_numpy(),
        "first_submitted_on": [w.isoformat() if w else None for w in when],
        "due": [x.isoformat() for x in due],
        "days_late": pd.array([(w - x).days if w and w > x else (0 if w else None)
                               for w, x in zip(when, due, strict=True)], dtype="Int64"),
        "rows_revised": count(revised),
        "rows_flagged": count(flagged),
        "rows_quarantined": count(q_rows),
    }, columns=_SUBMISSION_COLUMNS)
    order = {u: i for i, u in enumerate(units)}
    out = out.sort_values(["reporting_unit", "month"], key=lambda s: s.map(order) if s.name ==
                          "reporting_unit" else s).reset_index(drop=True)
    return _noted(out, "质量报告中没有报送记录 / the quality report has no submission record")


def quarantined_for(ws: Workspace, item: int | str | None = None) -> pd.DataFrame:
    """The quarantined rows that concern `item` (None: all), one line per rejected cell, with the
    indicator each is attributed to and how (matched_by):

    - "code": the rejected cell is the 指标编号 itself (an unknown code of the item's
      number, e.g. MS01-09 for item 1, counts for the item);
    - "neighbours": the nearest accepted rows above and below in the same sheet are of one
      indicator (submissions list an indicator's districts together).

    Limitation: quarantine.csv keeps only the rejected cell, not the row's 指标编号, so a row
    between two indicators, or in a file with no accepted rows, is attributed to none
    (it appears only with item=None).

        quarantined_for(ws, 11)
    """
    q = ws.quarantine.copy()
    attributed = _attribute_quarantine(ws, q)
    q["indicator_id"], q["matched_by"], q["_item"] = attributed
    if item is not None:
        ids = indicators_of(ws, item)
        keep = q["indicator_id"].isin(ids)
        if isinstance(item, int | np.integer):   # an unknown code of the item's number
            keep |= (q["_item"] == int(item)) & q["indicator_id"].isna()
        q = q[keep]
    out = q[[*QUARANTINE_COLUMNS, "indicator_id", "matched_by"]].reset_index(drop=True)
    return _noted(out, "没有相关的隔离行 / no quarantined rows concern it")


def _attribute_quarantine(ws: Workspace, q: pd.DataFrame) -> tuple[list, list, list]:
    """(indicator id or None, how, item number or None) per quarantine line."""
    known = set(ws.catalogue.indicators.index)
    h = ws.history
    by_sheet = {key: g.sort_values("source_row")[["source_row", "indicator_id"]].to_numpy()
                for key, g in h.groupby(["source_file", "source_sheet"], sort=False)}
    codes: dict[tuple, str] = {}
    for f, s, r, code, raw in q[["file", "sheet", "row", "reason_code", "raw_value"]].itertuples(
            index=False):
        if code in _CODE_CHECKS:
            codes[(f, s, r)] = normalize_indicator_id(raw) or ""
    ids, how, items = [], [], []
    for f, s, r in q[["file", "sheet", "row"]].itertuples(index=False):
        code = codes.get((f, s, r))
        if code is not None:
            ids.append(code if code in known else None)
            how.append("code")
            items.append(int(code[2:4]) if code else None)
            continue
        rows = by_sheet.get((f, s))
        iid = None
        if rows is not None and pd.notna(r):
            pos = int(np.searchsorted(rows[:, 0].astype(np.int64), int(r)))
            above = rows[pos - 1, 1] if pos > 0 else None
            below = rows[pos, 1] if pos < len(rows) else None
            iid = above if above is not None and above == below else None
        ids.append(iid)
        how.append("neighbours" if iid else None)
        items.append(int(iid[2:4]) if iid else None)
    return ids, how, items


# ─────────────────────────────────────────────────────────── all items side by side

def gap_matrix(ws: Workspace, through_month: int) -> pd.DataFrame:
    """Item × month: the mean gap to 序时进度 in points over the item's indicators with a
    figure, attainment capped at 100 % as the roll-ups do (an item far ahead on one
    indicator does not hide another). Columns: item_no, item_name, then one per month.

        gap_matrix(ws, 9)
    """
    through = _check_month(through_month, "through_month")
    items = ws.catalogue.items[["item_no", "item_name"]].copy()
    for m in range(1, through + 1):
        t = _table(ws, m)
        gap = (t["attainment"].clip(upper=rollup.CAP) - t["expected"]) * 100
        items[m] = items["item_no"].map(gap.groupby(t["item_no"]).mean().round(1)).astype(float)
    return items


def movers(ws: Workspace, month: int, since_month: int | None = None, n: int = 10) -> pd.DataFrame:
    """The `n` indicators whose attainment moved most (either way) between `since_month`
    (default three months earlier; 0 = the start of the year, when scheduled kinds stand at
    0) and `month`, with the change of their gap to 序时进度. Indicators without a figure at
    either end are left out.

        movers(ws, 9)                 # since June
    """
    month = _check_month(month)
    since = month - 3 if since_month is None else int(since_month)
    since = max(since, 0)
    now = _table(ws, month).set_index("indicator_id")
    if since >= 1:
        then = _table(ws, since).set_index("indicator_id")
        att0, gap0, st0 = then["attainment"], then["gap_points"], then["status"].astype(str)
    else:
        scheduled = now["kind"].isin(SCHEDULED_KINDS)
        att0 = pd.Series(np.where(scheduled, 0.0, np.nan), index=now.index)
        gap0, st0 = att0 * 0, pd.Series("", index=now.index)
    out = pd.DataFrame({
        "indicator_id": now.index, "item_no": now["item_no"], "indicator": now["indicator"],
        "attainment_since": att0.reindex(now.index), "attainment": now["attainment"],
        "change_points": ((now["attainment"] - att0.reindex(now.index)) * 100).round(9),
        "gap_since": gap0.reindex(now.index), "gap_points": now["gap_points"],
        "status_since": st0.reindex(now.index), "status": now["status"].astype(str),
    }).dropna(subset=["change_points"]).reset_index(drop=True)
    out["gap_change"] = (out["gap_points"] - out["gap_since"]).round(9)
    out["_abs"] = out["change_points"].abs()
    out = out.sort_values(["_abs", "indicator_id"], ascending=[False, True]).head(n)
    cols = ["indicator_id", "item_no", "indicator", "attainment_since", "attainment",
            "change_points", "gap_since", "gap_points", "gap_change", "status_since", "status"]
    return _noted(out[cols].reset_index(drop=True),
                  f"{since}月与{month}月之间没有可比的指标 / nothing to compare")


def unit_league(ws: Workspace, month: int) -> pd.DataFrame:
    """Responsible units ranked by mean capped attainment at the end of `month`
    (rollup.by_unit: an indicator counts for every unit of its item), with each unit's
    reporting record through `month` where it reports (months on time, late, undated,
    missing; rows revised, flagged, quarantined).

        unit_league(ws, 9)
    """
    month = _check_month(month)
    league = rollup.by_unit(_table(ws, month))
    league.insert(0, "rank", np.arange(1, len(league) + 1))
    league["n_behind"] = league["n_lagging"] + league["n_severely_lagging"]
    rec = submission_record(ws, through_month=month)
    per = rec.groupby("reporting_unit").agg(
        on_time=("submission", lambda s: int((s == "on_time").sum())),
        late=("submission", lambda s: int((s == "late").sum())),
        undated=("submission", lambda s: int((s == "undated").sum())),
        missing=("submission", lambda s: int((s == "missing").sum())),
        rows_revised=("rows_revised", "sum"), rows_flagged=("rows_flagged", "sum"),
        rows_quarantined=("rows_quarantined", "sum"))
    cols = ["rank", "unit", "n_indicators", "n_reported", "share_meeting_schedule",
            "mean_attainment_capped", "n_behind"]
    out = league[cols].join(per, on="unit").rename(columns={"unit": "responsible_unit"})
    counts = ["on_time", "late", "undated", "missing", "rows_revised", "rows_flagged",
              "rows_quarantined"]
    out[counts] = out[counts].astype("Int64")
    return out


# ─────────────────────────────────────────────────────────── charts

def _wrap(text: str, width: int) -> str:
    """Chinese text in lines of `width` characters (textwrap breaks only at spaces)."""
    text = str(text)
    return "\n".join(text[i:i + width] for i in range(0, len(text), width)) or text


def trajectory_chart(traj: pd.DataFrame, projections: pd.DataFrame | None = None) -> Figure:
    """Small multiples, one per indicator of a `trajectory` frame: the figure by month (solid),
    the figure due on schedule (dashed), the annual target (dotted) and, given
    `projection_range`'s frame, the year-end range at the current pace (bar at month 12).

        show(trajectory_chart(trajectory(ws, 1, 9), projection_range(ws, 1, 9)))
    """
    fonts.use_chinese_font()
    ids = list(dict.fromkeys(traj["indicator_id"]))
    ncols = 2 if len(ids) > 1 else 1
    nrows = max(1, math.ceil(len(ids) / ncols))
    fig = Figure(figsize=(6.3 if ncols == 2 else 4.2, 2.3 * nrows + 0.6), layout="constrained")
    proj = projections.set_index("indicator_id") if projections is not None else None
    for i, iid in enumerate(ids):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        t = traj[traj["indicator_id"] == iid]
        first = t.iloc[0]
        ax.set_title(_wrap(f"{iid} {first['indicator']}", 18), fontsize=8)
        ax.set_ylabel(first["unit"], fontsize=7)
        ax.plot(t["month"], t["expected_value"], ls="--", color="#555555", lw=1)
        ax.axhline(first["target"], ls=":", color="#333333", lw=1)
        if t["value"].notna().any():
            ax.plot(t["month"], t["value"], marker="o", ms=3, color="#1f5fa8", lw=1.6)
        else:
            ax.text(0.5, 0.5, "无数值（未报送或仅有文字进展）", transform=ax.transAxes,
                    ha="center", va="center", fontsize=8, color="#555555")
        if proj is not None and iid in proj.index and pd.notna(proj.at[iid, "year_end"]):
            p = proj.loc[iid]
            ax.errorbar([12], [p["year_end"]], yerr=[[p["year_end"] - p["year_end_low"]],
                                                      [p["year_end_high"] - p["year_end"]]],
                        fmt="D", ms=4, color="#c0392b", capsize=3, lw=1.2)
        ax.set_xlim(0.5, 12.5)
        ax.set_xticks(range(1, 13, 2 if ncols == 2 else 1))
        ax.tick_params(labelsize=7)
    handles = [Line2D([], [], color="#1f5fa8", marker="o", ms=3, lw=1.6, label="实际（全市）"),
               Line2D([], [], color="#555555", ls="--", lw=1, label="序时应达"),
               Line2D([], [], color="#333333", ls=":", lw=1, label="全年目标"),
               Line2D([], [], color="#c0392b", marker="D", ms=4, lw=1.2, label="按当前进度年底预计")]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=7, frameon=False)
    return fig


def gap_heatmap(matrix: pd.DataFrame) -> Figure:
    """Heatmap of a `gap_matrix` frame: items down, months across, red behind 序时进度 and
    green ahead, each cell printed in points.

        show(gap_heatmap(gap_matrix(ws, 9)))
    """
    fonts.use_chinese_font("white")
    months = [c for c in matrix.columns if isinstance(c, int | np.integer)]
    values = matrix[months].to_numpy(dtype=float)
    fig = Figure(figsize=(6.3, 0.34 * len(matrix) + 1.4), layout="constrained")
    ax = fig.add_subplot()
    limit = max(10.0, float(np.nanmax(np.abs(values)))) if np.isfinite(values).any() else 10.0
    img = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", aspect="auto",
                    norm=TwoSlopeNorm(0.0, -limit, limit))
    for (y, x), v in np.ndenumerate(values):
        shown = "—" if np.isnan(v) else (f"{round(v):+d}" if round(v) else "0")
        ax.text(x, y, shown, ha="center", va="center", fontsize=7,
                color="white" if abs(v) > 0.6 * limit else "black")
    ax.set_xticks(range(len(months)), [f"{m}月" for m in months], fontsize=8)
    ax.set_yticks(range(len(matrix)), [_wrap(f"{no}.{name}", 14) for no, name in
                                       zip(matrix["item_no"], matrix["item_name"], strict=True)],
                  fontsize=7)
    bar = fig.colorbar(img, ax=ax, shrink=0.6)
    bar.set_label("距序时进度（百分点，完成率单项封顶100%）", fontsize=7)
    bar.ax.tick_params(labelsize=7)
    return fig


# ─────────────────────────────────────────────────────────── Chinese tables

class Note:
    """A sentence shown in place of an empty table (plain text, no HTML)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _num(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "—"
    text = f"{float(v):,.2f}"
    return text.rstrip("0").rstrip(".")


def _plain(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _status(v: Any) -> str:
    return "—" if v == "" else label("status", v)


def _formatter(kind: str):
    """How `zh` writes a value of a column type (report.columns)."""
    if kind == "pct":
        return fmt_percent
    if kind == "points":
        return fmt_points
    if kind == "quantity":
        return _num
    if kind == "label:status":
        return _status
    if kind == "label:matched_by":
        known = labels("matched_by")
        return lambda v: label("matched_by", v if isinstance(v, str) and v in known else "unmatched")
    if kind.startswith("label:"):
        group = kind.split(":", 1)[1]
        return lambda v: label(group, v)
    if kind == "in_ledger":
        return {True: "是", False: "否（已被替代）"}.get
    if kind == "date":
        return lambda v: "—" if pd.isna(v) else pd.Timestamp(v).date().isoformat()
    return _plain


def zh(frame: pd.DataFrame) -> pd.DataFrame | Note:
    """Any frame of this module as people read it: Chinese headers, percents, signed points,
    status labels; integer month columns become 1月, 2月 …; an empty frame becomes its note.

        zh(trajectory(ws, 1, 9))
    """
    if not len(frame):
        return Note(frame.attrs.get("note", "无数据 / no rows"))
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(col, int | np.integer):
            numeric = pd.api.types.is_numeric_dtype(s)
            out[f"{col}月"] = s.map(fmt_points if numeric else _status).to_numpy()
            continue
        if isinstance(col, str) and ID_PATTERN.match(col):   # an indicator's attainment
            header, kind = col, "pct"
        elif col not in columns.HEADERS:
            continue
        else:
            header, kind = columns.header(col), columns.kind_of(col)
        if kind in ("label:status", "label:kind"):
            s = s.astype(str)
        out[header] = s.map(_formatter(kind)).to_numpy()
    return pd.DataFrame(out, index=range(1, len(frame) + 1))
