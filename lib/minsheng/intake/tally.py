"""The quality report of a cleaning run: every row and every file accounted for.

Counts (checked: rows_in == rows_clean + rows_quarantined + rows_duplicate, in total and per
file), rejected files, files and sheets not read, quarantine and warning counts, timeliness.
"""

from __future__ import annotations

import numpy as np

from minsheng.catalogue import Catalogue
from minsheng.contracts.checks import SKIP_KINDS
from minsheng.contracts.quality import (
    FileCounts,
    QualityReport,
    RejectedFile,
    SkippedFile,
    SkippedSheet,
    SubmissionRecord,
)
from minsheng.contracts.store import CleanOutputs
from minsheng.intake.quarantine import rows_by_code
from minsheng.intake.read import Submissions


def quality_report(subs: Submissions, catalogue: Catalogue, bad: np.ndarray,
                   issues: list[tuple[np.ndarray, str, str]], ledger_rows: int, history_rows: int,
                   warnings: dict[str, int], superseded: np.ndarray, duplicate: np.ndarray,
                   timeliness: dict) -> QualityReport:
    """The counts, checked: every input row is clean, quarantined or a duplicate."""
    n = len(bad)
    rows_q, rows_dup = int(bad.sum()), int(duplicate.sum())
    if n != history_rows + rows_q + rows_dup:
        raise AssertionError(f"row count broken: {n} in ≠ {history_rows} clean + {rows_q} "
                             f"quarantined + {rows_dup} duplicate")
    return QualityReport(
        year=catalogue.year,
        catalogue=catalogue.path.name,
        rows_in=n,
        rows_clean=history_rows,
        rows_quarantined=rows_q,
        rows_duplicate=rows_dup,
        rows_skipped={k: int(subs.skipped.get(k, 0)) for k in SKIP_KINDS},
        ledger_rows=ledger_rows,
        revisions_applied=int(superseded.sum()),
        files_read=len(subs.files),
        files_rejected=[RejectedFile(**r) for r in subs.rejected],
        files_skipped=[SkippedFile(**r) for r in subs.skipped_files],
        sheets_skipped=[SkippedSheet(**r) for r in subs.skipped_sheets],
        quarantine_by_code=rows_by_code(issues),
        warnings={code: k for code, k in warnings.items() if k},
        files=per_file(subs, bad, duplicate),
        submissions=SubmissionRecord(**timeliness),
    )


def per_file(subs: Submissions, bad: np.ndarray, duplicate: np.ndarray) -> list[FileCounts]:
    """Each file's rows; the same sum holds per file. `duplicate` is over the accepted rows."""
    n_files = len(subs.files)
    file_no = subs.rows["file_no"].to_numpy()
    rows_in = np.bincount(file_no, minlength=n_files)
    rows_q = np.bincount(file_no[bad], minlength=n_files)
    accepted = file_no[~bad]
    rows_d = np.bincount(accepted[duplicate], minlength=n_files)
    rows_c = np.bincount(accepted[~duplicate], minlength=n_files)
    broken = np.flatnonzero(rows_in != rows_c + rows_q + rows_d)
    if len(broken):
        raise AssertionError(f"row count broken in {subs.files[broken[0]]}")
    return [FileCounts(file=f, rows_in=int(rows_in[i]), rows_clean=int(rows_c[i]),
                       rows_quarantined=int(rows_q[i]), rows_duplicate=int(rows_d[i]))
            for i, f in enumerate(subs.files)]


class NoUsableData(ValueError):
    """The submissions gave nothing to report on: publishing would print only 未报送."""


def require_usable(outputs: CleanOutputs) -> None:
    """Stop a run whose raw folder yielded no ledger rows (empty, or every file rejected)."""
    if len(outputs.ledger) == 0:
        q = outputs.quality
        rejected = "; ".join(f"{r.file}: {r.reason}" for r in q.files_rejected)
        raise NoUsableData(f"没有可用的报送数据 / no usable submissions (files read: "
                           f"{q.files_read}{'; rejected: ' + rejected if rejected else ''})")
