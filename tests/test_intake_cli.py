"""`minsheng clean` and `minsheng run` on bad paths and signals (findings 9 and 10): one line,
never a traceback; clean is locked and atomic; an interrupted run keeps the previous
publication and leaves no temporary folder; leftovers of dead runs are removed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from datetime import date

import pytest
from filelock import FileLock
from minsheng import config
from minsheng.contracts import store
from minsheng.run.cli import EXIT_FAILED, EXIT_OK, main
from test_cleaning import row, write_csv

WORK = config.ROOT / "build" / "test-intake-cli"


@pytest.fixture
def raw(tmp_path):
    path = tmp_path / "raw"
    write_csv(path / "a.csv", [row(cum="1")])
    return path


def _clean(raw, out, catalogue) -> list[str]:
    return ["clean", str(raw), "--out", str(out), "--catalogue", str(catalogue)]


def _dead_pid() -> int:
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def _fail_if_cleaned(monkeypatch) -> None:
    import minsheng.intake.clean as module

    def refuse(*a, **k):
        raise AssertionError("cleaned before the paths were checked")

    monkeypatch.setattr(module, "clean", refuse)


def test_a_file_given_for_a_folder_is_refused_before_any_work(raw, tmp_path, tiny_catalogue_path,
                                                               capsys, monkeypatch):
    _fail_if_cleaned(monkeypatch)
    readme = config.ROOT / "README.md"
    assert main(_clean(raw, readme, tiny_catalogue_path)) == EXIT_FAILED
    assert main(_clean(readme, tmp_path / "out", tiny_catalogue_path)) == EXIT_FAILED
    assert main(_clean(raw, raw / "out", tiny_catalogue_path)) == EXIT_FAILED   # inside raw
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and all(line.startswith("错误") for line in err), err
    assert "不是文件夹" in err[0] and "不是文件夹" in err[1] and "原始数据目录内" in err[2]
    assert not (tmp_path / "out").exists()


def test_a_second_clean_into_the_same_folder_is_refused(raw, tmp_path, tiny_catalogue_path, capsys):
    out = tmp_path / "out"
    with FileLock(str(tmp_path / ".out.lock")):   # another clean holds the folder
        assert main(_clean(raw, out, tiny_catalogue_path)) == EXIT_FAILED
    assert "另一清洗" in capsys.readouterr().err
    assert not out.exists()
    assert main(_clean(raw, out, tiny_catalogue_path)) == EXIT_OK


def test_outputs_are_swapped_in_whole_or_not_at_all(raw, tmp_path, tiny_catalogue, monkeypatch):
    from minsheng.intake.clean import clean

    out = tmp_path / "out"
    store.write(clean(raw, tiny_catalogue), out)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write_csv(raw / "b.csv", [row(district="渝中区", cum="2")])
    result = clean(raw, tiny_catalogue)

    def broken(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store.pacsv, "write_csv", broken)   # fails after the parquet files
    with pytest.raises(OSError):
        store.write(result, out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    monkeypatch.undo()
    store.write(result, out)
    assert store.read_quality(out).rows_in == 2


def test_leftovers_of_dead_cleans_are_removed(raw, tmp_path, tiny_catalogue):
    from minsheng.intake.clean import clean

    dead = tmp_path / f".out.tmp-{_dead_pid()}"
    dead.mkdir()
    (dead / "ledger.parquet").write_bytes(b"half")
    alive = tmp_path / f".out.tmp-{os.getppid()}"      # a live process's: left alone
    alive.mkdir()
    store.write(clean(raw, tiny_catalogue), tmp_path / "out")
    assert not dead.exists() and alive.exists()


def test_a_shared_folder_keeps_its_other_files(raw, tmp_path, tiny_catalogue):
    from minsheng.intake.clean import clean

    out = tmp_path / "shared"
    out.mkdir()
    (out / "notes.txt").write_text("keep", encoding="utf-8")
    store.write(clean(raw, tiny_catalogue), out)
    assert sorted(p.name for p in out.iterdir()) == sorted([*store.FILES, "notes.txt"])


def _interrupt_script(body: str) -> str:
    return "import os, signal, sys\n" + textwrap.dedent(body)


def test_sigterm_during_clean_ends_in_one_line_and_keeps_the_outputs(raw, tmp_path,
                                                                       tiny_catalogue_path):
    out = tmp_path / "out"
    assert main(_clean(raw, out, tiny_catalogue_path)) == EXIT_OK
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write_csv(raw / "b.csv", [row(district="渝中区", cum="2")])
    script = _interrupt_script(f"""
        import minsheng.contracts.store as store
        real = store._swap_in
        def swap(new, out):                      # the files are written; stop before the swap
            os.kill(os.getpid(), signal.SIGTERM)
            real(new, out)
        store._swap_in = swap
        from minsheng.run.cli import main
        sys.exit(main({_clean(raw, out, tiny_catalogue_path)!r}))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == EXIT_FAILED, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "已中断" in lines[0], done.stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.")] == [".out.lock"]


def test_a_file_given_for_the_reports_folder_is_refused(capsys):
    from minsheng.run.runner import RunError, plan_run

    with pytest.raises(RunError, match="不是文件夹"):
        plan_run("2026Q3", "tests/fixtures/pipeline_raw", "README.md", date(2026, 10, 15))
    with pytest.raises(RunError, match="不是文件夹"):
        plan_run("2026Q3", "README.md", "build/x", date(2026, 10, 15))
    assert main(["run", "--quarter", "2026Q3", "--raw", "tests/fixtures/pipeline_raw",
                 "--reports", "README.md", "--quiet"]) == EXIT_FAILED
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGINT"])
def test_a_signal_ends_the_run_in_one_line_and_keeps_the_publication(sig):
    """A real signal, delivered while a notebook runs (papermill stubbed: no kernel needed)."""
    reports = WORK / sig / "reports"
    shutil.rmtree(reports.parent, ignore_errors=True)
    (reports / "2026Q3").mkdir(parents=True)
    (reports / "2026Q3" / "bulletin.html").write_text("previous", encoding="utf-8")
    dead = reports / f"_tmp-2026Q3-{_dead_pid()}"       # left by a run that died
    dead.mkdir()
    script = _interrupt_script(f"""
        import papermill
        def execute_notebook(*a, **k):
            os.kill(os.getpid(), signal.{sig})
            raise AssertionError("the signal did not stop the run")
        papermill.execute_notebook = execute_notebook
        from minsheng.run.cli import main
        sys.exit(main(["run", "--quarter", "2026Q3", "--raw", "tests/fixtures/pipeline_raw",
                       "--reports", {str(reports)!r}, "--replace", "--quiet"]))
    """)
    try:
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              timeout=120, cwd=config.ROOT)
        assert done.returncode == EXIT_FAILED, done
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and "已中断" in lines[0] and sig in lines[0], done.stderr
        assert (reports / "2026Q3" / "bulletin.html").read_text(encoding="utf-8") == "previous"
        assert sorted(p.name for p in reports.iterdir()) == [".2026Q3.lock", "2026Q3"]
    finally:
        shutil.rmtree(reports.parent, ignore_errors=True)
