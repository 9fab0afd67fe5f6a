"""Reading unit submissions (月调度表): every *.xlsx and *.csv under a folder → one table of rows.

This module knows the monthly report form: its columns, the names units give them, where the
header is, and which lines under it are data. It does not judge values (that is `cleaning`).

What counts as an input row (below the header row of a table; "cells" are those of the
recognised columns, see KEEP_FIELDS):

1. blank    – no cell holds anything but whitespace. Not input. (Empty rows after the last
              non-empty row of a sheet are not rows at all.)
2. total    – 区县 reads 合计 / 总计 / 小计, or the 指标编号 does not look like an indicator
              code and a label cell (指标编号, 项目名称, 指标名称) reads so. Not input: the
              ledger never takes a unit's totals (the office sums the districts itself).
3. note     – no figure in 本月完成 / 累计完成 / 上年末基数 / 年度任务, the 指标编号 cell does
              not look like an indicator code, and either the row lies below the last row whose
              指标编号 looks like a code, or its first non-empty cell starts with a note word
              (注, 说明, 填报人, 审核人, 联系人, 联系电话, 负责人, 制表, 数据来源), or it has a
              single non-empty cell outside the reported columns (a section heading). Not input.
4. unfilled – the 指标编号 looks like a code but nothing is reported (本月完成, 累计完成,
              上年末基数, 年度任务, 进展情况 and 备注 all empty): a pre-filled template row left
              empty. Not input.
5. input    – every other row. Each is, after cleaning, exactly one of clean, quarantined or
              duplicate.

Rows 1–4 are counted in `Submissions.skipped`. Row numbers: the 1-based Excel row, or the
physical line where a CSV record starts (1-based, counting every line, empty ones too).

Speed: CSV bodies are parsed by pyarrow (text with few distinct values dictionary-encoded, so it
is hashed once, in C++), files in a few threads; odd files (ragged rows, a quoted value spanning
lines) take Python's csv module, which is exact. Workbooks are read by openpyxl (read-only, values only) in the
calling thread: openpyxl holds the interpreter lock, so threads would only contend. Classification runs once over all rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import sys
import unicodedata
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

# The form's columns in template order: field → header printed on the template.
FORM_COLUMNS: dict[str, str] = {
    "indicator_id": "指标编号",
    "item_name": "项目名称",
    "indicator_name": "指标名称",
    "unit": "计量单位",
    "annual_target": "年度目标",
    "district": "区县",
    "month": "统计月份",
    "monthly": "本月完成",
    "cumulative": "累计完成",
    "baseline": "上年末基数",
    "district_target": "年度任务",
    "progress_text": "进展情况",
    "remark": "备注",
    "reporting_unit": "填报单位",
    "submitted_on": "填报日期",
}
# Names units give the columns (compared after NFKC, without whitespace or '*').
_ALIASES: dict[str, tuple[str, ...]] = {
    "indicator_id": ("编号", "指标代码", "指标编码", "代码", "指标ID", "指标id"),
    "item_name": ("项目", "实事项目", "民生实事", "民生实事项目", "项目名"),
    "indicator_name": ("指标", "指标内容", "具体指标", "任务内容", "指标名"),
    "unit": ("单位", "计量", "单位名称"),
    "annual_target": ("全年目标", "目标值", "年度目标值", "全市目标", "全年目标任务"),
    "district": ("县区", "区(县)", "区县名称", "区县(全市)", "地区", "区域", "行政区划", "所属区县"),
    "month": ("月份", "报送月份", "统计期", "报告期", "所属月份", "统计时间", "期别"),
    "monthly": ("本月", "当月完成", "当月", "本月完成值", "本月完成数", "当月完成数", "本月新增",
                "当月新增", "当月完成值"),
    "cumulative": ("累计完成值", "累计", "截至本月累计", "截至本月累计完成", "截止本月累计",
                   "截止本月累计完成", "累计完成数", "本年累计", "年度累计", "累计值", "当前值",
                   "截至目前累计", "截至当月累计", "年初至今累计"),
    "baseline": ("上年末", "基数", "年初基数", "上年基数", "上年末值", "年初值", "上年末基数值"),
    "district_target": ("年度任务数", "本年任务", "分解任务", "区县任务", "任务数", "年度任务值"),
    "progress_text": ("进展", "工作进展", "进度情况", "推进情况", "进展说明", "完成情况说明"),
    "remark": ("说明",),
    "reporting_unit": ("报送单位",),
    "submitted_on": ("报送日期", "填报时间", "报送时间", "日期"),
}
NUMERIC_FIELDS = ("monthly", "cumulative", "baseline", "district_target")
TEXT_FIELDS = ("progress_text", "remark")
REPORTED_FIELDS = NUMERIC_FIELDS + TEXT_FIELDS
# Fields carried into cleaning (the rest of the form is pre-filled description).
READ_FIELDS = ("indicator_id", "district", "month", *NUMERIC_FIELDS, *TEXT_FIELDS,
               "reporting_unit", "submitted_on")
# Columns read from the body: the carried fields plus the labels used to spot 合计 rows.
KEEP_FIELDS = frozenset({*READ_FIELDS, "item_name", "indicator_name"})
# Pre-table lines such as "填报单位：市教委  统计月份：2026年3月" fill empty cells of these fields.
META_LABELS = {
    "reporting_unit": ("填报单位", "报送单位"),
    "month": ("统计月份", "报送月份", "月份"),
    "submitted_on": ("填报日期", "报送日期", "填报时间"),
}
NOTE_WORDS = ("注", "说明", "填报人", "审核人", "联系人", "联系电话", "负责人", "制表", "数据来源", "备注：")
TOTAL_WORDS = frozenset({"合计", "总计", "小计"})
SKIP_KINDS = ("blank", "note", "total", "unfilled")

FILE_REJECTIONS: dict[str, str] = {
    "FILE_TYPE": "不是 xlsx 或 csv 文件",
    "FILE_TOO_LARGE": "文件超过大小上限",
    "FILE_ENCRYPTED": "文件设有打开密码，无法读取",
    "FILE_UNREADABLE": "文件损坏、编码无法识别或无法解析",
    "FILE_EMPTY": "文件为空（没有任何内容）",
    "FILE_NO_HEADER": "未找到表头（前若干行中没有“指标编号”列及填报列）",
}


def _norm_header(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s*★:：]", "", s)


HEADER_ALIASES: dict[str, str] = {}
for _field, _name in FORM_COLUMNS.items():
    HEADER_ALIASES[_norm_header(_name)] = _field
    for _alias in _ALIASES.get(_field, ()):
        HEADER_ALIASES.setdefault(_norm_header(_alias), _field)
_BRACKET = re.compile(r"[(\[【](.*?)[)\]】]$")
_CODE_LIKE = re.compile(r"([A-Z]{2})(\d{1,2})-(\d{1,2})")


def header_field(text: object) -> tuple[str | None, int]:
    """The form field a header cell names, and a multiplier (10000 for '累计完成（万人）')."""
    if text is None:
        return None, 1
    s = _norm_header(str(text))
    if s in HEADER_ALIASES:
        return HEADER_ALIASES[s], 1
    m = _BRACKET.search(s)
    if m:
        stem = s[: m.start()]
        if stem in HEADER_ALIASES:
            field_ = HEADER_ALIASES[stem]
            factor = 10_000 if field_ in NUMERIC_FIELDS and m.group(1).startswith("万") else 1
            return field_, factor
    return None, 1


def normalize_indicator_id(text: object) -> str | None:
    """'ms1-1', 'MS01—01', ' MS01-01 ' → 'MS01-01'; None when the text does not look like a code."""
    if text is None:
        return None
    s = unicodedata.normalize("NFKC", str(text)).upper()
    s = re.sub(r"\s+", "", s)
    s = re.sub(r"[—–_.－‐]", "-", s)
    m = _CODE_LIKE.fullmatch(s)
    if not m:
        return None
    return f"{m.group(1)}{int(m.group(2)):02d}-{int(m.group(3)):02d}"


class FileRejected(Exception):
    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


@dataclass
class Header:
    row_index: int                 # position of the (last) header row in the grid
    columns: dict[int, str]        # grid column → field (first occurrence wins)
    names: dict[str, str]          # field → header text as written
    factors: dict[str, int]        # numeric field → multiplier from the header (万)


@dataclass
class Table:
    """One table found in a file: where it is, its header, the lines above it, its body rows."""

    file: str
    sheet: str
    header: Header
    pre_rows: list[list[str | None]]   # lines above the header (title, 填报单位 …)
    body: pa.Table                      # source_row + KEEP_FIELDS (text; null where no column)


@dataclass
class Submissions:
    """Everything read from a raw folder."""

    rows: pd.DataFrame              # all input rows: file_no, table_no, source_file, source_sheet,
                                    # source_row, READ_FIELDS (raw text)
    tables: pd.DataFrame            # table_no, file, sheet, field, header, factor
    files: list[str]                # files read, relative posix paths, in reading order
    rejected: list[dict[str, str]]  # [{file, reason_code, reason}]
    skipped: dict[str, int] = field(default_factory=dict)


# ─────────────────────────────────────────────────────────── discovering and reading files

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
    found: list[Table] = []
    file_nos: list[np.ndarray] = []
    table_nos: list[np.ndarray] = []
    headers: list[dict[str, object]] = []
    skipped = dict.fromkeys(SKIP_KINDS, 0)
    table_no = 0

    def read_one(path: Path) -> tuple[str, list[Table] | None, FileRejected | None]:
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
    body = pa.concat_tables(frames) if frames else _empty_body()
    tno = np.concatenate(table_nos) if table_nos else np.zeros(0, np.int64)
    body = body.unify_dictionaries()
    coded = {fld: dictionary_codes(body.column(fld)) for fld in DICT_FIELDS}
    kind, notes = _classify(body, coded, tno, found)
    for i, k in enumerate(SKIP_KINDS):
        skipped[k] = int(np.count_nonzero(kind == i + 1))
    keep = np.flatnonzero(kind == 0)
    every = len(keep) == body.num_rows
    tno = tno[keep]
    metas = [_meta([*t.pre_rows, *notes.get(i, [])]) for i, t in enumerate(found)]
    columns: dict[str, object] = {}
    for fld in READ_FIELDS:
        col = body.column(fld)
        if fld in DICT_FIELDS:
            # Text with few distinct values: a pandas categorical straight from arrow's codes.
            codes, values = coded[fld]
            codes = codes if every else codes[keep]
            if fld in META_LABELS:
                codes, values = _fill_from_meta(codes, values, tno, [m.get(fld) for m in metas])
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


def read_file(path: Path, rel: str, *, max_file_bytes: int, header_rows: int = 20) -> list[Table]:
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
        return _read_xlsx(path, rel, header_rows)
    return _read_csv(path, rel, header_rows)


# ─────────────────────────────────────────────────────────── xlsx

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _read_xlsx(path: Path, rel: str, header_rows: int) -> list[Table]:
    with open(path, "rb") as fh:
        magic = fh.read(8)
    if magic == _OLE_MAGIC:
        # An .xlsx saved with a password is an OLE container holding the encrypted package.
        import msoffcrypto

        try:
            with open(path, "rb") as fh:
                encrypted = msoffcrypto.OfficeFile(fh).is_encrypted()
        except Exception:  # any failure to open the container is "unreadable"
            encrypted = False
        raise FileRejected("FILE_ENCRYPTED" if encrypted else "FILE_UNREADABLE",
                           "" if encrypted else "OLE 容器（可能是另存为 .xlsx 的旧版 .xls）")
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about data validation extensions etc.
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types on damaged packages
        raise FileRejected("FILE_UNREADABLE", type(exc).__name__) from None
    tables: list[Table] = []
    any_content = False
    try:
        for ws in wb.worksheets:
            grid, row_numbers = _sheet_grid(ws)
            if not grid:
                continue
            any_content = True
            table = _table_from_grid(rel, ws.title, grid, row_numbers, header_rows)
            if table is not None:
                tables.append(table)
    except FileRejected:
        raise
    except Exception as exc:  # damaged sheet XML
        raise FileRejected("FILE_UNREADABLE", type(exc).__name__) from None
    finally:
        wb.close()
    if not any_content:
        raise FileRejected("FILE_EMPTY")
    if not tables:
        raise FileRejected("FILE_NO_HEADER")
    return tables


def _sheet_grid(ws) -> tuple[list[list[str | None]], list[int]]:
    """All non-trailing rows of a sheet as text cells (percent cells as '55%', dates as ISO),
    as openpyxl's read-only iteration gives them."""
    ws.reset_dimensions()  # never trust the stored dimension: it can be stale and cut rows
    grid: list[list[str | None]] = []
    numbers: list[int] = []
    last_content = -1
    for r, row in enumerate(ws.iter_rows(min_row=1), start=1):
        cells: list[str | None] = []
        for cell in row:
            col = getattr(cell, "column", None)
            if col is None or cell.value is None:
                continue
            while len(cells) < col - 1:
                cells.append(None)
            cells.append(cell_text(cell.value, cell.number_format))
        grid.append(cells)
        numbers.append(r)
        if any(c is not None and c.strip() for c in cells):
            last_content = len(grid) - 1
    return grid[: last_content + 1], numbers[: last_content + 1]


