"""Verifying a publication against its manifest: `minsheng verify reports/2026Q3`.

Two checks. Files: every file manifest.json lists is inside the folder, present and of its
SHA-256, and no other file is there (publications nested in it, a quarter's districts/, are
verified on their own). Figures, recomputed from the published data (data/ledger.parquet,
data/catalogue.yaml) and compared at the precision the workbook stores, so a ledger changed
and re-hashed is still caught: a quarter's indicator table (rules.attainment.table_at) with
tables.xlsx 指标明细 (figure, 完成率, 序时进度, 差距, 进度状态); a month's lights with
dispatch.xlsx 亮灯表; a district's figures, from its city's data (whose manifest must be
the one it names), with its tables.xlsx 本区县指标. Findings are lines naming the file, the indicator and the
field; a publication that cannot be checked at all raises PublicationError with one line.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from openpyxl import load_workbook

from minsheng import config
from minsheng.catalogue import load_catalogue
from minsheng.catalogue.periods import Month, parse_period
from minsheng.contracts import store
from minsheng.contracts.store import file_sha256
from minsheng.report import columns as C
from minsheng.report.dispatch.files import NAMES as DISPATCH_FILES
from minsheng.report.export.xlsx import INDICATOR_SHEET
from minsheng.report.labels import label
from minsheng.rules.attainment import table_at
from minsheng.run.manifest import CATALOGUE, DATA, MANIFEST, own_paths
from minsheng.run.params import project_path

TABLES = "tables.xlsx"
COMPARED = ("value", "attainment", "expected", "gap_points", "status")
DISTRICT_COMPARED = ("value", "district_target", "attainment", "expected", "gap_points", "status")
MAX_LINES = 100
_SHA256 = re.compile(r"[0-9a-f]{64}")


class PublicationError(ValueError):
    """A publication that cannot be verified at all; the message is one line."""


@dataclass(frozen=True)
class Verification:
    """What `verify_publication` found: counts checked and the findings (none: it matches)."""

    folder: str
    files: int
    indicators: int
    problems: tuple[str, ...]
    workbook: str = TABLES     # the workbook whose figures were recomputed

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        """One line when everything matches; else a headline and one line per finding."""
        if self.ok:
            return [f"核验通过 / verified: {self.folder}：{self.files}个文件与清单一致，"
                    f"{self.indicators}项指标按台账重算与{self.workbook}一致。"]
        shown = [f"  {p}" for p in self.problems[:MAX_LINES]]
        if len(self.problems) > MAX_LINES:
            shown.append(f"  ……另有{len(self.problems) - MAX_LINES}处不符")
        return [f"核验未通过 / verification failed: {self.folder}：{len(self.problems)}处不符。",
                *shown]


def _display(path: Path) -> str:
    return path.relative_to(config.ROOT).as_posix() if path.is_relative_to(config.ROOT) else str(path)


def read_manifest(pub: Path) -> dict[str, Any]:
    """manifest.json of `pub`, checked to be an object with a "files" object."""
    path = pub / MANIFEST
    if not path.is_file():
        raise PublicationError(f"{_display(pub)} 中没有 {MANIFEST}，无法核验 / no {MANIFEST}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise PublicationError(f"{MANIFEST} 不是 UTF-8 文本 / {MANIFEST} is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise PublicationError(f"{MANIFEST} 不是有效的 JSON（第{exc.lineno}行）/ "
                               f"{MANIFEST} is not valid JSON") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise PublicationError(f"{MANIFEST} 缺少文件清单（files）/ {MANIFEST} lists no files")
    return manifest


def _inside(pub: Path, name: str) -> Path | None:
    """The file a manifest name stands for, or None when the name leaves the folder."""
    posix = PurePosixPath(name)
    if not name or "\\" in name or posix.is_absolute() or ".." in posix.parts \
            or re.match(r"^[A-Za-z]:", name):
        return None
    path = pub / posix
    return path if path.resolve().is_relative_to(pub.resolve()) else None


def check_files(pub: Path, manifest: dict[str, Any]) -> tuple[int, list[str]]:
    """Files checked and the findings: listed files missing, changed or outside the folder;
    files present but not listed."""
    problems, checked = [], 0
    listed = manifest["files"]
    for name in sorted(listed):
        entry = listed[name]
        path = _inside(pub, name)
        if path is None:
            problems.append(f"清单中的路径不在发布目录内：{name}")
        elif name == MANIFEST:
            problems.append(f"清单不应列出{MANIFEST}本身")
        elif not isinstance(entry, dict) or not _SHA256.fullmatch(str(entry.get("sha256", ""))):
            problems.append(f"清单条目无效（缺少SHA-256）：{name}")
        elif path.is_symlink() or not path.is_file():
            problems.append(f"缺少文件：{name}")
        elif file_sha256(path) != entry["sha256"]:
            problems.append(f"文件已改动（SHA-256与清单不符）：{name}")
        else:
            checked += 1
    for path in own_paths(pub):
        name = path.relative_to(pub).as_posix()
        if name == MANIFEST or name in listed or not (path.is_file() or path.is_symlink()):
            continue
        problems.append(f"文件不在清单中：{name}")
    return checked, problems


def _period_month(manifest: dict[str, Any]) -> tuple[int, int] | str:
    """(year, month) the manifest's table is as of, or why it cannot be told."""
    period = parse_period(str(manifest.get("period", "")))
    month = manifest.get("month")
    if period is None:
        return f"{MANIFEST} 缺少有效的期间（period），无法重算指标明细"
    if isinstance(month, bool) or not isinstance(month, int) or not 1 <= month <= period.end_month:
        return f"{MANIFEST} 缺少有效的数据月份（month），无法重算指标明细"
    return period.year, month


