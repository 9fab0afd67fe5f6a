"""An official document as an A4 PDF in the GB/T 9704-2012 layout, typeset by Typst
(templates/document.typ) with the free stand-in fonts embedded by role, subset.

The document goes to Typst as data: `payload()` writes its texts, the measures of
`export.layout` and the table layouts into document.json, the charts as PNG files beside
it, and the template sets them. Texts are JSON strings, never Typst markup, so nothing a
unit submits can change the layout or reach a file.

Pagination: a caption stays with the first two rows of its table, the last row (a 合计)
with the one before, every table repeats its head row, attachments start on a new page
(landscape ones on landscape pages). A chart pushed to the next page by lack of room would
leave a half-empty page behind: it is scaled down to fit that room (to no less than
`MIN_CHART_SCALE`). Title, author, date and language are set in the PDF's metadata, its
structure is tagged; the same document gives the same bytes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
import warnings
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from functools import cache
from pathlib import Path

from minsheng.report import fonts
from minsheng.report.charts import palette
from minsheng.report.document import Attachment, Block, Chart, Document, Items, Paragraph, Table
from minsheng.report.export import layout as gb

TEMPLATE = Path(__file__).resolve().parents[1] / "templates" / "document.typ"
MIN_CHART_SCALE = 0.6
# A page ending this far above the text block's bottom before a chart is "half empty".
EMPTY_SHARE = 0.25


def _table(t: Table, landscape: bool, skip_caption: str) -> list[dict]:
    lay = gb.table_layout(t, landscape)
    out = [{"kind": "caption", "text": t.caption}] if t.caption and t.caption != skip_caption else []
    return [*out, {"kind": "table", "columns": list(t.columns), "rows": [list(r) for r in t.rows],
                   "size": lay.size_pt, "widths": list(lay.widths),
                   "short": [j for j, s in enumerate(lay.short) if s], "numeric": list(t.numeric),
                   "status_column": t.status_column, "statuses": list(t.statuses)}]


def _chart(c: Chart, landscape: bool) -> dict:
    width_mm = min(c.width_cm * 10, gb.text_width_pt(landscape) * gb.MM_PER_PT)
    return {"kind": "chart", "key": c.key, "file": _chart_file(c), "width": round(width_mm, 2),
            "caption": c.caption, "alt": c.alt}


def _chart_file(c: Chart) -> str:
    return f"chart-{c.key}.png"


def _blocks(blocks: tuple[Block, ...], level: int, landscape: bool = False,
            skip_caption: str = "") -> list[dict]:
    out: list[dict] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append({"kind": "paragraph", "text": b.text, "note": b.style == "note"})
        elif isinstance(b, Items):
            out.append({"kind": "items", "lines": [gb.item_marker(n, level) + text
                                                   for n, text in enumerate(b.items, 1)]})
        elif isinstance(b, Table):
            out += _table(b, landscape, skip_caption)
        elif isinstance(b, Chart):
            out.append(_chart(b, landscape))
    return out


def _attachment(doc: Document, a: Attachment) -> dict:
    return {"label": doc.label(a), "landscape": a.landscape,
            "title_lines": gb.title_lines(a.title, width_pt=gb.text_width_pt(a.landscape)),
            "blocks": _blocks(a.blocks, 1, a.landscape, a.title)}


def _closing(doc: Document) -> dict:
    sig = gb.signature(doc)
    return {"notes": [dataclasses.asdict(n) for n in gb.attachment_note_lines(doc)],
            "issuer": doc.issuer, "issuer_left": sig.issuer_left,
            "date": doc.date_text, "date_left": sig.date_left}


def payload(doc: Document) -> dict:
    """What the template sets: the document's content and every measure, as JSON data."""
    body: list[dict] = []
    for top in doc.sections:
        for s in top.walk():
            if s.heading:
                body.append({"kind": "heading", "text": s.heading, "role": gb.heading_role(s.level)})
            body += _blocks(s.blocks, s.level)
    if body and body[-1]["kind"] == "paragraph":
        body[-1]["last"] = True
    return {
        "meta": {"title": doc.title + (f"（{doc.DRAFT_MARK}）" if doc.draft else ""),
                 "author": doc.issuer,
                 "date": [doc.issued_on.year, doc.issued_on.month, doc.issued_on.day]},
        "page": {"width": gb.PAGE_MM[0], "height": gb.PAGE_MM[1], "margins": gb.MARGINS_MM,
                 "landscape_margins": gb.LANDSCAPE_MARGINS_MM},
        "grid": {"size": gb.BODY_PT, "pitch": gb.LINE_PITCH_PT, "tracking": gb.LETTER_SPACING_PT,
                 "indent": gb.INDENT_PT, "char": gb.BODY_PT + gb.LETTER_SPACING_PT,
                 "title_size": gb.TITLE_PT, "note_size": gb.NOTE_PT, "caption_size": gb.BODY_PT,
                 "folio_size": gb.FOLIO_PT, "folio_gap": gb.FOLIO_GAP_MM,
                 "min_chart_scale": MIN_CHART_SCALE, "empty_share": EMPTY_SHARE},
        "fonts": {role: {"family": fonts.pdf_family(role), "weight": fonts.STAND_INS[role].weight}
                  for role in fonts.ROLES},
        "palette": {code: {"color": p["color"], "hatch": p["hatch"]} for code, p in palette().items()},
        "code_pattern": gb.CODE.pattern,
        "draft": doc.draft, "draft_mark": doc.DRAFT_MARK,
        "title_lines": gb.title_lines(doc.title), "data_note": doc.data_note,
        "recipients": doc.recipients, "body": body, "closing": _closing(doc),
        "attachments": [_attachment(doc, a) for a in doc.attachments],
    }


