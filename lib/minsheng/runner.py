"""The quarterly run: execute the notebooks with papermill and publish reports/<quarter>/.

Publication is atomic: everything is built in reports/_tmp-…, then moved into place under
a lock. A failed step leaves the previous publication untouched, keeps the failed executed
notebook under reports/_failed/ and ends with a one-line cause.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import minsheng.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
from minsheng import config
from minsheng.params import ParameterError, Quarter, check, parse_quarter

KERNEL = "python3"
NBCONVERT_TEMPLATES = Path(__file__).resolve().parent / "templates" / "nbconvert"
# Packages whose versions go into the manifest (they shape the figures and the documents).
MANIFEST_PACKAGES = ("pandas", "numpy", "pyarrow", "matplotlib", "seaborn", "papermill",
                     "nbconvert", "weasyprint", "python-docx", "openpyxl", "pandera", "cn2an")


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

    @property
    def target(self) -> Path:
        return self.reports_dir / self.quarter.label


def plan_run(quarter: str, raw_dir: str | Path | None = None, reports_dir: str | Path | None = None,
             issued_on: dt.date | None = None) -> RunPlan:
    """Validate the run's parameters (the same rules as the notebooks' own)."""
    q = parse_quarter(quarter)
    raw = raw_dir if raw_dir is not None else config.SAMPLE_RAW
    reports = reports_dir if reports_dir is not None else config.REPORTS
    raw_path = check("01_clean_progress", {"raw_dir": raw, "out_dir": "build", "year": q.year}).raw_dir
    reports_path = check("02_attainment", {"clean_dir": raw_path, "out_dir": reports,
                                           "quarter": q.label}).out_dir
    return RunPlan(q, raw_path, reports_path, issued_on or dt.date.today())


def steps(plan: RunPlan, work: Path) -> list[Step]:
    """The notebooks to execute, in order, building into `work` (Q4 adds 年度考核)."""
    q, clean, out = plan.quarter, _relative(work / "clean"), _relative(work / "out")
    common = {"clean_dir": clean, "out_dir": out}
    listed = [
        Step("01_clean_progress", {"raw_dir": _relative(plan.raw_dir), "out_dir": clean,
                                   "year": q.year}),
        Step("02_attainment", {**common, "quarter": q.label}),
        Step("03_quarterly_bulletin", {**common, "quarter": q.label,
                                       "issued_on": plan.issued_on.isoformat()}),
    ]
    if q.quarter == 4:
        listed.append(Step("04_annual_assessment", {**common, "year": q.year}))
    return listed


def _relative(path: Path) -> str:
    """Project-relative posix path: executed notebooks must not carry machine paths."""
    path = Path(path)
    if path.is_absolute():
        path = path.resolve().relative_to(config.ROOT)
    return path.as_posix()


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _versions() -> dict[str, str]:
    out = {"python": sys.version.split()[0]}
    for name in MANIFEST_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def export_html(executed: Path, dest: Path) -> None:
    """The bulletin notebook as standalone HTML: outputs only (code and narration hidden),
    images embedded, and no script or style fetched from the network."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(NBCONVERT_TEMPLATES)],
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True, exclude_markdown=True, embed_images=True)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove-cell"}),
                                   enabled=True)
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    dest.write_text(body, encoding="utf-8")


