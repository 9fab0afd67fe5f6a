"""A submitted file the reader cannot take, with the reject code of contracts.checks."""

from __future__ import annotations


class FileRejected(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail
