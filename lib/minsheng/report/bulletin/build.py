"""Building the bulletin: its sections in the order an office issues them, its title and
date line, checked before it is handed out."""

from __future__ import annotations

from datetime import date

from minsheng.report.bulletin.checks import verify
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.document import Bulletin, title
from minsheng.report.bulletin.sections import annex, districts, items, lagging, overview, quality
from minsheng.report.bulletin.sections.numbering import Numbering
from minsheng.report.format import fmt_date


def build(data: BulletinData, issued_on: date, *, issuer: str | None = None,
          charts: bool = True) -> Bulletin:
    """The bulletin as structured Chinese content; raises ArithmeticCheckError when its
    printed figures do not add up. `charts=False` leaves the charts out (fast previews)."""
    numbering = Numbering(charts=charts)
    # In reading order: tables and charts are numbered as the sections are built.
    sections = (
        overview.overview_section(data, numbering),
        items.items_section(data, numbering),
        lagging.lagging_section(data),
        districts.districts_section(data, numbering),
        quality.quality_section(data, numbering),
        annex.annex_section(data),
    )
    bulletin = Bulletin(title(data.year, data.quarter), _date_line(issued_on, issuer),
                        f"数据截至{data.year}年{data.month}月底", issued_on, sections, data)
    verify(bulletin)
    return bulletin


def _date_line(issued_on: date, issuer: str | None) -> str:
    """成文日期, after the issuing office's name when there is one."""
    return f"{issuer}　{fmt_date(issued_on)}" if issuer else fmt_date(issued_on)
