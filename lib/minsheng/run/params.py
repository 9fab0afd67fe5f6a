"""Notebook and command parameters, validated in one place.

papermill injects parameters without checking them: "2026Q5", a misspelt name or a path
outside the project would otherwise surface as a traceback deep in a notebook. Every
notebook calls `validate_parameters(globals(), "<notebook>")` right after its parameters
cell, and the runner validates before it starts a kernel.

Every notebook that reads targets takes `catalogue`: a catalogue YAML inside the project, or
None for data/targets/<year>.yaml. Validation loads it (so a broken file stops the run before
any kernel starts) and checks that it is the catalogue of the notebook's year; the notebook
then reads `p.catalogue`, a loaded `Catalogue`.
"""

from __future__ import annotations

import datetime as dt
import re
import types
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from minsheng import config
from minsheng.catalogue import Catalogue, CatalogueError, catalogue_path, load_catalogue
from minsheng.catalogue import districts as district_list
from minsheng.catalogue.periods import Month, Quarter, latest_due, parse_period

QUARTER = re.compile(r"^(?P<year>\d{4})Q(?P<q>[1-4])$")


class ParameterError(ValueError):
    """A parameter that cannot be used; the message is one line, in Chinese and English."""


def parse_quarter(text: str, today: dt.date | None = None, year: int | None = None) -> Quarter:
    """'2026Q3' → Quarter(2026, 3); 'latest' → the latest quarter whose last returns were due
    before today (on 2026-12-01: 2026Q3; on 2027-01-08: 2026Q4).

    With `year`: 'latest' is that year's latest such quarter (Q4 once it is due), and a
    quarter of another year is refused.
    """
    today = today or dt.date.today()
    if text == "latest":
        q = latest_due(Quarter, today, int(config.settings()["cleaning"]["due_day"]))
        if year is None or q.year == year:
            return q
        if year < q.year:
            return Quarter(year, 4)
        raise ParameterError(f"{year} 年还没有已结束的季度 / no quarter of {year} has ended yet")
    m = QUARTER.match(str(text))
    if not m:
        raise ParameterError(f"季度格式应为 2026Q3 / quarter must look like 2026Q3, got {text!r}")
    q = Quarter(int(m["year"]), int(m["q"]))
    if year is not None and q.year != year:
        raise ParameterError(f"季度 {q.label} 不在 {year} 年 / quarter {q.label} is not in {year}")
    return q


def parse_reporting_month(text: str, today: dt.date | None = None, year: int | None = None) -> Month:
    """'2026-09' → Month(2026, 9); 'latest' → the latest month whose returns were due before
    today (on 2026-12-01: 2026-10). With `year`, as `parse_quarter`."""
    today = today or dt.date.today()
    if text == "latest":
        m = latest_due(Month, today, int(config.settings()["cleaning"]["due_day"]))
        if year is None or m.year == year:
            return m
        if year < m.year:
            return Month(year, 12)
        raise ParameterError(f"{year} 年还没有报送到期的月份 / no month of {year} is due yet")
    m = parse_period(str(text))
    if not isinstance(m, Month):
        raise ParameterError(f"月份格式应为 2026-09 / month must look like 2026-09, got {text!r}")
    if year is not None and m.year != year:
        raise ParameterError(f"月份 {m.label} 不在 {year} 年 / month {m.label} is not in {year}")
    return m


def district(value: Any, name: str = "district") -> str:
    """One of the 38 districts and counties, by its full name (万州区)."""
    names = district_list.names()
    if not isinstance(value, str) or value not in names:
        raise ParameterError(f"参数 {name} 应为区县全称（如 万州区）/ {name} must be a district's "
                             f"full name, got {value!r}")
    return value


def project_path(value: str | Path, name: str, must_exist: bool = False) -> Path:
    """A path inside the project (relative paths are taken from the project root)."""
    path = Path(value)
    resolved = (path if path.is_absolute() else config.ROOT / path).resolve()
    if not resolved.is_relative_to(config.ROOT):
        raise ParameterError(f"参数 {name} 指向项目之外 / {name} points outside the project: {value}")
    if must_exist and not resolved.exists():
        raise ParameterError(f"参数 {name} 不存在 / {name} does not exist: {value}")
    return resolved


