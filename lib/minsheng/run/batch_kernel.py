"""An IPython extension loaded into every kernel a run starts (run.kernels): the kernel exits
without sweeping its heap.

A kernel that has run a notebook holds the objects of everything it imported (pandas, pyarrow,
matplotlib, Typst …: 1,300–1,800 modules). At exit, Python's finalisation runs the cyclic
collector over all of them several times while it clears the modules: 0.6–0.7 s a kernel on
this machine, which papermill waits for before the next notebook starts (benchmarks/README.md,
fifth pass). `gc.freeze()` as an exit handler moves them out of the collector's reach; the
operating system takes the memory back with the process.

What this gives up: a finaliser (`__del__`) of an object caught in a reference cycle does not
run at exit. Nothing a notebook writes depends on one: files are written and closed inside
their cells (`with` blocks), and exit handlers still run, `weakref.finalize`'s (temporary
folders) among them: the freeze only keeps the collector from walking the heap.
"""

from __future__ import annotations

import atexit
import gc


def load_ipython_extension(ipython) -> None:
    """Register the freeze as an exit handler. Loaded at the kernel's start, it is registered
    before anything a notebook imports registers its own, so it runs after those."""
    atexit.register(gc.freeze)
