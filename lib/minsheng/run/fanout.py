"""District bulletins (区县通报) fanned out from a published quarter: one papermill job each.

A district bulletin is made from the city publication's own data (reports/2026Q3/data/): the
same ledger and catalogue, so a district's page can never disagree with the city's. Each job
builds in reports/2026Q3/districts/_tmp-<区县>-<pid> and swaps its folder in; a failed job
leaves that district's previous publication in place, keeps its executed notebook under
reports/_failed/ and does not stop the others. A job whose fingerprint (the city's, the
district, the code) equals its published manifest's is skipped without starting a kernel.

Jobs run in a process pool on this machine (`jobs` workers) or, given a scheduler address,
on a Dask cluster through dask.distributed's concurrent.futures executor: the same function,
an existing engine. Workers must see the project folder at the same path (docs/scale.md).
A pool worker runs its jobs in one kept kernel, reset to a new session between them
(run.kernels.KeptKernel): the kernel's start and the imports, over half of a job, are paid
once per worker; the publications are the same bytes as from new kernels (tests/test_fanout.py).
"""

from __future__ import annotations

import json
import multiprocessing
import multiprocessing.util
import os
import resource
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
from minsheng import config
from minsheng.catalogue import districts as district_list
from minsheng.contracts.store import file_sha256
from minsheng.run.index import write_index
from minsheng.run.kernels import (
    KeptKernel,
    NotebookFailed,
    execute_notebook,
    package_versions,
    relative,
)
from minsheng.run.manifest import CATALOGUE, DATA, MANIFEST, TIMINGS, write_manifest
from minsheng.run.notebooks import UNPUBLISHED
from minsheng.run.params import ParameterError, district
from minsheng.run.publish import (
    code_version,
    fingerprint,
    published_fingerprint,
    remove_leftovers,
    swap_in,
    work_folder,
)

NOTEBOOK = "06_district_bulletin"
FOLDER = "districts"           # reports/<quarter>/districts/<区县>/
PUBLISHED, SKIPPED, FAILED = "published", "skipped", "failed"


@dataclass(frozen=True)
class DistrictJob:
    """One district's bulletin, from the city publication at `city` (project-relative)."""

    district: str
    city: str                  # e.g. reports/2026Q3
    force: bool = False

    @property
    def target(self) -> Path:
        return config.ROOT / self.city / FOLDER / self.district


@dataclass(frozen=True)
class DistrictOutcome:
    district: str
    status: str                # published | skipped | failed
    message: str = ""
    seconds: float = 0.0
    peak_mb: float = 0.0       # the largest process of the job (worker or its kernel)


def parse_districts(value: str) -> tuple[str, ...]:
    """'all' → the 38 in official order; '万州区,涪陵区' → those, checked, in official order."""
    if value.strip() == "all":
        return district_list.names()
    wanted = [v.strip() for v in value.replace("，", ",").split(",") if v.strip()]
    if not wanted:
        raise ParameterError("--districts 应为 all 或区县全称列表 / --districts must be all or names")
    for name in wanted:
        district(name, "districts")
    order = district_list.order()
    return tuple(sorted(dict.fromkeys(wanted), key=order.__getitem__))


def _city_manifest(city: Path) -> dict:
    return json.loads((city / MANIFEST).read_text(encoding="utf-8"))


def job_fingerprint(job: DistrictJob, city_manifest: dict) -> str:
    """What the district's publication is made from: the city publication, the district, the
    code (which the city's fingerprint already holds, with the inputs and parameters)."""
    return fingerprint({"city": city_manifest["fingerprint"], "district": job.district,
                        "code_version": code_version(), "kind": "district_bulletin"})


def publish_district(job: DistrictJob) -> DistrictOutcome:
    """Run one district's notebook and publish it; never raises (a failure is an outcome)."""
    started = time.perf_counter()
    try:
        status, message = _publish(job)
    except KeyboardInterrupt:
        status, message = FAILED, "已中断 / interrupted"
    except Exception as exc:  # the job's own failure must not stop the others
        status, message = FAILED, f"{type(exc).__name__}: {exc}"
    return DistrictOutcome(job.district, status, message, round(time.perf_counter() - started, 2),
                           _peak_mb())


def failure_record(city: Path, district: str) -> Path:
    """Where a district's last failure is recorded until it publishes (the index lists it)."""
    return city.parent / "_failed" / f"{city.name}-{district}.json"


