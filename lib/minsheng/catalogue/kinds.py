"""The kinds of target and how each behaves: the one table every stage reads.

| kind          | additive | scheduled | baseline | ratio | example in the notice          |
|---------------|----------|-----------|----------|-------|--------------------------------|
| increment     | yes      | yes       |          | yes   | 完成老旧小区改造600个            |
| level         |          | yes       | yes      |       | 托育服务点覆盖率达到55%          |
| daily_average |          |           |          | yes   | 日均预警劝阻不低于2.7万人次       |
| directional   |          |           | yes      |       | 案均损失金额同比下降              |
| coverage      | yes      | yes       |          | yes   | 项目点各区县全覆盖               |
| deliverable   | yes      | yes       |          | yes   | 建成数字化平台                   |

additive: district figures may be summed into a city figure (a rate never is).
scheduled: attainment is a share of the year's work, compared with 序时进度; the others stand
against a level at every point of the year (expected 100 %) and are judged at year end.
baseline: measured from a start-of-year or reference baseline (上年末基数 / 前三年平均).
signed: the ledger value may be negative (none today: every reported figure is a count, a
level or an amount).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Kind:
    additive: bool
    scheduled: bool
    baseline: bool
    ratio: bool
    signed: bool = False


KIND_TABLE: dict[str, Kind] = {
    "increment": Kind(additive=True, scheduled=True, baseline=False, ratio=True),
    "level": Kind(additive=False, scheduled=True, baseline=True, ratio=False),
    "daily_average": Kind(additive=False, scheduled=False, baseline=False, ratio=True),
    "directional": Kind(additive=False, scheduled=False, baseline=True, ratio=False),
    "coverage": Kind(additive=True, scheduled=True, baseline=False, ratio=True),
    "deliverable": Kind(additive=True, scheduled=True, baseline=False, ratio=True),
}
KINDS = tuple(KIND_TABLE)


def _having(attr: str) -> frozenset[str]:
    return frozenset(k for k, v in KIND_TABLE.items() if getattr(v, attr))


ADDITIVE_KINDS = _having("additive")
SCHEDULED_KINDS = _having("scheduled")
BASELINE_KINDS = _having("baseline")
RATIO_KINDS = _having("ratio")
# Standing kinds: measured against a level at every point of the year (expected 100 %).
STANDING_KINDS = frozenset(KINDS) - SCHEDULED_KINDS
SIGNED_KINDS = _having("signed")

COMPARATORS = (">=", ">", "<=", "<")
_OPS = {">=": np.greater_equal, ">": np.greater, "<=": np.less_equal, "<": np.less}


def meets(value: pd.Series, comparator: pd.Series, target: pd.Series) -> pd.Series:
    """Whether `value` satisfies `comparator target`, row by row (missing value → False)."""
    out = pd.Series(False, index=value.index)
    for op, fn in _OPS.items():
        sel = comparator == op
        out[sel] = fn(value[sel], target[sel]).fillna(False).astype(bool)
    return out & value.notna()


def meets_one(value: float, comparator: str, target: float) -> bool:
    """`meets` for one figure (missing value or target → False)."""
    if pd.isna(value) or pd.isna(target):
        return False
    return bool(_OPS[comparator](value, target))
