"""Benchmark of the quarterly run against its floor, both measured in the same invocation.

    .venv/bin/python benchmarks/bench_run.py              # best of 3 (also run by bench_clean.py)
    .venv/bin/python benchmarks/bench_run.py --repeat 1

run    minsheng.run.runner.execute(plan_run("2026Q3", raw_dir="data/sample/raw",
       reports_dir="build/bench-reports", issued_on=2026-10-15), progress=False): papermill
       executes notebooks 01–03 and the bulletin is exported to HTML, as `make bulletin` does.
floor  what any such run pays before computing anything: papermill executing the same number of
       notebooks (generated into build/bench-floor/) with the same kernel, working directory
       and parameters, each holding a parameters cell and one cell that imports what the real
       notebook imports (its own import lines plus the libraries its calls import lazily:
       openpyxl and cn2an in 01, seaborn/matplotlib fonts in 02 and 03, WeasyPrint and Jinja2
       in 03), then `minsheng.run.runner.export_html` of the small executed floor bulletin.

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
# Libraries the notebooks' calls import inside functions (not on their import lines): the
# floor imports them too, so that it pays every import the run pays.
LAZY_IMPORTS = {
    "01_clean_progress": ["openpyxl", "cn2an"],
    "02_attainment": ["seaborn", "matplotlib.font_manager"],
    "03_quarterly_bulletin": ["seaborn", "matplotlib.font_manager", "weasyprint", "jinja2",
                              "docx.oxml.ns"],
    "04_annual_assessment": [],
}


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


def write_floor_notebook(name: str, dest: Path) -> Path:
    """A notebook with the real one's parameters cell (values None) and one cell of its imports."""
    import nbformat
    from minsheng import config
    from nbformat.v4 import new_code_cell, new_notebook

    real = config.NOTEBOOKS / f"{name}.ipynb"
    params = new_code_cell("\n".join(f"{p} = None" for p in parameter_names(real)))
    params.metadata["tags"] = ["parameters"]
    lazy = [f"import {m}" for m in LAZY_IMPORTS.get(name, [])]
    imports = new_code_cell("\n".join([*import_lines(real), *lazy]))
    nb = new_notebook(cells=[params, imports],
                      metadata=nbformat.read(real, as_version=4).metadata)
    dest.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, dest)
    return dest


# ───────────────────────────────────────────── measurements (each in a fresh process)

def measure_run() -> dict:
    import datetime as dt

    from minsheng.run import runner

    shutil.rmtree(ROOT / REPORTS, ignore_errors=True)
    plan = runner.plan_run(QUARTER, raw_dir=RAW, reports_dir=REPORTS,
                           issued_on=dt.date.fromisoformat(ISSUED_ON))
    t0 = time.perf_counter()
    target = runner.execute(plan, progress=False)
    seconds = time.perf_counter() - t0
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    return {"seconds": seconds, "steps": manifest["timings_seconds"],
            "files": manifest["rows"].get("files_read"), "rows": manifest["rows"].get("rows_in")}


def floor_plan():
    import datetime as dt

    from minsheng.run import runner

    plan = runner.plan_run(QUARTER, raw_dir=RAW, reports_dir=REPORTS,
                           issued_on=dt.date.fromisoformat(ISSUED_ON))
    return runner.steps(plan, FLOOR / "work")


def write_floor() -> list[Path]:
    """The floor notebooks, one per step of the run (written once, before any measurement)."""
    shutil.rmtree(FLOOR, ignore_errors=True)
    return [write_floor_notebook(s.notebook, FLOOR / f"{s.notebook}.ipynb") for s in floor_plan()]


def measure_floor() -> dict:
    from minsheng.run import runner

    todo = floor_plan()
    executed_dir = FLOOR / "executed"
    shutil.rmtree(executed_dir, ignore_errors=True)
    executed_dir.mkdir(parents=True)
    steps: dict[str, float] = {}
    t0 = time.perf_counter()
    import papermill as pm
    from minsheng import config

    for step in todo:
        t = time.perf_counter()
        pm.execute_notebook(str(FLOOR / f"{step.notebook}.ipynb"), str(executed_dir / f"{step.notebook}.ipynb"),
                            parameters=step.parameters, kernel_name=runner.KERNEL,
                            progress_bar=False, cwd=str(config.ROOT))
        steps[step.notebook] = round(time.perf_counter() - t, 2)
    t = time.perf_counter()
    last = todo[-1].notebook
    runner.export_html(executed_dir / f"{last}.ipynb", FLOOR / "bulletin.html")
    steps["export_html"] = round(time.perf_counter() - t, 2)
    seconds = time.perf_counter() - t0
    steps["total"] = round(seconds, 2)
    return {"seconds": seconds, "steps": steps}


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

    write_floor()
    load_before = os.getloadavg()[0]
    runs: dict[str, list[dict]] = {"floor": [], "run": []}
    for i in range(repeat):
        for kind in ("floor", "run"):
            print(f"  quarterly {kind} {i + 1}/{repeat} …", flush=True)
            runs[kind].append(run_measure(kind))
    out: dict = {"load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
                 "repeat": repeat}
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
    head = f"{'quarterly run ' + QUARTER:<26} {'run s':>8} {'floor s':>8} {'extra s':>8}"
    lines += [head, "-" * len(head)]
    for step in [*(k for k in run["steps"] if k not in ("export_html", "total")), "export_html"]:
        r, f = run["steps"].get(step), floor["steps"].get(step)
        extra = f"{r - f:8.2f}" if r is not None and f is not None else f"{'—':>8}"
        lines.append(f"{step:<26} {r if r is not None else '—':>8} {f if f is not None else '—':>8} {extra}")
    lines.append(f"{'total (wall)':<26} {run['seconds']:8.2f} {floor['seconds']:8.2f} "
                 f"{run['seconds'] - floor['seconds']:8.2f}")
    lines.append(f"\nrun / floor = {res['ratio']:.2f} (goal ≤ {RUN_RATIO_GOAL:g}×): {res['verdict']}; "
                 f"{run.get('files')} files, {run.get('rows'):,} rows in {RAW}; best of {res['repeat']} "
                 f"(run {run['all_seconds']}, floor {floor['all_seconds']}); "
                 f"load {res['load_before']} → {res['load_after']}")
    return "\n".join(lines)


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
    out = HERE / "_data" / "results_run.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"when": time.strftime("%Y-%m-%d %H:%M:%S"), **res},
                              ensure_ascii=False, indent=1))
    return {"PASS": 0, "FAIL": 1}.get(res["verdict"], 2)


if __name__ == "__main__":
    raise SystemExit(main())
