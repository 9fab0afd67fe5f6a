"""An official document as an A4 PDF in the GB/T 9704-2012 layout: WeasyPrint's print of
its HTML (`export.webpage`), free stand-in fonts embedded by role, subset.

Pagination: a caption stays with the first two rows of its table, the last row (a 合计)
with the one before, every table repeats its head row, attachments start on a new page
(landscape ones on landscape pages). A chart pushed to the next page by lack of room would
leave a half-empty page behind: it is scaled down to fit that room (to no less than
`MIN_CHART_SCALE`): the body is laid out alone first to find such breaks, then the whole. Title and language are set in the
PDF's metadata, its structure is tagged; the same document gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import warnings
from pathlib import Path

from minsheng.report import fonts
from minsheng.report.document import Document
from minsheng.report.export.collector import collector_paused
from minsheng.report.export.layout import LINE_PITCH_PT, TEXT_HEIGHT_MM, pt
from minsheng.report.export.webpage import TEMPLATES, render

MIN_CHART_SCALE = 0.6
# A page ending this far above the text block's bottom before a chart is "half empty".
_EMPTY_SHARE = 0.25
PX_PER_PT = 96 / 72


def _boxes(box):
    yield box
    for child in getattr(box, "children", ()) or ():
        yield from _boxes(child)


def _content_bottom(page) -> float:
    """Lowest edge (px) of anything laid out on the page's text block."""
    root = page._page_box.children[0] if page._page_box.children else None
    bottom = 0.0
    for box in _boxes(root) if root is not None else ():
        if type(box).__name__ in ("LineBox", "BlockReplacedBox", "InlineReplacedBox", "TableRowBox"):
            bottom = max(bottom, box.position_y + box.margin_height())
    return bottom


def _first_figure(page):
    """The chart <figure> that opens the page, if one does."""
    root = page._page_box.children[0] if page._page_box.children else None
    for box in _boxes(root) if root is not None else ():
        if box.element_tag == "figure":
            return box
        if type(box).__name__ in ("LineBox", "TableRowBox", "BlockReplacedBox"):
            return None
    return None


def _pushed_charts(document) -> dict[str, float]:
    """chart key → the image height (pt) that fits the room its page break left behind."""
    fits: dict[str, float] = {}
    block_px = pt(TEXT_HEIGHT_MM) * PX_PER_PT
    for prev, page in zip(document.pages, document.pages[1:], strict=False):
        figure = _first_figure(page)
        if figure is None or not str(figure.element.get("id", "")).startswith("chart-"):
            continue
        page_box = prev._page_box
        room = page_box.content_box_y() + page_box.height - _content_bottom(prev)
        if room < _EMPTY_SHARE * block_px:
            continue
        img = next((b for b in _boxes(figure) if type(b).__name__.endswith("ReplacedBox")), None)
        if img is None:
            continue
        others = figure.margin_height() - img.margin_height()
        height = room - others - LINE_PITCH_PT * PX_PER_PT * 0.25
        if height >= MIN_CHART_SCALE * img.height:
            fits[figure.element.get("id")[len("chart-"):]] = height / PX_PER_PT
    return fits


def _render(doc: Document, chart_heights: dict[str, float] | None = None):
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    html = render(doc, standalone=True, for_pdf=True, chart_heights=chart_heights)
    font_config = FontConfiguration()
    return weasyprint.HTML(string=html, base_url=str(TEMPLATES)).render(font_config=font_config)


def layout(doc: Document):
    """The document laid out by WeasyPrint (a weasyprint.Document: pages and their boxes),
    charts pushed off a page scaled into the room they left."""
    missing = fonts.missing_faces()
    if missing:
        warnings.warn("PDF: free stand-in fonts not installed, PyPI Noto faces used instead for "
                      + "、".join(fonts.ROLE_NAMES[r] for r, _ in missing) + "; install "
                      + " ".join(sorted({p for _, p in missing})) + " (make setup as root)",
                      stacklevel=2)
    charts_in_body = any(b.kind == "chart" for top in doc.sections for s in top.walk()
                         for b in s.blocks)
    charts_later = any(b.kind == "chart" for a in doc.attachments for b in a.blocks)
    if not charts_in_body and not charts_later:
        return _render(doc)
    if charts_later:
        document = _render(doc)
        fits = _pushed_charts(document)
        return _render(doc, fits) if fits else document
    # The body alone breaks where the whole document does: lay it out to place its charts
    # (a few pages; the attachments' long tables are most of the work), then the whole once.
    fits = _pushed_charts(_render(dataclasses.replace(doc, attachments=())))
    return _render(doc, fits)


def pdf_bytes(doc: Document) -> bytes:
    """The document as A4 PDF (GB/T 9704 layout, stand-in fonts subset and embedded)."""
    with collector_paused():   # layout allocates in bursts that full collections only slow
        return layout(doc).write_pdf(pdf_tags=True)


def write_pdf(doc: Document, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(pdf_bytes(doc))
    return path
