"""The ledger contract: what cleaning produces and what attainment reads.

One row per indicator × district × month (区县, or 全市 for city-wide figures) holding the
year-to-date value: cumulative for additive kinds, the current level for levels and rates,
the average per day to date for daily averages. Lineage columns trace every figure to the
submitted row it came from. The schema is defined once, here, with pandera.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pyarrow
import pyarrow.compute as pc

KEY = ["indicator_id", "district", "year", "month"]

# Column → (dtype, nullable, meaning). Order is the column order of ledger.parquet.
COLUMNS: dict[str, tuple[str, bool, str]] = {
    "indicator_id": ("str", False, "指标编号, as in the catalogue"),
    "district": ("str", False, "区县, or 全市 for a city-wide figure"),
    "year": ("int64", False, "统计年份"),
    "month": ("int64", False, "统计月份 1–12"),
    "value": ("float64", True, "累计完成 / current level, year to date; missing when only text was reported"),
    "monthly_value": ("float64", True, "本月完成 as reported"),
    "baseline": ("float64", True, "上年末基数 as reported (levels, directional)"),
    "district_target": ("float64", True, "年度任务 allotted to this district, as reported"),
    "progress_text": ("str", True, "进展情况, verbatim"),
    "remark": ("str", True, "备注, verbatim"),
    "reporting_unit": ("str", True, "填报单位"),
    "submitted_on": ("datetime64[us]", True, "填报日期"),
    "source_file": ("str", False, "submitted file, relative to the raw folder"),
    "source_sheet": ("str", False, "sheet name ('' for CSV)"),
    "source_row": ("int64", False, "1-based row number in the file as a person sees it"),
    "flags": ("str", False, "';'-separated warning codes kept with the row ('' when none)"),
}


def _key_codes(df: pd.DataFrame) -> np.ndarray | None:
    """KEY as one int64 per row (equal keys ↔ equal codes), or None when the columns do not allow it.

    The rule it serves: the ledger holds one row per indicator × district × month. Comparing
    four columns of a million rows is slow, so each column becomes a small integer and the four
    are read as the digits of one number: text columns are dictionary-encoded by arrow (hashed
    in C++, missing → 0), integer columns offset by their minimum; the parts are combined in
    mixed radix (digit i runs over column i's distinct values). None if that could overflow;
    the caller then compares the columns themselves. Checked against a plain
    `DataFrame.duplicated` on random frames in tests/test_fast_paths.py.
    """
    key = np.zeros(len(df), dtype=np.int64)
    span = 1
    for name in KEY:
        col = df[name]
        if isinstance(col.array, pd.arrays.ArrowStringArray):
            encoded = pc.dictionary_encode(pyarrow.chunked_array(col))
            if encoded.num_chunks == 0:
                return key
            indices = pyarrow.chunked_array([c.indices for c in encoded.chunks], type=pyarrow.int32())
            part = pc.fill_null(indices, -1).to_numpy(zero_copy_only=False).astype(np.int64) + 1
            size = len(encoded.chunk(0).dictionary) + 1
        elif isinstance(col.dtype, np.dtype) and col.dtype.kind in "iu":
            values = col.to_numpy()
            if not len(values):
                return key
            low, high = int(values.min()), int(values.max())
            size = high - low + 1
            part = (values - values.dtype.type(low)).astype(np.int64) if size < 1 << 62 else None
        else:
            return None
        span *= size
        if span >= 1 << 62:
            return None
        key = key * size + part
    return key


def one_row_per_key(df: pd.DataFrame) -> pd.Series:
    """False on every row whose KEY occurs more than once (the ledger's uniqueness rule).

    On integer codes: when they increase strictly (a ledger in key order) no key repeats and
    nothing is hashed; otherwise duplicates are found on the int64 codes, not the strings.
    """
    key = _key_codes(df)
    if key is None:
        return ~df.duplicated(KEY, keep=False)
    if len(key) < 2 or bool(np.all(key[1:] > key[:-1])):
        return pd.Series(True, index=df.index)
    return ~pd.Series(key, index=df.index).duplicated(keep=False)


def _schema() -> pa.DataFrameSchema:
    checks = {
        "month": [pa.Check.in_range(1, 12)],
        "value": [pa.Check.ge(0)],
        "district": [pa.Check.str_length(min_value=1)],
    }
    cols = {
        name: pa.Column(dtype, nullable=nullable,
                        checks=checks.get(name, []), coerce=True, required=True)
        for name, (dtype, nullable, _) in COLUMNS.items()
    }
    # A custom check rather than unique=KEY: pandera's unique fails under pandas 3 ("stack").
    unique_key = pa.Check(one_row_per_key, name="one_row_per_key",
                          error="one row per indicator × district × month")
    return pa.DataFrameSchema(cols, checks=[unique_key], strict=True, name="ledger")


LEDGER_SCHEMA = _schema()


def validate(ledger: pd.DataFrame) -> pd.DataFrame:
    """Validate a ledger against the contract (raises pandera's SchemaError on a breach)."""
    # A fresh index: pandera's failure report cannot handle duplicate index labels.
    # The input is returned, not pandera's coerced copy (which would turn [us] into [ns]).
    # inplace: pandera coerces the fresh frame (copy-on-write: the input is never touched)
    # instead of copying every column first.
    LEDGER_SCHEMA.validate(ledger.reset_index(drop=True), lazy=True, inplace=True)
    return ledger


def empty() -> pd.DataFrame:
    """A ledger with no rows and the contract's columns and dtypes."""
    return conform(pd.DataFrame({c: [] for c in COLUMNS}))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Order columns and set dtypes per the contract (missing text stays missing, not "nan").

    Text held as categoricals (the cleaner's in-memory history) becomes `str` through arrow,
    far faster than pandas' astype on a million rows.
    """
    out = frame.reindex(columns=list(COLUMNS))
    for name, (dtype, _, _) in COLUMNS.items():
        col = out[name]
        if dtype == "str" and isinstance(col.dtype, pd.CategoricalDtype):
            out[name] = text_from_codes(list(col.cat.categories), col.cat.codes.to_numpy())
    return out.astype({name: dtype for name, (dtype, _, _) in COLUMNS.items()})


def text_from_codes(uniques: list | tuple, codes: np.ndarray) -> pd.Series:
    """A pandas `str` column from distinct values and codes into them (-1 → missing), built in arrow.

    Much faster than astype("str") on a million Python objects.
    """
    dictionary = pyarrow.array([None if u is None else str(u) for u in uniques],
                               type=pyarrow.large_string())
    codes = np.asarray(codes)
    return pc.take(dictionary, pyarrow.array(codes, mask=codes < 0)).to_pandas()
