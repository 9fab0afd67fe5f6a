"""Generate a province-scale raw submission set for the benchmarks (never used by the tests).

    .venv/bin/python benchmarks/gen_large.py                 # ~1,000,000 rows
    .venv/bin/python benchmarks/gen_large.py --rows 10000000

Design (see benchmarks/README.md): the ledger key is indicator × district × month and the
cleaner accepts only the districts listed in data/districts.yaml. A province-scale key space
therefore needs more reporting areas than Chongqing's 38, so this script writes a synthetic
project root, benchmarks/_data/root/, holding

- data/districts.yaml: ~1,000 township-scale reporting areas named like 万州区-乡镇017
  (38 districts × N townships; N grows with --rows), and
- data/targets/2026.yaml: a copy of the real catalogue (all ~75 indicators, unchanged),

and the benchmark runs the cleaner with MINSHENG_ROOT pointing there. Every row then takes
the cleaner's real path (known code, known area, known month, numbers to parse, revisions to
resolve) rather than the quarantine path.

Rows: every area reports every indicator every month (Jan–Dec) once, and ~20 % of the keys
are submitted again in a later correction file (later 填报日期, changed figures):
rows ≈ areas × indicators × 12 × 1.2. About 1 % of figures are written the messy ways units
write them (1.2万, 3,000, 约3000, blanks), so the number parser's slow paths are exercised too.

Files: UTF-8 CSV in the template layout (title row, 填报单位 row, header, data), ~10,000
rows each at 1M rows (100 files), written one file at a time, so memory stays flat at 10M.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import shutil
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import yaml
from minsheng.catalogue import catalogue_path, districts, load_catalogue

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
YEAR = 2026
SEED = 20261129
REVISION_SHARE = 0.20
MESSY_SHARE = 0.01
HEADERS = ["指标编号", "项目名称", "指标名称", "计量单位", "年度目标", "区县", "统计月份", "本月完成",
           "累计完成", "上年末基数", "年度任务", "进展情况", "备注", "填报单位", "填报日期"]
PROGRESS = ["按计划推进", "正常推进，基本符合序时", "进度较快", "受降雨影响，进度有所滞后",
            "施工图审查完成，正在招标", "资金已下达"]


def plan(rows: int, n_ind: int, files: int | None) -> dict:
    """Areas, rows per file and file count for a requested number of rows."""
    base = rows / (1 + REVISION_SHARE)
    areas = max(38, round(base / (12 * n_ind)))
    per_file = math.ceil(rows / files) if files else max(5_000, min(100_000, rows // 100))
    return {"areas": areas, "rows_per_file": per_file}


def area_names(n: int) -> list[str]:
    per = math.ceil(n / 38)
    names = [f"{d}-乡镇{k:03d}" for k in range(1, per + 1) for d in districts.official()]
    return names[:n]


def write_root(root: Path, areas: list[str]) -> None:
    """The synthetic project root the cleaner sees through MINSHENG_ROOT."""
    (root / "data" / "targets").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(catalogue_path(YEAR), root / "data" / "targets" / f"{YEAR}.yaml")
    doc = {"groups": [{"name": "乡镇（基准测试）", "members": areas}], "central_urban": areas[:9]}
    with open(root / "data" / "districts.yaml", "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True, width=1000)


def figures(cat, n_areas: int, rng: np.random.Generator):
    """Cumulative and monthly figures: arrays [indicator, area, month]."""
    ind = cat.indicators
    target = ind["target_value"].to_numpy(dtype=float)
    kind = ind["kind"].to_numpy()
    pct = (ind["unit"] == "%").to_numpy()
    n_ind = len(ind)
    lam = np.maximum(target / (n_areas * 12), 0.05)[:, None, None]
    monthly = rng.poisson(lam, size=(n_ind, n_areas, 12)).astype(float)
    cum = np.cumsum(monthly, axis=2)
    # levels, rates and directional figures: a current value, no monthly increment
    level = np.isin(kind, ["level", "daily_average", "directional"])
    base = np.where(pct, 60.0, np.maximum(target * 0.8, 100.0))
    drift = rng.normal(0, 1, size=(n_ind, n_areas, 12)).cumsum(axis=2)
    lv = np.where(pct[:, None, None], np.round(base[:, None, None] + drift, 1),
                  np.round(base[:, None, None] * (1 + drift / 100)))
    cum[level] = lv[level]
    monthly[level] = np.nan
    return cum, monthly, base, level


def to_text(values: np.ndarray) -> pa.Array:
    """Numbers as the text a CSV export holds ('' for missing, integers without '.0')."""
    arr = pa.array(values, from_pandas=True)
    is_int = np.isfinite(values) & (values == np.round(values))
    ints = pc.cast(pa.array(np.where(is_int, values, 0).astype(np.int64)), pa.string())
    floats = pc.cast(arr, pa.string())
    return pc.fill_null(pc.if_else(pa.array(is_int), ints, floats), "")


def messy(col: pa.Array, values: np.ndarray, rng: np.random.Generator) -> pa.Array:
    """Rewrite ~MESSY_SHARE of the figures the ways units write them."""
    n = len(values)
    pick = np.flatnonzero(rng.random(n) < MESSY_SHARE)
    if not len(pick):
        return col
    out = col.to_pylist()
    for i, how in zip(pick, rng.integers(0, 4, len(pick)), strict=True):
        v = values[i]
        if not np.isfinite(v) or v != round(v):
            continue
        v = int(v)
        if how == 0 and v >= 10_000:
            out[i] = f"{v / 10000:.4f}".rstrip("0").rstrip(".") + "万"
        elif how == 1 and v >= 1_000:
            out[i] = f"{v:,}"
        elif how == 2 and v >= 100:
            out[i] = f"约{v}"
        elif how == 3:
            out[i] = ""
    return pa.array(out, pa.string())


def write_file(path: Path, unit: str, month: int, table: pa.Table) -> int:
    """Like Excel's "save as CSV": title rows kept, quotes only where a field needs them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        empty = [""] * (len(HEADERS) - 1)
        w.writerow([f"重庆市{YEAR}年重点民生实事月调度表", *empty])
        w.writerow([f"填报单位：{unit}    统计月份：{YEAR}年{month}月", *empty])
        w.writerow(HEADERS)
        w.writerows(zip(*(table[h].to_pylist() for h in HEADERS), strict=True))
    return path.stat().st_size


