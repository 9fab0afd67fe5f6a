"""Reading the shipped sample's workbooks: openpyxl (before) vs python-calamine (after).

    .venv/bin/python benchmarks/bench_read.py              # data/sample/raw, best of 3
    .venv/bin/python benchmarks/bench_read.py --repeat 5 --raw data/reference/raw

before  what the reader did until it switched: openpyxl.load_workbook(read_only=True,
        data_only=True), every sheet's cells as text with their number formats (the old
        `_sheet_grid`, kept here verbatim so the comparison stays runnable), then the header
        search. This is less work than `after` does (no table is built).
after   what the reader does now, minsheng.intake.read.read_files (two threads, as in
        cleaning) → intake.workbook.read_workbook on each file: calamine values, openpyxl only
        for workbooks with percent styles, formulas or error values, the data sheet chosen and
        its table built.
Also timed, for scale: minsheng.intake.read.read_submissions over the whole folder (CSV too)
and minsheng.intake.clean.clean (read + every cleaning step).

Runs alternate (before, after, before, …) so a change in the machine's load hits both alike;
the best wall time of each is printed, with its CPU seconds (user + system, all threads; less
sensitive to other work on the machine). Goal: after ≥ 5× faster than before in wall time.
Exit 0 when met, 1 when not. Nothing is written.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL = 5.0


def old_cell_text(value, number_format=None):
    """The old reader's cell text (openpyxl values + number formats)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        if number_format and "%" in number_format:
            return f"{(Decimal(repr(value)) * 100).normalize():f}%"
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == dtime(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def read_before(paths: list[Path], header_rows: int) -> int:
    import openpyxl
    from minsheng.intake.tables import find_header

    found = 0
    for path in paths:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in wb.worksheets:
                ws.reset_dimensions()
                grid = []
                for row in ws.iter_rows(min_row=1):
                    cells = []
                    for cell in row:
                        col = getattr(cell, "column", None)
                        if col is None or cell.value is None:
                            continue
                        while len(cells) < col - 1:
                            cells.append(None)
                        cells.append(old_cell_text(cell.value, cell.number_format))
                    grid.append(cells)
                found += find_header(grid, header_rows) is not None
        finally:
            wb.close()
    return found


def read_after(paths: list[Path], raw: Path, header_rows: int) -> int:
    from minsheng.intake.read import read_files

    files = {p.relative_to(raw).as_posix(): p for p in paths}
    return sum(len(got.tables) for _, got, _ in
               read_files(files, max_file_bytes=1 << 62, header_rows=header_rows))


CPU: list[tuple[str, float]] = []   # (step, CPU seconds: user + system, every thread)


def timed(fn, *args, step: str = "") -> tuple[float, object]:
    c0, t0 = time.process_time(), time.perf_counter()
    out = fn(*args)
    CPU.append((step, time.process_time() - c0))
    return time.perf_counter() - t0, out


def best_cpu(step: str) -> float:
    return min(c for s, c in CPU if s == step)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="workbook reading: openpyxl vs python-calamine")
    ap.add_argument("--raw", default=str(ROOT / "data" / "sample" / "raw"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT / "lib"))
    from minsheng import config
    from minsheng.catalogue import load_catalogue
    from minsheng.intake.clean import clean
    from minsheng.intake.discover import WORKBOOK_SUFFIXES
    from minsheng.intake.read import read_submissions

    raw = Path(args.raw).resolve()
    # Only .xlsx: the old reader read nothing else.
    xlsx = sorted(p for p in raw.rglob("*.xlsx") if p.suffix.lower() in WORKBOOK_SUFFIXES)
    header_rows = int(config.settings()["cleaning"]["header_search_rows"])
    limit = int(config.settings()["limits"]["max_file_bytes"])
    catalogue = load_catalogue(2026)
    import openpyxl  # noqa: F401  (imports are not timed)
    import python_calamine  # noqa: F401

    before, after, whole, cleaned = [], [], [], []
    for i in range(args.repeat):
        print(f"  run {i + 1}/{args.repeat} …", flush=True)
        t, n_before = timed(read_before, xlsx, header_rows, step="before")
        before.append(t)
        t, n_after = timed(read_after, xlsx, raw, header_rows, step="after")
        after.append(t)
        whole.append(timed(lambda: read_submissions(raw, max_file_bytes=limit))[0])
        cleaned.append(timed(lambda: clean(raw, catalogue))[0])
    if n_before != n_after:
        print(f"bench_read: the readers disagree: {n_before} vs {n_after} data sheets", file=sys.stderr)
        return 1
    b, a = min(before), min(after)
    ratio = b / a
    rel = raw.relative_to(ROOT) if raw.is_relative_to(ROOT) else raw
    print(f"\nworkbooks: {len(xlsx)} .xlsx in {rel} ({sum(p.stat().st_size for p in xlsx) / 1e6:.2f} MB), "
          f"best of {args.repeat}")
    print(f"{'step':<44} {'seconds':>8} {'cpu s':>7}")
    print("-" * 61)
    print(f"{'before  openpyxl (read-only) + header search':<44} {b:>8.2f} {best_cpu('before'):>7.2f}")
    print(f"{'after   calamine read_files (+ tables)':<44} {a:>8.2f} {best_cpu('after'):>7.2f}")
    print(f"{'        read_submissions, whole folder':<44} {min(whole):>8.2f}")
    print(f"{'        clean, whole folder':<44} {min(cleaned):>8.2f}")
    verdict = "PASS" if ratio >= GOAL else "FAIL"
    print(f"\nspeed-up {ratio:.1f}× (goal ≥ {GOAL:.0f}×): {verdict}")
    print(f"times: before {[round(x, 2) for x in before]}; after {[round(x, 2) for x in after]}; "
          f"load {os.getloadavg()[0]:.2f}")
    return 0 if ratio >= GOAL else 1


if __name__ == "__main__":
    sys.exit(main())
