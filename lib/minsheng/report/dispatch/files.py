"""The files each dispatch issues: the 调度情况 as HTML, PDF and DOCX, dispatch.xlsx, and a
督办提示 per lead unit (notices/<unit>.docx). Above both the documents and their renderers
(export), so export never needs the dispatch."""

from __future__ import annotations

import re
from pathlib import Path

from minsheng.report.dispatch.data import DispatchData
from minsheng.report.dispatch.model import Dispatch
from minsheng.report.dispatch.notices import build_notices
from minsheng.report.dispatch.sheets import workbook_bytes
from minsheng.report.export.docx import write_docx
from minsheng.report.export.pdf import writing_pdf
from minsheng.report.export.webpage import write_html

NAMES = {"html": "dispatch.html", "pdf": "dispatch.pdf", "docx": "dispatch.docx",
         "xlsx": "dispatch.xlsx"}
NOTICES = "notices"


def notice_file(unit: str) -> str:
    """The 督办提示's file name: the unit's name, with characters file systems refuse replaced."""
    return re.sub(r'[\\/:*?"<>|\s]', "_", unit) + ".docx"


def write_dispatch_files(doc: Dispatch, data: DispatchData, out_dir: Path) -> list[Path]:
    """Write the dispatch's files into `out_dir` (notices in out_dir/notices, replacing those of
    an earlier run); returns their paths, the notices last."""
    if doc.data is not data:
        raise ValueError("the dispatch was built from other data")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    notices = build_notices(data, doc.issued_on, issuer=doc.issuer)  # checked before any write
    xlsx = out / NAMES["xlsx"]
    with writing_pdf(doc, out / NAMES["pdf"]) as pdf:
        xlsx.write_bytes(workbook_bytes(data, doc.issued_on))
        html, docx = write_html(doc, out / NAMES["html"]), write_docx(doc, out / NAMES["docx"])
        folder = out / NOTICES
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.docx"):
            old.unlink()
        written = [write_docx(n, folder / notice_file(unit)) for unit, n in notices.items()]
    return [html, pdf.result(), docx, xlsx, *written]
