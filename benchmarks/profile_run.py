"""Where the quarterly run's time goes: each notebook of the run profiled inside its kernel.

    .venv/bin/python benchmarks/profile_run.py               # top 25 entries per notebook
    .venv/bin/python benchmarks/profile_run.py --top 40 --sort tottime

The notebooks of the run (bench_run.QUARTER on bench_run.RAW) are executed as bench_run's probe
executes them (the run's papermill call), each with a first cell that starts cProfile (and
times the cyclic garbage collector) and a last one that stops it, so the profile covers the
cells, not the kernel's start. Printed per notebook: each cell's wall time (papermill's
record), the collector's seconds, and the profile's top entries by cumulative time, leaving out
the kernel's and the import system's own frames (what is left is the notebook's work and the
imports it pays, which the floor pays too). The raw profiles are kept in
build/bench-floor/profile/<notebook>.prof (`python -m pstats`). cProfile roughly doubles the
time of Python code, and sees the main thread only (the cleaner's reader threads show as
waits): for the cleaner at scale, sample with py-spy instead (benchmarks/README.md).
"""

from __future__ import annotations

import argparse
import pstats
from pathlib import Path

import bench_run

OUT = bench_run.FLOOR / "profile"
START = """\
import cProfile as _cProfile
import gc as _gc
import time as _time

_gc_seconds, _gc_started = [0.0, 0.0, 0.0], [0.0]


def _gc_timer(phase, info):   # time spent in the cyclic garbage collector, by generation
    if phase == "start":
        _gc_started[0] = _time.perf_counter()
    else:
        _gc_seconds[info["generation"]] += _time.perf_counter() - _gc_started[0]


_gc.callbacks.append(_gc_timer)
_profile = _cProfile.Profile()
_profile.enable()
"""
STOP = """\
_profile.disable()
_gc.callbacks.remove(_gc_timer)
_profile.dump_stats({path!r})
print("gc seconds by generation:", [round(s, 3) for s in _gc_seconds])
"""


def profile(top: int, sort: str) -> None:
    import nbformat
    from minsheng import config
    from nbformat.v4 import new_code_cell

    OUT.mkdir(parents=True, exist_ok=True)
    for step in bench_run.floor_plan():
        nb = nbformat.read(config.NOTEBOOKS / f"{step.notebook}.ipynb", as_version=4)
        prof = OUT / f"{step.notebook}.prof"
        nb.cells.insert(0, new_code_cell(START))
        nb.cells.append(new_code_cell(STOP.format(path=str(prof))))
        source, executed = OUT / f"{step.notebook}.ipynb", OUT / f"{step.notebook}.executed.ipynb"
        nbformat.write(nb, source)
        bench_run.run_notebook(source, executed, step.parameters)
        done = nbformat.read(executed, as_version=4)
        gc_line = done.cells[-1].outputs[0]["text"].strip()
        print(f"\n══ {step.notebook}: {done.metadata.papermill.duration:.2f} s in cells; {gc_line}")
        for cell in done.cells:
            if cell.cell_type == "code" and cell.source.strip():
                seconds = cell.metadata.get("papermill", {}).get("duration") or 0.0
                print(f"  {seconds:6.2f} s  {cell.source.strip().splitlines()[-1][:90]}")
        print(f"  {'cum s':>7} {'own s':>7} {'calls':>8}  function")
        for (path, line, name), (_, calls, own, cum) in entries(prof, sort, top):
            where = f" ({Path(path).name}:{line})" if path != "~" else ""
            print(f"  {cum:7.3f} {own:7.3f} {calls:8d}  {name}{where}")


# Frames of the kernel, the event loop and the import system: around every cell, not in it.
MACHINERY = ("ipykernel", "IPython", "asyncio", "tornado", "zmq", "traitlets", "importlib",
             "<frozen", "threading.py", "concurrent/futures", "<string>", "contextvars")


BUILTIN_MACHINERY = ("<module>", "<built-in method builtins.exec>",
                     "<built-in method builtins.__import__>", "<built-in method builtins.__build_class__>",
                     "<method 'run' of '_contextvars.Context' objects>",
                     "<method 'send' of 'coroutine' objects>",
                     "<method 'acquire' of '_thread.lock' objects>")   # (that is waiting)


def entries(prof: Path, sort: str, top: int) -> list[tuple[tuple, tuple]]:
    """The profile's `top` entries by `sort` ("cumulative" or "tottime"), machinery left out:
    ((file, line, function), (primitive calls, calls, own s, cumulative s)) each."""
    stats = pstats.Stats(str(prof)).stats
    key = {"cumulative": 3, "tottime": 2}[sort]
    kept = [(func, row[:4]) for func, row in stats.items()
            if not any(m in func[0] for m in MACHINERY) and func[2] not in BUILTIN_MACHINERY]
    return sorted(kept, key=lambda e: e[1][key], reverse=True)[:top]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="profile each notebook of the quarterly run")
    ap.add_argument("--top", type=int, default=25, help="entries per notebook (default 25)")
    ap.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"),
                    help="order of the entries (default cumulative)")
    args = ap.parse_args(argv)
    import minsheng.run.fastimport  # noqa: F401  (before nbformat, as in the runner)

    profile(args.top, args.sort)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
