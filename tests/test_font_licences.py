"""No font without a free licence in the environment: every Chinese font file in the .venv and
in the font folders the PDF and the browser draw from is opened, and its own name table
(ID 13 licence, ID 14 licence URL) must name a free licence; no SimHei, SimSun or Microsoft
YaHei file may be anywhere (mplfonts used to bring SimHei.ttf into every .venv)."""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTCollection, TTFont
from fontTools.ttLib.ttFont import TTLibError
from minsheng.report import fonts

FONT_SUFFIXES = {".ttf", ".otf", ".ttc", ".otc", ".woff", ".woff2"}
# The licences a font may be shipped or installed under (they all allow redistribution).
FREE = re.compile(r"SIL Open Font License|scripts\.sil\.org/OFL|openfontlicense\.org|"
                  r"Apache License|GNU General Public License|Arphic Public License|"
                  r"IPA Font License|Ubuntu Font Licen[cs]e", re.I)
# Windows' and Founder's Chinese fonts, by file name and by family name.
PROPRIETARY_FILE = re.compile(r"^(simhei|simsun|nsimsun|msyh(bd|l)?|simkai|simfang|stkaiti|"
                              r"stfangso|fz\w+)\.(ttf|ttc|otf)$", re.I)
PROPRIETARY_FAMILY = re.compile(r"^(SimHei|SimSun|NSimSun|SimSun-ExtB|Microsoft YaHei( UI)?|"
                                r"微软雅黑|黑体|宋体|新宋体|KaiTi|楷体|FangSong|仿宋|方正.*|FZ.*)$", re.I)
# Where fonts are looked for: the environment itself, fontconfig's folders (Chromium falls
# back to any font there) and the stand-ins' own folders.
ROOTS = (Path(sys.prefix), Path("/usr/share/fonts"), Path("/usr/local/share/fonts"),
         Path.home() / ".fonts", Path.home() / ".local/share/fonts", *fonts.SYSTEM_DIRS)
BIG = 1_000_000          # a file of Chinese glyphs is bigger than this


def font_files(roots=ROOTS) -> list[Path]:
    seen: dict[Path, Path] = {}
    for root in roots:
        if root.is_dir():
            for path in root.rglob("*"):
                if path.suffix.lower() in FONT_SUFFIXES and path.is_file():
                    seen.setdefault(path.resolve(), path)
    return sorted(seen.values())


def faces(path: Path) -> list[TTFont]:
    if path.suffix.lower() in (".ttc", ".otc"):
        return list(TTCollection(str(path), lazy=True).fonts)
    return [TTFont(str(path), lazy=True)]


def is_chinese(font: TTFont) -> bool:
    """Draws Chinese: more than a hundred CJK ideographs (so a web font's slice counts too)."""
    cmap = font.getBestCmap() or {} if "cmap" in font else {}
    return sum(0x4E00 <= c <= 0x9FFF for c in cmap) > 100


def names(font: TTFont, *ids: int) -> list[str]:
    return [r.toUnicode().strip() for r in font["name"].names if r.nameID in ids]


@cache
def survey(roots: tuple[Path, ...] = ROOTS) -> tuple[list[str], list[str], int]:
    """(problems, free Chinese faces as "path: family — licence", files seen)."""
    problems, checked = [], []
    files = font_files(roots)
    for path in files:
        if PROPRIETARY_FILE.search(path.name):
            problems.append(f"{path}: a proprietary font's file name")
        try:
            found = faces(path)
        except (TTLibError, ImportError, OSError, AssertionError) as e:
            if path.stat().st_size > BIG:
                problems.append(f"{path}: cannot be opened to check its licence ({e})")
            continue
        for font in found:
            family = (names(font, 16) or names(font, 1) or ["?"])[0]
            if any(PROPRIETARY_FAMILY.search(n) for n in names(font, 1, 4, 16)):
                problems.append(f"{path}: {family!r} is a proprietary font")
                continue
            if not is_chinese(font):
                continue
            licence = " ".join(names(font, 13, 14))
            if not FREE.search(licence):
                problems.append(f"{path}: {family!r} names no free licence "
                                f"(name ID 13/14: {licence[:80]!r})")
            else:
                checked.append(f"{path}: {family} — {licence[:60]}")
    return problems, checked, len(files)


def test_every_chinese_font_in_the_environment_has_a_free_licence():
    problems, checked, seen = survey()
    if any("mplfonts" in p for p in problems):
        problems.insert(0, "mplfonts is no longer used and ships SimHei.ttf: run `make setup` "
                           "(it uninstalls it) or recreate the environment "
                           "(`make clean-venv setup`)")
    assert not problems, "\n".join(problems)
    assert seen > 10


def test_the_fonts_the_project_uses_were_checked():
    _, checked, _ = survey()
    used = [str(fonts.font_path())] + [str(f.path) for f in fonts.STAND_INS.values()]
    for path in used:
        if not Path(path).exists():
            pytest.fail(f"{path} missing: run `make setup` (as root for Debian's fonts)")
        assert any(c.startswith(path + ":") for c in checked), path


def test_the_check_catches_a_proprietary_or_unlicensed_font(tmp_path):
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def build(file: str, family: str, licence: str) -> None:
        chars = range(0x4E00, 0x4E00 + 1200)
        fb = FontBuilder(1000, isTTF=True)
        fb.setupGlyphOrder([".notdef", *(f"uni{c:04X}" for c in chars)])
        fb.setupCharacterMap({c: f"uni{c:04X}" for c in chars})
        fb.setupGlyf({g: TTGlyphPen(None).glyph() for g in fb.font.getGlyphOrder()})
        fb.setupHorizontalMetrics({g: (1000, 0) for g in fb.font.getGlyphOrder()})
        fb.setupHorizontalHeader()
        fb.setupNameTable({"familyName": family, "styleName": "Regular",
                           "licenseDescription": licence})
        fb.setupOS2()
        fb.setupPost()
        fb.save(str(tmp_path / file))

    build("FreeSong.ttf", "Free Song", "SIL Open Font License, Version 1.1")
    build("SomeSong.ttf", "Some Song", "All rights reserved")
    build("renamed.ttf", "SimHei", "SIL Open Font License")
    (tmp_path / "msyh.ttc").write_bytes(b"")
    problems, checked, seen = survey((tmp_path,))
    assert seen == 4 and len(checked) == 1 and checked[0].startswith(str(tmp_path / "FreeSong.ttf"))
    assert sorted(Path(p.split(":")[0]).name for p in problems) == ["SomeSong.ttf", "msyh.ttc",
                                                                    "renamed.ttf"]
    assert not PROPRIETARY_FILE.search("NotoSerifCJK-Regular.ttc")
    assert not PROPRIETARY_FAMILY.search("思源黑体") and not PROPRIETARY_FAMILY.search("LXGW WenKai")
