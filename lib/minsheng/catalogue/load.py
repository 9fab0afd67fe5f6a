"""Loading a year's target catalogue: every measurable target of its notice, from YAML.

The catalogue is data (data/targets/<year>.yaml); this module only reads and validates it.
Every error names the file, the indicator and the field, so a reviewer can fix the YAML.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from minsheng import config
from minsheng.catalogue.ids import ID_PATTERN, TASK_PATTERN
from minsheng.catalogue.kinds import COMPARATORS, KINDS

COLUMNS = [
    "indicator_id", "item_no", "item_name", "indicator", "target_value", "unit", "comparator",
    "kind", "soft", "responsible_units", "reporting_unit", "by_district", "baseline", "plan",
    "milestones", "value_unit", "baseline_label", "source", "note",
]


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; the message names file, indicator and field."""


TASK_COLUMNS = ["task_id", "item_no", "item_name", "source", "tracking", "reporting_unit"]


@dataclass(frozen=True)
class Catalogue:
    """A year's targets: one row per indicator, plus schedule plans and the clauses without a
    number (`unquantified`; those with an id are tasks the units report on in words)."""

    year: int
    title: str
    notice: str
    indicators: pd.DataFrame
    plans: dict[str, dict[str, list[float]]]
    unquantified: pd.DataFrame
    path: Path

    def indicator(self, indicator_id: str) -> pd.Series:
        return self.indicators.loc[indicator_id]

    @property
    def tasks(self) -> pd.DataFrame:
        """The clauses without a number that units report on in words (they have an id)."""
        return self.unquantified[self.unquantified["task_id"].notna()].reset_index(drop=True)

    @property
    def reportable(self) -> pd.DataFrame:
        """Everything a unit reports on, in catalogue order: the indicators, then the tasks as
        rows of kind "task" (no target, text only). What the form lists and the cleaner knows."""
        t = self.tasks
        task_rows = pd.DataFrame({
            "indicator_id": t["task_id"], "item_no": t["item_no"], "item_name": t["item_name"],
            "indicator": t["source"], "target_value": float("nan"), "unit": "", "comparator": ">=",
            "kind": "task", "soft": False,
            "responsible_units": t["item_no"].map(self.items.set_index("item_no")["responsible_units"]),
            "reporting_unit": t["reporting_unit"], "by_district": False, "baseline": float("nan"),
            "plan": None, "milestones": None, "value_unit": "", "baseline_label": "",
            "source": t["source"], "note": t["tracking"]}, columns=COLUMNS)
        out = pd.concat([self.indicators, task_rows.set_index("indicator_id", drop=False)])
        out.index.name = None
        return out

    @property
    def items(self) -> pd.DataFrame:
        """One row per item: number, name and responsible units (lead first)."""
        first = self.indicators.drop_duplicates("item_no")
        return first[["item_no", "item_name", "responsible_units"]].reset_index(drop=True)


def _fail(path: Path, where: str, field: str, problem: str) -> CatalogueError:
    return CatalogueError(f"{path}: {where}: field '{field}': {problem}")


def _plan_fractions(path: Path, name: str, plan: Any) -> dict[str, list[float]]:
    if not isinstance(plan, dict) or len(plan) != 1 or next(iter(plan)) not in ("monthly", "quarterly"):
        raise _fail(path, f"plan '{name}'", "plan", "needs exactly one of 'monthly' (12) or 'quarterly' (4)")
    (period, values), = plan.items()
    size = 12 if period == "monthly" else 4
    if not isinstance(values, list) or len(values) != size:
        raise _fail(path, f"plan '{name}'", period, f"needs {size} cumulative fractions")
    vals = [float(v) for v in values]
    if any(b < a for a, b in itertools.pairwise(vals)) or not 0 <= vals[0] or abs(vals[-1] - 1) > 1e-9:
        raise _fail(path, f"plan '{name}'", period, "fractions must rise from ≥0 to exactly 1")
    return {period: vals}


def catalogue_path(year: int) -> Path:
    """Where the catalogue of `year` lives: data/targets/<year>.yaml."""
    return config.TARGETS / f"{year}.yaml"


def latest_year() -> int:
    """The latest year with a catalogue in data/targets."""
    years = sorted(int(p.stem) for p in config.TARGETS.glob("*.yaml") if p.stem.isdigit())
    if not years:
        raise CatalogueError(f"{config.TARGETS}: no catalogue (<year>.yaml) found")
    return years[-1]


def resolve_catalogue(year: int | None, path: str | Path | None) -> Catalogue:
    """The catalogue named by an explicit path, else by year, else the latest year's."""
    if path:
        return load_catalogue(year, path=path)
    return load_catalogue(latest_year() if year is None else year)


