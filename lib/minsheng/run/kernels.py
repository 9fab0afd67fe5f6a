"""Executing one notebook with papermill, as every run does: the kernel, its log, its
failure kept, machine paths kept out, the package versions a manifest records, and the
signals that end a run tidily.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
from minsheng import config
from minsheng.intake import allocator
from minsheng.run.notebooks import strip_volatile

KERNEL = "python3"
# Every kernel a run starts: history in memory, as nbclient starts its kernels.
KERNEL_ARGUMENTS = ("--HistoryManager.hist_file=:memory:",)
# How every run (and the benchmarks' floors) calls papermill: through `papermill()`, whose
# engine (run.engine) saves the executed copy when the notebook ends or fails, so a kernel
# that dies leaves the notebook up to its last cell, marking the cell that was running.
# A kernel whose notebook is done is ended with its process group ("immediate"), as a kept
# kernel is, not asked to exit: every output is in by then and nothing in it needs an orderly
# exit, while ipykernel 7.4's orderly exit hung in one of four runs (its control thread
# flushes output through the IOPub thread being closed) until jupyter_client's SIGTERM 2.5 s
# later, and otherwise swept the heap for 0.1–0.8 s (benchmarks/README.md, sixth pass).
ENGINE = "minsheng"
PAPERMILL_OPTIONS = {"kernel_name": KERNEL, "progress_bar": False, "engine_name": ENGINE,
                     "extra_arguments": list(KERNEL_ARGUMENTS), "shutdown_kernel": "immediate"}
# Packages whose versions go into the manifest (they shape the figures and the documents).
MANIFEST_PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "seaborn", "papermill",
                     "typst", "python-docx", "xlsxwriter", "openpyxl", "python-calamine", "pandera", "cn2an")


class NotebookFailed(RuntimeError):
    """A notebook raised; `kept` is where its executed copy was saved, `cause` the error."""

    def __init__(self, notebook: str, cause: str, kept: Path):
        self.notebook, self.cause, self.kept = notebook, cause, kept
        super().__init__(f"{notebook} 失败 / failed: {cause} (see {relative(kept)})")


def relative(path: Path) -> str:
    """Project-relative posix path: executed notebooks must not carry machine paths."""
    path = Path(path)
    if path.is_absolute():
        path = path.resolve().relative_to(config.ROOT)
    return path.as_posix()


def package_versions() -> dict[str, str]:
    """Python's and MANIFEST_PACKAGES' versions, for the manifest."""
    out = {"python": sys.version.split()[0]}
    for name in MANIFEST_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def papermill():
    """The papermill module, with the run's engine (run.engine) registered for
    PAPERMILL_OPTIONS; imported on first use, so the command line starts quickly."""
    import papermill as pm

    from minsheng.run import engine

    engine.register(ENGINE)
    return pm


async def _wait_for_ready(client, timeout: float | None = None) -> None:
    """Ready once the kernel has answered kernel_info on the shell channel and IOPub has
    carried a message since (so it is subscribed). jupyter_client's own wait then waits
    for 0.2 s of IOPub silence, to drop what the kernel said while starting: nbclient reads
    only the replies to its own requests, so that was 0.2 s a notebook spent waiting
    (benchmarks/README.md, sixth pass)."""
    from queue import Empty

    deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
    while True:
        client.kernel_info()
        try:
            reply = await client.shell_channel.get_msg(timeout=1)
        except Empty:
            reply = None
        if reply is not None and reply["msg_type"] == "kernel_info_reply":
            try:
                await client.iopub_channel.get_msg(timeout=0.2)
            except Empty:
                pass
            else:
                client._handle_kernel_info_reply(reply)
                return
        if not await client.is_alive():
            raise RuntimeError("Kernel died before replying to kernel_info")
        if time.monotonic() > deadline:
            raise RuntimeError(f"Kernel didn't respond in {timeout:g} seconds")


def kernel_manager(log: Path) -> type:
    """A kernel manager whose kernels write stdout and stderr to `log`, not to the terminal (a
    kernel shut down mid-reply prints a ZMQError traceback), start with Arrow on the C library's
    allocator (`intake.allocator.ENVIRONMENT`; a value in the caller's environment wins),
    and whose clients are ready without waiting for IOPub to fall silent (`_wait_for_ready`)."""
    from jupyter_client.asynchronous import AsyncKernelClient
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import default

    class ReadyClient(AsyncKernelClient):
        wait_for_ready = _wait_for_ready

    class LoggedKernelManager(AsyncKernelManager):
        @default("client_factory")
        def _client_factory_default(self) -> type:
            return ReadyClient

        async def _async_launch_kernel(self, kernel_cmd, **kw):
            with open(log, "ab") as sink:  # the kernel process keeps its own copy
                kw.update(stdout=sink, stderr=sink,
                          env={**allocator.ENVIRONMENT, **kw.get("env", os.environ)})
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return LoggedKernelManager


# What a kept kernel runs after each notebook, so the next one starts as in a new kernel: an
# empty namespace, execution counts from 1 (IPython's new session), warnings shown again
# (leaving catch_warnings marks every module's registry of shown warnings stale). Then what
# survived the reset's full collection (the imports, their caches) is frozen: later
# collections, the next reset's among them, walk only what the next notebooks make (a reset
# 0.12–0.14 → 0.013–0.018 s; benchmarks/README.md, fifth pass).
_NEW_SESSION = ("get_ipython().reset(new_session=True)\n"
                "with __import__('warnings').catch_warnings():\n    pass\n"
                "__import__('gc').freeze()\n")


class KeptKernel:
    """One kernel for a process's successive notebooks (a fan-out worker's): started once, in
    the project folder, reset to a new session after each notebook. A job then pays neither
    the kernel's start nor the imports again — most of a district bulletin's cost. Dropped
    after a notebook fails; shut down with the process."""

    def __init__(self) -> None:
        from jupyter_client.utils import run_sync

        fd, name = tempfile.mkstemp(prefix="minsheng-kernel-", suffix=".log")
        os.close(fd)
        self.log = Path(name)
        self.km = kernel_manager(self.log)(kernel_name=KERNEL)
        self.kc = None

        async def start():
            await self.km.start_kernel(cwd=str(config.ROOT), extra_arguments=list(KERNEL_ARGUMENTS))
            self.kc = self.km.client()
            self.kc.start_channels()
            await self.kc.wait_for_ready(timeout=60)
            self.kc.allow_stdin = False

        run_sync(start)()

    def new_session(self) -> None:
        """Reset the kernel as _NEW_SESSION says; raises when it does not answer ok. Through a
        client of its own: the notebooks' client has reads pending on its sockets."""
        client = self.km.blocking_client()
        client.start_channels(iopub=False, stdin=False, hb=False, control=False)
        try:   # the shell channel alone: its reply cannot be missed as a broadcast can
            sent = client.execute(_NEW_SESSION, silent=True, store_history=False)
            reply = client.get_shell_msg(timeout=60)
            while reply["parent_header"].get("msg_id") != sent:
                reply = client.get_shell_msg(timeout=60)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"kernel reset failed: {reply['content'].get('evalue', '')}")

    def peak_mb(self) -> float:
        """The kernel's peak resident memory so far (Linux /proc; 0 where unknown): a kept
        kernel is not a reaped child, so getrusage does not count it yet."""
        try:
            status = Path(f"/proc/{self.km.provisioner.pid}/status").read_text()
        except (AttributeError, OSError):
            return 0.0
        kb = next((int(line.split()[1]) for line in status.splitlines()
                   if line.startswith("VmHWM:")), 0)
        return round(kb / 1024, 1)

    def shutdown(self) -> None:
        from jupyter_client.utils import run_sync

        async def stop():
            self.kc.stop_channels()
            await self.km.shutdown_kernel(now=True)

        try:
            run_sync(stop)()
        finally:
            self.log.unlink(missing_ok=True)


