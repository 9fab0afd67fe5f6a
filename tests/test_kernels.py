"""How a notebook's kernel ends: a kernel that dies mid-notebook is a failed notebook with its
executed copy kept, like a cell that raises — never a traceback out of the runner."""

from __future__ import annotations

import nbformat
import pytest
from minsheng import config
from minsheng.run.kernels import NotebookFailed, execute_notebook
from nbformat.v4 import new_code_cell, new_notebook


def test_a_kernel_that_dies_is_a_failed_notebook_kept_up_to_its_cell(tmp_path, monkeypatch):
    """Out of memory, or a crash in a C library, ends the kernel process itself (here os._exit
    in the second cell): the run names the notebook and the cell, and keeps the executed copy
    with the first cell's output."""
    nb = new_notebook(cells=[new_code_cell("print('第一格')"), new_code_cell("import os\nos._exit(1)"),
                             new_code_cell("print('不会执行')")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(nb, folder / "dies.ipynb")
    monkeypatch.setattr(config, "NOTEBOOKS", folder)
    failed_as = config.ROOT / "build" / "test-kernels" / "_failed" / "dies.ipynb"
    failed_as.unlink(missing_ok=True)

    with pytest.raises(NotebookFailed) as info:
        execute_notebook("dies", tmp_path / "executed.ipynb", {}, tmp_path / "kernel.log", failed_as)

    assert "内核意外退出" in info.value.cause and "停在第2个单元格" in info.value.cause
    kept = nbformat.read(failed_as, as_version=4)
    assert kept.cells[0].outputs[0]["text"] == "第一格\n"
    assert kept.cells[2].outputs == []
