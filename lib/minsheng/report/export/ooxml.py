"""Deterministic Office Open XML packages (DOCX, XLSX are zip files).

zipfile stamps every entry with the current time, so the same document saved twice differs.
`repack` rewrites a package with one fixed timestamp (the bulletin's issue date) and the
same entry order and compression: the same inputs give the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime


def stamp(issued_on: date) -> datetime:
    """The timestamp every generated document carries: midnight of the issue date."""
    return datetime(issued_on.year, issued_on.month, issued_on.day)


def repack(package: bytes, issued_on: date) -> bytes:
    """`package` with every zip entry dated `issued_on` (00:00) and fixed permissions."""
    when = stamp(issued_on).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=when)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
