"""The analyst API: why an item is behind, which districts hold it back, when it will reach its
target at the current pace, and which unit's reports are unreliable — questions the bulletin
does not answer, as pure functions of a workspace.

`load` reads a cleaning output folder once into a `Workspace`; every other function is a pure
function of that workspace (and a month), returning a pandas frame with English column names.
`zh` turns any of those frames into the Chinese table people read; `show` displays a chart in a
notebook as a PNG with no text output. Where an item has nothing to show (no district
indicators, only text reported, no report yet), functions return an empty frame whose note
`zh` prints instead.

    import minsheng as ms
    ws = ms.load(2026, "data/reference/clean")
    ms.zh(ms.holding_back(ws, "MS01-01", month=9))    # the districts furthest behind on lifts
    ms.zh(ms.projection_range(ws, 1, month=9))       # item 1's year end at the current pace

Modules, one concept each: workspace (loading, arguments, tables per month), items (one item
over the year, projection at the current pace), districts, lineage (rows behind a figure,
reporting record, quarantine), comparisons (all items side by side), lights (the 月调度 lights
month by month, per indicator, unit and district, and their heat-map), charts, zh (Chinese
tables), tour (the start-here notebook's examples), interactive (itables in JupyterLab).
"""

from minsheng.analysis.charts import gap_heatmap, trajectory_chart
from minsheng.analysis.comparisons import gap_matrix, movers, unit_league
from minsheng.analysis.districts import (
    district_breakdown,
    district_chart,
    district_summary,
    holding_back,
)
from minsheng.analysis.interactive import interactive_tables
from minsheng.analysis.items import (
    Rollups,
    attainment_at,
    progress_notes,
    projection_range,
    rollups,
    status_history,
    trajectory,
)
from minsheng.analysis.lights import light_chart, light_history, light_labels, light_matrix
from minsheng.analysis.lineage import quarantined_for, submission_record, trace
from minsheng.analysis.tour import TourExamples, tour_examples
from minsheng.analysis.workspace import (
    Workspace,
    about,
    indicators_of,
    item_of,
    load,
    reporting_units,
)
from minsheng.analysis.zh import Note, zh
from minsheng.report.charts import show

__all__ = [
    "Note", "Rollups", "TourExamples", "Workspace", "about", "attainment_at",
    "district_breakdown", "district_chart", "district_summary", "gap_heatmap", "gap_matrix",
    "holding_back", "indicators_of", "interactive_tables", "item_of", "light_chart",
    "light_history", "light_labels", "light_matrix", "load", "movers",
    "progress_notes", "projection_range", "quarantined_for", "reporting_units", "rollups",
    "show", "status_history", "submission_record", "tour_examples", "trace", "trajectory",
    "trajectory_chart", "unit_league", "zh",
]
