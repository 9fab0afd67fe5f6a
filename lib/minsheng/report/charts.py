"""The bulletin's charts: status overview, bullet chart per item, district ranking, legend.

One status palette everywhere (settings.yaml `palette`): a colour and a hatch per status,
so statuses stay apart when printed in greyscale. Chinese labels in the bundled font
(`fonts.use_chinese_font()` is called by every function that draws). Functions return
matplotlib Figures built without pyplot (no global figure state to leak); `to_png` and
`to_svg` give deterministic bytes: the same figure saves to the same bytes every time.
"""

from __future__ import annotations

import base64
import io
import textwrap
from functools import cache

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import PercentFormatter

from minsheng.config import settings
from minsheng.report import fonts
from minsheng.report.labels import labels
from minsheng.report.text import attainment_text, indicator_name
from minsheng.rules.status import STATUSES

EDGE = "#333333"        # bar outline and hatch colour
WIDTH_IN = 6.3          # 16 cm: the text width of an A4 page with 2.5 cm margins
DPI = 150


@cache
def palette() -> dict[str, dict[str, str]]:
    """Status code → {"color", "hatch", "label"} from settings.yaml, in STATUSES order."""
    pal, names = settings()["palette"], labels("status")
    return {s: {"color": pal[s]["color"], "hatch": pal[s].get("hatch", ""), "label": names[s]}
            for s in STATUSES}


def tint(color: str, share: float = 0.55) -> str:
    """`color` mixed with white (for table cell shading where text sits on the colour)."""
    r, g, b = (int(color[i:i + 2], 16) for i in (1, 3, 5))
    mix = [round(c + (255 - c) * share) for c in (r, g, b)]
    return "#" + "".join(f"{c:02x}" for c in mix)


def _text_colour(color: str) -> str:
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return "white" if 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.5 else "black"


def _style(status: str) -> dict:
    p = palette().get(status, palette()["no_data"])
    return {"color": p["color"], "hatch": p["hatch"], "edgecolor": EDGE, "linewidth": 0.6}


def legend_handles(statuses=STATUSES) -> list[Patch]:
    return [Patch(facecolor=palette()[s]["color"], hatch=palette()[s]["hatch"], edgecolor=EDGE,
                  linewidth=0.6, label=palette()[s]["label"]) for s in statuses]


def _figure(height_in: float) -> Figure:
    fonts.use_chinese_font()
    return Figure(figsize=(WIDTH_IN, height_in), layout="constrained")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def status_overview(items: pd.DataFrame) -> Figure:
    """Stacked horizontal bars: the indicators of each item by status (rollup.by_item)."""
    fig = _figure(0.36 * len(items) + 1.5)
    ax = fig.add_subplot()
    labels = [_wrap(f"{no}. {name}", 16) for no, name in zip(items["item_no"], items["item_name"],
                                                                strict=True)]
    y = np.arange(len(items))
    left = np.zeros(len(items))
    for s in STATUSES:
        n = items[f"n_{s}"].to_numpy(dtype=float)
        ax.barh(y, n, left=left, height=0.7, **_style(s))
        for yi, (x0, w) in enumerate(zip(left, n, strict=True)):
            if w >= 1:
                ax.text(x0 + w / 2, yi, f"{int(w)}", ha="center", va="center", fontsize=7,
                        color=_text_colour(palette()[s]["color"]),
                        bbox={"boxstyle": "round,pad=0.12", "facecolor": palette()[s]["color"],
                              "edgecolor": "none"})
        left += n
    ax.set_yticks(y, labels, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("指标数（项）")
    ax.set_xlim(0, max(left.max(), 1) * 1.02)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="y", visible=False)
    fig.legend(handles=legend_handles(), loc="outside lower center", ncols=6, fontsize=8,
               frameon=False, handlelength=1.6, columnspacing=1.0)
    return fig


