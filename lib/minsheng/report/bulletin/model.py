"""The bulletin as a document with its data: what the exports render and the checks read."""

from __future__ import annotations

from dataclasses import dataclass, field

from minsheng.report.bulletin.data import BulletinData
from minsheng.report.document import Document


@dataclass(frozen=True, eq=False, kw_only=True)
class Bulletin(Document):
    """The quarterly bulletin: an official document and the data it was made from."""

    data: BulletinData = field(repr=False)
