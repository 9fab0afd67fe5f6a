"""Hand-typed figures: one test per way units write them (expected values by hand)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from minsheng.intake import figures as numbers
from minsheng.intake.figures import parse_number, parse_numbers, percent_points


def one(text):
    """parse_numbers on a one-cell column, as a dict (the vectorized path)."""
    row = parse_numbers(pd.Series([text], dtype="str")).iloc[0]
    return {k: (bool(v) if k != "value" else v) for k, v in row.items()}


@pytest.mark.parametrize(("text", "value"), [("1.2万", 12000.0), ("1.15万", 11500.0), ("2亿", 2e8),
                                             ("3千", 3000.0), ("2.7万人次", 27000.0)])
def test_wan_is_multiplied_out_exactly(text, value):
    got = one(text)
    assert got["value"] == value  # exact: 1.15 × 10000 in binary floats would be 11499.999…
    assert got["multiplied"] and not got["invalid"]


def test_thousands_separator():
    assert one("3,000")["value"] == 3000.0
    assert one("1,234,567.5")["value"] == 1234567.5
    assert one("1,2")["invalid"]  # not a thousands grouping: refuse to guess


def test_full_width_digits():
    assert one("１２００")["value"] == 1200.0
    assert one("１，２００")["value"] == 1200.0  # full-width comma too
    assert one("－３０")["value"] == -30.0


@pytest.mark.parametrize("text", ["约3000", "大约3000", "近3000", "超过3000"])
def test_approximate_prefix_is_repaired_and_flagged(text):
    got = one(text)
    assert got["value"] == 3000.0 and got["approx"]


@pytest.mark.parametrize("text", ["3000余", "3000多", "3000左右", "3000余人", "约3000多"])
def test_approximate_suffix_is_repaired_and_flagged(text):
    got = one(text)
    assert got["value"] == 3000.0 and got["approx"]


@pytest.mark.parametrize(("text", "value"), [("三千二百", 3200.0), ("一万二", 12000.0),
                                             ("两千", 2000.0), ("十二", 12.0), ("一万二千五百", 12500.0)])
def test_chinese_numerals(text, value):
    got = one(text)
    assert got["value"] == value and got["chinese"]


@pytest.mark.parametrize("text", ["", "   ", "—", "——", "-", "/", "无", "暂无", "N/A", None])
def test_placeholders_are_missing_not_zero(text):
    got = one(text)
    assert got["missing"] and not got["invalid"]
    assert math.isnan(got["value"])


def test_zero_stays_zero():
    got = one("0")
    assert got["value"] == 0.0 and not got["missing"]


def test_percent_sign_gives_percent_number():
    got = one("55%")
    assert got["value"] == 55.0 and got["percent"]
    assert one("５５％")["value"] == 55.0


def test_fraction_for_percent_indicator_becomes_percent_number():
    value = pd.Series([0.55, 55.0, 0.55, 0.5, 1.0, 0.55])
    sign = np.array([False, False, True, False, False, False])
    pct = np.array([True, True, True, True, True, False])  # last: not a percent indicator
    out, scaled = percent_points(value, sign, pct)
    assert out.tolist() == [55.0, 55.0, 0.55, 50.0, 1.0, 0.55]
    assert scaled.tolist() == [True, False, False, True, False, False]


def test_negative_is_parsed_not_hidden():
    assert one("-3000")["value"] == -3000.0
    assert one("−3000")["value"] == -3000.0  # U+2212 minus sign


@pytest.mark.parametrize("text", ["见附件", "abc", "inf", "1.2.3", "万", "约"])
def test_unparseable_is_invalid(text):
    got = one(text)
    assert got["invalid"] and math.isnan(got["value"])


def test_unit_word_after_figure_is_dropped():
    assert one("3000人")["value"] == 3000.0
    assert one("12.5公里")["value"] == 12.5


def test_vectorized_equals_scalar():
    texts = ["1.2万", "3,000", "１２００", "约3000", "3000余", "三千二百", "—", "", "55%", "-5",
             "abc", "12", "0.55", None, "3000多"]
    frame = parse_numbers(pd.Series(texts, dtype="str"))
    for text, (_, row) in zip(texts, frame.iterrows(), strict=True):
        scalar = parse_number(text)
        assert (math.isnan(scalar.value) and math.isnan(row["value"])) or scalar.value == row["value"], text
        for flag in numbers.FLAG_COLUMNS:
            assert bool(row[flag]) == getattr(scalar, flag), (text, flag)


def test_plain_numbers_never_reach_the_slow_path(monkeypatch):
    def boom(_):
        raise AssertionError("slow path used for a plain number")

    monkeypatch.setattr(numbers, "parse_number", boom)
    out = parse_numbers(pd.Series([str(i) for i in range(1000)] + [None], dtype="str"))
    assert out["value"].iloc[:1000].tolist() == [float(i) for i in range(1000)]
    assert out["missing"].tolist() == [False] * 1000 + [True]


def test_slow_path_runs_once_per_distinct_text(monkeypatch):
    calls = []
    real = numbers.parse_number

    def counting(text):
        calls.append(text)
        return real(text)

    monkeypatch.setattr(numbers, "parse_number", counting)
    out = parse_numbers(pd.Series(["1.2万"] * 500 + ["7"] * 500, dtype="str"))
    assert calls == ["1.2万"]
    assert out["value"].tolist() == [12000.0] * 500 + [7.0] * 500


def test_spreadsheet_objects_and_index_are_kept():
    s = pd.Series([1, 2.5, None, "x", "3,000"], index=[10, 11, 12, 13, 14], dtype=object)
    out = parse_numbers(s)
    assert out.index.tolist() == [10, 11, 12, 13, 14]
    assert out["value"].tolist()[:2] == [1.0, 2.5]
    assert out["missing"].tolist() == [False, False, True, False, False]
    assert out["invalid"].tolist() == [False, False, False, True, False]
    assert out["value"].iloc[4] == 3000.0
