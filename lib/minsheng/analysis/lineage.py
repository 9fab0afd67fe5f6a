"""Lineage and reporting record: the submitted rows behind a figure, each unit's submissions
month by month, and the quarantined rows attributed to an item."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import pandas as pd

from minsheng.analysis.workspace import (
    Workspace,
    _check_month,
    _noted,
    indicators_of,
    reporting_units,
)
from minsheng.catalogue import districts as district_list
from minsheng.catalogue.districts import CITYWIDE
from minsheng.catalogue.ids import normalize_indicator_id
from minsheng.catalogue.periods import return_due
from minsheng.contracts.checks import QUARANTINE_COLUMNS

# Quarantine codes raised on the 指标编号 cell itself (its raw value is the code).
_CODE_CHECKS = ("CODE_MISSING", "CODE_UNKNOWN")

_TRACE_COLUMNS = ["indicator_id", "district", "month", "value", "monthly_value", "district_target",
                  "baseline", "in_ledger", "submitted_on", "reporting_unit", "source_file",
                  "source_sheet", "source_row", "flags", "progress_text"]


def trace(ws: Workspace, indicator_id: str, district: str | Sequence[str] = CITYWIDE,
          month: int | None = None) -> pd.DataFrame:
    """The submitted rows behind a figure as of `month` (default the latest): the row in the
    ledger (in_ledger) and the revisions it replaced, with file, sheet, row and 填报日期.
    A city figure summed from districts traces to every district row; `district` may also be
    a list of districts.

        trace(ws, "MS01-01", "渝中区", 9)
    """
    month = _check_month(month or ws.latest_month)
    indicators_of(ws, indicator_id)
    led = ws.ledger
    mine = led[(led["indicator_id"] == indicator_id) & (led["year"] == ws.year)
               & (led["month"] <= month)]
    wanted = [district] if isinstance(district, str) else list(district)
    if wanted == [CITYWIDE] and not (mine["district"] == CITYWIDE).any():
        wanted = list(mine["district"].unique())      # the city figure is their sum
    mine = mine[mine["district"].isin(wanted)]
    latest = mine.sort_values("month").groupby("district").tail(1)[["district", "month"]]
    h = ws.history
    rows = h[(h["indicator_id"] == indicator_id) & (h["year"] == ws.year)].merge(
        latest, on=["district", "month"])
    rows = rows.assign(in_ledger=~rows["superseded"], _dist=rows["district"].map(district_list.order()))
    rows = rows.sort_values(["_dist", "month", "in_ledger", "submitted_on", "source_file",
                             "source_row"], na_position="first")
    out = rows[_TRACE_COLUMNS].reset_index(drop=True)
    return _noted(out, f"{indicator_id} {'、'.join(wanted) or ''} 截至{month}月没有报送 / "
                       f"nothing submitted up to month {month}")


def _unit_of_indicator(ws: Workspace) -> pd.Series:
    return ws.catalogue.indicators["reporting_unit"]


def _file_owners(ws: Workspace) -> pd.DataFrame:
    """Per submitted file: the reporting unit and month most of its accepted rows concern."""
    h = ws.history
    if not len(h):
        return pd.DataFrame({"file": pd.Series([], dtype="str"), "unit": pd.Series([], dtype="str"),
                             "month": pd.Series([], dtype="int64")})
    owned = pd.DataFrame({"file": h["source_file"],
                          "unit": h["indicator_id"].map(_unit_of_indicator(ws)),
                          "month": h["month"]})
    counts = owned.value_counts().rename("n").reset_index()
    counts = counts.sort_values(["file", "n", "unit", "month"], ascending=[True, False, True, True])
    return counts.drop_duplicates("file")[["file", "unit", "month"]].reset_index(drop=True)


_SUBMISSION_COLUMNS = ["reporting_unit", "month", "submission", "first_submitted_on", "due",
                       "days_late", "rows_revised", "rows_flagged", "rows_quarantined"]


def submission_record(ws: Workspace, unit: str | Sequence[str] | None = None,
                      through_month: int | None = None) -> pd.DataFrame:
    """Per reporting unit × month: on time / late / undated / missing (the cleaner's record),
    days late, rows revised by a later submission, rows kept with a warning flag, and rows
    quarantined (attributed through the file's other rows).

        submission_record(ws, "市住房城乡建设委", through_month=9)
    """
    units = reporting_units(ws) if unit is None else ([unit] if isinstance(unit, str) else list(unit))
    due_day = ws.quality.submissions.due_day
    rec = pd.DataFrame([(s.reporting_unit, s.year_no, s.month_no, s.status, s.submitted_on)
                        for s in ws.quality.submissions.by_unit],
                       columns=["unit", "year", "month", "status", "submitted_on"])
    rec = rec[rec["unit"].isin(units) & (rec["year"] == ws.year)]
    if through_month is not None:
        rec = rec[rec["month"] <= _check_month(through_month, "through_month")]
    rec = rec.astype({"month": "int64"})

    h = ws.history[ws.history["year"] == ws.year]
    h_unit = h["indicator_id"].map(_unit_of_indicator(ws))
    revised = h[h["superseded"]].groupby([h_unit[h["superseded"]], "month"]).size()
    current = ~h["superseded"] & (h["flags"].fillna("") != "")
    flagged = h[current].groupby([h_unit[current], "month"]).size()
    owners = _file_owners(ws)
    quarantined = ws.quarantine.drop_duplicates(["file", "sheet", "row"]).merge(owners, on="file")
    q_rows = quarantined.groupby(["unit", "month"]).size()

    def count(series: pd.Series) -> list[int]:
        return [int(series.get((u, m), 0)) for u, m in zip(rec["unit"], rec["month"], strict=True)]

    due = [return_due(ws.year, int(m), due_day) for m in rec["month"]]
    when = [date.fromisoformat(s) if isinstance(s, str) else None for s in rec["submitted_on"]]
    out = pd.DataFrame({
        "reporting_unit": rec["unit"].to_numpy(),
        "month": rec["month"].to_numpy(),
        "submission": rec["status"].to_numpy(),
        "first_submitted_on": [w.isoformat() if w else None for w in when],
        "due": [x.isoformat() for x in due],
        "days_late": pd.array([(w - x).days if w and w > x else (0 if w else None)
                               for w, x in zip(when, due, strict=True)], dtype="Int64"),
        "rows_revised": count(revised),
        "rows_flagged": count(flagged),
        "rows_quarantined": count(q_rows),
    }, columns=_SUBMISSION_COLUMNS)
    order = {u: i for i, u in enumerate(units)}
    out = out.sort_values(["reporting_unit", "month"], key=lambda s: s.map(order) if s.name ==
                          "reporting_unit" else s).reset_index(drop=True)
    return _noted(out, "质量报告中没有报送记录 / the quality report has no submission record")


def quarantined_for(ws: Workspace, item: int | str | None = None) -> pd.DataFrame:
    """The quarantined rows that concern `item` (None: all), one line per rejected cell, with the
    indicator each is attributed to and how (matched_by):

    - "code": the rejected cell is the 指标编号 itself (an unknown code of the item's
      number, e.g. MS01-09 for item 1, counts for the item);
    - "neighbours": the nearest accepted rows above and below in the same sheet are of one
      indicator (submissions list an indicator's districts together).

    Limitation: quarantine.csv keeps only the rejected cell, not the row's 指标编号, so a row
    between two indicators, or in a file with no accepted rows, is attributed to none
    (it appears only with item=None).

        quarantined_for(ws, 11)
    """
    q = ws.quarantine.copy()
    attributed = _attribute_quarantine(ws, q)
    q["indicator_id"], q["matched_by"], q["_item"] = attributed
    if item is not None:
        ids = indicators_of(ws, item)
        keep = q["indicator_id"].isin(ids)
        if isinstance(item, int | np.integer):   # an unknown code of the item's number
            keep |= (q["_item"] == int(item)) & q["indicator_id"].isna()
        q = q[keep]
    out = q[[*QUARANTINE_COLUMNS, "indicator_id", "matched_by"]].reset_index(drop=True)
    return _noted(out, "没有相关的隔离行 / no quarantined rows concern it")


def _attribute_quarantine(ws: Workspace, q: pd.DataFrame) -> tuple[list, list, list]:
    """(indicator id or None, how, item number or None) per quarantine line."""
    known = set(ws.catalogue.indicators.index)
    h = ws.history
    by_sheet = {key: g.sort_values("source_row")[["source_row", "indicator_id"]].to_numpy()
                for key, g in h.groupby(["source_file", "source_sheet"], sort=False)}
    codes: dict[tuple, str] = {}
    for f, s, r, code, raw in q[["file", "sheet", "row", "reason_code", "raw_value"]].itertuples(
            index=False):
        if code in _CODE_CHECKS:
            codes[(f, s, r)] = normalize_indicator_id(raw) or ""
    ids, how, items = [], [], []
    for f, s, r in q[["file", "sheet", "row"]].itertuples(index=False):
        code = codes.get((f, s, r))
        if code is not None:
            ids.append(code if code in known else None)
            how.append("code")
            items.append(int(code[2:4]) if code else None)
            continue
        rows = by_sheet.get((f, s))
        iid = None
        if rows is not None and pd.notna(r):
            pos = int(np.searchsorted(rows[:, 0].astype(np.int64), int(r)))
            above = rows[pos - 1, 1] if pos > 0 else None
            below = rows[pos, 1] if pos < len(rows) else None
            iid = above if above is not None and above == below else None
        ids.append(iid)
        how.append("neighbours" if iid else None)
        items.append(int(iid[2:4]) if iid else None)
    return ids, how, items
