"""Charts of the analyst API: an item's trajectories against schedule and target, and the heatmap
of all items' gaps. Display them with `show` (report.charts)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from matplotlib.colors import TwoSlopeNorm
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from minsheng.report import fonts


def _wrap(text: str, width: int) -> str:
    """Chinese text in lines of `width` characters (textwrap breaks only at spaces)."""
    text = str(text)
    return "\n".join(text[i:i + width] for i in range(0, len(text), width)) or text


def trajectory_chart(traj: pd.DataFrame, projections: pd.DataFrame | None = None) -> Figure:
    """Small multiples, one per indicator of a `trajectory` frame: the figure by month (solid),
    the figure due on schedule (dashed), the annual target (dotted) and, given
    `projection_range`'s frame, the year-end range at the current pace (bar at month 12).

        show(trajectory_chart(trajectory(ws, 1, 9), projection_range(ws, 1, 9)))
    """
    fonts.use_chinese_font()
    ids = list(dict.fromkeys(traj["indicator_id"]))
    ncols = 2 if len(ids) > 1 else 1
    nrows = max(1, math.ceil(len(ids) / ncols))
    fig = Figure(figsize=(6.3 if ncols == 2 else 4.2, 2.3 * nrows + 0.6), layout="constrained")
    proj = projections.set_index("indicator_id") if projections is not None else None
    for i, iid in enumerate(ids):
        ax = fig.add_subplot(nrows, ncols, i + 1)
        t = traj[traj["indicator_id"] == iid]
        first = t.iloc[0]
        ax.set_title(_wrap(f"{iid} {first['indicator']}", 18), fontsize=8)
        ax.set_ylabel(first["unit"], fontsize=7)
        ax.plot(t["month"], t["expected_value"], ls="--", color="#555555", lw=1)
        ax.axhline(first["target"], ls=":", color="#333333", lw=1)
        if t["value"].notna().any():
            ax.plot(t["month"], t["value"], marker="o", ms=3, color="#1f5fa8", lw=1.6)
        else:
            ax.text(0.5, 0.5, "无数值（未报送或仅有文字进展）", transform=ax.transAxes,
                    ha="center", va="center", fontsize=8, color="#555555")
        if proj is not None and iid in proj.index and pd.notna(proj.at[iid, "year_end"]):
            p = proj.loc[iid]
            ax.errorbar([12], [p["year_end"]], yerr=[[p["year_end"] - p["year_end_low"]],
                                                      [p["year_end_high"] - p["year_end"]]],
                        fmt="D", ms=4, color="#c0392b", capsize=3, lw=1.2)
        ax.set_xlim(0.5, 12.5)
        ax.set_xticks(range(1, 13, 2 if ncols == 2 else 1))
        ax.tick_params(labelsize=7)
    handles = [Line2D([], [], color="#1f5fa8", marker="o", ms=3, lw=1.6, label="实际（全市）"),
               Line2D([], [], color="#555555", ls="--", lw=1, label="序时应达"),
               Line2D([], [], color="#333333", ls=":", lw=1, label="全年目标"),
               Line2D([], [], color="#c0392b", marker="D", ms=4, lw=1.2, label="按当前进度年底预计")]
    fig.legend(handles=handles, loc="outside lower center", ncols=4, fontsize=7, frameon=False)
    return fig


def gap_heatmap(matrix: pd.DataFrame) -> Figure:
    """Heatmap of a `gap_matrix` frame: items down, months across, red behind 序时进度 and
    green ahead, each cell printed in points.

        show(gap_heatmap(gap_matrix(ws, 9)))
    """
    fonts.use_chinese_font("white")
    months = [c for c in matrix.columns if isinstance(c, int | np.integer)]
    values = matrix[months].to_numpy(dtype=float)
    fig = Figure(figsize=(6.3, 0.34 * len(matrix) + 1.4), layout="constrained")
    ax = fig.add_subplot()
    limit = max(10.0, float(np.nanmax(np.abs(values)))) if np.isfinite(values).any() else 10.0
    img = ax.imshow(np.ma.masked_invalid(values), cmap="RdYlGn", aspect="auto",
                    norm=TwoSlopeNorm(0.0, -limit, limit))
    for (y, x), v in np.ndenumerate(values):
        shown = "—" if np.isnan(v) else (f"{round(v):+d}" if round(v) else "0")
        ax.text(x, y, shown, ha="center", va="center", fontsize=7,
                color="white" if abs(v) > 0.6 * limit else "black")
    ax.set_xticks(range(len(months)), [f"{m}月" for m in months], fontsize=8)
    ax.set_yticks(range(len(matrix)), [_wrap(f"{no}.{name}", 14) for no, name in
                                       zip(matrix["item_no"], matrix["item_name"], strict=True)],
                  fontsize=7)
    bar = fig.colorbar(img, ax=ax, shrink=0.6)
    bar.set_label("距序时进度（百分点，完成率单项封顶100%）", fontsize=7)
    bar.ax.tick_params(labelsize=7)
    return fig
