"""Parameters: quarter format, paths inside the project, unknown names."""

import datetime as dt
import math

import pytest
from minsheng import config
from minsheng.catalogue.periods import Quarter
from minsheng.run.params import (
    ParameterError,
    check,
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
    [   # returns are due on the 5th of the next month; 'latest' waits until the day after
        (dt.date(2026, 11, 29), Quarter(2026, 3)),
        (dt.date(2026, 10, 6), Quarter(2026, 3)),
        (dt.date(2026, 10, 5), Quarter(2026, 2)),   # September's returns still coming in
        (dt.date(2026, 10, 1), Quarter(2026, 2)),
        (dt.date(2027, 1, 8), Quarter(2026, 4)),
        (dt.date(2027, 1, 3), Quarter(2026, 3)),
    ],
)
def test_latest_is_the_latest_quarter_whose_returns_are_in(today, expected):
    assert parse_quarter("latest", today=today) == expected


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


def test_catalogue_defaults_to_the_years_and_must_match_it(tmp_path):
    import shutil

    import yaml

    p = check("01_clean_progress", {"raw_dir": "data", "out_dir": "build", "year": 2026})
    assert p.catalogue.path == config.TARGETS / "2026.yaml" and p.catalogue.year == 2026
    doc = yaml.safe_load((config.TARGETS / "2026.yaml").read_text(encoding="utf-8"))
    other = config.ROOT / "build" / "test-params" / "2031.yaml"
    other.parent.mkdir(parents=True, exist_ok=True)
    try:
        other.write_text(yaml.safe_dump({**doc, "year": 2031}, allow_unicode=True), encoding="utf-8")
        # An explicit catalogue of another year: no data/targets/2031.yaml needed.
        p = check("04_annual_assessment", {"clean_dir": "data", "out_dir": "build", "year": 2031,
                                           "catalogue": "build/test-params/2031.yaml"})
        assert p.catalogue.year == 2031 and p.catalogue.path == other
        with pytest.raises(ParameterError, match="is for 2031, not 2026"):
            check("02_attainment", {"clean_dir": "data", "out_dir": "build", "results_dir": "build",
                                    "quarter": "2026Q3", "catalogue": "build/test-params/2031.yaml"})
        other.write_text("year: 2031\ntitle: x\n", encoding="utf-8")
        with pytest.raises(ParameterError, match="catalogue not usable.*notice"):
            check("01_clean_progress", {"raw_dir": "data", "out_dir": "build", "year": 2031,
                                        "catalogue": "build/test-params/2031.yaml"})
    finally:
        shutil.rmtree(other.parent, ignore_errors=True)
    outside = tmp_path / "2026.yaml"
    outside.write_text("year: 2026\n", encoding="utf-8")
    with pytest.raises(ParameterError, match="outside the project"):
        check("01_clean_progress", {"raw_dir": "data", "out_dir": "build", "year": 2026,
                                    "catalogue": str(outside)})


def test_quarter_within_a_year():
    today = dt.date(2026, 11, 29)
    assert parse_quarter("latest", today, year=2026) == Quarter(2026, 3)
    assert parse_quarter("latest", today, year=2025) == Quarter(2025, 4)   # a year that has ended
    assert parse_quarter("2025Q2", today, year=2025) == Quarter(2025, 2)
    with pytest.raises(ParameterError, match="2027"):
        parse_quarter("latest", today, year=2027)
    with pytest.raises(ParameterError, match="2026Q3 is not in 2025"):
        parse_quarter("2026Q3", today, year=2025)
