"""A publication's manifest and the data it carries: what was published, each file hashed.

A publication folder (reports/<quarter>/) holds the documents, the executed notebooks and,
in data/, the cleaned data behind them:

    data/ledger.parquet, history.parquet, quarantine.csv, quality.json   the cleaning outputs (byte copies)
    data/ledger.csv        the ledger for Excel users: UTF-8 with BOM, formula-neutralised
    data/catalogue.yaml    a byte copy of the catalogue the run read

manifest.json lists every other file of the folder by its path relative to the folder with
its SHA-256 and size, plus the run's facts (period, month, issued_on, draft, parameters,
input hashes, package versions, row counts). Keys are sorted, so the same publication gives
the same manifest; timings, the one volatile part, sit apart under "timings_seconds".
`minsheng verify` (run.verify) checks a publication against it.
"""

from __future__ import annotations

import codecs
import datetime as dt
import json
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from minsheng import config
from minsheng.contracts import store
from minsheng.contracts.store import file_sha256
from minsheng.contracts.textsafety import spreadsheet_texts

DATA = "data"                  # the folder of a publication holding its data
LEDGER_CSV = "ledger.csv"
CATALOGUE = "catalogue.yaml"
MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
TIMINGS = "timings_seconds"
REQUIRED_FACTS = ("period", "month")     # what `minsheng verify` recomputes the table for
RESERVED = ("manifest_version", "files")


def write_ledger_csv(ledger: pd.DataFrame, path: str | Path) -> Path:
    """The ledger as CSV for Excel: UTF-8 with BOM, the contract's columns in its row order,
    dates as YYYY-MM-DD, text that a spreadsheet would run as a formula neutralised."""
    frame = ledger.assign(submitted_on=ledger["submitted_on"].dt.strftime("%Y-%m-%d"))
    table = pa.Table.from_pandas(frame, preserve_index=False)
    for i, name in enumerate(table.column_names):
        if pa.types.is_string(table.schema.field(i).type) or \
                pa.types.is_large_string(table.schema.field(i).type):
            table = table.set_column(i, name, spreadsheet_texts(table.column(name)))
    path = Path(path)
    with open(path, "wb") as fh:
        fh.write(codecs.BOM_UTF8)   # so Excel opens the Chinese text as UTF-8
        pacsv.write_csv(table, fh, write_options=pacsv.WriteOptions(quoting_style="needed"))
    return path


def publish_data(clean_dir: str | Path, catalogue_path: str | Path, dest: str | Path) -> Path:
    """Write data/ into the publication folder `dest` from a cleaning output folder; returns
    the data folder. The cleaning outputs are read through their contracts first (a broken
    folder stops here) and copied byte for byte, so their hashes are the cleaner's."""
    clean, data = Path(clean_dir), Path(dest) / DATA
    outputs = store.read(clean)
    data.mkdir(parents=True, exist_ok=True)
    for name in store.FILES:
        shutil.copyfile(clean / name, data / name)
    write_ledger_csv(outputs.ledger, data / LEDGER_CSV)
    shutil.copyfile(catalogue_path, data / CATALOGUE)
    return data


def own_paths(pub_dir: str | Path) -> list[Path]:
    """The publication's own entries, in path order: everything under the folder except the
    publications nested in it (a quarter's districts/<区县>/, each with its own manifest)."""
    pub = Path(pub_dir)
    nested = [m.parent for m in pub.rglob(MANIFEST) if m.parent != pub]
    return sorted((p for p in pub.rglob("*")
                   if not any(p == n or p.is_relative_to(n) for n in nested)),
                  key=lambda p: p.relative_to(pub).as_posix())


def published_files(pub_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Every file of the publication but manifest.json (and the publications nested in it):
    relative posix path → size, SHA-256."""
    pub = Path(pub_dir)
    out = {}
    for path in own_paths(pub):
        name = path.relative_to(pub).as_posix()
        if path.is_symlink():
            raise ValueError(f"{name}: a publication holds files, not links")
        if path.is_file() and name != MANIFEST:
            out[name] = {"bytes": path.stat().st_size, "sha256": file_sha256(path)}
    return out


def _plain(value: Any, where: str) -> Any:
    """`value` as JSON holds it, mappings with sorted keys; dates as ISO text, paths as
    project-relative text."""
    if isinstance(value, Mapping):
        return {str(k): _plain(value[k], f"{where}.{k}") for k in sorted(value, key=str)}
    if isinstance(value, list | tuple):
        return [_plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Path):
        resolved = value.resolve()
        if not resolved.is_relative_to(config.ROOT):
            raise ValueError(f"manifest fact {where}: {value} is outside the project")
        return resolved.relative_to(config.ROOT).as_posix()
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if hasattr(value, "item"):     # numpy scalar
        return value.item()
    raise ValueError(f"manifest fact {where}: {type(value).__name__} is not JSON")


def _texts(value: Any, where: str):
    if isinstance(value, dict):
        for k, v in value.items():
            yield k, where
            yield from _texts(v, f"{where}.{k}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _texts(v, f"{where}[{i}]")
    elif isinstance(value, str):
        yield value, where


def _check_paths(facts: dict, pub: Path) -> None:
    """No fact names a machine path or a place in the folder the publication is built in
    (its temporary siblings vanish after the swap): published files are named by "files"."""
    build = pub.resolve().parent
    check_build = build != config.ROOT and not config.ROOT.is_relative_to(build)
    for text, where in _texts(facts, "facts"):
        if "/" not in text and "\\" not in text:
            continue
        if text.startswith(("/", "\\")) or (len(text) > 1 and text[1] == ":"):
            raise ValueError(f"manifest fact {where}: {text!r} is a machine path; give it "
                             "relative to the project (inputs) or to the publication")
        if check_build and (config.ROOT / text).resolve().is_relative_to(build):
            raise ValueError(f"manifest fact {where}: {text!r} names the build folder, which "
                             "does not survive publication; name published files relative to it")


def write_manifest(pub_dir: str | Path, facts: Mapping[str, Any]) -> Path:
    """Write manifest.json into the publication folder (after every other file is in place).

    `facts`, from the runner: at least "period" ("2026Q3") and "month" (the data's cut-off,
    1–12); also issued_on, draft, parameters, inputs, packages, rows, … and optionally
    "timings_seconds". Raises ValueError for a missing or reserved fact, a fact that is not
    JSON, or one naming a machine path or the build folder.
    """
    pub = Path(pub_dir)
    given = dict(facts)
    for key in REQUIRED_FACTS:
        if key not in given:
            raise ValueError(f"manifest fact {key!r} is required")
    for key in RESERVED:
        if key in given:
            raise ValueError(f"manifest key {key!r} is written by write_manifest, not a fact")
    timings = _plain(given.pop(TIMINGS, {}), TIMINGS)
    plain = _plain(given, "facts")
    _check_paths(plain, pub)
    manifest = {"manifest_version": MANIFEST_VERSION, **plain, "files": published_files(pub),
                TIMINGS: timings}
    path = pub / MANIFEST
    text = json.dumps(manifest, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    path.write_text(text, encoding="utf-8")
    return path