def _record(city: Path, outcome: DistrictOutcome) -> None:
    record = failure_record(city, outcome.district)
    if outcome.status != FAILED:
        record.unlink(missing_ok=True)
        return
    record.parent.mkdir(exist_ok=True)
    record.write_text(json.dumps({"kind": "district_bulletin", "period": city.name,
                                  "district": outcome.district, "message": outcome.message},
                                 ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kernels = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss   # those shut down
    return max(round(max(own, kernels) / 1024, 1), _kept.peak_mb() if _kept else 0.0)


def _publish(job: DistrictJob) -> tuple[str, str]:
    city = config.ROOT / job.city
    manifest = _city_manifest(city)
    print_id = job_fingerprint(job, manifest)
    if not job.force and published_fingerprint(job.target) == print_id:
        return SKIPPED, ""
    folder = job.target.parent
    folder.mkdir(parents=True, exist_ok=True)
    remove_leftovers(folder)
    tmp = work_folder(folder, job.district)
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        out, results = tmp / "out", tmp / "results"
        (out / "executed").mkdir(parents=True)
        params = {"clean_dir": relative(city / DATA), "out_dir": relative(out),
                  "results_dir": relative(results),
                  "quarter": manifest["period"], "district": job.district,
                  "draft": bool(manifest["draft"]), "issued_on": manifest["issued_on"],
                  "catalogue": relative(city / DATA / CATALOGUE)}
        failed_as = city.parent / "_failed" / f"{manifest['period']}-{job.district}-{NOTEBOOK}.ipynb"
        kernel = _worker_kernel()
        try:
            seconds = execute_notebook(NOTEBOOK, out / "executed" / f"{NOTEBOOK}.ipynb", params,
                                       tmp / "kernel.log", failed_as,
                                       renamed={relative(out): ".", relative(results): UNPUBLISHED},
                                       kernel=kernel)
        except NotebookFailed as exc:
            _drop_kernel()
            return FAILED, f"{exc.cause}（见 {relative(exc.kept)}）"
        except BaseException:
            _drop_kernel()
            raise
        if kernel:
            try:
                kernel.new_session()
            except Exception:   # this job is done; the next one gets a new kernel
                _drop_kernel()
        counts = _status_counts(results)
        # Parameters as the publication knows its folders: the city's data, and itself.
        shown = {**{k: v for k, v in params.items() if k != "results_dir"},
                 "clean_dir": f"../../{DATA}", "out_dir": ".", "catalogue": f"../../{DATA}/{CATALOGUE}"}
        write_manifest(out, {
            "kind": "district_bulletin", "period": manifest["period"], "month": manifest["month"],
            "district": job.district, "draft": manifest["draft"], "issued_on": manifest["issued_on"],
            "fingerprint": print_id, "city_fingerprint": manifest["fingerprint"],
            "city": {"path": f"../../{MANIFEST}", "sha256": file_sha256(city / MANIFEST)},
            "catalogue": manifest["catalogue"], "code_version": code_version(),
            "settings_sha256": manifest["settings_sha256"], "parameters": {NOTEBOOK: shown},
            "status_counts": counts,
            "packages": package_versions(), TIMINGS: {NOTEBOOK: round(seconds, 2)},
        })
        swap_in(out, job.target, keep_previous=False)
        return PUBLISHED, ""
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _status_counts(results: Path) -> dict[str, int]:
    """The district's indicators per status, as its bulletin counts them (for the index),
    from the rows its notebook computed and stored."""
    from minsheng.contracts.store import read_results
    from minsheng.report.bulletin.counts import status_counts
    from minsheng.report.district.data import DistrictData

    return status_counts(read_results(results, DistrictData.COMPUTED)["rows"]["status"])


# ───────────────────────────── a pool worker keeps one kernel for its jobs (KeptKernel)

_keep_kernel = False
_kept: KeptKernel | None = None


def keep_kernel() -> None:
    """Pool initializer: this worker runs its jobs in one kept kernel, shut down at its exit."""
    global _keep_kernel
    _keep_kernel = True
    multiprocessing.util.Finalize(None, _drop_kernel, exitpriority=10)


def _worker_kernel() -> KeptKernel | None:
    global _kept
    if _keep_kernel and _kept is None:
        _kept = KeptKernel()
    return _kept


def _drop_kernel() -> None:
    global _kept
    kernel, _kept = _kept, None
    if kernel is not None:
        with suppress(Exception):   # a kernel that died already needs no shutting down
            kernel.shutdown()


@contextmanager
def executor(jobs: int, scheduler: str | None):
    """A concurrent.futures executor: a Dask cluster's when `scheduler` names one (a new
    kernel per job: its workers are shared), else a pool of `jobs` processes on this machine
    (started fresh, not forked from a parent that has run kernels), each keeping a kernel."""
    if scheduler:
        from distributed import Client

        with Client(scheduler, timeout="10s") as client:
            yield client.get_executor(pure=False)
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context,
                             initializer=keep_kernel) as pool:
        yield pool


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def run_districts(city: Path, districts: Iterable[str], *, jobs: int | None = None,
                  scheduler: str | None = None, force: bool = False,
                  on_done: Callable[[DistrictOutcome], None] | None = None,
                  job: Callable[[DistrictJob], DistrictOutcome] = publish_district,
                  ) -> list[DistrictOutcome]:
    """Publish each district's bulletin from the city publication `city`; outcomes in the
    districts' order. `on_done` is told of each as it finishes (a progress bar); `job` is
    what a worker runs per district (a module-level function, so it can be sent to one)."""
    rel = city.resolve().relative_to(config.ROOT).as_posix()
    todo = [DistrictJob(d, rel, force) for d in districts]
    if not todo:
        return []
    done: dict[str, DistrictOutcome] = {}
    with executor(jobs or default_jobs(), scheduler) as pool:
        futures: dict[Future, str] = {pool.submit(job, j): j.district for j in todo}
        try:
            for future in as_completed(futures):
                name = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:   # the worker itself died
                    outcome = DistrictOutcome(name, FAILED, f"{type(exc).__name__}: {exc}")
                done[name] = outcome
                _record(city, outcome)
                if on_done:
                    on_done(outcome)
        except KeyboardInterrupt:
            for future in futures:
                future.cancel()
            raise
    write_index(city.parent)
    return [done[j.district] for j in todo]


def summary(outcomes: list[DistrictOutcome]) -> dict[str, list[str]]:
    """Districts by outcome status, in order."""
    out: dict[str, list[str]] = {PUBLISHED: [], SKIPPED: [], FAILED: []}
    for o in outcomes:
        out[o.status].append(o.district)
    return out
