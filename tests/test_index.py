"""The index of publications (reports/index.json, index.html): every quarter, month and
district publication from its manifest, nothing else; same publications, same bytes."""

import json
import shutil

import pytest
from minsheng import config
from minsheng.run.index import INDEX_HTML, INDEX_JSON, write_index
from minsheng.run.manifest import write_manifest

WORK = config.ROOT / "build" / "test-index"


def _publish(folder, facts, files=("bulletin.pdf",)):
    folder.mkdir(parents=True, exist_ok=True)
    for name in files:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(name.encode())
    write_manifest(folder, facts)


@pytest.fixture(scope="module")
def reports():
    shutil.rmtree(WORK, ignore_errors=True)
    r = WORK / "reports"
    common = {"issued_on": "2026-10-15", "draft": False, "fingerprint": "f",
              "inputs": {"a.xlsx": "1" * 64}, "catalogue": {"path": "c.yaml", "sha256": "c" * 64},
              "settings_sha256": "s" * 64, "code_version": "v"}
    _publish(r / "2026Q3", {**common, "kind": "quarterly_bulletin", "period": "2026Q3", "month": 9,
                            "status_counts": {"completed": 2, "lagging": 1}},
             files=("bulletin.pdf", "a&b<c>.txt"))
    _publish(r / "2026Q3" / "districts" / "涪陵区",
             {**common, "kind": "district_bulletin", "period": "2026Q3", "month": 9, "district": "涪陵区"})
    _publish(r / "2026Q3" / "districts" / "万州区",
             {**common, "kind": "district_bulletin", "period": "2026Q3", "month": 9, "district": "万州区"})
    _publish(r / "2026-10", {**common, "kind": "monthly_dispatch", "period": "2026-10", "month": 10,
                             "draft": True, "issued_on": "2026-11-12"}, files=("dispatch.pdf",))
    _publish(r / "2026-09", {**common, "kind": "monthly_dispatch", "period": "2026-09", "month": 9,
                             "issued_on": "2026-10-12"}, files=("dispatch.pdf",))
    # not publications: superseded, temporary, a folder without a manifest
    _publish(r / "_superseded" / "2026Q2-2026-07-15", {**common, "kind": "quarterly_bulletin",
                                                       "period": "2026Q2", "month": 6})
    (r / "_tmp-2026Q4-1").mkdir()
    (r / "2026Q1").mkdir()
    write_index(r)
    yield r
    shutil.rmtree(WORK, ignore_errors=True)


def test_every_publication_and_nothing_else(reports):
    pubs = json.loads((reports / INDEX_JSON).read_text(encoding="utf-8"))["publications"]
    # latest first: October's dispatch, then Q3 (a quarter before the months it ends), its
    # districts in official order (万州区 before 涪陵区), then September's dispatch
    assert [(p["period"], p["district"]) for p in pubs] == [
        ("2026-10", None), ("2026Q3", None), ("2026Q3", "万州区"), ("2026Q3", "涪陵区"), ("2026-09", None)]
    q3 = pubs[1]
    assert q3["kind"] == "quarterly_bulletin" and q3["month"] == 9 and not q3["draft"]
    assert q3["status_counts"] == {"completed": 2, "lagging": 1}
    assert [f["name"] for f in q3["files"]] == ["a&b<c>.txt", "bulletin.pdf", "manifest.json"]
    # the city manifest lists its own files, not its districts'
    assert all(not f["name"].startswith("districts/") for f in q3["files"])
    assert pubs[0]["draft"] is True
    assert pubs[2]["inputs"] == pubs[1]["inputs"] and pubs[2]["inputs"]["files"] == 1


def test_hashes_are_the_files(reports):
    import hashlib

    pubs = json.loads((reports / INDEX_JSON).read_text(encoding="utf-8"))["publications"]
    for p in pubs:
        for f in p["files"]:
            assert hashlib.sha256((reports / f["href"]).read_bytes()).hexdigest() == f["sha256"]


def test_page_links_every_file_and_escapes_names(reports):
    html = (reports / INDEX_HTML).read_text(encoding="utf-8")
    assert "a&amp;b&lt;c&gt;.txt" in html and "a&b<c>" not in html
    assert 'href="2026Q3/districts/万州区/bulletin.pdf"' in html
    assert "2026年第三季度" in html and "2026年10月" in html and "征求意见稿" in html
    assert "数据截至2026年9月底" in html
    assert "<script" not in html and "http" not in html.replace('http-equiv', '')


def test_same_publications_same_bytes(reports):
    before = [(reports / n).read_bytes() for n in (INDEX_JSON, INDEX_HTML)]
    write_index(reports)
    assert [(reports / n).read_bytes() for n in (INDEX_JSON, INDEX_HTML)] == before
