"""The workspace: a year's catalogue and one cleaning run read once, what an argument names in
it, and its indicator table per month, computed once.

`load` reads a cleaning output folder into a `Workspace`; every other function of the analyst
API is a pure function of that workspace (and a month). `item` arguments take an item number
(1) — all of its indicators — or an indicator id ("MS01-01") — that indicator only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from minsheng.catalogue import Catalogue, load_catalogue
from minsheng.contracts import store
from minsheng.contracts.checks import QUARANTINE_COLUMNS
from minsheng.contracts.quality import QualityReport
from minsheng.rules import rollup
from minsheng.rules.attainment import table_at


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


# ─────────────────────────────────────────────────────────── tables per month

def _table(ws: Workspace, month: int) -> pd.DataFrame:
    """The indicator table at the end of `month` (attainment.table_at), cached in `ws`."""
    if month not in ws._tables:
        ws._tables[month] = table_at(ws.catalogue, ws.ledger, ws.year, month)
    return ws._tables[month]


def _district_detail(ws: Workspace, month: int) -> pd.DataFrame:
    """Per district-reported indicator × district at the end of `month` (rollup.district_detail)."""
    expected = _table(ws, month).set_index("indicator_id")["expected"]
    return rollup.district_detail(ws.catalogue.indicators, ws.ledger, ws.year, month, expected)
