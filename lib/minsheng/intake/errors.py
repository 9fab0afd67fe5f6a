"""A submitted file the reader cannot take, with the reject code of contracts.checks."""

from __future__ import annotations


class FileRejected(Exception):
    """`code` of contracts.checks, a detail for the reason, and the sheets not read (if any)."""

    def __init__(self, code: str, detail: str = "", sheets: list[dict[str, str]] | None = None):
        super().__init__(code)
        self.code = code
        self.detail = detail
        self.sheets = sheets or []
