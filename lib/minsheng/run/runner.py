"""The runs: execute the notebooks with papermill and publish reports/<period>/ — the quarterly
bulletin (季通报, reports/2026Q3/, with the annual assessment after a final Q4) or the monthly
dispatch (月调度, reports/2026-09/). District bulletins fan out from a published quarter
(run.fanout); every run ends by writing the index of publications (run.index).

A period is published as final only when it has ended, its last month's returns have
fallen due and are in the data (catalogue.periods); otherwise the run refuses in one line,
unless `draft`, and then every output says 征求意见稿 and is computed as of the data's
cut-off.

Publication is atomic: everything is built in reports/_tmp-<period>-<pid>, then moved into
place under a lock (run.publish). A failed step leaves the previous publication untouched,
keeps the failed executed notebook under reports/_failed/ and ends with a one-line cause. So
does an interrupt: SIGINT (Ctrl-C) and SIGTERM end the run with one line, remove its temporary
folder and keep the previous publication (the final swap itself is not interrupted). Kernels
write their own messages to a log in the temporary folder, not to the terminal. A publication
carries the cleaned data it was made from and a manifest hashing every file (run.manifest),
so `minsheng verify` can check it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import signal
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import minsheng.run.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
from minsheng import config
from minsheng.catalogue.periods import (
    NO_RETURNS,
    NOT_DUE,
    NOT_ENDED,
    Month,
    Period,
    readiness,
    returns_due,
)
from minsheng.contracts import store
from minsheng.contracts.store import file_sha256
from minsheng.report.bulletin.counts import status_counts
from minsheng.run.index import write_index
from minsheng.run.kernels import (
    NotebookFailed,
    Signals,
    execute_notebook,
    package_versions,
    relative,
)
from minsheng.run.manifest import DATA, TIMINGS, publish_data, write_manifest
from minsheng.run.notebooks import UNPUBLISHED
from minsheng.run.params import check, parse_quarter, parse_reporting_month, project_path
from minsheng.run.publish import (
    SUPERSEDED,
    code_version,
    fingerprint,
    published_draft,
    published_fingerprint,
    published_on,
    remove_leftovers,
    swap_in,
    work_folder,
)


class RunError(RuntimeError):
    """A step of the run failed; the message is the one-line cause."""


@dataclass
class Step:
    notebook: str
    parameters: dict
    seconds: float = 0.0


# What each kind of period publishes, as the manifest and the index name it.
QUARTERLY, MONTHLY, DISTRICT = "quarterly_bulletin", "monthly_dispatch", "district_bulletin"
TITLES = {QUARTERLY: "季度通报", MONTHLY: "月度调度", DISTRICT: "区县通报"}
CLEANING = "01_clean_progress"   # every run's first step; its output is the publication's data/


@dataclass(frozen=True)
class RunPlan:
    period: Period         # a Quarter (季通报) or a Month (月调度)
    raw_dir: Path
    reports_dir: Path
    issued_on: dt.date
    catalogue: Path        # the catalogue YAML every step reads (validated for the quarter's year)
    draft: bool = False    # publish before the quarter is final: a 征求意见稿
    replace: bool = False  # replace an existing publication (kept under reports/_superseded/)
    force: bool = False    # publish even when nothing changed since the existing publication
    today: dt.date = dt.date(1970, 1, 1)
    issued_given: bool = True  # False: issued_on defaulted to today (see _settle_date)

    @property
    def target(self) -> Path:
        return self.reports_dir / self.period.label

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def kind(self) -> str:
        return MONTHLY if isinstance(self.period, Month) else QUARTERLY


def plan_run(period: str, raw_dir: str | Path | None = None, reports_dir: str | Path | None = None,
             issued_on: dt.date | None = None, catalogue: str | Path | None = None,
             year: int | None = None, *, monthly: bool = False, draft: bool = False,
             replace: bool = False, force: bool = False, today: dt.date | None = None) -> RunPlan:
    """Validate the run's parameters (the same rules as the notebooks' own) and that the
    period may be published; touches nothing on disk.

    `period` is a quarter ("2026Q3", "latest"), or with `monthly` a month ("2026-09",
    "latest"). `catalogue` is a catalogue YAML inside the project (default
    data/targets/<year>.yaml); `year`, when given, must be the period's (with "latest": the
    year's latest period due).
    """
    today = today or dt.date.today()
    q = (parse_reporting_month if monthly else parse_quarter)(period, today=today, year=year)
    if not draft:
        refuse_unless_ready(q, today)
    raw = raw_dir if raw_dir is not None else config.SAMPLE_RAW
    reports = reports_dir if reports_dir is not None else config.REPORTS
    checked = check(CLEANING, {"raw_dir": raw, "out_dir": "build", "year": q.year,
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
                   draft=draft, replace=replace, force=force, today=today,
                   issued_given=issued_on is not None)


def due_day() -> int:
    return int(config.settings()["cleaning"]["due_day"])


def refuse_unless_ready(q: Period, today: dt.date, months_with_returns: set[int] | None = None
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
    """The notebooks to execute, in order, building into `work`: cleaning, then the month's
    dispatch, or the quarter's attainment and bulletin (a final Q4 adds 年度考核)."""
    q, clean, out = plan.period, relative(work / "clean"), relative(work / "out")
    results = relative(work / "results")
    # Every step names the catalogue it reads, so the executed notebooks and the manifest say it.
    common = {"clean_dir": clean, "out_dir": out, "catalogue": relative(plan.catalogue)}
    cleaning = Step(CLEANING, {"raw_dir": relative(plan.raw_dir), "out_dir": clean,
                               "year": q.year, "catalogue": common["catalogue"]})
    if isinstance(q, Month):
        return [cleaning, Step("05_monthly_dispatch", {
            **common, "month": q.label, "draft": plan.draft, "issued_on": plan.issued_on.isoformat()})]
    listed = [
        cleaning,
        Step("02_attainment", {**common, "results_dir": results, "quarter": q.label,
                               "draft": plan.draft}),
        Step("03_quarterly_bulletin", {**common, "results_dir": results, "quarter": q.label,
                                       "draft": plan.draft, "issued_on": plan.issued_on.isoformat()}),
    ]
    if q.quarter == 4 and not plan.draft:   # a year is assessed only once it is complete
        listed.append(Step("04_annual_assessment", {**common, "year": q.year}))
    return listed


