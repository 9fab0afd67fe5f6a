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

import minsheng.run.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
from minsheng import config
from minsheng.catalogue import catalogue_path
from minsheng.contracts import store
from minsheng.run.params import Quarter, check, parse_quarter, project_path

KERNEL = "python3"
NBCONVERT_TEMPLATES = config.PACKAGE_DIR / "report" / "templates" / "nbconvert"
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
    check("01_clean_progress", {"raw_dir": raw, "out_dir": "build", "year": q.year})
    raw_path = project_path(raw, "raw_dir", must_exist=True)
    reports_path = project_path(reports, "reports")
    return RunPlan(q, raw_path, reports_path, issued_on or dt.date.today())


def steps(plan: RunPlan, work: Path) -> list[Step]:
    """The notebooks to execute, in order, building into `work` (Q4 adds 年度考核)."""
    q, clean, out = plan.quarter, relative(work / "clean"), relative(work / "out")
    results = relative(work / "results")
    common = {"clean_dir": clean, "out_dir": out}
    listed = [
        Step("01_clean_progress", {"raw_dir": relative(plan.raw_dir), "out_dir": clean,
                                   "year": q.year}),
        Step("02_attainment", {**common, "results_dir": results, "quarter": q.label}),
        Step("03_quarterly_bulletin", {**common, "results_dir": results, "quarter": q.label,
                                       "issued_on": plan.issued_on.isoformat()}),
    ]
    if q.quarter == 4:
        listed.append(Step("04_annual_assessment", {**common, "year": q.year}))
    return listed


def relative(path: Path) -> str:
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
                               f"(see {relative(kept)})") from None
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
    quality = store.read_quality(clean)
    inputs = {p.relative_to(plan.raw_dir).as_posix(): _sha256(p)
              for p in sorted(plan.raw_dir.rglob("*")) if p.is_file()}
    catalogue = catalogue_path(plan.quarter.year)
    manifest = {
        "quarter": plan.quarter.label,
        "issued_on": plan.issued_on.isoformat(),
        "raw_dir": relative(plan.raw_dir),
        "catalogue": {"path": relative(catalogue), "sha256": _sha256(catalogue)},
        "inputs": inputs,
        "parameters": {s.notebook: s.parameters for s in done},
        "rows": {k: getattr(quality, k) for k in ("rows_in", "rows_clean", "rows_quarantined",
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
