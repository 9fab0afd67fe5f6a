"""GB/T 9704-2012 (党政机关公文格式), rule by rule (design notes §7), read back from the DOCX's
XML and from the PDF: paper and margins, the 22 × 28 grid on a fixed pitch, fonts by role
and size, heading fonts, two-character indents, zh-CN everywhere and no Japanese fallback,
"— N —" odd right / even left, no list styles or fields, 附件说明, signature and date after
the body, each attachment on a new page opening with 附件N."""

from __future__ import annotations

import io
import math
import re
import zipfile
from functools import cache

import pytest
from lxml import etree
from minsheng.report import fonts
from minsheng.report.export import layout as gb
from minsheng.report.export import pdf
from minsheng.report.export.docx import docx_bytes
from test_export import document

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W, "a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
MM = 1440 / 25.4                      # twips per mm
OFFICE = fonts.office_fonts()         # role → the name the DOCX gives


def q(tag: str) -> str:
    prefix, name = tag.split(":")
    return f"{{{NS[prefix]}}}{name}"


@cache
def package(draft: bool = False) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(docx_bytes(document(draft)))) as z:
        return {n: z.read(n) for n in z.namelist()}


def xml(name: str, draft: bool = False):
    return etree.fromstring(package(draft)[name])


def attr(el, name: str):
    return None if el is None else el.get(q(f"w:{name}"))


def text_of(p) -> str:
    return "".join(t.text or "" for t in p.iter(q("w:t"))).replace("\u2011", "-")


@cache
def styles() -> dict:
    return {s.get(q("w:styleId")): s for s in xml("word/styles.xml").iter(q("w:style"))}


def style_font(style_id: str) -> tuple[str, float]:
    s = styles()[style_id]
    rfonts = s.find("w:rPr/w:rFonts", NS)
    size = s.find("w:rPr/w:sz", NS)
    return attr(rfonts, "eastAsia"), int(attr(size, "val")) / 2


def body_paragraphs(draft: bool = False):
    return list(xml("word/document.xml", draft).find("w:body", NS).iter(q("w:p")))


def paragraph(text: str, draft: bool = False):
    found = [p for p in body_paragraphs(draft) if text_of(p) == text]
    assert found, text
    return found[0]


def pstyle(p) -> str:
    return attr(p.find("w:pPr/w:pStyle", NS), "val") or "Normal"


# ───────────────────────────────────────────── DOCX: paper, margins, grid

def sections():
    return list(xml("word/document.xml").iter(q("w:sectPr")))


def test_a4_with_the_standard_margins():
    portrait = {"top": 37, "bottom": 35, "left": 28, "right": 26}
    landscape = {"top": 28, "bottom": 26, "left": 37, "right": 35}
    kinds = []
    for sect in sections():
        size, margins = sect.find("w:pgSz", NS), sect.find("w:pgMar", NS)
        w, h = int(attr(size, "w")), int(attr(size, "h"))
        turned = attr(size, "orient") == "landscape"
        assert (w, h) == ((16838, 11906) if turned else (11906, 16838))      # A4
        want = landscape if turned else portrait
        for side, mm in want.items():
            assert abs(int(attr(margins, side)) - mm * MM) < 1, (side, turned)
        assert attr(margins, "gutter") == "0"
        kinds.append(turned)
    assert kinds == [False, True, False]     # body; landscape attachments; a portrait one


