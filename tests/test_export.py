"""Exports of one Bulletin: HTML (escaped, offline), PDF (font embedded, no missing glyphs),
DOCX (editable, East Asian fonts), XLSX (no formulas from submitted text); same bytes twice."""

import io
import re
import zipfile

import openpyxl
import pytest
from minsheng.catalogue import load_catalogue
from minsheng.contracts.textsafety import spreadsheet_text as safe_text
from minsheng.report import bulletin as b
from minsheng.report import fonts
from minsheng.report.export import html as export
from minsheng.report.export.docx import docx_bytes, write_docx
from minsheng.report.export.pdf import write_pdf
from minsheng.report.export.xlsx import write_tables, xlsx_bytes
from test_bulletin import ISSUED, LEDGER_ROWS, QUALITY, QUARANTINE, SCRIPT, YAML, make_ledger


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    path = tmp_path_factory.mktemp("cat") / "2031.yaml"
    path.write_text(YAML, encoding="utf-8")
    return load_catalogue(2031, path=path)


def make_data(catalogue):
    return b.assemble(catalogue, make_ledger(LEDGER_ROWS), 2031, 3, QUALITY, QUARANTINE)


@pytest.fixture(scope="module")
def bulletin(catalogue):
    return b.build(make_data(catalogue), ISSUED)


@pytest.fixture(scope="module")
def html(bulletin):
    return export.to_html(bulletin)


# ───────────────────────────────────────────── HTML

def test_html_is_a_whole_document_with_the_content(html, bulletin):
    assert html.startswith("<!DOCTYPE html>")
    assert f"<title>{bulletin.title}</title>" in html
    assert f"<h1>{bulletin.title}</h1>" in html
    for heading in ("一、总体情况", "二、各项目进展情况", "三、进度滞后指标", "四、区县情况",
                    "五、数据质量说明", "附表"):
        assert heading in html
    # all four charts embedded as data: URIs
    assert html.count('<img src="data:image/png;base64,') == 4


def test_html_escapes_submitted_text(html):
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;选址完成" in html
    assert "<script" not in html.lower()
    # a file name and a raw value from the quarantine, escaped too
    assert "@SUM(A1)" in html and "-甲.xlsx" in html


def test_html_references_nothing_outside(html):
    refs = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", html, flags=re.I)
    assert refs and all(r.startswith("data:") for r in refs), refs
    assert not re.search(r"url\(\s*['\"]?(?!data:)", html), "CSS must not fetch anything"
    assert "@import" not in html
    # the submitted HYPERLINK's address appears as escaped text only, never as a link
    assert not re.search(r"""(?:src|href)\s*=\s*["']?https?:""", html, flags=re.I)


def test_section_fragments_for_the_notebook(bulletin):
    for section in bulletin.sections:
        frag = export.section_html(section)
        assert frag.startswith("<style>") and '<div class="ms-bulletin">' in frag
        assert section.heading in frag and "<html" not in frag
    frag = export.section_html(bulletin.section("item-1"), with_style=False)
    assert frag.startswith('<div class="ms-bulletin">')
    assert 'class="sw sw-severely_lagging"' in frag and "data:image/png;base64," in frag


def test_status_swatches_use_the_palette():
    css = export.status_css()
    assert ".ms-bulletin .sw-lagging { background-color: #f2c94c;" in css
    assert css.count("background-color:") == 6


def test_column_widths_keep_short_cells_whole(bulletin):
    (annex,) = bulletin.blocks("annex")
    widths = export.column_widths(annex)
    assert sum(widths) == pytest.approx(100, abs=0.1)
    assert widths[annex.columns.index("完成率")] < widths[annex.columns.index("指标")]


def test_same_inputs_same_html(catalogue, html):
    again = export.to_html(b.build(make_data(catalogue), ISSUED))
    assert again == html


# ───────────────────────────────────────────── PDF

def _pdf_fonts_and_codes(pdf: bytes):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    names, codes = set(), set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
        stream = page.get_contents().get_data().decode("latin-1")
        for hexes in re.findall(r"<([0-9a-fA-F]+)>", stream):
            codes |= {hexes[i:i + 4].lower() for i in range(0, len(hexes), 4)}
    text = "".join(p.extract_text() for p in reader.pages)
    return reader, names, codes, re.sub(r"\s+", "", text)


def test_missing_glyph_check_is_not_vacuous():
    import weasyprint

    html = (f"<style>{fonts.css_font_face()} body {{ font-family: '{fonts.FAMILY}'; }}</style>"
            "<p>重庆\ue000市</p>")   # a private-use character no font has
    _, _, codes, _ = _pdf_fonts_and_codes(weasyprint.HTML(string=html).write_pdf())
    assert codes & {"0000", "ffff"}


