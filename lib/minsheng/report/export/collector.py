"""The cyclic garbage collector paused while a workbook is built.

Filling a workbook allocates tens of thousands of small objects (XlsxWriter keeps every cell)
that all live until the file is written. Such a burst sets off full collections, and a full collection
traverses every object alive in the process (in a notebook kernel, the hundreds of thousands
that pandas and matplotlib keep from their imports) to free next to nothing
(benchmarks/README.md). Reference counting still frees what it frees; cycles made meanwhile
wait for the collector's next run, after the block.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection inside the block; after it, collection is on again if it
    was on before (so blocks nest)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
