"""The bulletin as an A4 PDF: WeasyPrint's rendering of its HTML, the Chinese font embedded."""

from __future__ import annotations

from pathlib import Path

from minsheng.report.bulletin import Bulletin
from minsheng.report.export.html import TEMPLATES, to_html


def pdf_bytes(bulletin: Bulletin) -> bytes:
    """The bulletin as A4 PDF (page numbers, Chinese font embedded), via WeasyPrint."""
    import weasyprint

    html = to_html(bulletin, standalone=True, for_pdf=True)
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).write_pdf()


def write_pdf(bulletin: Bulletin, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(pdf_bytes(bulletin))
    return path
