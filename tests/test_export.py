"""Exports of one official document (report.document): HTML (escaped, offline, one title, fonts
by role), PDF (stand-in fonts embedded, no missing glyph, pagination), DOCX (editable,
nothing embedded, no field but the page number), all identical for identical input; and the
bulletin's XLSX (no formulas from submitted text). The GB/T 9704-2012 rules themselves are
checked in test_gbt9704.py."""

from __future__ import annotations

import dataclasses
import io
import re
import time
import zipfile
from functools import cache

import openpyxl
import pytest
from minsheng.catalogue import load_catalogue
from minsheng.contracts.textsafety import spreadsheet_text as safe_text
from minsheng.report import bulletin as b
from minsheng.report.document import Attachment, Paragraph, Section, Table
from minsheng.report.export import layout, pdf, webpage
from minsheng.report.export.docx import docx_bytes, write_docx
from minsheng.report.export.specimen import specimen
from minsheng.report.export.xlsx import write_tables, xlsx_bytes

SCRIPT = "<script>alert(1)</script>选址完成"
FORMULA = '=HYPERLINK("http://evil.example","点击")'
MARKUP = '<img src="http://evil.example/x.png"> & <b>加粗</b>'


@cache
def document(draft: bool = False):
    """The specimen plus what units submit: markup, a formula, mixed Chinese and ASCII."""
    doc = specimen(draft)
    hostile = Table(("序号", "项目名称", "进展情况", "完成值"),
                    (("1", "测试项目MS03-01", SCRIPT, "10个"), ("2", "公式", FORMULA, "—"),
                     ("3", "标记", MARKUP, "3.5万人次")),
                    caption="表3 报送原文", numeric=(0, 3))
    extra = Attachment(4, "submitted", "报送原文摘录",
                       (Paragraph(f"某单位报送：{SCRIPT}；{FORMULA}"), hostile))
    return dataclasses.replace(doc, attachments=(*doc.attachments, extra))


@pytest.fixture(scope="module")
def doc():
    return document()


@pytest.fixture(scope="module")
def html(doc):
    return webpage.to_html(doc)


# ───────────────────────────────────────────── HTML

def test_html_is_a_whole_document_with_the_content(html, doc):
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="zh-CN">' in html
    assert f"<title>{doc.title}</title>" in html
    title = re.search(r'<h1 class="doc-title">(.*?)</h1>', html).group(1)
    assert title.replace("<br>", "") == doc.title          # one title, its lines balanced
    positions = [html.index(s.heading) for s in doc.sections if s.heading]
    assert positions == sorted(positions)
    for a in doc.attachments:
        assert f'<p class="attachment-label">附件{a.number}</p>' in html
    assert html.count('<img src="data:image/png;base64,') == 1
    body = html[html.index("<body>"):]
    assert body.index("附件：1. 滞后指标清单") < body.index(doc.issuer) < body.index("附件1</p>")


def test_html_escapes_submitted_text(html):
    assert SCRIPT not in html and "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;选址完成" in html
    assert "<b>加粗</b>" not in html and "&lt;b&gt;加粗&lt;/b&gt;" in html
    assert "=HYPERLINK(&#34;http://evil.example&#34;,&#34;点击&#34;)" in html   # text, verbatim


def test_html_references_nothing_outside(html):
    tags = "".join(re.findall(r"<[^>]+>", html))           # markup only, not escaped text
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", tags, flags=re.I)
    assert refs and all(r.startswith("data:") for r in refs), refs
    assert not re.search(r"url\(\s*['\"]?(?!data:)", html), "CSS must not fetch anything"
    assert "@import" not in html
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "script-src" not in csp


def test_no_heading_is_printed_twice(html, doc):
    texts = re.findall(r"<(?:h[1-4]|p class=\"caption\"|p class=\"attachment-label\")[^>]*>(.*?)</",
                       html)
    assert len(texts) == len(set(texts)), [t for t in texts if texts.count(t) > 1]
    # 附件3's table is captioned with the attachment's own title: printed once, as the title
    assert doc.attachment("units").blocks[0].caption == doc.attachment("units").title


