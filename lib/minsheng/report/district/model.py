"""The district bulletin as a document with its data: what the exports render and the checks read."""

from __future__ import annotations

from dataclasses import dataclass, field

from minsheng.report.district.data import DistrictData
from minsheng.report.document import Document


@dataclass(frozen=True, eq=False, kw_only=True)
class DistrictBulletin(Document):
    """One district's quarterly bulletin (区县通报): an official document and its data."""

    data: DistrictData = field(repr=False)
