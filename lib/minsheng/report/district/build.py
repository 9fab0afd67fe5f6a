"""Building a district bulletin: title, 主送 (the district's people's government), the opening
paragraph, 一、总体情况, 二、存在问题, 三、下一步工作要求, 附件1–2, then its own arithmetic
check (`checks.verify_district`), which must pass before anything is written."""

from __future__ import annotations

from datetime import date

from minsheng.config import settings
from minsheng.report.district.attachments import district_attachments
from minsheng.report.district.checks import verify_district
from minsheng.report.district.data import DistrictData
from minsheng.report.district.model import DistrictBulletin
from minsheng.report.district.sections import (
    district_next_steps,
    district_overview,
    district_problems,
    second_person,
)
from minsheng.report.document import Paragraph, Section
from minsheng.report.format import chinese_numeral


def district_title(year: int, quarter: int, district: str) -> str:
    """"关于万州区2026年第三季度重点民生实事推进情况的通报": 关于 + 事由 + 文种, as a 通报
    to one government is titled (the issuer signs it; GB/T 9704-2012 7.3.1)."""
    return f"关于{district}{year}年第{chinese_numeral(quarter)}季度重点民生实事推进情况的通报"


def build_district(data: DistrictData, issued_on: date, *,
                   issuer: str | None = None) -> DistrictBulletin:
    """The district bulletin as structured Chinese content; raises the bulletin's
    ArithmeticCheckError when its printed figures do not add up."""
    conf = settings()["district_bulletin"]
    period = f"{data.year}年第{chinese_numeral(data.quarter)}季度"
    lead_text = conf["lead"].format(period=period, you=second_person(data.district))
    lead = Section("lead", "", (Paragraph("".join(lead_text.split()), role="lead"),), level=0)
    doc = DistrictBulletin(
        title=district_title(data.year, data.quarter, data.district),
        issuer=issuer or settings()["bulletin"]["issuer"], issued_on=issued_on,
        recipients=conf["recipients"].format(district=data.district),
        data_note=f"数据截至{data.year}年{data.month}月底",
        sections=(lead, district_overview(data), district_problems(data), district_next_steps(data)),
        attachments=district_attachments(data), draft=data.draft, data=data)
    return verify_district(doc)
