"""How a notebook's kernel ends: a kernel that dies mid-notebook is a failed notebook with its
executed copy kept, like a cell that raises — never a traceback out of the runner; a run's
kernels exit, and a kept kernel is reset, without the collector walking every import again."""

from __future__ import annotations

import subprocess
import sys

import nbformat
import pytest
from minsheng import config
from minsheng.run.kernels import KeptKernel, NotebookFailed, execute_notebook
from nbformat.v4 import new_code_cell, new_notebook


def _notebook_folder(tmp_path, monkeypatch, name: str, sources: list[str]) -> None:
    """notebooks/<name>.ipynb with these code cells, in a folder the run reads instead of
    the project's."""
    nb = new_notebook(cells=[new_code_cell(src) for src in sources])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    folder = tmp_path / "notebooks"
    folder.mkdir()
    nbformat.write(nb, folder / f"{name}.ipynb")
    monkeypatch.setattr(config, "NOTEBOOKS", folder)


def test_a_kernel_that_dies_is_a_failed_notebook_kept_up_to_its_cell(tmp_path, monkeypatch):
    """Out of memory, or a crash in a C library, ends the kernel process itself (here os._exit
    in the second cell): the run names the notebook and the cell, and keeps the executed copy
    with the first cell's output."""
    _notebook_folder(tmp_path, monkeypatch, "dies",
                     ["print('第一格')", "import os\nos._exit(1)", "print('不会执行')"])
    failed_as = config.ROOT / "build" / "test-kernels" / "_failed" / "dies.ipynb"
    failed_as.unlink(missing_ok=True)

    with pytest.raises(NotebookFailed) as info:
        execute_notebook("dies", tmp_path / "executed.ipynb", {}, tmp_path / "kernel.log", failed_as)

    assert "内核意外退出" in info.value.cause and "停在第2个单元格" in info.value.cause
    kept = nbformat.read(failed_as, as_version=4)
    assert kept.cells[0].outputs[0]["text"] == "第一格\n"
    assert kept.cells[2].outputs == []


def test_the_kernels_a_run_starts_exit_with_their_heap_out_of_the_collectors_reach(tmp_path, monkeypatch):
    """run.quick_exit is loaded into the run's kernels: at exit the objects of everything
    imported are frozen, so Python's finalisation does not sweep them (0.6–0.7 s a kernel)."""
    _notebook_folder(tmp_path, monkeypatch, "extensions",
                     ["print(sorted(get_ipython().extension_manager.loaded))"])

    execute_notebook("extensions", tmp_path / "executed.ipynb", {}, tmp_path / "kernel.log",
                     tmp_path / "failed.ipynb")

    out = nbformat.read(tmp_path / "executed.ipynb", as_version=4).cells[0].outputs[0]["text"]
    assert "minsheng.run.quick_exit" in out


def _exit_freeze_counts(tmp_path, start: str) -> tuple[str, str]:
    """Run `start` in a new process between two exit handlers that record the collector's
    freeze count: the one registered after it runs first, the one registered before it last."""
    seen = tmp_path / "seen.txt"
    script = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: open(sys.argv[1], 'a').write(f'last {gc.get_freeze_count()}\\n'))\n"
        f"{start}\n"
        "atexit.register(lambda: open(sys.argv[1], 'a').write(f'first {gc.get_freeze_count()}\\n'))\n"
        "kept = [[] for _ in range(1000)]\n"
    )
    subprocess.run([sys.executable, "-c", script, str(seen)], check=True, timeout=120,
                   stdout=subprocess.DEVNULL, cwd=config.ROOT)
    first, last = seen.read_text().splitlines()
    return first, last


def test_the_extension_freezes_the_heap_after_the_notebooks_own_exit_handlers(tmp_path):
    """An exit handler registered before the extension runs after its freeze and sees the
    heap frozen; one registered later (by what a notebook imports) runs before it."""
    first, last = _exit_freeze_counts(
        tmp_path, "from minsheng.run.quick_exit import load_ipython_extension\n"
                  "load_ipython_extension(None)")
    assert first == "first 0"
    assert last.startswith("last ") and int(last.split()[1]) > 1000


def test_the_command_line_exits_without_sweeping_its_heap(tmp_path):
    """`minsheng …` registers the same freeze when it starts (0.4–0.5 s at the end of a run)."""
    first, last = _exit_freeze_counts(
        tmp_path, "from minsheng.run.cli import main\nmain(['targets'])")
    assert first == "first 0"
    assert last.startswith("last ") and int(last.split()[1]) > 1000


def test_a_kept_kernel_freezes_what_survives_its_reset():
    """After a notebook, a kept kernel's reset collects the notebook's garbage; what survives
    (the imports and their caches) is frozen, so the next notebook's collections skip it."""
    kernel = KeptKernel()
    try:
        client = kernel.km.blocking_client()
        client.start_channels()
        printed = []

        def frozen() -> int:
            printed.clear()
            client.execute_interactive(
                "print(__import__('gc').get_freeze_count())", timeout=60,
                output_hook=lambda m: printed.append(m["content"].get("text", "")))
            return int("".join(printed))

        assert frozen() == 0
        kernel.new_session()
        assert frozen() > 1000
        client.stop_channels()
    finally:
        kernel.shutdown()


def test_the_executed_copy_is_written_when_the_notebook_ends_not_at_every_cell(tmp_path, monkeypatch):
    """run.engine: papermill's engine wrote the whole notebook as each cell started and ended
    (12 writes for 5 cells); the run's engine writes it as the execution starts and ends, and
    the copy has every cell's output."""
    import papermill.engines

    _notebook_folder(tmp_path, monkeypatch, "five", [f"print({i})" for i in range(5)])
    writes = []
    write = papermill.engines.write_ipynb
    monkeypatch.setattr(papermill.engines, "write_ipynb",
                        lambda nb, path: (writes.append(path), write(nb, path)))

    execute_notebook("five", tmp_path / "executed.ipynb", {}, tmp_path / "kernel.log",
                     tmp_path / "failed.ipynb")

    assert len(writes) == 2
    cells = nbformat.read(tmp_path / "executed.ipynb", as_version=4).cells
    assert [c.outputs[0]["text"] for c in cells] == [f"{i}\n" for i in range(5)]
