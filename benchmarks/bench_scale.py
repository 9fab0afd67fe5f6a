"""Roll-ups at scale: the library's pandas path against the same aggregation in DuckDB SQL over
the Parquet ledger, at 1M and 10M raw rows (`make bench-scale`).

    .venv/bin/python benchmarks/bench_scale.py                       # 1M and 10M, best of 3
    .venv/bin/python benchmarks/bench_scale.py --rows 1000000 --repeat 5
    .venv/bin/python benchmarks/bench_scale.py --national            # + a ~34M-row ledger

The ledgers: benchmarks/gen_large.py's synthetic raw set, cleaned by
minsheng.intake.clean.clean and written as contracts/store.py writes a ledger
(`ledger.to_parquet(path, index=False)`), one folder per size under benchmarks/_data/scale/
(<size>/ledger.parquet and <size>/root/, the synthetic project root with its reporting areas).
benchmarks/bench_clean.py's ledger (benchmarks/_data/ledger.parquet, the same call) is reused
when its row count matches; otherwise the set is generated (10M: ~1 min, then ~20 s of
cleaning at a ~6 GB peak) and its raw CSV removed (--keep-raw keeps it). --national adds a
ledger of a national year, ~33 M rows: four copies of the 10M ledger whose areas are renamed
(…-乡镇001 → …-乡镇001/b, /c, /d), written with the same pyarrow writer options.

pandas  minsheng.contracts.store.read_ledger (read, conform, validate: the load every notebook
        pays), then, for 2026-09: rules.attainment.city_figures (alone: the latest figure per
        indicator × area up to the month and the sums by indicator), rules.attainment.table_at
        (the indicator table: city_figures for September and August, attainment, schedule,
        status, projection), rules.rollup.by_item, rules.rollup.district_detail (per area ×
        indicator: latest figure, latest task, attainment) and rules.rollup.by_district (mean
        capped attainment per area on the shared indicators).
duckdb  the same aggregation in SQL directly over ledger.parquet (benchmarks only: a
        measurement of where pandas stops, not a second implementation): the latest figure and
        task per indicator × area up to the month, the sum by indicator (or the 全市 row),
        attainment against the catalogue's target (ratio kinds), the capped mean by item, and
        per area the attainment against its task and the capped mean on the shared indicators.
        The catalogue's indicators (id, item, kind, target) are loaded with
        minsheng.catalogue.load_catalogue in both, untimed.

Both write their results (per indicator: value, attainment; per item: capped mean; per area:
capped mean, shared count) and the driver checks they agree (relative 1e-9). Each measurement
runs in its own fresh Python process, pandas and DuckDB taking turns; the best wall time and
the largest peak (getrusage maxrss of the process: interpreter, imports and data) are kept,
with the CPU seconds (user + system, all threads) of the best run and the process's RSS before
the work (after its imports). Results: printed, and benchmarks/_data/results_scale.json.
Exit 0 when every measurement ran and the two agree, 1 when they disagree, 2 when a step
could not run. No goal: this says where pandas stops on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from bench_clean import best_of
from bench_run import save_results

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
SCALE = DATA / "scale"
YEAR, MONTH = 2026, 9
SIZES = {1_000_000: "1M", 10_000_000: "10M"}
NATIONAL = "national"            # 4 × the 10M ledger: ~37,500 areas × 74 indicators × 12 months
NATIONAL_COPIES = ("", "/b", "/c", "/d")
RSS_LIMIT_GB = 20                # a measurement above this is stopped (23.5 GB machine)
TOLERANCE = 1e-9
ENGINES = ("pandas", "duckdb")


def cpu_seconds() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def catalogue_frame():
    """id, item, kind, target, additive / ratio flags: what the SQL needs of the catalogue."""
    from minsheng.catalogue import load_catalogue
    from minsheng.catalogue.kinds import ADDITIVE_KINDS, RATIO_KINDS

    cat = load_catalogue(YEAR)
    ind = cat.indicators.reset_index()[["indicator_id", "item_no", "kind", "target_value"]]
    ind["additive"] = ind["kind"].isin(ADDITIVE_KINDS)
    ind["ratio"] = ind["kind"].isin(RATIO_KINDS)
    return cat, ind


# ───────────────────────────────────────────── measurements (each in a fresh process)

def measure_pandas(folder: Path) -> dict:
    from minsheng.contracts import store
    from minsheng.rules import rollup
    from minsheng.rules.attainment import city_figures, table_at

    cat, _ = catalogue_frame()
    base = rss_mb()
    times: dict[str, float] = {}
    c0 = cpu_seconds()

    def timed(name, fn, *a):
        t = time.perf_counter()
        out = fn(*a)
        times[name] = time.perf_counter() - t
        return out

    led = timed("load", store.read_ledger, folder)
    figures = timed("city_figures", city_figures, cat, led, YEAR, MONTH)
    table = timed("table_at", table_at, cat, led, YEAR, MONTH)
    items = timed("by_item", rollup.by_item, table)
    expected = table.set_index("indicator_id")["expected"]
    detail = timed("district_detail", rollup.district_detail, cat.indicators, led, YEAR, MONTH,
                   expected)
    ranked = timed("by_district", rollup.by_district, detail)
    cpu = cpu_seconds() - c0
    peak = peak_mb()
    rows = len(led)
    del led
    del figures
    # the results the SQL computes too, written after the measurement
    city = table[["indicator_id", "value", "attainment"]]
    city.to_parquet(folder / "out-pandas-city.parquet", index=False)
    items[["item_no", "mean_attainment_capped"]].to_parquet(folder / "out-pandas-items.parquet",
                                                            index=False)
    ranked[["district", "mean_attainment_capped", "n_shared"]].to_parquet(
        folder / "out-pandas-areas.parquet", index=False)
    work = sum(v for k, v in times.items() if k != "city_figures")
    return {"rows": rows, "seconds": work, "rollup_seconds": work - times["load"],
            "comparable_seconds": times["load"] + times["city_figures"] + times["district_detail"]
            + times["by_district"], "steps": times, "cpu_seconds": cpu, "peak_mb": peak,
            "base_mb": base, "detail_rows": len(detail), "areas": len(ranked)}


SQL_LATEST = """
CREATE TEMP TABLE latest AS
SELECT indicator_id, district,
       arg_max(value, month) FILTER (WHERE value IS NOT NULL) AS value,
       arg_max(district_target, month) FILTER (WHERE district_target IS NOT NULL) AS task
