"""Another year, another list: nothing in the tool may assume 2026 or its 74 indicators.

The test writes its own catalogue in the documented form (docs/catalogue.md) — year 2025,
ids CQxx-xx, three items with other names and units, eight indicators of all six kinds, two
plans the 2026 list does not have — and runs what an office would run for a new year:

    minsheng template → data/sample/generate.py (January–December) → minsheng clean →
    make bulletin QUARTER=2025Q3 RAW=… CATALOGUE=… → minsheng run --quarter latest --year 2025
    (Q4, with the annual assessment) → 00_start_here, 10_explore_item, 11_compare_items

Expected figures are worked out here from the rules in README ("Rules") and from the figures
the generator wrote (truth.csv: the clean value of every indicator × district × month);
nothing is read back from the code under test to compute them. 2025 is a year that has
ended, so both quarters are publishable and the assessment has a complete year.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import minsheng.run.fastimport  # noqa: F401  (before papermill → nbformat → jsonschema)
import openpyxl
import pandas as pd
import pytest
import yaml
from minsheng import config
from minsheng.run.cli import EXIT_OK, EXIT_WARNINGS, main

pytestmark = pytest.mark.pipeline

YEAR = 2025
WORK = config.ROOT / "build" / "test-other-year"
REL = WORK.relative_to(config.ROOT).as_posix()
CATALOGUE = f"{REL}/{YEAR}.yaml"
RAW = f"{REL}/gen/raw"
REPORTS = f"{REL}/reports"
DISTRICTS = 38

# Cumulative fractions due at each period end; neither plan is in the 2026 list.
FRONT_LOADED = [0.3, 0.6, 0.85, 1.0]                       # quarterly
WINTER_PUSH = [0.02, 0.04, 0.08, 0.12, 0.18, 0.25, 0.32, 0.40, 0.50, 0.65, 0.82, 1.0]  # monthly

DOC = {
    "year": YEAR,
    "notice": "渝府办发〔2025〕99号（测试用）",
    "title": f"重庆市{YEAR}年重点民生实事工作目标任务",
    "plans": {"front_loaded": {"quarterly": FRONT_LOADED},
              "winter_push": {"monthly": WINTER_PUSH}},
    "items": [
        {"item_no": 1, "item_name": "农村供水保障提升", "responsible_units": ["市水利局", "市农业农村委"],
         "indicators": [
             {"id": "CQ01-01", "indicator": "新建改造农村供水工程", "target_value": 300, "unit": "处",
              "kind": "increment", "by_district": True, "plan": "front_loaded",
              "source": "新建改造农村供水工程300处"},
             {"id": "CQ01-02", "indicator": "惠及农村人口", "target_value": 800000, "unit": "人",
              "kind": "increment", "by_district": True, "source": "惠及农村人口80万人"},
         ]},
        {"item_no": 2, "item_name": "平安反诈宣传", "responsible_units": ["市公安局"],
         "indicators": [
             {"id": "CQ02-01", "indicator": "重点群体反诈宣传覆盖率", "target_value": 95, "unit": "%",
              "kind": "level", "baseline": 80, "source": "重点群体宣传覆盖率达到95%"},
             {"id": "CQ02-02", "indicator": "日均预警劝阻", "target_value": 20000, "unit": "人次",
              "kind": "daily_average", "source": "日均预警劝阻不低于2万人次"},
             {"id": "CQ02-03", "indicator": "案均损失金额同比变动", "target_value": 0, "unit": "%",
              "kind": "directional", "comparator": "<", "source": "案均损失金额同比下降"},
         ]},
        {"item_no": 3, "item_name": "社区养老服务", "responsible_units": ["市民政局", "市发展改革委"],
         "indicators": [
             {"id": "CQ03-01", "indicator": "社区食堂区县全覆盖", "target_value": DISTRICTS,
              "unit": "个区县", "kind": "coverage", "by_district": True,
              "source": "社区食堂各区县全覆盖"},
             {"id": "CQ03-02", "indicator": "养老服务信息平台", "target_value": 4, "unit": "项",
              "kind": "deliverable", "reporting_unit": "市发展改革委",
              "milestones": ["需求调研", "系统开发", "试运行", "上线运行"],
              "source": "建成养老服务信息平台"},
             {"id": "CQ03-03", "indicator": "新增养老床位", "target_value": 6000, "unit": "张",
              "kind": "increment", "by_district": True, "plan": "winter_push",
              "source": "新增养老床位6000张"},
         ]},
    ],
}
IDS = [i["id"] for item in DOC["items"] for i in item["indicators"]]
SPEC = {i["id"]: {**i, "item_no": item["item_no"]} for item in DOC["items"] for i in item["indicators"]}
BY_DISTRICT = [i for i in IDS if SPEC[i].get("by_district")]
# 序时进度 at the end of September (Q3) by the rules: linear 9/12 = 75 %; the plans' own
# September figure; the daily average and the direction are expected at 100 % all year.
EXPECTED_Q3 = {"CQ01-01": 0.85, "CQ01-02": 0.75, "CQ02-01": 0.75, "CQ02-02": 1.0,
               "CQ02-03": 1.0, "CQ03-01": 0.75, "CQ03-02": 0.75, "CQ03-03": 0.50}


def _run(*cmd: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(list(cmd), cwd=config.ROOT, capture_output=True, text=True,
                          env=env, timeout=600)


def _execute(name: str, label: str, **parameters):
    import nbformat
    from minsheng.run.kernels import PAPERMILL_OPTIONS, papermill

    pm = papermill()   # as a run calls it (engine, kernel ended when done)

    out = WORK / "executed" / f"{name}-{label}.ipynb"
    out.parent.mkdir(parents=True, exist_ok=True)
    pm.execute_notebook(str(config.NOTEBOOKS / f"{name}.ipynb"), str(out),
                        parameters={"clean_dir": f"{REL}/clean", "year": YEAR,
                                    "catalogue": CATALOGUE, **parameters},
                        **PAPERMILL_OPTIONS, cwd=str(config.ROOT))
    return nbformat.read(out, as_version=4)


@pytest.fixture(scope="module")
def built():
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    (WORK / f"{YEAR}.yaml").write_text(yaml.safe_dump(DOC, allow_unicode=True, sort_keys=False),
                                       encoding="utf-8")
    steps = SimpleNamespace()
    steps.template = main(["template", "--catalogue", CATALOGUE, "--out", f"{REL}/form.xlsx"])
    steps.generate = _run(sys.executable, "data/sample/generate.py", "--catalogue", CATALOGUE,
                          "--months", "12", "--out", f"{REL}/gen")
    steps.clean = main(["clean", RAW, "--out", f"{REL}/clean", "--catalogue", CATALOGUE])
    steps.q3 = _run("make", "-s", "--no-print-directory", "-o", ".venv/.installed", "bulletin",
                    "QUARTER=2025Q3", f"RAW={RAW}", f"CATALOGUE={CATALOGUE}",
                    f"REPORTS={REPORTS}", "ISSUED=2025-10-15")
    steps.q4 = main(["run", "--quarter", "latest", "--year", str(YEAR), "--catalogue", CATALOGUE,
                     "--raw", RAW, "--reports", REPORTS, "--issued-on", "2026-01-15", "--quiet"])
    jobs = [("00_start_here", "tour", {}), ("11_compare_items", "m9", {"as_of_month": 9}),
            ("11_compare_items", "m9-again", {"as_of_month": 9}),
            ("10_explore_item", "item1", {"item": 1, "as_of_month": 9}),
            ("10_explore_item", "CQ03-02", {"item": "CQ03-02", "as_of_month": 12})]
    previous = os.environ.get("MINSHENG_TABLES")
    os.environ["MINSHENG_TABLES"] = "interactive"   # the kernels inherit it: tables as in JupyterLab
    try:
        with ThreadPoolExecutor(2) as pool:
            steps.notebooks = dict(zip([f"{n}-{label}" for n, label, _ in jobs],
                                       pool.map(lambda j: _execute(j[0], j[1], **j[2]), jobs),
                                       strict=True))
    finally:
        if previous is None:
            os.environ.pop("MINSHENG_TABLES", None)
        else:
            os.environ["MINSHENG_TABLES"] = previous
    steps.truth = pd.read_csv(WORK / "gen" / "truth.csv")
    yield steps
    shutil.rmtree(WORK, ignore_errors=True)


def _city(truth: pd.DataFrame, iid: str, month: int) -> float:
    """The city figure by the rules: the 全市 row, or the districts' sum for additive kinds."""
    rows = truth[(truth["indicator_id"] == iid) & (truth["month"] == month)]
    return float(rows["value"].sum()) if iid in BY_DISTRICT else float(rows["value"].iloc[0])


