"""The DOCX's package around the text: styles, theme, font table and settings.

Built from scratch rather than from python-docx's template (350 KB of styles, list styles
and numbering, a Japanese theme language with MS Mincho as fallback, a thumbnail of another
document, custom XML): a few paragraph styles by role, every one naming the office font of
its role (settings.yaml `documents.fonts`) for Latin and East Asian text, language zh-CN;
the theme names the same fonts and has no Japanese face; the font table lists them with the
GB2312 character set; odd and even pages have their own footers.
"""

from __future__ import annotations

import math
import re
from xml.sax.saxutils import quoteattr

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn

from minsheng.report.export import layout as gb

PITCH = gb.LINE_PITCH_TWIPS            # 579 twips = 28.95 pt
GRID_SPACING = round(gb.LETTER_SPACING_PT * 20)    # -5 twips, see _rpr
# One cell of the character grid (156 mm / 28). Indents are whole cells rounded down: a
# hair more and LibreOffice starts every character past a cell edge, two cells each.
CELL_TWIPS = gb.pt(gb.TEXT_WIDTH_MM) * 20 / gb.CHARS


def cells(n: float) -> int:
    return math.floor(n * CELL_TWIPS)

# Paragraph styles: id → name (built-in names as python-docx spells them, ours in Chinese).
STYLE_NAMES = {"Normal": "Normal", "Title": "Title", "Heading1": "Heading 1",
               "Heading2": "Heading 2", "Heading3": "Heading 3", "Caption": "Caption", "Note": "注",
               "Centred": "居中", "Flush": "顶格", "Signature": "署名", "AttachmentLabel": "附件标识",
               "AttachmentTitle": "附件标题", "TableText": "表格文字", "Figure": "图片",
               "Header": "Header", "Footer": "Footer"}

# English names of the office fonts (w:altName), for machines that list them so.
ALT_NAMES = {"方正小标宋简体": "FZXiaoBiaoSong-B05S", "仿宋_GB2312": "FangSong_GB2312", "仿宋": "FangSong",
             "黑体": "SimHei", "楷体_GB2312": "KaiTi_GB2312", "楷体": "KaiTi", "宋体": "SimSun"}
_FONT_FAMILY = {"title": "roman", "body": "modern", "hei": "modern", "kai": "modern",
                "song": "auto"}


# ───────────────────────────────────────────── styles, theme, font table

def _rpr(name: str, size_pt: float, bold: bool = False, grid: bool = True) -> str:
    """Run properties of a style. Text on the grid is set 0.25 pt tighter: 28 characters of
    3号 (16 pt, 15.75 pt apart) fill the 156 mm line and a 29th does not fit."""
    n = quoteattr(name)
    half = round(size_pt * 2)
    spacing = f'<w:spacing w:val="{GRID_SPACING}"/>' if grid else ""
    return (f"<w:rPr><w:rFonts w:ascii={n} w:hAnsi={n} w:eastAsia={n} w:cs={n}/>"
            + ("<w:b/><w:bCs/>" if bold else "<w:b w:val=\"0\"/><w:bCs w:val=\"0\"/>")
            + f"<w:i w:val=\"0\"/><w:color w:val=\"000000\"/>{spacing}"
            f"<w:sz w:val=\"{half}\"/><w:szCs w:val=\"{half}\"/>"
            "<w:lang w:val=\"zh-CN\" w:eastAsia=\"zh-CN\" w:bidi=\"ar-SA\"/></w:rPr>")


def _grid_ppr(*, indent: bool = True, jc: str = "both", keep_next: bool = False,
              outline: int | None = None, before: int = 0, after: int = 0) -> str:
    """Paragraph properties on the page's grid pitch: lines exactly 28.95 pt apart, characters
    0.25 pt tighter (see _rpr), so 28 a line. The paragraphs do not snap to the document
    grid itself: LibreOffice would spread the first line of a Chinese paragraph over two
    cells a character, and snapped 2号 titles spread in Word too; the pitch is the same."""
    keep = "<w:keepNext/><w:keepLines/>" if keep_next else ""
    keep += '<w:snapToGrid w:val="0"/>'
    ind = (f'<w:ind w:firstLineChars="200" w:firstLine="{cells(2)}"/>' if indent
           else '<w:ind w:firstLineChars="0" w:firstLine="0"/>')
    lvl = f'<w:outlineLvl w:val="{outline}"/>' if outline is not None else ""
    return (f"<w:pPr>{keep}<w:spacing w:before=\"{before}\" w:after=\"{after}\" "
            f"w:line=\"{PITCH}\" w:lineRule=\"exact\"/>{ind}<w:jc w:val=\"{jc}\"/>{lvl}</w:pPr>")