FROM read_parquet(?)
WHERE year = ? AND month <= ?
GROUP BY indicator_id, district
"""
# per indicator: the 全市 row's figure where there is one, else the sum of the areas' latest
# figures (additive kinds only); attainment = figure / target for the ratio kinds
SQL_CITY = """
WITH s AS (
  SELECT l.indicator_id,
         count(*) FILTER (WHERE district = '全市') AS has_city,
         max(value) FILTER (WHERE district = '全市') AS city_value,
         sum(value) FILTER (WHERE district <> '全市' AND i.additive) AS summed
  FROM latest l JOIN ind i USING (indicator_id)
  GROUP BY l.indicator_id
)
SELECT i.indicator_id, i.item_no,
       CASE WHEN s.has_city > 0 THEN s.city_value ELSE s.summed END AS value,
       CASE WHEN i.ratio THEN (CASE WHEN s.has_city > 0 THEN s.city_value ELSE s.summed END)
                              / nullif(i.target_value, 0) END AS attainment
FROM ind i LEFT JOIN s USING (indicator_id)
ORDER BY i.indicator_id
"""
# least() skips NULLs in DuckDB (least(NULL, 1.0) = 1.0): an indicator without a figure
# must stay out of the mean, not count as complete
SQL_ITEMS = """
SELECT item_no, avg(CASE WHEN attainment IS NOT NULL THEN least(attainment, 1.0) END)
       AS mean_attainment_capped
