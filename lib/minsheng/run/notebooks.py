"""Executed notebooks made reproducible: the same inputs give the same bytes.

papermill records start and end times per cell and names the cell it injects with a random
id; both change on every run although nothing else does. They are removed (the times) and
fixed (the id) in every notebook the project stores or publishes.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

VOLATILE_CELL_KEYS = ("papermill", "execution")
INJECTED = "injected-parameters"


def strip_volatile(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_KEYS:
            cell.metadata.pop(key, None)
        if INJECTED in cell.metadata.get("tags", []):
            cell["id"] = INJECTED
    nbformat.write(nb, path)
