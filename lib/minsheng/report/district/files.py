"""The files of one district's bulletin: bulletin.html, bulletin.pdf, bulletin.docx (the
existing exporters render the document as is) and tables.xlsx (report.district.tables).

Above both the document and the renderers, so report/export never needs report/district."""

from __future__ import annotations

from pathlib import Path

from minsheng.report.district.data import DistrictData
from minsheng.report.district.model import DistrictBulletin
from minsheng.report.district.tables import tables_bytes
from minsheng.report.export.docx import write_docx
from minsheng.report.export.pdf import writing_pdf
from minsheng.report.export.webpage import write_html

NAMES = {"html": "bulletin.html", "pdf": "bulletin.pdf", "docx": "bulletin.docx",
         "tables": "tables.xlsx"}


def write_district_files(doc: DistrictBulletin, data: DistrictData, out_dir: str | Path) -> list[Path]:
    """Write the four files into `out_dir` (created if needed); returns their paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = out / NAMES["tables"]
    with writing_pdf(doc, out / NAMES["pdf"]) as pdf:
        tables.write_bytes(tables_bytes(data, doc.issued_on))
        html, docx = write_html(doc, out / NAMES["html"]), write_docx(doc, out / NAMES["docx"])
    return [html, pdf.result(), docx, tables]
