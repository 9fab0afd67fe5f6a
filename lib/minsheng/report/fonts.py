"""Chinese fonts by role: names the DOCX gives Word and WPS, free faces embedded in the PDF,
and one single-face file for charts.

A 公文 (GB/T 9704-2012) sets its title in 小标宋, the body in 仿宋, 一、 headings in 黑体 and
（一） headings in 楷体; page numbers in 宋体. Office PCs have 方正小标宋简体, 仿宋_GB2312, 黑体 and
楷体_GB2312 (or 仿宋/楷体 on newer Windows): the DOCX names those (a profile in settings.yaml,
`documents.fonts`) and embeds nothing. They are not free, so the PDF embeds free stand-ins
by role (SIL OFL, installed from Debian by `make setup`): Noto Serif CJK SC (bold for the
title), Noto Sans CJK SC for 黑体 and LXGW WenKai for 楷体. Where they are missing, the PyPI
package pylopdf-fonts-zh-cn (single-face Noto Serif SC / Noto Sans SC, OFL) stands in and
`missing_faces()` says what to install.

matplotlib reads only the first face of a .ttc (Debian's Noto CJK collections read as
Japanese), so charts use the single-face Noto Sans SC file from PyPI: `use_chinese_font()`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from pathlib import Path

from minsheng.config import settings

ROLES = ("title", "body", "hei", "kai", "song")
ROLE_NAMES = {"title": "小标宋", "body": "仿宋", "hei": "黑体", "kai": "楷体", "song": "宋体"}

# Charts (and the spreadsheet's font name): the single-face file from PyPI.
FAMILY = "Noto Sans SC"
SERIF_FAMILY = "Noto Serif SC"
PYPI_PACKAGE = "pylopdf-fonts-zh-cn"
_PYPI_FILES = {FAMILY: "NotoSansSC-Regular.otf", SERIF_FAMILY: "NotoSerifSC-Regular.otf"}

# Debian's font folders the project installs into (and scans for licences).
NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
WENKAI_DIR = Path("/usr/share/fonts/truetype/lxgw-wenkai")
SYSTEM_DIRS = (NOTO_DIR, WENKAI_DIR)


@dataclass(frozen=True)
class Face:
    """A free face standing in for an office font in the PDF."""

    family: str          # as fontconfig and the PDF name it
    weight: int
    path: Path           # the file holding it (a .ttc holds several faces)
    package: str         # the Debian package that installs it
    fallback: str        # the PyPI single-face family used when the package is missing


STAND_INS: dict[str, Face] = {
    "title": Face("Noto Serif CJK SC", 700, NOTO_DIR / "NotoSerifCJK-Bold.ttc", "fonts-noto-cjk",
                  SERIF_FAMILY),
    "body": Face("Noto Serif CJK SC", 400, NOTO_DIR / "NotoSerifCJK-Regular.ttc", "fonts-noto-cjk",
                 SERIF_FAMILY),
    "hei": Face("Noto Sans CJK SC", 400, NOTO_DIR / "NotoSansCJK-Regular.ttc", "fonts-noto-cjk",
                FAMILY),
    "kai": Face("LXGW WenKai", 400, WENKAI_DIR / "LXGWWenKai-Regular.ttf", "fonts-lxgw-wenkai",
                SERIF_FAMILY),
    "song": Face("Noto Serif CJK SC", 400, NOTO_DIR / "NotoSerifCJK-Regular.ttc", "fonts-noto-cjk",
                 SERIF_FAMILY),
}


@cache
def pypi_font(family: str = FAMILY) -> Path:
    """The single-face Simplified Chinese file of `family` shipped by pylopdf-fonts-zh-cn."""
    try:
        path = Path(str(files("pylopdf_fonts_zh_cn") / _PYPI_FILES[family]))
    except ModuleNotFoundError:
        path = None
    if path is None or not path.exists():
        raise FileNotFoundError(f"{_PYPI_FILES[family]}: Chinese font missing; run `make setup` "
                                f"(installs {PYPI_PACKAGE})")
    return path


def font_path() -> Path:
    """The charts' font file (single face, Simplified Chinese)."""
    return pypi_font(FAMILY)


def missing_faces() -> list[tuple[str, str]]:
    """(role, Debian package) of every PDF stand-in not installed on this machine."""
    return [(role, face.package) for role, face in STAND_INS.items() if not face.path.exists()]