def test_pdf_embeds_the_chinese_font_and_every_glyph(bulletin, tmp_path):
    path = write_pdf(bulletin, tmp_path / "bulletin.pdf")
    reader, names, codes, text = _pdf_fonts_and_codes(path.read_bytes())
    assert len(reader.pages) >= 3
    assert any(n.endswith("Noto-Sans-CJK-SC") for n in names), names
    # every face is the bundled font (a bold is synthesised from it): no fallback font
    assert all(n.startswith("Noto-Sans-CJK-SC") for n in names), names
    assert not codes & {"0000", "ffff"}, ".notdef glyphs in the PDF"
    first = re.sub(r"\s+", "", reader.pages[0].extract_text())
    assert bulletin.title in first
    for phrase in ("一、总体情况", "居住品质", "日均劝阻", "单位丙（牵头）", "数据截至2031年9月底"):
        assert phrase in text, phrase
    assert "第1页共" in text          # page numbers


# ───────────────────────────────────────────── DOCX

def test_docx_is_editable_and_chinese_ready(bulletin, tmp_path):
    from docx import Document
    from docx.oxml.ns import qn

    path = write_docx(bulletin, tmp_path / "bulletin.docx")
    doc = Document(str(path))
    assert doc.paragraphs[0].text == bulletin.title
    assert doc.paragraphs[0].style.name == "Title"
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:3] == ["一、总体情况", "二、各项目进展情况", "（一）居住品质"]
    assert len(doc.inline_shapes) == 4
    # real tables, one per table of the bulletin: two items, the district ranking, four
    # in 数据质量说明 (late reports, rejected files, warnings, quarantine), two annexes
    assert len(doc.tables) == sum(isinstance(x, b.Table) for x in bulletin.blocks()) == 9
    assert doc.tables[0].rows[0].cells[0].text == "指标"
    for name in ("Normal", "Title", "Heading 1", "Heading 2"):
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")) == fonts.FAMILY, name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, name   # would override w:eastAsia
    runs = [r for p in doc.paragraphs for r in p.runs if r.text]
    runs += [r for t in doc.tables for row in t.rows for c in row.cells
             for p in c.paragraphs for r in p.runs if r.text]
    assert runs
    for run in runs:
        assert run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == fonts.FAMILY
    styles_xml = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert "eastAsiaTheme" not in styles_xml
    sect = doc.sections
    assert round(sect[0].page_width.cm, 1) == 21.0 and round(sect[-1].page_width.cm, 1) == 29.7


def test_same_inputs_same_docx(catalogue, bulletin):
    assert docx_bytes(b.build(make_data(catalogue), ISSUED)) == docx_bytes(bulletin)


# ───────────────────────────────────────────── XLSX

@pytest.fixture(scope="module")
def workbook(bulletin, tmp_path_factory):
    path = write_tables(bulletin, tmp_path_factory.mktemp("x") / "bulletin.xlsx")
    return openpyxl.load_workbook(path)


def _column(ws, header):
    headers = [c.value for c in ws[1]]
    return [row[headers.index(header)] for row in ws.iter_rows(min_row=2)]


def test_xlsx_sheets_and_headers(workbook):
    assert workbook.sheetnames == ["指标明细", "分项目", "分责任单位", "分区县", "区县明细", "数据质量",
                                   "隔离数据"]
    ws = workbook["指标明细"]
    assert ws.freeze_panes == "B2"
    assert ws["A1"].value == "指标编号" and ws["A1"].font.b
    assert ws.column_dimensions["A"].width >= 8
    assert ws.max_row == 1 + 7


def test_xlsx_neutralises_formulas_in_submitted_text(workbook):
    progress = {c.value for c in _column(workbook["指标明细"], "进展情况") if c.value}
    assert "'" + '=HYPERLINK("http://evil.example","点击")' in progress
    assert SCRIPT in progress                                  # text, kept verbatim
    raw = [c.value for c in _column(workbook["隔离数据"], "原值")]
    assert "'@SUM(A1)" in raw and "'-3" in raw
    files = {c.value for c in _column(workbook["隔离数据"], "文件")}
    assert "'-甲.xlsx" in files
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
    again = b.build(make_data(catalogue), ISSUED, charts=False)
    assert xlsx_bytes(again.data, ISSUED) == xlsx_bytes(bulletin.data, ISSUED)
    with zipfile.ZipFile(io.BytesIO(xlsx_bytes(bulletin.data, ISSUED))) as z:
        core = z.read("docProps/core.xml").decode()
        assert "2031-10-15T00:00:00Z" in core
        assert {i.date_time for i in z.infolist()} == {(2031, 10, 15, 0, 0, 0)}


def test_xlsx_from_data_needs_a_date(bulletin, tmp_path):
    with pytest.raises(ValueError, match="issued_on"):
        write_tables(bulletin.data, tmp_path / "x.xlsx")