def _free_ppr(jc: str = "left", keep_next: bool = False) -> str:
    """Off the grid: tables, pictures, header and footer lines (single spacing)."""
    keep = "<w:keepNext/>" if keep_next else ""
    return (f"<w:pPr>{keep}<w:snapToGrid w:val=\"0\"/><w:spacing w:before=\"0\" w:after=\"0\" "
            f"w:line=\"240\" w:lineRule=\"auto\"/><w:ind w:firstLineChars=\"0\" w:firstLine=\"0\"/>"
            f"<w:jc w:val=\"{jc}\"/></w:pPr>")


def _style(kind: str, style_id: str, name: str, ppr: str, rpr: str, *, based_on: str | None = "Normal",
           default: bool = False, next_id: str | None = None, ui: int | None = None) -> str:
    attrs = f' w:type="{kind}" w:styleId="{style_id}"' + (' w:default="1"' if default else "")
    parts = [f"<w:name w:val={quoteattr(name)}/>"]
    if based_on:
        parts.append(f'<w:basedOn w:val="{based_on}"/>')
    if next_id:
        parts.append(f'<w:next w:val="{next_id}"/>')
    if ui is not None:
        parts.append(f'<w:uiPriority w:val="{ui}"/>')
    parts.append("<w:qFormat/>")
    return f"<w:style{attrs}>{''.join(parts)}{ppr}{rpr}</w:style>"


def _styles_xml(names: dict[str, str]) -> str:
    body, hei, kai = names["body"], names["hei"], names["kai"]
    b = gb.BODY_PT
    styles = [
        _style("paragraph", "Normal", "Normal", _grid_ppr(), _rpr(body, b), based_on=None,
               default=True, ui=0),
        _style("paragraph", "Title", "Title",
               _grid_ppr(indent=False, jc="center", keep_next=True),
               _rpr(names["title"], gb.TITLE_PT, grid=False), next_id="Normal", ui=10),
        _style("paragraph", "Heading1", "heading 1", _grid_ppr(keep_next=True, outline=0),
               _rpr(hei, b), next_id="Normal", ui=9),
        _style("paragraph", "Heading2", "heading 2", _grid_ppr(keep_next=True, outline=1),
               _rpr(kai, b), next_id="Normal", ui=9),
        _style("paragraph", "Heading3", "heading 3", _grid_ppr(keep_next=True, outline=2),
               _rpr(body, b), next_id="Normal", ui=9),
        _style("paragraph", "Caption", "caption", _grid_ppr(indent=False, jc="center", keep_next=True),
               _rpr(hei, b), next_id="Normal", ui=35),
        _style("paragraph", "Note", "注", _grid_ppr(), _rpr(body, gb.NOTE_PT), next_id="Normal"),
        _style("paragraph", "Centred", "居中", _grid_ppr(indent=False, jc="center"), _rpr(kai, b)),
        _style("paragraph", "Flush", "顶格", _grid_ppr(indent=False, jc="left"), _rpr(body, b)),
        _style("paragraph", "Signature", "署名", _grid_ppr(indent=False, jc="left", keep_next=True),
               _rpr(body, b)),
        _style("paragraph", "AttachmentLabel", "附件标识",
               _grid_ppr(indent=False, jc="left", keep_next=True), _rpr(hei, b), next_id="Normal"),
        _style("paragraph", "AttachmentTitle", "附件标题",
               _grid_ppr(indent=False, jc="center", keep_next=True, after=PITCH),
               _rpr(names["title"], gb.TITLE_PT, grid=False), next_id="Normal"),
        _style("paragraph", "TableText", "表格文字", _free_ppr(),
               _rpr(body, gb.TABLE_SIZES_PT[0], grid=False)),
        _style("paragraph", "Figure", "图片", _free_ppr("center", keep_next=True),
               _rpr(body, b, grid=False)),
        _style("paragraph", "Header", "header", _free_ppr("right"),
               _rpr(hei, gb.FOLIO_PT, grid=False), ui=99),
        _style("paragraph", "Footer", "footer", _free_ppr(),
               _rpr(names["song"], gb.FOLIO_PT, grid=False), ui=99),
        _style("character", "DefaultParagraphFont", "Default Paragraph Font", "", "", based_on=None,
               default=True, ui=1),
        ('<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
         '<w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" '
         'w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
         '<w:bottom w:w="0" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>'
         '</w:style>'),
        ('<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/>'
         '<w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:tblPr><w:tblBorders>'
         + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                   for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
         + "</w:tblBorders></w:tblPr></w:style>"),
    ]
    defaults = (f"<w:docDefaults><w:rPrDefault>{_rpr(body, b)}</w:rPrDefault><w:pPrDefault><w:pPr>"
                f"<w:spacing w:after=\"0\" w:line=\"{PITCH}\" w:lineRule=\"exact\"/></w:pPr>"
                "</w:pPrDefault></w:docDefaults>")
    return f"<w:styles {nsdecls('w')}>{defaults}{''.join(styles)}</w:styles>"


