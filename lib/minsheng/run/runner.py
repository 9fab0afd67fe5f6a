"""The quarterly run: execute the notebooks with papermill and publish reports/<quarter>/.

A quarter is published as final only when it has ended, its last month's returns have
fallen due and are in the data (catalogue.periods); otherwise the run refuses in one line,
unless `draft`, and then every output says 征求意见稿 and is computed as of the data's
cut-off. The annual assessment runs only for a final fourth quarter.

Publication is atomic: everything is built in reports/_tmp-<quarter>-<pid>, then moved into
place under a lock (run.publish). A failed step leaves the previous publication untouched,
keeps the failed executed notebook under reports/_failed/ and ends with a one-line cause. So
does an interrupt: SIGINT (Ctrl-C) and SIGTERM end the run with one line, remove its temporary
folder and keep the previous publication (the final swap itself is not interrupted). Kernels
write their own messages to a log in the temporary folder, not to the terminal. A publication
carries the cleaned data it was made from and a manifest hashing every file (run.manifest),
so `minsheng verify` can check it.
"""

from __future__ import annotations

import datetime as dt
import shutil
import signal
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
from minsheng import config
from minsheng.catalogue.periods import (
    NO_RETURNS,
    NOT_DUE,
    NOT_ENDED,
    Quarter,
    readiness,
    returns_due,
)
from minsheng.contracts import store
from minsheng.run.manifest import TIMINGS, file_sha256, publish_data, write_manifest
from minsheng.run.notebooks import strip_volatile
from minsheng.run.params import check, parse_quarter, project_path
from minsheng.run.publish import (
    SUPERSEDED,
    code_version,
    fingerprint,
    published_fingerprint,
    published_on,
    remove_leftovers,
    swap_in,
    work_folder,
)

KERNEL = "python3"
# Packages whose versions go into the manifest (they shape the figures and the documents).
MANIFEST_PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "seaborn", "papermill",
                     "weasyprint", "python-docx", "openpyxl", "python-calamine", "pandera", "cn2an")


class RunError(RuntimeError):
    """A step of the run failed; the message is the one-line cause."""


@dataclass
class Step:
    notebook: str
    parameters: dict
    seconds: float = 0.0


@dataclass(frozen=True)
class RunPlan:
    quarter: Quarter
    raw_dir: Path
    reports_dir: Path
    issued_on: dt.date
    catalogue: Path        # the catalogue YAML every step reads (validated for the quarter's year)
    draft: bool = False    # publish before the quarter is final: a 征求意见稿
    replace: bool = False  # replace an existing publication (kept under reports/_superseded/)
    force: bool = False    # publish even when nothing changed since the existing publication
    today: dt.date = dt.date(1970, 1, 1)

    @property
    def target(self) -> Path:
        return self.reports_dir / self.quarter.label

    @property
    def label(self) -> str:
        return self.quarter.label


def plan_run(quarter: str, raw_dir: str | Path | None = None, reports_dir: str | Path | None = None,
             issued_on: dt.date | None = None, catalogue: str | Path | None = None,
             year: int | None = None, *, draft: bool = False, replace: bool = False,
             force: bool = False, today: dt.date | None = None) -> RunPlan:
    """Validate the run's parameters (the same rules as the notebooks' own) and that the
    quarter may be published; touches nothing on disk.

    `catalogue` is a catalogue YAML inside the project (default data/targets/<year>.yaml);
    `year`, when given, must be the quarter's (with "latest": the year's latest quarter due).
    """
    today = today or dt.date.today()
    q = parse_quarter(quarter, today=today, year=year)
    if not draft:
        refuse_unless_ready(q, today)
    raw = raw_dir if raw_dir is not None else config.SAMPLE_RAW
    reports = reports_dir if reports_dir is not None else config.REPORTS
    checked = check("01_clean_progress", {"raw_dir": raw, "out_dir": "build", "year": q.year,
                                          "catalogue": catalogue})
    raw_path = project_path(raw, "raw_dir", must_exist=True)
    reports_path = project_path(reports, "reports")
    if not raw_path.is_dir():
        raise RunError(f"原始数据路径不是文件夹 / raw path is not a folder: {raw}")
    if reports_path.exists() and not reports_path.is_dir():
        raise RunError(f"发布路径已存在且不是文件夹 / reports path exists and is not a folder: {reports}")
    if reports_path.is_relative_to(raw_path):
        raise RunError(f"发布目录不能在原始数据目录内 / reports folder inside the raw folder: {reports}")
    return RunPlan(q, raw_path, reports_path, issued_on or today, checked.catalogue.path.resolve(),
                   draft=draft, replace=replace, force=force, today=today)


def due_day() -> int:
    return int(config.settings()["cleaning"]["due_day"])


