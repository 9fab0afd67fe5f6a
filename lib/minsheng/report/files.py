"""The files each publication issues: the 通报 as HTML, PDF and DOCX, and the office's 数据核实清单.

Above both the documents (bulletin) and their renderers (export), so neither needs the other.
"""

from __future__ import annotations

from pathlib import Path

from minsheng.contracts.store import CleanOutputs
from minsheng.report.bulletin.model import Bulletin
from minsheng.report.checklist import write_checklist
from minsheng.report.export.docx import write_docx
from minsheng.report.export.pdf import Typesetting, start_pdf, writing_pdf
from minsheng.report.export.webpage import write_html

NAMES = {"html": "bulletin.html", "pdf": "bulletin.pdf", "docx": "bulletin.docx",
         "checklist": "checklist.xlsx"}


def start_bulletin_pdf(bulletin: Bulletin, out_dir: Path) -> Typesetting:
    """Start setting the bulletin's PDF in `out_dir` (in its thread: Typst lets go of the GIL),
    for `write_bulletin_files` to wait for: a notebook shows the text meanwhile."""
    return start_pdf(bulletin, Path(out_dir) / NAMES["pdf"])


def write_bulletin_files(bulletin: Bulletin, clean: CleanOutputs, out_dir: Path,
                         typesetting: Typesetting | None = None) -> list[Path]:
    """Write the four files into `out_dir` (the PDF: the one `start_bulletin_pdf` started, if
    given); returns their paths."""
    out = Path(out_dir)
    with writing_pdf(bulletin, out / NAMES["pdf"], started=typesetting) as pdf:
        html, docx = write_html(bulletin, out / NAMES["html"]), write_docx(bulletin, out / NAMES["docx"])
        checklist = write_checklist(clean, bulletin.data, out / NAMES["checklist"], bulletin.issued_on)
    return [html, pdf.result(), docx, checklist]
