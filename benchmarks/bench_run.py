"""Benchmark of the quarterly run against its floor, both measured in the same invocation.

    .venv/bin/python benchmarks/bench_run.py              # best of 3 (also run by bench_clean.py)
    .venv/bin/python benchmarks/bench_run.py --repeat 1

run    minsheng.run.runner.execute(plan_run("2026Q3", raw_dir="data/sample/raw",
       reports_dir="build/bench-reports", issued_on=2026-10-15), progress=False): papermill
       executes notebooks 01–03 (03 writes the HTML, PDF and DOCX itself) and the publication
       is put in place, as `make bulletin` does.
floor  what any such run pays before computing anything: papermill executing the same
       notebooks' stand-ins (generated into build/bench-floor/) with the same kernel, working
       directory and parameters, each holding a parameters cell, the real notebook's own import
       lines, and a cell importing every further module the real notebook's kernel had loaded
       by its end (what its calls import lazily: calamine, openpyxl, Typst, python-docx,
       matplotlib's font manager …). That list is not kept by hand: before measuring, the real
       notebooks are executed once (the probe, also the warm-up) with a last cell that records
       the kernel's `sys.modules` in import order, so the floor follows the code.

Goal: run ≤ 1.5 × floor. Each measurement runs in a fresh Python process (papermill, nbconvert
and the kernels start cold in both); run and floor alternate, and the fastest of --repeat is
kept for each. The run's own per-notebook timings come from its manifest.json
(timings_seconds). Exit 0 when the goal is met, 1 when it is missed, 2 when a step failed.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
QUARTER = "2026Q3"
RAW = "data/sample/raw"
REPORTS = "build/bench-reports"
FLOOR = ROOT / "build" / "bench-floor"
ISSUED_ON = "2026-10-15"
RUN_RATIO_GOAL = 1.5
# The probe's last cell: the modules the kernel has loaded, in import order.
RECORD_MODULES = """\
import json as _json
import sys as _sys
from pathlib import Path as _Path
_Path({path!r}).write_text(_json.dumps([m for m in _sys.modules if m != "__main__"]))
"""
# The floor's last cell: import what the probe recorded (a module made at run time, such as
# six.moves.*, cannot be imported by name: counted, then skipped).
IMPORT_MODULES = """\
import importlib
import json
from pathlib import Path

not_importable = []
for name in json.loads(Path({path!r}).read_text()):
    try:
        importlib.import_module(name)
    except Exception:
        not_importable.append(name)
print(len(not_importable), "not importable by name")
"""


# ───────────────────────────────────────────── the floor notebooks

def import_lines(notebook: Path) -> list[str]:
    """The import statements of a notebook's code cells, in order, as source text."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    out: list[str] = []
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" in cell.metadata.get("tags", []):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                line = ast.unparse(node)
                if line not in out:
                    out.append(line)
    return out


