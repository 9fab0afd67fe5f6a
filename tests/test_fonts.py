"""Chinese text renders in charts, PDF and DOCX with the bundled Simplified Chinese font."""

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from minsheng.catalogue import load_catalogue
from minsheng.report import fonts


def test_font_is_a_single_face_simplified_chinese_otf():
    from fontTools.ttLib import TTFont

    path = fonts.font_path()
    assert path.suffix == ".otf"      # not a .ttc collection
    font = TTFont(str(path))
    cmap = font.getBestCmap()
    assert all(ord(ch) in cmap for ch in "重庆民生实事区县")
    assert font["name"].getDebugName(16) == fonts.FAMILY   # typographic family name
    from matplotlib import font_manager

    assert font_manager.FontProperties(fname=str(path)).get_name() == fonts.FAMILY


def test_chart_with_every_catalogue_label_has_no_missing_glyph():
    cat = load_catalogue(2026).indicators
    labels = sorted(set(cat["item_name"]) | set(cat["indicator"]) | set(cat["unit"])
                    | set(cat["responsible_units"]))
    fonts.use_chinese_font()
    fig, ax = plt.subplots(figsize=(8, 40))
    ax.barh(range(len(labels)), range(len(labels)))
    ax.set_yticks(range(len(labels)), labels)
    ax.set_title("重点民生实事 序时进度 −10 %")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(io.BytesIO(), format="png", dpi=30)
    plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


def test_seaborn_theme_keeps_the_font():
    import seaborn as sns

    fonts.use_chinese_font()
    assert matplotlib.rcParams["font.sans-serif"][0] == fonts.FAMILY
    sns.set_theme()  # a later reset would drop it: use_chinese_font passes it to set_theme
    fonts.use_chinese_font()
    assert matplotlib.rcParams["font.sans-serif"][0] == fonts.FAMILY


def test_pdf_embeds_the_font():
    weasyprint = pytest.importorskip("weasyprint")
    from pypdf import PdfReader

    html = (f"<style>{fonts.css_font_face()} body {{ font-family: '{fonts.FAMILY}'; }}</style>"
            "<p>重庆市重点民生实事第三季度推进情况通报</p>")
    pdf = weasyprint.HTML(string=html).write_pdf()
    reader = PdfReader(io.BytesIO(pdf))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    # A subset is embedded: "/ABCDEF+Noto-Sans-CJK-SC"
    assert any(n.split("+")[-1].replace("-", "") == fonts.FAMILY.replace(" ", "") for n in names), names
    assert "重庆市" in reader.pages[0].extract_text()


def test_docx_sets_east_asian_font():
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    fonts.set_docx_font(doc.styles["Normal"])
    run = doc.add_paragraph().add_run("民生实事")
    fonts.set_docx_font(run)
    rfonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == fonts.FAMILY
    assert run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == fonts.FAMILY
