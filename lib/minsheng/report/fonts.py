"""Chinese text everywhere: one Simplified Chinese font for charts, PDF and DOCX.

The font is Noto Sans CJK SC Regular, shipped as a single-face OpenType file by the PyPI
package mplfonts (SIL Open Font License), so `make setup` installs it on any machine.
matplotlib reads only the first face of a .ttc (Debian's Noto CJK .ttc reads as Japanese),
hence a single-face file. Register it in every process that draws: `use_chinese_font()`.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from pathlib import Path

FAMILY = "Noto Sans CJK SC"
FILE_NAME = "NotoSansCJKsc-Regular.otf"


@cache
def font_path() -> Path:
    """Path of the bundled single-face Simplified Chinese font."""
    path = Path(str(files("mplfonts") / "fonts" / FILE_NAME))
    if not path.exists():
        raise FileNotFoundError(f"{path}: Chinese font missing; run `make setup`")
    return path


def use_chinese_font(style: str = "whitegrid") -> str:
    """Register the font with matplotlib and make it the default (through seaborn, whose
    set_theme would otherwise reset it). Returns the family name."""
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


def css_font_face() -> str:
    """An @font-face rule pointing WeasyPrint at the bundled font file."""
    return (f"@font-face {{ font-family: '{FAMILY}'; "
            f"src: url('{font_path().as_uri()}') format('opentype'); }}")


def set_docx_font(style_or_run, name: str = FAMILY) -> None:
    """Set a python-docx style's or run's font for Latin *and* East Asian text.

    python-docx's `font.name` sets only the ASCII/hAnsi faces; Chinese text needs
    w:eastAsia on the rFonts element.
    """
    from docx.oxml.ns import qn

    style_or_run.font.name = name
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)