def build(rows: int, files: int | None = None, out: Path = DATA, quiet: bool = False) -> dict:
    t0 = time.perf_counter()
    cat = load_catalogue(YEAR)
    ind = cat.indicators
    n_ind = len(ind)
    p = plan(rows, n_ind, files)
    areas = area_names(p["areas"])
    n_areas = len(areas)
    raw = out / "raw"
    if raw.exists():
        shutil.rmtree(raw)
    write_root(out / "root", areas)
    rng = np.random.default_rng(SEED)
    cum, monthly, base, level = figures(cat, n_areas, rng)
    additive = ~level
    share = np.round(ind["target_value"].to_numpy(dtype=float)[:, None] / n_areas)

    # per indicator text columns, repeated over areas by take()
    ids = pa.array(ind["indicator_id"].tolist())
    item = pa.array(ind["item_name"].tolist())
    name = pa.array(ind["indicator"].tolist())
    unit_col = pa.array(ind["unit"].tolist())
    target_txt = to_text(ind["target_value"].to_numpy(dtype=float))
    reporting = pa.array(ind["reporting_unit"].tolist())
    area_arr = pa.array(areas)
    progress = pa.array([*PROGRESS, ""])

    per_file = p["rows_per_file"]
    areas_per_file = max(1, per_file // n_ind)
    written = n_files = 0
    nbytes = 0

    def emit(month: int, ii: np.ndarray, aa: np.ndarray, revision: bool, k: int) -> None:
        nonlocal written, n_files, nbytes
        n = len(ii)
        c = cum[ii, aa, month - 1].copy()
        m = monthly[ii, aa, month - 1].copy()
        if revision:   # the correction changes some figures a little
            bump = rng.integers(-3, 4, n).astype(float)
            c = np.where(additive[ii], np.maximum(c + bump, 0), c)
            m = np.where(additive[ii], np.maximum(m + bump, 0), m)
        day = 15 if revision else int(rng.integers(1, 6))
        sub_m, sub_y = month % 12 + 1, YEAR + (month == 12)
        # ~10 % of rows carry a progress text
        txt_idx = np.where(rng.random(n) < 0.10, rng.integers(0, len(PROGRESS), n), len(PROGRESS))
        prog = progress.take(pa.array(txt_idx))
        month_txt = f"{YEAR}年{month}月" if k % 2 == 0 else f"{YEAR}-{month:02d}"
        table = pa.table({
            "指标编号": ids.take(pa.array(ii)),
            "项目名称": item.take(pa.array(ii)),
            "指标名称": name.take(pa.array(ii)),
            "计量单位": unit_col.take(pa.array(ii)),
            "年度目标": target_txt.take(pa.array(ii)),
            "区县": area_arr.take(pa.array(aa)),
            "统计月份": pa.array([month_txt] * n),
            "本月完成": messy(to_text(m), m, rng),
            "累计完成": messy(to_text(c), c, rng),
            "上年末基数": to_text(np.where(level[ii], base[ii], np.nan)),
            "年度任务": to_text(np.where(additive[ii], share[ii, 0], np.nan)),
            "进展情况": prog,
            "备注": pa.array([""] * n),
            "填报单位": reporting.take(pa.array(ii)),
            "填报日期": pa.array([f"{sub_y}-{sub_m:02d}-{day:02d}"] * n),
        })
        suffix = "（更正）" if revision else ""
        path = raw / f"{YEAR}-{month:02d}" / f"报送{k:04d}_{YEAR}年{month:02d}月{suffix}.csv"
        nbytes += write_file(path, f"汇总单位{k:04d}", month, table)
        written += n
        n_files += 1

    k = 0
    for month in range(1, 13):
        for start in range(0, n_areas, areas_per_file):
            span = np.arange(start, min(start + areas_per_file, n_areas))
            ii = np.repeat(np.arange(n_ind), len(span))   # indicator blocks, areas within
            aa = np.tile(span, n_ind)
            emit(month, ii, aa, False, k)
            k += 1
        # corrections: ~20 % of this month's keys, submitted again later
        keys = np.flatnonzero(rng.random(n_ind * n_areas) < REVISION_SHARE)
        rng.shuffle(keys)
        keys.sort()
        for start in range(0, len(keys), per_file):
            chunk = keys[start:start + per_file]
            emit(month, chunk // n_areas, chunk % n_areas, True, k)
            k += 1
    manifest = {"rows": written, "requested_rows": rows, "files": n_files, "bytes": nbytes,
                "areas": n_areas, "indicators": n_ind, "months": 12,
                "revision_share": REVISION_SHARE, "messy_share": MESSY_SHARE, "seed": SEED,
                "seconds": round(time.perf_counter() - t0, 1)}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    if not quiet:
        print(f"wrote {written:,} rows in {n_files} files ({nbytes / 1e6:.0f} MB, {n_areas} areas) "
              f"under {raw} in {manifest['seconds']} s")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="province-scale raw submissions for the benchmarks")
    ap.add_argument("--rows", type=int, default=1_000_000, help="about this many data rows")
    ap.add_argument("--files", type=int, default=None,
                    help="about this many files (default: ~10,000 rows per file, ≤100,000)")
    ap.add_argument("--out", type=Path, default=DATA, help="output folder (default benchmarks/_data)")
    args = ap.parse_args(argv)
    build(args.rows, args.files, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
