"""Reading unit submissions (月调度表): every submission file under a folder → one table of rows.

The reader knows the form (`intake.form`) and where its header is; it does not judge values
(that is `intake.clean`). Files are read in sorted path order; a file it cannot take is listed
with its reason (contracts.checks), never skipped silently. Rows that are not input (blank,
note, total, unfilled: `intake.rows`) are counted in `Submissions.skipped`. Row numbers: the
1-based Excel row, or the physical line where a CSV record starts.

Speed: CSV bodies are parsed by pyarrow in a few threads; workbooks are read by openpyxl
(read-only, values only) in the calling thread: openpyxl holds the interpreter lock, so
threads would only contend. Classification runs once over all rows.
"""

from __future__ import annotations

import csv
import os
import sys
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from minsheng.contracts.checks import FILE_REJECTIONS, SKIP_KINDS
from minsheng.intake.delimited import read_csv
from minsheng.intake.errors import FileRejected
from minsheng.intake.form import META_LABELS, READ_FIELDS
from minsheng.intake.rows import classify, fill_from_meta, meta
from minsheng.intake.tables import DICT_FIELDS, SubmittedTable, dictionary_codes, empty_body
from minsheng.intake.xlsx import read_xlsx


@dataclass
class Submissions:
    """Everything read from a raw folder."""

    rows: pd.DataFrame              # all input rows: file_no, table_no, source_file, source_sheet,
                                    # source_row, READ_FIELDS (raw text)
    tables: pd.DataFrame            # table_no, file, sheet, field, header, factor
    files: list[str]                # files read, relative posix paths, in reading order
    rejected: list[dict[str, str]]  # [{file, reason_code, reason}]
    skipped: dict[str, int] = field(default_factory=dict)


def discover(raw_dir: Path) -> list[Path]:
    """Every file under raw_dir, sorted by relative path; hidden files and Office lock files (~$) skipped."""
    files = [p for p in raw_dir.rglob("*") if p.is_file()]
    keep = [p for p in files
            if not any(part.startswith(".") for part in p.relative_to(raw_dir).parts)
            and not p.name.startswith("~$")]
    return sorted(keep, key=lambda p: p.relative_to(raw_dir).as_posix())


