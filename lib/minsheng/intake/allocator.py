"""Arrow's memory while minsheng works: the C library's allocator, not mimalloc's huge pages.

Arrow's default pool on Linux, mimalloc, takes its memory in transparent huge pages. Where a
fresh huge page is dear to fault in, as on these VMs, a clean of a million rows paid 0.3–0.9 s
more system time for it (0.7 GB of huge pages against 0.3 GB with the C library's allocator),
and a quarterly run's kernels 180 MB of them (benchmarks/README.md, eighth pass). A pool
named in ARROW_DEFAULT_MEMORY_POOL is always kept.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"
# For the processes minsheng starts (the run's kernels): Arrow reads it when it starts.
ENVIRONMENT = {POOL_VARIABLE: "system"}


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