def cell_text(value: object, number_format: str | None = None) -> str | None:
    """A spreadsheet cell as the text a person sees, exact: 0.55 in a percent cell → '55%'."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if isinstance(value, float) and not np.isfinite(value):
            return str(value)
        if number_format and "%" in number_format:
            d = (Decimal(repr(value)) * 100).normalize()
            return f"{d:f}%"
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ─────────────────────────────────────────────────────────── csv

_HEAD_BYTES = 1 << 16  # the header is searched in the first 64 KB (a few hundred lines)


def _decode_head(data: bytes) -> tuple[str, str]:
    """(encoding, text of the first ~256 KB): UTF-8 (with or without BOM), else GB18030 (⊃ GBK)."""
    head = data[: _HEAD_BYTES]
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=len(head) == len(data))
        return "utf-8", text
    except UnicodeDecodeError:
        pass
    try:
        return "gb18030", codecs.getincrementaldecoder("gb18030")().decode(head, final=len(head) == len(data))
    except UnicodeDecodeError:
        raise FileRejected("FILE_UNREADABLE", "编码既不是 UTF-8 也不是 GBK/GB18030") from None


def _read_csv(path: Path, rel: str, header_rows: int) -> list[Table]:
    data = path.read_bytes()
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            data = data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError:
            raise FileRejected("FILE_UNREADABLE", "UTF-16 解码失败") from None
    if b"\n" not in data and b"\r" in data:
        data = data.replace(b"\r", b"\n")  # classic Mac line ends
    if not data[: 1 << 16].strip() and not data.strip():
        raise FileRejected("FILE_EMPTY")
    encoding, head = _decode_head(data)
    if encoding != "utf-8":
        try:
            data = data.decode(encoding).encode("utf-8")
        except UnicodeDecodeError:
            raise FileRejected("FILE_UNREADABLE", "编码既不是 UTF-8 也不是 GBK/GB18030") from None
        head = data[: _HEAD_BYTES].decode("utf-8", errors="ignore")
    found = _csv_header(head, header_rows, whole=len(data) <= _HEAD_BYTES)
    if found is None:
        if not any(ch.strip(" ,;\t\r\n\"") for ch in head[:4096]):
            raise FileRejected("FILE_EMPTY")
        raise FileRejected("FILE_NO_HEADER")
    delimiter, pre_rows, header, header_line_end, ncols = found
    try:
        keep = {j: fld for j, fld in header.columns.items() if fld in KEEP_FIELDS}
        body, row_numbers = _csv_body_fast(data, delimiter, ncols, header_line_end, keep)
    except UnicodeDecodeError:
        raise FileRejected("FILE_UNREADABLE", "编码无法识别") from None
    if body is None:
        body, row_numbers = _csv_body_slow(data, delimiter, ncols, header_line_end)
    return [_make_table(rel, "", pre_rows, header, body, row_numbers)]


def _csv_header(head: str, header_rows: int, whole: bool):
    """(delimiter, rows above the header, header cells, line number ending the header) or None."""
    lines = head.splitlines(keepends=True)
    # The head may end inside a line (or a quoted field): drop that last piece unless it is all.
    complete = lines if whole or len(lines) < 2 else lines[:-1]
    for delimiter in (",", "\t", ";"):
        reader = csv.reader(io.StringIO("".join(complete)), delimiter=delimiter)
        rows: list[list[str]] = []
        ends: list[int] = []
        try:
            for rec in reader:
                rows.append(rec)
                ends.append(reader.line_num)
                if len(rows) >= header_rows:
                    break
        except csv.Error:
            continue
        header = _find_header(rows, header_rows)
        if header is not None:
            i = header.row_index
            ncols = max(len(rows[i]), len(rows[i - 1]) if i > 0 else 0, max(header.columns) + 1)
            return delimiter, rows[:i], header, ends[i], ncols
    return None


def _csv_body_fast(data: bytes, delimiter: str, ncols: int, header_line_end: int,
                   keep: dict[int, str]):
    """Parse the body with pyarrow; (None, None) when the file needs the exact slow path.

    Only the columns in `keep` are converted (the form's descriptive columns are not needed).
    """
    offset = 0
    for _ in range(header_line_end):
        nl = data.find(b"\n", offset)
        offset = len(data) if nl < 0 else nl + 1
    body = memoryview(data)[offset:]
    names = [f"c{i}" for i in range(ncols)]
    kept = [names[j] for j in keep if j < ncols]
    types = {names[j]: _DICT if fld in DICT_FIELDS else pa.string() for j, fld in keep.items() if j < ncols}
    if not len(body):
        return pa.table({c: pa.array([], pa.string()) for c in kept}), np.array([], np.int64)
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=names),
            # Empty lines are kept as (blank) rows, so a row's line number is its position unless
            # a quoted value spans lines (checked below). A ragged row raises: the exact slow path.
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=False,
                                              ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(column_types=types,
                                                 include_columns=kept,
                                                 # an empty cell is null; "NA", "null" … stay text
                                                 null_values=[""], strings_can_be_null=True,
                                                 quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as exc:
        if "invalid UTF8" in str(exc):
            raise UnicodeDecodeError("utf-8", b"", 0, 1, str(exc)) from None
        return None, None
    if _quoted_newline(data, offset):
        return None, None  # a quoted value spans lines (pyarrow reads it whole): rows ≠ lines
    n = table.num_rows
    return table, np.arange(header_line_end + 1, header_line_end + 1 + n, dtype=np.int64)


def _quoted_newline(data: bytes, offset: int) -> bool:
    """Whether a newline lies between a pair of quotes (a value spanning lines).

    Walks the quotes only (a few per thousand rows in an Excel export), not every line. A stray
    quote inside an unquoted value can only give a false alarm, which costs the slow path.
    """
    i = data.find(b'"', offset)
    while i >= 0:
        j = data.find(b'"', i + 1)
        if j < 0:
            return data.find(b"\n", i) >= 0
        if data.find(b"\n", i, j) >= 0:
            return True
        i = data.find(b'"', j + 1)
    return False


def _csv_body_slow(data: bytes, delimiter: str, ncols: int, header_line_end: int):
    """The exact path for ragged or odd files: Python's csv module, one record at a time."""
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    cols: list[list[str]] = [[] for _ in range(ncols)]
    numbers: list[int] = []
    prev_end = 0
    try:
        for rec in reader:
            start = prev_end + 1
            prev_end = reader.line_num
            if start <= header_line_end:
                continue
            numbers.append(start)  # an empty line is a (blank) row too, as in the fast path
            for i in range(ncols):
                cols[i].append(rec[i] if i < len(rec) and rec[i] != "" else None)
            # Cells beyond the header have no column name: ignored, like any unrecognised column.
    except csv.Error as exc:
        raise FileRejected("FILE_UNREADABLE", f"CSV 格式错误：{exc}") from None
    table = pa.table({f"c{i}": pa.array(c, pa.string()) for i, c in enumerate(cols)})
    return table, np.asarray(numbers, dtype=np.int64)


# ─────────────────────────────────────────────────────────── header and rows

def _find_header(rows: list[list[str | None]], header_rows: int) -> Header | None:
    """The header row: a 指标编号 column plus a reported column (本月完成 / 累计完成 / 进展情况).

    A two-row header (a merged group title above 本月完成 / 累计完成) is read as one.
    """
    for i, row in enumerate(rows[:header_rows]):
        fields = [header_field(c) for c in row]
        found = {f for f, _ in fields if f}
        if "indicator_id" not in found:
            continue
        texts = list(row)
        last = i
        below_row = list(rows[i + 1]) if i + 1 < len(rows) else []
        below = [header_field(c) for c in below_row]
        below_found = {f for f, _ in below if f}
        if len(below_found) >= 2 and "indicator_id" not in below_found and below_found - found:
            width = max(len(row), len(below_row))
            fields += [(None, 1)] * (width - len(fields))
            below += [(None, 1)] * (width - len(below))
            texts += [None] * (width - len(texts))
            below_row += [None] * (width - len(below_row))
            texts = [b_text if b[0] else t for t, b, b_text in zip(texts, below, below_row, strict=True)]
            fields = [b if b[0] else a for a, b in zip(fields, below, strict=True)]
            found = {f for f, _ in fields if f}
            last = i + 1
        if not found & {"monthly", "cumulative", "progress_text"} or len(found) < 3:
            continue
        columns: dict[int, str] = {}
        names: dict[str, str] = {}
        factors: dict[str, int] = {}
        for j, (fld, factor) in enumerate(fields):
            if fld and fld not in names:
                columns[j] = fld
                names[fld] = str(texts[j]).strip()
                if factor != 1:
                    factors[fld] = factor
        return Header(last, columns, names, factors)
    return None


def _table_from_grid(rel: str, sheet: str, grid: list[list[str | None]], row_numbers: list[int],
                     header_rows: int) -> Table | None:
    header = _find_header(grid, header_rows)
    if header is None:
        return None
    start = header.row_index + 1
    body_rows = grid[start:]
    cols = {f"c{j}": pa.array([(r[j] if j < len(r) else None) for r in body_rows], pa.string())
            for j, fld in header.columns.items() if fld in KEEP_FIELDS}
    return _make_table(rel, sheet, grid[: header.row_index], header, cols,
                       np.asarray(row_numbers[start:], dtype=np.int64))


def _make_table(rel: str, sheet: str, pre_rows: list[list[str | None]], header: Header,
                columns: dict[str, pa.Array | pa.ChunkedArray] | pa.Table, row_numbers: np.ndarray) -> Table:
    """The body under the form's field names, typed as in _BODY_SCHEMA (no column: all null)."""
    if isinstance(columns, pa.Table):
        columns = {name: columns.column(name) for name in columns.column_names}
    n = len(row_numbers)
    body = {"source_row": pa.array(row_numbers, pa.int64())}
    by_field = {fld: columns[f"c{j}"] for j, fld in header.columns.items() if f"c{j}" in columns}
    for fld in KEEP_ORDER:
        kind = _BODY_SCHEMA.field(fld).type
        col = by_field.get(fld)
        if col is None:
            col = pa.nulls(n, pa.string())
        if pa.types.is_dictionary(kind) and not pa.types.is_dictionary(col.type):
            col = pc.dictionary_encode(col)
        body[fld] = col
    return Table(rel, sheet, header, pre_rows, pa.table(body, schema=_BODY_SCHEMA))


# Text with few distinct values is read dictionary-encoded: it is hashed once, in the parallel
# parse, and every later per-value rule works on the distinct values only. Figures stay text, and
# so do the two label columns: they are looked at only on the few rows without an indicator code
# (hashing their long texts on every row was a quarter of the parse).
KEEP_ORDER = [fld for fld in FORM_COLUMNS if fld in KEEP_FIELDS]
LABEL_FIELDS = frozenset({"item_name", "indicator_name"})
DICT_FIELDS = frozenset(KEEP_FIELDS - set(NUMERIC_FIELDS) - LABEL_FIELDS)
_DICT = pa.dictionary(pa.int32(), pa.string())
_BODY_SCHEMA = pa.schema([("source_row", pa.int64()),
                          *((fld, _DICT if fld in DICT_FIELDS else pa.string()) for fld in KEEP_ORDER)])


def _empty_body() -> pa.Table:
    return _BODY_SCHEMA.empty_table()


def dictionary_codes(col: pa.ChunkedArray) -> tuple[np.ndarray, list[str]]:
    """(codes, values) of a dictionary column whose chunks share one dictionary; -1 for null."""
    if col.num_chunks == 0:
        return np.zeros(0, dtype=np.int32), []
    values = col.chunk(0).dictionary.to_pylist()
    indices = pa.chunked_array([ch.indices for ch in col.chunks], type=col.type.index_type)
    codes = pc.fill_null(indices, -1).to_numpy(zero_copy_only=False)
    return codes, values


def _per_value(coded: tuple[np.ndarray, list[str]], test, missing: bool = False) -> np.ndarray:
    """A per-row boolean from a test on each distinct value of a dictionary column."""
    codes, values = coded
    table = np.array([bool(test(v)) for v in values] + [missing], dtype=bool)
    return table[np.where(codes >= 0, codes, len(values))]


def _nonblank(col: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Cells holding text other than whitespace."""
    filled = pc.fill_null(pc.greater(pc.binary_length(col), 0), False)
    space = pc.fill_null(pc.utf8_is_space(col), False)
    return pc.and_(filled, pc.invert(space)).to_numpy(zero_copy_only=False)


def _meta(rows: Iterable[list[str | None]]) -> dict[str, str]:
    """填报单位 / 统计月份 / 填报日期 written on lines around the table."""
    labels = [(fld, lab) for fld, labs in META_LABELS.items() for lab in labs]
    pattern = re.compile("(" + "|".join(re.escape(lab) for _, lab in labels) + r")\s*[:：]")
    found: dict[str, str] = {}
    for row in rows:
        text = "\t".join("" if c is None else str(c) for c in row)
        matches = list(pattern.finditer(text))
        for k, m in enumerate(matches):
            end = matches[k + 1].start() if k + 1 < len(matches) else len(text)
            value = text[m.end():end].strip(" \t\u3000")
            value = value.split("\t")[0].strip() if value else ""
            fld = next(f for f, lab in labels if lab == m.group(1))
            if value and fld not in found:
                found[fld] = value
    return found


def _classify(body: pa.Table, coded: dict[str, tuple[np.ndarray, list[str]]], table_no: np.ndarray,
              tables: list[Table]) -> tuple[np.ndarray, dict]:
    """Row kinds (0 input, then SKIP_KINDS in order: 1 blank, 2 note, 3 total, 4 unfilled) and the
    note lines below each table (for 填报日期 written under it), in one pass over every file."""
    n = body.num_rows
    blank_, note_, total_, unfilled_ = (SKIP_KINDS.index(k) + 1 for k in SKIP_KINDS)
    codeish = _per_value(coded["indicator_id"], lambda v: normalize_indicator_id(v) is not None)
    numeric = np.zeros(n, dtype=bool)
    reported = np.zeros(n, dtype=bool)
    for fld in REPORTED_FIELDS:
        col = body.column(fld)
        nb = _per_value(coded[fld], str.strip) if fld in DICT_FIELDS else _nonblank(col)
        reported |= nb
        if fld in NUMERIC_FIELDS:
            numeric |= nb
    kind = np.zeros(n, dtype=np.int8)
    kind[codeish & ~reported] = unfilled_
    # A coded row whose 区县 reads 合计 is the unit's own total: not input either.
    kind[codeish & _per_value(coded["district"], lambda v: re.sub(r"\s", "", v) in TOTAL_WORDS)] = total_
    # The last row with a code-like 指标编号 in each table: what lies below is the trailer.
    last_code = np.full(len(tables), -1, dtype=np.int64)
    np.maximum.at(last_code, table_no[codeish], np.flatnonzero(codeish))
    odd = np.flatnonzero(~codeish)
    notes: dict[int, list[list[str | None]]] = {}
    if len(odd):
        # Rows without a code-like 指标编号 are few in a real submission: look at their cells.
        fields = [f for f in FORM_COLUMNS if f in KEEP_FIELDS]
        labels = ("indicator_id", "item_name", "indicator_name", "district")
        records = body.select(fields).take(pa.array(odd)).to_pylist()
        for pos, rec in zip(odd, records, strict=True):
            t = int(table_no[pos])
            order = sorted(tables[t].header.columns.items())  # sheet order of the columns
            cells = [(fld, rec[fld]) for _, fld in order
                     if fld in rec and rec[fld] is not None and rec[fld].strip()]
            if not cells:
                kind[pos] = blank_
                continue
            texts = dict(cells)
            if any(re.sub(r"\s", "", texts.get(f, "")) in TOTAL_WORDS for f in labels):
                kind[pos] = total_
                continue
            if numeric[pos]:
                continue
            below = pos > last_code[t]
            lone_label = len(cells) == 1 and cells[0][0] not in REPORTED_FIELDS
            if below or cells[0][1].strip().startswith(NOTE_WORDS) or lone_label:
                kind[pos] = note_
                if below:
                    notes.setdefault(t, []).append([v for _, v in cells])
    return kind, notes


def _fill_from_meta(codes: np.ndarray, values: list[str], table_no: np.ndarray,
                    meta: list[str | None]) -> tuple[np.ndarray, list[str]]:
    """Empty 填报单位 / 统计月份 / 填报日期 cells take the value written above or below the table."""
    if not any(meta):
        return codes, values
    values = list(values)
    index = {v: i for i, v in enumerate(values)}
    for v in meta:
        if v and v not in index:
            index[v] = len(values)
            values.append(v)
    blank_value = np.array([not v.strip() for v in values] + [True], dtype=bool)
    blank = blank_value[np.where(codes >= 0, codes, len(values))]
    fill = np.array([index[v] if v else -1 for v in meta], dtype=np.int64)[table_no]
    codes = np.where(blank & (fill >= 0), fill, codes)
    return codes, values
