"""Chinese fonts by role: the charts' single-face file, the PDF's free stand-ins (installed,
the Simplified Chinese face of each file), the DOCX's office names from settings.yaml."""

import io
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest
from fontTools.ttLib import TTCollection, TTFont
from minsheng.catalogue import load_catalogue
from minsheng.report import fonts

SAMPLE = "重庆民生实事区县严重滞后序时进度"


def test_chart_font_is_a_single_face_simplified_chinese_otf():
    path = fonts.font_path()
    assert path.suffix == ".otf"      # not a .ttc collection: matplotlib reads only face 0
    font = TTFont(str(path))
    assert all(ord(ch) in font.getBestCmap() for ch in SAMPLE)
    assert font["name"].getDebugName(1) == fonts.FAMILY
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


@pytest.mark.parametrize("role", fonts.ROLES)
def test_the_pdf_stand_in_of_each_role_is_installed_in_simplified_chinese(role):
    face = fonts.STAND_INS[role]
    if not face.path.exists():
        pytest.fail(f"{face.path} missing: the PDF sets {fonts.ROLE_NAMES[role]} in "
                    f"{face.fallback}; install {face.package} (make setup as root)")
    faces = (TTCollection(str(face.path)).fonts if face.path.suffix == ".ttc"
             else [TTFont(str(face.path))])
    mine = [f for f in faces if f["name"].getDebugName(1) == face.family]
    assert len(mine) == 1, [f["name"].getDebugName(1) for f in faces]
    assert mine[0]["OS/2"].usWeightClass == face.weight
    assert all(ord(ch) in mine[0].getBestCmap() for ch in SAMPLE)
    assert fonts.pdf_family(role) == face.family


def test_pdf_uses_the_pypi_faces_only_where_a_stand_in_is_missing(monkeypatch, tmp_path):
    assert fonts.missing_faces() == []
    assert fonts.pdf_font_dirs() == sorted(fonts.SYSTEM_DIRS)       # no PyPI face can reach it
    moved = fonts.Face("LXGW WenKai", 400, tmp_path / "none.ttf", "fonts-lxgw-wenkai",
                       fonts.SERIF_FAMILY)
    monkeypatch.setitem(fonts.STAND_INS, "kai", moved)
    assert fonts.missing_faces() == [("kai", "fonts-lxgw-wenkai")]
    assert fonts.pdf_family("kai") == fonts.SERIF_FAMILY
    assert fonts.pypi_font(fonts.SERIF_FAMILY).parent in fonts.pdf_font_dirs()


def test_office_font_profiles_come_from_settings():
    assert fonts.office_fonts() == {"title": "方正小标宋简体", "body": "仿宋_GB2312", "hei": "黑体",
                                    "kai": "楷体_GB2312", "song": "宋体"}
    newer = fonts.office_fonts("windows")
    assert (newer["body"], newer["kai"]) == ("仿宋", "楷体")
    with pytest.raises(KeyError, match="no profile 'mac'"):
        fonts.office_fonts("mac")


def test_screen_fonts_name_the_office_font_first_then_the_free_ones():
    body = fonts.screen_family("body")
    assert body.startswith("'仿宋_GB2312'") and "'Noto Serif CJK SC'" in body
    assert body.endswith("serif") and body.count("'仿宋_GB2312'") == 1


def test_fontconfig_aliases_map_office_names_to_stand_ins():
    conf = fonts.fontconfig_aliases()
    for role, name in fonts.office_fonts().items():
        assert f"<string>{name}</string>" in conf
        assert f"<string>{fonts.STAND_INS[role].family}</string>" in conf


def test_docx_font_covers_latin_and_east_asian_and_drops_theme_fonts():
    from docx import Document
    from docx.oxml.ns import qn

    doc = Document()
    normal = doc.styles["Normal"]
    fonts.set_docx_font(normal, "仿宋_GB2312")
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    assert {rfonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")} == {"仿宋_GB2312"}
    assert rfonts.get(qn("w:eastAsiaTheme")) is None
    run = doc.add_paragraph().add_run("民生实事")
    fonts.set_docx_font(run, "黑体")
    assert run.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "黑体"
