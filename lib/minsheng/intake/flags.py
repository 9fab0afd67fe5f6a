"""Warning flags as bits: one bit per warn check, in the order of contracts.checks.CHECKS.

A row's flags are an int64 bitmask while cleaning (one vectorised OR per rule) and the
';'-separated codes the ledger stores.
"""

from __future__ import annotations

import numpy as np

from minsheng.contracts.checks import FLAG_CODES

BIT = {code: np.int64(1) << np.int64(i) for i, code in enumerate(FLAG_CODES)}


def flag_names(bits: int) -> str:
    """A flags bitmask as the ledger writes it: codes in CHECKS order, ';'-separated."""
    return ";".join(c for c in FLAG_CODES if int(bits) & int(BIT[c]))
