"""Memory while minsheng cleans: the C library's allocator, small pages, freed memory reused.

Fresh memory is what is dear on these VMs: the kernel zeroes every page a process touches for
the first time, and dearer still a transparent huge page (benchmarks/README.md, eighth and
ninth passes). So while a clean runs (`cleaning_memory`):

- Arrow's buffers come from the C library's allocator, not mimalloc's huge-page arenas
  (`system_allocator`; also for the run's kernels, through `ENVIRONMENT`);
- numpy does not ask for huge pages for its large arrays;
- glibc keeps what the cleaner frees for the next array instead of handing every array of
  more than 128 KB back to the kernel and asking for new pages again (its mmap and trim
  thresholds; afterwards they stay where glibc's own adjustment would take them in a process
  that has freed a large array: 32 MB, the highest it goes, and twice that).

Each setting is left alone when the environment names one (ARROW_DEFAULT_MEMORY_POOL,
NUMPY_MADVISE_HUGEPAGE, glibc's MALLOC_*_THRESHOLD_ or GLIBC_TUNABLES): the operator's choice wins.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Iterator
from contextlib import contextmanager

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
# For the processes minsheng starts (the run's kernels): Arrow reads it when it starts.
ENVIRONMENT = {POOL_VARIABLE: "system"}

HUGEPAGE_VARIABLE = "NUMPY_MADVISE_HUGEPAGE"
# mallopt's parameters (malloc.h).
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
# Arrays up to 32 MB (a million rows of int64 is 8 MB) come from the heap, and up to 256 MB of
# freed heap is kept for them.
HEAP_KEPT = {M_MMAP_THRESHOLD: 32 << 20, M_TRIM_THRESHOLD: 256 << 20}
# glibc ties its trim threshold to twice the mmap threshold.
HEAP_AFTER = {M_TRIM_THRESHOLD: 64 << 20}


@contextmanager
def cleaning_memory() -> Iterator[None]:
    """The three settings of the module docstring inside the block."""
    with system_allocator(), small_pages(), heap_kept():
        yield


@contextmanager
def system_allocator() -> Iterator[None]:
    """Arrow's buffers from the C library's allocator inside the block, then the pool before
    (process-wide: every thread's Arrow calls meanwhile use it too)."""
    if os.environ.get(POOL_VARIABLE):
        yield
        return
    import pyarrow as pa

    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        pa.set_memory_pool(before)


@contextmanager
def small_pages() -> Iterator[None]:
    """numpy's large arrays without its request for transparent huge pages, then as before."""
    switch = hugepage_switch()
    if switch is None or os.environ.get(HUGEPAGE_VARIABLE):
        yield
        return
    before = switch(False)
    try:
        yield
    finally:
        switch(before)


def hugepage_switch():
    """numpy's own switch for its huge-page request (the one NUMPY_MADVISE_HUGEPAGE sets at
    import): called with a bool, it returns the setting before; None where numpy has none."""
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy 1.x
        from numpy.core import multiarray
    return getattr(multiarray, "_set_madvise_hugepage", None)


@contextmanager
def heap_kept() -> Iterator[None]:
    """glibc's thresholds of HEAP_KEPT inside the block, HEAP_AFTER afterwards (glibc has no
    getter for them, so the values before cannot be put back)."""
    mallopt = glibc_mallopt()
    if mallopt is None:
        yield
        return
    for param, value in HEAP_KEPT.items():
        mallopt(param, value)
    try:
        yield
    finally:
        for param, value in HEAP_AFTER.items():
            mallopt(param, value)


def glibc_mallopt():
    """glibc's `mallopt`, or None off glibc or when the environment tunes glibc's allocator."""
    try:
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    except (AttributeError, ValueError, OSError):   # no confstr off Unix
        libc = ""
    tuned = "glibc.malloc." in os.environ.get("GLIBC_TUNABLES", "") \
        or any(v in os.environ for v in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"))
    if not libc.startswith("glibc") or tuned:
        return None
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return None
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    return mallopt