def read_submissions(raw_dir: str | Path, *, max_file_bytes: int, header_rows: int = 20,
                     progress: bool = False) -> Submissions:
    """Read every *.xlsx / *.csv under raw_dir (recursively, sorted). Rejected files are listed."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise FileNotFoundError(f"原始数据目录不存在 / raw folder not found: {raw_dir}")
    paths = discover(raw_dir)
    rejected: list[dict[str, str]] = []
    read: list[str] = []
    frames: list[pa.Table] = []
    found: list[SubmittedTable] = []
    file_nos: list[np.ndarray] = []
    table_nos: list[np.ndarray] = []
    headers: list[dict[str, object]] = []
    skipped = dict.fromkeys(SKIP_KINDS, 0)
    table_no = 0

    def read_one(path: Path) -> tuple[str, list[SubmittedTable] | None, FileRejected | None]:
        rel = path.relative_to(raw_dir).as_posix()
        try:
            return rel, read_file(path, rel, max_file_bytes=max_file_bytes, header_rows=header_rows), None
        except FileRejected as rej:
            return rel, None, rej
        except (ValueError, IndexError, KeyError, OSError, UnicodeError, csv.Error, pa.ArrowException) as exc:
            return rel, None, FileRejected("FILE_UNREADABLE", type(exc).__name__)

    # CSV files are parsed in a few threads (pyarrow and the regex kernels release the GIL).
    # Workbooks are parsed by Python code that holds the GIL, so threads would only contend
    # for it (150 workbooks: 5.7 s of CPU in two threads, 3.2 s in one): they are read in this
    # thread, one after another, while the CSV threads run. Results are taken in path order,
    # so nothing depends on scheduling.
    with ThreadPoolExecutor(max_workers=min(2, os.cpu_count() or 1)) as pool:
        in_threads = {p: pool.submit(read_one, p) for p in paths if p.suffix.lower() != ".xlsx"}
        results: Iterable = (in_threads[p].result() if p in in_threads else read_one(p)
                             for p in paths)
        if progress:
            from tqdm import tqdm

            results = tqdm(results, total=len(paths), desc="读取", unit="文件", file=sys.stderr,
                           disable=None)
        for rel, tables, rej in results:
            if rej is not None:
                reason = FILE_REJECTIONS[rej.code] + (f"：{rej.detail}" if rej.detail else "")
                rejected.append({"file": rel, "reason_code": rej.code, "reason": reason})
                continue
            file_no = len(read)
            read.append(rel)
            for t in tables:
                for fld, name in t.header.names.items():
                    headers.append({"table_no": table_no, "file": rel, "sheet": t.sheet, "field": fld,
                                    "header": name, "factor": t.header.factors.get(fld, 1)})
                frames.append(t.body)
                found.append(t)
                table_nos.append(np.full(t.body.num_rows, table_no, dtype=np.int64))
                file_nos.append(np.full(t.body.num_rows, file_no, dtype=np.int64))
                table_no += 1
    # Every file's rows in one arrow table (no copy), classified in one vectorized pass.
    body = pa.concat_tables(frames) if frames else empty_body()
    tno = np.concatenate(table_nos) if table_nos else np.zeros(0, np.int64)
    body = body.unify_dictionaries()
    coded = {fld: dictionary_codes(body.column(fld)) for fld in DICT_FIELDS}
    kind, notes = classify(body, coded, tno, found)
    for i, k in enumerate(SKIP_KINDS):
        skipped[k] = int(np.count_nonzero(kind == i + 1))
    keep = np.flatnonzero(kind == 0)
    every = len(keep) == body.num_rows
    tno = tno[keep]
    metas = [meta([*t.pre_rows, *notes.get(i, [])]) for i, t in enumerate(found)]
    columns: dict[str, object] = {}
    for fld in READ_FIELDS:
        col = body.column(fld)
        if fld in DICT_FIELDS:
            # Text with few distinct values: a pandas categorical straight from arrow's codes.
            codes, values = coded[fld]
            codes = codes if every else codes[keep]
            if fld in META_LABELS:
                codes, values = fill_from_meta(codes, values, tno, [m.get(fld) for m in metas])
            columns[fld] = pd.Categorical.from_codes(codes, categories=pd.Index(values, dtype="str"))
        else:
            columns[fld] = (col if every else col.take(pa.array(keep))).to_pandas()
    rows = pd.DataFrame({
        "file_no": np.concatenate(file_nos)[keep] if file_nos else np.zeros(0, np.int64),
        "table_no": tno,
        "source_row": body.column("source_row").to_numpy()[keep],
        **columns,
    }, copy=False)
    table_frame = pd.DataFrame(headers, columns=["table_no", "file", "sheet", "field", "header", "factor"]) \
        .astype({"table_no": "int64", "factor": "int64"})
    # Lineage as categoricals: a million rows share a few file and sheet names.
    rows.insert(2, "source_file", pd.Categorical.from_codes(rows["file_no"].to_numpy(), categories=read))
    sheets = [t.sheet for t in found]
    sheet_names = sorted(set(sheets))
    table_sheet = np.array([sheet_names.index(x) for x in sheets], dtype=np.int64)
    rows.insert(3, "source_sheet", pd.Categorical.from_codes(
        table_sheet[rows["table_no"].to_numpy()] if len(rows) else np.array([], np.int64),
        categories=sheet_names))
    return Submissions(rows, table_frame, read, rejected, skipped)


def read_file(path: Path, rel: str, *, max_file_bytes: int, header_rows: int = 20) -> list[SubmittedTable]:
    """The tables of one file, or FileRejected with a reason code."""
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        raise FileRejected("FILE_TYPE", path.suffix or "无扩展名")
    size = path.stat().st_size
    if size > max_file_bytes:
        raise FileRejected("FILE_TOO_LARGE", f"{size} 字节 > {max_file_bytes} 字节")
    if size == 0:
        raise FileRejected("FILE_EMPTY")
    if suffix == ".xlsx":
        return read_xlsx(path, rel, header_rows)
    return read_csv(path, rel, header_rows)