FROM city GROUP BY item_no ORDER BY item_no
"""
# per area × district-reported additive indicator: figure / its task; the capped mean on the
# indicators every rated area has
SQL_AREAS = """
WITH rated AS (
  SELECT l.indicator_id, l.district, l.value / CASE WHEN l.task > 0 THEN l.task END AS att
  FROM latest l JOIN ind i USING (indicator_id)
  WHERE l.district <> '全市' AND i.additive
), r AS (SELECT * FROM rated WHERE att IS NOT NULL),
shared AS (
  SELECT indicator_id FROM r GROUP BY indicator_id
  HAVING count(*) = (SELECT count(DISTINCT district) FROM r)
)
SELECT district, avg(least(att, 1.0)) AS mean_attainment_capped, count(*) AS n_shared
FROM r SEMI JOIN shared USING (indicator_id)
GROUP BY district ORDER BY district
"""


def measure_duckdb(folder: Path) -> dict:
    import duckdb

    _, ind = catalogue_frame()
    base = rss_mb()
    times: dict[str, float] = {}
    c0, t0 = cpu_seconds(), time.perf_counter()
    con = duckdb.connect()
    con.register("ind", ind)
    t = time.perf_counter()
    con.execute(SQL_LATEST, [str(folder / "ledger.parquet"), YEAR, MONTH])
    times["latest"] = time.perf_counter() - t
    t = time.perf_counter()
    city = con.execute(SQL_CITY).df()
    con.register("city", city)
    items = con.execute(SQL_ITEMS).df()
    times["city"] = time.perf_counter() - t
    t = time.perf_counter()
    areas = con.execute(SQL_AREAS).df()
    times["areas"] = time.perf_counter() - t
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    peak = peak_mb()
    rows = con.execute("SELECT count(*) FROM read_parquet(?)",
                       [str(folder / "ledger.parquet")]).fetchone()[0]
    city[["indicator_id", "value", "attainment"]].to_parquet(folder / "out-duckdb-city.parquet",
                                                              index=False)
    items.to_parquet(folder / "out-duckdb-items.parquet", index=False)
    areas.to_parquet(folder / "out-duckdb-areas.parquet", index=False)
    return {"rows": rows, "seconds": seconds, "steps": times, "cpu_seconds": cpu,
            "peak_mb": peak, "base_mb": base, "areas": len(areas),
            "threads": con.execute("SELECT current_setting('threads')").fetchone()[0],
            "duckdb": duckdb.__version__}


MEASURES = {"pandas": measure_pandas, "duckdb": measure_duckdb}


# ───────────────────────────────────────────── the ledgers

def folder_of(label: str) -> Path:
    return SCALE / label


def ledger_facts(folder: Path) -> dict:
    import pyarrow.parquet as pq

    md = pq.ParquetFile(folder / "ledger.parquet").metadata
    size = (folder / "ledger.parquet").stat().st_size
    return {"ledger_rows": md.num_rows, "ledger_bytes": size, "row_groups": md.num_row_groups,
            "bytes_per_row": size / md.num_rows}


def clean_into(folder: Path) -> dict:
    """Clean folder/raw with the synthetic root and write the ledger as the store does."""
    code = f"""
