"""Project paths and settings, derived from the project root (cookiecutter-data-science style).

Settings that are policy, not code (status thresholds, projection classes, limits) live in
`settings.yaml` beside this module, so changing a threshold is a reviewed data change.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
# lib/minsheng → project root; MINSHENG_ROOT lets an installed copy point at a project.
ROOT = Path(os.environ.get("MINSHENG_ROOT", PACKAGE_DIR.parents[1])).resolve()
DATA = ROOT / "data"
TARGETS = DATA / "targets"
SAMPLE_RAW = DATA / "sample" / "raw"
REFERENCE_RAW = DATA / "reference" / "raw"
REPORTS = ROOT / "reports"
NOTEBOOKS = ROOT / "notebooks"
CITYWIDE = "全市"


@cache
def settings() -> dict[str, Any]:
    """The policy settings (thresholds, palette, limits) from settings.yaml."""
    with open(PACKAGE_DIR / "settings.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


@cache
def districts() -> tuple[str, ...]:
    """The 38 districts and counties (区县) in official order."""
    with open(DATA / "districts.yaml", encoding="utf-8") as fh:
        doc = yaml.safe_load(fh)
    return tuple(name for group in doc["groups"] for name in group["members"])


def catalogue_path(year: int) -> Path:
    return TARGETS / f"{year}.yaml"