def year(value: Any, name: str = "year") -> int:
    """A four-digit year; its catalogue is checked with the `catalogue` parameter."""
    if (isinstance(value, bool) or not isinstance(value, int | str)
            or not re.fullmatch(r"\d{4}", str(value))):
        raise ParameterError(f"参数 {name} 应为年份 / {name} must be a year, got {value!r}")
    return int(value)


def catalogue_for(value: Any, year: int, name: str = "catalogue") -> Catalogue:
    """The catalogue a step reads, loaded: the YAML `value` names (inside the project), or
    data/targets/<year>.yaml when `value` is None or empty. It must be the catalogue of `year`."""
    if value is None or value == "":
        path = catalogue_path(year)
        if not path.exists():
            raise ParameterError(f"没有 {year} 年的目标清单 / no catalogue data/targets/{year}.yaml")
    elif isinstance(value, str | Path):
        path = project_path(value, name, must_exist=True)
    else:
        raise ParameterError(f"参数 {name} 应为目标清单 YAML 路径 / {name} must be a catalogue "
                             f"YAML path, got {value!r}")
    try:
        catalogue = load_catalogue(path=path)
    except CatalogueError as exc:
        raise ParameterError(f"目标清单不可用 / catalogue not usable: {exc}") from None
    if catalogue.year != year:
        shown = path.relative_to(config.ROOT).as_posix()
        raise ParameterError(f"目标清单 {shown} 是 {catalogue.year} 年的，不是 {year} 年 / the "
                             f"catalogue is for {catalogue.year}, not {year}")
    return catalogue


def month(value: Any, name: str = "as_of_month") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 12:
        raise ParameterError(f"参数 {name} 应为 1–12 / {name} must be a month 1–12, got {value!r}")
    return value


def date(value: Any, name: str = "issued_on") -> dt.date:
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise ParameterError(f"参数 {name} 应为 YYYY-MM-DD / {name} must be a date, got {value!r}") from None


def item_or_indicator(value: Any, name: str = "item") -> int | str:
    """An item number 1–99 or an indicator id like MS01-03."""
    if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 99:
        return value
    if isinstance(value, str) and re.fullmatch(r"[A-Z]{2}\d{2}-\d{2}", value):
        return value
    raise ParameterError(f"参数 {name} 应为项目序号或指标编号 / {name} must be an item number or an "
                         f"indicator id like MS01-03, got {value!r}")