@dataclass(frozen=True)
class Outcome:
    """What a run did: published (`target`), or skipped because nothing changed."""

    target: Path
    skipped: bool = False
    superseded: Path | None = None


def execute(plan: RunPlan, progress: bool = True) -> Outcome:
    """Run the plan's notebooks and publish (or skip an unchanged publication)."""
    with Signals().installed() as signals:
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


def _settle_date(plan: RunPlan) -> RunPlan:
    """A run given no date that would not replace anything keeps the published one's date, so
    that the same inputs on another day are the same publication (skipped, not refused)."""
    if plan.issued_given or plan.replace or plan.force or not plan.target.exists() \
            or _supersedes_draft(plan):
        return plan
    try:
        return dataclasses.replace(plan, issued_on=dt.date.fromisoformat(published_on(plan.target)))
    except ValueError:
        return plan


def _supersedes_draft(plan: RunPlan) -> bool:
    """A final run of a period published only as a draft replaces the draft (kept)."""
    return not plan.draft and plan.target.exists() and published_draft(plan.target)


def _existing(plan: RunPlan, print_id: str) -> Outcome | None:
    """Skip a publication made from the same inputs; refuse to replace one made from others,
    unless told to or it is a draft the final publication replaces."""
    if not plan.target.exists():
        return None
    if published_fingerprint(plan.target) == print_id and not plan.force:
        return Outcome(plan.target, skipped=True)
    if not (plan.replace or plan.force or _supersedes_draft(plan)):
        raise RunError(f"{relative(plan.target)} 已发布（{published_on(plan.target) or '日期不详'}）；"
                       f"重新发布请加 --replace（原发布件另存于 {relative(plan.reports_dir / SUPERSEDED)}/）"
                       " / already "
                       "published: use --replace to publish again")
    return None