def execute_notebook(notebook: str, executed: Path, parameters: dict, log: Path,
                     failed_as: Path, renamed: dict[str, str] | None = None,
                     kernel: KeptKernel | None = None) -> float:
    """Run notebooks/<notebook>.ipynb into `executed` with `parameters` (cwd: the project);
    returns the seconds it took. On an error in a cell the executed copy is kept as
    `failed_as` and NotebookFailed raised. `renamed`: paths the published copy names
    otherwise (run.notebooks.strip_volatile). `kernel`: a kept kernel to run in instead of a
    new one logging to `log` (the caller resets it)."""
    from nbclient.exceptions import DeadKernelError

    pm = papermill()

    where = ({"km": kernel.km, "kc": kernel.kc} if kernel else
             {"cwd": str(config.ROOT), "kernel_manager_class": kernel_manager(log)})
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(str(config.NOTEBOOKS / f"{notebook}.ipynb"), str(executed),
                            parameters=parameters, **PAPERMILL_OPTIONS, **where)
    except pm.PapermillExecutionError as exc:
        raise _failed(notebook, executed, failed_as, f"{exc.ename}: {exc.evalue}") from None
    except DeadKernelError:
        cell = _last_started_cell(executed)
        at = f"，停在第{cell}个单元格" if cell else ""
        raise _failed(notebook, executed, failed_as,
                      f"内核意外退出{at}（内存不足或进程被终止）/ the kernel died"
                      f"{f' in cell {cell}' if cell else ''} (out of memory, or killed)") from None
    seconds = time.perf_counter() - t0
    strip_volatile(executed, renamed)
    return seconds


def _failed(notebook: str, executed: Path, failed_as: Path, cause: str) -> NotebookFailed:
    """The executed copy kept as `failed_as` (as far as papermill saved it), and the error."""
    failed_as.parent.mkdir(parents=True, exist_ok=True)
    if executed.exists():
        shutil.copyfile(executed, failed_as)
    return NotebookFailed(notebook, cause, failed_as)


def _last_started_cell(executed: Path) -> int | None:
    """The 1-based number of the last cell papermill started (after a kernel died: the cell it
    died in), if the copy says."""
    import nbformat

    try:
        cells = nbformat.read(executed, as_version=4).cells
    except (OSError, ValueError):
        return None
    started = [i for i, c in enumerate(cells, 1) if c.metadata.get("papermill", {}).get("start_time")]
    return started[-1] if started else None


class Signals:
    """SIGINT and SIGTERM raise KeyboardInterrupt in the main thread, except while `critical`."""

    def __init__(self) -> None:
        self.critical = False
        self.received: int | None = None
        self.previous: dict[int, object] = {}

    def _handler(self, signum, frame) -> None:
        self.received = signum
        if not self.critical:
            raise KeyboardInterrupt

    @contextmanager
    def installed(self):
        if threading.current_thread() is not threading.main_thread():
            yield self  # handlers can only be set from the main thread
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.previous[sig] = signal.signal(sig, self._handler)
        try:
            yield self
        finally:
            for sig, handler in self.previous.items():
                signal.signal(sig, handler)
