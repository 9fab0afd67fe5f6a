"""Loading a year's target catalogue: every measurable target of its notice, from YAML.

The catalogue is data (data/targets/<year>.yaml); this module only reads and validates it,
section by section, with the value checks of `catalogue.validate`. Every error is one line
naming the file, the place (item, indicator, task, plan) and the field, so a reviewer can fix
the YAML; nothing unknown or mistyped is ignored or converted. The format: docs/catalogue.md 五.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from minsheng import config
from minsheng.catalogue.ids import ID_PATTERN, TASK_PATTERN, id_item_no
from minsheng.catalogue.kinds import COMPARATORS, KINDS
from minsheng.catalogue.validate import CatalogueError, Place, yaml_error

COLUMNS = [
    "indicator_id", "item_no", "item_name", "indicator", "target_value", "unit", "comparator",
    "kind", "soft", "responsible_units", "reporting_unit", "by_district", "baseline", "plan",
    "milestones", "value_unit", "baseline_label", "source", "note",
]


# The keys each part of the file may have (docs/catalogue.md 五); any other key is refused.
TOP_KEYS = ("year", "title", "notice", "issued", "plans", "items")
ITEM_KEYS = ("item_no", "item_name", "responsible_units", "indicators", "unquantified")
INDICATOR_KEYS = ("id", "indicator", "target_value", "unit", "comparator", "kind", "soft",
                  "by_district", "baseline", "baseline_label", "value_unit", "plan",
                  "reporting_unit", "milestones", "source", "note")
TASK_KEYS = ("id", "source", "tracking", "reporting_unit")
PLAN_KEYS = ("monthly", "quarterly")
PLAN_SIZES = {"monthly": 12, "quarterly": 4}

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
    text = path.read_text(encoding="utf-8")
    try:
        doc = config.load_yaml(text)
    except yaml.YAMLError as exc:
        raise yaml_error(path, exc, text) from None
    if not isinstance(doc, dict):
        raise CatalogueError(f"{path}: expected a mapping at the top level")
    top = Place(path, "top level")
    top.keys(doc, TOP_KEYS, required=("year", "title", "notice", "items"))
    doc_year = top.whole(doc["year"], "year")
    if year is not None and doc_year != int(year):
        raise top.fail("year", f"says {doc_year}, asked for {year}")
    title, notice = top.text(doc, "title", required=True), top.text(doc, "notice", required=True)
    if doc.get("issued") is not None:
        top.date(doc["issued"], "issued")   # read by data/sample/generate.py only
    plans = dict(_plans(path, top, doc.get("plans")))

    rows: list[dict[str, Any]] = []
    extra: list[dict[str, Any]] = []
    seen_ids: set[str] = set()
    seen_items: set[int] = set()
    for k, item in enumerate(top.mappings(doc["items"], "items", "items"), 1):
        at = Place(path, f"item {item.get('item_no', f'#{k} (no item_no)')}")
        at.keys(item, ITEM_KEYS, required=("item_no", "item_name", "responsible_units", "indicators"))
        no = at.whole(item["item_no"], "item_no", 1, 99)   # ids carry it in two digits
        if no in seen_items:
            raise at.fail("item_no", f"{no} is used by an earlier item; every item has its own number")
        seen_items.add(no)
        meta = {"item_no": no, "item_name": at.text(item, "item_name", required=True),
                "units": at.texts(item["responsible_units"], "responsible_units",
                                  "unit names (text), lead first")}
        if not item["indicators"]:
            raise at.fail("indicators", "every item needs at least one indicator (a clause "
                                        "without a number goes under 'unquantified')")
        clauses = at.mappings(item.get("unquantified"), "unquantified", "clauses", optional=True)
        for j, clause in enumerate(clauses, 1):
            extra.append(_task_row(path, meta, j, clause, seen_ids))
        for j, ind in enumerate(at.mappings(item["indicators"], "indicators", "indicators"), 1):
            rows.append(_indicator_row(path, meta, j, ind, plans, seen_ids))
    frame = pd.DataFrame(rows, columns=COLUMNS).set_index("indicator_id", drop=False)
    frame.index.name = None
    unq = pd.DataFrame(extra, columns=TASK_COLUMNS)
    return Catalogue(doc_year, title, notice, frame, plans, unq, path)


def _plans(path: Path, top: Place, plans: Any) -> Iterator[tuple[str, dict[str, list[float]]]]:
    """Each schedule plan: exactly one of 12 monthly or 4 quarterly cumulative fractions."""
    if plans is None:
        return
    if not isinstance(plans, dict):
        raise top.fail("plans", "needs plan names, each with {quarterly: [4 fractions]} "
                                "or {monthly: [12 fractions]}")
    for name, plan in plans.items():
        at = Place(path, f"plan '{name}'")
        if not isinstance(name, str):
            raise at.fail("plan", "a plan's name is text")
        if isinstance(plan, dict):
            at.keys(plan, PLAN_KEYS)
        if not isinstance(plan, dict) or len(plan) != 1:
            raise at.fail("plan", "needs exactly one of 'monthly' (12) or 'quarterly' (4)")
        (period, values), = plan.items()
        size = PLAN_SIZES[period]
        if not isinstance(values, list) or len(values) != size:
            raise at.fail(period, f"needs {size} cumulative fractions")
        vals = [at.number(v, period) for v in values]
        if any(b < a for a, b in itertools.pairwise(vals)) or not 0 <= vals[0] or abs(vals[-1] - 1) > 1e-9:
            raise at.fail(period, "fractions must rise from ≥0 to exactly 1")
        yield name, {period: vals}


def _place(path: Path, what: str, entry: dict, j: int, item_no: int) -> Place:
    """`indicator MS03-01 (item 3)`; `#2` (the second in the list) when the id is not text."""
    iid = entry.get("id")
    return Place(path, f"{what} {iid if isinstance(iid, str) else f'#{j}'} (item {item_no})")


def _checked_id(at: Place, iid: Any, pattern, form: str, item_no: int, seen: set[str]) -> str:
    """An id of the right form, carrying its own item's number, used nowhere else in the file."""
    if not isinstance(iid, str) or not pattern.match(iid):
        raise at.fail("id", form)
    if id_item_no(iid) != item_no:
        raise at.fail("id", f"{iid} is numbered for item {id_item_no(iid)} but is under item_no "
                            f"{item_no}; write {iid[:2]}{item_no:02d}{iid[4:]}")
    if iid in seen:
        raise at.fail("id", "duplicate id")
    seen.add(iid)
    return iid


