"""minsheng: tracking key livelihood projects (重点民生实事) from submissions to bulletin.

The analyst API, importable from here (docs/api.md):

    import minsheng as ms
    ws = ms.load(2026, "data/reference/clean")
    ms.zh(ms.holding_back(ws, "MS01-01", 9))

Names are loaded on first use, so `import minsheng` (and the command line) stays quick.
The stages live in sub-packages: catalogue, contracts, rules, intake, report, analysis, run.
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name → module that defines it
_API = {
    **dict.fromkeys((
        "Workspace", "load", "about", "indicators_of", "item_of", "reporting_units",
        "attainment_at", "rollups", "trajectory", "status_history", "progress_notes",
        "projection_range", "district_breakdown", "holding_back", "district_summary",
        "district_chart", "trace", "submission_record", "quarantined_for", "gap_matrix",
        "movers", "unit_league", "trajectory_chart", "gap_heatmap", "zh", "show",
        "tour_examples", "TourExamples", "interactive_tables",
        "light_history", "light_matrix", "light_chart", "light_labels",
    ), "minsheng.analysis"),
    "load_catalogue": "minsheng.catalogue",
    "use_chinese_font": "minsheng.report.fonts",
}
# Modules of the API: Chinese tables for notebooks, and the bulletin's charts.
_MODULES = {"tables": "minsheng.report.tables", "charts": "minsheng.report.charts"}
__all__ = sorted([*_API, *_MODULES])


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(_MODULES[name])
    elif name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
    else:
        raise AttributeError(f"module 'minsheng' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_API, *_MODULES])
