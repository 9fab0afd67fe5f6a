"""Parameters: quarter format, paths inside the project, unknown names."""

import datetime as dt
import math

import pytest
from minsheng import config
from minsheng.run.params import (
    ParameterError,
    Quarter,
    check,
    latest_complete_quarter,
    parse_quarter,
    validate_parameters,
)


def test_quarter_parsing():
    assert parse_quarter("2026Q3") == Quarter(2026, 3)
    assert parse_quarter("2026Q3").end_month == 9
    for bad in ("2026Q5", "2026Q0", "2026-Q3", "Q3", "2026q3", ""):
        with pytest.raises(ParameterError, match="2026Q3"):
            parse_quarter(bad)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (dt.date(2026, 11, 29), Quarter(2026, 3)),
        (dt.date(2026, 10, 1), Quarter(2026, 3)),
        (dt.date(2026, 9, 30), Quarter(2026, 2)),
        (dt.date(2027, 2, 1), Quarter(2026, 4)),
    ],
)
def test_latest_complete_quarter(today, expected):
    assert latest_complete_quarter(today) == expected


def test_paths_must_stay_inside_the_project():
    ok = check("01_clean_progress", {"raw_dir": "data", "out_dir": "build/x", "year": 2026})
    assert ok.raw_dir == config.ROOT / "data"
    for bad in ("/etc", "../outside", "data/../../x"):
        with pytest.raises(ParameterError, match="outside the project"):
            check("01_clean_progress", {"raw_dir": "data", "out_dir": bad, "year": 2026})


def test_unknown_and_missing_names():
    with pytest.raises(ParameterError, match="unknown parameter.*quater"):
        check("02_attainment", {"clean_dir": "data", "out_dir": "build", "quarter": "2026Q3",
                                "quater": "2026Q2"})
    with pytest.raises(ParameterError, match="missing parameter.*quarter"):
        check("02_attainment", {"clean_dir": "data", "out_dir": "build"})


def test_namespace_validation_ignores_modules_functions_and_ipython_names():
    namespace = {"math": math, "check": check, "In": [], "Out": {}, "_": None,
                 "raw_dir": "data", "out_dir": "build/c", "year": 2026}
    assert validate_parameters(namespace, "01_clean_progress").year == 2026
    namespace["yaer"] = 2026
    with pytest.raises(ParameterError, match="yaer"):
        validate_parameters(namespace, "01_clean_progress")


def test_year_needs_a_catalogue():
    with pytest.raises(ParameterError, match="1999"):
        check("01_clean_progress", {"raw_dir": "data", "out_dir": "build", "year": 1999})
