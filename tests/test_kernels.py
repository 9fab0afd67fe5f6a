"""How a notebook's kernel ends: a kernel that dies mid-notebook is a failed notebook with its
executed copy kept, like a cell that raises — never a traceback out of the runner; a run's
kernel is ended once its notebook is done; the command line exits, and a kept kernel is reset,
without the collector walking every import again."""

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


def test_a_runs_kernel_is_ended_once_its_notebook_is_done_not_asked_to_exit(tmp_path, monkeypatch):
    """An orderly kernel exit hung in one run of four (ipykernel's control thread flushing
    through its closing IOPub thread) until SIGTERM 2.5 s later: a run's kernel is ended
    instead, so an exit handler in it never runs, while every output is kept."""
    marker = tmp_path / "exited.txt"
    _notebook_folder(tmp_path, monkeypatch, "ends",
                     [f"import atexit\natexit.register(open, {str(marker)!r}, 'w')\nprint('完成')"])

    execute_notebook("ends", tmp_path / "executed.ipynb", {}, tmp_path / "kernel.log",
                     tmp_path / "failed.ipynb")

    out = nbformat.read(tmp_path / "executed.ipynb", as_version=4).cells[0].outputs[0]["text"]
    assert out == "完成\n"
    assert not marker.exists()


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


def test_a_runs_kernel_takes_arrow_memory_from_the_c_allocator(tmp_path, monkeypatch):
    """Arrow's default pool is mimalloc; a run's kernel starts with the system allocator's, and
    a pool the caller's environment names is kept."""
    _notebook_folder(tmp_path, monkeypatch, "pool",
                     ["import pyarrow as pa\nprint(pa.default_memory_pool().backend_name)"])

    def pool_in_kernel() -> str:
        execute_notebook("pool", tmp_path / "executed.ipynb", {}, tmp_path / "kernel.log",
                         tmp_path / "failed.ipynb")
        return nbformat.read(tmp_path / "executed.ipynb", as_version=4).cells[0].outputs[0]["text"]

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    assert pool_in_kernel() == "system\n"
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "jemalloc")
    assert pool_in_kernel() == "jemalloc\n"


def test_the_freeze_runs_after_the_exit_handlers_registered_after_it(tmp_path):
    """An exit handler registered before the freeze runs after it and sees the heap frozen;
    one registered later (by what the command imports) runs before it."""
    first, last = _exit_freeze_counts(
        tmp_path, "from minsheng.run.quick_exit import freeze_at_exit\nfreeze_at_exit()")
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


def test_a_kept_kernels_notebooks_run_on_its_own_client(tmp_path, monkeypatch):
    """papermill's client dropped the kept kernel's client and opened one per notebook, which
    waits for 0.2 s of IOPub silence before the first cell (a quarter of a district's job):
    the notebooks now run on the kept client, one after another, each with its output."""
    _notebook_folder(tmp_path, monkeypatch, "kept", ["print('区县通报')"])
    kernel = KeptKernel()
    try:
        opened = []
        own = kernel.km.client
        monkeypatch.setattr(kernel.km, "client", lambda *a, **kw: opened.append(1) or own(*a, **kw))
        for n in range(2):
            execute_notebook("kept", tmp_path / f"executed{n}.ipynb", {}, tmp_path / "kernel.log",
                             tmp_path / "failed.ipynb", kernel=kernel)
            kernel.new_session()
        outputs = [nbformat.read(tmp_path / f"executed{n}.ipynb", as_version=4).cells[0].outputs
                   for n in range(2)]
    finally:
        kernel.shutdown()
    assert opened == []
    assert [o[0]["text"] for o in outputs] == ["区县通报\n", "区县通报\n"]


def test_a_new_client_is_ready_without_waiting_for_iopub_to_fall_silent(tmp_path):
    """jupyter_client's wait_for_ready also waits for 0.2 s of IOPub silence (0.2 s a
    notebook); the run's clients are ready once the kernel answers and IOPub is subscribed.
    Here another client keeps IOPub busy for 15 s: the new client is ready while it still is."""
    from jupyter_client.utils import run_sync
    from minsheng.run.kernels import KERNEL, kernel_manager

    km = kernel_manager(tmp_path / "kernel.log")(kernel_name=KERNEL)

    async def check() -> str:
        await km.start_kernel(cwd=str(config.ROOT))
        busy = km.client()
        busy.start_channels()
        await busy.wait_for_ready(timeout=60)
        busy.execute("import threading, time\n"
                     "def talk():\n    for _ in range(300):\n        print('.', flush=True)\n"
                     "        time.sleep(0.05)\nthreading.Thread(target=talk).start()")
        client = km.client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=60)
            while True:     # what IOPub carries right after: the talk, not yet over
                msg = await client.iopub_channel.get_msg(timeout=5)
                if msg["msg_type"] == "stream":
                    return msg["content"]["text"]
        finally:
            client.stop_channels()
            busy.stop_channels()
            await km.shutdown_kernel(now=True)

    assert run_sync(check)().startswith(".")
