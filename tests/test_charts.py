"""Charts: one palette (colour + hatch) everywhere, Chinese glyphs present, same bytes twice."""

import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from minsheng.config import settings
from minsheng.report import charts
from minsheng.rules.status import STATUSES


def items_frame():
    counts = {"completed": [1, 0], "on_schedule": [2, 1], "slightly_behind": [0, 3], "lagging": [1, 0],
              "severely_lagging": [0, 2], "no_data": [1, 1]}
    frame = pd.DataFrame({"item_no": [1, 2], "item_name": ["城市居住品质提升", "扩面提质“15分钟高品质生活服务圈”"]})
    for s, n in counts.items():
        frame[f"n_{s}"] = n
    return frame


def item_rows():
    return pd.DataFrame({
        "indicator": ["老旧小区改造", "城市公园服务人群", "日均预警劝阻潜在受害人", "电诈案件案均损失金额",
                      "渝好空间项目点区县全覆盖"],
        "soft": [False, True, False, False, False],
        "kind": ["increment", "increment", "daily_average", "directional", "coverage"],
        "attainment": [0.35, 2.6, 0.95, 1.0, np.nan],
        "expected": [0.7, 0.7, 1.0, 1.0, 0.75],
        "status": ["severely_lagging", "completed", "slightly_behind", "on_schedule", "no_data"],
    })


def rank_frame():
    return pd.DataFrame({"rank": pd.array([1, 2, 3, pd.NA], dtype="Int64"),
                         "district": ["万州区", "石柱土家族自治县", "涪陵区", "城口县"],
                         "n_indicators": [3, 3, 2, 1], "n_shared": [2, 2, 2, 0],
                         "mean_attainment_capped": [0.9, 0.7, 0.5, np.nan],
                         "mean_expected": [0.85, 0.82, 0.85, np.nan],
                         "mean_gap_capped": [5.0, -12.0, -35.0, np.nan],
                         "status": ["on_schedule", "lagging", "severely_lagging", "no_data"],
                         "n_behind": [0, 1, 2, 0]})


FIGURES = {
    "overview": lambda: charts.status_overview(items_frame()),
    "bullet": lambda: charts.item_bullet(item_rows()),
    "districts": lambda: charts.district_ranking(rank_frame()),
}


def test_palette_comes_from_settings_and_survives_greyscale():
    pal = charts.palette()
    assert list(pal) == list(STATUSES)
    for s, p in pal.items():
        assert p["color"] == settings()["palette"][s]["color"]
        assert p["label"] == settings()["labels"]["status"][s]
    # colours may look alike in grey; the hatches must not
    assert len({p["hatch"] for p in pal.values()}) == len(STATUSES)


@pytest.mark.parametrize("name", list(FIGURES))
def test_chart_draws_every_glyph(name):
    fig = FIGURES[name]()
    assert isinstance(fig, Figure)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = charts.to_png(fig, dpi=50)
    assert png.startswith(b"\x89PNG")
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


@pytest.mark.parametrize("name", list(FIGURES))
def test_same_chart_same_bytes(name):
    assert charts.to_png(FIGURES[name](), dpi=50) == charts.to_png(FIGURES[name](), dpi=50)
    assert charts.to_svg(FIGURES[name]()) == charts.to_svg(FIGURES[name]())


def test_png_has_no_software_or_time_stamp():
    png = charts.to_png(charts.status_overview(items_frame()), dpi=30)
    assert b"Software" not in png and b"tIME" not in png


def _bars(fig):
    ax = fig.axes[0]
    return [p for p in ax.patches if p.get_width() > 0]


def test_overview_bars_carry_status_colour_and_hatch():
    fig = charts.status_overview(items_frame())
    seen = {(to_hex(p.get_facecolor()), p.get_hatch() or "") for p in _bars(fig)}
    pal = charts.palette()
    assert seen == {(pal[s]["color"], pal[s]["hatch"]) for s in STATUSES}
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "1. 城市居住品质提升"


def test_bullet_chart_marks_schedule_target_and_overflow():
    fig = charts.item_bullet(item_rows())
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    assert "260.0%▶" in texts            # beyond the axis: clipped and marked
    assert "达到" in texts                # a directional target reads met / not met
    assert "未报送数值" in texts          # no bar, no invented number
    assert ax.get_xlim()[1] == pytest.approx(2.0)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "城市公园服务人群（力争）" in labels
    # the 100 % target line and one 序时进度 tick per indicator
    ticks = [ln for ln in ax.lines if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]]
    assert sorted(ln.get_xdata()[0] for ln in ticks if ln.get_linestyle() == "-") == \
        sorted(item_rows()["expected"])
    assert any(ln.get_linestyle() == "--" and ln.get_xdata()[0] == 1.0 for ln in ax.lines)


def test_district_colours_are_the_ranked_status():
    # the colour is the status the ranking computed (from the capped gap), never recomputed
    status = rank_frame()["status"].tolist()
    fig = charts.district_ranking(rank_frame())
    colours = [to_hex(p.get_facecolor()) for p in _bars(fig)]
    pal = charts.palette()
    assert colours == [pal[s]["color"] for s in status[:3]]


def test_tint_lightens_towards_white():
    assert charts.tint("#000000", 0.5) == "#808080"
    assert charts.tint("#d32f2f", 0.0) == "#d32f2f"
