"""One district's share of the indicators: its rows of the district detail judged by the city's
rules against its own allotted task, and which months of a period it returned a figure for.

A district's indicator is judged as the city's are (rules.status.classify, the same 序时进度
and thresholds), with its allotted task (district_target) in place of the city's target:
completed when its figure meets its task by the indicator's comparator, otherwise by its gap;
no_data without a figure or without a task. Returns per month: "value" (a row with a figure),
"blank" (a row without one: an earlier figure is carried) or "none" (no row that month).
Pure: frames in, frames out; no text.
"""

from __future__ import annotations

import pandas as pd

from minsheng.catalogue.kinds import meets
from minsheng.rules.rollup import CAP
from minsheng.rules.status import classify

RETURN_CODES = ("value", "blank", "none")


def district_status(detail: pd.DataFrame, comparators: pd.Series) -> pd.DataFrame:
    """Rows of rollup.district_detail with `reached` (the figure meets the allotted task),
    `status` (classify) and `attainment_capped` added. `comparators`: per indicator_id."""
    comparator = detail["indicator_id"].map(comparators).fillna(">=")
    task = detail["district_target"].astype(float)
    reached = meets(detail["value"].astype(float), comparator, task) & (task > 0)
    status = classify(detail["attainment"], detail["expected"], reached)
    return detail.assign(reached=reached.to_numpy(), status=status.to_numpy(),
                         attainment_capped=detail["attainment"].clip(upper=CAP))


def monthly_returns(ledger: pd.DataFrame, year: int, months: list[int], district: str,
                    indicator_ids: list[str]) -> pd.DataFrame:
    """Per indicator (rows, in the order given) and month (columns): what `district` returned,
    one of RETURN_CODES."""
    led = ledger[(ledger["year"] == year) & (ledger["district"] == district)
                 & ledger["month"].isin(months) & ledger["indicator_id"].isin(indicator_ids)]
    keys = list(zip(led["indicator_id"], led["month"].astype(int), strict=True))
    rows = set(keys)
    valued = {k for k, has in zip(keys, led["value"].notna(), strict=True) if has}
    codes = [["value" if (i, m) in valued else "blank" if (i, m) in rows else "none"
              for m in months] for i in indicator_ids]
    return pd.DataFrame(codes, index=pd.Index(indicator_ids, name="indicator_id"),
                        columns=pd.Index(months, name="month"), dtype=str)
