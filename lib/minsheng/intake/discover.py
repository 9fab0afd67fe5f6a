"""Which files under the raw folder are submissions: each one is read, rejected or skipped, with a reason.

Nothing outside the raw folder is read: a symbolic link whose target lies outside it is
rejected (FILE_OUTSIDE_RAW); a link to a file inside it is read under the link's name; a link
to a folder is never followed (its files are read where they are, or rejected when outside).
Hidden files and folders (".…"), Office lock files ("~$…") and backup files are skipped and
listed (contracts.checks SKIP_FILE_*); anything else that is not a submission type is
rejected (FILE_TYPE). Order: sorted relative path, "/"-separated (the "file order" of cleaning).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from minsheng.contracts.checks import FILE_REJECTIONS, SKIPPED_FILES

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
SUBMISSION_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv")
# Editors' backups and temporary copies: never a submission, always listed.
BACKUP_SUFFIXES = (".bak", ".tmp", ".wbk", ".xlk", ".old", ".swp", ".crdownload", ".part")


@dataclass
class Discovered:
    """The raw folder's files: to read (relative name, real path), rejected and skipped ones."""

    read: list[tuple[str, Path]] = field(default_factory=list)
    rejected: list[dict[str, str]] = field(default_factory=list)   # {file, reason_code, reason}
    skipped: list[dict[str, str]] = field(default_factory=list)    # {file, reason_code, reason}

    def reject(self, rel: str, code: str, detail: str = "") -> None:
        reason = FILE_REJECTIONS[code] + (f"：{detail}" if detail else "")
        self.rejected.append({"file": rel, "reason_code": code, "reason": reason})

    def skip(self, rel: str, code: str) -> None:
        self.skipped.append({"file": rel, "reason_code": code, "reason": SKIPPED_FILES[code]})


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def discover(raw_dir: Path) -> Discovered:
    """Every entry under raw_dir, classified (see the module docstring)."""
    root = os.path.realpath(raw_dir)
    entries: list[tuple[str, str, bool]] = []   # (relative posix, absolute, is a folder link)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        for name in dirnames:
            full = os.path.join(dirpath, name)
            rel = Path(rel_dir, name).as_posix().removeprefix("./") + "/"
            if name.startswith(".") or os.path.islink(full):
                entries.append((rel, full, True))
        dirnames[:] = [d for d in dirnames
                       if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            entries.append((Path(rel_dir, name).as_posix().removeprefix("./"),
                            os.path.join(dirpath, name), False))
    found = Discovered()
    for rel, full, folder in sorted(entries, key=lambda e: e[0]):
        name = rel.rstrip("/").rsplit("/", 1)[-1]
        if name.startswith("."):
            found.skip(rel, "SKIP_FILE_HIDDEN")
            continue
        if folder:
            target = os.path.realpath(full)
            if _inside(target, root):
                found.skip(rel, "SKIP_FOLDER_LINK")
            else:
                found.reject(rel, "FILE_OUTSIDE_RAW")
            continue
        if name.startswith("~$"):
            found.skip(rel, "SKIP_FILE_LOCK")
            continue
        target = os.path.realpath(full)
        if not _inside(target, root):
            found.reject(rel, "FILE_OUTSIDE_RAW")
            continue
        try:
            mode = os.stat(target).st_mode
        except OSError:
            found.reject(rel, "FILE_UNREADABLE", "链接目标不存在或无法访问")
            continue
        if not stat.S_ISREG(mode):
            found.reject(rel, "FILE_TYPE", "不是普通文件")
            continue
        lower = name.lower()
        if lower.endswith(BACKUP_SUFFIXES) or name.endswith("~"):
            found.skip(rel, "SKIP_FILE_BACKUP")
            continue
        if not lower.endswith(SUBMISSION_SUFFIXES):
            found.reject(rel, "FILE_TYPE", Path(name).suffix or "无扩展名")
            continue
        found.read.append((rel, Path(target)))
    return found