def _shown(value: Any, fmt: str) -> str:
    if value is None:
        return "空"
    if not isinstance(value, int | float):
        return f"“{value}”"
    if fmt == C.PCT:
        return f"{value * 100:.2f}%"
    if fmt == C.POINTS:
        return f"{value:.2f}"
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _expected(raw: Any, col: C.Col) -> Any:
    """A recomputed figure as the workbook stores it (None when missing)."""
    if col.source == "status":
        return None if raw is None or raw != raw else label("status", raw)
    if raw is None or (isinstance(raw, float) and math.isnan(raw)) or raw == "":
        return None
    if isinstance(raw, str):        # a text column (灯色, 较上月变化) compares as written
        return raw
    return C.stored_value(float(raw), col.fmt)


def _same(got: Any, want: Any, col: C.Col) -> bool:
    if got is None or want is None or isinstance(want, str):
        return got == want
    if isinstance(got, bool) or not isinstance(got, int | float):
        return False
    return math.isclose(C.stored_value(float(got), col.fmt), want, rel_tol=0, abs_tol=1e-9)


def _sheet_rows(path: Path, sheet: str) -> tuple[list[Any], list[tuple]]:
    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = list(wb[sheet].iter_rows(values_only=True))
    finally:
        wb.close()
    return (list(rows[0]) if rows else []), rows[1:]


def _inputs(pub: Path, shown: str, year: int, workbook: str):
    """(catalogue, ledger) from the data folder `shown` (relative to `pub`), or the one
    finding why not."""
    data = pub / shown
    for name in (f"{shown}/{CATALOGUE}", f"{shown}/{store.LEDGER}", workbook):
        if not (pub / name).is_file():
            return f"缺少{name}，无法重算"
    try:
        catalogue = load_catalogue(path=data / CATALOGUE)
    except ValueError as exc:
        return f"{shown}/{CATALOGUE} 不可用：{str(exc).replace(str(data) + '/', '')}"
    if catalogue.year != year:
        return f"{shown}/{CATALOGUE} 是{catalogue.year}年的目标清单，清单期间为{year}年"
    try:
        ledger = store.read_ledger(data)
    except Exception as exc:    # unreadable or off-contract (pandera, arrow): a finding, not a crash
        return f"{shown}/{store.LEDGER} 不可用（不符合台账约定或无法读取）：{type(exc).__name__}"
    return catalogue, ledger


def compare_sheet(path: Path, sheet: str, table, columns: list[C.Col],
                  compared: tuple[str, ...], key: str = "indicator_id") -> tuple[int, list[str]]:
    """Rows compared and the findings: `table` (indexed by indicator id, recomputed) against
    the workbook's `sheet`, field by field at the precision the workbook stores."""
    where = f"{path.name} {sheet}"
    try:
        header, rows = _sheet_rows(path, sheet)
    except Exception as exc:    # openpyxl raises many kinds on a damaged workbook
        return 0, [f"{path.name} 无法读取工作表“{sheet}”：{type(exc).__name__}"]
    cols = {c.source: c for c in columns}
    id_header = cols[key].header
    wanted = [id_header, *(cols[f].header for f in compared)]
    missing = [h for h in wanted if h not in header]
    if missing:
        return 0, [f"{where}缺少列：{'、'.join(missing)}"]
    at = {h: header.index(h) for h in wanted}
    found: dict[str, tuple] = {}
    problems = []
    for row in rows:
        iid = row[at[id_header]]
        if iid is None:
            continue
        if iid in found:
            problems.append(f"{where} 指标{iid}出现多次")
        found[iid] = row
    for iid in table.index.difference(list(found)):
        problems.append(f"{where} 缺少指标{iid}")
    for iid in sorted(set(found) - set(table.index), key=str):
        problems.append(f"{where} 中的指标{iid}不应列出")
    n = 0
    for iid in table.index.intersection(list(found)):
        n += 1
        for field in compared:
            col = cols[field]
            got, want = found[iid][at[col.header]], _expected(table.at[iid, field], col)
            if not _same(got, want, col):
                problems.append(f"{where} {iid} {col.header}：表中为"
                                f"{_shown(got, col.fmt)}，按台账重算为{_shown(want, col.fmt)}")
    return n, problems


