"""The papermill engine every run uses: nbclient's, saving the executed notebook when the
execution ends, when a cell fails and while a long cell runs, not as each cell starts and ends.

papermill's own engine writes the whole executed notebook twice a cell: 56 writes in a
quarterly run and 22 in a district's job, at 2–5 ms each with the outputs so far (the JSON,
a deep copy, a validation); about 0.1 s of a district's 0.85 s (benchmarks/README.md, fifth
pass). What those writes were for still holds without them:

- a kernel that dies: papermill saves in its `finally`, so the executed copy keeps every
  finished cell's output and marks the cell that was running (run.kernels names it);
- a cell that raises: saved by papermill before the error is raised;
- a cell that runs long: saved every 30 s while it prints (papermill's autosave).

Only a runner process killed outright leaves no executed copy.

A kept kernel's own client (run.kernels.KeptKernel, passed as `kc`) is used for its notebooks:
papermill's client dropped it and opened a new one per notebook, and a new client waits until
the kernel's IOPub has been silent for 0.2 s (jupyter_client's wait_for_ready), a quarter of a
district's job.
"""

from __future__ import annotations

from contextlib import contextmanager

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines
from papermill.log import logger


class _Manager(NotebookExecutionManager):
    """papermill's execution state, without the save at each cell's start and end."""

    _at_cell_edge = False

    @contextmanager
    def _cell_edge(self):
        self._at_cell_edge = True
        try:
            yield
        finally:
            self._at_cell_edge = False

    def cell_start(self, cell, cell_index=None, **kwargs):
        with self._cell_edge():
            super().cell_start(cell, cell_index, **kwargs)

    def cell_complete(self, cell, cell_index=None, **kwargs):
        with self._cell_edge():
            super().cell_complete(cell, cell_index, **kwargs)

    def save(self, **kwargs):
        if not self._at_cell_edge:
            super().save(**kwargs)


class _Client(PapermillNotebookClient):
    """papermill's notebook client, on the kernel client it is given (None: its own)."""

    def __init__(self, nb_man, kc=None, **kw):
        super().__init__(nb_man, **kw)
        self.kc = kc   # nbclient's __init__ sets None; setup_kernel then opens no other


class Engine(NBClientEngine):
    """nbclient's engine with the manager and the client above."""

    @classmethod
    def execute_notebook(cls, nb, kernel_name, output_path=None, progress_bar=True,
                         log_output=False, autosave_cell_every=30, **kwargs):
        # papermill's Engine.execute_notebook, with _Manager for its manager.
        nb_man = _Manager(nb, output_path=output_path, progress_bar=progress_bar,
                          log_output=log_output, autosave_cell_every=autosave_cell_every)
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.cleanup_pbar()
            nb_man.notebook_complete()
        return nb_man.nb

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None,
                                 kc=None, **kwargs):
        # papermill's NBClientEngine.execute_managed_notebook, with _Client and its `kc`.
        for unused in ("input_path", "startup_timeout"):
            kwargs.pop(unused, None)
        timeout = kwargs.pop("timeout", None)
        return _Client(nb_man, kc=kc, timeout=execution_timeout or timeout, startup_timeout=start_timeout,
                       kernel_name=kernel_name, log=logger, log_output=log_output,
                       stdout_file=stdout_file, stderr_file=stderr_file, **kwargs).execute()


def register(name: str) -> None:
    """Make this papermill's engine `name` (run.kernels.papermill does, as ENGINE)."""
    papermill_engines.register(name, Engine)
