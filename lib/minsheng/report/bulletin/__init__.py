"""The quarterly bulletin (季通报): its figures, its Chinese text, and its own arithmetic check.

`assemble` gathers every table the bulletin prints (pure: catalogue + ledger in, frames out);
`build` turns them into a `Bulletin`, a structured document (sections of paragraphs, lists,
tables and charts) that every export (HTML, PDF, DOCX; XLSX reads the data) renders as is.
Every number in it is computed from the data, never typed.

`check_arithmetic` reads the *printed* text back (counts, percentages, ranks) and recomputes
each figure from the indicator table, independently of the roll-ups: published bulletins
have printed "3 of 15" as 27 %, ours must not. `build` raises `ArithmeticCheckError`
listing every problem found.

Modules: data (BulletinData, assemble), document (the document model), counts (counts as
printed and read back), sections (one module per section), checks (the arithmetic check,
one module per section it checks), build.
"""

from minsheng.report.bulletin.build import build
from minsheng.report.bulletin.checks import ArithmeticCheckError, check_arithmetic, verify
from minsheng.report.bulletin.counts import CAP, overall_summary, quarantined_rows
from minsheng.report.bulletin.data import BulletinData, assemble
from minsheng.report.bulletin.document import (
    REGION,
    Block,
    Bulletin,
    BulletList,
    Chart,
    Paragraph,
    Section,
    Table,
    title,
)
from minsheng.report.bulletin.sections.annex import QUARANTINE_PRINT_LIMIT
from minsheng.report.bulletin.sections.lagging import AT_RISK

__all__ = [
    "AT_RISK", "CAP", "QUARANTINE_PRINT_LIMIT", "REGION",
    "ArithmeticCheckError", "Block", "BulletList", "Bulletin", "BulletinData", "Chart",
    "Paragraph", "Section", "Table",
    "assemble", "build", "check_arithmetic", "overall_summary", "quarantined_rows", "title",
    "verify",
]
