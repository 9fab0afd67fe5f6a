"""An official document (report.document) as HTML: the published page, readable offline and
printable from a browser in the GB/T 9704 page (the PDF is typeset apart, `export.pdf`).

HTML comes from Jinja2 templates with autoescape on, so submitted text (进展情况, unit
names) can never inject markup; images are data: URIs, no external URL is referenced and a
Content-Security-Policy forbids fetching anything or running a script.

    to_html(doc, standalone=True)                  whole page, or a styled <div> fragment
    heading_html(doc)                              title, 征求意见稿, data note, 主送 (notebook)
    section_html(section)                          one section (notebook)
    closing_html(doc), attachment_html(doc, a)     附件说明 + signature; one attachment
    write_html(doc, path)
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markupsafe import Markup, escape

from minsheng.report import fonts
from minsheng.report.charts import palette
from minsheng.report.document import Attachment, Chart, Document, Section, Table
from minsheng.report.export import layout as gb

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

# CSS for a matplotlib hatch (the same palette in greyscale print): background-image layers.
_LINE = "repeating-linear-gradient({deg}deg, #333 0 0.8px, transparent 0.8px 3.5px)"
_HATCH_CSS = {
    "": "none",
    "//": _LINE.format(deg=-45),
    "\\\\": _LINE.format(deg=45),
    "xx": _LINE.format(deg=-45) + ", " + _LINE.format(deg=45),
    "..": "radial-gradient(circle, #333 0.7px, transparent 0.8px)",
    "--": _LINE.format(deg=0),
}


def status_css() -> str:
    """One swatch class per status, colour and hatch from settings.yaml's palette."""
    rules = []
    for code, p in palette().items():
        image = _HATCH_CSS.get(p["hatch"], "none")
        size = " background-size: 3.5px 3.5px;" if p["hatch"] == ".." else ""
        rules.append(f".ms-doc .sw-{code} {{ background-color: {p['color']}; "
                     f"background-image: {image};{size} }}")
    return "\n".join(rules)


def _pt(x: float) -> str:
    return f"{x:.2f}pt"


def page_css() -> str:
    """@page rules: A4, the GB/T 9704 margins, "— N —" odd right / even left, landscape
    attachment pages, the draft mark in the header."""
    m, lm = gb.MARGINS_MM, gb.LANDSCAPE_MARGINS_MM
    folio = (f"content: \"— \" counter(page) \" —\"; font-family: var(--f-song); "
             f"font-size: {_pt(gb.FOLIO_PT)}; line-height: 1; vertical-align: top; "
             f"padding-top: {gb.FOLIO_GAP_MM}mm; letter-spacing: 0;")
    one_char = _pt(gb.FOLIO_PT)

    def margins(x):
        return f"margin: {x['top']}mm {x['right']}mm {x['bottom']}mm {x['left']}mm;"

    out = []
    for name, size, marg in (("", "A4", m), ("landscape", "A4 landscape", lm)):
        sel = f"@page {name}".rstrip()
        out.append(f"{sel} {{ size: {size}; {margins(marg)} }}")
        out.append(f"{sel}:right {{ @bottom-right {{ {folio} text-align: right; "
                   f"padding-right: {one_char}; }} }}")
        out.append(f"{sel}:left {{ @bottom-left {{ {folio} text-align: left; "
                   f"padding-left: {one_char}; }} }}")
    out.append(".ms-doc .attachment.landscape { page: landscape; }")
    out.append("@media print { html, body { margin: 0; padding: 0; } }")   # the block is the page's
    return "\n".join(out)


def _draft_page_css() -> str:
    """The draft mark at the top right of every page (the DOCX has it in its header)."""
    box = (f"@top-right {{ content: \"{Document.DRAFT_MARK}\"; font-family: var(--f-hei); "
           f"font-size: {_pt(gb.FOLIO_PT)}; vertical-align: bottom; padding-bottom: 4mm; }}")
    return "\n".join(f"@page {name}{{ {box} }}" for name in ("", "landscape "))


def _variables() -> str:
    roles = " ".join(f"--f-{r}: {fonts.screen_family(r)};" for r in fonts.ROLES)
    print_grid = (f"--size: {_pt(gb.BODY_PT)}; --pitch: {_pt(gb.LINE_PITCH_PT)}; "
                  f"--gap: {_pt(gb.LINE_PITCH_PT)}; "
                  f"--indent: {_pt(gb.INDENT_PT)}; --ls: {_pt(gb.LETTER_SPACING_PT)}; "
                  f"--title-size: {_pt(gb.TITLE_PT)}; --title-pitch: {_pt(gb.LINE_PITCH_PT)}; "
                  f"--note-size: {_pt(gb.NOTE_PT)}; --caption-size: {_pt(gb.BODY_PT)};")
    screen_grid = ("--size: 18px; --pitch: 1.85; --gap: 1.85em; --indent: 2em; --ls: 0; --title-size: 1.55em; "
                   "--title-pitch: 1.45; --note-size: 0.9em; --caption-size: 1em;")
    return (f".ms-doc {{ {roles} {screen_grid} }}\n"
            f"@media print {{ .ms-doc {{ {print_grid} }} }}")


