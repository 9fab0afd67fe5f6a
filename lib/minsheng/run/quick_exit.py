"""The command line (`minsheng …`) exits without sweeping its heap.

A process that has done its work holds the objects of everything it imported. At exit,
Python's finalisation runs the cyclic collector over all of them several times while it clears
the modules: 0.4–0.5 s at the end of a `minsheng run`, which the person who typed it waits for
(benchmarks/README.md, fifth pass). `gc.freeze()` as an exit handler moves them out of the
collector's reach; the operating system takes the memory back with the process. (The kernels
a run starts do not exit at all: they are ended once their notebook is done, run.kernels.)

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
    """Register the freeze as an exit handler, once per process. Registered early (at the
    command's start), it runs after the handlers registered later by what the work imports."""
    global _registered
    if not _registered:
        atexit.register(gc.freeze)
        _registered = True

