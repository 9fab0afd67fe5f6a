"""Benchmark of the district bulletins' fan-out against the city bulletin, in one invocation.

    .venv/bin/python benchmarks/bench_fanout.py               # best of 2 (make bench-fanout)
    .venv/bin/python benchmarks/bench_fanout.py --repeat 1 --no-dask

city     minsheng.run.runner.execute(plan_run("2026Q3", raw_dir="data/sample/raw",
         reports_dir="build/bench-fanout/reports", issued_on=2026-10-15), progress=False): the
         city bulletin, published from scratch (the reports folder is removed first).
fanout   minsheng.run.fanout.run_districts(city, <the 38 districts>, jobs=2, force=True): one
         papermill job of notebooks/06_district_bulletin per district in a pool of 2 processes,
         each keeping one kernel for its jobs (run.kernels.KeptKernel), as `minsheng run
         --quarter 2026Q3 --districts all --jobs 2` does after the city run.
rerun    the same call without force on the unchanged city publication: every job is skipped
         (its fingerprint equals the published one) without starting a kernel.
floor    what a job in a new kernel pays before computing anything (what the kept kernel
         saves after each worker's first job), measured in the same pool of 2: papermill
         on stand-ins of 06 (generated into build/bench-fanout/floor/) with the same kernel,
         working directory, parameters and kernel log as the job — *bare* (the parameters cell
         only: kernel start, papermill, nbformat) and *imports* (plus 06's own import lines and
         every further module the real notebook's kernel had loaded by its end, recorded by a
         probe run of the real notebook, as benchmarks/bench_run.py's floor does).
dask     3 districts (万州区, 涪陵区, 黔江区) through run_districts on a dask.distributed
         LocalCluster (2 worker processes, 1 thread each) against the same 3 through the process
         pool (jobs=2), alternating: what the Dask path adds per district (its scheduler, and
         a new kernel per job where a pool worker keeps one).

Each measurement runs in a fresh Python process; city and fan-out alternate, the fastest of
--repeat is kept for each. Every job goes through run_districts' own code path; the job
function is fanout.publish_district wrapped to also return the worker's process id and its
getrusage figures, so each worker's memory and CPU are known (DistrictOutcome.peak_mb is the
largest of the worker and its kernels *so far*, see the README).

Goals (issue 14): fan-out of the 38 ≤ 6 × the city run; each worker's peak < 1.5 GB
(1,536 MB). Projection: 2,800 counties on 16 and 64 cores, per-district cost constant,
jobs = cores: in the process pool, and on Dask (plus its overhead per district measured
above). Results are printed
and written to benchmarks/_data/results_fanout.json. Exit 0 all goals met, 1 a goal missed,
2 a step could not run.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_run import QUARTER, cpu_seconds, save_results
from minsheng.run.fanout import DistrictOutcome

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = ROOT / "build" / "bench-fanout"
REPORTS = "build/bench-fanout/reports"
FLOOR = WORK / "floor"
NOTEBOOK = "06_district_bulletin"
JOBS = 2
RATIO_GOAL = 6.0
PEAK_MB_GOAL = 1536                       # 1.5 GB, in the MB (MiB) getrusage reports
COUNTIES = 2800
CORES = (16, 64)
DASK_DISTRICTS = ("万州区", "涪陵区", "黔江区")
FLOOR_JOBS = 4                            # of each stand-in, through the pool of JOBS


def mb(kb: int) -> float:
    return round(kb / 1024, 1)     # Linux: ru_maxrss in KiB


def usage() -> dict:
    """This process's and its reaped children's getrusage: peak RSS (MB) and CPU seconds."""
    own, kids = (resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return {"own_mb": mb(own.ru_maxrss), "kernel_mb": mb(kids.ru_maxrss),
            "cpu_own": own.ru_utime + own.ru_stime, "cpu_kids": kids.ru_utime + kids.ru_stime}


def kernel_cpu(pid: int) -> float:
    """User + system CPU seconds of a live process (/proc/<pid>/stat, fields 14 and 15)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def city_path() -> Path:
    return ROOT / REPORTS / QUARTER


def official() -> tuple[str, ...]:
    """The 38 districts in official order (not parse_districts("all"), which adds 全市)."""
    from minsheng.catalogue import districts as district_list

    return district_list.official()


# ───────────────────────────────────────────── what a worker runs (importable by name)

@dataclasses.dataclass(frozen=True)
class BenchOutcome(DistrictOutcome):
    """A DistrictOutcome (what run_districts handles) with the worker's figures."""

    pid: int = 0
    host: str = ""
    usage: dict = dataclasses.field(default_factory=dict)