def pdf_family(role: str) -> str:
    """The family a role is set in in the PDF: its stand-in, else the PyPI face."""
    face = STAND_INS[role]
    return face.family if face.path.exists() else face.fallback


def pdf_font_dirs() -> list[Path]:
    """The folders Typst takes the PDF's faces from: the installed stand-ins', and the PyPI
    faces' for roles whose stand-in is missing (no other font can reach the PDF)."""
    dirs = {face.path.parent for face in STAND_INS.values() if face.path.exists()}
    dirs |= {pypi_font(STAND_INS[role].fallback).parent for role, _ in missing_faces()}
    return sorted(dirs)


# Browsers: the office fonts first (a reader on an office PC sees the real faces),
# then the free stand-ins and the usual system faces.
_SCREEN = {
    "title": ["FZXiaoBiaoSong-B05S", "FZXBSJW--GB1-0", "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC",
              "Songti SC", "STSong", "serif"],
    "body": ["FangSong_GB2312", "FangSong", "STFangsong", "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC",
             "Songti SC", "serif"],
    "hei": ["SimHei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC",
            "Microsoft YaHei", "sans-serif"],
    "kai": ["KaiTi_GB2312", "KaiTi", "STKaiti", "LXGW WenKai", "Kaiti SC", "Noto Serif CJK SC", "Noto Serif SC",
            "serif"],
    "song": ["SimSun", "Noto Serif CJK SC", "Noto Serif SC", "Songti SC", "serif"],
}


def screen_family(role: str, profile: str | None = None) -> str:
    names = [office_fonts(profile)[role], *_SCREEN[role]]
    return ", ".join(n if n in ("serif", "sans-serif") else f"'{n}'"
                     for n in dict.fromkeys(names))


def office_fonts(profile: str | None = None) -> dict[str, str]:
    """Role → the font name the DOCX gives (settings.yaml `documents.fonts`)."""
    conf = settings()["documents"]["fonts"]
    name = profile or conf["profile"]
    try:
        chosen = conf["profiles"][name]
    except KeyError:
        raise KeyError(f"settings.yaml documents.fonts: no profile {name!r} "
                       f"(have {', '.join(conf['profiles'])})") from None
    missing = [r for r in ROLES if r not in chosen]
    if missing:
        raise KeyError(f"settings.yaml documents.fonts.profiles.{name}: no font for {missing}")
    return {r: chosen[r] for r in ROLES}


def fontconfig_aliases(profile: str | None = None) -> str:
    """A fontconfig file mapping the office names to the free stand-ins (LibreOffice and
    browsers on Linux then show a DOCX in its intended faces; used by `make docs-pictures`)."""
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', "<fontconfig>",
             "  <include ignore_missing=\"yes\">/etc/fonts/fonts.conf</include>"]
    for role, name in office_fonts(profile).items():
        face = STAND_INS[role]
        lines += [f"  <match target=\"pattern\"><test name=\"family\"><string>{name}</string>"
                  f"</test><edit name=\"family\" mode=\"assign\" binding=\"strong\">"
                  f"<string>{face.family}</string></edit>"
                  + ("<edit name=\"weight\" mode=\"assign\" binding=\"strong\"><const>bold</const>"
                     "</edit>" if face.weight >= 700 else "") + "</match>"]
    return "\n".join([*lines, "</fontconfig>", ""])


def use_chinese_font(style: str = "whitegrid") -> str:
    """Register the charts' font with matplotlib and make it the default (through seaborn,
    whose set_theme would otherwise reset it). Returns the family name."""
    import matplotlib as mpl
    import seaborn as sns
    from matplotlib import font_manager

    if FAMILY not in {f.name for f in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(font_path()))
    rc = {"font.family": "sans-serif", "font.sans-serif": [FAMILY, "DejaVu Sans"],
          "axes.unicode_minus": False, "svg.fonttype": "none"}
    sns.set_theme(style=style, font=FAMILY, rc=rc)
    mpl.rcParams.update(rc)
    return FAMILY


def set_docx_font(style_or_run, name: str) -> None:
    """Set a python-docx style's or run's font for Latin *and* East Asian text.

    python-docx's `font.name` sets only the ASCII/hAnsi faces; Chinese text needs
    w:eastAsia on the rFonts element (and no theme attribute, which would win over it).
    """
    from docx.oxml.ns import qn

    rfonts = style_or_run.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
