"""Putting a publication in place: atomically, under a lock, never silently over another.

A run builds in reports/_tmp-<label>-<pid> and swaps the folder in when every step succeeded.
An existing publication is never replaced silently: a run whose inputs hash the same as the
published manifest's is skipped (unless forced); a run with changed inputs is refused unless
`replace` or `force` (or it is the final run of a period published as a draft), and the
previous publication is then kept as reports/_superseded/<label>-<issued_on>.
Folders of runs that died (their process is gone) are removed by the next run; a run that
died in the middle of the swap gets its previous publication put back.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

from minsheng import config
from minsheng.contracts.store import file_sha256, process_alive
from minsheng.run.manifest import MANIFEST

SUPERSEDED = "_superseded"
_LEFTOVER = re.compile(r"_(tmp|old)-(.+)-(\d+)")


def work_folder(reports_dir: Path, label: str) -> Path:
    return reports_dir / f"_tmp-{label}-{os.getpid()}"


def remove_leftovers(reports_dir: Path) -> None:
    """Remove the temporary folders of runs whose process is gone; a run that died in the middle
    of the final swap gets its previous publication put back."""
    for entry in sorted(reports_dir.iterdir()):
        m = _LEFTOVER.fullmatch(entry.name)
        if not m or not entry.is_dir() or int(m.group(3)) == os.getpid() \
                or process_alive(int(m.group(3))):
            continue
        target = reports_dir / m.group(2)
        if m.group(1) == "old" and not target.exists():
            os.replace(entry, target)
        else:
            shutil.rmtree(entry, ignore_errors=True)


def code_version() -> str:
    """A hash of the code that makes a publication: the package, its settings and templates,
    and the notebooks (a change in any of them is a reason to publish again)."""
    h = hashlib.sha256()
    roots = (config.PACKAGE_DIR, config.NOTEBOOKS)
    for root in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in
                           (".py", ".yaml", ".j2", ".css", ".ipynb", ".json")
                           and "__pycache__" not in p.parts):
            h.update(path.relative_to(root.parent).as_posix().encode())
            h.update(file_sha256(path).encode())
    return h.hexdigest()


def fingerprint(facts: dict[str, Any]) -> str:
    """One hash of what a publication is made from (inputs, catalogue, settings, code,
    parameters): equal fingerprints, equal publications."""
    return hashlib.sha256(json.dumps(facts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _published(target: Path, key: str) -> Any:
    try:
        return json.loads((target / MANIFEST).read_text(encoding="utf-8")).get(key)
    except (OSError, ValueError, AttributeError):
        return None


def published_fingerprint(target: Path) -> str | None:
    """The fingerprint the publication at `target` was made from (None: none, or unreadable)."""
    found = _published(target, "fingerprint")
    return found if isinstance(found, str) else None


def published_on(target: Path) -> str:
    """The issue date of the publication at `target` ("" when unknown)."""
    return str(_published(target, "issued_on") or "")


def published_draft(target: Path) -> bool:
    """Whether the publication at `target` is a 征求意见稿."""
    return _published(target, "draft") is True


def _superseded_name(target: Path) -> Path:
    base = target.parent / SUPERSEDED / f"{target.name}-{published_on(target) or 'undated'}"
    candidate, n = base, 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


def swap_in(out: Path, target: Path, keep_previous: bool) -> Path | None:
    """Put `out` in place of `target`. The previous publication, if any, is moved to
    _superseded/ when `keep_previous` (returns where), else removed, after the swap."""
    keep = _superseded_name(target) if keep_previous and target.exists() else None
    old = target.with_name(f"_old-{target.name}-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(out, target)
    except OSError:
        if old.exists():
            os.replace(old, target)  # put the previous publication back
        raise
    if old.exists() and keep is not None:
        keep.parent.mkdir(exist_ok=True)
        os.replace(old, keep)
        return keep
    shutil.rmtree(old, ignore_errors=True)
    return None
