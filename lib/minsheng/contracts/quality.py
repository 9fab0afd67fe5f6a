"""The quality report (quality.json): what the cleaner read, kept, rejected and flagged.

Written by the cleaner, read by the bulletin, the runner and the analyst API: this schema
is the one description of it, checked on write and on read (pydantic). Field order is the
file's key order.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

SubmissionState = Literal["on_time", "late", "undated", "missing"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RejectedFile(_Record):
    file: str                  # relative to the raw folder
    reason_code: str           # a reject check of contracts.checks
    reason: str                # its Chinese reason, with detail


class SkippedFile(_Record):
    """A file (or folder) under the raw folder that was not read: hidden, lock, backup, link."""

    file: str                  # relative to the raw folder ('/'-terminated for a folder)
    reason_code: str           # a skip_file check of contracts.checks
    reason: str


class SkippedSheet(_Record):
    """A sheet with the form's header that was not read: hidden, or named as a draft or copy."""

    file: str
    sheet: str
    reason_code: str           # a skip_sheet check of contracts.checks
    reason: str


class FileCounts(_Record):
    """One file's rows: rows_in = rows_clean + rows_quarantined + rows_duplicate."""

    file: str
    rows_in: int
    rows_clean: int
    rows_quarantined: int
    rows_duplicate: int


class UnitMonth(_Record):
    """Whether a reporting unit's return for a month arrived, and when."""

    reporting_unit: str
    month: str = Field(pattern=r"^\d{4}-\d{2}$")
    status: SubmissionState
    first_submitted_on: str | None     # ISO date of the earliest 填报日期, if any
    due: str                           # ISO date the return was due

    @property
    def year_no(self) -> int:
        return int(self.month[:4])

    @property
    def month_no(self) -> int:
        return int(self.month[5:])

    @property
    def submitted_on(self) -> str | None:
        return self.first_submitted_on[:10] if self.first_submitted_on else None


class SubmissionRecord(_Record):
    due_day: int
    months: list[str]                  # months expected, YYYY-MM
    summary: dict[str, int] = Field(default_factory=dict)
    by_unit: list[UnitMonth] = Field(default_factory=list)


class QualityReport(_Record):
    year: int
    catalogue: str                     # file name of the catalogue used
    rows_in: int
    rows_clean: int
    rows_quarantined: int
    rows_duplicate: int
    rows_skipped: dict[str, int]       # per contracts.checks.SKIP_KINDS
    ledger_rows: int
    revisions_applied: int
    files_read: int
    files_rejected: list[RejectedFile]
    # Added later: absent in older reports, read as empty.
    files_skipped: list[SkippedFile] = Field(default_factory=list)
    sheets_skipped: list[SkippedSheet] = Field(default_factory=list)
    quarantine_by_code: dict[str, int]
    warnings: dict[str, int]
    files: list[FileCounts]
    submissions: SubmissionRecord

    def to_json(self) -> str:
        return json.dumps(self.model_dump(), ensure_ascii=False, indent=2) + "\n"


class QualityReportError(ValueError):
    """A quality.json that does not follow the schema; the message names file and field."""


def read_report(path: str | Path) -> QualityReport:
    """Read and check a quality.json."""
    path = Path(path)
    try:
        return QualityReport.model_validate_json(path.read_bytes())
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise QualityReportError(f"{path}: field '{where}': {first['msg']}") from None