def test_22_lines_of_28_characters_on_a_fixed_pitch():
    body = sections()[0]
    grid = body.find("w:docGrid", NS)
    pitch = int(attr(grid, "linePitch"))
    assert attr(grid, "type") == "linesAndChars"
    margins, size = body.find("w:pgMar", NS), body.find("w:pgSz", NS)
    height = int(attr(size, "h")) - int(attr(margins, "top")) - int(attr(margins, "bottom"))
    width = int(attr(size, "w")) - int(attr(margins, "left")) - int(attr(margins, "right"))
    assert height // pitch == 22 and 28.5 <= pitch / 20 <= 29          # 28.95 pt
    # the grid's character pitch: 3号 (16 pt) + charSpace/4096 pt, 28 to the line
    char_pt = 16 + int(attr(grid, "charSpace")) / 4096
    assert math.floor(width / 20 / char_pt + 1e-6) == 28
    # every paragraph style on the grid has exactly that pitch, and 3号 text is set so that
    # 28 characters fill the line and a 29th does not
    for sid in ("Normal", "Heading1", "Heading2", "Heading3", "Title", "Caption", "Signature"):
        spacing = styles()[sid].find("w:pPr/w:spacing", NS)
        assert (attr(spacing, "line"), attr(spacing, "lineRule")) == (str(pitch), "exact"), sid
    tighter = int(attr(styles()["Normal"].find("w:rPr/w:spacing", NS), "val")) / 20
    assert math.floor(width / 20 / (16 + tighter)) == 28


def test_fonts_by_role_and_size():
    expected = {"Normal": (OFFICE["body"], 16), "Title": (OFFICE["title"], 22),
                "Heading1": (OFFICE["hei"], 16), "Heading2": (OFFICE["kai"], 16),
                "Heading3": (OFFICE["body"], 16), "AttachmentLabel": (OFFICE["hei"], 16),
                "AttachmentTitle": (OFFICE["title"], 22), "Footer": (OFFICE["song"], 14)}
    for sid, want in expected.items():
        assert style_font(sid) == want, sid
    assert OFFICE == {"title": "方正小标宋简体", "body": "仿宋_GB2312", "hei": "黑体",
                      "kai": "楷体_GB2312", "song": "宋体"}
    # headings are neither bold nor coloured; the ASCII faces are the same fonts
    for sid in ("Heading1", "Heading2", "Heading3"):
        rpr = styles()[sid].find("w:rPr", NS)
        assert attr(rpr.find("w:b", NS), "val") == "0"
        assert attr(rpr.find("w:color", NS), "val") == "000000"
        rfonts = rpr.find("w:rFonts", NS)
        assert len({attr(rfonts, a) for a in ("ascii", "hAnsi", "eastAsia")}) == 1


def test_headings_by_level_in_their_fonts():
    doc = document()
    for top in doc.sections:
        for s in top.walk():
            if not s.heading:
                continue
            p = paragraph(s.heading)
            assert pstyle(p) == f"Heading{s.level}", s.heading
            role = {1: "hei", 2: "kai", 3: "body"}[s.level]
            for r in p.iter(q("w:r")):
                assert attr(r.find("w:rPr/w:rFonts", NS), "eastAsia") == OFFICE[role]
    assert re.match("^一、", text_of(paragraph("一、总体情况")))
    levels = {s.get(q("w:styleId")): attr(s.find("w:pPr/w:outlineLvl", NS), "val")
              for s in styles().values()}
    assert (levels["Heading1"], levels["Heading2"], levels["Heading3"]) == ("0", "1", "2")


def test_title_centred_and_body_indented_two_characters():
    title = styles()["Title"].find("w:pPr", NS)
    assert attr(title.find("w:jc", NS), "val") == "center"
    ind = styles()["Normal"].find("w:pPr/w:ind", NS)
    assert attr(ind, "firstLineChars") == "200"
    cell = gb.pt(gb.TEXT_WIDTH_MM) * 20 / 28
    assert 2 * cell - 1 <= int(attr(ind, "firstLine")) <= 2 * cell      # two grid cells
    for sid in ("Heading1", "Heading2", "Heading3"):
        assert styles()[sid].find("w:pPr/w:ind", NS) is not None      # headings indented too
    lead = paragraph(document().sections[0].blocks[0].text)
    assert pstyle(lead) == "Normal"


# ───────────────────────────────────────────── DOCX: language, theme, nothing embedded