def parameter_names(notebook: Path) -> list[str]:
    """Names assigned in the notebook's `parameters` cell."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code" and "parameters" in cell.metadata.get("tags", []):
            return [t.id for node in ast.parse(cell.source).body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)]
    return []


def modules_file(name: str) -> Path:
    return FLOOR / f"{name}.modules.json"


def write_floor_notebook(name: str, dest: Path) -> Path:
    """A notebook with the real one's parameters cell (values None), its import lines, and
    the import of every module the probe recorded."""
    import nbformat
    from minsheng import config
    from nbformat.v4 import new_code_cell, new_notebook

    real = config.NOTEBOOKS / f"{name}.ipynb"
    params = new_code_cell("\n".join(f"{p} = None" for p in parameter_names(real)))
    params.metadata["tags"] = ["parameters"]
    imports = new_code_cell("\n".join(import_lines(real)))
    lazy = new_code_cell(IMPORT_MODULES.format(path=str(modules_file(name))))
    nb = new_notebook(cells=[params, imports, lazy],
                      metadata=nbformat.read(real, as_version=4).metadata)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    return dest


def probe_modules() -> dict[str, int]:
    """Execute the real notebooks once, as the run does, recording each kernel's modules;
    returns how many each loaded."""
    import nbformat
    from minsheng import config
    from nbformat.v4 import new_code_cell

    probe = FLOOR / "probe"
    probe.mkdir(parents=True, exist_ok=True)
    counts = {}
    for step in floor_plan():
        nb = nbformat.read(config.NOTEBOOKS / f"{step.notebook}.ipynb", as_version=4)
        nb.cells.append(new_code_cell(RECORD_MODULES.format(path=str(modules_file(step.notebook)))))
        source = probe / f"{step.notebook}.ipynb"
        nbformat.write(nb, source)
        run_notebook(source, probe / f"{step.notebook}.executed.ipynb", step.parameters)
        counts[step.notebook] = len(json.loads(modules_file(step.notebook).read_text()))
    return counts


# ───────────────────────────────────────────── measurements (each in a fresh process)

def cpu_seconds() -> float:
    """CPU time (user + system) of this process and of its finished children: the kernels."""
    own, kids = (resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def measure_run(reports: str = REPORTS) -> dict:
    """The quarterly run from scratch into `reports` (project-relative)."""
    import datetime as dt

    from minsheng.run import runner

    shutil.rmtree(ROOT / reports, ignore_errors=True)
    plan = runner.plan_run(QUARTER, raw_dir=RAW, reports_dir=reports,
                           issued_on=dt.date.fromisoformat(ISSUED_ON))
    c0, t0 = cpu_seconds(), time.perf_counter()
    target = runner.execute(plan, progress=False).target
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "cpu_seconds": cpu, "steps": manifest["timings_seconds"],
            "files": manifest["rows"].get("files_read"), "rows": manifest["rows"].get("rows_in")}


def run_notebook(source: Path, executed: Path, parameters: dict) -> None:
    """The run's papermill call (minsheng.run.kernels.execute_notebook): same kernel, working
    directory and kernel manager (kernels writing to a log)."""
    from minsheng import config
    from minsheng.run.kernels import PAPERMILL_OPTIONS, kernel_manager, papermill

    papermill().execute_notebook(str(source), str(executed), parameters=parameters,
                                 **PAPERMILL_OPTIONS, cwd=str(config.ROOT),
                                 kernel_manager_class=kernel_manager(FLOOR / "kernel.log"))


def floor_plan():
    import datetime as dt

    from minsheng.run import runner

    plan = runner.plan_run(QUARTER, raw_dir=RAW, reports_dir=REPORTS,
                           issued_on=dt.date.fromisoformat(ISSUED_ON))
    return runner.steps(plan, FLOOR / "work")


def write_floor() -> dict[str, int]:
    """The floor notebooks, one per step of the run (written once, before any measurement,
    after the probe); returns the probe's module counts."""
    shutil.rmtree(FLOOR, ignore_errors=True)
    counts = probe_modules()
    for s in floor_plan():
        write_floor_notebook(s.notebook, FLOOR / f"{s.notebook}.ipynb")
    return counts


def measure_floor() -> dict:
    todo = floor_plan()
    executed_dir = FLOOR / "executed"
    shutil.rmtree(executed_dir, ignore_errors=True)
    executed_dir.mkdir(parents=True)
    steps: dict[str, float] = {}
    c0, t0 = cpu_seconds(), time.perf_counter()   # papermill's import is timed, as in the run
    for step in todo:
        t = time.perf_counter()
        run_notebook(FLOOR / f"{step.notebook}.ipynb", executed_dir / f"{step.notebook}.ipynb",
                     step.parameters)
        steps[step.notebook] = round(time.perf_counter() - t, 2)
    seconds, cpu = time.perf_counter() - t0, cpu_seconds() - c0
    steps["total"] = round(seconds, 2)
    return {"seconds": seconds, "cpu_seconds": cpu, "steps": steps}


MEASURES = {"run": measure_run, "floor": measure_floor}


