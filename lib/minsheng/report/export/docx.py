"""The bulletin as an editable Word document (offices edit a bulletin before issuing it).

Real headings (Title, Heading 1–2), real tables (Table Grid, header row repeated across
pages), charts as pictures, an A4 page with page numbers, the annex on landscape pages.
Chinese text needs w:eastAsia on the fonts: `fonts.set_docx_font` is applied to every
style used and to every table run. Saved twice, the same bulletin gives the same bytes.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from minsheng.report import fonts
from minsheng.report.bulletin import Bulletin, BulletList, Chart, Paragraph, Section, Table
from minsheng.report.charts import palette, tint
from minsheng.report.export.ooxml import repack, stamp

BODY_PT = 11
TABLE_PT = 9
INDENT = Pt(2 * BODY_PT)   # 首行缩进两字
BLACK = RGBColor(0, 0, 0)


_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")


def _drop_theme_fonts(styles_element) -> None:
    """Replace theme font references by the Chinese font: Word ignores w:eastAsia where
    w:eastAsiaTheme is present (the default template's docDefaults and headings)."""
    for rfonts in styles_element.iter(qn("w:rFonts")):
        if any(rfonts.get(qn(a)) is not None for a in _THEME_ATTRS):
            for a in _THEME_ATTRS:
                rfonts.attrib.pop(qn(a), None)
            for a in ("w:ascii", "w:hAnsi", "w:eastAsia"):
                rfonts.set(qn(a), fonts.FAMILY)


def _styles(doc) -> None:
    styles = doc.styles
    _drop_theme_fonts(styles.element)
    normal = styles["Normal"]
    fonts.set_docx_font(normal)
    normal.font.size = Pt(BODY_PT)
    normal.paragraph_format.space_after = Pt(3)
    normal.paragraph_format.line_spacing = 1.3
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12), ("Caption", 9.5),
                       ("List Bullet", BODY_PT)):
        style = styles[name]
        fonts.set_docx_font(style)
        style.font.size = Pt(size)
        if name != "List Bullet":
            style.font.color.rgb = BLACK
            style.font.bold = True
            style.font.italic = False
    styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # The default Title style draws a rule under the title; a bulletin has none.
    ppr = styles["Title"].element.pPr
    if ppr is not None and ppr.find(qn("w:pBdr")) is not None:
        ppr.remove(ppr.find(qn("w:pBdr")))


def _page(section, landscape: bool = False) -> None:
    width, height = Cm(21.0), Cm(29.7)
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    margin = Cm(1.8) if landscape else Cm(2.2)
    section.left_margin = section.right_margin = margin
    section.top_margin, section.bottom_margin = Cm(2.4) if not landscape else margin, margin


def _page_numbers(section) -> None:
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, "第 ", 9)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "1"
    r.append(t)
    field.append(r)
    p._p.append(field)
    _run(p, " 页", 9)


def _run(paragraph, text: str, size: float | None = None, bold: bool = False):
    run = paragraph.add_run(text)
    fonts.set_docx_font(run)
    if size:
        run.font.size = Pt(size)
    if bold:
        run.bold = True
    return run


def _shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill.lstrip("#").upper())
    tcpr.append(shd)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _table(doc, block: Table) -> None:
    if block.caption:
        _run(doc.add_paragraph(style="Caption"), block.caption)
    table = doc.add_table(rows=1 + len(block.rows), cols=len(block.columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    rows = table.rows
    _repeat_header(rows[0])
    for cell, text in zip(rows[0].cells, block.columns, strict=True):
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, text, TABLE_PT, bold=True)
        _shade(cell, "#E9E9E9")
    colours = {s: tint(p["color"]) for s, p in palette().items()}
    for i, values in enumerate(block.rows):
        for j, (cell, text) in enumerate(zip(rows[i + 1].cells, values, strict=True)):
            p = cell.paragraphs[0]
            p.paragraph_format.space_after = Pt(0)
            p.paragraph_format.line_spacing = 1.0
            if j in block.numeric:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            _run(p, text, TABLE_PT)
            if j == block.status_column and block.statuses:
                _shade(cell, colours.get(block.statuses[i], "#FFFFFF"))
    doc.add_paragraph()


def _block(doc, block) -> None:
    if isinstance(block, Paragraph):
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = INDENT
        _run(p, block.text, 9.5 if block.style == "note" else None)
    elif isinstance(block, BulletList):
        for n, item in enumerate(block.items, 1):
            if block.ordered:
                p = doc.add_paragraph()
                p.paragraph_format.left_indent = INDENT
                p.paragraph_format.first_line_indent = -Pt(BODY_PT)
                _run(p, f"{n}. {item}")
            else:
                _run(doc.add_paragraph(style="List Bullet"), item)
    elif isinstance(block, Table):
        _table(doc, block)
    elif isinstance(block, Chart):
        doc.add_picture(io.BytesIO(block.png), width=Cm(min(block.width_cm, 16.0)))
        doc.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(doc.add_paragraph(style="Caption"), block.caption)


def _section(doc, section: Section) -> None:
    if section.wide:
        new = doc.add_section(WD_SECTION.NEW_PAGE)
        _page(new, landscape=True)
    _run(doc.add_heading("", level=section.level), section.heading)
    for block in section.blocks:
        _block(doc, block)
    for sub in section.subsections:
        _section(doc, sub)


def docx_bytes(bulletin: Bulletin) -> bytes:
    """The bulletin as DOCX bytes (deterministic: dated with the issue date)."""
    doc = Document()
    _styles(doc)
    _page(doc.sections[0])
    _page_numbers(doc.sections[0])
    _run(doc.add_heading("", level=0), bulletin.title)
    for text in (bulletin.date_line, f"（{bulletin.data_note}）"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, text)
    for section in bulletin.sections:
        _section(doc, section)
    props = doc.core_properties
    props.title = bulletin.title
    props.author = props.last_modified_by = props.comments = ""
    props.created = props.modified = stamp(bulletin.issued_on)
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return repack(buf.getvalue(), bulletin.issued_on)


def write_docx(bulletin: Bulletin, path: str | Path) -> Path:
    path = Path(path)
    path.write_bytes(docx_bytes(bulletin))
    return path
