"""Executed notebooks made reproducible: the same inputs give the same bytes.

papermill records start and end times per cell and names the cell it injects with a random
id; both change on every run although nothing else does. They are removed (the times) and
fixed (the id) in every notebook the project stores or publishes. A run's temporary folder
(reports/_tmp-2026Q3-<pid>/…) is named, in the published copy, as the publication knows it
(`renamed`: data, ., …), as the manifest names the parameters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import nbformat

VOLATILE_CELL_KEYS = ("papermill", "execution")
INJECTED = "injected-parameters"
# How a published notebook names a folder of step results the publication does not carry.
UNPUBLISHED = "（运行中间结果，不发布）"


def strip_volatile(path: Path, renamed: Mapping[str, str] | None = None) -> None:
    """Drop papermill's timings, fix the injected cell's id, and replace each path of
    `renamed` (longest first) in the cells' text and outputs."""
    nb = nbformat.read(path, as_version=4)
    if renamed:
        text = json.dumps(nb, ensure_ascii=False)
        for old in sorted(renamed, key=len, reverse=True):
            for was, now in zip(_spellings(old), _spellings(renamed[old]), strict=True):
                text = text.replace(was, now)
        nb = nbformat.from_dict(json.loads(text))
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if INJECTED in cell.metadata.get("tags", []):
            cell["id"] = INJECTED
    nbformat.write(nb, path)


def _spellings(path: str) -> tuple[str, str]:
    """A path as it stands in the notebook's JSON: as outputs print it, and as papermill
    writes it into the injected cell (non-ASCII as \\u escapes, e.g. a 区县's name)."""
    escaped = path.encode("unicode_escape").decode("ascii")
    return (json.dumps(path, ensure_ascii=False)[1:-1],
            json.dumps(escaped, ensure_ascii=False)[1:-1])
