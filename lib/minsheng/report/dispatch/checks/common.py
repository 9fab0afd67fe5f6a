"""Shared by the dispatch's checks: the lights recomputed independently, and reading printed lists."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from minsheng.config import settings
from minsheng.report.dispatch.data import DispatchData
from minsheng.report.document import Document, Items
from minsheng.rules.status import BEHIND_SCHEDULE

# A 督办提示's entry (wording.light_entry).
ENTRY = re.compile(r"^(?P<name>[^：]+)：(?P<figure>.*?)，完成率(?P<att>[^，]+)，"
                   r"序时进度(?P<exp>[\d.]+%)，落后(?P<gap>[\d.]+)个百分点，(?P<tail>[^。]+)。$")


def recomputed_lights(data: DispatchData) -> pd.DataFrame:
    """Per indicator at the cut-off, recomputed from its status and its months of attainment:
    base (the status's light), stalled (months in a row attainment did not go up), escalated,
    light, months (months in a row lit so, the earlier months' lights as the history has them)."""
    conf = settings()["dispatch"]
    base_of = {"completed": "completed", "on_schedule": "green", "lagging": "yellow",
               "slightly_behind": conf["behind_light"], "severely_lagging": "red",
               "no_data": "no_data"}
    up = {"green": "yellow", "yellow": "red"}
    h = data.history
    att = h.pivot(index="indicator_id", columns="month", values="attainment")
    lit = h.pivot(index="indicator_id", columns="month", values="light")
    rows = []
    for r in data.lights.to_dict("records"):
        iid, status = r["indicator_id"], str(r["status"])
        series = att.loc[iid].tolist()
        stalled = 0
        for a, b in zip(reversed(series[1:]), reversed(series[:-1]), strict=True):
            if pd.isna(a) or pd.isna(b) or a > b + 1e-9:
                break
            stalled += 1
        base = base_of[status]
        escalated = status in BEHIND_SCHEDULE and stalled >= conf["no_progress_months"] and base in up
        light = up[base] if escalated else base
        earlier = lit.loc[iid].tolist()[:-1]
        months = 1
        for c in reversed(earlier):
            if c != light:
                break
            months += 1
        rows.append({"indicator_id": iid, "base": base, "stalled": stalled,
                     "escalated": escalated, "light": light, "months": months})
    return pd.DataFrame(rows).set_index("indicator_id")


def split_top(text: str, sep: str) -> list[str]:
    """`text` split at `sep` outside brackets: "A（甲、乙）、B" → ["A（甲、乙）", "B"]."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch == "（") - (ch == "）")
        if ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def listed_texts(doc: Document, role: str) -> list[str]:
    return [i for b in doc.blocks(role) if isinstance(b, Items) for i in b.items]


def plain_name(r: Mapping[str, Any]) -> str:
    """An indicator's name as lists print it: its name, "（力争）" after a soft target's."""
    return f"{r['indicator']}（力争）" if bool(r["soft"]) else str(r["indicator"])


def printed_names(data: DispatchData) -> dict[str, str]:
    """How the attachment names each indicator (and the red list, the item before the unit)
    → its code: the name, with its item after it ("覆盖率（居住品质）") where two indicators
    share the name."""
    t = data.lights
    twice = t["indicator"].duplicated(keep=False)
    return {(f"{plain_name(r)}（{r['item_name']}）" if shared else plain_name(r)): r["indicator_id"]
            for r, shared in zip(t.to_dict("records"), twice, strict=True)}
