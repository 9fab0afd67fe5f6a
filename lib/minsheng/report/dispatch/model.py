"""The dispatch as a document with its data: what the exports render and the checks read."""

from __future__ import annotations

from dataclasses import dataclass, field

from minsheng.report.dispatch.data import DispatchData
from minsheng.report.document import Document


@dataclass(frozen=True, eq=False, kw_only=True)
class Dispatch(Document):
    """The monthly dispatch (月调度情况): an official document and the data it was made from."""

    data: DispatchData = field(repr=False)
