"""Whether each reporting unit's monthly return arrived, and when (按时 / 逾期 / 未填日期 / 未报送)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from minsheng.catalogue import Catalogue
from minsheng.catalogue.periods import return_due


def submission_status(catalogue: Catalogue, pos: np.ndarray, mo: pd.DataFrame, dates: pd.DataFrame,
                      due_day: int) -> dict[str, Any]:
    """Per reporting unit × month: on_time / late / undated / missing.

    A unit's month has arrived when any input row (clean or not) carries one of its indicators
    and that month; the caller passes pos = -1 for rows another unit sent (NOT_RESPONSIBLE). Its date is the earliest 填报日期 of those rows: on time when on or before
    day `due_day` of the following month; undated when no row has a readable 填报日期. Months
    expected: from the first to the last month reported by anyone in the catalogue's year (no
    clock is read, so a rerun gives the same answer).
    """
    year = catalogue.year
    units = list(dict.fromkeys(catalogue.reportable["reporting_unit"]))
    reporting = catalogue.reportable["reporting_unit"]
    unit_code = np.append(np.array([units.index(u) for u in reporting], dtype=np.int64), -1)
    valid = (pos >= 0) & ~mo["invalid"].to_numpy() & ~mo["out_of_year"].to_numpy()
    if not valid.any():
        return {"due_day": due_day, "months": [], "summary": {}, "by_unit": []}
    d = dates["submitted_on"].to_numpy()[valid]
    never = np.iinfo(np.int64).max
    days = np.where(np.isnat(d), never, d.astype("datetime64[D]").view("int64"))
    month = mo["month"].to_numpy()[valid]
    cell = unit_code[pos[valid]] * 13 + month          # unit × month
    seen = np.bincount(cell, minlength=len(units) * 13) > 0
    first = np.full(len(units) * 13, never, dtype=np.int64)
    np.minimum.at(first, cell, days)
    months_seen = range(int(month.min()), int(month.max()) + 1)
    out = []
    summary = dict.fromkeys(("on_time", "late", "undated", "missing"), 0)
    for u, unit in enumerate(units):
        for m in months_seen:
            due = return_due(year, m, due_day)
            when = None
            if not seen[u * 13 + m]:
                status = "missing"
            elif first[u * 13 + m] == never:
                status = "undated"
            else:
                when = date(1970, 1, 1) + timedelta(days=int(first[u * 13 + m]))
                status = "on_time" if when <= due else "late"
            summary[status] += 1
            out.append({"reporting_unit": unit, "month": f"{year}-{m:02d}", "status": status,
                        "first_submitted_on": when.isoformat() if when else None,
                        "due": due.isoformat()})
    return {"due_day": due_day, "months": [f"{year}-{m:02d}" for m in months_seen],
            "summary": summary, "by_unit": out}


