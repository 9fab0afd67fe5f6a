"""The cleaned outputs on disk: the one place that names their files and reads and writes them.

A cleaning output folder holds
    ledger.parquet    the ledger (contracts.ledger), one row per indicator × district × month
    history.parquet   every accepted row, revisions included (ledger columns + superseded)
    quarantine.csv    one line per rejected cell (contracts.checks.QUARANTINE_COLUMNS), UTF-8 with BOM
    quality.json      the quality report (contracts.quality)
A results folder holds a period's computed tables (the indicator table and its roll-ups), one
<name>.parquet each, written once by the attainment step and read by every document after it,
and the charts that step drew from them (<name>.png, listed in charts.json with the digest of
the table each was drawn from: a chart is read back only while that table is unchanged).
Same outputs, same bytes: rows are sorted and nothing records a time.

Writing is atomic: the four files are written into a temporary folder beside OUT_DIR
(`.<name>.tmp-<pid>`) and swapped into place, so a reader never sees half of one run and half
of another, and an interrupted write leaves the previous outputs as they were. Temporary
folders of writers that died are removed by the next write. (Two writers at once are kept apart
by the caller's lock: `minsheng clean` takes one.)
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from minsheng.contracts import ledger as ledger_contract
from minsheng.contracts import quality as quality_contract
from minsheng.contracts.checks import QUARANTINE_COLUMNS
from minsheng.contracts.quality import QualityReport
from minsheng.contracts.textsafety import spreadsheet_texts

LEDGER = "ledger.parquet"
HISTORY = "history.parquet"
QUARANTINE = "quarantine.csv"
QUALITY = "quality.json"
FILES = (LEDGER, HISTORY, QUARANTINE, QUALITY)
CHARTS = "charts.json"     # in a results folder: the charts kept with the tables (write_chart)
_PLAIN_NAME = re.compile(r"[a-z][a-z0-9_]*")   # a chart or table name, never a path


@dataclass(frozen=True, eq=False)
class CleanOutputs:
    """What cleaning produces and every later step reads."""

    ledger: pd.DataFrame        # the ledger contract, validated
    history: pd.DataFrame       # every accepted row: ledger columns + superseded
    quarantine: pd.DataFrame    # QUARANTINE_COLUMNS, one line per problem
    quality: QualityReport

    @property
    def has_problems(self) -> bool:
        return bool(self.quality.rows_quarantined or self.quality.files_rejected)


def empty_quarantine() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "row" else "str")
                         for c in QUARANTINE_COLUMNS})


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """The history with the ledger contract's dtypes (categorical text → str) + superseded."""
    return ledger_contract.conform(history).assign(
        superseded=history["superseded"].to_numpy(dtype=bool))


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (a leftover of a live writer is not removed)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_dead_leftovers(parent: Path, name: str) -> None:
    pattern = re.compile(rf"\.{re.escape(name)}\.(tmp|old)-(\d+)")
    for entry in parent.iterdir() if parent.is_dir() else ():
        m = pattern.fullmatch(entry.name)
        if m and int(m.group(2)) != os.getpid() and not process_alive(int(m.group(2))):
            if m.group(1) == "old" and not (parent / name).exists():
                os.replace(entry, parent / name)  # died mid-swap: the previous outputs go back
            else:
                shutil.rmtree(entry, ignore_errors=True)


