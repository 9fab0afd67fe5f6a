"""The GB/T 9704-2012 page, in one place for the DOCX, the PDF and the printed HTML.

A4; margins top 37, bottom 35, left (binding) 28, right 26 mm: a 156 × 225 mm text block of
22 lines × 28 characters in 3号 (16 pt). Landscape attachment pages keep the same text block
turned a quarter (the table head at the binding edge): margins 28 / 26 / 37 / 35 mm.
Page numbers "— N —" in 4号 (14 pt) 宋体, 7 mm below the text block, one character in from
the right on odd pages and from the left on even pages.

Also what every export shares about content: how wide a text is in characters, the table
column widths, the font size of a table, the signature block's indents, item markers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from minsheng.report.document import Document, Table

MM_PER_PT = 25.4 / 72

PAGE_MM = (210.0, 297.0)
MARGINS_MM = {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
LANDSCAPE_MARGINS_MM = {"top": 28.0, "bottom": 26.0, "left": 37.0, "right": 35.0}
LINES, CHARS = 22, 28
BODY_PT = 16.0        # 3号
TITLE_PT = 22.0       # 2号
FOLIO_PT = 14.0       # 4号, page numbers
FOLIO_GAP_MM = 7.0    # page number below the text block
NOTE_PT = 14.0        # 注 under a table

TEXT_WIDTH_MM = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]      # 156
TEXT_HEIGHT_MM = PAGE_MM[1] - MARGINS_MM["top"] - MARGINS_MM["bottom"]     # 225


def pt(mm: float) -> float:
    return mm / MM_PER_PT


# Line pitch in twips, rounded down so that 22 lines fit (Word then draws exactly 22);
# the PDF uses the same pitch.
LINE_PITCH_TWIPS = math.floor(pt(TEXT_HEIGHT_MM) / LINES * 20)               # 579
LINE_PITCH_PT = LINE_PITCH_TWIPS / 20                                        # 28.95
CHAR_PITCH_PT = pt(TEXT_WIDTH_MM) / CHARS                                    # 15.79
# Letter spacing that sets 28 full-width 3号 characters in the 156 mm line (15.75 pt each,
# 441 pt; a 29th does not fit), in whole twips for the DOCX.
LETTER_SPACING_PT = math.floor((CHAR_PITCH_PT - BODY_PT) * 20) / 20         # -0.25
INDENT_PT = 2 * (BODY_PT + LETTER_SPACING_PT)                                # 两字

# Tables: 小四 (12 pt) when the table fits the text width at that size, else 五号 (10.5 pt).
TABLE_SIZES_PT = (12.0, 10.5)
_CELL_PAD_PT = 5.4   # left + right padding of a cell


def display_width(text: str) -> float:
    """Width in em: CJK and full-width characters 1, Latin letters and digits about 0.55."""
    return sum(1.0 if ord(ch) > 0x2E7F else 0.55 for ch in text)


def text_width_pt(landscape: bool = False) -> float:
    """Width of the text block: 156 mm, or 225 mm on a landscape page."""
    return pt(TEXT_HEIGHT_MM if landscape else TEXT_WIDTH_MM)


@dataclass(frozen=True)
class TableLayout:
    size_pt: float
    widths: tuple[float, ...]   # fractions of the text width, summing to 1
    short: tuple[bool, ...]     # columns kept on one line (codes, numbers, statuses)


_SHORT_EM = 8.5     # a column whose longest cell is at most this wide never wraps
_SWATCH_EM = 1.2    # the status colour swatch before a status word (HTML, PDF)


def table_layout(table: Table, landscape: bool = False) -> TableLayout:
    """Font size and column widths. Short columns (numbers, codes, statuses, names) get
    their whole width so they never wrap; long texts share what is left and wrap."""
    n = len(table.columns)
    avail_pt = text_width_pt(landscape)
    longest = [max([display_width(r[j]) for r in table.rows] or [0.0]) for j in range(n)]
    heads = [min(display_width(h), 6.0) for h in table.columns]
    short = tuple(j in table.numeric or j == table.status_column or longest[j] <= _SHORT_EM
                  for j in range(n))
    if table.status_column is not None and table.statuses:
        longest[table.status_column] += _SWATCH_EM
    for size in TABLE_SIZES_PT:
        want = [max(longest[j], heads[j], 1.5) * size + _CELL_PAD_PT for j in range(n)]
        fixed = sum(w for w, s in zip(want, short, strict=True) if s)
        rest = avail_pt - fixed
        long_cols = [j for j in range(n) if not short[j]]
        floor_pt = 6 * size + _CELL_PAD_PT                # a long column keeps 6 characters
        if rest >= floor_pt * len(long_cols) or size == TABLE_SIZES_PT[-1]:
            break
    wanted_long = sum(want[j] for j in long_cols)
    if long_cols and wanted_long > rest:
        share = max(rest, floor_pt * len(long_cols)) / wanted_long
        for j in long_cols:
            want[j] = max(want[j] * share, floor_pt)
    elif long_cols:
        for j in long_cols:                               # spread what is left
            want[j] += (rest - wanted_long) / len(long_cols)
    total = sum(want)
    if not long_cols and total < avail_pt:
        want = [w * avail_pt / total for w in want]
        total = avail_pt
    return TableLayout(size, tuple(w / total for w in want), short)


def twips(fractions: tuple[float, ...], total: int) -> list[int]:
    """Integer widths summing exactly to `total` (largest remainder)."""
    raw = [f * total for f in fractions]
    out = [math.floor(x) for x in raw]
    for j in sorted(range(len(raw)), key=lambda j: out[j] - raw[j])[:total - sum(out)]:
        out[j] += 1
    return out


def heading_role(level: int) -> str:
    """The font role of a heading: 一、 黑体, （一） 楷体, 1. and below 仿宋 (fonts.ROLES)."""
    return {1: "hei", 2: "kai"}.get(level, "body")


def item_marker(n: int, level: int) -> str:
    """Numbering of an enumeration: "1. " under 一、 and （一）; "（1）" under a 1. heading."""
    return f"（{n}）" if level >= 3 else f"{n}. "


@dataclass(frozen=True)
class Signature:
    """发文机关署名 and 成文日期 on the right (GB/T 9704-2012 7.3.5.2): the issuer stands two
    characters in from the right; the date below it starts two characters right of the
    issuer's first character; a date longer than that stands two in from the right and the
    issuer moves left to keep the two characters. In characters from the text block's left
    edge (print: exact for Chinese names, whatever the digits' widths) and from its right
    edge (screen, right-aligned)."""

    issuer_left: float
    date_left: float
    issuer_right: float
    date_right: float


def signature(doc: Document) -> Signature:
    issuer, day = display_width(doc.issuer), display_width(doc.date_text)
    if day + 2 <= issuer:
        left = CHARS - 2 - issuer
        return Signature(round(left, 2), round(left + 2, 2), 2.0, round(issuer - day, 2))
    left = CHARS - 2 - day
    return Signature(round(left - 2, 2), round(left, 2), round(4 + day - issuer, 2), 2.0)


def note_hanging(line: str) -> float:
    """Hanging indent (characters) of a 附件说明 line: wrapped text aligns with the name."""
    marker = line.split(" ", 1)[0] + " " if " " in line else ""
    return round(display_width(marker), 2)


ATTACHMENT_INTRO = "附件："


@dataclass(frozen=True)
class NoteLine:
    """A 附件说明 line as printed, its indents in characters from the text block's left."""

    text: str          # "附件：" before the first
    first_at: float    # where its first line starts
    left: float        # where its wrapped lines start (aligned with the name)


def attachment_note_lines(doc: Document) -> list[NoteLine]:
    """附件说明: "附件：" two characters in; later items under "1."; wrapped names aligned."""
    start = 2 + display_width(ATTACHMENT_INTRO)
    return [NoteLine(("" if k else ATTACHMENT_INTRO) + line, 2 if k == 0 else start,
                     start + note_hanging(line))
            for k, line in enumerate(doc.attachment_note if doc.attachments else ())]


# A title line may end after these (a word ends there) …
_TITLE_ENDS = set("年月市区县省事度的于和及与、")
# … and should not start with these.
_TITLE_NO_START = set("的了和及与、，。）》”")


def title_lines(title: str, size_pt: float = TITLE_PT, width_pt: float | None = None) -> list[str]:
    """The title broken into lines, as offices set a long title: each line whole words,
    lengths close to each other (a trapezium, not a word left alone on the last line).
    A title holding "\\n" is broken there and nowhere else."""
    if "\n" in title:
        return [line.strip() for line in title.split("\n") if line.strip()]
    width_pt = width_pt or text_width_pt()
    per_line = width_pt / size_pt
    total = display_width(title)
    n = math.ceil(total / per_line - 1e-9)
    if n <= 1:
        return [title]
    lines, rest = [], title
    for k in range(n, 1, -1):
        target = display_width(rest) / k
        best, best_score = None, None
        for i in range(1, len(rest)):
            left = display_width(rest[:i])
            if left > per_line:
                break
            score = abs(left - target)
            if rest[i - 1] not in _TITLE_ENDS:
                score += 2.5
            if rest[i] in _TITLE_NO_START or rest[i - 1].isascii() and rest[i].isascii():
                score += 50
            if best_score is None or score < best_score:
                best, best_score = i, score
        lines.append(rest[:best])
        rest = rest[best:]
    return [*lines, rest]


# Codes and dates a line must not break inside ("MS03-01", "2026-10-15", "G75/G85"): browsers
# and Word would break after the hyphen or slash.
CODE = re.compile(r"[A-Za-z0-9]+(?:[-/][A-Za-z0-9]+)+")
