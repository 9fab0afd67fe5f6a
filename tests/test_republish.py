"""Publishing a period again: an unchanged rerun on another day is skipped, a final run
replaces the period's draft (kept), --force and --replace keep the previous publication, and
the command says when the data behind a publication left rows out (exit 3)."""

import json
import shutil
from datetime import date

import pytest
from minsheng import config
from minsheng.run.cli import EXIT_OK, EXIT_WARNINGS, main
from minsheng.run.runner import RunError, execute, plan_run

pytestmark = pytest.mark.pipeline

RAW = "tests/fixtures/pipeline_raw"
WORK = config.ROOT / "build" / "test-republish"


@pytest.fixture
def reports():
    shutil.rmtree(WORK, ignore_errors=True)
    yield WORK / "reports"
    shutil.rmtree(WORK, ignore_errors=True)


def _manifest(folder):
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_a_final_run_replaces_the_draft_and_keeps_it(reports):
    # 3 October: Q3 has ended but September's returns are due on the 5th → only a draft
    with pytest.raises(RunError, match="--draft"):
        plan_run("2026Q3", RAW, reports, None, today=date(2026, 10, 3))
    draft = execute(plan_run("2026Q3", RAW, reports, None, draft=True, today=date(2026, 10, 3)),
                    progress=False)
    assert _manifest(draft.target)["draft"] is True
    # 15 October, the scheduled run: no --replace needed over a draft
    final = execute(plan_run("2026Q3", RAW, reports, None, today=date(2026, 10, 15)), progress=False)
    m = _manifest(final.target)
    assert m["draft"] is False and m["issued_on"] == "2026-10-15"
    assert final.superseded == reports / "_superseded" / "2026Q3-2026-10-03"
    assert _manifest(final.superseded)["draft"] is True
    # a final publication, though, is not replaced without being told
    with pytest.raises(RunError, match="--replace"):
        execute(plan_run("2026Q3", RAW, reports, None, draft=True, today=date(2026, 10, 16)),
                progress=False)


def test_an_unchanged_rerun_on_another_day_is_the_same_publication(reports):
    first = execute(plan_run("2026Q3", RAW, reports, None, today=date(2026, 10, 15)), progress=False)
    before = (first.target / "manifest.json").read_bytes()
    again = execute(plan_run("2026Q3", RAW, reports, None, today=date(2026, 10, 20)), progress=False)
    assert again.skipped and (again.target / "manifest.json").read_bytes() == before
    # a date given is a change: refused without --replace
    with pytest.raises(RunError, match="--replace"):
        execute(plan_run("2026Q3", RAW, reports, date(2026, 10, 20), today=date(2026, 10, 20)),
                progress=False)


def test_force_keeps_the_previous_publication_and_makes_the_same_bytes(reports):
    import subprocess
    import sys

    execute(plan_run("2026Q3", RAW, reports, date(2026, 10, 15), today=date(2026, 10, 15)),
            progress=False)
    # again with --force, in another process (another temporary folder name)
    subprocess.run([sys.executable, "-m", "minsheng", "run", "--quarter", "2026Q3", "--raw", RAW,
                    "--reports", reports.relative_to(config.ROOT).as_posix(), "--issued-on",
                    "2026-10-15", "--force", "--quiet"], cwd=config.ROOT, check=True)
    kept = reports / "_superseded" / "2026Q3-2026-10-15"
    assert kept.is_dir()
    now, before = reports / "2026Q3", kept
    names = sorted(p.relative_to(now).as_posix() for p in now.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(before).as_posix() for p in before.rglob("*") if p.is_file())
    differ = [n for n in names if (now / n).read_bytes() != (before / n).read_bytes()]
    assert differ == ["manifest.json"], differ      # timings only
    a, b = (json.loads((d / "manifest.json").read_text(encoding="utf-8")) for d in (now, before))
    assert {k: v for k, v in a.items() if k != "timings_seconds"} == \
        {k: v for k, v in b.items() if k != "timings_seconds"}


def test_the_command_warns_when_rows_were_kept_out(reports, capsys):
    raw = WORK / "raw"
    shutil.copytree(config.ROOT / RAW, raw)
    with open(next(raw.glob("*.csv")), "a", encoding="utf-8") as fh:   # one figure that is no number
        fh.write("MS01-02,老旧小区改造,全市,2026-08,,四百五十多一点,,,,,市住房城乡建设委,2026-09-03\n")
    rel = raw.relative_to(config.ROOT).as_posix()
    args = ["run", "--quarter", "2026Q3", "--raw", rel, "--reports",
            reports.relative_to(config.ROOT).as_posix(), "--issued-on", "2026-10-15", "--quiet"]
    assert main(args) == EXIT_WARNINGS
    out = capsys.readouterr().out
    assert "隔离1行、拒收0个文件" in out and "checklist.xlsx" in out
    # the clean fixture has nothing kept out
    assert main(["run", "--quarter", "2026Q3", "--raw", RAW, "--reports",
                 (WORK / "other").relative_to(config.ROOT).as_posix(), "--issued-on", "2026-10-15",
                 "--quiet"]) == EXIT_OK
