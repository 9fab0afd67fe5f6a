"""The progress texts behind each figure (进展情况, 备注): who wrote what, as of a month, and
what the texts say of the tasks that have no figure (已开展 / 未开展 / 未报送).

A unit's latest text up to the month stands, per indicator and district (全市 for the lead
unit's city-wide report), so a text is always shown with the district that wrote it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from minsheng.catalogue import districts as district_list
from minsheng.config import settings

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


TASK_STATUSES = ("started", "not_started", "no_data")
TASK_COLUMNS = ["task_id", "item_no", "item_name", "source", "reporting_unit", "status", "month"]


def task_progress(tasks: pd.DataFrame, texts: pd.DataFrame,
                  not_started_words: list[str] | None = None) -> pd.DataFrame:
    """Per unquantified task (Catalogue.tasks), as of the texts' month: 已开展 ("started")
    when any latest text of it does not say the work has not begun, 未开展 ("not_started")
    when every one says so (settings `tasks.not_started_words`), 未报送 ("no_data") without
    a text. `month` is the latest text's month (NA without one)."""
    words = settings()["tasks"]["not_started_words"] if not_started_words is None else not_started_words
    written = texts[texts["progress_text"].notna()
                    & (texts["progress_text"].astype(str).str.strip() != "")]
    pattern = "|".join(re.escape(w) for w in words) or r"(?!)"
    says_not = written["progress_text"].astype(str).str.contains(pattern, regex=True)
    per_task = pd.DataFrame({"task_id": written["indicator_id"], "not": says_not,
                             "month": written["month"]}).groupby("task_id")
    all_not, month = per_task["not"].all(), per_task["month"].max()
    out = tasks.copy()
    out["status"] = np.select(
        [~out["task_id"].isin(all_not.index), out["task_id"].map(all_not).eq(True)],
        ["no_data", "not_started"], default="started")
    out["status"] = pd.Categorical(out["status"], categories=TASK_STATUSES)
    out["month"] = out["task_id"].map(month).astype("Int64")
    return out.reindex(columns=TASK_COLUMNS).reset_index(drop=True)
