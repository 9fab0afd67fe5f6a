"""Each notebook has a readable `.py` pair (jupytext, percent format) for review, and the pair
says exactly what the notebook's cells say: `make reference` (tools/make_reference.py) keeps
them in step; an edit to one side alone fails here."""

from __future__ import annotations

import importlib.util

import jupytext
import nbformat
import pytest
from minsheng import config

NOTEBOOKS = sorted(config.NOTEBOOKS.glob("[0-9]*.ipynb"))
_spec = importlib.util.spec_from_file_location("make_reference",
                                               config.ROOT / "tools" / "make_reference.py")
make_reference = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(make_reference)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_declares_its_pair(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.metadata.get("jupytext") == make_reference.PAIRING


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_pair_matches_the_notebook_source(path):
    pair = path.with_suffix(".py")
    assert pair.exists(), f"{pair.name} missing: run `make reference` (or tools/make_reference.py --pairs)"
    expected = jupytext.writes(jupytext.read(path), fmt=make_reference.PAIR_FORMAT)
    assert pair.read_text(encoding="utf-8") == expected, (
        f"{pair.name} and {path.name} differ: run tools/make_reference.py --pairs")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_pair_reads_back_to_the_same_cells(path):
    """The .py alone gives the notebook's cells: kinds, sources and tags (parameters cell)."""
    nb = nbformat.read(path, as_version=4)
    back = jupytext.read(path.with_suffix(".py"))
    assert [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in back.cells] == \
           [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in nb.cells]


def test_no_pair_without_a_notebook():
    pairs = {p.stem for p in config.NOTEBOOKS.glob("[0-9]*.py")}
    assert pairs == {p.stem for p in NOTEBOOKS}
