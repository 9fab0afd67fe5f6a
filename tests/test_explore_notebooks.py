"""The analyst notebooks (00_start_here, 10_explore_item, 11_compare_items): their shape, and
an end-to-end run of each with papermill on the tiny fixed raw set (10_explore_item for every
item 1–15 and for one indicator id), checking that outputs are clean enough for nbval:
no errors, nothing on stderr, no "<Figure …>" text, no absolute paths.

tests/fixtures/pipeline_raw reports six indicators (MS01-01 by two districts, MS01-02,
MS03-01, MS03-05, MS12-04, MS12-05): most items have no figure at all, which is the case
the notebooks must get through without a branch.
"""

from __future__ import annotations

import shutil
import time
from concurrent.futures import ThreadPoolExecutor

import minsheng.run.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
import nbformat
import pytest
from minsheng import config
from minsheng.run.params import NOTEBOOK_PARAMETERS

NOTEBOOKS = ("00_start_here", "10_explore_item", "11_compare_items")
RAW = config.ROOT / "tests" / "fixtures" / "pipeline_raw"
WORK = config.ROOT / "build" / "test-explore"
CLEAN = "build/test-explore/clean"       # a project path, as the notebooks' parameters require
ITEMS = [*range(1, 16), "MS12-05"]
WORKERS = 2                               # kernels run side by side (each start costs ~3 s)


def _read(name: str) -> nbformat.NotebookNode:
    return nbformat.read(config.NOTEBOOKS / f"{name}.ipynb", as_version=4)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_shape(name):
    nb = _read(name)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    ids = [c.get("id") for c in nb.cells]
    assert all(ids) and len(set(ids)) == len(ids)
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    params = nb.cells[tagged[0]]
    lines = [line for line in params.source.splitlines() if line.strip()]
    assert all("#" in line for line in lines), "every parameter line carries a comment"
    assert [line.split("=")[0].strip() for line in lines] == list(NOTEBOOK_PARAMETERS[name])
    assert f'validate_parameters(globals(), "{name}")' in nb.cells[tagged[0] + 1].source
    code = [c for c in nb.cells if c.cell_type == "code"]
    # Thin notebooks: no loops or branches in code cells (logic lives in minsheng.analysis).
    for c in code:
        for line in c.source.splitlines():
            assert not line.lstrip().startswith(("for ", "if ", "while ", "def ")), line


@pytest.fixture(scope="session")
def clean_dir():
    from minsheng.catalogue import load_catalogue
    from minsheng.contracts.store import write as write_outputs
    from minsheng.intake.clean import clean

    shutil.rmtree(WORK, ignore_errors=True)
    write_outputs(clean(RAW, load_catalogue(2026)), config.ROOT / CLEAN)
    yield CLEAN
    shutil.rmtree(WORK, ignore_errors=True)


def _execute(name: str, label: str, **parameters) -> nbformat.NotebookNode:
    from minsheng.run.kernels import PAPERMILL_OPTIONS, papermill

    pm = papermill()   # as a run calls it (engine, kernel ended when done)

    out = WORK / "executed" / f"{name}-{label}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(config.NOTEBOOKS / f"{name}.ipynb"), str(out),
                        parameters={"clean_dir": CLEAN, "year": 2026, **parameters},
                        **PAPERMILL_OPTIONS, cwd=str(config.ROOT))
    return nbformat.read(out, as_version=4)


def _problems(nb: nbformat.NotebookNode) -> list[str]:
    """What nbval would trip over or a reader should not see."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"{cell.id}: error {out.ename}")
            if out.output_type == "stream" and out.name == "stderr":
                found.append(f"{cell.id}: stderr {out.text[:200]!r}")
            data = out.get("data", {})
            text = out.get("text", "") + data.get("text/plain", "") + data.get("text/html", "")
            if "<Figure" in text:
                found.append(f"{cell.id}: figure repr in text output")
            if str(config.ROOT) in text or "/tmp/" in text:
                found.append(f"{cell.id}: absolute path in output")
    return found


def _text(nb: nbformat.NotebookNode, cell_id: str) -> str:
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs)


@pytest.mark.pipeline
def test_explore_notebooks_run_clean(clean_dir):
    jobs = [("00_start_here", "tour", {}), ("11_compare_items", "m9", {"as_of_month": 9})]
    jobs += [("10_explore_item", str(item), {"item": item, "as_of_month": 9}) for item in ITEMS]
    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        executed = list(pool.map(lambda job: _execute(job[0], job[1], **job[2]), jobs))
    print(f"\n{len(jobs)} notebooks in {time.perf_counter() - started:.1f} s")
    problems = {f"{name}[{label}]": p for (name, label, _), nb in zip(jobs, executed, strict=True)
                if (p := _problems(nb))}
    assert not problems

    tour = executed[0]
    # Lifts as of September: 万州区 600 of its 1000, 渝中区 550 of 1500; 70 % due (back-loaded
    # plan) → shortfalls 700 − 600 = 100 and 1050 − 550 = 500, shares 1/6 and 5/6 of 600.
    behind = _text(tour, "c24")
    assert behind.index("渝中区") < behind.index("万州区")
    assert "83.3%" in behind and "16.7%" in behind
    assert "渝中区" in _text(tour, "c27") and "市住房城乡建设委_2026年09月.csv" in _text(tour, "c27")

    by_item = dict(zip(ITEMS, executed[2:], strict=True))
    # Item 4 has no figure at all: the district and projection cells explain, not fail.
    assert "截至9月没有区县报送的数值" in _text(by_item[4], "c14")
    assert "未报送" in _text(by_item[4], "c12")
    # An indicator id focuses on that indicator: MS12-05 (−8.9 % against its baseline) only.
    assert "MS12-05" in _text(by_item["MS12-05"], "c12")
    assert "MS12-04" not in _text(by_item["MS12-05"], "c12")
