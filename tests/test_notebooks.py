"""The notebooks: one validated `parameters` cell each, short code cells, stored outputs,
and an nbval check that really fails when a stored figure changes."""

import json
import re
import shutil
import subprocess
import sys

import minsheng.run.fastimport  # noqa: F401
import papermill as pm
import pytest
from minsheng import config
from minsheng.run.params import NOTEBOOK_PARAMETERS

NOTEBOOKS = sorted(config.NOTEBOOKS.glob("[0-9]*.ipynb"))
MAX_CODE_LINES = 12   # longer cells are logic that belongs in lib/minsheng


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def test_every_registered_notebook_exists():
    assert {p.stem for p in NOTEBOOKS} == set(NOTEBOOK_PARAMETERS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_one_parameters_cell_matching_the_registry(path):
    tagged = [c for c in _cells(path) if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    declared = pm.inspect_notebook(str(path))
    assert set(declared) == set(NOTEBOOK_PARAMETERS[path.stem])
    # papermill --help-notebook shows these comments
    assert all(p["help"] for p in declared.values()), declared


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_parameters_are_validated_right_after(path):
    code = [c for c in _cells(path) if c["cell_type"] == "code"]
    assert f'validate_parameters(globals(), "{path.stem}")' in "".join(code[1]["source"])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_cells_are_short_and_executed(path):
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        assert len(source.splitlines()) <= MAX_CODE_LINES, source[:80]
        # nbval checks only cells that were executed: run `make reference`.
        assert cell["execution_count"] is not None, f"{path.name}: unexecuted cell {source[:40]!r}"
        for out in cell.get("outputs", []):
            assert out.get("name") != "stderr", f"{path.name}: stderr output {out}"
            text = "".join(out.get("text", "")) + json.dumps(out.get("data", {}), ensure_ascii=False)
            assert str(config.ROOT) not in text, f"{path.name}: absolute path in an output"


def test_nbval_reports_an_altered_figure(tmp_path):
    """Copy a notebook, change one stored figure, and nbval must fail on that cell."""
    nb_path = tmp_path / "04_altered.ipynb"
    nb = json.loads((config.NOTEBOOKS / "04_annual_assessment.ipynb").read_text(encoding="utf-8"))
    altered = False
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            text = out.get("data", {}).get("text/plain")
            if text and not altered and re.search(r"\d", "".join(text)):
                joined = "".join(text)
                first = re.search(r"\d+", joined.split("\n", 1)[1])   # a count, not a header
                out["data"]["text/plain"] = joined.replace(first.group(), str(int(first.group()) + 1), 1)
                out["data"].pop("text/html", None)
                altered = True
    assert altered
    nb_path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    shutil.copy(config.ROOT / "tests" / "nbval_sanitize.cfg", tmp_path)
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "minsheng.run.fastimport", "-p", "no:cacheprovider",
         "--nbval", str(nb_path), "--nbval-sanitize-with", str(tmp_path / "nbval_sanitize.cfg"),
         "-q", "--rootdir", str(tmp_path)],
        capture_output=True, text=True, cwd=tmp_path, timeout=300,
    )
    assert run.returncode != 0, run.stdout[-2000:]
    assert "Cell outputs differ" in run.stdout or "mismatch" in run.stdout, run.stdout[-2000:]
    assert "1 failed" in run.stdout
