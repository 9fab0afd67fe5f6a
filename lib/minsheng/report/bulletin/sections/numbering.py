"""The running numbers of the bulletin's tables (表1, 表2, …) and charts (图1, 图2, …).

Sections take numbers in reading order, so a table or chart left out shifts the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from matplotlib.figure import Figure

from minsheng.report import charts as ch
from minsheng.report.document import Chart


class Numbering:
    """Hands out table and chart numbers; draws no chart when `charts` is false, and none
    that `drawn` already holds (key → PNG, drawn by the same `make` from the same data)."""

    def __init__(self, charts: bool = True, drawn: Mapping[str, bytes] | None = None):
        self.charts = charts
        self.drawn = drawn or {}
        self._tables = 0
        self._figures = 0

    def table(self) -> int:
        self._tables += 1
        return self._tables

    def chart(self, key: str, caption: str, alt: str, make: Callable[[], Figure]) -> Chart | None:
        if not self.charts:
            return None
        self._figures += 1
        png = self.drawn.get(key)
        return Chart(key, f"图{self._figures} {caption}", alt, ch.to_png(make()) if png is None else png)