def refuse_unless_ready(q: Quarter, today: dt.date, months_with_returns: set[int] | None = None
                        ) -> None:
    """RunError, in one line, when `q` may not be published as final on `today`."""
    reason = readiness(q, today, due_day(), months_with_returns)
    if reason is None:
        return
    why = {
        NOT_ENDED: f"尚未结束（{q.end_date.isoformat()}结束）",
        NOT_DUE: f"{q.end_month}月的报送截止日为{returns_due(q, due_day()).isoformat()}，截止日之后才能正式发布",
        NO_RETURNS: f"{q.end_month}月的报送尚未收到",
    }[reason]
    raise RunError(f"{q.label} {why}，不能正式发布；如需征求意见稿请加 --draft / "
                   f"{q.label} cannot be published as final yet ({reason}); use --draft for a draft")


def steps(plan: RunPlan, work: Path) -> list[Step]:
    """The notebooks to execute, in order, building into `work` (a final Q4 adds 年度考核)."""
    q, clean, out = plan.quarter, relative(work / "clean"), relative(work / "out")
    results = relative(work / "results")
    # Every step names the catalogue it reads, so the executed notebooks and the manifest say it.
    common = {"clean_dir": clean, "out_dir": out, "catalogue": relative(plan.catalogue)}
    listed = [
        Step("01_clean_progress", {"raw_dir": relative(plan.raw_dir), "out_dir": clean,
                                   "year": q.year, "catalogue": common["catalogue"]}),
        Step("02_attainment", {**common, "results_dir": results, "quarter": q.label,
                               "draft": plan.draft}),
        Step("03_quarterly_bulletin", {**common, "results_dir": results, "quarter": q.label,
                                       "draft": plan.draft, "issued_on": plan.issued_on.isoformat()}),
    ]
    if q.quarter == 4 and not plan.draft:   # a year is assessed only once it is complete
        listed.append(Step("04_annual_assessment", {**common, "year": q.year}))
    return listed


def relative(path: Path) -> str:
    """Project-relative posix path: executed notebooks must not carry machine paths."""
    path = Path(path)
    if path.is_absolute():
        path = path.resolve().relative_to(config.ROOT)
    return path.as_posix()


def _versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in MANIFEST_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


class _Signals:
    """SIGINT and SIGTERM raise KeyboardInterrupt in the main thread, except while `critical`."""

    def __init__(self) -> None:
        self.critical = False
        self.received: int | None = None
        self.previous: dict[int, object] = {}

    def _handler(self, signum, frame) -> None:
        self.received = signum
        if not self.critical:
            raise KeyboardInterrupt

    @contextmanager
    def installed(self):
        if threading.current_thread() is not threading.main_thread():
            yield self  # handlers can only be set from the main thread
            return
        for sig in (signal.SIGINT, signal.SIGTERM):
            self.previous[sig] = signal.signal(sig, self._handler)
        try:
            yield self
        finally:
            for sig, handler in self.previous.items():
                signal.signal(sig, handler)


def _kernel_manager(log: Path) -> type:
    """A kernel manager whose kernels write stdout and stderr to `log`, not to the terminal (a
    kernel shut down mid-reply prints a ZMQError traceback)."""
    from jupyter_client.manager import AsyncKernelManager

    class LoggedKernelManager(AsyncKernelManager):
        async def _async_launch_kernel(self, kernel_cmd, **kw):
            with open(log, "ab") as sink:  # the kernel process keeps its own copy
                kw.update(stdout=sink, stderr=sink)
                return await super()._async_launch_kernel(kernel_cmd, **kw)

    return LoggedKernelManager




@dataclass(frozen=True)
class Outcome:
    """What a run did: published (`target`), or skipped because nothing changed."""

    target: Path
    skipped: bool = False
    superseded: Path | None = None


def execute(plan: RunPlan, progress: bool = True) -> Outcome:
    """Run the plan's notebooks and publish (or skip an unchanged publication)."""
    with _Signals().installed() as signals:
        try:
            return _execute(plan, progress, signals)
        except KeyboardInterrupt:
            name = signal.Signals(signals.received or signal.SIGINT).name
            raise RunError(f"{plan.label} 已中断（{name}），未发布，保留此前的通报 / "
                           "interrupted: nothing published, the previous publication is kept") \
                from None


def input_facts(plan: RunPlan) -> dict:
    """What the publication is made from, hashed: raw files, catalogue, settings, code, and the
    parameters that shape it."""
    return {
        "inputs": {p.relative_to(plan.raw_dir).as_posix(): file_sha256(p)
                   for p in sorted(plan.raw_dir.rglob("*")) if p.is_file()},
        "catalogue": {"path": relative(plan.catalogue), "sha256": file_sha256(plan.catalogue)},
        "settings_sha256": file_sha256(config.PACKAGE_DIR / "settings.yaml"),
        "code_version": code_version(),
        "period": plan.label, "draft": plan.draft, "issued_on": plan.issued_on.isoformat(),
    }


