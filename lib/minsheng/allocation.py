"""How the process takes memory from the OS: set on `import minsheng`, before numpy loads.

numpy marks every array of 4 MB or more for transparent huge pages (MADV_HUGEPAGE). Where the
kernel's THP defrag setting is `madvise` (Debian's default, and the project machines'), the
first touch of such an array makes the kernel find, compact and zero a whole 2 MB page; memory
freed later keeps the mark (numpy issue #31590). The cleaner makes and drops hundreds of arrays
of that size: on a 1M-row clean, zeroing those pages was 36 % of the CPU time, and the clean
took ~25 % longer, with twice the spread between runs (benchmarks/README.md). numpy's
documented switch `NUMPY_MADVISE_HUGEPAGE=0` turns the marking off. It is set here, for this
process and the notebook kernels it starts, unless the user has set it already; it has no
effect once numpy is imported.
"""

from __future__ import annotations

import os

HUGEPAGE_SWITCH = "NUMPY_MADVISE_HUGEPAGE"

os.environ.setdefault(HUGEPAGE_SWITCH, "0")
