"""The districts and counties (区县): the official list, its order, and the names units type.

The list is data (data/districts.yaml). 全市 stands for a city-wide figure; it sorts first.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from minsheng import config

CITYWIDE = "全市"
CITYWIDE_ALIASES = ("全市", "市级", "市本级", "全市合计", "全市汇总", "重庆市", "重庆", "市属")
_SUFFIXES = ("土家族苗族自治县", "苗族土家族自治县", "土家族自治县", "区", "县")


@cache
def official() -> tuple[str, ...]:
    """The districts and counties in official order (data/districts.yaml)."""
    with open(config.DISTRICTS_FILE, encoding="utf-8") as fh:
        doc = config.load_yaml(fh)
    return tuple(name for group in doc["groups"] for name in group["members"])


def names() -> tuple[str, ...]:
    """全市 then the districts in official order: the ledger's district order and codes."""
    return (CITYWIDE, *official())


@cache
def order() -> dict[str, int]:
    """Rank of each name in `names()` (全市 0), for sorting tables the official way."""
    return {name: i for i, name in enumerate(names())}


@cache
def aliases() -> dict[str, str]:
    """Every accepted spelling → official name: '万州' → '万州区', '石柱县' → '石柱土家族自治县', '市级' → '全市'."""
    out: dict[str, str] = {}
    for name in official():
        out[name] = name
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                stem = name[: -len(suffix)]
                out.setdefault(stem, name)
                if suffix.endswith("自治县"):
                    out.setdefault(stem + "县", name)
                    out.setdefault(stem + "自治县", name)
                break
    for alias in CITYWIDE_ALIASES:
        out[alias] = CITYWIDE
    return out


def normalize(text: object) -> tuple[str | None, bool]:
    """(official name or None, repaired). Blank is the caller's decision (→ 全市)."""
    s = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    table = aliases()
    name = table.get(s)
    if name is None and s.startswith("重庆市") and len(s) > 3:
        name = table.get(s[3:])
    return name, name is not None and name != s
