"""The bulletin as HTML, readable offline: a whole document, or sections for a notebook.

HTML comes from a Jinja2 template with autoescape on, so submitted text (进展情况, file and
unit names) can never inject markup; images are embedded as data: URIs and no external URL
is referenced. The PDF (`export.pdf`) is WeasyPrint's rendering of the same HTML.

    to_html(bulletin)            whole document (standalone) or a styled fragment
    section_html(section)        one section, for display(HTML(...)) in a notebook
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path

from markupsafe import Markup

from minsheng.report import fonts
from minsheng.report.bulletin import Bulletin, Section
from minsheng.report.charts import palette

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
# Fonts tried by a browser reading the HTML (the PDF embeds the bundled one only).
SCREEN_FONTS = (f"'{fonts.FAMILY}', 'Source Han Sans SC', 'Noto Sans SC', 'PingFang SC', "
                "'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif")

# CSS for a matplotlib hatch (same palette in greyscale print): background-image layers.
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
        rules.append(f".ms-bulletin .sw-{code} {{ background-color: {p['color']}; "
                     f"background-image: {image};{size} }}")
    return "\n".join(rules)


@cache
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                       undefined=StrictUndefined, keep_trailing_newline=True)


def _css(for_pdf: bool) -> Markup:
    base = (TEMPLATES / "bulletin.css").read_text(encoding="utf-8")
    family = f"'{fonts.FAMILY}'" if for_pdf else SCREEN_FONTS
    face = fonts.css_font_face() + "\n" if for_pdf else ""
    return Markup(f"{face}{base}\n.ms-bulletin {{ font-family: {family}; }}\n{status_css()}")


def _display_width(text: str) -> float:
    """Width in half-em units: CJK 2, digits and Latin ~1.15 in Noto Sans CJK."""
    return sum(2 if ord(ch) > 0x2E7F else 1.15 for ch in text)


# Text width of a table in half-em units at 9 pt: A4 portrait 16.6 cm, landscape 26.1 cm.
_TABLE_UNITS = {False: 104, True: 164}
_PADDING_UNITS = 1.6


def column_widths(table) -> list[float]:
    """Column widths (percent of the table). Short columns (numbers, statuses, codes) get
    their full width so they never wrap; long text shares what is left and wraps. A fixed
    table layout is also much faster to paginate than the automatic one (WeasyPrint
    measures every cell twice for the latter)."""
    n = len(table.columns)
    avail = _TABLE_UNITS[bool(table.wide)] - _PADDING_UNITS * n
    widths, long_cols = [0.0] * n, []
    for j, header in enumerate(table.columns):
        longest = max([_display_width(r[j]) for r in table.rows] or [0])
        head = min(_display_width(header), 8)
        if j == table.status_column:
            widths[j] = max(longest + 3.5, head + 1)
        elif j in table.numeric or longest <= 16:
            widths[j] = max(longest + 1, head + 1, 4)
        else:
            long_cols.append(j)
            widths[j] = longest + 1
    rest = avail - sum(w for j, w in enumerate(widths) if j not in long_cols)
    wanted = sum(widths[j] for j in long_cols)
    if long_cols and wanted > rest:
        # Shrink long text columns towards equal shares, none below 8 units (4 characters).
        share = max(rest, 8 * len(long_cols)) / wanted
        for j in long_cols:
            widths[j] = max(widths[j] * share, 8)
    total = sum(widths)
    return [round(100 * w / total, 2) for w in widths]


def _images(sections) -> dict[str, str]:
    out = {}
    for top in sections:
        for s in top.walk():
            for b in s.blocks:
                if b.kind == "chart":
                    out[b.key] = "data:image/png;base64," + base64.b64encode(b.png).decode("ascii")
    return out


def to_html(bulletin: Bulletin, standalone: bool = True, for_pdf: bool = False) -> str:
    """The bulletin as HTML. `standalone`: a whole document; else a styled <div> fragment.
    `for_pdf` points the CSS at the bundled font file (for WeasyPrint, not for readers)."""
    return _env().get_template("bulletin.html.j2").render(
        bulletin=bulletin, standalone=standalone, css=_css(for_pdf),
        images=_images(bulletin.sections), column_widths=column_widths)


def heading_html(bulletin: Bulletin, with_style: bool = True) -> str:
    """The masthead (title, date line, data note) as an HTML fragment, with the bulletin's
    stylesheet so the notebook's later section fragments need not repeat it."""
    from markupsafe import escape

    body = (f'<div class="ms-bulletin"><header class="masthead">'
            f"<h1>{escape(bulletin.title)}</h1>"
            f'<p class="date-line">{escape(bulletin.date_line)}</p>'
            f'<p class="data-note">（{escape(bulletin.data_note)}）</p></header></div>')
    return (f"<style>{_css(False)}</style>\n" if with_style else "") + body


def section_html(section: Section, with_style: bool = True) -> str:
    """One section (with its subsections) as an HTML fragment for a notebook cell."""
    module = _env().get_template("blocks.html.j2").make_module(
        {"images": _images([section]), "column_widths": column_widths})
    body = f'<div class="ms-bulletin">{module.section(section)}</div>'
    return (f"<style>{_css(False)}</style>\n" if with_style else "") + body