def test_html_fonts_by_role_office_names_first(html):
    assert "--f-body: '仿宋_GB2312'" in html and "--f-title: '方正小标宋简体'" in html
    assert "--f-hei: '黑体'" in html and "--f-kai: '楷体_GB2312'" in html
    assert "file:" not in html                     # the PDF's font files are not referenced


def test_draft_is_marked(doc):
    draft = webpage.to_html(document(draft=True))
    assert 'class="draft-banner"' in draft and "（征求意见稿）" in draft
    assert "<title>重庆市2026年重点民生实事第三季度推进情况通报（征求意见稿）</title>" in draft
    assert 'class="draft-banner"' not in webpage.to_html(doc)


def test_fragments_for_the_notebook(doc):
    head = webpage.heading_html(doc)
    assert head.startswith("<style>") and doc.recipients in head and "<html" not in head
    for section in doc.sections:
        frag = webpage.section_html(section, with_style=False)
        assert frag.startswith('<div class="ms-doc">') and "<style>" not in frag
        assert section.heading in frag
    assert not re.search(r"@page[^{;]*\{", webpage.section_html(doc.sections[1]))  # screen only
    closing = webpage.closing_html(doc, with_style=False)
    assert doc.date_text in closing and "附件：" in closing
    frag = webpage.attachment_html(doc, doc.attachment("behind"), with_style=False)
    assert "附件1" in frag and 'class="sw sw-severely_lagging"' in frag


def test_codes_never_break(html):
    assert '<span class="nw">MS03-01</span>' in html
    assert webpage.keep_codes("<b>MS03-01</b>") == "&lt;b&gt;<span class=\"nw\">MS03-01</span>&lt;/b&gt;"


def test_status_swatches_use_the_palette():
    css = webpage.status_css()
    assert ".ms-doc .sw-lagging { background-color: #f2c94c;" in css
    assert css.count("background-color:") == 6


def test_table_layout_keeps_short_cells_whole(doc):
    table = doc.attachment("behind").blocks[0]
    lay = layout.table_layout(table, landscape=True)
    assert sum(lay.widths) == pytest.approx(1)
    cols = table.columns
    assert lay.short[cols.index("状态")] and lay.short[cols.index("完成率")]
    assert not lay.short[cols.index("指标")]
    assert lay.widths[cols.index("指标")] > lay.widths[cols.index("完成率")]
    long_text = "各区县按计划推进，已完成年度任务的百分之八十"
    wide = Table(tuple(f"栏{j}" for j in range(9)), ((long_text,) * 9,))
    assert layout.table_layout(wide, landscape=True).size_pt == 10.5   # too wide for 小四
    assert layout.table_layout(wide.__class__(("序号", "项目"), (("1", "甲"),))).size_pt == 12
    assert layout.twips(lay.widths, 12756) and sum(layout.twips(lay.widths, 12756)) == 12756


def test_same_inputs_same_html(html):
    assert webpage.to_html(document()) == html


# ───────────────────────────────────────────── PDF

@pytest.fixture(scope="module")
def rendered(doc):
    start = time.perf_counter()
    data = pdf.pdf_bytes(doc)
    print(f"\nPDF of the fixture: {len(data):,} bytes in {time.perf_counter() - start:.2f} s")
    return data


def pdf_text(data: bytes):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return reader, [re.sub(r"\s+", "", p.extract_text()) for p in reader.pages]


