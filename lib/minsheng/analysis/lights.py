"""The lights of the monthly dispatch (月调度) month by month: per indicator, per lead unit and
per district, and a heat-map of them (months across, colours and hatches from the palette, so
it reads in greyscale too).

The lights are rules.lights' (as the dispatch prints them): one per indicator per month from its
status, raised one colour after dispatch.no_progress_months months without progress. A unit's or
a district's light in a month is the worst of its indicators' (red, yellow, green, completed;
未报送 only when none has a light). Frames hold light codes; `light_labels` turns them into the
words `zh` prints.

    from minsheng.analysis import light_chart, light_labels, light_matrix
    m = light_matrix(ws, 9, by="unit")
    show(light_chart(m)); zh(light_labels(m))
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from minsheng.analysis.workspace import (
    Workspace,
    _check_month,
    _district_detail,
    _noted,
    _table,
    indicators_of,
)
from minsheng.catalogue import districts as district_list
from minsheng.report import fonts
from minsheng.report.charts import EDGE
from minsheng.report.dispatch.wording import light_palette
from minsheng.report.labels import label
from minsheng.rules.lights import district_lights, lights_from_tables, worst_light

BY = {"indicator": ["indicator_id", "item_no", "indicator", "reporting_unit"],
      "unit": ["reporting_unit"], "district": ["district"]}
_HISTORY = ["indicator_id", "item_no", "indicator", "reporting_unit", "month", "status",
            "attainment", "gap_points", "base_light", "stalled_months", "escalated", "light",
            "months_in_light", "previous_light", "change"]


def light_history(ws: Workspace, month: int, item: int | str | None = None) -> pd.DataFrame:
    """One row per indicator × month 1..`month`: status, light before and after escalation,
    months without progress, months in the light, the light before and the change (codes).

        light_history(ws, 9, 1)           # item 1's indicators, January to September
    """
    month = _check_month(month)
    history = lights_from_tables({m: _table(ws, m) for m in range(1, month + 1)})
    ids = indicators_of(ws, item)
    ind = ws.catalogue.indicators
    out = history[history["indicator_id"].isin(ids)].join(
        ind[["item_no", "indicator", "reporting_unit"]], on="indicator_id")
    return out[_HISTORY].reset_index(drop=True)


def light_matrix(ws: Workspace, month: int, item: int | str | None = None,
                 by: str = "indicator") -> pd.DataFrame:
    """Lights by row and month (integer columns 1..`month`, light codes): rows are the
    indicators (by="indicator"), their lead units ("unit", the worst light of the unit's
    indicators) or the districts ("district", the worst light of the district's allotted
    indicators, by its figure against its task; districts are not escalated), for `item`'s
    indicators or all. attrs["escalated"] lists the (row, month) cells whose light was raised.

        light_matrix(ws, 9, by="unit")
    """
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    month = _check_month(month)
    if by == "district":
        return _districts(ws, month, item)
    h = light_history(ws, month, item)
    keys = BY[by]
    wide = h.groupby([*keys, "month"], sort=False)["light"].agg(worst_light).unstack("month")
    wide = wide.reindex(columns=range(1, month + 1)).reset_index()
    up = h[h["escalated"]]
    escalated = [] if by != "indicator" else [[r["indicator_id"], int(r["month"])]
                                              for r in up.to_dict("records")]
    out = _noted(wide, "没有指标 / no indicators")
    out.attrs["escalated"] = escalated
    return out


def _districts(ws: Workspace, month: int, item: int | str | None) -> pd.DataFrame:
    ids = set(indicators_of(ws, item))
    parts = []
    for m in range(1, month + 1):
        d = district_lights(_district_detail(ws, m))
        parts.append(d[d["indicator_id"].isin(ids)].assign(month=m))
    frame = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(
        columns=["district", "month", "light"])
    wide = frame.groupby(["district", "month"])["light"].agg(worst_light).unstack("month")
    wide = wide.reindex(columns=range(1, month + 1))
    order = district_list.order()
    wide = wide.reset_index().assign(_o=lambda f: f["district"].map(order)).sort_values("_o")
    out = _noted(wide.drop(columns="_o").reset_index(drop=True),
                 "这些指标不分解到区县 / no district figures for these indicators")
    out.attrs["escalated"] = []
    return out


def light_labels(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with the light codes of its month columns (and light columns) as words (红灯 …),
    for `zh`."""
    out = frame.copy()
    for col in out.columns:
        if isinstance(col, int | np.integer) or col in ("light", "base_light", "previous_light"):
            out[col] = out[col].map(lambda c: "—" if pd.isna(c) or c == "" else label("light", c))
    return out


def _row_names(matrix: pd.DataFrame) -> list[str]:
    if "indicator" in matrix.columns:
        return [f"{i} {n}" for i, n in zip(matrix["indicator_id"], matrix["indicator"], strict=True)]
    column = "reporting_unit" if "reporting_unit" in matrix.columns else "district"
    return [str(v) for v in matrix[column]]


def light_chart(matrix: pd.DataFrame) -> Figure:
    """Heat-map of a `light_matrix`: rows down, months across, each cell in its light's colour
    and hatch (palette.light), ↑ where the light was raised for want of progress.

        show(light_chart(light_matrix(ws, 9, 1)))
    """
    fonts.use_chinese_font("white")
    pal = light_palette()
    months = [c for c in matrix.columns if isinstance(c, int | np.integer)]
    rows = _row_names(matrix)
    fig = Figure(figsize=(6.3, 0.26 * max(len(rows), 1) + 1.4), layout="constrained")
    ax = fig.add_subplot()
    raised = {(r, m) for r, m in matrix.attrs.get("escalated", [])}
    keys = list(matrix["indicator_id"]) if "indicator_id" in matrix.columns else rows
    for y, (key, record) in enumerate(zip(keys, matrix[months].to_numpy(), strict=True)):
        for x, (m, code) in enumerate(zip(months, record, strict=True)):
            if pd.isna(code):
                continue
            p = pal[str(code)]
            ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, facecolor=p["color"], hatch=p["hatch"],
                                   edgecolor=EDGE, linewidth=0.5))
            if (key, int(m)) in raised:
                ax.text(x, y, "↑", ha="center", va="center", fontsize=8)
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xticks(range(len(months)), [f"{m}月" for m in months], fontsize=8)
    ax.set_yticks(range(len(rows)), ["\n".join(textwrap.wrap(r, 18)) for r in rows], fontsize=7)
    ax.tick_params(length=0)
    for side in ax.spines.values():
        side.set_visible(False)
    handles = [Patch(facecolor=p["color"], hatch=p["hatch"], edgecolor=EDGE, linewidth=0.5,
                     label=p["label"]) for p in pal.values()]
    fig.legend(handles=handles, loc="outside lower center", ncols=len(handles), fontsize=8,
               frameon=False, title="↑ 落后序时进度且连续无进展，灯色升一级" if raised else None,
               title_fontsize=7)
    return fig
