"""An official document as DOCX in the GB/T 9704-2012 layout, for the office to edit in Word
or WPS before issuing it.

A4, margins 37/35/28/26 mm, a document grid of 22 lines × 28 characters (line pitch fixed at
28.95 pt); 标题 2号 小标宋, body 3号 仿宋 indented two characters, 一、 黑体, （一） 楷体,
1. 仿宋; 附件说明 below the body, then 发文机关署名 and 成文日期 on the right; each attachment
on a new page (landscape where it says so) opening with "附件N" in 黑体; "— N —" in 4号 宋体
on the right of odd pages and the left of even ones, 7 mm below the text block.

Fonts are named, never embedded: the office's names by role (settings.yaml
`documents.fonts`) on every run, East Asian and Latin, language zh-CN; the styles, theme and
font table around the text are docx_styles'. Saved twice, the same document gives the same
bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Mm, Pt
from docx.text.run import Run

from minsheng.report import fonts
from minsheng.report.charts import palette, tint
from minsheng.report.document import Attachment, Chart, Document, Items, Paragraph, Section, Table
from minsheng.report.export import layout as gb
from minsheng.report.export.docx_styles import PITCH, STYLE_NAMES, cells, prepare
from minsheng.report.export.ooxml import repack, stamp

FOLIO_LINE_TWIPS = round(gb.FOLIO_PT * 1.2 * 20)
HEAD_FILL = "E7E6E6"


# ───────────────────────────────────────────── page

def _page(section, landscape: bool) -> None:
    m = gb.LANDSCAPE_MARGINS_MM if landscape else gb.MARGINS_MM
    w, h = Mm(gb.PAGE_MM[0]), Mm(gb.PAGE_MM[1])
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    section.top_margin, section.bottom_margin = Mm(m["top"]), Mm(m["bottom"])
    section.left_margin, section.right_margin = Mm(m["left"]), Mm(m["right"])
    section.gutter = 0
    section.header_distance = Mm(15)
    # the page number's line: its top 7 mm below the text block
    section.footer_distance = Mm(m["bottom"] - gb.FOLIO_GAP_MM) - Pt(FOLIO_LINE_TWIPS / 20)
    sect = section._sectPr
    grid = sect.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect.append(grid)
    for attr in list(grid.attrib):
        del grid.attrib[attr]
    if landscape:       # table pages: fixed line pitch only
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(PITCH))
    else:
        width_pt = gb.pt(gb.PAGE_MM[0] - m["left"] - m["right"])
        grid.set(qn("w:type"), "linesAndChars")
        grid.set(qn("w:linePitch"), str(PITCH))
        grid.set(qn("w:charSpace"), str(round((width_pt / gb.CHARS - gb.BODY_PT) * 4096)))


def _field_runs(paragraph, instr: str, font: str, size: float) -> None:
    for kind, text in (("begin", None), ("instr", f" {instr} "), ("separate", None),
                       ("text", "1"), ("end", None)):
        r = OxmlElement("w:r")
        r.append(_run_props(font, size))
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        elif kind == "text":
            el = OxmlElement("w:t")
            el.text = text
        else:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        r.append(el)
        paragraph._p.append(r)


def _folio(footer, names: dict[str, str], odd: bool) -> None:
    """"— N —": odd pages one character in from the right, even ones from the left."""
    footer.is_linked_to_previous = False
    p = footer.paragraphs[0]
    ppr = p._p.get_or_add_pPr()
    ppr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:line="{FOLIO_LINE_TWIPS}" w:lineRule="exact"/>'))
    side = "right" if odd else "left"
    ppr.append(parse_xml(f'<w:ind {nsdecls("w")} w:{side}Chars="100" w:{side}="{round(gb.FOLIO_PT * 20)}"/>'))
    ppr.append(parse_xml(f'<w:jc {nsdecls("w")} w:val="{side}"/>'))
    song = names["song"]
    _text_run(p, "— ", song, gb.FOLIO_PT)
    _field_runs(p, "PAGE", song, gb.FOLIO_PT)
    _text_run(p, " —", song, gb.FOLIO_PT)


def _draft_header(header, names: dict[str, str]) -> None:
    header.is_linked_to_previous = False
    p = header.paragraphs[0]
    _text_run(p, Document.DRAFT_MARK, names["hei"], gb.FOLIO_PT)


# ───────────────────────────────────────────── runs and blocks

def _rpr_xml(font: str, size: float | None = None, bold: bool = False) -> str:
    n = quoteattr(font)
    size_xml = f'<w:sz w:val="{round(size * 2)}"/><w:szCs w:val="{round(size * 2)}"/>' if size else ""
    return (f"<w:rPr><w:rFonts w:ascii={n} w:hAnsi={n} w:eastAsia={n} w:cs={n}/>"
            f"{'<w:b/>' if bold else ''}{size_xml}"
            '<w:lang w:val="zh-CN" w:eastAsia="zh-CN"/></w:rPr>')


def _run_props(font: str, size: float | None = None, bold: bool = False):
    return parse_xml(_rpr_xml(font, size, bold).replace("<w:rPr>", f"<w:rPr {nsdecls('w')}>", 1))


def _run_xml(text: str, font: str, size: float | None = None) -> str:
    """One run of `text` in `font` as XML; a hyphen inside a code ("MS03-01") is a
    non-breaking one."""
    parts = [f"<w:r>{_rpr_xml(font, size)}"]

    def add_text(piece: str) -> None:
        if piece:
            parts.append(f'<w:t xml:space="preserve">{escape(piece)}</w:t>')

    pos = 0
    for m in gb.CODE.finditer(text):
        add_text(text[pos:m.start()])
        for k, part in enumerate(m.group().split("-")):
            if k:
                parts.append("<w:noBreakHyphen/>")
            add_text(part)
        pos = m.end()
    add_text(text[pos:])
    parts.append("</w:r>")
    return "".join(parts)


def _text_run(paragraph, text: str, font: str, size: float | None = None) -> Run:
    """`_run_xml` appended to `paragraph`."""
    r = parse_xml(_run_xml(text, font, size).replace("<w:r>", f"<w:r {nsdecls('w')}>", 1))
    paragraph._p.append(r)
    return Run(r, paragraph)


def _ppr(paragraph, xml: str) -> None:
    """Append pPr children (already in schema order) to a paragraph."""
    ppr = paragraph._p.get_or_add_pPr()
    for child in parse_xml(f"<w:pPr {nsdecls('w')}>{xml}</w:pPr>"):
        ppr.append(child)


def _chars_ind(left: float = 0, hanging: float = 0, right: float = 0, first: float = 0) -> str:
    attrs = []
    for name, value in (("left", left), ("right", right), ("hanging", hanging), ("firstLine", first)):
        if value:
            attrs.append(f'w:{name}Chars="{round(value * 100)}" w:{name}="{cells(value)}"')
    if not first:
        attrs.append('w:firstLineChars="0"')
    return f"<w:ind {' '.join(attrs)}/>"


class _Writer:
    def __init__(self, doc: Document, names: dict[str, str]):
        self.doc, self.names = doc, names
        self.d = new_document()
        self.landscape = False
        self.status_fill = {s: tint(p["color"]).lstrip("#").upper() for s, p in palette().items()}

    def para(self, text: str = "", style: str = "Normal", role: str = "body",
             size: float | None = None):
        """A paragraph of style `style` (a style id of _styles_xml) holding `text`."""
        p = self.d.add_paragraph(style=self.d.styles[STYLE_NAMES[style]])
        if text:
            _text_run(p, text, self.names[role], size)
        return p

    # blocks
    def block(self, b, level: int, landscape: bool, skip_caption: str = "") -> None:
        if isinstance(b, Paragraph):
            if b.style == "note":
                self.para(b.text, "Note", size=gb.NOTE_PT)
            else:
                self.para(b.text)
        elif isinstance(b, Items):
            for n, item in enumerate(b.items, 1):
                self.para(gb.item_marker(n, level) + item)
        elif isinstance(b, Table):
            self.table(b, landscape, skip_caption)
        elif isinstance(b, Chart):
            self.chart(b, landscape)

    def chart(self, chart: Chart, landscape: bool) -> None:
        p = self.para(style="Figure")
        width_cm = min(chart.width_cm, gb.text_width_pt(landscape) * gb.MM_PER_PT / 10)
        run = p.add_run()
        run._r.insert(0, _run_props(self.names["body"]))
        run.add_picture(io.BytesIO(chart.png), width=Cm(width_cm))
        for pr in run._r.iter(qn("wp:docPr")):
            pr.set("descr", chart.alt)
        self.para(chart.caption, "Caption", role="hei")
        # the caption follows the picture; nothing keeps it with what comes next
        self.d.paragraphs[-1]._p.pPr.append(parse_xml(f'<w:keepNext {nsdecls("w")} w:val="0"/>'))

    def table(self, t: Table, landscape: bool, skip_caption: str = "") -> None:
        lay = gb.table_layout(t, landscape)
        if t.caption and t.caption != skip_caption:
            self.para(t.caption, "Caption", role="hei")
        total = round(gb.text_width_pt(landscape) * 20)
        widths = gb.twips(lay.widths, total)
        # The table as one piece of XML: python-docx's calls, cell by cell, took most of the
        # document's time (each style and property looked up and inserted in schema order).
        style = self.d.styles["Table Grid"].style_id
        xml = [f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="{style}"/>'
               f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
               '<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>',
               # WPS sizes columns by w:gridCol
               *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>"]
        n = len(t.rows)
        text_style = self.d.styles[STYLE_NAMES["TableText"]].style_id
        for i in range(n + 1):
            xml.append("<w:tr><w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if i == 0 else "")
                       + "</w:trPr>")
            values = t.columns if i == 0 else t.rows[i - 1]
            # keep the caption and head with two rows, the last row (合计) with the one before
            keep = "<w:keepNext/>" if (i <= 1 or i == n - 1) and i < n else ""
            for j, (width, text) in enumerate(zip(widths, values, strict=True)):
                fill = HEAD_FILL if i == 0 else None
                if i and j == t.status_column and t.statuses and t.statuses[i - 1]:
                    fill = self.status_fill.get(t.statuses[i - 1])
                shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
                jc = "center" if i == 0 else ("right" if j in t.numeric else "left")
                xml.append(f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width}"/>{shd}'
                           f'<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr>'
                           f'<w:pStyle w:val="{text_style}"/>{keep}<w:jc w:val="{jc}"/></w:pPr>'
                           + _run_xml(text, self.names["hei" if i == 0 else "body"], lay.size_pt)
                           + "</w:p></w:tc>")
            xml.append("</w:tr>")
        xml.append("</w:tbl>")
        self.d.element.body._insert_tbl(parse_xml("".join(xml)))
        # a paragraph must follow a table; an empty grid line reads as the gap after it
        self.para(style="Flush")

    # parts
    def section(self, s: Section) -> None:
        if s.heading and s.level >= 1:
            self.para(s.heading, f"Heading{min(s.level, 3)}",
                      role=gb.heading_role(s.level))
        for b in s.blocks:
            self.block(b, s.level, False)
        for sub in s.subsections:
            self.section(sub)

    def masthead(self) -> None:
        doc = self.doc
        lines = gb.title_lines(doc.title)
        p = self.para(style="Title")
        for k, line in enumerate(lines):
            run = _text_run(p, line, self.names["title"], gb.TITLE_PT)
            if k < len(lines) - 1:
                run.add_break()
        if doc.draft:
            self.para(f"（{doc.DRAFT_MARK}）", "Centred", role="kai")
        if doc.data_note:
            self.para(f"（{doc.data_note}）", "Centred", role="kai")
        if doc.recipients:
            p = self.para(doc.recipients, "Flush")
            p.paragraph_format.space_before = Pt(gb.LINE_PITCH_PT)   # 标题下空一行

    def closing(self) -> None:
        doc = self.doc
        if self.d.paragraphs:          # the closing never stands alone on a page
            self.d.paragraphs[-1].paragraph_format.keep_with_next = True
        for k, note in enumerate(gb.attachment_note_lines(doc)):
            p = self.para(note.text, "Flush")
            p.paragraph_format.keep_with_next = True
            if k == 0:
                p.paragraph_format.space_before = Pt(gb.LINE_PITCH_PT)   # 正文下空一行
            _ppr(p, _chars_ind(left=note.left, hanging=note.left - note.first_at))
        sig = gb.signature(doc)
        issuer = self.para(doc.issuer, "Signature")
        issuer.paragraph_format.space_before = Pt(gb.LINE_PITCH_PT)     # 下空一行
        _ppr(issuer, _chars_ind(left=sig.issuer_left))
        day = self.para(doc.date_text, "Signature")
        day.paragraph_format.keep_with_next = False
        _ppr(day, _chars_ind(left=sig.date_left))

    def attachment(self, a: Attachment) -> None:
        if a.landscape != self.landscape:
            _page(self.d.add_section(WD_SECTION.NEW_PAGE), a.landscape)
            self.landscape = a.landscape
            label = self.para(self.doc.label(a), "AttachmentLabel", role="hei")
        else:
            label = self.para(self.doc.label(a), "AttachmentLabel", role="hei")
            label.paragraph_format.page_break_before = True
        p = self.para(style="AttachmentTitle")
        lines = gb.title_lines(a.title, width_pt=gb.text_width_pt(a.landscape))
        for k, line in enumerate(lines):
            run = _text_run(p, line, self.names["title"], gb.TITLE_PT)
            if k < len(lines) - 1:
                run.add_break()
        for b in a.blocks:
            self.block(b, 1, a.landscape, a.title)

    def build(self) -> bytes:
        d, doc = self.d, self.doc
        prepare(d, self.names)
        first = d.sections[0]
        _page(first, False)
        _folio(first.footer, self.names, odd=True)
        _folio(first.even_page_footer, self.names, odd=False)
        if doc.draft:
            _draft_header(first.header, self.names)
            _draft_header(first.even_page_header, self.names)
        body = d.element.body
        for p in list(body.iterchildren(qn("w:p"))):      # the template's empty paragraph
            body.remove(p)
        self.masthead()
        for s in doc.sections:
            self.section(s)
        self.closing()
        for a in doc.attachments:
            self.attachment(a)
        props = d.core_properties
        props.title = doc.title + (f"（{doc.DRAFT_MARK}）" if doc.draft else "")
        props.author = doc.issuer
        props.last_modified_by = props.comments = props.keywords = props.subject = ""
        props.language = "zh-CN"
        props.created = props.modified = stamp(doc.issued_on)
        props.revision = 1
        buf = io.BytesIO()
        d.save(buf)
        return repack(buf.getvalue(), doc.issued_on)


def docx_bytes(doc: Document, profile: str | None = None) -> bytes:
    """The document as DOCX bytes (GB/T 9704 layout; fonts named by `profile` of
    settings.yaml `documents.fonts`, the configured one by default). Deterministic."""
    return _Writer(doc, fonts.office_fonts(profile)).build()


def write_docx(doc: Document, path: str | Path, profile: str | None = None) -> Path:
    path = Path(path)
    path.write_bytes(docx_bytes(doc, profile))
    return path
