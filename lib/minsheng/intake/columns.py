"""The ledger's and the history's columns, built from the cleaner's numbers and codes.

Text is built once per distinct value (a million rows share a few hundred texts), which is
far cheaper than filtering frames of strings.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from minsheng.catalogue import districts
from minsheng.contracts import ledger
from minsheng.contracts.ledger import text_from_codes
from minsheng.intake.flags import flag_names
from minsheng.intake.read import Submissions


def frame(columns: dict[str, np.ndarray], cat: pd.DataFrame, subs: Submissions,
           texts: dict[str, list[str]], categorical: bool = False,
           pool: ThreadPoolExecutor | None = None) -> pd.DataFrame:
    """The ledger's columns from numbers and codes, text built once per distinct value.

    Building text from codes is far cheaper than filtering a frame of a million strings. With
    `categorical`, text columns stay pandas categoricals (the in-memory history: a million rows
    share a few hundred texts); contracts.store writes them with the contract's dtypes.
    """
    def col(name: str) -> np.ndarray:
        return columns[name]

    def text(uniques: list, codes: np.ndarray):
        if categorical:
            return pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype="str"))
        if pool is not None:  # arrow's take releases the GIL: build the columns side by side
            return pool.submit(text_from_codes, uniques, codes)
        return text_from_codes(uniques, codes)

    flag_codes, flag_u = pd.factorize(col("_flags"))
    sheets = list(subs.rows["source_sheet"].cat.categories)
    built = {
        "indicator_id": text(list(cat.index), col("_ind")),
        "district": text(list(districts.names()), col("_dist")),
        "year": col("year"),
        "month": col("month"),
        "value": col("value"),
        "monthly_value": col("monthly_value"),
        "baseline": col("baseline"),
        "district_target": col("district_target"),
        "progress_text": text(texts["progress_text"], col("_text")),
        "remark": text(texts["remark"], col("_remark")),
        "reporting_unit": text(texts["reporting_unit"], col("_unit")),
        "submitted_on": col("submitted_on").astype("datetime64[us]"),
        "source_file": text(subs.files, col("_file")),
        "source_sheet": text(sheets, col("_sheet")),
        "source_row": col("source_row"),
        "flags": text([flag_names(b) for b in flag_u], flag_codes),
    }
    out = pd.DataFrame({k: v.result() if hasattr(v, "result") else v for k, v in built.items()},
                       copy=False)
    return out if categorical else ledger.conform(out)


