"""Code written for speed (mixed-radix keys, bit flags, shifted fills) against plain
reference implementations of the same rule, on random inputs."""

import numpy as np
import pandas as pd
import pytest
from minsheng.contracts.ledger import KEY, one_row_per_key


def _random_keys(rng, n):
    ids = np.array(["MS01-01", "MS01-02", "MS02-01", "MS03-04"], dtype=object)
    districts = np.array(["全市", "万州区", "涪陵区", None], dtype=object)
    frame = pd.DataFrame({
        "indicator_id": pd.array(rng.choice(ids, n), dtype="str"),
        "district": pd.array(rng.choice(districts, n), dtype="str"),
        "year": rng.integers(2025, 2028, n).astype("int64"),
        "month": rng.integers(1, 13, n).astype("int64"),
    })
    return frame


@pytest.mark.parametrize("seed", range(20))
def test_one_row_per_key_matches_plain_duplicated(seed):
    rng = np.random.default_rng(seed)
    frame = _random_keys(rng, int(rng.integers(0, 60)))
    want = ~frame.duplicated(KEY, keep=False)       # the rule, written plainly
    assert one_row_per_key(frame).tolist() == want.tolist()


def test_one_row_per_key_on_a_sorted_ledger_and_object_columns():
    rng = np.random.default_rng(7)
    frame = _random_keys(rng, 200).drop_duplicates(KEY).sort_values(KEY).reset_index(drop=True)
    assert one_row_per_key(frame).all()
    objects = frame.astype({"indicator_id": object, "district": object})   # the fallback path
    doubled = pd.concat([objects, objects.head(1)], ignore_index=True)
    assert one_row_per_key(doubled).tolist() == (~doubled.duplicated(KEY, keep=False)).tolist()


def test_column_texts_read_every_cell_as_cell_text_does():
    """The workbook reader's inlined loop against `cell_text`, on every kind of cell calamine
    gives (and a few it might)."""
    from datetime import date, datetime, time, timedelta

    from minsheng.intake.workbook import _column_texts, cell_text

    cells = ["", "文字", " 3 ", 0.0, -0.0, 3000.0, 0.55, 1e15, 1e16, -2.5e-7, float("nan"),
             float("inf"), 7, True, False, None, date(2026, 3, 1), datetime(2026, 3, 1),
             datetime(2026, 3, 1, 8, 30), time(8, 30), timedelta(days=2)]
    assert _column_texts(cells) == [cell_text(v) for v in cells]