def test_zh_cn_on_every_run_and_in_the_styles():
    for name, data in package().items():
        if not name.endswith(".xml") or not name.startswith("word/"):
            continue
        root = etree.fromstring(data)
        for r in root.iter(q("w:r")):
            lang = r.find("w:rPr/w:lang", NS)
            assert (attr(lang, "val"), attr(lang, "eastAsia")) == ("zh-CN", "zh-CN"), name
            rfonts = r.find("w:rPr/w:rFonts", NS)
            assert attr(rfonts, "eastAsia") in OFFICE.values(), name
    for s in styles().values():
        lang = s.find("w:rPr/w:lang", NS)
        if s.find("w:rPr", NS) is not None and len(s.find("w:rPr", NS)):
            assert attr(lang, "eastAsia") == "zh-CN", s.get(q("w:styleId"))
    default = xml("word/styles.xml").find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert (attr(default, "val"), attr(default, "eastAsia")) == ("zh-CN", "zh-CN")
    theme_lang = xml("word/settings.xml").find("w:themeFontLang", NS)
    assert attr(theme_lang, "eastAsia") == "zh-CN"


def test_theme_names_the_office_fonts_and_no_japanese_face():
    theme = xml("word/theme/theme1.xml")
    minor = theme.find(".//a:minorFont", NS)
    major = theme.find(".//a:majorFont", NS)
    assert minor.find("a:ea", NS).get("typeface") == OFFICE["body"]
    assert major.find("a:ea", NS).get("typeface") == OFFICE["hei"]
    hans = {f.get("typeface") for f in theme.iter(q("a:font")) if f.get("script") == "Hans"}
    assert hans == {OFFICE["body"], OFFICE["hei"]}
    assert not [f for f in theme.iter(q("a:font")) if f.get("script") == "Jpan"]
    everything = b"".join(package().values()).decode("utf-8", "ignore")
    assert "ＭＳ" not in everything and "MS Mincho" not in everything
    assert "eastAsiaTheme" not in everything and "asciiTheme" not in everything


def test_nothing_is_embedded_and_the_font_table_names_gb2312_fonts():
    assert not [n for n in package() if n.startswith("word/fonts/")]
    table = xml("word/fontTable.xml")
    assert not list(table.iter(q("w:embedRegular")))
    named = {f.get(q("w:name")): attr(f.find("w:charset", NS), "val") for f in table}
    assert set(named) == set(OFFICE.values()) and set(named.values()) == {"86"}


# ───────────────────────────────────────────── DOCX: page numbers, lists, fields

