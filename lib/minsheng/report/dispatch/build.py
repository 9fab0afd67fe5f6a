"""Building the dispatch: its parts in the order an office issues them, the attachment (附件
红灯、黄灯指标清单) when a light is red or yellow, then its own check (`checks.verify_dispatch`),
which must pass before anything is written."""

from __future__ import annotations

from datetime import date

from minsheng.config import settings
from minsheng.report.bulletin.build import REGION
from minsheng.report.dispatch.attachment import lights_attachment
from minsheng.report.dispatch.checks import verify_dispatch
from minsheng.report.dispatch.data import DispatchData
from minsheng.report.dispatch.model import Dispatch
from minsheng.report.dispatch.sections import (
    changes_section,
    lead_section,
    lights_section,
    requirements_section,
    returns_section,
    summary_section,
)


def dispatch_title(year: int, month: int) -> str:
    """重庆市2026年重点民生实事9月调度情况."""
    return f"{REGION}{year}年重点民生实事{month}月调度情况"


def build_dispatch(data: DispatchData, issued_on: date, *, issuer: str | None = None) -> Dispatch:
    """The dispatch as structured Chinese content; raises checks.DispatchCheckError when its
    printed figures do not add up."""
    conf = settings()["dispatch"]
    sections = (lead_section(data), summary_section(data), lights_section(data),
                changes_section(data), returns_section(data),
                requirements_section(data, issued_on))
    doc = Dispatch(title=dispatch_title(data.year, data.month), issuer=issuer or conf["issuer"],
                   issued_on=issued_on, recipients=conf["recipients"],
                   data_note=f"数据截至{data.year}年{data.cutoff}月底", sections=sections,
                   attachments=tuple(a for a in (lights_attachment(data),) if a is not None),
                   draft=data.draft, data=data)
    return verify_dispatch(doc)
