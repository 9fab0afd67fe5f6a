"""The progress texts behind each figure (进展情况, 备注): who wrote what, as of a month.

A unit's latest text up to the month stands, per indicator and district (全市 for the lead
unit's city-wide report), so a text is always shown with the district that wrote it.
"""

from __future__ import annotations

import pandas as pd

from minsheng.catalogue import districts as district_list

COLUMNS = ["indicator_id", "district", "month", "progress_text", "remark"]


def latest_texts(ledger: pd.DataFrame, year: int, month: int) -> pd.DataFrame:
    """Per indicator × district, the latest non-empty progress text and remark up to `month`."""
    led = ledger[(ledger["year"] == year) & (ledger["month"] <= month)]
    parts = []
    for column in ("progress_text", "remark"):
        has = led[led[column].notna() & (led[column].astype(str).str.strip() != "")]
        latest = has.sort_values("month").groupby(["indicator_id", "district"], sort=False).tail(1)
        parts.append(latest.set_index(["indicator_id", "district"])[["month", column]]
                     .rename(columns={"month": f"month_{column}"}))
    out = pd.concat(parts, axis=1).reset_index()
    if not len(out):
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "month" else "str") for c in COLUMNS})
    out["month"] = out[["month_progress_text", "month_remark"]].max(axis=1).astype("int64")
    order = district_list.order()
    out = out.assign(_d=out["district"].map(order)).sort_values(["indicator_id", "_d"])
    return out[COLUMNS].reset_index(drop=True)