def pdf_fonts(data: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    return names


def glyph_codes(data: bytes) -> set[str]:
    """Every 2-byte glyph code the pages draw (the stand-ins are CID fonts; 0000 is .notdef)."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader, codes = PdfReader(io.BytesIO(data)), set()
    for page in reader.pages:
        for args, op in ContentStream(page.get_contents(), reader).operations:
            shown = ([args[0]] if op == b"Tj" else
                     [a for a in args[0] if isinstance(a, (str, bytes))] if op == b"TJ" else [])
            for text in shown:
                raw = text.get_original_bytes() if hasattr(text, "get_original_bytes") else bytes(text)
                codes |= {raw[i:i + 2].hex() for i in range(0, len(raw), 2)}
    return codes


def test_pdf_holds_the_document(rendered, doc):
    reader, pages = pdf_text(rendered)
    text = "".join(pages)
    assert doc.title in pages[0] and doc.recipients in pages[0]
    for phrase in ("一、总体情况", "（一）城市居住品质持续提升", "附件：1.滞后指标清单", doc.issuer,
                   doc.date_text, "附件4", SCRIPT):
        assert phrase in text, phrase
    assert reader.metadata.title == doc.title
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "zh-CN"
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root      # tagged


def test_pdf_prints_submitted_typst_markup_as_text(doc):
    # what a unit submits reaches Typst as a JSON string: printed, never read as markup
    markup = '#read("/etc/hostname") *加粗* $x^2$ <label> @ref = 标题'
    submitted = dataclasses.replace(doc, attachments=(), sections=(
        Section("lead", "", (Paragraph(markup), Table(("序号", "进展情况"), (("1", markup),))),
                level=0),))
    _, pages = pdf_text(pdf.pdf_bytes(submitted))
    assert "".join(pages).count(re.sub(r"\s+", "", markup)) == 2


def test_pdf_embeds_only_the_free_stand_ins_and_every_glyph(rendered):
    from minsheng.report import fonts

    # the PostScript names of the stand-ins' faces (Debian's fonts-noto-cjk, fonts-lxgw-wenkai)
    allowed = {"NotoSerifCJKsc-Bold", "NotoSerifCJKsc-Regular", "NotoSansCJKsc-Regular",
               "LXGWWenKai-Regular"}
    assert {f.path.exists() for f in fonts.STAND_INS.values()} == {True}
    names = {n.removesuffix("-Identity-H") for n in pdf_fonts(rendered)}
    assert names and names <= allowed, names - allowed
    assert not glyph_codes(rendered) & {"0000", "ffff"}, ".notdef glyphs in the PDF"


def test_what_typst_warns_of_is_shown(doc, monkeypatch):
    from minsheng.report import fonts

    monkeypatch.setattr(fonts, "pdf_family", lambda role: "No Such Face")
    with pytest.warns(UserWarning, match="unknown font family: no such face"):
        pdf.pdf_bytes(doc)


def test_missing_glyph_check_is_not_vacuous():
    no_glyph = dataclasses.replace(document(), attachments=(), sections=(
        Section("lead", "", (Paragraph("重庆\ue000市"),), level=0),))   # no font has U+E000
    assert glyph_codes(pdf.pdf_bytes(no_glyph)) & {"0000", "ffff"}


def test_a_chart_pushed_off_a_page_is_scaled_into_the_room_it_left(doc):
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    # One more line of 28 characters before the specimen's chart: at its width it no longer
    # fits page 1, so it is scaled into the room left there, and page 1 is full.
    overview = doc.sections[1]
    longer = dataclasses.replace(overview, blocks=(Paragraph("按照要求" * 7), *overview.blocks))
    pushed = dataclasses.replace(doc, sections=(doc.sections[0], longer, *doc.sections[2:]))
    first = PdfReader(io.BytesIO(pdf.pdf_bytes(pushed))).pages[0]
    images = list(first.images)
    assert len(images) == 1
    chart = next(b for b in doc.blocks() if b.kind == "chart")
    assert re.sub(r"\s+", "", chart.caption) in re.sub(r"\s+", "", first.extract_text())
    lowest = []
    first.extract_text(visitor_text=lambda text, cm, tm, font, size: text.strip() and not
                       text.strip().startswith("—") and lowest.append(cm[5] + tm[5] * cm[3]))
    filled = layout.PAGE_MM[1] - layout.MARGINS_MM["top"] - min(lowest) / 72 * 25.4
    assert filled > 0.85 * layout.TEXT_HEIGHT_MM, f"page 1 is {filled / layout.TEXT_HEIGHT_MM:.0%} full"
    # drawn shorter than its width gives: the last `cm` before the image is its size in pt
    ops = ContentStream(first.get_contents(), first.pdf).operations
    at = next(i for i, (_, op) in enumerate(ops) if op == b"Do")
    height_pt = next(args[3] for args, op in reversed(ops[:at]) if op == b"cm")
    natural_pt = (chart.width_cm * 10 / layout.MM_PER_PT
                  * images[0].image.height / images[0].image.width)
    assert pdf.MIN_CHART_SCALE * natural_pt <= height_pt < 0.98 * natural_pt


def test_the_pdf_written_alongside_is_the_same_and_its_error_is_raised(doc, rendered, tmp_path,
                                                                      monkeypatch):
    with pdf.writing_pdf(doc, tmp_path / "a.pdf") as future:
        other = write_docx(doc, tmp_path / "a.docx")          # meanwhile, in this thread
    assert future.result().read_bytes() == rendered and other.exists()

    def broken(*_):
        raise OSError("disk full")

    monkeypatch.setattr(pdf, "write_pdf", broken)
    with pytest.raises(OSError, match="disk full"), pdf.writing_pdf(doc, tmp_path / "b.pdf"):
        pass                                                   # the body never asks for it


def test_a_pdf_started_early_is_the_one_waited_for(doc, rendered, tmp_path):
    started = pdf.start_pdf(doc, tmp_path / "c.pdf")
    write_docx(doc, tmp_path / "c.docx")                       # the caller goes on meanwhile
    with pdf.writing_pdf(doc, tmp_path / "c.pdf", started=started) as future:
        assert future is started.future
    assert future.result().read_bytes() == rendered
    with pytest.raises(ValueError, match="another document"):   # never another file's PDF
        with pdf.writing_pdf(doc, tmp_path / "d.pdf", started=started):
            pass


def test_same_inputs_same_pdf(doc, rendered):
    assert pdf.pdf_bytes(document()) == rendered


# ───────────────────────────────────────────── DOCX

@pytest.fixture(scope="module")
def docx_file(doc, tmp_path_factory):
    start = time.perf_counter()
    path = write_docx(doc, tmp_path_factory.mktemp("docx") / "bulletin.docx")
    print(f"\nDOCX of the fixture in {time.perf_counter() - start:.2f} s")
    return path


def test_docx_is_editable_with_real_structure(docx_file, doc):
    from docx import Document

    d = Document(str(docx_file))
    assert d.paragraphs[0].text.replace("\n", "") == doc.title
    assert d.paragraphs[0].style.name == "Title"
    headings = [(p.style.name, p.text) for p in d.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == [("Heading 1", "一、总体情况"), ("Heading 1", "二、主要进展"),
                            ("Heading 2", "（一）城市居住品质持续提升")]
    assert len(d.inline_shapes) == 1
    tables = [blk for blk in doc.blocks() if isinstance(blk, Table)]
    assert len(d.tables) == len(tables)
    assert [c.text for c in d.tables[0].rows[0].cells] == list(tables[0].columns)
    assert d.tables[-1].rows[1].cells[2].text == SCRIPT           # submitted text, verbatim
    assert d.tables[-1].rows[2].cells[2].text == FORMULA


def test_docx_has_no_field_but_the_page_number(docx_file):
    with zipfile.ZipFile(docx_file) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    assert "fldSimple" not in xml
    assert set(re.findall(r"<w:instrText[^>]*>([^<]*)</w:instrText>", xml)) == {" PAGE "}


def test_docx_drops_the_template_leftovers(docx_file):
    with zipfile.ZipFile(docx_file) as z:
        names = set(z.namelist())
        styles = z.read("word/styles.xml").decode()
    assert not {n for n in names if n.startswith(("customXml", "docProps/thumbnail"))}
    assert "word/numbering.xml" not in names and "word/stylesWithEffects.xml" not in names
    assert len(styles) < 20_000                                    # not python-docx's 350 KB


def test_same_inputs_same_docx(doc, docx_file):
    again = docx_bytes(document())
    assert again == docx_file.read_bytes()
    with zipfile.ZipFile(io.BytesIO(again)) as z:
        assert {i.date_time for i in z.infolist()} == {(2026, 10, 15, 0, 0, 0)}


def test_a_second_font_profile_names_other_fonts(doc):
    with zipfile.ZipFile(io.BytesIO(docx_bytes(doc, profile="windows"))) as z:
        styles = z.read("word/styles.xml").decode()
    assert 'w:eastAsia="仿宋"' in styles and 'w:eastAsia="楷体"' in styles
    assert "仿宋_GB2312" not in styles
    with pytest.raises(KeyError, match="no profile"):
        docx_bytes(doc, profile="nope")


def test_a_lone_attachment_is_not_numbered(doc):
    one = dataclasses.replace(doc, attachments=doc.attachments[:1])
    assert one.attachment_note == ("滞后指标清单",) and one.label(one.attachments[0]) == "附件"
    html = webpage.to_html(one)
    assert "附件：滞后指标清单" in html and '<p class="attachment-label">附件</p>' in html


def test_level_zero_section_has_no_heading(doc):
    lead = doc.sections[0]
    assert lead.level == 0 and not lead.heading
    frag = webpage.section_html(Section("x", "", (Paragraph("开头一段。"),), level=0), False)
    assert "<h" not in frag.replace("<html", "")


# ───────────────────────────────────────────── XLSX (the bulletin's data; xlsx.py)

@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    from test_bulletin import YAML

    path = tmp_path_factory.mktemp("cat") / "2031.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load_catalogue(2031, path=path)


def make_data(catalogue):
    from test_bulletin import LEDGER_ROWS, QUALITY, QUARANTINE, make_ledger

    return b.assemble(catalogue, make_ledger(LEDGER_ROWS), 2031, 3, QUALITY, QUARANTINE)


def issued():
    from test_bulletin import ISSUED

    return ISSUED


@pytest.fixture(scope="module")
def bulletin(catalogue):
    return b.build(make_data(catalogue), issued())


@pytest.fixture(scope="module")
def workbook(bulletin, tmp_path_factory):
    path = write_tables(bulletin, tmp_path_factory.mktemp("x") / "bulletin.xlsx")
    return openpyxl.load_workbook(path)


def _column(ws, header):
    headers = [c.value for c in ws[1]]
    return [row[headers.index(header)] for row in ws.iter_rows(min_row=2)]


def test_xlsx_neutralises_formulas_in_submitted_text(workbook):
    progress = {c.value for c in _column(workbook["指标明细"], "进展情况") if c.value}
    assert "'" + '=HYPERLINK("http://evil.example","点击")' in progress
    assert SCRIPT in progress                                  # text, kept verbatim
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula"


def test_xlsx_numbers_stay_numbers(workbook):
    ws = workbook["指标明细"]
    ids = [c.value for c in _column(ws, "指标编号")]
    att = dict(zip(ids, _column(ws, "完成率"), strict=True))
    assert att["MS01-02"].value == pytest.approx(0.4) and att["MS01-02"].number_format == "0.0%"
    assert att["MS02-02"].value is None                         # missing, not zero
    gap = dict(zip(ids, _column(ws, "差距（百分点）"), strict=True))
    assert gap["MS01-02"].value == pytest.approx(-35) and gap["MS01-02"].data_type == "n"
    target = dict(zip(ids, _column(ws, "年度目标"), strict=True))
    assert target["MS02-01"].value == 1000 and target["MS02-01"].number_format == "#,##0"
    status = dict(zip(ids, _column(ws, "进度状态"), strict=True))
    assert status["MS01-02"].value == "严重滞后"
    rank = workbook["分区县"]
    assert [c.value for c in _column(rank, "排名")] == [1, 2]


def test_safe_text():
    for text in ("=1+1", "+1", "-1", "@A1", "\t=1", "\r=1", "#N/A"):
        assert safe_text(text).startswith("'")
    assert safe_text("施工图审查完成") == "施工图审查完成"
    assert safe_text("a\x01b") == "ab"


def test_same_inputs_same_xlsx(catalogue, bulletin):
    again = b.build(make_data(catalogue), issued(), charts=False)
    assert xlsx_bytes(again.data, issued()) == xlsx_bytes(bulletin.data, issued())
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(bulletin.data, issued()))) as z:
        core = z.read("docProps/core.xml").decode()
        assert "2031-10-15T00:00:00Z" in core
        assert {i.date_time for i in z.infolist()} == {(2031, 10, 15, 0, 0, 0)}


def test_xlsx_from_data_needs_a_date(bulletin, tmp_path):
    with pytest.raises(ValueError, match="issued_on"):
        write_tables(bulletin.data, tmp_path / "x.xlsx")