def item_bullet(rows: pd.DataFrame) -> Figure:
    """Bullet chart of one item's indicators: attainment (bar, status colour), 序时进度
    (black tick) and the year target (dashed line at 100 %). Bars beyond the axis end in ▶."""
    rows = rows.reset_index(drop=True)
    fig = _figure(0.42 * len(rows) + 1.2)
    ax = fig.add_subplot()
    att = rows["attainment"].astype(float)
    top = float(np.nanmax(att.to_numpy())) if att.notna().any() else 0.0
    xmax = max(1.2, min(2.0, top + 0.2))
    for i, r in enumerate(rows.to_dict("records")):
        a = r["attainment"]
        if pd.isna(a):
            ax.text(0.01, i, "未报送数值", va="center", fontsize=8, color="#555555")
        else:
            shown = min(float(a), xmax * 0.97)
            ax.barh(i, shown, height=0.5, **_style(str(r["status"])))
            mark = "▶" if float(a) > shown else ""
            # Right of both the bar and the 序时进度 tick, so neither hides the figure.
            at = max(shown, float(r["expected"]) if pd.notna(r["expected"]) else 0.0)
            ax.text(min(at + 0.015 * xmax, xmax * 0.9), i, attainment_text(r) + mark,
                    va="center", fontsize=8)
        ax.plot([r["expected"]] * 2, [i - 0.36, i + 0.36], color="black", lw=2.4,
                solid_capstyle="butt")
    ax.axvline(1.0, color="#555555", ls="--", lw=1)
    ax.set_yticks(range(len(rows)), [_wrap(indicator_name(r), 13) for r in rows.to_dict("records")],
                  fontsize=8)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.set_xlim(0, xmax)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("完成率")
    ax.grid(axis="y", visible=False)
    present = [s for s in STATUSES if s in set(rows["status"].astype(str))]
    handles = legend_handles(present) + [
        Line2D([], [], color="black", lw=2.4, label="序时进度"),
        Line2D([], [], color="#555555", ls="--", lw=1, label="全年目标"),
    ]
    fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5),
               fontsize=8, frameon=False, handlelength=1.6)
    return fig


def district_ranking(rank: pd.DataFrame) -> Figure:
    """Districts in rank order (rollup.by_district): the bar is the mean capped attainment
    and its colour the status of the capped gap, one measure for both."""
    rank = rank.reset_index(drop=True)
    fig = _figure(0.2 * len(rank) + 1.3)
    ax = fig.add_subplot()
    status = rank["status"].astype(str)
    att = rank["mean_attainment_capped"].astype(float)
    for i, (a, s) in enumerate(zip(att, status, strict=True)):
        if pd.isna(a):
            ax.text(0.01, i, "无分解任务", va="center", fontsize=7, color="#555555")
            continue
        ax.barh(i, a, height=0.7, **_style(s))
        ax.text(a + 0.01, i, f"{a * 100:.1f}%", va="center", fontsize=7)
    ax.axvline(1.0, color="#555555", ls="--", lw=1)
    ax.set_yticks(range(len(rank)), [f"{r}. {d}" if pd.notna(r) else d
                                     for r, d in zip(rank["rank"], rank["district"], strict=True)],
                  fontsize=7)
    ax.set_ylim(len(rank) - 0.5, -0.5)
    ax.set_xlim(0, 1.15)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xlabel("平均完成率（单项按100%封顶）")
    ax.grid(axis="y", visible=False)
    present = [s for s in STATUSES if s in set(status) and s != "completed"]
    fig.legend(handles=legend_handles(present), loc="outside lower center", ncols=len(present) or 1,
               fontsize=8, frameon=False, title="按平均完成率与平均序时进度之差着色", title_fontsize=8)
    return fig


def to_png(fig: Figure, dpi: int = DPI) -> bytes:
    """PNG bytes of `fig`, identical for identical figures (no Software/time metadata)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, metadata={"Software": None})
    return buf.getvalue()


def to_svg(fig: Figure) -> bytes:
    """SVG bytes of `fig`, identical for identical figures (fixed hash salt, no date)."""
    buf = io.BytesIO()
    with mpl.rc_context({"svg.hashsalt": "minsheng"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def show(fig: Figure | bytes | None) -> None:
    """Display a figure (or the PNG bytes of one) in a notebook as a PNG only (no "<Figure …>"
    text, so nbval has no text to compare), with the bytes charts.to_png makes deterministic;
    None shows nothing.

        show(status_overview(data.items))
    """
    from IPython.display import display

    if fig is None:
        return
    png = fig if isinstance(fig, bytes) else to_png(fig)
    display({"image/png": base64.b64encode(png).decode("ascii")}, raw=True)