def run_measure(kind: str) -> dict:
    proc = subprocess.run([sys.executable, __file__, "--measure", kind], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-10:])
        return {"error": f"{kind} failed (exit {proc.returncode}):\n{tail}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


# ───────────────────────────────────────────── driver

def bench(repeat: int) -> dict:
    """Floor and run alternately, `repeat` times each; the fastest of each is kept."""
    import minsheng.run.fastimport  # noqa: F401  (before nbformat, as in the runner)

    print("  probe: the real notebooks once, recording their modules …", flush=True)
    modules = write_floor()
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict]] = {"floor": [], "run": []}
    for i in range(repeat):
        for kind in ("floor", "run"):
            print(f"  quarterly {kind} {i + 1}/{repeat} …", flush=True)
            runs[kind].append(run_measure(kind))
    out: dict = {"load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
                 "repeat": repeat, "modules": modules}
    for kind, results in runs.items():
        good = [r for r in results if "seconds" in r]
        if not good:
            out[kind] = results[0]
            continue
        best = dict(min(good, key=lambda r: r["seconds"]))
        best["all_seconds"] = [round(r["seconds"], 2) for r in good]
        out[kind] = best
    if "seconds" in out["run"] and "seconds" in out["floor"]:
        out["ratio"] = out["run"]["seconds"] / out["floor"]["seconds"]
        out["verdict"] = "PASS" if out["ratio"] <= RUN_RATIO_GOAL else "FAIL"
    else:
        out["verdict"] = "ERROR"
    return out


def render(res: dict) -> str:
    lines = []
    run, floor = res.get("run", {}), res.get("floor", {})
    for kind in ("run", "floor"):
        if "error" in res.get(kind, {}):
            lines.append(f"{kind}: {res[kind]['error']}")
    if res["verdict"] == "ERROR":
        return "\n".join(lines)
    head = f"{'quarterly run ' + QUARTER:<26} {'run s':>8} {'floor s':>8} {'extra s':>8} {'ratio':>6}"
    lines += [head, "-" * len(head)]

    def row(name: str, r: float, f: float) -> str:
        ratio = f"{r / f:6.2f}" if f >= 0.05 else f"{'—':>6}"
        return f"{name:<26} {r:8.2f} {f:8.2f} {r - f:8.2f} {ratio}"

    notebooks = [k for k in run["steps"] if k != "total"]
    for step in notebooks:
        lines.append(row(step, run["steps"][step], floor["steps"].get(step, float("nan"))))
    # the runner's own work around the notebooks: hashing inputs, publishing, manifest, index
    lines.append(row("runner (outside notebooks)",
                     run["seconds"] - sum(run["steps"][k] for k in notebooks),
                     floor["seconds"] - sum(floor["steps"].get(k, 0.0) for k in notebooks)))
    lines.append(row("total (wall)", run["seconds"], floor["seconds"]))
    lines.append(row("cpu s (kernels included)", run["cpu_seconds"], floor["cpu_seconds"]))
    lines.append(f"\nrun / floor = {res['ratio']:.2f} (goal ≤ {RUN_RATIO_GOAL:g}×): {res['verdict']}; "
                 f"{run.get('files')} files, {run.get('rows'):,} rows in {RAW}; best of {res['repeat']} "
                 f"(run {run['all_seconds']}, floor {floor['all_seconds']}); "
                 f"load {res['load_before']} → {res['load_after']}")
    return "\n".join(lines)


def save_results(name: str, res: dict) -> Path:
    """benchmarks/_data/<name>: the results with the time they were measured."""
    out = HERE / "_data" / name
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M:%S"), **res},
                              ensure_ascii=False, indent=1))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="the quarterly run against its floor")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each, best kept (default 3)")
    ap.add_argument("--measure", choices=tuple(MEASURES), help=argparse.SUPPRESS)  # internal
    args = ap.parse_args(argv)
    if args.measure:
        print(json.dumps(MEASURES[args.measure]()))
        return 0
    res = bench(args.repeat)
    print()
    print(render(res))
    save_results("results_run.json", res)
    return {"PASS": 0, "FAIL": 1}.get(res["verdict"], 2)


if __name__ == "__main__":
    raise SystemExit(main())