def execute(plan: RunPlan, progress: bool = True) -> Path:
    """Run the plan's notebooks and publish; returns the published folder."""
    import papermill as pm
    from filelock import FileLock, Timeout
    from tqdm import tqdm

    plan.reports_dir.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(plan.reports_dir / f".{plan.quarter.label}.lock"))
    try:
        lock.acquire(timeout=0)
    except Timeout:
        raise RunError(f"{plan.quarter.label} 正在由另一进程生成 / another run of this quarter "
                       "is in progress") from None
    tmp = plan.reports_dir / f"_tmp-{plan.quarter.label}-{os.getpid()}"
    try:
        shutil.rmtree(tmp, ignore_errors=True)
        out, executed_dir = tmp / "out", tmp / "out" / "executed"
        executed_dir.mkdir(parents=True)
        todo = steps(plan, tmp)
        started = time.perf_counter()
        bar = tqdm(todo, desc=f"通报 {plan.quarter.label}", unit="步", disable=not progress,
                   file=sys.stderr)
        for step in bar:
            bar.set_postfix_str(step.notebook)
            executed = executed_dir / f"{step.notebook}.ipynb"
            t0 = time.perf_counter()
            try:
                pm.execute_notebook(str(config.NOTEBOOKS / f"{step.notebook}.ipynb"), str(executed),
                                    parameters=step.parameters, kernel_name=KERNEL,
                                    progress_bar=False, cwd=str(config.ROOT))
            except pm.PapermillExecutionError as exc:
                failed = plan.reports_dir / "_failed"
                failed.mkdir(exist_ok=True)
                kept = failed / f"{plan.quarter.label}-{step.notebook}.ipynb"
                shutil.copyfile(executed, kept)
                raise RunError(f"{step.notebook} 失败 / failed: {exc.ename}: {exc.evalue} "
                               f"(see {_relative(kept)})") from None
            step.seconds = time.perf_counter() - t0
        t0 = time.perf_counter()
        export_html(executed_dir / "03_quarterly_bulletin.ipynb", out / "bulletin.html")
        export_seconds = time.perf_counter() - t0
        _write_manifest(plan, todo, out, tmp / "clean", export_seconds,
                        time.perf_counter() - started)
        _publish(out, plan.target)
        return plan.target
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        lock.release()


def _write_manifest(plan: RunPlan, done: list[Step], out: Path, clean: Path,
                    export_seconds: float, total: float) -> None:
    quality_path = clean / "quality.json"
    quality = json.loads(quality_path.read_text(encoding="utf-8")) if quality_path.exists() else {}
    inputs = {p.relative_to(plan.raw_dir).as_posix(): _sha256(p)
              for p in sorted(plan.raw_dir.rglob("*")) if p.is_file()}
    catalogue = config.catalogue_path(plan.quarter.year)
    manifest = {
        "quarter": plan.quarter.label,
        "issued_on": plan.issued_on.isoformat(),
        "raw_dir": _relative(plan.raw_dir),
        "catalogue": {"path": _relative(catalogue), "sha256": _sha256(catalogue)},
        "inputs": inputs,
        "parameters": {s.notebook: s.parameters for s in done},
        "rows": {k: quality.get(k) for k in ("rows_in", "rows_clean", "rows_quarantined",
                                             "rows_duplicate", "files_read")},
        "packages": _versions(),
        "outputs": sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()),
        "timings_seconds": {**{s.notebook: round(s.seconds, 2) for s in done},
                            "export_html": round(export_seconds, 2), "total": round(total, 2)},
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                       encoding="utf-8")


def _publish(out: Path, target: Path) -> None:
    """Swap the new folder into place; the old one is removed only after the swap."""
    old = target.with_name(f"_old-{target.name}-{os.getpid()}")
    if target.exists():
        os.replace(target, old)
    try:
        os.replace(out, target)
    except OSError:
        if old.exists():
            os.replace(old, target)  # put the previous publication back
        raise
    shutil.rmtree(old, ignore_errors=True)


def register(subparsers) -> None:
    p = subparsers.add_parser("run", help="执行笔记本并发布季度通报 / run the notebooks and publish")
    p.add_argument("--quarter", default="latest", help="如 2026Q3，或 latest（最近一个已结束的季度）")
    p.add_argument("--raw", default=None, help="原始报送文件夹（默认：data/sample/raw）")
    p.add_argument("--reports", default=None, help="发布目录（默认：reports/）")
    p.add_argument("--issued-on", default=None, help="通报日期 YYYY-MM-DD（默认：今天）")
    p.add_argument("--quiet", action="store_true", help="不显示进度条")
    p.set_defaults(func=_cmd_run)


def _cmd_run(args) -> int:
    from minsheng.params import date

    try:
        issued = date(args.issued_on) if args.issued_on else None
        plan = plan_run(args.quarter, args.raw, args.reports, issued)
        target = execute(plan, progress=not args.quiet)
    except (ParameterError, RunError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    print(f"已发布 / published: {_relative(target)}/")
    return 0