def _replace_styles(d, names: dict[str, str]) -> None:
    root = d.styles.element
    for child in list(root):
        root.remove(child)
    for child in parse_xml(_styles_xml(names)):
        root.append(child)


def _theme_xml(blob: bytes, names: dict[str, str]) -> bytes:
    """The theme's fonts: the office's, with no Japanese face to fall back to."""
    text = blob.decode("utf-8")
    text = re.sub(r'<a:font script="Jpan" typeface="[^"]*"/>', "", text)

    def fonts_of(block: str, name: str) -> str:
        block = re.sub(r'<a:latin typeface="[^"]*"', f'<a:latin typeface="{name}"', block)
        block = re.sub(r'<a:ea typeface="[^"]*"', f'<a:ea typeface="{name}"', block)
        return re.sub(r'<a:font script="Hans" typeface="[^"]*"/>',
                      f'<a:font script="Hans" typeface="{name}"/>', block)

    text = re.sub(r"<a:majorFont>.*?</a:majorFont>", lambda m: fonts_of(m.group(0), names["hei"]),
                  text, flags=re.S)
    text = re.sub(r"<a:minorFont>.*?</a:minorFont>", lambda m: fonts_of(m.group(0), names["body"]),
                  text, flags=re.S)
    return text.encode("utf-8")


def _font_table_xml(names: dict[str, str]) -> bytes:
    entries = []
    seen: dict[str, str] = {}
    for role, name in names.items():
        seen.setdefault(name, role)
    for name, role in seen.items():
        alt = ALT_NAMES.get(name)
        entries.append(f"<w:font w:name={quoteattr(name)}>"
                       + (f"<w:altName w:val={quoteattr(alt)}/>" if alt else "")
                       + f'<w:charset w:val="86"/><w:family w:val="{_FONT_FAMILY[role]}"/>'
                       '<w:pitch w:val="variable"/></w:font>')
    xml = (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
           f"<w:fonts {nsdecls('w')}>{''.join(entries)}</w:fonts>")
    return xml.encode("utf-8")


def _settings(d) -> None:
    d.settings.odd_and_even_pages_header_footer = True
    el = d.settings.element
    lang = el.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:val"), "zh-CN")
        lang.set(qn("w:eastAsia"), "zh-CN")
    rsids = el.find(qn("w:rsids"))
    if rsids is not None:
        el.remove(rsids)


def _strip_template(d) -> None:
    """Drop the template's parts a 公文 has no use for (lists, effects, custom XML, its thumbnail)."""
    for rid, rel in list(d.part.rels.items()):
        if rel.reltype in (RT.NUMBERING, RT.CUSTOM_XML) or rel.reltype.endswith("/stylesWithEffects"):
            d.part.rels.pop(rid)
    package = d.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            package.rels.pop(rid)


def _rewrite_parts(d, names: dict[str, str]) -> None:
    for rel in d.part.rels.values():
        if rel.reltype == RT.THEME:
            rel.target_part._blob = _theme_xml(rel.target_part.blob, names)
        elif rel.reltype == RT.FONT_TABLE:
            rel.target_part._blob = _font_table_xml(names)


def prepare(d, names: dict[str, str]) -> None:
    """Make python-docx's fresh document `d` a 公文's: its parts and styles for `names`."""
    _strip_template(d)
    _replace_styles(d, names)
    _rewrite_parts(d, names)
    _settings(d)
