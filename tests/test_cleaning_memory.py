"""A clean's memory settings (intake.allocator): numpy's small pages and glibc's kept heap
inside the clean, the settings before (or glibc's own) afterwards, the environment's choice kept."""

from __future__ import annotations

import os
import platform

import pytest
from minsheng.intake import allocator
from minsheng.intake.clean import clean
from test_cleaning import row, run, write_csv

MB = 1 << 20


def hugepages() -> bool:
    """numpy's current huge-page request, read by setting it and putting it back."""
    switch = allocator.hugepage_switch()
    now = switch(False)
    switch(now)
    return bool(now)


@pytest.fixture
def raw(tmp_path):
    return tmp_path / "raw"


@pytest.fixture
def untuned(monkeypatch):
    """No setting named in the environment; numpy's huge-page request put back afterwards."""
    for name in (allocator.HUGEPAGE_VARIABLE, "GLIBC_TUNABLES", "MALLOC_MMAP_THRESHOLD_",
                 "MALLOC_TRIM_THRESHOLD_"):
        monkeypatch.delenv(name, raising=False)
    before = hugepages()
    yield
    allocator.hugepage_switch()(before)


def spy_reader(monkeypatch, seen: list):
    import minsheng.intake.clean as cleaning

    reader = cleaning.read_submissions

    def spy(*args, **kwargs):
        seen.append(("read", hugepages()))
        return reader(*args, **kwargs)

    monkeypatch.setattr(cleaning, "read_submissions", spy)


def test_a_clean_takes_small_pages_and_keeps_its_freed_heap(raw, tiny_catalogue, monkeypatch, untuned):
    """Inside the clean numpy asks for no huge pages and glibc keeps arrays of up to 32 MB and
    256 MB of freed heap; afterwards numpy's request is as before and glibc trims above 64 MB,
    also when the clean fails."""
    seen: list = []
    monkeypatch.setattr(allocator, "glibc_mallopt", lambda: lambda p, v: seen.append((p, v)) or 1)
    spy_reader(monkeypatch, seen)
    allocator.hugepage_switch()(True)
    write_csv(raw / "2026-03" / "住建委.csv", [row(cum="120")])
    assert run(raw, tiny_catalogue).ledger["value"].tolist() == [120]
    with pytest.raises(FileNotFoundError):
        clean(raw / "不存在", tiny_catalogue)
    once = [(-3, 32 * MB), (-1, 256 * MB), ("read", False), (-1, 64 * MB)]
    assert seen == once + once
    assert hugepages() is True


def test_the_environments_settings_are_left_alone(raw, tiny_catalogue, monkeypatch, untuned):
    seen: list = []
    spy_reader(monkeypatch, seen)
    monkeypatch.setenv(allocator.HUGEPAGE_VARIABLE, "1")
    monkeypatch.setenv("GLIBC_TUNABLES", "glibc.malloc.trim_threshold=1048576")
    assert allocator.glibc_mallopt() is None
    allocator.hugepage_switch()(True)
    write_csv(raw / "2026-03" / "住建委.csv", [row(cum="120")])
    run(raw, tiny_catalogue)
    assert seen == [("read", True)]
    monkeypatch.delenv("GLIBC_TUNABLES")
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "1048576")
    assert allocator.glibc_mallopt() is None


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibcs_mallopt_is_found_on_glibc(untuned):
    mallopt = allocator.glibc_mallopt()
    assert mallopt is not None
    assert mallopt(allocator.M_TRIM_THRESHOLD, allocator.HEAP_AFTER[allocator.M_TRIM_THRESHOLD]) == 1


def test_off_glibc_the_thresholds_are_not_touched(monkeypatch, untuned):
    monkeypatch.setattr(os, "confstr", lambda name: (_ for _ in ()).throw(ValueError(name)))
    assert allocator.glibc_mallopt() is None          # musl: no CS_GNU_LIBC_VERSION
    monkeypatch.delattr(os, "confstr")
    assert allocator.glibc_mallopt() is None          # no confstr at all (Windows)