def footers() -> dict[str, etree._Element]:
    rels = etree.fromstring(package()["word/_rels/document.xml.rels"])
    target = {r.get("Id"): r.get("Target") for r in rels}
    body = sections()[0]
    out = {}
    for ref in body.findall("w:footerReference", NS):
        out[attr(ref, "type")] = xml("word/" + target[ref.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id")])
    return out


def test_page_numbers_odd_right_even_left():
    assert xml("word/settings.xml").find("w:evenAndOddHeaders", NS) is not None
    feet = footers()
    assert set(feet) == {"default", "even"}
    for kind, side in (("default", "right"), ("even", "left")):
        p = feet[kind].find("w:p", NS)
        assert attr(p.find("w:pPr/w:jc", NS), "val") == side
        ind = p.find("w:pPr/w:ind", NS)
        assert attr(ind, f"{side}Chars") == "100"                   # one character in
        instr = [t.text for t in p.iter(q("w:instrText"))]
        assert instr == [" PAGE "]
        kinds = [attr(f, "fldCharType") for f in p.iter(q("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]
        assert text_of(p).startswith("— ") and text_of(p).endswith(" —")
        for r in p.iter(q("w:r")):
            assert attr(r.find("w:rPr/w:rFonts", NS), "eastAsia") == OFFICE["song"]
            assert attr(r.find("w:rPr/w:sz", NS), "val") == "28"      # 4号
    # 7 mm below the text block: footer distance + the number's line = bottom margin − 7 mm
    margins = sections()[0].find("w:pgMar", NS)
    line = int(attr(feet["default"].find("w:p/w:pPr/w:spacing", NS), "line"))
    top_of_number = int(attr(margins, "footer")) + line
    assert abs(int(attr(margins, "bottom")) - top_of_number - 7 * MM) < 2


def test_no_list_styles_no_bullets_no_fields_but_page():
    names = package()
    assert "word/numbering.xml" not in names
    assert not [s for s in styles().values() if s.get(q("w:type")) == "numbering"]
    assert not [s for s in styles().values()
                if "list" in (attr(s.find("w:name", NS), "val") or "").lower()]
    everything = b"".join(v for k, v in names.items() if k.endswith(".xml")).decode()
    assert "<w:numPr" not in everything and "w:fldSimple" not in everything
    assert "TOC" not in "".join(re.findall(r"<w:instrText[^>]*>([^<]*)<", everything))
    assert "w:sdt>" not in everything


def test_table_widths_are_in_the_grid_columns():
    root = xml("word/document.xml")
    tables = list(root.iter(q("w:tbl")))
    assert tables
    for tbl in tables:
        width = int(attr(tbl.find("w:tblPr/w:tblW", NS), "w"))
        cols = [int(attr(c, "w")) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]
        assert sum(cols) == width and len(set(cols)) > 1
        assert width in (round(gb.pt(gb.TEXT_WIDTH_MM) * 20), round(gb.pt(gb.TEXT_HEIGHT_MM) * 20))
        assert attr(tbl.find("w:tblPr/w:tblLayout", NS), "type") == "fixed"
        for row in tbl.findall("w:tr", NS):
            assert [int(attr(c.find("w:tcPr/w:tcW", NS), "w"))
                    for c in row.findall("w:tc", NS)] == cols
        head = tbl.find("w:tr", NS)
        assert head.find("w:trPr/w:tblHeader", NS) is not None        # repeated on each page


# ───────────────────────────────────────────── DOCX: after the body, attachments

def test_attachment_note_signature_and_date_after_the_body():
    doc = document()
    paras = body_paragraphs()
    texts = [text_of(p) for p in paras]
    last_body = max(i for i, t in enumerate(texts) if t == doc.sections[-1].subsections[-1].blocks[0].text)
    note = texts.index("附件：1. 滞后指标清单")
    issuer, day = texts.index(doc.issuer), texts.index(doc.date_text)
    first_label = texts.index("附件1")
    assert last_body < note < issuer < day == issuer + 1 < first_label
    assert doc.date_text == "2026年10月15日"           # Arabic numerals, no leading zeros
    # 附件说明: one line below the body, two characters in; later items under "1."
    first = paras[note]
    assert attr(first.find("w:pPr/w:spacing", NS), "before") == str(gb.LINE_PITCH_TWIPS)
    ind = first.find("w:pPr/w:ind", NS)
    assert int(attr(ind, "leftChars")) - int(attr(ind, "hangingChars")) == 200
    second = paras[note + 1].find("w:pPr/w:ind", NS)
    assert int(attr(second, "leftChars")) - int(attr(second, "hangingChars")) == 500
    assert texts[note + 1] == "2. 进展情况表"
    # the issuer two characters in from the right, the date two characters right of it
    left = {k: int(attr(paras[i].find("w:pPr/w:ind", NS), "leftChars")) / 100
            for k, i in (("issuer", issuer), ("date", day))}
    assert left["issuer"] + len(doc.issuer) + 2 == pytest.approx(28)
    assert left["date"] == pytest.approx(left["issuer"] + 2)
    assert attr(paras[issuer].find("w:pPr/w:spacing", NS), "before") == str(gb.LINE_PITCH_TWIPS)


def test_each_attachment_on_a_new_page_with_its_label():
    doc = document()
    paras = body_paragraphs()
    texts = [text_of(p) for p in paras]
    for a in doc.attachments:
        i = texts.index(f"附件{a.number}")
        p = paras[i]
        assert pstyle(p) == "AttachmentLabel"
        assert attr(styles()["AttachmentLabel"].find("w:pPr/w:jc", NS), "val") == "left"
        new_page = (p.find("w:pPr/w:pageBreakBefore", NS) is not None
                    or paras[i - 1].find("w:pPr/w:sectPr", NS) is not None)
        assert new_page, a.label
        assert pstyle(paras[i + 1]) == "AttachmentTitle"
        assert texts[i + 1] == a.title
    # a section break before 附件1 (landscape) and before 附件3 (portrait again)
    breaks = [text_of(paras[i + 1]) for i, p in enumerate(paras)
              if p.find("w:pPr/w:sectPr", NS) is not None]
    assert breaks == ["附件1", "附件3"]


def test_draft_mark_under_the_title_and_in_the_header():
    draft = package(draft=True)
    heads = [n for n in draft if n.startswith("word/header")]
    assert heads and all("征求意见稿" in draft[n].decode() for n in heads)
    assert text_of(body_paragraphs(draft=True)[1]) == "（征求意见稿）"
    assert not [n for n in package() if n.startswith("word/header")]


# ───────────────────────────────────────────── PDF: the same page

@pytest.fixture(scope="module")
def reader():
    from pypdf import PdfReader

    return PdfReader(io.BytesIO(pdf.pdf_bytes(document())))


def page_mm(page) -> tuple[float, float, dict[str, float]]:
    """A PDF page's width and height in mm, and the margins its orientation has."""
    w, h = (float(x) / 72 * 25.4 for x in (page.mediabox.width, page.mediabox.height))
    return w, h, gb.LANDSCAPE_MARGINS_MM if w > h else gb.MARGINS_MM


def test_pdf_pages_are_a4_with_the_same_margins(reader):
    turned_pages = set()
    for i, page in enumerate(reader.pages):
        w, h, m = page_mm(page)
        turned = w > h
        assert sorted((round(w), round(h))) == [210, 297]
        text = [p for p in positions(page) if not re.fullmatch(r"—\s*\d+\s*—", p[0])]
        xs, ys = [p[1] for p in text], [p[2] for p in text]
        # text starts at the left margin (in a table, a padding or a right-aligned 序号 in)
        # and stays in the block: first baseline under the top margin, last above the bottom
        assert m["left"] - 0.05 <= min(xs) < m["left"] + 4, (i, min(xs))
        assert max(xs) < w - m["right"], (i, max(xs))
        assert h - m["top"] - 7 < max(ys) < h - m["top"], (i, max(ys))
        assert min(ys) > m["bottom"], (i, min(ys))
        if turned:
            turned_pages.add(i)
    labels = {a.number: next(i for i, p in enumerate(reader.pages)
                             if re.sub(r"\s", "", p.extract_text()).startswith(f"附件{a.number}"))
              for a in document().attachments}
    assert labels[1] in turned_pages and labels[2] in turned_pages
    assert labels[3] not in turned_pages


def positions(page):
    found = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            name = str(font["/BaseFont"]).split("+")[-1] if font else ""
            found.append((text.strip(), x / 72 * 25.4, y / 72 * 25.4,
                          name.removesuffix("-Identity-H")))

    page.extract_text(visitor_text=visit)
    return found


def test_pdf_text_block_and_page_numbers(reader):
    first = positions(reader.pages[0])
    recipients = next(p for p in first if p[0].startswith("各区县"))
    assert recipients[1] == pytest.approx(28, abs=0.3)               # flush with the left margin
    for k, page in enumerate(reader.pages, 1):
        number = [p for p in positions(page) if re.fullmatch(rf"—\s*{k}\s*—", p[0])]
        assert number, k
        _, x, y, font = number[0]
        width, _, m = page_mm(page)
        assert font == "NotoSerifCJKsc-Regular"                      # 宋体's stand-in
        assert m["bottom"] - 7 - 6 < y < m["bottom"] - 7             # 7 mm below the block
        one_in = 14 / 72 * 25.4                                      # one 4号 character
        if k % 2:                                                    # odd: right, one in
            assert width - m["right"] - 34 < x < width - m["right"] - one_in - 4.9
        else:
            assert x == pytest.approx(m["left"] + one_in, abs=0.5)


def test_pdf_attachment_titles_centred_and_short_heads_on_one_line(reader):
    doc = document()
    for a in doc.attachments:
        page = next(pg for pg in reader.pages
                    if re.sub(r"\s", "", pg.extract_text()).startswith(doc.label(a)))
        width, _, m = page_mm(page)
        found = positions(page)
        title = next(p for p in found if p[0] == a.title)
        title_mm = len(a.title) * gb.TITLE_PT / 72 * 25.4        # CJK: one em a character
        centre = m["left"] + (width - m["left"] - m["right"]) / 2
        assert title[1] + title_mm / 2 == pytest.approx(centre, abs=1.5), a.title
    # 序号 and 状态 are short columns: their heads stand on one line, as their cells do
    first = next(pg for pg in reader.pages if re.sub(r"\s", "", pg.extract_text()).startswith("附件1"))
    texts = [p[0] for p in positions(first)]
    assert "序号" in texts and "状态" in texts, texts[:20]


def test_pdf_lines_hold_28_characters_and_break_before_a_bracket_after_a_percentage():
    import dataclasses

    from minsheng.report.document import Paragraph, Section
    from pypdf import PdfReader

    # 2 + 26 characters on the first line (indent, then 25 and "40" as one); the second fits
    # "61.6%" (412.8 pt of the 442.2 pt line) and breaks before "（", as Word and WPS do
    text = ("已报送完成值和年度任务的40项指标中，达到序时进度（含已完成年度任务）的17项，"
            "占42.5%；平均完成率61.6%（单项按100%封顶）。")
    doc = dataclasses.replace(document(), attachments=(), sections=(
        Section("lead", "", (Paragraph(text),), level=0),))
    page = PdfReader(io.BytesIO(pdf.pdf_bytes(doc))).pages[0]
    lines = [re.sub(r"\s", "", line) for line in page.extract_text().splitlines()]
    start = next(i for i, line in enumerate(lines) if line.startswith("已报送"))
    assert lines[start:start + 3] == ["已报送完成值和年度任务的40项指标中，达到序时进度",
                                      "（含已完成年度任务）的17项，占42.5%；平均完成率61.6%",
                                      "（单项按100%封顶）。"]


def test_pdf_fonts_by_role(reader):
    doc = document()
    used: dict[str, set[str]] = {}
    for page in reader.pages[:6]:
        for text, _, _, font in positions(page):
            used.setdefault(text, set()).add(font)

    def font_of(prefix):
        return next(f for t, fs in used.items() if t.startswith(prefix) for f in fs)

    assert font_of(doc.title[:6]) == "NotoSerifCJKsc-Bold"          # 小标宋
    assert font_of("一、总体情况") == "NotoSansCJKsc-Regular"        # 黑体
    assert font_of("（一）城市居住品质") == "LXGWWenKai-Regular"      # 楷体
    assert font_of("按照") == "NotoSerifCJKsc-Regular"               # 仿宋


def _pages_text(reader):
    return [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]


def test_pdf_captions_stay_with_their_tables_and_totals_with_a_row(reader):
    from minsheng.report.document import Table

    pages = _pages_text(reader)
    checked = 0
    for t in document().blocks():
        if not isinstance(t, Table) or len(t.rows) < 3:
            continue
        first = re.sub(r"\s+", "", t.rows[1][1])
        if t.caption and t.caption.startswith("表"):
            cap = next(i for i, p in enumerate(pages) if re.sub(r"\s", "", t.caption) in p)
            assert first in pages[cap], t.caption              # caption, head and two rows
            checked += 1
        if t.rows[-1][0] == "合计":
            before = re.sub(r"\s+", "", t.rows[-2][1])
            total_page = max(i for i, p in enumerate(pages) if "合计" in p and before in p)
            assert total_page is not None
            checked += 1
    assert checked >= 4


def test_pdf_landscape_pages_repeat_the_head_row(reader):
    pages = _pages_text(reader)
    start = next(i for i, p in enumerate(pages) if p.startswith("附件1"))
    end = next(i for i, p in enumerate(pages) if p.startswith("附件2"))
    assert end - start >= 2                                    # the table runs over pages
    for i in range(start, end):
        assert "差距（百分点）" in pages[i] and "状态" in pages[i]