def _baseline(truth: pd.DataFrame, iid: str) -> float:
    spec = SPEC[iid]
    if spec.get("baseline") is not None:
        return float(spec["baseline"])
    return float(truth.loc[truth["indicator_id"] == iid, "baseline"].dropna().iloc[0])


def _attainment(truth: pd.DataFrame, iid: str, month: int) -> float:
    """README Rules: value / target; levels from the baseline; a direction 1 when right."""
    spec, value = SPEC[iid], _city(truth, iid, month)
    if spec["kind"] == "level":
        base = _baseline(truth, iid)
        return (value - base) / (spec["target_value"] - base)
    if spec["kind"] == "directional":
        base = _baseline(truth, iid)
        return 1.0 if (value - base) / base * 100 < 0 else 0.0
    return value / spec["target_value"]


def _met(truth: pd.DataFrame, iid: str, month: int) -> bool:
    spec = SPEC[iid]
    if spec["kind"] == "directional":
        return _attainment(truth, iid, month) == 1.0
    return _city(truth, iid, month) >= spec["target_value"]


def _indicators(quarter: str) -> pd.DataFrame:
    path = config.ROOT / REPORTS / quarter / "tables.xlsx"
    return pd.read_excel(path, sheet_name="指标明细", engine="openpyxl").set_index("指标编号")