def bench_job(job):
    """fanout.publish_district, returning also the worker's pid and getrusage figures (after
    the job: the worker's lifetime peak, and the largest of the kernels it has reaped)."""
    import socket

    from minsheng.run import fanout

    out = fanout.publish_district(job)
    figures = usage()
    if fanout._kept is not None:   # the worker's kept kernel: alive, so not in RUSAGE_CHILDREN
        figures["kernel_mb"] = max(figures["kernel_mb"], fanout._kept.peak_mb())
        figures["cpu_kids"] += kernel_cpu(fanout._kept.km.provisioner.pid)
    return BenchOutcome(**dataclasses.asdict(out), pid=os.getpid(), host=socket.gethostname(),
                        usage=figures)


def floor_job(source: str) -> dict:
    """papermill on a stand-in of 06 as the job calls it (run.kernels.execute_notebook's call)."""
    from minsheng import config
    from minsheng.run.kernels import PAPERMILL_OPTIONS, kernel_manager, papermill

    pm = papermill()
    executed = FLOOR / "executed" / f"{Path(source).stem}-{os.getpid()}-{time.monotonic_ns()}.ipynb"
    t0 = time.perf_counter()
    pm.execute_notebook(source, str(executed), parameters=job_parameters(), **PAPERMILL_OPTIONS,
                        cwd=str(config.ROOT),
                        kernel_manager_class=kernel_manager(FLOOR / "kernel.log"))
    return {"kind": Path(source).stem, "seconds": time.perf_counter() - t0, "pid": os.getpid(),
            **usage()}


def job_parameters(district: str = "万州区") -> dict:
    """The parameters fanout._publish passes to 06 (out_dir a scratch folder)."""
    from minsheng.run.kernels import relative

    city = city_path()
    manifest = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
    out = FLOOR / "out"
    (out / "executed").mkdir(parents=True, exist_ok=True)
    return {"clean_dir": relative(city / "data"), "out_dir": relative(out),
            "results_dir": relative(FLOOR / "results"),
            "quarter": manifest["period"], "district": district,
            "draft": bool(manifest["draft"]), "issued_on": manifest["issued_on"],
            "catalogue": relative(city / "data" / "catalogue.yaml")}


# ───────────────────────────────────────────── measurements (each in a fresh process)

def measure_city() -> dict:
    import bench_run

    out = bench_run.measure_run(REPORTS)
    return {**out, "peak_mb": usage()["own_mb"], "kernel_mb": usage()["kernel_mb"]}


def _districts(districts, jobs: int, scheduler: str | None, force: bool) -> dict:
    import bench_fanout
    from minsheng.run.fanout import run_districts

    c0, t0 = cpu_seconds(), time.perf_counter()
    outcomes = run_districts(city_path(), districts, jobs=jobs, scheduler=scheduler, force=force,
                             job=bench_fanout.bench_job)
    seconds = time.perf_counter() - t0
    rows = [{"district": o.district, "status": o.status, "message": o.message,
             "seconds": o.seconds, "peak_mb": o.peak_mb, "pid": getattr(o, "pid", 0),
             "usage": getattr(o, "usage", {})} for o in outcomes]
    # per worker: its last figures (getrusage is cumulative over the worker's life)
    workers: dict[int, dict] = {}
    for r in rows:
        w = workers.setdefault(r["pid"], {"jobs": 0, "job_seconds": 0.0, "peak_mb": 0.0,
                                          "own_mb": 0.0, "kernel_mb": 0.0, "cpu": 0.0})
        w["jobs"] += 1
        w["job_seconds"] += r["seconds"]
        w["peak_mb"] = max(w["peak_mb"], r["peak_mb"])
        if r["usage"]:
            w["own_mb"] = max(w["own_mb"], r["usage"]["own_mb"])
            w["kernel_mb"] = max(w["kernel_mb"], r["usage"]["kernel_mb"])
            w["cpu"] = max(w["cpu"], r["usage"]["cpu_own"] + r["usage"]["cpu_kids"])
    # submitting process + workers (the pool's workers are the forkserver's children, so
    # this process's RUSAGE_CHILDREN does not hold them until it exits)
    cpu = cpu_seconds() - c0 + sum(w["cpu"] for w in workers.values())
    return {"seconds": seconds, "cpu_seconds": cpu, "jobs": jobs, "n": len(rows),
            "statuses": sorted({r["status"] for r in rows}), "outcomes": rows,
            "workers": {str(k): v for k, v in workers.items()},
            "submitter_mb": usage()["own_mb"]}


