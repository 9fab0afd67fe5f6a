"""Building the bulletin: the 通报's parts in the order an office issues them, then its own
arithmetic check (`checks.verify`), which must pass before anything is written."""

from __future__ import annotations

from datetime import date

from minsheng.config import settings
from minsheng.report.bulletin.checks import verify
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.model import Bulletin
from minsheng.report.bulletin.sections.attachments import attachments
from minsheng.report.bulletin.sections.districts import districts_section
from minsheng.report.bulletin.sections.next_steps import next_steps_section
from minsheng.report.bulletin.sections.numbering import Numbering
from minsheng.report.bulletin.sections.overview import overview_section
from minsheng.report.bulletin.sections.problems import problems_section
from minsheng.report.bulletin.sections.progress import progress_section
from minsheng.report.document import Paragraph, Section
from minsheng.report.format import chinese_numeral

REGION = "重庆市"


def title(year: int, quarter: int) -> str:
    return f"{REGION}{year}年重点民生实事第{chinese_numeral(quarter)}季度推进情况通报"


def period_words(data: BulletinData) -> str:
    return f"{data.year}年第{chinese_numeral(data.quarter)}季度"


def build(data: BulletinData, issued_on: date, *, issuer: str | None = None,
          charts: bool = True) -> Bulletin:
    """The bulletin as structured Chinese content; raises checks.ArithmeticCheckError when its
    printed figures do not add up. `charts=False` leaves the charts out (fast previews)."""
    numbering = Numbering(charts, drawn=data.charts)
    conf = settings()["bulletin"]
    lead = Section("lead", "", (Paragraph("".join(conf["lead"].format(
        period=period_words(data)).split()), role="lead"),), level=0)
    sections = (lead, overview_section(data, numbering), progress_section(data),
                problems_section(data), districts_section(data, numbering), next_steps_section())
    bulletin = Bulletin(
        title=title(data.year, data.quarter), issuer=issuer or conf["issuer"], issued_on=issued_on,
        recipients=conf["recipients"], data_note=f"数据截至{data.year}年{data.month}月底",
        sections=sections, attachments=attachments(data), draft=data.draft, data=data)
    verify(bulletin)
    return bulletin