# ─────────────────────────────────────────────────────────── each step ran

def test_every_step_succeeds(built):
    assert built.template == EXIT_OK
    assert built.generate.returncode == 0, built.generate.stderr[-2000:]
    assert built.clean in (EXIT_OK, EXIT_WARNINGS)   # the practice data carries defects
    # a run warns (exit 3) exactly when its cleaning kept rows or files out; make passes it on
    if built.clean == EXIT_OK:
        assert built.q3.returncode == 0, built.q3.stderr[-2000:]
    else:
        assert built.q3.returncode == 2 and "Error 3" in built.q3.stderr, built.q3.stderr[-2000:]
        assert "隔离" in built.q3.stdout
    assert built.q4 == built.clean
    for quarter in ("2025Q3", "2025Q4"):
        for name in ("bulletin.html", "bulletin.pdf", "bulletin.docx", "tables.xlsx",
                     "manifest.json"):
            assert (config.ROOT / REPORTS / quarter / name).stat().st_size > 0, (quarter, name)
    assert (config.ROOT / REPORTS / "2025Q4" / "assessment.xlsx").exists()
    assert not (config.ROOT / REPORTS / "2025Q3" / "assessment.xlsx").exists()


def test_the_form_is_the_years(built):
    wb = openpyxl.load_workbook(WORK / "form.xlsx")
    data = wb["月报"]
    ids = [c.value for c in data["A"] if isinstance(c.value, str) and re.fullmatch(r"CQ\d\d-\d\d", c.value)]
    # one row per district for the four by-district indicators, one 全市 row for the others
    assert len(ids) == 4 * DISTRICTS + 4 and set(ids) == set(IDS)
    texts = [str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value]
    texts += [dv.error or "" for dv in data.data_validations.dataValidation]
    assert any("2025-04-03" in t for t in texts)
    assert not any("2026" in t for t in texts), [t for t in texts if "2026" in t][:3]


