"""Executing one notebook with papermill, as every run does: the kernel, its log, its
failure kept, machine paths kept out, the package versions a manifest records, and the
signals that end a run tidily.
"""

from __future__ import annotations

import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
from minsheng import config
from minsheng.run.notebooks import strip_volatile

KERNEL = "python3"
# Packages whose versions go into the manifest (they shape the figures and the documents).
MANIFEST_PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "seaborn", "papermill",
                     "weasyprint", "python-docx", "openpyxl", "python-calamine", "pandera", "cn2an")


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


def kernel_manager(log: Path) -> type:
    """A kernel manager whose kernels write stdout and stderr to `log`, not to the terminal (a
    kernel shut down mid-reply prints a ZMQError traceback)."""
    from jupyter_client.manager import AsyncKernelManager

    class LoggedKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            with open(log, "ab") as sink:  # the kernel process keeps its own copy
                kw.update(stdout=sink, stderr=sink)
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return LoggedKernelManager


def execute_notebook(notebook: str, executed: Path, parameters: dict, log: Path,
                     failed_as: Path, renamed: dict[str, str] | None = None) -> float:
    """Run notebooks/<notebook>.ipynb into `executed` with `parameters` (cwd: the project);
    returns the seconds it took. On an error in a cell the executed copy is kept as
    `failed_as` and NotebookFailed raised. `renamed`: paths the published copy names
    otherwise (run.notebooks.strip_volatile)."""
    import papermill as pm

    t0 = time.perf_counter()
    try:
        pm.execute_notebook(str(config.NOTEBOOKS / f"{notebook}.ipynb"), str(executed),
                            parameters=parameters, kernel_name=KERNEL, progress_bar=False,
                            cwd=str(config.ROOT), kernel_manager_class=kernel_manager(log))
    except pm.PapermillExecutionError as exc:
        failed_as.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(executed, failed_as)
        raise NotebookFailed(notebook, f"{exc.ename}: {exc.evalue}", failed_as) from None
    seconds = time.perf_counter() - t0
    strip_volatile(executed, renamed)
    return seconds


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
