"""Paths and policy settings, derived from the project root (cookiecutter-data-science style).

This module depends on nothing else in minsheng: every other module may import it.
Settings that are policy, not code (status thresholds, projection classes, limits, labels)
live in `settings.yaml` beside this module, so changing a threshold is a reviewed data change.
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
DISTRICTS_FILE = DATA / "districts.yaml"
SAMPLE_RAW = DATA / "sample" / "raw"
REFERENCE_RAW = DATA / "reference" / "raw"
REPORTS = ROOT / "reports"
NOTEBOOKS = ROOT / "notebooks"


# PyYAML's bindings to libyaml when built with them: the same documents, parsed ~6× faster.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(stream) -> Any:
    """`yaml.safe_load`, with libyaml's parser where PyYAML has it."""
    return yaml.load(stream, Loader=_YAML_LOADER)


@cache
def settings() -> dict[str, Any]:
    """The policy settings (thresholds, palette, labels, limits) from settings.yaml."""
    with open(PACKAGE_DIR / "settings.yaml", encoding="utf-8") as fh:
        return load_yaml(fh)
