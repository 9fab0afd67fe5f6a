"""An official document (公文) as structured content: what every export renders.

The elements and their order follow GB/T 9704-2012 as offices apply it: 标题 (the title;
for an unfinished period, 征求意见稿 under it), 主送机关 (recipients), the body of sections
(headings 一、 / （一） / 1. by level) holding paragraphs, numbered items, tables and charts,
附件说明 (the list of attachments), 发文机关署名 and 成文日期 (issuer and date), then each
attachment on a new page (附件N, its title, its tables). Every export (HTML, PDF, DOCX)
renders this model as is and adds nothing but layout. `role` and `key` on a block tell the
arithmetic checks which printed figures to read back.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from minsheng.report.format import fmt_date


@dataclass(frozen=True)
class Paragraph:
    """A body paragraph (indented two characters); style "note" is a 注 under a table."""

    text: str
    role: str = ""
    key: str = ""
    style: str = ""
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class Items:
    """A numbered enumeration, printed as body paragraphs "1. …", "2. …" (公文 has no bullets)."""

    items: tuple[str, ...]
    role: str = ""
    kind: ClassVar[str] = "items"


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""
    keys: tuple[str, ...] = ()         # indicator_id or district per row
    statuses: tuple[str, ...] = ()     # status code per row ("" none) for the status shading
    status_column: int | None = None   # column printing the status label
    numeric: tuple[int, ...] = ()      # right-aligned columns
    role: str = ""
    kind: ClassVar[str] = "table"


@dataclass(frozen=True)
class Chart:
    key: str
    caption: str
    alt: str
    png: bytes = field(repr=False)
    width_cm: float = 15.5
    kind: ClassVar[str] = "chart"


Block = Paragraph | Items | Table | Chart


@dataclass(frozen=True)
class Section:
    """A heading (its numbering written out: "一、总体情况", "（一）…") and what it holds.
    Level 1 一、, 2 （一）, 3 1.; level 0 with an empty heading: blocks before the first
    heading (the opening paragraph)."""

    key: str
    heading: str
    blocks: tuple[Block, ...] = ()
    subsections: tuple[Section, ...] = ()
    level: int = 1

    def walk(self) -> Iterator[Section]:
        """This section and every subsection, depth first."""
        yield self
        for sub in self.subsections:
            yield from sub.walk()


@dataclass(frozen=True)
class Attachment:
    """附件N: a title and tables, on new pages (landscape when its tables are wide)."""

    number: int
    key: str
    title: str
    blocks: tuple[Block, ...] = ()
    landscape: bool = False

    @property
    def label(self) -> str:
        return f"附件{self.number}"


@dataclass(frozen=True, eq=False, kw_only=True)
class Document:
    title: str
    issuer: str                         # 发文机关署名
    issued_on: date                     # 成文日期
    sections: tuple[Section, ...]
    recipients: str = ""                # 主送机关, ending in "："
    data_note: str = ""                 # 数据截至…, printed under the title
    attachments: tuple[Attachment, ...] = ()
    draft: bool = False                 # 征求意见稿: the period has not closed

    DRAFT_MARK: ClassVar[str] = "征求意见稿"

    @property
    def date_text(self) -> str:
        """成文日期 in Arabic numerals, full year, no leading zeros: 2026年10月15日."""
        return fmt_date(self.issued_on)

    @property
    def attachment_note(self) -> tuple[str, ...]:
        """附件说明 lines: "附件：1. 名称", then "2. 名称" … aligned under the first; a single
        attachment is not numbered ("附件：名称", GB/T 9704-2012 7.3.4)."""
        if len(self.attachments) == 1:
            return (self.attachments[0].title,)
        return tuple(f"{a.number}. {a.title}" for a in self.attachments)

    def label(self, attachment: Attachment) -> str:
        """What heads an attachment's first page: "附件2", or "附件" when it is the only one."""
        return "附件" if len(self.attachments) == 1 else attachment.label

    def section(self, key: str) -> Section:
        for top in self.sections:
            for s in top.walk():
                if s.key == key:
                    return s
        raise KeyError(key)

    def attachment(self, key: str) -> Attachment:
        for a in self.attachments:
            if a.key == key:
                return a
        raise KeyError(key)

    def blocks(self, role: str | None = None) -> Iterator[Block]:
        """Every block in reading order, attachments last (optionally only those with `role`)."""
        for top in self.sections:
            for s in top.walk():
                for b in s.blocks:
                    if role is None or getattr(b, "role", "") == role:
                        yield b
        for a in self.attachments:
            for b in a.blocks:
                if role is None or getattr(b, "role", "") == role:
                    yield b
