"""The bulletin as a structured document: sections of paragraphs, lists, tables and charts.

Every export (HTML, PDF, DOCX) renders this model as is; `role` and `key` tell the
arithmetic check which printed figures to read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from minsheng.report.bulletin.data import BulletinData
from minsheng.report.format import chinese_numeral

REGION = "重庆市"


@dataclass(frozen=True)
class Paragraph:
    text: str
    role: str = ""        # what check_arithmetic reads back ("overall_counts", …)
    key: str = ""         # e.g. the item number of an "item_counts" paragraph
    style: str = ""       # "note": small print
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class BulletList:
    items: tuple[str, ...]
    role: str = ""
    ordered: bool = True
    kind: ClassVar[str] = "list"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    keys: tuple[str, ...] = ()         # indicator_id or district per row
    statuses: tuple[str, ...] = ()     # status code per row ("" none) for the status colour
    status_column: int | None = None   # column printing the status label
    numeric: tuple[int, ...] = ()      # right-aligned columns
    role: str = ""
    wide: bool = False                 # print on a landscape page
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str
    alt: str
    png: bytes = field(repr=False)
    width_cm: float = 16.0
    kind: ClassVar[str] = "chart"


Block = Paragraph | BulletList | Table | Chart


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    level: int = 1
    wide: bool = False   # an annex of wide tables (landscape in PDF and DOCX)

    def walk(self):
        """This section and every subsection, depth first."""
        yield self
        for sub in self.subsections:
            yield from sub.walk()


@dataclass(frozen=True, eq=False)
class Bulletin:
    title: str
    date_line: str
    data_note: str
    issued_on: date
    sections: tuple[Section, ...]
    data: BulletinData = field(repr=False)

    def section(self, key: str) -> Section:
        for top in self.sections:
            for s in top.walk():
                if s.key == key:
                    return s
        raise KeyError(key)

    def blocks(self, role: str | None = None):
        """Every block in reading order (optionally only those with `role`)."""
        for top in self.sections:
            for s in top.walk():
                for b in s.blocks:
                    if role is None or getattr(b, "role", "") == role:
                        yield b


def title(year: int, quarter: int) -> str:
    return f"{REGION}{year}年重点民生实事第{chinese_numeral(quarter)}季度推进情况通报"