def _existing(plan: RunPlan, print_id: str) -> Outcome | None:
    """Skip a publication made from the same inputs; refuse to replace one made from others."""
    if not plan.target.exists():
        return None
    if published_fingerprint(plan.target) == print_id and not plan.force:
        return Outcome(plan.target, skipped=True)
    if not (plan.replace or plan.force):
        raise RunError(f"{relative(plan.target)} 已发布（{published_on(plan.target) or '日期不详'}）；"
                       f"重新发布请加 --replace（原发布件另存于 {relative(plan.reports_dir / SUPERSEDED)}/）"
                       " / already "
                       "published: use --replace to publish again")
    return None


def _execute(plan: RunPlan, progress: bool, signals: _Signals) -> Outcome:
    import papermill as pm
    from filelock import FileLock, Timeout
    from tqdm import tqdm

    plan.reports_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(plan.reports_dir / f".{plan.label}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"{plan.label} 正在由另一进程生成 / another run of this quarter "
                       "is in progress") from None
    tmp = work_folder(plan.reports_dir, plan.label)
    try:
        remove_leftovers(plan.reports_dir)
        facts = input_facts(plan)
        print_id = fingerprint(facts)
        existing = _existing(plan, print_id)
        if existing is not None:
            return existing
        shutil.rmtree(tmp, ignore_errors=True)
        out, executed_dir = tmp / "out", tmp / "out" / "executed"
        executed_dir.mkdir(parents=True)
        todo = steps(plan, tmp)
        kernels = _kernel_manager(tmp / "kernel.log")
        started = time.perf_counter()
        bar = tqdm(todo, desc=f"通报 {plan.label}", unit="步", disable=not progress,
                   file=sys.stderr)
        for step in bar:
            bar.set_postfix_str(step.notebook)
            _run_step(pm, plan, step, executed_dir, kernels)
            if step.notebook == "01_clean_progress" and not plan.draft:
                _refuse_without_returns(plan, tmp / "clean")
        publish_data(tmp / "clean", plan.catalogue, out)
        write_manifest(out, _manifest_facts(plan, todo, tmp, facts, print_id,
                                            time.perf_counter() - started))
        signals.critical = True  # the swap runs to its end; a signal now changes nothing
        keep = swap_in(out, plan.target, keep_previous=plan.replace)
        return Outcome(plan.target, superseded=keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        lock.release()


def _run_step(pm, plan: RunPlan, step: Step, executed_dir: Path, kernels: type) -> None:
    executed = executed_dir / f"{step.notebook}.ipynb"
    t0 = time.perf_counter()
    try:
        pm.execute_notebook(str(config.NOTEBOOKS / f"{step.notebook}.ipynb"), str(executed),
                            parameters=step.parameters, kernel_name=KERNEL,
                            progress_bar=False, cwd=str(config.ROOT),
                            kernel_manager_class=kernels)
    except pm.PapermillExecutionError as exc:
        failed = plan.reports_dir / "_failed"
        failed.mkdir(exist_ok=True)
        kept = failed / f"{plan.label}-{step.notebook}.ipynb"
        shutil.copyfile(executed, kept)
        raise RunError(f"{step.notebook} 失败 / failed: {exc.ename}: {exc.evalue} "
                       f"(see {relative(kept)})") from None
    step.seconds = time.perf_counter() - t0
    strip_volatile(executed)


def _refuse_without_returns(plan: RunPlan, clean: Path) -> None:
    """After cleaning: a final quarter needs returns for its last month in the data."""
    q = plan.quarter
    months = {s.month_no for s in store.read_quality(clean).submissions.by_unit
              if s.year_no == q.year and s.status != "missing"}
    refuse_unless_ready(q, plan.today, months)


def _manifest_facts(plan: RunPlan, done: list[Step], tmp: Path, facts: dict, print_id: str,
                    total: float) -> dict:
    quality = store.read_quality(tmp / "clean")
    table = store.read_results(tmp / "results", ("table",))["table"]
    # Parameters as the publication knows its folders: its data/ and itself.
    where = {relative(tmp / "clean"): "data", relative(tmp / "out"): "."}
    params = {s.notebook: {k: where.get(v, v) for k, v in s.parameters.items() if k != "results_dir"}
              for s in done}
    return {
        **facts, "fingerprint": print_id, "kind": "quarterly_bulletin",
        "month": int(table["month"].iloc[0]) if len(table) else plan.quarter.end_month,
        "raw_dir": relative(plan.raw_dir), "parameters": params,
        "rows": {k: getattr(quality, k) for k in ("rows_in", "rows_clean", "rows_quarantined",
                                                  "rows_duplicate", "files_read")},
        "packages": _versions(),
        TIMINGS: {**{s.notebook: round(s.seconds, 2) for s in done}, "total": round(total, 2)},
    }
