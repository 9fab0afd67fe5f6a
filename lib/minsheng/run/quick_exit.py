"""A process that has done its work exits without sweeping its heap: every kernel a run starts
(loaded as an IPython extension, run.kernels) and the command line (`minsheng …`).

Such a process holds the objects of everything it imported (a notebook's kernel 1,300–1,800
modules: pandas, pyarrow, matplotlib, Typst …). At exit, Python's finalisation runs the cyclic
collector over all of them several times while it clears the modules: 0.6–0.7 s a kernel,
which papermill waits for before the next notebook starts, and 0.4–0.5 s at the end of a
`minsheng run`, which the person who typed it waits for (benchmarks/README.md, fifth pass).
`gc.freeze()` as an exit handler moves them out of the collector's reach; the operating
system takes the memory back with the process.

What this gives up: a finaliser (`__del__`) of an object caught in a reference cycle does not
run at exit. Nothing we write depends on one: files are written and closed where they are
made (`with` blocks), and exit handlers still run, logging's and `weakref.finalize`'s
(temporary folders) among them: the freeze only keeps the collector from walking the heap.
"""

from __future__ import annotations

import atexit
import gc

_registered = False


def freeze_at_exit() -> None:
    """Register the freeze as an exit handler, once per process. Registered early (a kernel's
    start, the command's), it runs after the handlers registered later by what the work
    imports."""
    global _registered
    if not _registered:
        atexit.register(gc.freeze)
        _registered = True


def load_ipython_extension(ipython) -> None:
    """`--IPKernelApp.extra_extensions=minsheng.run.quick_exit`."""
    freeze_at_exit()
