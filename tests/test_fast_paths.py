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
