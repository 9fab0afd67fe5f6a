"""The index of publications: reports/index.json and reports/index.html, written after every run.

It lists every publication under the reports folder — quarters (季度通报), months (月度调度)
and each quarter's districts (区县通报) — from their manifests: date, data cut-off, draft or
final, status counts, the hashes of what it was made from, and every file with its size and
SHA-256. Nothing else is read, so the index says only what the manifests say; a folder
without a readable manifest is not a publication and is left out (superseded, failed and
temporary folders are never listed). District bulletins whose last run failed are listed
apart ("failed"), from the records run.fanout keeps in _failed/. Same publications, same bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from minsheng.catalogue import districts as district_list
from minsheng.catalogue.periods import Month, Quarter, parse_period
from minsheng.contracts.store import file_sha256
from minsheng.report.export.index_page import index_html
from minsheng.run.manifest import MANIFEST

INDEX_JSON, INDEX_HTML = "index.json", "index.html"
KINDS = ("quarterly_bulletin", "monthly_dispatch", "district_bulletin")


def _manifest(path: Path) -> dict[str, Any] | None:
    try:
        m = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    ok = isinstance(m, dict) and m.get("kind") in KINDS and parse_period(str(m.get("period")))
    return m if ok else None


def _inputs(manifest: dict[str, Any]) -> dict[str, Any]:
    """The raw files a publication was made from, as one hash (and how many)."""
    inputs = manifest.get("inputs")
    if not isinstance(inputs, dict):
        return {}
    joined = json.dumps(inputs, sort_keys=True, ensure_ascii=False).encode()
    return {"files": len(inputs), "sha256": hashlib.sha256(joined).hexdigest()}


def index_entry(reports: Path, folder: Path, manifest: dict[str, Any],
          city: dict[str, Any] | None = None) -> dict[str, Any]:
    """One publication as the index lists it; a district's inputs are its city's."""
    rel = folder.relative_to(reports).as_posix()
    files = [{"name": name, "href": f"{rel}/{name}", "bytes": info["bytes"], "sha256": info["sha256"]}
             for name, info in sorted(manifest.get("files", {}).items())
             if isinstance(info, dict) and "sha256" in info]
    files.append({"name": MANIFEST, "href": f"{rel}/{MANIFEST}",
                  "bytes": (folder / MANIFEST).stat().st_size, "sha256": file_sha256(folder / MANIFEST)})
    source = city or manifest
    return {
        "kind": manifest["kind"], "period": manifest["period"], "district": manifest.get("district"),
        "path": rel, "issued_on": manifest.get("issued_on"), "month": manifest.get("month"),
        "draft": bool(manifest.get("draft")), "status_counts": manifest.get("status_counts", {}),
        "fingerprint": manifest.get("fingerprint"), "inputs": _inputs(source),
        "catalogue_sha256": (source.get("catalogue") or {}).get("sha256"),
        "settings_sha256": source.get("settings_sha256"), "code_version": manifest.get("code_version"),
        "files": files,
    }


def _order(e: dict[str, Any]) -> tuple:
    """Latest period first; a quarter before the months it ends; districts in official order."""
    p = parse_period(e["period"])
    district = district_list.order().get(e["district"] or "", -1)
    return (-p.year, -p.end_month, isinstance(p, Month), district)


def collect(reports: Path) -> list[dict[str, Any]]:
    """Every publication under `reports`, in index order."""
    found = []
    for folder in sorted(p for p in reports.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))):
        m = _manifest(folder / MANIFEST)
        if m is None or m["kind"] == "district_bulletin":
            continue
        found.append(index_entry(reports, folder, m))
        if isinstance(parse_period(m["period"]), Quarter) and (folder / "districts").is_dir():
            for d in sorted((folder / "districts").iterdir()):
                dm = _manifest(d / MANIFEST) if d.is_dir() and not d.name.startswith(("_", ".")) else None
                if dm is not None and dm["kind"] == "district_bulletin":
                    found.append(index_entry(reports, d, dm, city=m))
    return sorted(found, key=_order)


def failures(reports: Path) -> list[dict[str, Any]]:
    """The district bulletins whose last run failed (run.fanout records each in _failed/)."""
    out = []
    for path in sorted((reports / "_failed").glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and parse_period(str(record.get("period"))):
            out.append({k: record.get(k) for k in ("kind", "period", "district", "message")})
    return sorted(out, key=lambda r: (r["period"], district_list.order().get(r["district"] or "", -1)))


def write_index(reports: str | Path) -> list[Path]:
    """Write reports/index.json and reports/index.html (each replaced atomically)."""
    reports = Path(reports)
    entries, failed = collect(reports), failures(reports)
    text = json.dumps({"publications": entries, "failed": failed}, ensure_ascii=False, indent=2,
                      sort_keys=True) + "\n"
    written = []
    for name, content in ((INDEX_JSON, text), (INDEX_HTML, index_html(entries, failed))):
        tmp = reports / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(content, encoding="utf-8")
        os.replace(tmp, reports / name)
        written.append(reports / name)
    return written