def test_the_generator_wrote_the_catalogues_year(built):
    truth = built.truth
    assert set(truth["indicator_id"]) == set(IDS)
    assert set(truth["year"]) == {YEAR} and set(truth["month"]) == set(range(1, 13))
    files = sorted(p.relative_to(config.ROOT / RAW).as_posix()
                   for p in (config.ROOT / RAW).rglob("*") if p.is_file())
    assert files and all(re.fullmatch(rf"{YEAR}-\d\d/[^/]+_{YEAR}年\d\d月[^/]*\.(xlsx|csv)", f)
                         for f in files)
    # one file per reporting unit and month (a stand-in unit may skip a month or resubmit one)
    assert {f.split("/")[1].split("_")[0] for f in files} == {"市水利局", "市公安局", "市民政局",
                                                              "市发展改革委"}


# ─────────────────────────────────────────────────────────── figures by hand

def ratio(x):
    """tables.xlsx stores ratios to 4 decimals (0.01 %), the precision its 说明 sheet states."""
    return pytest.approx(x, abs=5e-5)


def points(x):
    """…and gaps in points to 2 decimals."""
    return pytest.approx(x, abs=5e-3)


def test_q3_figures_match_hand_computation(built):
    t, truth = _indicators("2025Q3"), built.truth
    assert list(t.index) == IDS
    for iid in IDS:
        row, spec = t.loc[iid], SPEC[iid]
        attainment, expected = _attainment(truth, iid, 9), EXPECTED_Q3[iid]
        assert row["累计完成/当前值"] == pytest.approx(_city(truth, iid, 9)), iid
        assert row["完成率"] == ratio(attainment), iid
        assert row["序时进度"] == ratio(expected), iid
        gap = round((attainment - expected) * 100, 9)
        assert row["差距（百分点）"] == points(gap), iid
        # Status by the README's bands.
        reached = spec["kind"] not in ("daily_average", "directional") and _met(truth, iid, 9)
        if reached:
            assert row["进度状态"] == "已完成", iid
        elif gap < -30:
            assert row["进度状态"] == "严重滞后", iid
        elif gap <= -10:
            assert row["进度状态"] == "滞后", iid
        elif gap < 0:
            assert row["进度状态"] == "略低于序时进度", iid
        else:
            assert row["进度状态"] == "达到序时进度", iid


def test_three_indicators_worked_through(built):
    """The arithmetic written out for the new plan, the level and the coverage."""
    t, truth = _indicators("2025Q3"), built.truth
    sept = truth[truth["month"] == 9].set_index(["indicator_id", "district"])["value"]
    # CQ01-01, front_loaded plan (30/60/85/100 % by quarter): 38 districts' September figures
    # summed, over 300; 85 % due.
    works = sept.loc["CQ01-01"].sum()
    assert t.loc["CQ01-01", "完成率"] == ratio(works / 300)
    assert t.loc["CQ01-01", "差距（百分点）"] == points((works / 300 - 0.85) * 100)
    # CQ02-01 level from the catalogue's baseline 80 towards 95 %.
    level = sept.loc[("CQ02-01", "全市")]
    assert t.loc["CQ02-01", "完成率"] == ratio((level - 80) / 15)
    # CQ03-01 coverage: districts with a canteen (0/1 each) of the 38 required.
    covered = int((sept.loc["CQ03-01"] >= 1).sum())
    assert t.loc["CQ03-01", "累计完成/当前值"] == covered
    assert t.loc["CQ03-01", "完成率"] == ratio(covered / DISTRICTS)


def test_q4_assessment_matches_hand_computation(built):
    truth = built.truth
    year_end = _indicators("2025Q4")
    assert (year_end["序时进度"] == 1.0).all()   # everything due at year end
    sheets = pd.read_excel(config.ROOT / REPORTS / "2025Q4" / "assessment.xlsx", sheet_name=None,
                           engine="openpyxl")
    result = sheets["指标"].set_index("指标编号")["考核结果"]
    # 达到目标且完成率超过 1 + exceed_margin (settings.yaml, 0) → 超额完成 (a direction can only
    # be met); 达到目标 → 按期完成; otherwise 未完成.
    margin = config.settings()["assessment"]["exceed_margin"]
    hand = {}
    for iid in IDS:
        met, attainment = _met(truth, iid, 12), _attainment(truth, iid, 12)
        exceeded = met and SPEC[iid]["kind"] != "directional" and round(attainment, 9) > 1 + margin
        hand[iid] = "超额完成" if exceeded else "按期完成" if met else "未完成"
    assert result.to_dict() == hand
    # An item is 未完成 when any of its indicators is; else 超额完成 when most are exceeded.
    items = sheets["分项目"].set_index("序号")["考核结果"]
    for no in (1, 2, 3):
        mine = [hand[i] for i in IDS if SPEC[i]["item_no"] == no]
        want = ("未完成" if "未完成" in mine else
                "超额完成" if mine.count("超额完成") * 2 > len(mine) else "按期完成")
        assert items.loc[no] == want, no