def _execute(plan: RunPlan, progress: bool, signals: Signals) -> Outcome:
    from filelock import FileLock, Timeout
    from tqdm import tqdm

    plan.reports_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(plan.reports_dir / f".{plan.label}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"{plan.label} 正在由另一进程生成 / another run of this period "
                       "is in progress") from None
    tmp = work_folder(plan.reports_dir, plan.label)
    try:
        remove_leftovers(plan.reports_dir)
        plan = _settle_date(plan)
        facts = input_facts(plan)
        print_id = fingerprint(facts)
        existing = _existing(plan, print_id)
        if existing is not None:
            write_index(plan.reports_dir)
            return existing
        shutil.rmtree(tmp, ignore_errors=True)
        out, executed_dir = tmp / "out", tmp / "out" / "executed"
        executed_dir.mkdir(parents=True)
        todo = steps(plan, tmp)
        started = time.perf_counter()
        bar = tqdm(todo, desc=f"{TITLES[plan.kind]} {plan.label}", unit="步", disable=not progress,
                   file=sys.stderr)
        # data/ is the cleaning's output alone: it is written while the later notebooks run
        # (the with-block waits for it, also after an error or Ctrl-C, before tmp is removed).
        with ThreadPoolExecutor(max_workers=1) as side:
            for step in bar:
                bar.set_postfix_str(step.notebook)
                _run_step(plan, step, executed_dir, tmp / "kernel.log")
                if step.notebook == CLEANING:
                    if not plan.draft:
                        _refuse_without_returns(plan, tmp / "clean")
                    published = side.submit(publish_data, tmp / "clean", plan.catalogue, out)
            published.result()
        write_manifest(out, _manifest_facts(plan, todo, tmp, facts, print_id,
                                            time.perf_counter() - started))
        signals.critical = True  # the swap runs to its end; a signal now changes nothing
        keep = swap_in(out, plan.target, keep_previous=True)
        write_index(plan.reports_dir)
        return Outcome(plan.target, superseded=keep)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        lock.release()


def published_names(tmp: Path) -> dict[str, str]:
    """The run's folders as the publication names them: its data/, itself, and the step
    results it does not carry."""
    return {relative(tmp / "clean"): DATA, relative(tmp / "out"): ".",
            relative(tmp / "results"): UNPUBLISHED}


def _run_step(plan: RunPlan, step: Step, executed_dir: Path, log: Path) -> None:
    tmp = executed_dir.parent.parent
    try:
        step.seconds = execute_notebook(
            step.notebook, executed_dir / f"{step.notebook}.ipynb", step.parameters, log,
            failed_as=plan.reports_dir / "_failed" / f"{plan.label}-{step.notebook}.ipynb",
            renamed=published_names(tmp))
    except NotebookFailed as exc:
        raise RunError(str(exc)) from None


def _refuse_without_returns(plan: RunPlan, clean: Path) -> None:
    """After cleaning: a final period needs returns for its last month in the data."""
    q = plan.period
    months = {s.month_no for s in store.read_quality(clean).submissions.by_unit
              if s.year_no == q.year and s.status != "missing"}
    refuse_unless_ready(q, plan.today, months)


def _manifest_facts(plan: RunPlan, done: list[Step], tmp: Path, facts: dict, print_id: str,
                    total: float) -> dict:
    quality = store.read_quality(tmp / "clean")
    table = _table(plan, tmp)
    # Parameters as the publication knows its folders: its data/ and itself.
    where = published_names(tmp)
    params = {s.notebook: {k: where.get(v, v) for k, v in s.parameters.items() if k != "results_dir"}
              for s in done}
    return {
        **facts, "fingerprint": print_id, "kind": plan.kind,
        "month": int(table["month"].iloc[0]) if len(table) else plan.period.end_month,
        "status_counts": status_counts(table["status"]),
        "raw_dir": relative(plan.raw_dir), "parameters": params,
        "rows": {k: getattr(quality, k) for k in ("rows_in", "rows_clean", "rows_quarantined",
                                                  "rows_duplicate", "files_read")},
        "packages": package_versions(),
        TIMINGS: {**{s.notebook: round(s.seconds, 2) for s in done}, "total": round(total, 2)},
    }


def _table(plan: RunPlan, tmp: Path):
    """The indicator table the publication is as of: the quarter's, as 02_attainment stored it;
    the month's, computed again from the cleaned ledger (a draft: as of the data's cut-off)."""
    if plan.kind == QUARTERLY:
        return store.read_results(tmp / "results", ("table",))["table"]
    from minsheng.catalogue import load_catalogue
    from minsheng.report.bulletin.data import data_cutoff
    from minsheng.rules.attainment import table_at

    ledger = store.read_ledger(tmp / "clean")
    q = plan.period
    month = data_cutoff(ledger, q.year, q.end_month) if plan.draft else q.end_month
    return table_at(load_catalogue(path=plan.catalogue), ledger, q.year, month)