def load_catalogue(year: int | None = None, path: str | Path | None = None) -> Catalogue:
    """Load and validate the catalogue of `year` (or of an explicit YAML `path`)."""
    if path is None:
        if year is None:
            raise ValueError("give a year or a path")
        path = catalogue_path(year)
    path = Path(path)
    if not path.exists():
        raise CatalogueError(f"{path}: no catalogue for this year (expected data/targets/<year>.yaml)")
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CatalogueError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(doc, dict):
        raise CatalogueError(f"{path}: expected a mapping at the top level")
    for key in ("year", "title", "notice", "items"):
        if key not in doc:
            raise _fail(path, "top level", key, "missing")
    if year is not None and int(doc["year"]) != int(year):
        raise _fail(path, "top level", "year", f"says {doc['year']}, asked for {year}")

    plans = {name: _plan_fractions(path, name, p) for name, p in (doc.get("plans") or {}).items()}
    rows: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in doc["items"]:
        where_item = f"item {item.get('item_no', '?')}"
        for key in ("item_no", "item_name", "responsible_units", "indicators"):
            if key not in item:
                raise _fail(path, where_item, key, "missing")
        units = item["responsible_units"]
        if not isinstance(units, list) or not units or not all(isinstance(u, str) for u in units):
            raise _fail(path, where_item, "responsible_units", "needs a list of unit names, lead first")
        for clause in item.get("unquantified") or []:
            extra.append(_task_row(path, item, clause, seen))
        for ind in item["indicators"]:
            rows.append(_indicator_row(path, item, ind, plans, seen))
    frame = pd.DataFrame(rows, columns=COLUMNS).set_index("indicator_id", drop=False)
    frame.index.name = None
    unq = pd.DataFrame(extra, columns=TASK_COLUMNS)
    return Catalogue(int(doc["year"]), doc["title"], doc["notice"], frame, plans, unq, path)


def _task_row(path, item, clause, seen) -> dict[str, Any]:
    """An unquantified clause; with an `id` it is a task its reporting unit reports on in words."""
    tid = clause.get("id")
    where = f"unquantified {tid or '?'} (item {item['item_no']})"
    if tid is not None:
        if not isinstance(tid, str) or not TASK_PATTERN.match(tid):
            raise _fail(path, where, "id", "a task id looks like MS12-T1 (item, dash, T, number)")
        if tid in seen:
            raise _fail(path, where, "id", "duplicate id")
        seen.add(tid)
    units = item["responsible_units"]
    reporting = clause.get("reporting_unit", units[0])
    if reporting not in units:
        raise _fail(path, where, "reporting_unit", f"{reporting!r} is not a responsible unit of the item")
    return {"task_id": tid, "item_no": int(item["item_no"]), "item_name": item["item_name"],
            "source": clause.get("source", ""), "tracking": clause.get("tracking", ""),
            "reporting_unit": reporting}


def _indicator_row(path, item, ind, plans, seen) -> dict[str, Any]:
    iid = ind.get("id")
    where = f"indicator {iid or '?'} (item {item['item_no']})"
    if not isinstance(iid, str) or not ID_PATTERN.match(iid):
        raise _fail(path, where, "id", "must look like MS01-03 (letters, item, dash, number)")
    if iid in seen:
        raise _fail(path, where, "id", "duplicate id")
    seen.add(iid)
    for key in ("indicator", "target_value", "unit", "kind", "source"):
        if ind.get(key) in (None, ""):
            raise _fail(path, where, key, "missing")
    kind = ind["kind"]
    if kind not in KINDS:
        raise _fail(path, where, "kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    comparator = ind.get("comparator", "<" if kind == "directional" else ">=")
    if comparator not in COMPARATORS:
        raise _fail(path, where, "comparator", f"{comparator!r} is not one of {COMPARATORS}")
    try:
        target = float(ind["target_value"])
    except (TypeError, ValueError):
        raise _fail(path, where, "target_value", f"{ind['target_value']!r} is not a number") from None
    baseline = ind.get("baseline")
    if baseline is not None and (isinstance(baseline, bool) or not isinstance(baseline, int | float)):
        raise _fail(path, where, "baseline", f"{baseline!r} is not a number")
    if kind == "level" and baseline is not None and baseline >= target:
        raise _fail(path, where, "baseline", "a level's start-of-year baseline must be below its target")
    plan = ind.get("plan")
    if plan is not None and plan not in plans:
        raise _fail(path, where, "plan", f"unknown plan {plan!r}; define it under 'plans:'")
    milestones = ind.get("milestones")
    if kind == "deliverable":
        if not isinstance(milestones, list) or len(milestones) != int(target):
            raise _fail(path, where, "milestones", "a deliverable lists as many milestones as its target")
    for flag in ("soft", "by_district"):
        if ind.get(flag) not in (None, True, False):
            raise _fail(path, where, flag, "must be true or false (unquoted)")
    for text_field in ("value_unit", "baseline_label"):
        if ind.get(text_field) is not None and not isinstance(ind[text_field], str):
            raise _fail(path, where, text_field, "must be text")
    units = item["responsible_units"]
    reporting = ind.get("reporting_unit", units[0])
    if reporting not in units:
        raise _fail(path, where, "reporting_unit", f"{reporting!r} is not a responsible unit of the item")
    return {
        "indicator_id": iid,
        "item_no": int(item["item_no"]),
        "item_name": item["item_name"],
        "indicator": ind["indicator"],
        "target_value": target,
        "unit": ind["unit"],
        "comparator": comparator,
        "kind": kind,
        "soft": bool(ind.get("soft", False)),
        "responsible_units": "、".join(units),
        "reporting_unit": reporting,
        "by_district": bool(ind.get("by_district", False)),
        "baseline": float(baseline) if baseline is not None else float("nan"),
        "plan": plan,
        "milestones": "；".join(milestones) if milestones else None,
        # The unit figures are reported in (a directional target's unit is its change's, %).
        "value_unit": ind.get("value_unit") or ("" if kind == "directional" else ind["unit"]),
        # What a baseline is, as the notice says it (上年末, 前三年平均数).
        "baseline_label": ind.get("baseline_label") or ("上年末" if kind == "level" else "基数"),
        "source": ind["source"],
        "note": ind.get("note"),
    }
