"""Lights (亮灯) of the monthly dispatch (月调度): one per indicator per month, from its status.

A light is the indicator's status against 序时进度 (rules.status, the bulletin's thresholds) in
the colours offices dispatch by:

| status           | light                                                            |
|------------------|------------------------------------------------------------------|
| completed        | completed (已完成: its own, fifth colour)                         |
| on_schedule      | green                                                            |
| slightly_behind  | settings dispatch.behind_light: green (default) or yellow         |
| lagging          | yellow                                                           |
| severely_lagging | red                                                              |
| no_data          | no_data (未报送: no colour)                                        |

Before escalation (`base_light`) the light is a function of the status alone, so at a
quarter's last month it agrees with the bulletin indicator by indicator.

Escalation: an indicator behind schedule whose attainment has not gone up for
dispatch.no_progress_months consecutive months (its figure stood still or fell, or no new
figure came) goes up one colour: green → yellow, yellow → red (red stays red). `escalated`
and `escalation` (the reason code, NO_PROGRESS) mark it; as soon as the figure moves towards
the target again the light is its status's once more.

History: `lights_from_tables` takes the indicator tables of consecutive months (each
rules.attainment.table_at) and gives one row per indicator × month: the light, the months it
has been lit that colour without a break (`months_in_light`), the light of the month before and
how it changed (CHANGES). Pure: codes and numbers, no text.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from minsheng.catalogue import Catalogue
from minsheng.config import settings
from minsheng.rules.attainment import table_at
from minsheng.rules.status import BEHIND_SCHEDULE, classify_gap

LIGHTS = ("completed", "green", "yellow", "red", "no_data")
# The colours a light can be raised through, in order (completed and no_data are not raised).
RAISABLE = ("green", "yellow", "red")
NO_PROGRESS = "no_progress"
# How a light moved since the month before, in the order documents list them.
CHANGES = ("new_red", "new_yellow", "eased", "recovered", "completed")
# Worst first: a group's light (a unit's, a district's) is the worst of its indicators'.
SEVERITY = ("red", "yellow", "green", "completed", "no_data")
# A rise in attainment smaller than this is no progress (float noise of equal figures).
EPSILON = 1e-9

HISTORY_COLUMNS = ["indicator_id", "month", "status", "value", "data_month", "attainment",
                   "expected", "gap_points", "base_light", "stalled_months", "escalated",
                   "escalation", "light", "months_in_light", "previous_light", "change"]


def _policy(behind_light: str | None, no_progress_months: int | None) -> tuple[str, int]:
    conf = settings()["dispatch"]
    behind = behind_light or conf["behind_light"]
    months = int(no_progress_months if no_progress_months is not None
                 else conf["no_progress_months"])
    if behind not in ("green", "yellow"):
        raise ValueError(f"dispatch.behind_light must be green or yellow, got {behind!r}")
    if months < 1:
        raise ValueError(f"dispatch.no_progress_months must be at least 1, got {months}")
    return behind, months


def status_lights(status: pd.Series, behind_light: str | None = None) -> pd.Series:
    """The light of each status code (before escalation); "" (no status) has no light (NaN)."""
    behind, _ = _policy(behind_light, None)
    by_status = {"completed": "completed", "on_schedule": "green", "slightly_behind": behind,
                 "lagging": "yellow", "severely_lagging": "red", "no_data": "no_data"}
    codes = status.astype(object).where(status.notna(), "").astype(str)
    unknown = set(codes) - set(by_status) - {""}
    if unknown:
        raise ValueError(f"no light for status {sorted(unknown)}")
    return codes.map(by_status).rename("light")


def raised(light: pd.Series) -> pd.Series:
    """Each light one colour up (green → yellow → red; red, completed, no_data unchanged)."""
    up = dict(zip(RAISABLE, (*RAISABLE[1:], RAISABLE[-1]), strict=True))
    return light.map(lambda c: up.get(c, c))


def _runs(flags: np.ndarray) -> np.ndarray:
    """Row-wise length of the run of True ending at each column (0 where False)."""
    out = np.zeros(flags.shape, dtype=np.int64)
    for j in range(flags.shape[1]):
        out[:, j] = np.where(flags[:, j], (out[:, j - 1] if j else 0) + 1, 0)
    return out


def stalled_months(attainment: pd.DataFrame) -> pd.DataFrame:
    """Indicators (rows) × consecutive months (columns, in order): the months in a row, up to
    each month, in which attainment did not go up from the month before (0 where it rose, was
    first reported, or is unknown)."""
    values = attainment.to_numpy(dtype=float)
    before = np.hstack([np.full((len(values), 1), np.nan), values[:, :-1]])
    still = ~np.isnan(values) & ~np.isnan(before) & ~(values > before + EPSILON)
    return pd.DataFrame(_runs(still), index=attainment.index, columns=attainment.columns)


def months_lit(lights: pd.DataFrame) -> pd.DataFrame:
    """Indicators × consecutive months of light codes: the months in a row, up to each month,
    the light has been that colour (1 the month it changed)."""
    codes = lights.to_numpy(dtype=object)
    same = np.zeros(codes.shape, dtype=bool)
    same[:, 1:] = codes[:, 1:] == codes[:, :-1]
    runs = _runs(same) + 1
    return pd.DataFrame(runs, index=lights.index, columns=lights.columns)


def light_changes(before: pd.Series, now: pd.Series) -> pd.Series:
    """How each light moved from `before` to `now` (a code of CHANGES, "" for none; "" for all
    when there is no month before, `before` all "")."""
    b, n = before.astype(str), now.astype(str)
    first = b == ""
    conditions = [
        (n == "red") & (b != "red"),
        (n == "yellow") & ~b.isin(["yellow", "red"]),
        (n == "yellow") & (b == "red"),
        (n == "green") & b.isin(["yellow", "red"]),
        (n == "completed") & (b != "completed"),
    ]
    out = np.select(conditions, list(CHANGES), default="")
    return pd.Series(np.where(first, "", out), index=now.index, name="change")


def lights_from_tables(tables: Mapping[int, pd.DataFrame], *, behind_light: str | None = None,
                       no_progress_months: int | None = None) -> pd.DataFrame:
    """The lights of every indicator in every month of `tables` (month → indicator table at its
    end, months consecutive), one row per indicator × month (HISTORY_COLUMNS), indicators in
    the tables' order. Settings give the behind band's light and the months of no progress
    that raise a light, unless passed here."""
    behind, n_months = _policy(behind_light, no_progress_months)
    months = sorted(tables)
    if not months:
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    if months != list(range(months[0], months[0] + len(months))):
        raise ValueError(f"months must be consecutive, got {months}")
    ids = list(tables[months[0]]["indicator_id"])
    keep = HISTORY_COLUMNS[:8]
    long = pd.concat([tables[m].assign(month=m)[keep] for m in months], ignore_index=True)
    long["status"] = long["status"].astype(str)

    def wide(column: str) -> pd.DataFrame:
        return long.pivot(index="indicator_id", columns="month", values=column).reindex(ids)

    def back(frame: pd.DataFrame) -> pd.Series:
        stacked = frame.stack(future_stack=True).rename("v").reset_index()
        return long[["indicator_id", "month"]].merge(stacked, on=["indicator_id", "month"],
                                                     how="left")["v"]

    long["base_light"] = status_lights(long["status"], behind)
    long["stalled_months"] = back(stalled_months(wide("attainment"))).astype("int64")
    escalate = (long["status"].isin(BEHIND_SCHEDULE) & (long["stalled_months"] >= n_months)
                & long["base_light"].isin(RAISABLE[:-1]))
    long["escalated"] = escalate.to_numpy()
    long["escalation"] = np.where(escalate, NO_PROGRESS, "")
    long["light"] = long["base_light"].where(~escalate, raised(long["base_light"]))
    lights = wide("light")
    long["months_in_light"] = back(months_lit(lights)).astype("int64")
    previous = lights.shift(1, axis=1).fillna("")
    long["previous_light"] = back(previous).fillna("").astype(str)
    long["change"] = light_changes(long["previous_light"], long["light"]).to_numpy()
    return long[HISTORY_COLUMNS]


def lights_through(catalogue: Catalogue, ledger: pd.DataFrame, year: int, month: int,
                   **policy) -> pd.DataFrame:
    """`lights_from_tables` over months 1..`month` of the ledger (rules.attainment.table_at)."""
    tables = {m: table_at(catalogue, ledger, year, m) for m in range(1, month + 1)}
    return lights_from_tables(tables, **policy)


def lights_at(history: pd.DataFrame, month: int) -> pd.DataFrame:
    """The rows of one month of a light history, numbered from 0."""
    return history[history["month"] == month].reset_index(drop=True)


def district_lights(detail: pd.DataFrame, behind_light: str | None = None) -> pd.DataFrame:
    """A district detail (rules.rollup.district_detail) with each row's status and light: by
    its gap to 序时进度 like an indicator's, completed when the district's figure meets its
    allotted task; no_data without a figure; no status and no light (NaN) without an allotted
    task. Districts are not escalated (their months are not followed)."""
    gap = detail["gap_points"]
    status = np.where(detail["value"].isna(), "no_data",
                      np.where(detail["attainment"].isna(), "",
                               np.where(detail["attainment"] >= 1, "completed",
                                        classify_gap(gap.fillna(0)))))
    status = pd.Series(status, index=detail.index, name="status")
    return detail.assign(status=status, light=status_lights(status, behind_light))


def worst_light(lights: pd.Series) -> str | None:
    """The worst of some lights by SEVERITY (None when there is none)."""
    present = set(lights.dropna().astype(str))
    return next((c for c in SEVERITY if c in present), None)