def check_indicator_table(pub: Path, manifest: dict[str, Any]) -> tuple[int, list[str]]:
    """A quarter's indicator table recomputed from data/ against tables.xlsx 指标明细."""
    as_of = _period_month(manifest)
    if isinstance(as_of, str):
        return 0, [as_of]
    year, month = as_of
    loaded = _inputs(pub, DATA, year, TABLES)
    if isinstance(loaded, str):
        return 0, [loaded]
    catalogue, ledger = loaded
    table = table_at(catalogue, ledger, year, month).set_index("indicator_id")
    return compare_sheet(pub / TABLES, INDICATOR_SHEET, table, C.INDICATOR_TABLE, COMPARED)


def check_district_table(pub: Path, manifest: dict[str, Any]) -> tuple[int, list[str]]:
    """A district's figures recomputed from its city's data (../../data) against tables.xlsx
    本区县指标; the city manifest it names must be the one beside it, unchanged."""
    from minsheng.report.district import assemble_district
    from minsheng.report.district.tables import DISTRICT_SHEET

    city = pub.parent.parent
    link = manifest.get("city") or {}
    if not (city / MANIFEST).is_file() or file_sha256(city / MANIFEST) != link.get("sha256"):
        return 0, [f"所属全市发布件的{MANIFEST}缺失或已改动（SHA-256与清单不符）"]
    period = parse_period(str(manifest.get("period", "")))
    if period is None or not manifest.get("district"):
        return 0, [f"{MANIFEST} 缺少有效的期间（period）或区县（district），无法重算"]
    loaded = _inputs(pub, f"../../{DATA}", period.year, TABLES)
    if isinstance(loaded, str):
        return 0, [loaded]
    catalogue, ledger = loaded
    quality = store.read_quality(city / DATA)
    data = assemble_district(catalogue, ledger, quality, period, manifest["district"],
                             draft=bool(manifest.get("draft")))
    return compare_sheet(pub / TABLES, DISTRICT_SHEET, data.rows.set_index("indicator_id"),
                         C.DISTRICT_DETAIL, DISTRICT_COMPARED)


def verify_publication(folder: str | Path) -> Verification:
    """Check a publication folder inside the project (relative paths from the project root).

    Raises ParameterError (path outside the project or missing) or PublicationError (not a
    folder, no readable manifest) with a one-line message; every other finding is returned.
    """
    pub = project_path(folder, "publication", must_exist=True)
    if not pub.is_dir():
        raise PublicationError(f"{_display(pub)} 不是文件夹 / not a folder")
    manifest = read_manifest(pub)
    files, file_problems = check_files(pub, manifest)
    check = FIGURE_CHECKS.get(manifest.get("kind"), check_indicator_table)
    indicators, table_problems = check(pub, manifest)
    workbook = DISPATCH_FILES["xlsx"] if manifest.get("kind") == "monthly_dispatch" else TABLES
    return Verification(_display(pub), files, indicators, tuple(file_problems + table_problems),
                        workbook)


def check_dispatch_table(pub: Path, manifest: dict[str, Any]) -> tuple[int, list[str]]:
    """A month's lights recomputed from data/ (rules.lights, as the dispatch assembles them)
    against dispatch.xlsx 亮灯表."""
    from minsheng.report.dispatch import assemble
    from minsheng.report.dispatch.sheets import LIGHT_SHEET, light_sheet, sheet_cols

    period = parse_period(str(manifest.get("period", "")))
    if not isinstance(period, Month):
        return 0, [f"{MANIFEST} 缺少有效的月份（period），无法重算亮灯表"]
    workbook = DISPATCH_FILES["xlsx"]
    loaded = _inputs(pub, DATA, period.year, workbook)
    if isinstance(loaded, str):
        return 0, [loaded]
    catalogue, _ = loaded
    data = assemble(catalogue, store.read(pub / DATA), period, draft=bool(manifest.get("draft")))
    frame = light_sheet(data)
    columns = sheet_cols(frame)
    key, compared = columns[0].source, tuple(c.source for c in columns[5:11])
    return compare_sheet(pub / workbook, LIGHT_SHEET, frame.set_index(key, drop=False), columns,
                         compared, key=key)


# How each kind of publication's figures are recomputed (a manifest without a kind: a quarter).
FIGURE_CHECKS = {"quarterly_bulletin": check_indicator_table, "district_bulletin": check_district_table,
                 "monthly_dispatch": check_dispatch_table}
