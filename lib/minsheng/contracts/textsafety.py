"""Submitted text made safe to pass on: into XML (DOCX, XLSX) and into spreadsheets.

Two rules, one definition each, used by every writer:
- control characters XML 1.0 cannot hold (and DEL) are removed;
- text a spreadsheet would run as a formula (starting with = + - @, a tab or CR), or read as an
  error value (#N/A, #REF! …), is prefixed with an apostrophe (OWASP's formula-injection rule).
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ERROR_LITERALS = frozenset({"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"})
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_RISKY = ("^[=+\\-@\\t\\r]|^(" + "|".join(re.escape(e) for e in sorted(ERROR_LITERALS)) + ")$")


def strip_control(text: str) -> str:
    """`text` without the control characters XML cannot hold."""
    return CONTROL.sub("", text)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START) or text in ERROR_LITERALS


def spreadsheet_text(text: str) -> str:
    """Text as a spreadsheet must hold it: never a formula or an error value, no control characters."""
    text = strip_control(text)
    return "'" + text if is_formula_like(text) else text


def spreadsheet_texts(arr: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
    """`spreadsheet_text` over an arrow string column (for CSV written with pyarrow)."""
    clean = pc.replace_substring_regex(arr, CONTROL.pattern, "")
    risky = pc.fill_null(pc.match_substring_regex(clean, _RISKY), False)
    quote, empty = pa.scalar("'", clean.type), pa.scalar("", clean.type)
    return pc.if_else(risky, pc.binary_join_element_wise(quote, clean, empty), clean)