@cache
def _static_css() -> str:
    """document.css without its comments (they are for us, not for every published page)."""
    css = (TEMPLATES / "document.css").read_text(encoding="utf-8")
    return re.sub(r"\n{2,}", "\n", re.sub(r"/\*.*?\*/", "", css, flags=re.S)).strip()


def css(draft: bool = False, pages: bool = True) -> Markup:
    """The stylesheet: fonts by role (office names first, then the free stand-ins), the grid,
    the status swatches and, for whole documents, the @page rules."""
    parts = []
    if pages:
        parts.append(page_css())
        if draft:
            parts.append(_draft_page_css())
    parts += [_variables(), _static_css(), status_css()]
    return Markup("\n".join(parts))


@dataclass(frozen=True)
class TableView:
    size_class: str
    widths: tuple[float, ...]    # percent
    short: tuple[bool, ...]
    min_width_em: float


class HtmlLayout:
    """What the templates ask of the layout, in em."""

    @staticmethod
    def _chars(n: float) -> str:
        return f"{n:g}em"

    def table(self, table: Table, landscape: bool) -> TableView:
        lay = gb.table_layout(table, landscape)
        widths = tuple(round(100 * w, 2) for w in lay.widths)
        # On screen, a table keeps the width it has on paper (in em of its size) and scrolls.
        min_em = round(gb.text_width_pt(landscape) / lay.size_pt * 0.75, 1)
        return TableView("t12" if lay.size_pt >= 12 else "t10", widths, lay.short, min_em)

    @staticmethod
    def title_lines(title: str, landscape: bool = False) -> list[str]:
        return gb.title_lines(title, width_pt=gb.text_width_pt(landscape))

    @staticmethod
    def marker(n: int, level: int) -> str:
        return gb.item_marker(n, level)

    @staticmethod
    def note_lines(doc: Document) -> list[gb.NoteLine]:
        return gb.attachment_note_lines(doc)

    def note_style(self, note: gb.NoteLine) -> str:
        return (f"padding-left: {self._chars(note.left)}; "
                f"text-indent: -{self._chars(note.left - note.first_at)}")

    def signature(self, doc: Document) -> dict[str, str]:
        sig = gb.signature(doc)
        return {"issuer": f"padding-right: {self._chars(sig.issuer_right)}",
                "date": f"padding-right: {self._chars(sig.date_right)}"}

    @staticmethod
    def image(chart: Chart) -> str:
        return "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")

    @staticmethod
    def chart_style(chart: Chart, landscape: bool) -> str:
        width_cm = min(chart.width_cm, gb.text_width_pt(landscape) * gb.MM_PER_PT / 10)
        return f"width: {width_cm:.2f}cm"


def keep_codes(text: str) -> Markup:
    """`text` escaped, its codes ("MS03-01") in a span that never breaks across lines."""
    out, pos = [], 0
    for m in gb.CODE.finditer(text):
        out += [escape(text[pos:m.start()]), Markup('<span class="nw">'), escape(m.group()),
                Markup("</span>")]
        pos = m.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def environment():
    """The templates' Jinja2 environment (autoescape on, undefined names an error)."""
    return _env()


@cache
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True)
    env.filters["keep_codes"] = keep_codes
    return env


def to_html(doc: Document, standalone: bool = True) -> str:
    """The document as HTML. `standalone`: a whole page; else a styled <div> fragment."""
    return _env().get_template("document.html.j2").render(
        doc=doc, standalone=standalone, L=HtmlLayout(), css=css(doc.draft, pages=standalone))


def _fragment(body: str, with_style: bool) -> str:
    style = f"<style>{css(pages=False)}</style>\n" if with_style else ""
    return f'{style}<div class="ms-doc">{body}</div>'


def _macro(name: str):
    module = _env().get_template("blocks.html.j2").make_module({"L": HtmlLayout()})
    return getattr(module, name)


def heading_html(doc: Document, with_style: bool = True) -> str:
    """Title, 征求意见稿, data note and 主送机关 as a fragment, with the stylesheet so later
    fragments in the same notebook need not repeat it."""
    return _fragment(str(_macro("masthead")(doc)), with_style)


def section_html(section: Section, with_style: bool = True) -> str:
    """One section (with its subsections) as a fragment for a notebook cell."""
    return _fragment(str(_macro("section")(section)), with_style)


def closing_html(doc: Document, with_style: bool = True) -> str:
    """附件说明, 发文机关署名 and 成文日期 as a fragment."""
    return _fragment(str(_macro("closing")(doc)), with_style)


def attachment_html(doc: Document, attachment: Attachment, with_style: bool = True) -> str:
    """One attachment (附件N, its title, its tables) as a fragment."""
    return _fragment(str(_macro("attachment")(doc, attachment)), with_style)


def write_html(doc: Document, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(to_html(doc), encoding="utf-8")
    return path
