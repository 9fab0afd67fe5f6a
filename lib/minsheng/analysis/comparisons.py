"""All items side by side: the gap to 序时进度 by item and month, the indicators that moved
most, and the league of responsible units."""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.analysis.lineage import submission_record
from minsheng.analysis.workspace import Workspace, _check_month, _noted, _table
from minsheng.catalogue.kinds import SCHEDULED_KINDS
from minsheng.rules import rollup


def gap_matrix(ws: Workspace, through_month: int) -> pd.DataFrame:
    """Item × month: the mean gap to 序时进度 in points over the item's indicators with a
    figure, attainment capped at 100 % as the roll-ups do (an item far ahead on one
    indicator does not hide another). Columns: item_no, item_name, then one per month.

        gap_matrix(ws, 9)
    """
    through = _check_month(through_month, "through_month")
    items = ws.catalogue.items[["item_no", "item_name"]].copy()
    for m in range(1, through + 1):
        t = _table(ws, m)
        gap = (t["attainment"].clip(upper=rollup.CAP) - t["expected"]) * 100
        items[m] = items["item_no"].map(gap.groupby(t["item_no"]).mean().round(1)).astype(float)
    return items


def movers(ws: Workspace, month: int, since_month: int | None = None, n: int = 10) -> pd.DataFrame:
    """The `n` indicators whose attainment moved most (either way) between `since_month`
    (default three months earlier; 0 = the start of the year, when scheduled kinds stand at
    0) and `month`, with the change of their gap to 序时进度. Indicators without a figure at
    either end are left out.

        movers(ws, 9)                 # since June
    """
    month = _check_month(month)
    since = month - 3 if since_month is None else int(since_month)
    since = max(since, 0)
    now = _table(ws, month).set_index("indicator_id")
    if since >= 1:
        then = _table(ws, since).set_index("indicator_id")
        att0, gap0, st0 = then["attainment"], then["gap_points"], then["status"].astype(str)
    else:
        scheduled = now["kind"].isin(SCHEDULED_KINDS)
        att0 = pd.Series(np.where(scheduled, 0.0, np.nan), index=now.index)
        gap0, st0 = att0 * 0, pd.Series("", index=now.index)
    out = pd.DataFrame({
        "indicator_id": now.index, "item_no": now["item_no"], "indicator": now["indicator"],
        "attainment_since": att0.reindex(now.index), "attainment": now["attainment"],
        "change_points": ((now["attainment"] - att0.reindex(now.index)) * 100).round(9),
        "gap_since": gap0.reindex(now.index), "gap_points": now["gap_points"],
        "status_since": st0.reindex(now.index), "status": now["status"].astype(str),
    }).dropna(subset=["change_points"]).reset_index(drop=True)
    out["gap_change"] = (out["gap_points"] - out["gap_since"]).round(9)
    out["_abs"] = out["change_points"].abs()
    out = out.sort_values(["_abs", "indicator_id"], ascending=[False, True]).head(n)
    cols = ["indicator_id", "item_no", "indicator", "attainment_since", "attainment",
            "change_points", "gap_since", "gap_points", "gap_change", "status_since", "status"]
    return _noted(out[cols].reset_index(drop=True),
                  f"{since}月与{month}月之间没有可比的指标 / nothing to compare")


def unit_league(ws: Workspace, month: int) -> pd.DataFrame:
    """Responsible units ranked by mean capped attainment at the end of `month`
    (rollup.by_unit: an indicator counts for every unit of its item), with each unit's
    reporting record through `month` where it reports (months on time, late, undated,
    missing; rows revised, flagged, quarantined).

        unit_league(ws, 9)
    """
    month = _check_month(month)
    league = rollup.by_unit(_table(ws, month))
    league.insert(0, "rank", np.arange(1, len(league) + 1))
    league["n_behind"] = league["n_lagging"] + league["n_severely_lagging"]
    rec = submission_record(ws, through_month=month)
    per = rec.groupby("reporting_unit").agg(
        on_time=("submission", lambda s: int((s == "on_time").sum())),
        late=("submission", lambda s: int((s == "late").sum())),
        undated=("submission", lambda s: int((s == "undated").sum())),
        missing=("submission", lambda s: int((s == "missing").sum())),
        rows_revised=("rows_revised", "sum"), rows_flagged=("rows_flagged", "sum"),
        rows_quarantined=("rows_quarantined", "sum"))
    cols = ["rank", "unit", "n_indicators", "n_reported", "share_meeting_schedule",
            "mean_attainment_capped", "n_behind"]
    out = league[cols].join(per, on="unit").rename(columns={"unit": "responsible_unit"})
    counts = ["on_time", "late", "undated", "missing", "rows_revised", "rows_flagged",
              "rows_quarantined"]
    out[counts] = out[counts].astype("Int64")
    return out