def test_manifests_name_the_catalogue_read(built):
    for quarter in ("2025Q3", "2025Q4"):
        manifest = json.loads((config.ROOT / REPORTS / quarter / "manifest.json").read_text("utf-8"))
        assert manifest["catalogue"]["path"] == CATALOGUE
        assert all(p["catalogue"] == CATALOGUE for p in manifest["parameters"].values())
    html = (config.ROOT / REPORTS / "2025Q3" / "bulletin.html").read_text(encoding="utf-8")
    assert f"重庆市{YEAR}年重点民生实事" in html and "2026年" not in html


# ─────────────────────────────────────────────────────────── the analyst notebooks

def _problems(nb) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.output_type == "error":
                found.append(f"{cell.id}: {out.ename}: {out.evalue}")
            if out.output_type == "stream" and out.name == "stderr":
                found.append(f"{cell.id}: stderr {out.text[:200]!r}")
    return found


def _text(nb, cell_id: str) -> str:
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    return "".join(o.get("text", "") + o.get("data", {}).get("text/plain", "") for o in cell.outputs)


def test_notebooks_run_for_the_other_year(built):
    assert {k: p for k, nb in built.notebooks.items() if (p := _problems(nb))} == {}
    tour = built.notebooks["00_start_here-tour"]
    assert "重庆市2025年重点民生实事工作目标任务" in _text(tour, "c04")
    assert "3 个项目 items, 8 项指标 indicators" in _text(tour, "c04")
    # The tour's examples by its rule, at the latest month (December, 100 % due): the first
    # by-district indicator below its target, and the first city-wide one behind.
    truth = built.truth
    behind = [i for i in IDS if not _met(truth, i, 12) and _attainment(truth, i, 12) < 1]
    story = next(i for i in behind if i in BY_DISTRICT)
    traced = next(i for i in behind if i not in BY_DISTRICT)
    assert story in _text(tour, "c20") and story in _text(tour, "c24")
    assert traced in _text(tour, "c18") and "全市" in _text(tour, "c18")
    assert "MS" not in _text(tour, "c20") + _text(tour, "c18")
    focus = built.notebooks["10_explore_item-CQ03-02"]
    assert "CQ03-02" in _text(focus, "c05") and "CQ03-01" not in _text(focus, "c12")


def _tables(nb) -> list[str]:
    return [out.data["text/html"] for cell in nb.cells for out in cell.get("outputs", [])
            if "text/html" in out.get("data", {})]


def test_tables_are_interactive_offline_and_deterministic(built):
    for key in ("00_start_here-tour", "10_explore_item-item1", "11_compare_items-m9"):
        html = "\n".join(_tables(built.notebooks[key]))
        ids = re.findall(r'<table id="(ms-\d+-[0-9a-f]{8})"', html)
        assert ids and len(ids) == len(set(ids)), key          # every table interactive, ids unique
        assert "_itables_" in html and "dt_src_b64" not in html   # the bundle embedded, inlined
        assert not re.search(r'<script[^>]+src="https?:|import [^;]*from [\'"]https?:', html), key
    again = [_tables(built.notebooks[k]) for k in ("11_compare_items-m9", "11_compare_items-m9-again")]
    assert again[0] == again[1]