def measure_fanout() -> dict:
    return _districts(official(), JOBS, None, force=True)


def measure_rerun() -> dict:
    return _districts(official(), JOBS, None, force=False)


def measure_pool3() -> dict:
    return _districts(DASK_DISTRICTS, JOBS, None, force=True)


def measure_dask3() -> dict:
    from distributed import LocalCluster

    t0 = time.perf_counter()
    with LocalCluster(n_workers=JOBS, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        start = time.perf_counter() - t0
        out = _districts(DASK_DISTRICTS, JOBS, cluster.scheduler_address, force=True)
    out["cluster_start_seconds"] = start
    return out


def write_floor() -> dict:
    """Probe the real 06 once (also the warm-up), recording its kernel's modules; write the
    two stand-ins: bare (parameters cell) and imports (+ import lines + recorded modules)."""
    import bench_run
    import nbformat
    from minsheng import config
    from minsheng.run.kernels import PAPERMILL_OPTIONS, kernel_manager, papermill
    from nbformat.v4 import new_code_cell, new_notebook

    shutil.rmtree(FLOOR, ignore_errors=True)
    (FLOOR / "executed").mkdir(parents=True)
    real = config.NOTEBOOKS / f"{NOTEBOOK}.ipynb"
    modules = FLOOR / f"{NOTEBOOK}.modules.json"
    nb = nbformat.read(real, as_version=4)
    nb.cells.append(new_code_cell(bench_run.RECORD_MODULES.format(path=str(modules))))
    nbformat.write(nb, FLOOR / "probe.ipynb")
    pm = papermill()
    t0 = time.perf_counter()
    pm.execute_notebook(str(FLOOR / "probe.ipynb"), str(FLOOR / "probe.executed.ipynb"),
                        parameters=job_parameters(), **PAPERMILL_OPTIONS,
                        cwd=str(config.ROOT), kernel_manager_class=kernel_manager(FLOOR / "kernel.log"))
    probe_seconds = time.perf_counter() - t0
    params = new_code_cell("\n".join(f"{p} = None" for p in bench_run.parameter_names(real)))
    params.metadata["tags"] = ["parameters"]
    meta = nbformat.read(real, as_version=4).metadata
    nbformat.write(new_notebook(cells=[params], metadata=meta), FLOOR / "bare.ipynb")
    imports = new_code_cell("\n".join(bench_run.import_lines(real)))
    lazy = new_code_cell(bench_run.IMPORT_MODULES.format(path=str(modules)))
    nbformat.write(new_notebook(cells=[params, imports, lazy], metadata=meta), FLOOR / "imports.ipynb")
    return {"modules": len(json.loads(modules.read_text())), "probe_seconds": probe_seconds}


def measure_floor() -> dict:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import bench_fanout

    info = write_floor()
    todo = [str(FLOOR / f"{k}.ipynb") for _ in range(FLOOR_JOBS) for k in ("bare", "imports")]
    context = multiprocessing.get_context("forkserver")   # as fanout.executor
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=JOBS, mp_context=context) as pool:
        results = list(pool.map(bench_fanout.floor_job, todo))
    info["seconds"] = time.perf_counter() - t0
    info["runs"] = results
    return info


MEASURES = {"city": measure_city, "fanout": measure_fanout, "rerun": measure_rerun,
            "floor": measure_floor, "pool3": measure_pool3, "dask3": measure_dask3}