def _reporting_unit(at: Place, entry: dict, units: list[str]) -> str:
    reporting = entry.get("reporting_unit", units[0])
    if reporting not in units:
        raise at.fail("reporting_unit", f"{reporting!r} is not a responsible unit of the item")
    return reporting


def _task_row(path: Path, item: dict, j: int, clause: dict, seen: set[str]) -> dict[str, Any]:
    """An unquantified clause; with an `id` it is a task its reporting unit reports on in words."""
    at = _place(path, "unquantified", clause, j, item["item_no"])
    at.keys(clause, TASK_KEYS)
    tid = clause.get("id")
    if tid is not None:
        _checked_id(at, tid, TASK_PATTERN, "a task id looks like MS12-T1 (letters, item, dash, "
                                           "T and a number from 1 to 99)", item["item_no"], seen)
    return {"task_id": tid, "item_no": item["item_no"], "item_name": item["item_name"],
            "source": at.text(clause, "source") or "", "tracking": at.text(clause, "tracking") or "",
            "reporting_unit": _reporting_unit(at, clause, item["units"])}


def _comparator(at: Place, ind: dict, kind: str) -> str:
    if "comparator" not in ind:
        return "<" if kind == "directional" else ">="
    comparator = ind["comparator"]
    if comparator is None or (isinstance(comparator, str) and not comparator.strip()):
        # `comparator: >` unquoted reads as an empty block of text
        raise at.fail("comparator", 'empty: write the comparator in quotes, e.g. comparator: ">="')
    if comparator not in COMPARATORS:
        raise at.fail("comparator", f"{comparator!r} is not one of {COMPARATORS}")
    return comparator


def _indicator_row(path: Path, item: dict, j: int, ind: dict, plans: dict,
                   seen: set[str]) -> dict[str, Any]:
    at = _place(path, "indicator", ind, j, item["item_no"])
    at.keys(ind, INDICATOR_KEYS, required=("id", "indicator", "target_value", "unit", "kind", "source"))
    iid = _checked_id(at, ind["id"], ID_PATTERN, "must look like MS01-03 (letters, item, dash, number)",
                      item["item_no"], seen)
    name, unit = at.text(ind, "indicator", required=True), at.text(ind, "unit", required=True)
    source, note = at.text(ind, "source", required=True), at.text(ind, "note")
    kind = at.text(ind, "kind", required=True)
    if kind not in KINDS:
        raise at.fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    comparator = _comparator(at, ind, kind)
    target = at.number(ind["target_value"], "target_value")
    baseline = None if ind.get("baseline") is None else at.number(ind["baseline"], "baseline")
    # Assumes a rising level (comparator >= or >): see docs/catalogue.md 五（六）.
    if kind == "level" and baseline is not None and baseline >= target:
        raise at.fail("baseline", "a level's start-of-year baseline must be below its target")
    plan = at.text(ind, "plan")
    if plan is not None and plan not in plans:
        raise at.fail("plan", f"unknown plan {plan!r}; define it under 'plans:'")
    milestones = ind.get("milestones")
    if milestones is not None:
        milestones = at.texts(milestones, "milestones", "milestone names (text)")
    if kind == "deliverable" and (milestones is None or len(milestones) != int(target)):
        raise at.fail("milestones", "a deliverable lists as many milestones as its target")
    soft, by_district = at.flag(ind, "soft"), at.flag(ind, "by_district")
    value_unit, baseline_label = at.text(ind, "value_unit"), at.text(ind, "baseline_label")
    return {
        "indicator_id": iid,
        "item_no": item["item_no"],
        "item_name": item["item_name"],
        "indicator": name,
        "target_value": target,
        "unit": unit,
        "comparator": comparator,
        "kind": kind,
        "soft": soft,
        "responsible_units": "、".join(item["units"]),
        "reporting_unit": _reporting_unit(at, ind, item["units"]),
        "by_district": by_district,
        "baseline": float("nan") if baseline is None else baseline,
        "plan": plan,
        "milestones": "；".join(milestones) if milestones else None,
        # The unit figures are reported in (a directional target's unit is its change's, %).
        "value_unit": value_unit or ("" if kind == "directional" else unit),
        # What a baseline is, as the notice says it (上年末, 前三年平均数).
        "baseline_label": baseline_label or ("上年末" if kind == "level" else "基数"),
        "source": source,
        "note": note,
    }