def test_exported_html_opens_offline(built):
    """10 and 11 exported as people export them (nbconvert, the project's offline template):
    nothing is fetched from the network, and every table carries its data and script."""
    import nbformat
    from nbconvert import HTMLExporter

    templates = config.PACKAGE_DIR / "report" / "templates" / "nbconvert"
    for key in ("10_explore_item-item1", "11_compare_items-m9"):
        exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(templates)])
        body, _ = exporter.from_notebook_node(nbformat.from_dict(built.notebooks[key]))
        (WORK / f"{key}.html").write_text(body, encoding="utf-8")
        assert not re.search(r'<(script|link|img)[^>]+(src|href)="https?:', body), key
        assert not re.search(r'import [^;]*from [\'"]https?:', body), key
        assert len(re.findall(r'<table[^>]*\bid="ms-\d+-', body)) >= 4, key
        assert body.count('new ITable(') >= 4, key   # each table's own script survives export


# ─────────────────────────────────────────────────────────── the generator's own promises

GEN = config.ROOT / "build" / "test-generator"


def _digest(folder, *extra) -> dict[str, str]:
    import hashlib

    files = [p for p in sorted(folder.rglob("*")) if p.is_file()] + list(extra)
    return {p.name if p in extra else p.relative_to(folder).as_posix():
            hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.fixture
def gen_dir():
    shutil.rmtree(GEN, ignore_errors=True)
    GEN.mkdir(parents=True)
    yield GEN
    shutil.rmtree(GEN, ignore_errors=True)


def test_generator_rewrites_the_shipped_data_byte_for_byte(gen_dir):
    """Run with its defaults for 2026, into a folder of our own: the shipped files exactly."""
    rel = gen_dir.relative_to(config.ROOT).as_posix()
    run = _run(sys.executable, "data/sample/generate.py", "--year", "2026", "--out", f"{rel}/sample")
    assert run.returncode == 0, run.stderr[-2000:]
    sample = config.DATA / "sample"
    assert _digest(gen_dir / "sample" / "raw", gen_dir / "sample" / "truth.csv") == \
           _digest(sample / "raw", sample / "truth.csv")
    run = _run(sys.executable, "data/sample/generate.py", "--profile", "reference", "--year", "2026",
               "--out", f"{rel}/reference")
    assert run.returncode == 0, run.stderr[-2000:]
    assert _digest(gen_dir / "reference" / "raw") == _digest(config.DATA / "reference" / "raw")
    assert not (gen_dir / "reference" / "truth.csv").exists()


def test_generator_default_output_leaves_the_shipped_sample_alone(gen_dir):
    (gen_dir / f"{YEAR}.yaml").write_text(yaml.safe_dump(DOC, allow_unicode=True, sort_keys=False),
                                          encoding="utf-8")
    before = _digest(config.DATA / "sample")
    run = _run(sys.executable, "data/sample/generate.py", "--catalogue",
               str(gen_dir / f"{YEAR}.yaml"), "--seed", "7", "--months", "9")
    default = config.ROOT / "build" / f"sample-{YEAR}"
    try:
        assert run.returncode == 0, run.stderr[-2000:]
        assert f"build/sample-{YEAR}/raw" in run.stdout and "(seed 7)" in run.stdout
        months = {p.name for p in (default / "raw").iterdir()}
        assert months == {f"{YEAR}-{m:02d}" for m in range(1, 10)}
    finally:
        shutil.rmtree(default, ignore_errors=True)
    assert _digest(config.DATA / "sample") == before


def test_generator_refuses_to_overwrite_what_it_did_not_write(gen_dir):
    (gen_dir / "raw").mkdir()
    mine = gen_dir / "raw" / "市教委_2026年3月_原件.xlsx"
    mine.write_bytes(b"a real submission")
    run = _run(sys.executable, "data/sample/generate.py", "--year", "2026", "--out", str(gen_dir))
    assert run.returncode == 1
    assert len(run.stderr.strip().splitlines()) == 1 and "choose another --out" in run.stderr
    assert mine.read_bytes() == b"a real submission"


def test_generator_bad_catalogue_is_one_line(gen_dir):
    run = _run(sys.executable, "data/sample/generate.py", "--catalogue", str(gen_dir / "none.yaml"))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert len(run.stderr.strip().splitlines()) == 1 and "none.yaml" in run.stderr