def flag(value: Any, name: str = "draft") -> bool:
    """True or False (left out: False)."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise ParameterError(f"参数 {name} 应为 True 或 False / {name} must be True or False, got {value!r}")
    return value


def _dir(must_exist: bool) -> Callable[[Any, str], Path]:
    return lambda v, n: project_path(v, n, must_exist=must_exist)


def _out_dir(v: Any, n: str) -> Path:
    """An output folder inside the project (created by `validate_parameters`, not by `check`)."""
    return project_path(v, n)


def _results_dir(v: Any, n: str) -> Path:
    """Where a step stores computed tables (created by `validate_parameters`)."""
    return project_path(v, n)


def _file(v: Any, n: str) -> Path:
    return project_path(v, n, must_exist=True)


def _quarter(v: Any, n: str) -> Quarter:
    return parse_quarter(v)


def _month(v: Any, n: str) -> Month:
    return parse_reporting_month(v)


def _later(v: Any, n: str) -> Any:
    """Checked after the others, with them (the catalogue needs the year)."""
    return v


# Each notebook's parameters and how to check them. A test keeps this in step with the
# notebooks' `parameters` cells.
NOTEBOOK_PARAMETERS: dict[str, dict[str, Callable[[Any, str], Any]]] = {
    "01_clean_progress": {"raw_dir": _dir(True), "out_dir": _out_dir, "year": lambda v, n: year(v, n),
                          "catalogue": _later},
    "02_attainment": {"clean_dir": _dir(True), "out_dir": _out_dir, "results_dir": _results_dir,
                      "quarter": _quarter, "draft": lambda v, n: flag(v, n), "catalogue": _later},
    "03_quarterly_bulletin": {"clean_dir": _dir(True), "results_dir": _dir(True), "out_dir": _out_dir,
                              "quarter": _quarter, "draft": lambda v, n: flag(v, n),
                              "issued_on": lambda v, n: date(v, n), "catalogue": _later},
    "05_monthly_dispatch": {"clean_dir": _dir(True), "out_dir": _out_dir, "month": _month,
                            "draft": lambda v, n: flag(v, n), "issued_on": lambda v, n: date(v, n),
                            "catalogue": _later},
    "06_district_bulletin": {"clean_dir": _dir(True), "out_dir": _out_dir, "results_dir": _results_dir,
                             "quarter": _quarter,
                             "district": lambda v, n: district(v, n), "draft": lambda v, n: flag(v, n),
                             "issued_on": lambda v, n: date(v, n), "catalogue": _later},
    "04_annual_assessment": {"clean_dir": _dir(True), "out_dir": _out_dir,
                             "year": lambda v, n: year(v, n), "catalogue": _later},
    "00_start_here": {"clean_dir": _dir(True), "year": lambda v, n: year(v, n), "catalogue": _later},
    "10_explore_item": {"clean_dir": _dir(True), "item": lambda v, n: item_or_indicator(v, n),
                        "as_of_month": lambda v, n: month(v, n), "year": lambda v, n: year(v, n),
                        "catalogue": _later},
    "11_compare_items": {"clean_dir": _dir(True), "as_of_month": lambda v, n: month(v, n),
                         "year": lambda v, n: year(v, n), "catalogue": _later},
}
# Parameters a caller may leave out (their value then is None).
OPTIONAL = frozenset({"catalogue", "draft"})

# Names IPython puts in a kernel's namespace, which are not parameters.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


def check(notebook: str, values: Mapping[str, Any]) -> types.SimpleNamespace:
    """Validate `values` for `notebook`; returns them converted (paths resolved, quarter parsed).

    Raises ParameterError naming the first bad parameter, or any unknown name. Writes nothing
    (it reads the catalogue): the runner plans with it before any work starts.
    """
    spec = NOTEBOOK_PARAMETERS.get(notebook)
    if spec is None:
        raise ParameterError(f"未知笔记本 / unknown notebook {notebook!r}")
    unknown = sorted(set(values) - set(spec))
    if unknown:
        raise ParameterError(f"{notebook} 没有参数 {', '.join(unknown)} / unknown parameter(s) "
                             f"{', '.join(unknown)}; known: {', '.join(spec)}")
    missing = sorted(set(spec) - set(values) - OPTIONAL)
    if missing:
        raise ParameterError(f"{notebook} 缺少参数 / missing parameter(s): {', '.join(missing)}")
    p = types.SimpleNamespace(**{name: fn(values.get(name), name) for name, fn in spec.items()})
    if "catalogue" in spec:
        period = p.quarter if "quarter" in spec else p.month if "month" in spec else None
        p.catalogue = catalogue_for(p.catalogue, period.year if period else p.year)
    return p


def validate_parameters(namespace: Mapping[str, Any], notebook: str) -> types.SimpleNamespace:
    """Validate a notebook's parameters straight from its global namespace.

    Everything the parameters cell (and papermill's injected cell) defined is a plain value;
    modules, functions, classes and IPython's own names are not parameters.
    """
    values = {
        k: v for k, v in namespace.items()
        if not k.startswith("_") and k not in _KERNEL_NAMES
        and not isinstance(v, types.ModuleType | type) and not callable(v)
    }
    p = check(notebook, values)
    for name, fn in NOTEBOOK_PARAMETERS[notebook].items():
        if fn in (_out_dir, _results_dir):   # the notebook writes there
            getattr(p, name).mkdir(parents=True, exist_ok=True)
    return p
