"""The shipped sample against the generator's truth: every catalogued defect
(data/sample/README.md) is repaired, flagged or quarantined with its reason, and no row is lost."""

import numpy as np
import pandas as pd
import pytest
from minsheng import config
from minsheng.catalogue import load_catalogue
from minsheng.intake.clean import clean

KEY = ["indicator_id", "district", "year", "month"]


@pytest.fixture(scope="module")
def result():
    return clean(config.SAMPLE_RAW, load_catalogue(2026))


@pytest.fixture(scope="module")
def truth():
    return pd.read_csv(config.DATA / "sample" / "truth.csv", dtype={"defects": str})


@pytest.fixture(scope="module")
def merged(result, truth):
    led = result.ledger[KEY + ["value", "flags", "progress_text"]]
    return truth.merge(led, on=KEY, how="left", suffixes=("_truth", ""), indicator=True)


def _same(a: pd.Series, b: pd.Series) -> pd.Series:
    return np.isclose(a, b, equal_nan=True) | (a.isna() & b.isna())


def test_nothing_is_lost(result):
    q = result.quality
    assert q.rows_in == q.rows_clean + q.rows_quarantined + q.rows_duplicate
    assert q.files_read == 170 and q.files_rejected == []


def test_every_truth_key_reaches_the_ledger_unless_quarantined(merged):
    lost = merged[(merged["_merge"] == "left_only") & (merged["expect"] != "unrecoverable")]
    assert lost.empty, lost[KEY].head()


def test_exact_and_flagged_rows_recover_the_true_figure(merged):
    rows = merged[merged["expect"].isin(["exact", "flagged"])]
    wrong = rows[~_same(rows["value_truth"].astype(float), rows["value"].astype(float))]
    assert wrong.empty, wrong[KEY + ["value_truth", "value", "defects"]].head()
    # A fraction in a %-formatted cell is read as the percent the cell shows (83.3 %), so it
    # needs no flag; every other repair the generator expects to be flagged is.
    flagged = merged[(merged["expect"] == "flagged")
                     & ~merged["defects"].str.contains("percent_fraction_formatted")]
    assert len(flagged) and (flagged["flags"].fillna("") != "").all()


DEFECTS = ["thousands", "none_blank", "short_name", "none_slash", "wan", "percent_text",
           "none_dash", "fullwidth", "percent_fraction_formatted", "superseded",
           "trailing_space", "id_variant", "approx_prefix", "chinese_numeral", "approx_suffix",
           "percent_fraction", "cum_decrease", "formula_prefix", "wan_missing", "negative",
           "x10000"]


@pytest.mark.parametrize("defect", DEFECTS)
def test_each_catalogued_defect(merged, result, defect):
    rows = merged[merged["defects"].fillna("").str.contains(rf"(?:^|[;:]){defect}(?:;|$)")]
    assert len(rows), f"the sample no longer contains {defect}"
    for _, r in rows.iterrows():
        if r["expect"] in ("exact", "flagged"):
            assert _same(pd.Series([r["value_truth"]], dtype=float), pd.Series([r["value"]], dtype=float)).all(), r.to_dict()
        elif r["expect"] == "policy":   # "—", "/", blank: missing, never an invented figure
            assert pd.isna(r["value"]) or np.isclose(r["value"], r["value_truth"]), r.to_dict()
        else:                            # unrecoverable: quarantined, or kept with a warning
            kept_with_warning = r["_merge"] == "both" and r["flags"]
            quarantined = r["_merge"] == "left_only"
            assert kept_with_warning or quarantined, r.to_dict()


def test_unrecoverable_rows_carry_their_reason(result):
    assert result.quality.quarantine_by_code == {
        "CODE_UNKNOWN": 1, "MONTH_OUT_OF_YEAR": 1, "NEGATIVE": 1, "IMPLAUSIBLE": 1}
    assert result.quality.warnings["CUMULATIVE_DECREASE"] >= 2
    assert result.quality.warnings["LIKELY_WAN"] >= 1
    assert result.quarantine["reason"].str.len().gt(0).all()


def test_layout_defects_are_skipped_or_counted(result):
    q = result.quality
    assert q.rows_duplicate == 12
    assert q.rows_skipped["note"] > 0 and q.rows_skipped["blank"] > 0
    assert q.rows_skipped["total"] == 28     # 合计 rows of 市残联
    assert q.revisions_applied > 0


def test_formula_like_text_is_kept_verbatim(result):
    texts = result.ledger["progress_text"].dropna()
    assert texts.str.startswith(("=", "@")).sum() >= 2