def write(outputs: CleanOutputs, out_dir: str | Path) -> dict[str, Path]:
    """Write the four files into `out_dir` atomically (see the module docstring); their paths.

    A folder holding other files too keeps them: only the four are replaced, each atomically.
    """
    out = Path(os.path.abspath(out_dir))
    if out.exists() and not out.is_dir():
        raise NotADirectoryError(f"输出路径不是文件夹 / output path is not a folder: {out_dir}")
    if out.parent == out:
        raise ValueError(f"不能输出到根目录 / cannot write into the root folder: {out_dir}")
    parent = out.parent
    parent.mkdir(parents=True, exist_ok=True)
    _remove_dead_leftovers(parent, out.name)
    tmp = parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        _write_files(outputs, tmp)
        _swap_in(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {name: out / name for name in FILES}


def _swap_in(new: Path, out: Path) -> None:
    if not out.exists():
        os.replace(new, out)
        return
    if not set(os.listdir(out)) <= set(FILES):
        for name in FILES:  # a shared folder: replace our files one by one, keep the rest
            os.replace(new / name, out / name)
        return
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    os.replace(out, old)
    try:
        os.replace(new, out)
    except OSError:
        os.replace(old, out)  # put the previous outputs back
        raise
    shutil.rmtree(old, ignore_errors=True)


def _write_files(outputs: CleanOutputs, out: Path) -> None:
    paths = {name: out / name for name in FILES}
    outputs.ledger.to_parquet(paths[LEDGER], index=False)
    history_frame(outputs.history).to_parquet(paths[HISTORY], index=False)
    table = pa.Table.from_pandas(outputs.quarantine[QUARANTINE_COLUMNS], preserve_index=False)
    for i, name in enumerate(table.column_names):
        if name != "row":
            table = table.set_column(i, name, spreadsheet_texts(table.column(name)))
    with open(paths[QUARANTINE], "wb") as fh:
        fh.write(codecs.BOM_UTF8)  # so Excel opens the Chinese text as UTF-8
        pacsv.write_csv(table, fh, write_options=pacsv.WriteOptions(quoting_style="needed"))
    paths[QUALITY].write_text(outputs.quality.to_json(), encoding="utf-8")


def _require(out: Path, name: str) -> Path:
    path = out / name
    if not path.exists():
        raise FileNotFoundError(f"{path}: no cleaning outputs here; run `minsheng clean` first")
    return path


def read_ledger(out_dir: str | Path) -> pd.DataFrame:
    """The ledger of a cleaning output folder, checked against the contract."""
    path = _require(Path(out_dir), LEDGER)
    return ledger_contract.validate(ledger_contract.conform(pd.read_parquet(path)))


def read_quality(out_dir: str | Path) -> QualityReport:
    return quality_contract.read_report(_require(Path(out_dir), QUALITY))


def read_quarantine(out_dir: str | Path) -> pd.DataFrame:
    quarantine = pd.read_csv(_require(Path(out_dir), QUARANTINE), encoding="utf-8-sig", dtype=str,
                             keep_default_na=False)
    quarantine["row"] = pd.to_numeric(quarantine["row"]).astype("Int64")
    return quarantine.reindex(columns=QUARANTINE_COLUMNS)


def read(out_dir: str | Path) -> CleanOutputs:
    """Read a cleaning output folder (ledger and quality checked against their contracts)."""
    out = Path(out_dir)
    quality = read_quality(out)
    return CleanOutputs(ledger=read_ledger(out),
                        history=history_frame(pd.read_parquet(_require(out, HISTORY))),
                        quarantine=read_quarantine(out), quality=quality)


def write_results(frames: dict[str, pd.DataFrame | None], out_dir: str | Path) -> None:
    """A period's computed tables, one parquet file each (None: not computed, no file)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        path = out / f"{name}.parquet"
        if frame is None:
            path.unlink(missing_ok=True)
        else:
            frame.to_parquet(path, index=False)


def read_results(out_dir: str | Path, names: tuple[str, ...]) -> dict[str, pd.DataFrame | None]:
    """The tables `write_results` wrote (None for one it did not write)."""
    out = Path(out_dir)
    if not out.is_dir():
        raise FileNotFoundError(f"{out}: no computed results here; run the attainment step first")
    return {name: pd.read_parquet(out / f"{name}.parquet") if (out / f"{name}.parquet").exists()
            else None for name in names}


def write_chart(png: bytes, name: str, drawn_from: str, out_dir: str | Path) -> None:
    """Keep a chart drawn from the results table `drawn_from` (already written) as <name>.png."""
    out = Path(out_dir)
    charts = _chart_index(out)
    (out / f"{name}.png").write_bytes(png)
    charts[name] = {"drawn_from": drawn_from, "table_sha256": file_sha256(out / f"{drawn_from}.parquet"),
                    "sha256": hashlib.sha256(png).hexdigest()}
    (out / CHARTS).write_text(json.dumps(charts, ensure_ascii=False, indent=1, sort_keys=True),
                              encoding="utf-8")


def read_charts(out_dir: str | Path) -> dict[str, bytes]:
    """The charts `write_chart` kept whose table and bytes are still the ones they were drawn
    from and as; any other (a table written again since, a damaged file) is left out, to be
    drawn anew."""
    out = Path(out_dir)
    kept = {}
    for name, entry in _chart_index(out).items():
        drawn_from = entry.get("drawn_from") if isinstance(entry, dict) else None
        if not (_PLAIN_NAME.fullmatch(name) and isinstance(drawn_from, str)
                and _PLAIN_NAME.fullmatch(drawn_from)):
            continue
        path, table = out / f"{name}.png", out / f"{drawn_from}.parquet"
        if not (path.is_file() and table.is_file()) or file_sha256(table) != entry.get("table_sha256"):
            continue
        png = path.read_bytes()
        if hashlib.sha256(png).hexdigest() == entry.get("sha256"):
            kept[name] = png
    return kept


def _chart_index(out: Path) -> dict:
    try:
        index = json.loads((out / CHARTS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return index if isinstance(index, dict) else {}


def file_sha256(path: str | Path) -> str:
    """The SHA-256 of a file's bytes (hex), read in 1 MB pieces."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
