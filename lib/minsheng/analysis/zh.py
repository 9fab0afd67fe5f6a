"""Chinese tables: `zh` turns any frame of the analyst API into the table people read, and
`Note` is the sentence shown in place of an empty one."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from minsheng.catalogue.ids import ID_PATTERN
from minsheng.report import columns
from minsheng.report.format import fmt_percent, fmt_points
from minsheng.report.labels import label, labels


class Note:
    """A sentence shown in place of an empty table (plain text, no HTML)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _num(v: Any) -> str:
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return "—"
    text = f"{float(v):,.2f}"
    return text.rstrip("0").rstrip(".")


def _plain(v: Any) -> str:
    if v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _status(v: Any) -> str:
    return "—" if v == "" else label("status", v)


def _formatter(kind: str):
    """How `zh` writes a value of a column type (report.columns)."""
    if kind == "pct":
        return fmt_percent
    if kind == "points":
        return fmt_points
    if kind == "quantity":
        return _num
    if kind == "label:status":
        return _status
    if kind == "label:matched_by":
        known = labels("matched_by")
        return lambda v: label("matched_by", v if isinstance(v, str) and v in known else "unmatched")
    if kind.startswith("label:"):
        group = kind.split(":", 1)[1]
        return lambda v: label(group, v)
    if kind == "in_ledger":
        return {True: "是", False: "否（已被替代）"}.get
    if kind == "date":
        return lambda v: "—" if pd.isna(v) else pd.Timestamp(v).date().isoformat()
    return _plain


def zh(frame: pd.DataFrame) -> pd.DataFrame | Note:
    """Any frame of the analyst API as people read it: Chinese headers, percents, signed points,
    status labels; integer month columns become 1月, 2月 …; an empty frame becomes its note.

        zh(trajectory(ws, 1, 9))
    """
    if not len(frame):
        return Note(frame.attrs.get("note", "无数据 / no rows"))
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(col, int | np.integer):
            numeric = pd.api.types.is_numeric_dtype(s)
            out[f"{col}月"] = s.map(fmt_points if numeric else _status).to_numpy()
            continue
        if isinstance(col, str) and ID_PATTERN.match(col):   # an indicator's attainment
            header, kind = col, "pct"
        elif col not in columns.HEADERS:
            continue
        else:
            header, kind = columns.header(col), columns.kind_of(col)
        if kind in ("label:status", "label:kind"):
            s = s.astype(str)
        out[header] = s.map(_formatter(kind)).to_numpy()
    return pd.DataFrame(out, index=range(1, len(frame) + 1))
