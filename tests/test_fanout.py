"""District bulletins fanned out from a published quarter: in a process pool, on a Dask
cluster, skipped when nothing changed, a failure stopping no other district and keeping
that district's previous publication."""

import ast
import hashlib
import json
import shutil
from datetime import date

import pytest
from minsheng import config
from minsheng.catalogue import districts as district_list
from minsheng.run import fanout
from minsheng.run.fanout import FAILED, PUBLISHED, SKIPPED, DistrictJob, DistrictOutcome
from minsheng.run.kernels import NotebookFailed
from minsheng.run.notebooks import UNPUBLISHED
from minsheng.run.params import ParameterError
from minsheng.run.runner import execute, plan_run

pytestmark = pytest.mark.pipeline

RAW = "tests/fixtures/pipeline_raw"        # 万州区 and 渝中区 report lifts; the rest is city-wide
WORK = config.ROOT / "build" / "test-fanout"
THREE = ("万州区", "涪陵区", "黔江区")


def _hashes(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def city():
    shutil.rmtree(WORK, ignore_errors=True)
    outcome = execute(plan_run("2026Q3", RAW, WORK / "reports", date(2026, 10, 15)), progress=False)
    yield outcome.target
    shutil.rmtree(WORK, ignore_errors=True)


def crash_in_fuling(job: DistrictJob) -> DistrictOutcome:
    """A worker that dies on one district (an exception out of the job, not an outcome)."""
    if job.district == "涪陵区":
        raise RuntimeError("worker lost")
    return fanout.publish_district(job)


def test_districts_by_name_in_official_order():
    assert fanout.parse_districts("all") == district_list.names()
    assert fanout.parse_districts("涪陵区，万州区") == ("万州区", "涪陵区")
    with pytest.raises(ParameterError, match="区县全称"):
        fanout.parse_districts("万州")


def test_three_districts_in_two_processes(city):
    outcomes = fanout.run_districts(city, THREE, jobs=2)
    assert [(o.district, o.status) for o in outcomes] == [(d, PUBLISHED) for d in THREE]
    assert all(o.peak_mb > 0 and o.seconds > 0 for o in outcomes)
    for d in THREE:
        folder = city / "districts" / d
        for name in ("bulletin.html", "bulletin.pdf", "bulletin.docx", "tables.xlsx",
                     "executed/06_district_bulletin.ipynb", "manifest.json"):
            assert (folder / name).stat().st_size > 0, (d, name)
        m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        city_m = json.loads((city / "manifest.json").read_text(encoding="utf-8"))
        assert m["district"] == d and m["city_fingerprint"] == city_m["fingerprint"]
        assert m["city"]["sha256"] == hashlib.sha256((city / "manifest.json").read_bytes()).hexdigest()
        # The notebook stores its rows for the manifest's counts in a folder not published,
        # and its executed copy names that folder so, not by its temporary path.
        assert "results_dir" not in m["parameters"]["06_district_bulletin"]
        executed = (folder / "executed" / "06_district_bulletin.ipynb").read_text(encoding="utf-8")
        injected = next(c for c in json.loads(executed)["cells"]
                        if "injected-parameters" in c["metadata"].get("tags", []))
        values = {node.targets[0].id: ast.literal_eval(node.value)
                  for node in ast.parse("".join(injected["source"])).body}
        assert values["results_dir"] == UNPUBLISHED and "_tmp" not in executed
    # 万州区 reports lifts 600 of its 1000 (tests/test_pipeline.py): one indicator, 60 % at
    # Q3 against the back-loaded 70 % → −10 points → 滞后
    wanzhou = json.loads((city / "districts" / "万州区" / "manifest.json").read_text(encoding="utf-8"))
    assert wanzhou["status_counts"]["lagging"] == 1
    assert sum(wanzhou["status_counts"].values()) == 1
    index = json.loads((city.parent / "index.json").read_text(encoding="utf-8"))["publications"]
    assert [(p["period"], p["district"]) for p in index] == [("2026Q3", None)] + [("2026Q3", d) for d in THREE]
    # the city's own manifest and verification are not disturbed by the nested districts;
    # each district verifies against the city's data
    from minsheng.run.verify import verify_publication
    assert verify_publication(city).ok
    result = verify_publication(city / "districts" / "万州区")
    assert result.ok and result.indicators == 1, result.lines()


def test_a_district_verifies_only_against_its_own_city(city, tmp_path):
    """A district copied under a city republished since (another manifest) fails."""
    from minsheng.run.verify import verify_publication

    copy = config.ROOT / "build" / "test-fanout-copy"
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(city, copy / "2026Q3")
    m = copy / "2026Q3" / "manifest.json"
    m.write_text(m.read_text(encoding="utf-8").replace('"issued_on": "2026-10-15"',
                                                       '"issued_on": "2026-10-16"'), encoding="utf-8")
    try:
        problems = verify_publication(copy / "2026Q3" / "districts" / "万州区").problems
        assert problems == ("所属全市发布件的manifest.json缺失或已改动（SHA-256与清单不符）",)
    finally:
        shutil.rmtree(copy, ignore_errors=True)


def test_an_unchanged_rerun_is_skipped_and_changes_nothing(city):
    before = _hashes(city)
    outcomes = fanout.run_districts(city, THREE, jobs=2)
    assert {o.status for o in outcomes} == {SKIPPED}
    assert _hashes(city) == before


def test_a_failed_district_stops_no_other_and_keeps_its_publication(city):
    before = _hashes(city / "districts" / "涪陵区")
    outcomes = fanout.run_districts(city, THREE, jobs=2, force=True, job=crash_in_fuling)
    assert [(o.district, o.status) for o in outcomes] == [
        ("万州区", PUBLISHED), ("涪陵区", FAILED), ("黔江区", PUBLISHED)]
    assert "worker lost" in outcomes[1].message
    assert _hashes(city / "districts" / "涪陵区") == before
    index = json.loads((city.parent / "index.json").read_text(encoding="utf-8"))
    assert index["failed"] == [{"kind": "district_bulletin", "period": "2026Q3", "district": "涪陵区",
                                "message": "RuntimeError: worker lost"}]
    assert "未能发布" in (city.parent / "index.html").read_text(encoding="utf-8")
    # once it publishes again, it is no longer listed
    fanout.run_districts(city, ("涪陵区",), jobs=1, force=True)
    assert json.loads((city.parent / "index.json").read_text(encoding="utf-8"))["failed"] == []


def test_a_notebook_failure_keeps_the_previous_publication(city, monkeypatch):
    """In the job itself: the notebook raises; the district's folder is left as it was, the
    executed copy kept under _failed/, nothing temporary left behind."""
    folder = city / "districts" / "黔江区"
    before = _hashes(folder)

    def fails(notebook, executed, parameters, log, failed_as, renamed=None, kernel=None):
        failed_as.parent.mkdir(parents=True, exist_ok=True)
        failed_as.write_text("{}", encoding="utf-8")
        raise NotebookFailed(notebook, "ValueError: 通报数字核对未通过", failed_as)

    monkeypatch.setattr(fanout, "execute_notebook", fails)
    outcome = fanout.publish_district(DistrictJob("黔江区", city.relative_to(config.ROOT).as_posix(),
                                                  force=True))
    assert outcome.status == FAILED and "通报数字核对未通过" in outcome.message
    assert _hashes(folder) == before
    assert (city.parent / "_failed" / "2026Q3-黔江区-06_district_bulletin.ipynb").exists()
    assert not list((city / "districts").glob("_tmp-*"))


def test_three_districts_on_a_dask_cluster(city):
    from distributed import LocalCluster

    for d in THREE:
        shutil.rmtree(city / "districts" / d)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        outcomes = fanout.run_districts(city, THREE, scheduler=cluster.scheduler_address)
    assert [(o.district, o.status) for o in outcomes] == [(d, PUBLISHED) for d in THREE]
    assert all((city / "districts" / d / "bulletin.pdf").exists() for d in THREE)


def _published_bytes(city):
    """Every file of the three districts; each manifest without its timings."""
    out = {}
    for d in THREE:
        for name, digest in _hashes(city / "districts" / d).items():
            out[(d, name)] = digest
        m = json.loads((city / "districts" / d / "manifest.json").read_text(encoding="utf-8"))
        m.pop("timings_seconds")
        out[(d, "manifest.json")] = m
    return out


def test_a_kept_kernel_publishes_what_new_kernels_do(city):
    """One pool worker runs the three in one kept kernel (reset between them); a Dask worker
    starts a new kernel for each: the publications are the same bytes, executed notebooks
    (execution counts, outputs) included."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as cluster:
        fanout.run_districts(city, THREE, scheduler=cluster.scheduler_address, force=True)
    fresh = _published_bytes(city)
    outcomes = fanout.run_districts(city, THREE, jobs=1, force=True)
    assert {o.status for o in outcomes} == {PUBLISHED}
    assert _published_bytes(city) == fresh
