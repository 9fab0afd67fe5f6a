"""`import minsheng` turns off numpy's huge-page marking before numpy loads (allocation.py)."""

import os
import subprocess
import sys

import pytest
from minsheng.allocation import HUGEPAGE_SWITCH

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="numpy marks huge pages on Linux only")

ASK_NUMPY = ("import minsheng, numpy; from numpy._core import multiarray as m; "
             "print(m._get_madvise_hugepage())")


def _numpy_marks_huge_pages(**env: str) -> bool:
    base = {k: v for k, v in os.environ.items() if k != HUGEPAGE_SWITCH}
    out = subprocess.run([sys.executable, "-c", ASK_NUMPY], env={**base, **env},
                         capture_output=True, text=True, check=True).stdout.split()
    return {"True": True, "False": False}[out[-1]]


def test_numpy_does_not_mark_huge_pages_in_a_minsheng_process():
    assert _numpy_marks_huge_pages() is False


def test_the_users_own_setting_wins():
    assert _numpy_marks_huge_pages(**{HUGEPAGE_SWITCH: "1"}) is True