def run_measure(kind: str) -> dict:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in (str(HERE), os.environ.get("PYTHONPATH")) if p))  # workers import bench_fanout
    proc = subprocess.run([sys.executable, __file__, "--measure", kind], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-10:])
        return {"error": f"{kind} failed (exit {proc.returncode}):\n{tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ───────────────────────────────────────────── driver

def best(runs: list[dict]) -> dict:
    good = [r for r in runs if "seconds" in r]
    if not good:
        return runs[0] if runs else {"error": "not run"}
    out = dict(min(good, key=lambda r: r["seconds"]))
    out["all_seconds"] = [round(r["seconds"], 2) for r in good]
    return out


def loadavg() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def bench(repeat: int, dask: bool) -> dict:
    res: dict = {"load_before": loadavg(), "repeat": repeat, "jobs": JOBS,
                 "cpus": len(os.sched_getaffinity(0))}
    runs: dict[str, list[dict]] = {"city": [], "fanout": [], "rerun": []}
    for i in range(repeat):   # city, fan-out and rerun take turns
        for kind in runs:
            print(f"  {kind} {i + 1}/{repeat} …", flush=True)
            runs[kind].append(run_measure(kind))
            if "error" in runs[kind][-1]:
                print(runs[kind][-1]["error"], file=sys.stderr)
    for kind, rs in runs.items():
        res[kind] = best(rs)
    print("  floor (probe, then the stand-ins of 06 in the pool) …", flush=True)
    res["floor"] = run_measure("floor")
    if dask:
        three: dict[str, list[dict]] = {"pool3": [], "dask3": []}
        for i in range(repeat):
            for kind in three:
                print(f"  {kind} {i + 1}/{repeat} …", flush=True)
                three[kind].append(run_measure(kind))
        for kind, rs in three.items():
            res[kind] = best(rs)
    res["load_after"] = loadavg()
    evaluate(res)
    return res


def evaluate(res: dict) -> None:
    city, fan = res["city"], res["fanout"]
    verdicts = []
    if "seconds" not in city or "seconds" not in fan or fan.get("statuses") != ["published"]:
        res["verdict"] = "ERROR"
        return
    n = fan["n"]
    res["ratio"] = fan["seconds"] / city["seconds"]
    verdicts.append(res["ratio"] <= RATIO_GOAL)
    res["worker_peak_mb"] = max(w["peak_mb"] for w in fan["workers"].values())
    verdicts.append(res["worker_peak_mb"] < PEAK_MB_GOAL)
    job_s = [o["seconds"] for o in fan["outcomes"]]
    res["per_district_core_s"] = fan["seconds"] * fan["jobs"] / n
    res["median_job_s"] = statistics.median(job_s)
    floor = res.get("floor", {})
    if "runs" in floor:
        for kind in ("bare", "imports"):
            s = [r["seconds"] for r in floor["runs"] if r["kind"] == kind]
            floor[f"{kind}_median_s"] = statistics.median(s)
            floor[f"{kind}_all_s"] = [round(x, 2) for x in s]
        res["kernel_share"] = floor["imports_median_s"] / res["median_job_s"]
    res["projection_pool"] = {str(c): COUNTIES * res["per_district_core_s"] / c for c in CORES}
    res["projection"] = {}
    if "seconds" in res.get("dask3", {}) and "seconds" in res.get("pool3", {}):
        d, p = res["dask3"], res["pool3"]
        res["dask_overhead_core_s"] = (d["seconds"] - p["seconds"]) * JOBS / d["n"]
        overhead = max(0.0, res["dask_overhead_core_s"])
        res["projection"] = {str(c): COUNTIES * (res["per_district_core_s"] + overhead) / c
                             for c in CORES}
    res["verdict"] = "PASS" if all(verdicts) else "FAIL"


def render(res: dict) -> str:
    lines = []
    for kind in ("city", "fanout", "rerun", "floor", "pool3", "dask3"):
        if "error" in res.get(kind, {}):
            lines.append(f"{kind}: {res[kind]['error']}")
    if res["verdict"] == "ERROR":
        fan = res.get("fanout", {})
        bad = [o for o in fan.get("outcomes", []) if o["status"] != "published"]
        lines += [f"  {o['district']}: {o['status']} {o['message']}" for o in bad[:5]]
        return "\n".join(lines)
    city, fan, rerun = res["city"], res["fanout"], res["rerun"]
    head = f"{'step':<44} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}"
    lines += [head, "-" * len(head)]
    lines.append(f"{'city bulletin ' + QUARTER + ' (notebooks 01–03)':<44} {city['seconds']:8.2f} "
                 f"{city['cpu_seconds']:8.2f} {max(city['peak_mb'], city['kernel_mb']):8.0f}")
    label = f"{fan['n']} district bulletins, jobs={fan['jobs']}"
    lines.append(f"{label:<44} {fan['seconds']:8.2f} "
                 f"{fan['cpu_seconds']:8.2f} {res['worker_peak_mb']:8.0f}")
    if "seconds" in rerun:
        skipped = sum(o["status"] == "skipped" for o in rerun["outcomes"])
        label = f"unchanged rerun ({skipped} of {rerun['n']} skipped)"
        lines.append(f"{label:<44} "
                     f"{rerun['seconds']:8.2f} {rerun['cpu_seconds']:8.2f} "
                     f"{max(w['peak_mb'] for w in rerun['workers'].values()):8.0f}")
    floor = res.get("floor", {})
    if "imports_median_s" in floor:
        lines.append(f"{'job floor: bare kernel (median per job)':<44} {floor['bare_median_s']:8.2f}")
        lines.append(f"{'job floor: kernel + 06 imports (median)':<44} {floor['imports_median_s']:8.2f}")
    for kind, label in (("pool3", "3 districts, process pool"), ("dask3", "3 districts, dask LocalCluster")):
        r = res.get(kind, {})
        if "seconds" in r:
            lines.append(f"{label:<44} {r['seconds']:8.2f} {r['cpu_seconds']:8.2f} "
                         f"{max(w['peak_mb'] for w in r['workers'].values()):8.0f}")
    lines.append("")
    lines.append("per worker (fan-out): " + "; ".join(
        f"pid {pid}: {w['jobs']} jobs, {w['job_seconds']:.1f} s in jobs, peak_mb {w['peak_mb']:.0f} "
        f"(worker {w['own_mb']:.0f}, largest kernel {w['kernel_mb']:.0f})"
        for pid, w in fan["workers"].items()))
    job_s = sorted(o["seconds"] for o in fan["outcomes"])
    lines.append(f"per district: wall × jobs / {fan['n']} = {res['per_district_core_s']:.2f} core-s; "
                 f"job seconds median {res['median_job_s']:.2f} (min {job_s[0]:.2f}, max {job_s[-1]:.2f})")
    if "kernel_share" in res:
        lines.append(f"a new kernel: start + imports {floor['imports_median_s']:.2f} s per job (bare "
                     f"kernel {floor['bare_median_s']:.2f} s; {floor['modules']} modules), paid by "
                     f"each worker's first job only: a job in the kept kernel takes "
                     f"{res['median_job_s']:.2f} s (median), so a new kernel per job would add "
                     f"{res['kernel_share']:.0%}")
    if "seconds" in rerun:
        lines.append(f"unchanged rerun: {rerun['seconds']:.2f} s wall, job seconds "
                     f"max {max(o['seconds'] for o in rerun['outcomes']):.2f}")
    if "dask_overhead_core_s" in res:
        d = res["dask3"]
        lines.append(f"dask vs pool, 3 districts: {d['seconds']:.2f} vs {res['pool3']['seconds']:.2f} s "
                     f"→ {res['dask_overhead_core_s']:+.2f} core-s per district "
                     f"(cluster start {d['cluster_start_seconds']:.2f} s, not counted)")
    lines.append("projection, 2,800 counties (per-district cost constant, jobs = cores): process "
                 "pool, kept kernels: " + "; ".join(f"{c} cores {s / 60:.1f} min" for c, s in
                                                   res["projection_pool"].items()))
    if res.get("projection"):
        lines.append("  on Dask (a new kernel per job, + the overhead per district above): "
                     + "; ".join(f"{c} cores {s / 60:.1f} min" for c, s in res["projection"].items()))
    lines.append("")
    ok_ratio = "PASS" if res["ratio"] <= RATIO_GOAL else "FAIL"
    ok_mem = "PASS" if res["worker_peak_mb"] < PEAK_MB_GOAL else "FAIL"
    lines.append(f"fan-out / city = {res['ratio']:.2f} (goal ≤ {RATIO_GOAL:g}×): {ok_ratio}")
    lines.append(f"worker peak = {res['worker_peak_mb']:.0f} MB (goal < {PEAK_MB_GOAL} MB): {ok_mem}")
    lines.append(f"best of {res['repeat']} (city {city['all_seconds']}, fan-out {fan['all_seconds']}); "
                 f"{res['cpus']} cpus; load {res['load_before']} → {res['load_after']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="district fan-out against the city bulletin")
    ap.add_argument("--repeat", type=int, default=2, help="runs of each, best kept (default 2)")
    ap.add_argument("--no-dask", action="store_true", help="skip the dask LocalCluster comparison")
    ap.add_argument("--measure", choices=tuple(MEASURES), help=argparse.SUPPRESS)  # internal
    args = ap.parse_args(argv)
    if args.measure:
        import minsheng.run.fastimport  # noqa: F401  (before nbformat, as in the runner)

        print(json.dumps(MEASURES[args.measure]()))
        return 0
    res = bench(args.repeat, dask=not args.no_dask)
    print()
    print(render(res))
    save_results("results_fanout.json", res)
    return {"PASS": 0, "FAIL": 1}.get(res["verdict"], 2)


if __name__ == "__main__":
    raise SystemExit(main())