@cache
def _compiler():
    import typst

    book = typst.Fonts(include_system_fonts=False, include_embedded_fonts=False,
                       font_paths=[str(p) for p in fonts.pdf_font_dirs()])
    return typst.Compiler(font_paths=book)


def pdf_bytes(doc: Document) -> bytes:
    """The document as A4 PDF (GB/T 9704 layout, stand-in fonts subset and embedded)."""
    missing = fonts.missing_faces()
    if missing:
        warnings.warn("PDF: free stand-in fonts not installed, PyPI Noto faces used instead for "
                      + "、".join(fonts.ROLE_NAMES[r] for r, _ in missing) + "; install "
                      + " ".join(sorted({p for _, p in missing})) + " (make setup as root)",
                      stacklevel=2)
    charts = {b.key: b for b in doc.blocks() if isinstance(b, Chart)}
    with tempfile.TemporaryDirectory(prefix="minsheng-pdf-") as tmp:
        root = Path(tmp)
        (root / "document.json").write_text(json.dumps(payload(doc), ensure_ascii=False),
                                            encoding="utf-8")
        for chart in charts.values():
            (root / _chart_file(chart)).write_bytes(chart.png)
        data, said = _compiler().compile_with_warnings(TEMPLATE.read_bytes(), root=str(root),
                                                       format="pdf")
    for warning in said:     # e.g. a character no stand-in has: shown, not swallowed
        warnings.warn(f"PDF（Typst）: {warning}", stacklevel=2)
    return data


def write_pdf(doc: Document, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(pdf_bytes(doc))
    return path


@cache
def _typesetter() -> ThreadPoolExecutor:
    """The thread a process sets its PDFs in: one for all of them, since a new thread for each
    would leave its memory in another malloc arena (~30 MB more over 40 PDFs, measured)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="minsheng-pdf")


os.register_at_fork(after_in_child=_typesetter.cache_clear)   # a forked child has no thread


@dataclasses.dataclass(frozen=True, eq=False)
class Typesetting:
    """A PDF being set in the typesetting thread (`start_pdf`); `writing_pdf` waits for it."""

    doc: Document
    path: Path
    future: Future[Path]


def start_pdf(doc: Document, path: str | Path) -> Typesetting:
    """Start `write_pdf` in the typesetting thread and return at once."""
    return Typesetting(doc, Path(path), _typesetter().submit(write_pdf, doc, Path(path)))


@contextmanager
def writing_pdf(doc: Document, path: str | Path,
                started: Typesetting | None = None) -> Iterator[Future[Path]]:
    """`write_pdf` in a thread while the caller writes the other files: Typst lets go of the
    GIL while it sets the pages, so on two cores the DOCX and the workbooks take no extra
    time. `started`: this very PDF, started earlier by `start_pdf` (so that it is set while
    the caller did other work). Yields the PDF's future; leaves only once the PDF is written,
    raising its error."""
    if started is not None and (started.doc is not doc or started.path != Path(path)):
        raise ValueError(f"the PDF started is {started.path} of another document, not {path}")
    future = (started or start_pdf(doc, path)).future
    try:
        yield future
    finally:
        wait([future])
    future.result()