import json, resource, time
from pathlib import Path
from minsheng.catalogue import load_catalogue
from minsheng.intake.clean import clean
folder = Path({str(folder)!r})
t0 = time.perf_counter()
result = clean(folder / "raw", load_catalogue({YEAR}))
seconds = time.perf_counter() - t0
result.ledger.to_parquet(folder / "ledger.parquet", index=False)   # as contracts.store writes it
print(json.dumps({{"clean_seconds": seconds, "rows_in": result.quality.rows_in,
                  "clean_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""
    env = dict(os.environ, MINSHENG_ROOT=str(folder / "root"))
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"cleaning {folder} failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def ensure_ledger(rows: int, keep_raw: bool) -> dict:
    """The ledger of a raw set of ~`rows` rows: kept from an earlier run, copied from
    bench_clean's, or generated and cleaned."""
    label = SIZES[rows]
    folder = folder_of(label)
    facts_file = folder / "facts.json"
    if (folder / "ledger.parquet").exists() and facts_file.exists():
        return json.loads(facts_file.read_text())
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    facts: dict = {"label": label}
    shared = DATA / "manifest.json"
    m = json.loads(shared.read_text()) if shared.exists() else {}
    if m.get("requested_rows") == rows and (DATA / "ledger.parquet").exists() \
            and (DATA / "ledger.parquet").stat().st_mtime >= shared.stat().st_mtime:
        print(f"  {label}: bench_clean's ledger (benchmarks/_data/ledger.parquet)", flush=True)
        shutil.copyfile(DATA / "ledger.parquet", folder / "ledger.parquet")
        shutil.copytree(DATA / "root", folder / "root")
        facts.update(raw=m, source="benchmarks/_data (bench_clean.py)")
    else:
        print(f"  {label}: generating ~{rows:,} raw rows (gen_large.py), then cleaning …", flush=True)
        subprocess.run([sys.executable, str(HERE / "gen_large.py"), "--rows", str(rows),
                        "--out", str(folder)], check=True)
        facts.update(raw=json.loads((folder / "manifest.json").read_text()), source="generated")
        facts.update(clean_into(folder))
        if not keep_raw:
            shutil.rmtree(folder / "raw")
    facts.update(ledger_facts(folder))
    facts_file.write_text(json.dumps(facts, ensure_ascii=False, indent=1))
    return facts


def ensure_national(keep_raw: bool) -> dict:
    """Four copies of the 10M ledger with renamed areas: a national year's row count."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq
    import yaml

    folder = folder_of(NATIONAL)
    facts_file = folder / "facts.json"
    if (folder / "ledger.parquet").exists() and facts_file.exists():
        return json.loads(facts_file.read_text())
    src = folder_of(SIZES[10_000_000])
    ensure_ledger(10_000_000, keep_raw)
    print(f"  {NATIONAL}: {len(NATIONAL_COPIES)} copies of the 10M ledger, areas renamed …", flush=True)
    shutil.rmtree(folder, ignore_errors=True)
    (folder / "root" / "data").mkdir(parents=True)
    shutil.copytree(src / "root" / "data" / "targets", folder / "root" / "data" / "targets")
    doc = yaml.safe_load((src / "root" / "data" / "districts.yaml").read_text(encoding="utf-8"))
    areas = [a for g in doc["groups"] for a in g["members"]]
    doc["groups"] = [{"name": g["name"] + suffix, "members": [a + suffix for a in g["members"]]}
                     for suffix in NATIONAL_COPIES for g in doc["groups"]]
    with open(folder / "root" / "data" / "districts.yaml", "w", encoding="utf-8") as fh:
        yaml.safe_dump(doc, fh, allow_unicode=True, width=1000)
    table = pq.read_table(src / "ledger.parquet")
    col = table.schema.get_field_index("district")
    # pandas' to_parquet: pyarrow's writer, its defaults (snappy, dictionaries, row groups of
    # 1 Mi rows), the pandas schema metadata
    with pq.ParquetWriter(folder / "ledger.parquet", table.schema) as writer:
        for suffix in NATIONAL_COPIES:
            renamed = pc.binary_join_element_wise(table.column(col), pa.scalar(suffix, pa.large_string()),
                                                  pa.scalar("", pa.large_string()))
            writer.write_table(table.set_column(col, table.schema.field(col), renamed))
    facts = {"label": NATIONAL, "source": f"{len(NATIONAL_COPIES)} × the 10M ledger",
             "areas": len(areas) * len(NATIONAL_COPIES), **ledger_facts(folder)}
    facts_file.write_text(json.dumps(facts, ensure_ascii=False, indent=1))
    return facts


# ───────────────────────────────────────────── driver

def run_measure(engine: str, label: str) -> dict:
    """One measurement in a fresh process (MINSHENG_ROOT: the set's synthetic root), stopped
    when its resident memory passes RSS_LIMIT_GB."""
    folder = folder_of(label)
    env = dict(os.environ, MINSHENG_ROOT=str(folder / "root"))
    proc = subprocess.Popen([sys.executable, __file__, "--measure", engine, str(folder)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stopped = threading.Event()

    def watch() -> None:
        status = Path(f"/proc/{proc.pid}/status")
        while proc.poll() is None:
            try:
                kb = next(int(x.split()[1]) for x in status.read_text().splitlines()
                          if x.startswith("VmRSS:"))
            except (OSError, StopIteration):
                kb = 0
            if kb > RSS_LIMIT_GB * 1024 * 1024:
                stopped.set()
                proc.kill()
                return
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    out, err = proc.communicate()
    watcher.join()
    if stopped.is_set():
        return {"error": f"{engine} {label}: stopped above {RSS_LIMIT_GB} GB resident"}
    if proc.returncode != 0:
        tail = "\n".join(err.strip().splitlines()[-8:])
        return {"error": f"{engine} {label} failed (exit {proc.returncode}):\n{tail}"}
    return json.loads(out.strip().splitlines()[-1])


def compare(label: str) -> dict:
    """The two engines' results, key by key: how many differ beyond TOLERANCE (relative)."""
    import numpy as np
    import pandas as pd

    folder = folder_of(label)
    out: dict = {}
    for part, key, cols in (("city", "indicator_id", ["value", "attainment"]),
                            ("items", "item_no", ["mean_attainment_capped"]),
                            ("areas", "district", ["mean_attainment_capped", "n_shared"])):
        a = pd.read_parquet(folder / f"out-pandas-{part}.parquet").set_index(key).sort_index()
        b = pd.read_parquet(folder / f"out-duckdb-{part}.parquet").set_index(key).sort_index()
        entry = {"keys": len(a), "same_keys": a.index.equals(b.index), "differ": 0,
                 "max_rel_diff": 0.0, "compared": 0}
        if entry["same_keys"]:
            for c in cols:
                x = a[c].to_numpy(dtype=float)
                y = b[c].to_numpy(dtype=float)
                both_nan = np.isnan(x) & np.isnan(y)
                rel = np.abs(x - y) / np.maximum(np.abs(x), 1e-300)
                bad = ~both_nan & ~(rel <= TOLERANCE)
                entry["differ"] += int(bad.sum())
                entry["compared"] += int((~np.isnan(x)).sum())
                finite = ~np.isnan(rel)
                if finite.any():
                    entry["max_rel_diff"] = max(entry["max_rel_diff"], float(rel[finite].max()))
            sample = a.dropna().index[:: max(1, len(a.dropna()) // 3)][:3]
            entry["sample"] = {str(k): {c: [float(a.at[k, c]), float(b.at[k, c])] for c in cols}
                               for k in sample}
        out[part] = entry
    out["agree"] = all(e["same_keys"] and e["differ"] == 0 for e in out.values()
                       if isinstance(e, dict))
    return out


def render(results: dict) -> str:
    head = (f"{'ledger':<9} {'rows':>11} {'engine':<7} {'wall s':>7} {'cpu s':>7} {'peak MB':>8} "
            f"{'base MB':>8}  steps (best run, s)")
    lines = [head, "-" * len(head)]
    for label, r in results["sets"].items():
        for engine in ENGINES:
            m = r.get(engine, {})
            if "seconds" not in m:
                lines.append(f"{label:<9} {'':>11} {engine:<7} {m.get('error', '?')}")
                continue
            steps = ", ".join(f"{k} {v:.2f}" for k, v in m["steps"].items())
            lines.append(f"{label:<9} {m['rows']:>11,} {engine:<7} {m['seconds']:7.2f} "
                         f"{m['cpu_seconds']:7.2f} {m['peak_mb']:8,.0f} {m['base_mb']:8,.0f}  {steps}")
        p, d = r.get("pandas", {}), r.get("duckdb", {})
        if "seconds" in p and "seconds" in d:
            lines.append(f"{'':<9} {'':>11} pandas / duckdb: {p['seconds'] / d['seconds']:.1f}× wall "
                         f"(load + city_figures + district_detail + by_district alone: "
                         f"{p['comparable_seconds'] / d['seconds']:.1f}×), "
                         f"{p['peak_mb'] / d['peak_mb']:.1f}× peak; "
                         f"times pandas {p['all_seconds']}, duckdb {d['all_seconds']}")
        c = r.get("compare")
        if c:
            parts = "; ".join(f"{k} {v['compared']} values, {v['differ']} differ "
                              f"(max rel {v['max_rel_diff']:.1e})"
                              for k, v in c.items() if isinstance(v, dict))
            lines.append(f"{'':<9} {'':>11} agree: {c['agree']} — {parts}")
        f = r["facts"]
        lines.append(f"{'':<9} {'':>11} ledger.parquet {f['ledger_bytes'] / 1e6:,.1f} MB, "
                     f"{f['bytes_per_row']:.2f} bytes/row, {f['row_groups']} row groups")
    lines.append(f"\nload {results['load_before']} → {results['load_after']}; "
                 f"{results['cpus']} cpus, {results['memory_gb']} GB")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="roll-ups at scale: pandas against DuckDB")
    ap.add_argument("--rows", default="1000000,10000000",
                    help="raw set sizes, comma-separated, of " + ", ".join(map(str, SIZES)))
    ap.add_argument("--national", action="store_true",
                    help="also a national year's ledger (~33 M rows, 4 × the 10M ledger)")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each engine, best kept")
    ap.add_argument("--keep-raw", action="store_true", help="keep the generated raw CSV")
    ap.add_argument("--measure", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.measure:
        engine, folder = args.measure
        print(json.dumps(MEASURES[engine](Path(folder))))
        return 0
    labels: dict[str, dict] = {}
    try:
        for rows in (int(x) for x in args.rows.split(",") if x.strip()):
            if rows not in SIZES:
                ap.error(f"--rows: one of {', '.join(map(str, SIZES))}")
            labels[SIZES[rows]] = ensure_ledger(rows, args.keep_raw)
        if args.national:
            labels[NATIONAL] = ensure_national(args.keep_raw)
    except (subprocess.CalledProcessError, RuntimeError) as exc:
        print(f"bench_scale: cannot make the ledgers: {exc}", file=sys.stderr)
        return 2
    results: dict = {"load_before": [round(x, 2) for x in os.getloadavg()],
                     "cpus": len(os.sched_getaffinity(0)),
                     "memory_gb": round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 2**30, 1),
                     "repeat": args.repeat, "sets": {}}
    for label, facts in labels.items():
        runs: dict[str, list[dict]] = {e: [] for e in ENGINES}
        failed: set[str] = set()
        for i in range(args.repeat):      # the engines take turns
            for engine in ENGINES:
                if engine in failed:      # stopped or crashed once: not tried again
                    continue
                print(f"  {label} {engine} {i + 1}/{args.repeat} …", flush=True)
                runs[engine].append(run_measure(engine, label))
                if "error" in runs[engine][-1]:
                    print(runs[engine][-1]["error"], file=sys.stderr)
                    failed.add(engine)
        entry = {"facts": facts, **{e: best_of(runs[e]) for e in ENGINES}}
        if all("seconds" in entry[e] for e in ENGINES):
            entry["compare"] = compare(label)
        results["sets"][label] = entry
    results["load_after"] = [round(x, 2) for x in os.getloadavg()]
    print()
    print(render(results))
    save_results("results_scale.json", results)
    sets = results["sets"].values()
    if any("seconds" not in s[e] for s in sets for e in ENGINES):
        return 2
    return 0 if all(s["compare"]["agree"] for s in sets) else 1


if __name__ == "__main__":
    raise SystemExit(main())
