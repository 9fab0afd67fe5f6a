"""The ledger contract: what cleaning produces and what attainment reads.

One row per indicator × district × month (区县, or 全市 for city-wide figures) holding the
year-to-date value: cumulative for additive kinds, the current level for levels and rates,
the average per day to date for daily averages. Lineage columns trace every figure to the
submitted row it came from. The schema is defined once, here, with pandera.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from minsheng.config import CITYWIDE

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
    one_row_per_key = pa.Check(lambda df: ~df.duplicated(KEY, keep=False), name="one_row_per_key",
                               error="one row per indicator × district × month")
    return pa.DataFrameSchema(cols, checks=[one_row_per_key], strict=True, name="ledger")


LEDGER_SCHEMA = _schema()


def validate(ledger: pd.DataFrame) -> pd.DataFrame:
    """Validate a ledger against the contract (raises pandera's SchemaError on a breach)."""
    # A fresh index: pandera's failure report cannot handle duplicate index labels.
    # The input is returned, not pandera's coerced copy (which would turn [us] into [ns]).
    LEDGER_SCHEMA.validate(ledger.reset_index(drop=True), lazy=True)
    return ledger


def empty() -> pd.DataFrame:
    """A ledger with no rows and the contract's columns and dtypes."""
    return conform(pd.DataFrame({c: [] for c in COLUMNS}))


def conform(frame: pd.DataFrame) -> pd.DataFrame:
    """Order columns and set dtypes per the contract (missing text stays missing, not "nan")."""
    out = frame.reindex(columns=list(COLUMNS))
    return out.astype({name: dtype for name, (dtype, _, _) in COLUMNS.items()})


def citywide(ledger: pd.DataFrame) -> pd.Series:
    """Boolean mask of rows that are city-wide figures (全市)."""
    return ledger["district"] == CITYWIDE


def read(clean_dir) -> pd.DataFrame:
    """Read `ledger.parquet` from a cleaning output folder, checked against the contract."""
    from pathlib import Path

    path = Path(clean_dir) / "ledger.parquet"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no ledger here; run `minsheng clean` first")
    return validate(conform(pd.read_parquet(path)))
