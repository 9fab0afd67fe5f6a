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
"""

from __future__ import annotations

from contextlib import contextmanager

from papermill.engines import NBClientEngine, NotebookExecutionManager, papermill_engines


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


class Engine(NBClientEngine):
    """nbclient's engine with the manager above."""

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


def register(name: str) -> None:
    """Make this papermill's engine `name` (run.kernels.papermill does, as ENGINE)."""
    papermill_engines.register(name, Engine)
