"""Generate practice unit submissions (月调度表) for a year's catalogue, and their clean truth.

    .venv/bin/python data/sample/generate.py                     # latest catalogue → build/sample-<year>/
    .venv/bin/python data/sample/generate.py --year 2027         # data/targets/2027.yaml
    .venv/bin/python data/sample/generate.py --catalogue my.yaml --seed 7 --months 12 --out build/x
    .venv/bin/python data/sample/generate.py --year 2026 --force # rewrite the shipped data/sample/
    .venv/bin/python data/sample/generate.py --profile reference --year 2026 --force  # data/reference/

Monthly submissions from every reporting unit of the catalogue, January to `--months`
(default: the profile's), laid out like the office template and messy the way hand-filled
sheets are. Every defect is injected on purpose, logged and marked in truth.csv. After its
figure rows each file holds one text-only row per task of the unit (the catalogue's
`unquantified` clauses with an id), as the form lists them; one task is reported as not
started and one is never reported (`task_roles`). Task rows are never a defect's target.

Any catalogue in the documented form works (docs/catalogue.md): year, ids, districts, units,
plans and kinds all come from it. Each indicator gets a designed status at the end of
September and a trajectory from its kind and plan; the shipped sample's hand design
(`NOTICE_DESIGN`, the notice 渝府办发〔2026〕12号) applies only to a catalogue of that notice.
Offices named for a habit or a slip (a missed month, a resubmission, …) that a catalogue does
not have are stood in for by one of its own reporting units.

Two run profiles (`RUN_PROFILES`): `sample` (data/sample/ for 2026) and `reference`
(data/reference/: a small full-year set the notebooks' stored outputs are computed from;
six districts, a designed year end and one defect of each kind; data/reference/README.md).
`--seed/--months` override a profile's settings. Output goes to build/<profile>-<year>/
unless `--out` names a folder; the shipped folder is written only when asked (`--force`,
or `--out data/sample`).

Deterministic: one seed (default: the notice's date for `sample`, 31 December for
`reference`), child generators keyed by indicator id / purpose (so adding an indicator does
not reshuffle the others), fixed workbook properties and zip timestamps. Running twice writes
byte-identical files.
"""

from __future__ import annotations

import argparse
import calendar
import copy
import csv
import datetime as dt
import io
import re
import shutil
import sys
import zipfile
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import cn2an
import numpy as np
import pandas as pd
import yaml
from minsheng import config
from minsheng.catalogue import Catalogue, CatalogueError, districts, resolve_catalogue
from minsheng.catalogue.kinds import ADDITIVE_KINDS, KIND_TABLE
from minsheng.intake.template import form_title
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

HERE = Path(__file__).resolve().parent
# The run's settings, set by `use()` from the profile and the catalogue.
RAW = HERE / "raw"
TRUTH = HERE / "truth.csv"
SEED = 0
YEAR = 0
TITLE = ""
MONTHS: list[int] = []
UNITS: list[str] = []            # the catalogue's reporting units, in catalogue order
PLANS: dict[str, dict[str, list[float]]] = {}

LAST_MONTH = 10          # the sample: as of 2026-11-29 October is the last month reported
Q3 = 9
CITY = districts.CITYWIDE
HEADERS = ["指标编号", "项目名称", "指标名称", "计量单位", "年度目标", "区县", "统计月份", "本月完成",
           "累计完成", "上年末基数", "年度任务", "进展情况", "备注", "填报单位", "填报日期"]
# truth field → template column (defect codes are "<field>:<code>")
FIELD_COL = {"id": "指标编号", "district": "区县", "month": "统计月份", "monthly": "本月完成",
             "value": "累计完成", "baseline": "上年末基数", "target": "年度任务", "text": "进展情况"}

# ───────────────────────────────────────────── districts
# Pseudo-population (万人), loosely modelled on resident population and rounded; used only as
# allocation weights for 年度任务, never as statistics.
PSEUDO_POPULATION = {
    "万州区": 156, "涪陵区": 112, "渝中区": 59, "大渡口区": 42, "江北区": 93, "沙坪坝区": 148,
    "九龙坡区": 153, "南岸区": 120, "北碚区": 84, "綦江区": 102, "大足区": 83, "渝北区": 220,
    "巴南区": 118, "黔江区": 49, "长寿区": 69, "江津区": 136, "合川区": 124, "永川区": 115,
    "南川区": 57, "璧山区": 76, "铜梁区": 69, "潼南区": 69, "荣昌区": 67, "开州区": 120,
    "梁平区": 65, "武隆区": 36, "城口县": 20, "丰都县": 56, "垫江县": 65, "忠县": 72, "云阳县": 93,
    "奉节县": 74, "巫山县": 46, "巫溪县": 39, "石柱土家族自治县": 39, "秀山土家族苗族自治县": 50,
    "酉阳土家族苗族自治县": 61, "彭水苗族土家族自治县": 50,
}
# Short forms offices use for the autonomous counties (a defect: the cleaner must map them).
SHORT_NAMES = {"石柱土家族自治县": "石柱县", "秀山土家族苗族自治县": "秀山县",
               "酉阳土家族苗族自治县": "酉阳县", "彭水苗族土家族自治县": "彭水县"}

# ───────────────────────────────────────────── the shipped sample's hand design
# For the notice 渝府办发〔2026〕12号 only (NOTICE_DESIGN below); any other catalogue gets
# `default_design` per indicator and none of these tables.
# (designed status at the end of Q3, monthly profile, district weighting)
# status: completed | ahead | on_track | lagging | severe | text_only
# profile: monthly increment shape (PROFILES), or explicit / daily / directional / derived.
# weighting: pop (pseudo-population) | urban (central districts ×2) | rural (渝中区 0,
#            other central ×0.3) | fill (one per eligible district).
DESIGN: dict[str, tuple[str, str, str]] = {
    "MS01-01": ("lagging", "s_curve", "urban"),
    "MS01-02": ("on_track", "s_curve", "urban"),
    "MS01-03": ("lagging", "s_curve", "urban"),
    "MS01-04": ("ahead", "s_curve", "urban"),
    "MS01-05": ("ahead", "s_curve", "urban"),
    "MS01-06": ("ahead", "s_curve", "urban"),
    "MS02-01": ("on_track", "steady", "pop"),
    "MS02-02": ("lagging", "s_curve", "pop"),
    "MS02-03": ("severe", "late_start", "pop"),
    "MS02-04": ("lagging", "s_curve", "pop"),
    "MS02-05": ("text_only", "none", "pop"),
    "MS02-06": ("ahead", "steady", "pop"),
    "MS02-07": ("completed", "steady", "fill"),
    "MS02-08": ("completed", "derived", "fill"),
    "MS03-01": ("ahead", "summer", "pop"),
    "MS03-02": ("lagging", "steady", "pop"),
    "MS03-03": ("on_track", "term", "pop"),
    "MS03-04": ("completed", "explicit", "pop"),
    "MS03-05": ("lagging", "survey", "pop"),
    "MS03-06": ("on_track", "steady", "pop"),
    "MS04-01": ("on_track", "steady", "pop"),
    "MS04-02": ("ahead", "front", "pop"),
    "MS04-03": ("lagging", "late_start", "pop"),
    "MS05-01": ("severe", "late_start", "pop"),
    "MS05-02": ("on_track", "steady", "pop"),
    "MS05-03": ("lagging", "s_curve", "fill"),
    "MS05-04": ("on_track", "derived", "fill"),
    "MS05-05": ("ahead", "kids_summer", "pop"),
    "MS05-06": ("on_track", "steady", "pop"),
    "MS06-01": ("severe", "s_curve_late", "urban"),
    "MS06-02": ("ahead", "steady", "pop"),
    "MS06-03": ("lagging", "explicit", "pop"),
    "MS06-04": ("on_track", "s_curve", "pop"),
    "MS06-05": ("on_track", "derived", "pop"),
    "MS06-06": ("lagging", "steady", "pop"),
    "MS06-07": ("completed", "steady", "pop"),
    "MS06-08": ("severe", "late_start", "urban"),
    "MS06-09": ("ahead", "s_curve", "pop"),
    "MS06-10": ("on_track", "steady", "pop"),
    "MS07-01": ("on_track", "s_curve", "pop"),
    "MS07-02": ("lagging", "s_curve", "pop"),
    "MS08-01": ("on_track", "holiday", "pop"),
    "MS08-02": ("completed", "holiday", "pop"),
    "MS09-01": ("on_track", "s_curve", "rural"),
    "MS09-02": ("on_track", "s_curve", "rural"),
    "MS09-03": ("lagging", "s_curve", "rural"),
    "MS10-01": ("ahead", "steady", "pop"),
    "MS10-02": ("completed", "front", "pop"),
    "MS10-03": ("lagging", "steady", "pop"),
    "MS10-04": ("ahead", "steady", "pop"),
    "MS10-05": ("severe", "late_start", "urban"),
    "MS11-01": ("severe", "s_curve_late", "pop"),
    "MS11-02": ("lagging", "s_curve", "pop"),
    "MS11-03": ("on_track", "steady", "pop"),
    "MS11-04": ("lagging", "steady", "pop"),
    "MS11-05": ("lagging", "steady", "pop"),
    "MS11-06": ("severe", "late_start", "pop"),
    "MS11-07": ("lagging", "steady", "pop"),
    "MS12-01": ("ahead", "s_curve", "pop"),
    "MS12-02": ("ahead", "steady", "pop"),
    "MS12-03": ("on_track", "steady", "pop"),
    "MS12-04": ("on_track", "daily", "pop"),
    "MS12-05": ("ahead", "directional", "pop"),
    "MS13-01": ("ahead", "steady", "pop"),
    "MS13-02": ("on_track", "steady", "pop"),
    "MS13-03": ("severe", "late_start", "urban"),
    "MS13-04": ("on_track", "steady", "pop"),
    "MS14-01": ("ahead", "survey", "pop"),
    "MS14-02": ("severe", "survey", "pop"),
    "MS14-03": ("on_track", "front", "pop"),
    "MS14-04": ("ahead", "steady", "pop"),
    "MS14-05": ("lagging", "steady", "pop"),
    "MS14-06": ("on_track", "steady", "pop"),
    "MS15-01": ("lagging", "s_curve", "urban"),
}
# Start-of-year levels where the notice gives none (the unit reports them as 上年末基数).
LEVEL_BASELINE = {"MS03-05": 22.0, "MS05-02": 46.0, "MS06-06": 868, "MS06-10": 86.0,
                  "MS11-07": 12000, "MS12-03": 82.0, "MS13-01": 5600, "MS13-02": 980000,
                  "MS14-01": 72.0, "MS14-02": 61.0}
# Coverage counted from another indicator's district rows (a district is covered once it has ≥1).
COVERS = {"MS02-08": "MS02-07", "MS05-04": "MS05-03"}
# Districts covered before 2026 (含往年建成): the central nine plus three large districts.
PRECOVERED = {"MS05-04": ["渝中区", "大渡口区", "江北区", "沙坪坝区", "九龙坡区", "南岸区", "北碚区",
                          "渝北区", "巴南区", "万州区", "涪陵区", "永川区"]}
# A level that is the start-of-year stock plus another indicator's increment.
LEVEL_OF = {"MS06-05": "MS06-04"}
# Cumulative value at Q3 fixed by hand where two indicators must agree (14 of 26 built → 26/38 covered).
Q3_OVERRIDE = {"MS05-03": 14}
EXPLICIT = {  # cumulative Jan..Dec (a run uses the months it writes)
    "MS03-04": [0, 0, 1, 1, 1, 3, 3, 3, 3, 3, 3, 3],   # 开学季 in March; 考试季, 毕业季 in June
    # 需求调研 Feb, 方案设计 May, 开发建设 Sep, 试运行 Nov, 上线运行 Dec
    "MS06-03": [0, 1, 1, 1, 2, 2, 2, 2, 3, 3, 4, 5],
}
DIRECTIONAL_BASELINE = 31460.0   # 前三年（2023—2025）同期案均损失平均数, 元/案
DIRECTIONAL_UNIT = "元/案"
TEXT_ONLY_STAGES = {1: "方案设计中", 2: "方案设计中", 3: "可研报告编制完成，开展初步设计",
                    4: "初步设计已批复，开展施工图设计", 5: "施工图设计中", 6: "施工图设计中",
                    7: "施工图审查完成，正在招标", 8: "施工图审查完成，正在招标",
                    9: "已完成招标，进场施工准备", 10: "已进场施工",
                    11: "已进场施工", 12: "主体结构施工中，计划明年建成投用"}
MILESTONE_TEXT = {1: "已完成需求调研", 2: "方案设计已通过专家评审", 3: "开发建设完成，准备试运行",
                  4: "系统试运行中", 5: "平台正式上线运行"}
FRACTION_PERCENT = ("市民政局", "MS06-10", 6)   # from June a new clerk types 0.912 for 91.2 %
# Tasks (unquantified clauses with an id, reported in words). MS13-T2 (友好场景全覆盖 of areas
# the notice does not list) has not begun: the unit is still drawing up the area list.
# MS10-T1 (急救知识普及率, no target): 市红十字会's system export has no row for it (未报送).
TASK_NOT_STARTED = "MS13-T2"
TASK_UNREPORTED = "MS10-T1"


@dataclass(frozen=True)
class Design:
    """A hand design of the sample for one notice; the empty design is every table empty."""

    notice: str | None = None
    indicators: dict[str, tuple[str, str, str]] = field(default_factory=dict)
    level_baseline: dict[str, float] = field(default_factory=dict)
    covers: dict[str, str] = field(default_factory=dict)
    precovered: dict[str, list[str]] = field(default_factory=dict)
    level_of: dict[str, str] = field(default_factory=dict)
    q3_override: dict[str, int] = field(default_factory=dict)
    explicit: dict[str, list[int]] = field(default_factory=dict)
    directional_baseline: float | None = None     # the reference amount (前三年平均)
    directional_unit: str | None = None           # the unit the amount is written in
    directional_target: str | None = None         # 年度目标 as the directional row writes it
    milestone_text: dict[int, str] = field(default_factory=dict)
    fraction_percent: tuple[str, str, int] | None = None
    task_not_started: str | None = None   # the task whose unit writes "尚未启动" (to October)
    task_unreported: str | None = None    # the task its unit sends no row for (未报送)


NOTICE_DESIGN = Design(
    notice="渝府办发〔2026〕12号", indicators=DESIGN, level_baseline=LEVEL_BASELINE, covers=COVERS,
    precovered=PRECOVERED, level_of=LEVEL_OF, q3_override=Q3_OVERRIDE, explicit=EXPLICIT,
    directional_baseline=DIRECTIONAL_BASELINE, directional_unit=DIRECTIONAL_UNIT,
    directional_target="较前三年平均同比下降", milestone_text=MILESTONE_TEXT,
    fraction_percent=FRACTION_PERCENT, task_not_started=TASK_NOT_STARTED,
    task_unreported=TASK_UNREPORTED)
D = Design()    # the design in force (set by `use`)
# Without a design: the reference amount of a directional target, in the catalogue's unit.
DEFAULT_DIRECTIONAL_BASELINE = 10000.0

# Gap to 序时进度 at Q3 (percentage points) each designed status aims for.
BANDS = {"ahead": (3, 14), "on_track": (-7, -2), "lagging": (-24, -13), "severe": (-48, -35)}


def _logistic(k: float, m0: float) -> list[float]:
    m = np.arange(13)
    return list(np.diff(1 / (1 + np.exp(-k * (m - m0)))))


PROFILES: dict[str, list[float]] = {
    # construction counted at completion: logistic, midpoint in late summer (after the rains)
    "s_curve": _logistic(0.7, 7.5),
    "s_curve_late": _logistic(0.8, 9.5),
    # services: steady, Spring Festival dip in February
    "steady": [0.7, 0.6, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9],
    # started once funds/plans arrived after the March notice
    "late_start": [0.05, 0.05, 0.3, 0.8, 1.1, 1.2, 1.2, 1.2, 1.2, 1.2, 1.1, 1.0],
    "front": [1.4, 1.0, 1.3, 1.2, 1.1, 1.0, 1.0, 0.9, 0.9, 0.8, 0.8, 0.7],
    # school terms: screening in spring and autumn terms, nothing in the holidays
    "term": [0.3, 0.3, 1.6, 1.5, 1.2, 0.8, 0.1, 0.1, 1.8, 1.5, 1.2, 0.8],
    # teacher training concentrated in the summer holiday
    "summer": [0.2, 0.2, 0.5, 0.7, 0.8, 1.0, 2.6, 2.4, 0.8, 0.6, 0.5, 0.4],
    "kids_summer": [0.6, 0.8, 0.6, 0.6, 0.7, 0.9, 2.0, 1.8, 0.7, 0.7, 0.6, 0.6],
    # levels measured by survey: updated at quarter ends only
    "survey": [0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1],
    # holiday programmes (item 8): replaced by the catalogue's `holiday` plan when present
    "holiday": [0.05, 0.15, 0, 0.01, 0.02, 0.05, 0.37, 0.30, 0, 0.03, 0.01, 0.01],
}

# ───────────────────────────────────────────── unit styles (how each office fills the sheet)
UNIT_STYLE: dict[str, dict[str, Any]] = {
    "市水利局": {"format": "csv_gbk", "month": "cn", "date": "slash", "thousands": True},
    "市红十字会": {"format": "csv_utf8", "month": "iso", "date": "iso"},
    "市卫生健康委": {"rename": {"区县": "县区", "累计完成": "累计完成值"},
                   "order": ["指标编号", "区县", "指标名称", "项目名称", "计量单位", "年度目标", "统计月份",
                             "累计完成", "本月完成", "上年末基数", "年度任务", "进展情况", "备注",
                             "填报单位", "填报日期"],
                   "month": "iso", "date": "cn", "percent": "text"},
    "团市委": {"rename": {"统计月份": "月份"}, "none_monthly": None},
    "市教委": {"month": "excel", "extra_sheet": True},
    "市城市管理局": {"merge_item": True, "none_untasked": "—"},
    "市公安局": {"percent": "excel"},
    "市残联": {"skip_months": {5}, "late": True, "total_row": True, "none_monthly": "/", "date": "dot"},
    "市妇联": {"short_names_from": 7},
}
MISSED = ("市残联", 5)
REVISED = ("市民政局", 6)
VERY_LATE = ("市文化旅游委", 6, (7, 28))       # June's file on 28 July
REVISED_FIGURES = 8      # figures the resubmission corrects
LATE_SHARE = 0.08        # chance a file comes after the 5th (besides the units that are always late)


# ───────────────────────────────────────────── run profiles
@dataclass(frozen=True)
class RunProfile:
    """What one run writes. `sample` is data/sample/ byte for byte; `reference` is data/reference/."""

    out: Path                              # the shipped folder (written with --force)
    seed: str                              # default seed: "issued" (the notice's date) | "year_end"
    last_month: int                        # months 1..last_month are reported
    districts: tuple[str, ...] | None      # by-district rows only for these (None: all 38)
    unit_style: dict[str, dict[str, Any]]  # how each office fills the sheet (absent: the template)
    missed: tuple[str, int]                # a unit that sends nothing for a month
    revised: tuple[str, int]               # a unit that resubmits a month …
    revised_figures: int                   # … correcting this many figures
    very_late: tuple[str, int, Any]        # one file far past the due day: (unit, month, (month, day)),
                                           # the date itself once `use` has run
    late_share: float
    defects: str                           # "sample": the full catalogue; "reference": one of each kind
    year_end: bool                         # design Q4 towards a year-end outcome (YEAR_END_RULE)
    truth: bool                            # write truth.csv beside raw/


RUN_PROFILES = {
    "sample": RunProfile(
        out=HERE, seed="issued", last_month=LAST_MONTH, districts=None, unit_style=UNIT_STYLE,
        missed=MISSED, revised=REVISED, revised_figures=REVISED_FIGURES, very_late=VERY_LATE,
        late_share=LATE_SHARE, defects="sample", year_end=False, truth=True),
    # A small fixed full-year set for the notebooks' stored outputs (nbval): every indicator,
    # by-district rows for three central and three outer districts, plain template files
    # except one unit's system CSV export, and one defect of each kind (data/reference/README.md).
    "reference": RunProfile(
        out=HERE.parent / "reference", seed="year_end", last_month=12,
        districts=("渝中区", "沙坪坝区", "渝北区", "万州区", "江津区", "酉阳土家族苗族自治县"),
        unit_style={"市红十字会": {"format": "csv_utf8", "month": "iso", "date": "iso"}},
        missed=("市发展改革委", 7), revised=("市民政局", 9), revised_figures=3,
        very_late=("市委社会工作部", 4, (5, 20)), late_share=0.0,
        defects="reference", year_end=True, truth=False),
}
RUN = RUN_PROFILES["sample"]


def default_seed(profile: RunProfile, cat: Catalogue) -> int:
    """The notice's date as yyyymmdd (20260307), else 1 January; 31 December for `year_end`."""
    if profile.seed == "year_end":
        return cat.year * 10000 + 1231
    issued = (yaml.safe_load(cat.path.read_text(encoding="utf-8")) or {}).get("issued")
    return int(issued.strftime("%Y%m%d")) if isinstance(issued, dt.date) else cat.year * 10000 + 101


def use(profile: RunProfile, cat: Catalogue, out: Path, seed: int) -> None:
    """Make `profile` and `cat` the run's settings, writing under `out` with `seed`.

    Offices the profile names that `cat` does not have are replaced by stand-ins (`stand_in`).
    """
    global RUN, SEED, MONTHS, RAW, TRUTH, YEAR, TITLE, UNITS, PLANS, D
    SEED, YEAR, TITLE = seed, cat.year, form_title(cat)
    UNITS = list(dict.fromkeys(cat.indicators["reporting_unit"]))
    PLANS = cat.plans
    D = NOTICE_DESIGN if cat.notice == NOTICE_DESIGN.notice else Design()
    MONTHS = list(range(1, profile.last_month + 1))
    RAW, TRUTH = out / "raw", out / "truth.csv"
    (late_unit, late_month, (m, d)) = profile.very_late
    RUN = replace(profile, missed=(stand_in(profile.missed[0]), profile.missed[1]),
                  revised=(stand_in(profile.revised[0]), profile.revised[1]),
                  very_late=(stand_in(late_unit), late_month, dt.date(YEAR + (m < late_month), m, d)))


def stand_in(unit: str) -> str:
    """`unit` if it reports in this catalogue, else one of its reporting units (chosen by the
    seed and the name, so the same office always gets the same stand-in)."""
    if unit in UNITS or not UNITS:
        return unit
    return UNITS[int(rng_for("stand_in", unit).integers(len(UNITS)))]


def rng_for(*key: object) -> np.random.Generator:
    """A child generator keyed by a stable description (crc32 of the key's text)."""
    return np.random.default_rng([SEED, zlib.crc32("|".join(map(str, key)).encode("utf-8"))])


# ───────────────────────────────────────────── truth

def step_of(unit: str) -> float:
    return 0.1 if unit in ("%", "公里") else 1.0


def quantize(x: float, step: float) -> float:
    return round(round(x / step) * step, 1) if step < 1 else float(round(x))


def allot(total: float, weights: np.ndarray, step: float) -> np.ndarray:
    """Split `total` by `weights` in multiples of `step` (largest remainder), summing exactly."""
    ticks = round(total / step)
    raw = ticks * weights / weights.sum()
    base = np.floor(raw).astype(int)
    order = np.argsort(-(raw - base), kind="stable")
    base[order[: ticks - base.sum()]] += 1
    return base


def district_weights(names: list[str], weighting: str, central: set[str]) -> np.ndarray:
    pop = np.array([PSEUDO_POPULATION.get(n, 60) for n in names], dtype=float)
    if weighting == "urban":
        return pop * np.array([2.0 if n in central else 1.0 for n in names])
    if weighting == "rural":
        return pop * np.array([0.0 if n == "渝中区" else 0.3 if n in central else 1.0 for n in names])
    return pop


def expected_q3(ind: pd.Series, cat: Catalogue) -> float:
    if ind["kind"] in ("daily_average", "directional"):
        return 1.0
    plan = cat.plans.get(ind["plan"]) if isinstance(ind["plan"], str) else None
    if not plan:
        return Q3 / 12
    if "monthly" in plan:
        return plan["monthly"][Q3 - 1]
    return plan["quarterly"][Q3 // 3 - 1]


def shape(profile: str, rng: np.random.Generator) -> np.ndarray:
    """Cumulative shape Jan..Dec normalised to 1 at Q3 (September)."""
    w = np.array(profile_weights(profile), dtype=float) * rng.lognormal(0, 0.12, 12)
    cum = np.cumsum(w)
    return cum / cum[Q3 - 1]


def q3_value(target: float, base: float, step: float, e9: float, status: str,
             rng: np.random.Generator, iid: str) -> float:
    """A quantised Q3 value whose attainment gap lies inside the designed status band.

    A hand-designed status that no value can reach stops the run; a default one (a small
    target: 3 milestones, 5 districts) takes the reachable value nearest to the band.
    """
    if status == "completed":
        lo, hi = 1.0, 1.12
    else:
        lo, hi = (e9 + b / 100 for b in BANDS[status])
        hi = min(hi, 0.995)   # ahead but not yet reached
        lo = max(lo, 0.0)
    want = rng.uniform(lo + (hi - lo) * 0.2, hi - (hi - lo) * 0.2)
    span = target - base
    cands = np.arange(np.ceil((base + lo * span) / step), np.floor((base + hi * span) / step) + 1)
    if len(cands) == 0 and iid in D.indicators:
        raise SystemExit(f"{iid}: no value at step {step} gives a '{status}' gap; change DESIGN")
    if len(cands) == 0:
        cands = np.arange(np.ceil(base / step), np.floor((base + span) / step) + 1)
    best = cands[np.argmin(np.abs(cands * step - (base + want * span)))]
    return quantize(best * step, step)


# Year-end outcome (年考核) of increments and levels when a profile designs Q4 (reference):
# per Q3 status, (chance, outcome, attainment range). Drawn from the indicator's own
# "year_end" generator, so the choice moves nothing else. Daily averages, directional and
# derived indicators, milestones and text-only rows are not designed: they follow their path.
YEAR_END_RULE: dict[str, list[tuple[float, str, tuple[float, float]]]] = {
    "completed": [(1.0, "exceeded", (1.04, 1.20))],
    "ahead": [(0.8, "exceeded", (1.02, 1.12)), (0.2, "met", (1.0, 1.0))],
    "on_track": [(0.7, "met", (1.0, 1.0)), (0.3, "exceeded", (1.01, 1.05))],
    "lagging": [(0.35, "met", (1.0, 1.0)), (0.65, "missed", (0.85, 0.97))],
    "severe": [(1.0, "missed", (0.60, 0.85))],
}


def year_end_value(iid: str, status: str, base: float, target: float, step: float, v9: float,
                   comparator: str) -> tuple[float, str]:
    """December's figure for the designed outcome (never below September's) and the outcome."""
    rng = rng_for("year_end", iid)
    rules = YEAR_END_RULE[status]
    chosen = rules[int(rng.choice(len(rules), p=[r[0] for r in rules]))]
    outcome, (lo, hi) = chosen[1], chosen[2]
    v = quantize(base + rng.uniform(lo, hi) * (target - base), step)
    if outcome == "met":
        v = target + (step if comparator == ">" else 0.0)   # ">" is met only above the target
    elif outcome == "exceeded":
        v = max(v, target + step)
    else:
        v = min(v, target - step)
    v = quantize(max(v, v9), step)
    met = v > target or (v == target and comparator == ">=")
    return v, ("exceeded" if met and v > target else "met" if met else "missed")


def q4_tail(path: np.ndarray, s: np.ndarray, v12: float, step: float) -> np.ndarray:
    """October–December move from September's figure to December's along the monthly profile."""
    out = np.array(path, dtype=float)
    v9, last = out[Q3 - 1], len(out) - 1
    rise = s[last] - s[Q3 - 1]
    for j in range(Q3, len(out)):
        frac = (s[j] - s[Q3 - 1]) / rise if rise > 1e-9 else (j - Q3 + 1) / (last - Q3 + 1)
        out[j] = quantize(v9 + (v12 - v9) * frac, step)
    out[last] = v12
    return out


@dataclass
class Block:
    """One indicator's clean figures: rows = districts (or 全市), columns = the months reported."""

    iid: str
    districts: list[str]
    value: np.ndarray
    monthly: np.ndarray
    baseline: np.ndarray
    dtarget: np.ndarray
    text: list[list[str | None]]
    remark: list[list[str | None]]
    year_end: str | None = None   # designed year-end outcome (profiles with year_end only)
    design: str = ""              # designed status at Q3


def build_blocks(cat: Catalogue, central: list[str]) -> dict[str, Block]:
    ind_tab = cat.indicators
    # A profile with a district subset allots the city target over those districts only.
    all_districts = [d for d in districts.official() if RUN.districts is None or d in RUN.districts]
    central = [d for d in central if d in all_districts]
    if "holiday" in cat.plans and "monthly" in cat.plans["holiday"]:
        fr = cat.plans["holiday"]["monthly"]
        PROFILES["holiday"] = list(np.diff([0.0, *fr]))
    blocks: dict[str, Block] = {}
    # sources of derived indicators first
    order = sorted(ind_tab.index, key=lambda i: (i in D.covers or i in D.level_of, i))
    for iid in order:
        ind = ind_tab.loc[iid]
        rng = rng_for("indicator", iid)
        status, profile, weighting = D.indicators.get(iid) or default_design(ind, rng)
        # Coverage counts districts of the whole city (of 38, of the nine central ones): with a
        # district subset it is reported as one 全市 row holding the count. A kind that is not
        # additive (a rate, a daily average) is one 全市 row: the city figure is never a sum.
        additive = ind["kind"] in ADDITIVE_KINDS
        if ind["by_district"] and additive and not (RUN.districts and ind["kind"] == "coverage"):
            names = central if "中心城区" in ind["item_name"] else all_districts
        else:
            names = [CITY]
        block = make_block(cat, ind, names, status, profile, weighting, rng, blocks, set(central))
        block.design = str(status)
        blocks[iid] = block
    return {i: blocks[i] for i in ind_tab.index}


def default_design(ind: pd.Series, rng: np.random.Generator) -> tuple[str, str, str]:
    """An indicator without a hand design: a status drawn by its own generator, a trajectory
    from its kind (KIND_TABLE) and its plan, weights by pseudo-population."""
    status = str(rng.choice(["ahead", "on_track", "on_track", "lagging", "severe"]))
    kind = KIND_TABLE[ind["kind"]]
    if not kind.scheduled:      # judged against a level all year: a daily average, a direction
        return (status, "daily", "pop") if kind.ratio else ("ahead", "directional", "pop")
    plan = ind["plan"]
    return status, (f"plan:{plan}" if isinstance(plan, str) else "steady"), "pop"


def profile_weights(profile: str) -> list[float]:
    """Monthly weights of a profile; `plan:<name>` follows the catalogue's plan (a quarter's
    share spread evenly over its months), with a floor so that no month is empty."""
    if not profile.startswith("plan:"):
        return PROFILES[profile]
    (period, fractions), = PLANS[profile.split(":", 1)[1]].items()
    steps = np.diff([0.0, *fractions])
    monthly = steps if period == "monthly" else np.repeat(steps / 3, 3)
    return list(monthly + 0.02)


def make_block(cat, ind, names, status, profile, weighting, rng, done, central) -> Block:
    iid, kind, unit = ind["indicator_id"], ind["kind"], ind["unit"]
    target = float(ind["target_value"])
    n, nm = len(names), len(MONTHS)
    step = step_of(unit)
    value = np.full((n, nm), np.nan)
    monthly = np.full((n, nm), np.nan)
    baseline = np.full((n, nm), np.nan)
    dtarget = np.full((n, nm), np.nan)
    text: list[list[str | None]] = [[None] * nm for _ in range(n)]
    remark: list[list[str | None]] = [[None] * nm for _ in range(n)]
    e9 = expected_q3(ind, cat)
    by_district = names != [CITY]

    # annual target per district (年度任务)
    by_task = False   # a "fill" indicator on a district subset: spread ∝ task after the first round
    if by_district:
        if kind == "coverage":
            w = np.ones(n)   # every district (or central district) is required once
        elif weighting == "fill":
            # the indicator a coverage counts: one per district not covered before the year
            covered_by = [k for k, v in D.covers.items() if v == iid]
            pre = set(D.precovered.get(covered_by[0], [])) if covered_by else set()
            w = np.array([0.0 if d in pre else 1.0 for d in names])
            if round(w.sum()) != round(target):   # (a district subset) allot by population
                w = district_weights(names, "pop", central)
                by_task = True
        else:
            w = district_weights(names, weighting, central)
        dt_ticks = allot(target, w, step)
        dtarget[:] = (dt_ticks * step)[:, None] if step < 1 else dt_ticks[:, None]
    else:
        dt_ticks = np.array([round(target / step)])

    if status == "text_only":
        for i in range(n):
            for j, m in enumerate(MONTHS):
                text[i][j] = TEXT_ONLY_STAGES.get(m, "推进中")
        return Block(iid, names, value, monthly, baseline, dtarget, text, remark)

    if iid in D.covers and D.covers[iid] in done:
        src = done[D.covers[iid]]
        pre = set(D.precovered.get(iid, []))
        if not by_district:
            # The city count: districts covered before the year plus one per unit built (the
            # plan puts one in each uncovered district first). 本月完成 stays blank when the
            # count includes earlier years' districts: it is a stock, not this year's cumulative.
            built = np.nansum(src.value, axis=0)
            value[0] = len(pre) + np.minimum(built, target - len(pre))
            if pre:
                remark[0] = [f"含往年已覆盖{len(pre)}个"] * nm
            else:
                monthly[0] = np.diff(np.concatenate([[0.0], value[0]]))
            _city_texts(text, value, monthly, ind, status, rng, by_district)
            return Block(iid, names, value, monthly, baseline, dtarget, text, remark)
        for i, d in enumerate(names):
            k = src.districts.index(d) if d in src.districts else None
            for j in range(nm):
                has = d in pre or (k is not None and src.value[k, j] >= 1)
                value[i, j] = 1.0 if has else 0.0
            monthly[i] = np.diff(np.concatenate([[1.0 if d in pre else 0.0], value[i]]))
            if d in pre:
                remark[i] = ["往年已建成"] * nm
        _city_texts(text, value, monthly, ind, status, rng, by_district)
        return Block(iid, names, value, monthly, baseline, dtarget, text, remark)

    if iid in D.level_of and D.level_of[iid] in done:
        src = done[D.level_of[iid]]
        base = float(ind["baseline"]) if not np.isnan(ind["baseline"]) else target * 0.85
        cum = np.nansum(src.value, axis=0)
        value[0] = base + cum
        baseline[0] = base
        _city_texts(text, value, monthly, ind, status, rng, by_district)
        return Block(iid, names, value, monthly, baseline, dtarget, text, remark)

    if profile == "daily":
        value[0], monthly[0] = daily_average_path(target, status, rng)
        _city_texts(text, value, monthly, ind, status, rng, by_district)
        return Block(iid, names, value, monthly, baseline, dtarget, text, remark)

    if profile == "directional":
        base = D.directional_baseline or DEFAULT_DIRECTIONAL_BASELINE
        value[0] = directional_path(rng, base, ind["comparator"])
        baseline[0] = base
        _city_texts(text, value, monthly, ind, status, rng, by_district)
        return Block(iid, names, value, monthly, baseline, dtarget, text, remark)

    if kind == "level":
        base = ind["baseline"]
        base = float(base) if not np.isnan(base) else D.level_baseline.get(iid, quantize(target * 0.85, step))
        v9 = q3_value(target, base, step, e9, status, rng, iid)
        s = shape(profile, rng)
        path = [quantize(base + (v9 - base) * s[j], step) for j in range(nm)]
        path[Q3 - 1] = v9
        outcome = None
        if RUN.year_end and nm == 12:
            v12, outcome = year_end_value(iid, status, base, target, step, v9, ind["comparator"])
            path = q4_tail(np.array(path), s, v12, step)
        value[0] = np.maximum.accumulate(path)
        baseline[0] = base
        _city_texts(text, value, monthly, ind, status, rng, by_district)
        return Block(iid, names, value, monthly, baseline, dtarget, text, remark, outcome)

    # increments, coverage and deliverables: a city path in ticks, spread over districts
    outcome = None
    if iid in D.explicit:
        city = np.array(D.explicit[iid][:nm], dtype=float)
    else:
        total = target / step
        if iid in D.q3_override:
            c9 = D.q3_override[iid] / step
        else:
            c9 = q3_value(total, 0.0, 1.0, e9, status, rng, iid)
        s = shape(profile, rng)
        city = np.array([round(c9 * s[j]) for j in range(nm)], dtype=float)
        city[Q3 - 1] = c9
        city = np.maximum.accumulate(city)
        if kind in ("coverage", "deliverable"):   # never more covered or reached than required
            city = np.minimum(city, round(total))
        if RUN.year_end and nm == 12:
            c12, outcome = year_end_value(iid, status, 0.0, float(round(total)), 1.0, c9,
                                          ind["comparator"])
            city = q4_tail(city, s, c12, 1.0)
    if not by_district:
        cum = city[None, :]
    elif weighting == "fill" or kind == "coverage":
        cum = fill_spread(city, dt_ticks, rng, by_task)
    else:
        cum = weighted_spread(city, dt_ticks, rng)
    if kind == "coverage":
        cum = np.minimum(cum, 1.0) if by_district else cum
    value[:] = cum * step if step < 1 else cum
    monthly[:] = np.diff(np.concatenate([np.zeros((n, 1)), cum], axis=1), axis=1)
    if step < 1:
        value[:] = np.round(value, 1)
        monthly[:] = np.round(monthly * step, 1)
    _city_texts(text, value, monthly, ind, status, rng, by_district)
    if by_district:
        _district_texts(text, value, dtarget, ind, rng)
    if iid in D.explicit and kind == "deliverable":
        for j in range(nm):
            text[0][j] = D.milestone_text.get(int(value[0, j]), "需求调研中")
    elif kind == "deliverable" and isinstance(ind["milestones"], str) and not by_district:
        steps = ind["milestones"].split("；")   # the catalogue's milestones, in order
        for j in range(nm):
            k = int(value[0, j])
            text[0][j] = f"已完成{steps[k - 1]}" if k >= 1 else f"{steps[0]}推进中"
    return Block(iid, names, value, monthly, baseline, dtarget, text, remark, outcome)


def weighted_spread(city: np.ndarray, dt_ticks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Spread each month's city increment over districts ∝ task × district pace × noise."""
    n = len(dt_ticks)
    pace = rng.lognormal(0, 0.35, n)
    base = dt_ticks * pace
    if base.sum() == 0:
        base = np.ones(n)
    out = np.zeros((n, len(city)))
    prev = 0
    for j, c in enumerate(city):
        inc = int(c - prev)
        p = base * rng.lognormal(0, 0.3, n)
        out[:, j] = (out[:, j - 1] if j else 0) + rng.multinomial(inc, p / p.sum())
        prev = c
    return out


def fill_spread(city: np.ndarray, dt_ticks: np.ndarray, rng: np.random.Generator,
                by_task: bool = False) -> np.ndarray:
    """Each district with a task gets its first unit before any district gets a second; the
    rest go to any district with a task, or with `by_task` ∝ the task still open (∝ the task
    once every task is met)."""
    n = len(dt_ticks)
    eligible = np.flatnonzero(dt_ticks > 0)
    first = rng.permutation(eligible)
    total = int(city[-1])
    seq = list(first[:total])
    while len(seq) < total:
        if by_task:
            open_ = np.maximum(dt_ticks - np.bincount(seq, minlength=n), 0)[eligible]
            w = open_ if open_.sum() > 0 else dt_ticks[eligible]
            seq.append(int(rng.choice(eligible, p=w / w.sum())))
        else:
            seq.append(int(rng.choice(eligible)))
    out = np.zeros((n, len(city)))
    for j, c in enumerate(city):
        for d in seq[: int(c)]:
            out[d, j] += 1
    return out


def daily_average_path(target: float, status: str, rng: np.random.Generator):
    """Average per day to date (and each month's own average) hovering near the target."""
    days = np.array([calendar.monthrange(YEAR, m)[1] for m in MONTHS], dtype=float)
    season = np.array([1.02, 0.90, 1.00, 0.99, 1.01, 1.00, 1.03, 1.02, 0.98, 1.01, 0.99, 1.02]
                      [: len(MONTHS)])
    month_avg = target * season * rng.lognormal(0, 0.01, len(MONTHS))
    ytd = np.cumsum(month_avg * days) / np.cumsum(days)
    aim = {"ahead": 1.02, "on_track": 0.975, "lagging": 0.85, "severe": 0.6}.get(status, 1.0)
    k = aim * target / ytd[Q3 - 1]
    month_avg = np.round(month_avg * k)
    ytd = np.round(np.cumsum(month_avg * days) / np.cumsum(days))
    return ytd, month_avg


def directional_path(rng: np.random.Generator, baseline: float, comparator: str) -> np.ndarray:
    """The figure to date against its reference amount: on the wrong side of it in January,
    then moving the way the target asks (down for "<", up otherwise) — e.g. 案均损失金额."""
    t = np.arange(len(MONTHS)) / 9
    rel = 0.015 - 0.105 * t + rng.normal(0, 0.004, len(MONTHS))
    return np.round(baseline * (1 + (rel if comparator in ("<", "<=") else -rel)))


CITY_TEXT = {
    "completed": ["已完成全年目标任务", "已提前完成全年任务，持续巩固提升"],
    "ahead": ["进度快于序时，按月调度推进", "超序时推进，质量总体良好", "按计划推进，进度较快"],
    "on_track": ["按计划推进", "正常推进，基本符合序时", "已纳入月度调度，按序时推进"],
    "lagging": ["受项目审批手续影响，进度滞后于序时", "资金拨付较慢，进度有所滞后，正在协调",
                "部分区县推进较慢，已督促加快"],
    "severe": ["前期工作耗时较长，进度严重滞后，已约谈督办", "选址与资金未完全落实，进度严重滞后",
               "受招标延期影响，进度严重滞后，正在倒排工期"],
}
DISTRICT_TEXT = ["按计划推进", "正在推进", "资金已下达", "已督促加快进度", "已纳入区级督办"]
WORKS_TEXT = ["已进场施工", "部分项目受降雨影响", "正在组织验收", "正在开展前期工作"]


def _city_texts(text, value, monthly, ind, status, rng, by_district) -> None:
    if by_district:
        return
    reached = ind["kind"] in ("increment", "coverage", "deliverable") and ind["comparator"] == ">="
    for j, m in enumerate(MONTHS):
        done = reached and value[0, j] >= ind["target_value"]
        if done:
            text[0][j] = CITY_TEXT["completed"][m % 2]
        elif m <= 2:
            text[0][j] = "已制定工作方案，分解落实任务" if m == 2 else "开展前期准备"
        elif rng.random() < 0.7:
            pool = CITY_TEXT["ahead" if status == "completed" else status]
            text[0][j] = pool[int(rng.integers(len(pool)))]


def _district_texts(text, value, dtarget, ind, rng) -> None:
    n, nm = value.shape
    pool = DISTRICT_TEXT + (WORKS_TEXT if ind["plan"] == "back_loaded" else [])
    for i in range(n):
        for j in range(nm):
            if rng.random() < 0.06:
                if dtarget[i, j] > 0 and value[i, j] >= dtarget[i, j]:
                    text[i][j] = "已完成年度任务"
                else:
                    text[i][j] = pool[int(rng.integers(len(pool)))]


# Progress texts of the tasks (no figure), by stage of the year. None of them uses the words
# the bulletin reads as "not started" (settings tasks.not_started_words) or as "done"
# (checklist.done_words), except the not-started task's own texts.
TASK_TEXT = [
    (1, ["开展前期准备，梳理工作任务", "开展前期调研，摸清工作底数"]),
    (2, ["已制定工作方案，分解落实任务", "工作方案征求意见中，拟近期印发"]),
    (5, ["已印发工作方案，明确责任分工", "召开专题推进会，部署落实相关工作", "已纳入月度调度，按计划推进"]),
    (8, ["按计划推进，已开展阶段性督导", "持续推进，部分区县已形成经验做法", "正在梳理上半年进展，查找短板弱项"]),
    (12, ["持续推进，成效逐步显现", "按计划推进，正在开展成效评估", "已形成一批典型案例，正在总结推广"]),
]
TASK_NOT_STARTED_TEXT = ["该项工作尚未启动，正在制定方案", "尚未开展，正在会同相关部门研究工作方案",
                         "暂未启动，正在梳理工作底数"]
TASK_NOT_STARTED_UNTIL = 10     # the not-started task starts in November (a full-year profile)
TASK_LATE_START_TEXT = ["工作方案已印发，启动实施", "已启动实施，按计划推进"]


def task_roles(cat: Catalogue) -> tuple[str | None, str | None]:
    """(the not-started task, the unreported task): the design's where it names tasks of `cat`;
    otherwise drawn by the seed from the catalogue's tasks (not started with two or more
    tasks, unreported with three or more, so most tasks are reported and under way)."""
    ids = list(cat.tasks["task_id"])
    if D.task_not_started in ids and D.task_unreported in ids:
        return D.task_not_started, D.task_unreported
    not_started = unreported = None
    if len(ids) >= 2:
        not_started = ids[int(rng_for("task_role", "not_started").integers(len(ids)))]
    if len(ids) >= 3:
        rest = [t for t in ids if t != not_started]
        unreported = rest[int(rng_for("task_role", "unreported").integers(len(rest)))]
    return not_started, unreported


def task_texts(tid: str, not_started: bool) -> list[str]:
    """One progress text per month for a task, by stage of the year, drawn by the task's own
    generator (never the same text two months running where the stage offers another)."""
    rng = rng_for("task", tid)
    out: list[str] = []
    for m in MONTHS:
        if not_started and m <= TASK_NOT_STARTED_UNTIL:
            pool = TASK_NOT_STARTED_TEXT
        elif not_started:
            pool = TASK_LATE_START_TEXT
        else:
            pool = next(texts for last, texts in TASK_TEXT if m <= last)
        fresh = [t for t in pool if not out or t != out[-1]] or pool
        out.append(fresh[int(rng.integers(len(fresh)))])
    return out


def truth_frame(cat: Catalogue, blocks: dict[str, Block]) -> pd.DataFrame:
    """The clean figures (indicator × district × month), then the tasks' rows: 全市, no
    figures, a progress text each month (none at all for the unreported task)."""
    rows = []
    for iid, b in blocks.items():
        unit = cat.indicators.loc[iid, "reporting_unit"]
        for i, d in enumerate(b.districts):
            for j, m in enumerate(MONTHS):
                rows.append({
                    "indicator_id": iid, "district": d, "year": YEAR, "month": m,
                    "value": b.value[i, j], "monthly_value": b.monthly[i, j],
                    "baseline": b.baseline[i, j], "district_target": b.dtarget[i, j],
                    "progress_text": b.text[i][j], "remark": b.remark[i][j],
                    "reporting_unit": unit,
                })
    not_started, unreported = task_roles(cat)
    for task in cat.tasks.itertuples(index=False):
        if task.task_id == unreported:
            continue
        for m, text in zip(MONTHS, task_texts(task.task_id, task.task_id == not_started), strict=True):
            rows.append({
                "indicator_id": task.task_id, "district": CITY, "year": YEAR, "month": m,
                "value": np.nan, "monthly_value": np.nan, "baseline": np.nan,
                "district_target": np.nan, "progress_text": text, "remark": None,
                "reporting_unit": task.reporting_unit,
            })
    return pd.DataFrame(rows)


# ───────────────────────────────────────────── submissions

@dataclass
class Row:
    cells: dict[str, Any]
    truth: int | None          # index into the truth frame; None for rows not in the truth
    role: str = "data"         # data | task (a task's text row) | duplicate | extra | total


@dataclass
class Submission:
    unit: str
    month: int
    submitted: dt.date
    fmt: str                   # xlsx | csv_gbk | csv_utf8
    rows: list[Row]
    style: dict[str, Any]
    suffix: str = ""
    notes: list[str] = field(default_factory=list)
    trailing_blank: int = 0
    file_defects: list[str] = field(default_factory=list)

    @property
    def relpath(self) -> str:
        ext = "xlsx" if self.fmt == "xlsx" else "csv"
        return f"{YEAR}-{self.month:02d}/{self.unit}_{YEAR}年{self.month:02d}月{self.suffix}.{ext}"


class DefectLog:
    """Every injected defect: code, an example as written, the file and the row count."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str]] = []

    def add(self, code: str, example: Any, sub: Submission) -> None:
        self.rows.append((code, str(example), sub.relpath))


def fmt_number(v: float) -> int | float:
    return int(v) if float(v).is_integer() else float(v)


def month_cell(m: int, style: str, year: int | None = None) -> Any:
    year = YEAR if year is None else year
    if style == "iso":
        return f"{year}-{m:02d}"
    if style == "excel":
        return dt.datetime(year, m, 1)
    return f"{year}年{m}月"


def date_cell(d: dt.date, style: str) -> Any:
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "iso":
        return d.isoformat()
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if style == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    return dt.datetime(d.year, d.month, d.day)


def target_cell(ind: pd.Series, percent_style: str | None) -> Any:
    if ind["kind"] == "task":
        return None
    if ind["kind"] == "directional":
        down = ind["comparator"] in ("<", "<=")
        return D.directional_target or ("较基数下降" if down else "较基数上升")
    v = fmt_number(ind["target_value"])
    if ind["unit"] == "%" and percent_style == "text":   # (directional handled above)
        return f"{v}%"
    return v


def submission_date(unit: str, month: int) -> dt.date:
    rng = rng_for("date", unit, month)
    nxt = dt.date(YEAR + (month == 12), month % 12 + 1, 1)
    if (unit, month) == RUN.very_late[:2]:
        return RUN.very_late[2]
    if RUN.unit_style.get(unit, {}).get("late"):
        day = int(rng.integers(6, 13))
    elif rng.random() < RUN.late_share:
        day = int(rng.integers(8, 21))
    else:
        day = int(rng.integers(1, 6))
    return nxt.replace(day=day)


def build_submissions(cat: Catalogue, truth: pd.DataFrame) -> list[Submission]:
    ind_tab = cat.indicators
    units = list(dict.fromkeys(ind_tab["reporting_unit"]))
    subs: list[Submission] = []
    by_unit_month = truth.groupby(["reporting_unit", "month"], sort=False).groups
    records = truth.to_dict("index")
    inds = cat.reportable.to_dict("index")   # the indicators, then the tasks (kind "task")
    for unit in units:
        style = RUN.unit_style.get(unit, {})
        fmt = style.get("format", "xlsx")
        for m in MONTHS:
            if (unit, m) == RUN.missed or m in style.get("skip_months", set()):
                continue
            idx = list(by_unit_month.get((unit, m), []))
            sub = Submission(unit, m, submission_date(unit, m), fmt, [], style)
            for t in idx:   # the tasks come last, as on the form (Catalogue.reportable)
                ind = inds[records[t]["indicator_id"]]
                sub.rows.append(Row(clean_cells(records[t], ind, sub), t,
                                    "task" if ind["kind"] == "task" else "data"))
            subs.append(sub)
    return subs


def _text(x: Any) -> str | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else str(x)


def clean_cells(t: dict, ind: dict, sub: Submission) -> dict[str, Any]:
    style = sub.style
    unit = ((D.directional_unit or ind.get("value_unit") or ind["unit"])
            if ind["kind"] == "directional" else ind["unit"])
    if ind["kind"] == "task":   # as the form writes it: no unit, no target (template.py)
        unit = ind["value_unit"] or ind["unit"]

    def num(x: float) -> Any:
        if pd.isna(x):
            return None
        if ind["unit"] == "%" and ind["kind"] != "directional" and style.get("percent") == "text":
            return f"{fmt_number(x)}%"
        return fmt_number(x)

    return {
        "指标编号": t["indicator_id"], "项目名称": ind["item_name"], "指标名称": ind["indicator"],
        "计量单位": unit, "年度目标": target_cell(ind, style.get("percent")), "区县": t["district"],
        "统计月份": month_cell(int(t["month"]), style.get("month", "cn")),
        "本月完成": num(t["monthly_value"]), "累计完成": num(t["value"]),
        "上年末基数": num(t["baseline"]),
        "年度任务": None if pd.isna(t["district_target"]) else fmt_number(t["district_target"]),
        "进展情况": _text(t["progress_text"]), "备注": _text(t["remark"]), "填报单位": sub.unit,
        "填报日期": date_cell(sub.submitted, style.get("date", "excel")),
    }


# ───────────────────────────────────────────── defects

FULLWIDTH = str.maketrans("0123456789.", "０１２３４５６７８９．")
EXPECT_RANK = {"exact": 0, "flagged": 1, "policy": 2, "unrecoverable": 3}
CODE_EXPECT = {
    "wan": "exact", "thousands": "exact", "fullwidth": "exact", "chinese_numeral": "exact",
    "percent_text": "exact", "percent_fraction": "flagged", "percent_fraction_formatted": "flagged",
    "approx_prefix": "flagged", "approx_suffix": "flagged",
    "none_dash": "policy", "none_slash": "policy", "none_blank": "policy",
    "negative": "unrecoverable", "wan_missing": "unrecoverable", "x10000": "unrecoverable",
    "cum_decrease": "unrecoverable", "formula_prefix": "exact", "id_variant": "exact",
    "short_name": "exact", "trailing_space": "exact", "superseded": "exact",
}


class Injector:
    def __init__(self, subs: list[Submission], truth: pd.DataFrame, cat: Catalogue) -> None:
        self.subs, self.truth, self.cat = subs, truth, cat
        self.ind = cat.indicators.to_dict("index")
        self.values = truth["value"].to_dict()
        self.log = DefectLog()
        self.codes: dict[int, list[str]] = defaultdict(list)
        self.used: set[tuple[int, int]] = set()   # (submission, row) already given a value defect

    def mark(self, sub: Submission, row: Row, fld: str, code: str, example: Any) -> None:
        if row.truth is not None:
            self.codes[row.truth].append(f"{fld}:{code}")
        self.log.add(code, example, sub)

    def candidates(self, pred, xlsx_only: bool = False, avoid_read_months: bool = False):
        """Rows satisfying `pred`; avoid_read_months keeps out of the months the bulletin and
        the assessment read (September, and December in a full year)."""
        out = []
        for si, sub in enumerate(self.subs):
            if xlsx_only and sub.fmt != "xlsx":
                continue
            if (sub.unit, sub.month) == RUN.revised:
                continue
            for ri, row in enumerate(sub.rows):
                if row.role != "data" or (si, ri) in self.used:   # figure rows only: never
                    continue                                      # a task's text row
                if avoid_read_months and sub.month in (Q3, 12):
                    continue
                if pred(sub, row):
                    out.append((si, ri))
        return out

    def pick(self, purpose: str, cands: list, k: int) -> list[tuple[Submission, Row]]:
        rng = rng_for("defect", purpose)
        k = min(k, len(cands))
        chosen = sorted(rng.choice(len(cands), size=k, replace=False)) if k else []
        out = []
        for c in chosen:
            si, ri = cands[c]
            self.used.add((si, ri))
            out.append((self.subs[si], self.subs[si].rows[ri]))
        return out

    def value_of(self, row: Row) -> float:
        return float(self.values[row.truth])

    def kind_of(self, row: Row) -> str:
        return self.ind[row.cells["指标编号"]]["kind"]

    # -- cell-level value formats ------------------------------------------------------
    def number_formats(self) -> None:
        def big_int(limit):
            def pred(sub, row):
                v = row.cells["累计完成"]
                return isinstance(v, int) and v >= limit
            return pred

        for sub, row in self.pick("wan", self.candidates(big_int(10000), xlsx_only=True), 30):
            v = row.cells["累计完成"]
            row.cells["累计完成"] = f"{v / 10000:.4f}".rstrip("0").rstrip(".") + "万"
            self.mark(sub, row, "value", "wan", row.cells["累计完成"])
        for sub, row in self.pick("thousands", self.candidates(big_int(1000), xlsx_only=True), 24):
            row.cells["累计完成"] = f"{row.cells['累计完成']:,}"
            self.mark(sub, row, "value", "thousands", row.cells["累计完成"])

        def round_hundreds(sub, row):
            v = row.cells["累计完成"]
            return isinstance(v, int) and v >= 1000 and v % 100 == 0
        for sub, row in self.pick("approx_prefix", self.candidates(round_hundreds, True), 6):
            row.cells["累计完成"] = f"约{row.cells['累计完成']}"
            self.mark(sub, row, "value", "approx_prefix", row.cells["累计完成"])
        for sub, row in self.pick("approx_suffix", self.candidates(round_hundreds, True), 5):
            row.cells["累计完成"] = f"{row.cells['累计完成']}余"
            self.mark(sub, row, "value", "approx_suffix", row.cells["累计完成"])

        def cn_ok(sub, row):
            v = row.cells["累计完成"]
            return isinstance(v, int) and 20 <= v <= 99999 and v % 10 == 0
        for sub, row in self.pick("chinese", self.candidates(cn_ok, True), 6):
            row.cells["累计完成"] = cn2an.an2cn(row.cells["累计完成"])
            self.mark(sub, row, "value", "chinese_numeral", row.cells["累计完成"])

        def fuli(sub, row):
            return sub.unit == "市妇联" and isinstance(row.cells["累计完成"], int) and row.cells["累计完成"] >= 10
        for sub, row in self.pick("fullwidth", self.candidates(fuli, True), 20):
            row.cells["累计完成"] = str(row.cells["累计完成"]).translate(FULLWIDTH)
            self.mark(sub, row, "value", "fullwidth", row.cells["累计完成"])

    def unit_habits(self) -> None:
        """Whole-unit habits: percent styles, none tokens, thousands in the GBK CSV, names."""
        for sub in self.subs:
            st = sub.style
            for row in sub.rows:
                if row.role != "data":
                    continue
                c = row.cells
                iid = c["指标编号"]
                ind = self.ind[iid]
                pct = ind["unit"] == "%" and ind["kind"] != "directional"   # MS12-05 is in 元/案
                if pct and st.get("percent") == "text" and c["累计完成"] is not None:
                    self.mark(sub, row, "value", "percent_text", c["累计完成"])
                if pct and st.get("percent") == "excel" and c["累计完成"] is not None:
                    for col in ("累计完成", "上年末基数"):
                        if isinstance(c[col], int | float):
                            c[col] = round(c[col] / 100, 4)
                    row.cells["_percent_format"] = True
                    self.mark(sub, row, "value", "percent_fraction_formatted", c["累计完成"])
                fp = D.fraction_percent
                if fp and (sub.unit, iid) == fp[:2] and sub.month >= fp[2] and c["累计完成"] is not None:
                    for col in ("累计完成", "上年末基数"):
                        if isinstance(c[col], int | float):
                            c[col] = round(c[col] / 100, 4)
                    self.mark(sub, row, "value", "percent_fraction", c["累计完成"])
                if "none_monthly" in st and c["本月完成"] == 0:
                    c["本月完成"] = st["none_monthly"]
                    code = {"—": "none_dash", "/": "none_slash", None: "none_blank"}[st["none_monthly"]]
                    self.mark(sub, row, "monthly", code, c["本月完成"] or "(blank)")
                if "none_untasked" in st and c["年度任务"] == 0:
                    # no task in this district: the clerk writes "—" across the row
                    for col, fld in (("本月完成", "monthly"), ("累计完成", "value"), ("年度任务", "target")):
                        if c[col] == 0:
                            c[col] = st["none_untasked"]
                            self.mark(sub, row, fld, "none_dash", c[col])
                if st.get("thousands"):
                    for col, fld in (("累计完成", "value"), ("本月完成", "monthly"),
                                     ("年度任务", "target"), ("上年末基数", "baseline")):
                        v = c[col]
                        if isinstance(v, int | float) and abs(v) >= 1000:
                            c[col] = f"{v:,}" if isinstance(v, int) else f"{v:,.1f}"
                            self.mark(sub, row, fld, "thousands", c[col])
                start = st.get("short_names_from")
                if start and sub.month >= start and c["区县"] in SHORT_NAMES:
                    c["区县"] = SHORT_NAMES[c["区县"]]
                    self.mark(sub, row, "district", "short_name", c["区县"])

    # -- implausible values, each a single row away from Q3 ----------------------------
    def implausible(self) -> None:
        def big(sub, row):
            v = row.cells["累计完成"]
            return isinstance(v, int) and v >= 10000 and row.cells["区县"] != CITY

        for sub, row in self.pick("wan_missing", self.candidates(big, True, avoid_read_months=True), 1):
            row.cells["累计完成"] = row.cells["累计完成"] / 10000
            self.mark(sub, row, "value", "wan_missing", row.cells["累计完成"])

        def target_exceeding(sub, row):
            v = row.cells["累计完成"]
            ind = self.ind[row.cells["指标编号"]]
            return (isinstance(v, int) and 1000 <= v and v * 10000 > 10 * ind["target_value"]
                    and ind["kind"] == "increment")
        for sub, row in self.pick("x10000", self.candidates(target_exceeding, True, True), 1):
            row.cells["累计完成"] = row.cells["累计完成"] * 10000
            self.mark(sub, row, "value", "x10000", row.cells["累计完成"])

        def positive(sub, row):
            v = row.cells["累计完成"]
            return isinstance(v, int) and 10 <= v <= 500 and self.kind_of(row) == "increment"
        for sub, row in self.pick("negative", self.candidates(positive, True, True), 1):
            row.cells["累计完成"] = -row.cells["累计完成"]
            self.mark(sub, row, "value", "negative", row.cells["累计完成"])

        keys = self.truth[["indicator_id", "district", "month"]].itertuples(index=False)
        prev = {(i, d, int(m)): v for (i, d, m), v in zip(keys, self.truth["value"], strict=True)}

        def decrease_possible(sub, row):
            v = row.cells["累计完成"]
            if not (isinstance(v, int) and v >= 100 and sub.month >= 3):
                return False
            before = prev.get((row.cells["指标编号"], row.cells["区县"], sub.month - 1))
            return before is not None and transpose_below(v, before) is not None
        for sub, row in self.pick("cum_decrease", self.candidates(decrease_possible, True, True), 2):
            before = prev[(row.cells["指标编号"], row.cells["区县"], sub.month - 1)]
            row.cells["累计完成"] = transpose_below(row.cells["累计完成"], before)
            self.mark(sub, row, "value", "cum_decrease", row.cells["累计完成"])

    # -- text, codes and names ---------------------------------------------------------
    def text_and_keys(self) -> None:
        police, redcross_unit = stand_in("市公安局"), stand_in("市红十字会")

        def police_row(sub, row):
            return sub.unit == police and sub.month == 7 and row.cells["区县"] != CITY
        for sub, row in self.pick("formula_eq", self.candidates(police_row), 1):
            row.cells["进展情况"] = '=HYPERLINK("http://example.invalid/fz","点击查看详情")'
            self.mark(sub, row, "text", "formula_prefix", row.cells["进展情况"])

        def redcross(sub, row):
            return sub.unit == redcross_unit and sub.month == 4 and row.cells["区县"] == CITY
        for sub, row in self.pick("formula_at", self.candidates(redcross), 1):
            row.cells["进展情况"] = "@SUM(1+1)*cmd|' /C calc'!A0"
            self.mark(sub, row, "text", "formula_prefix", row.cells["进展情况"])

        def any_xlsx(sub, row):
            return sub.fmt == "xlsx"
        variants = [lambda s: s.lower(), lambda s: s + " ", lambda s: s.replace("-", "－")]
        for k, (sub, row) in enumerate(self.pick("id_variant", self.candidates(any_xlsx), 6)):
            row.cells["指标编号"] = variants[k % 3](row.cells["指标编号"])
            self.mark(sub, row, "id", "id_variant", repr(row.cells["指标编号"]))

        def district_row(sub, row):
            return row.cells["区县"] in PSEUDO_POPULATION and sub.fmt == "xlsx"
        for sub, row in self.pick("trailing_space", self.candidates(district_row), 6):
            row.cells["区县"] = row.cells["区县"] + " "
            self.mark(sub, row, "district", "trailing_space", repr(row.cells["区县"]))

    # -- rows that are not in the truth ------------------------------------------------
    def extra_rows(self) -> None:
        self.duplicates(files=4, per_file=3)
        self.unknown_code()

        edu = self._sub(stand_in("市教委"), 1)
        if edu:
            src = next((r for r in edu.rows if r.cells["区县"] == CITY and r.role == "data"),
                       edu.rows[0])
            cells = dict(src.cells)
            cells.update({"统计月份": month_cell(12, edu.style.get("month", "cn"), YEAR - 1),
                          "累计完成": 14760, "本月完成": 1230, "进展情况": "上年度数据",
                          "填报日期": date_cell(dt.date(YEAR, 1, 4), edu.style.get("date", "excel"))})
            edu.rows.append(Row(cells, None, "extra"))
            self.log.add("month_outside_year", f"{YEAR - 1}年12月", edu)

        for sub in self.subs:
            if not sub.style.get("total_row"):
                continue
            out: list[Row] = []
            for i, row in enumerate(sub.rows):
                out.append(row)
                nxt = sub.rows[i + 1] if i + 1 < len(sub.rows) else None
                iid = row.cells["指标编号"]
                if row.cells["区县"] != CITY and (nxt is None or nxt.cells["指标编号"] != iid):
                    block = [r for r in out if r.cells["指标编号"] == iid and r.role == "data"]
                    cells = dict(row.cells)
                    # the clerk's sum is right even where a cell below was typed oddly
                    for col, fld in (("本月完成", "monthly_value"), ("累计完成", "value"),
                                     ("年度任务", "district_target")):
                        total = self.truth.loc[[r.truth for r in block], fld].sum(min_count=1)
                        cells[col] = None if pd.isna(total) else fmt_number(total)
                    cells.update({"区县": "合计", "进展情况": None, "备注": None})
                    out.append(Row(cells, None, "total"))
                    self.log.add("total_row", f"{iid} 合计", sub)
            sub.rows = out

    def duplicates(self, files: int, per_file: int) -> None:
        """Rows pasted twice (identical), in `files` workbooks of 20 figure rows or more; only
        figure rows are pasted (the task rows, after them, neither count nor are chosen)."""
        rng = rng_for("defect", "duplicates")

        def figure_rows(s: Submission) -> int:
            return sum(r.role != "task" for r in s.rows)
        xlsx = [s for s in self.subs
                if s.fmt == "xlsx" and (s.unit, s.month) != RUN.revised and figure_rows(s) >= 20]
        for si in sorted(rng.choice(len(xlsx), size=files, replace=False)):
            sub = xlsx[si]
            picks = sorted(rng.choice(figure_rows(sub), size=per_file, replace=False), reverse=True)
            for ri in picks:
                src = sub.rows[ri]
                sub.rows.insert(ri + 1, Row(dict(src.cells), None, "duplicate"))
                self.log.add("duplicate_row", f"{src.cells['指标编号']} {src.cells['区县']}", sub)

    def unknown_code(self) -> None:
        """A unit's own addition, not in the catalogue: the next item's first id (MS16-01)."""
        health = self._sub(stand_in("市卫生健康委"), 8)
        if health:
            code = unknown_id(self.cat)
            cells = dict([r for r in health.rows if r.role != "task"][-1].cells)
            cells.update({"指标编号": code, "项目名称": "（自行增加）社区心理服务",
                          "指标名称": "社区心理健康服务站", "计量单位": "个", "年度目标": 120,
                          "区县": CITY, "本月完成": 8, "累计完成": 97, "上年末基数": None,
                          "年度任务": None, "进展情况": "本单位自行增加的工作", "备注": None})
            health.rows.append(Row(cells, None, "extra"))
            self.log.add("unknown_indicator", code, health)

    # -- the reference profile: one defect of each kind --------------------------------
    def reference_defects(self) -> None:
        """A 万 figure, full-width digits, a negative (not in September or December) and a
        formula-like 进展情况; the resubmission, duplicate and MS16-01 come after."""
        def big(sub, row):
            v = row.cells["累计完成"]
            return isinstance(v, int) and v >= 10000 and sub.fmt == "xlsx"
        for sub, row in self.pick("wan", self.candidates(big, True), 1):
            v = row.cells["累计完成"]
            row.cells["累计完成"] = f"{v / 10000:.4f}".rstrip("0").rstrip(".") + "万"
            self.mark(sub, row, "value", "wan", row.cells["累计完成"])

        def two_digits(sub, row):
            return isinstance(row.cells["累计完成"], int) and row.cells["累计完成"] >= 10
        for sub, row in self.pick("fullwidth", self.candidates(two_digits, True), 1):
            row.cells["累计完成"] = str(row.cells["累计完成"]).translate(FULLWIDTH)
            self.mark(sub, row, "value", "fullwidth", row.cells["累计完成"])

        def positive(sub, row):
            v = row.cells["累计完成"]
            return (isinstance(v, int) and 10 <= v <= 500 and self.kind_of(row) == "increment"
                    and row.cells["区县"] != CITY)
        for sub, row in self.pick("negative", self.candidates(positive, True, True), 1):
            row.cells["累计完成"] = -row.cells["累计完成"]
            self.mark(sub, row, "value", "negative", row.cells["累计完成"])

        def city_text(sub, row):
            return row.cells["区县"] == CITY and row.cells["进展情况"] is not None
        for sub, row in self.pick("formula_eq", self.candidates(city_text, True, True), 1):
            row.cells["进展情况"] = "=1+1"
            self.mark(sub, row, "text", "formula_prefix", row.cells["进展情况"])

    def revision(self) -> None:
        """The unit resubmits a month: the first file keeps a few wrong figures."""
        unit, month = RUN.revised
        sub = self._sub(unit, month)
        if not sub:
            return
        original = Submission(unit, month, sub.submitted, sub.fmt,
                              [Row(dict(r.cells), None, r.role) for r in sub.rows], sub.style)
        sub.submitted = sub.submitted + dt.timedelta(days=13)
        sub.suffix = "（更正）"
        for r in sub.rows:
            r.cells["填报日期"] = date_cell(sub.submitted, sub.style.get("date", "excel"))
        rng = rng_for("defect", "revision")
        cands = [i for i, r in enumerate(sub.rows) if isinstance(r.cells["累计完成"], int)
                 and r.cells["累计完成"] >= 20]
        for i in sorted(rng.choice(len(cands), size=min(RUN.revised_figures, len(cands)), replace=False)):
            ri = cands[i]
            good = sub.rows[ri].cells["累计完成"]
            bad = int(round(good * rng.choice([0.8, 0.9, 1.1, 1.25])))
            original.rows[ri].cells["累计完成"] = bad
            sub.rows[ri].cells["备注"] = "已更正"
            self.truth.at[sub.rows[ri].truth, "remark"] = "已更正"
            self.mark(sub, sub.rows[ri], "value", "superseded", f"{bad} → {good}")
        self.subs.insert(self.subs.index(sub), original)
        self.log.add("resubmission", f"{original.relpath} → {sub.relpath}", sub)

    def layout(self) -> None:
        """Notes under the table, blank trailing rows; file-level habits."""
        for sub in self.subs:
            rng = rng_for("layout", sub.unit, sub.month, sub.suffix)
            if rng.random() < 0.35 and sub.fmt != "csv_utf8":
                last = calendar.monthrange(YEAR, sub.month)[1]
                sub.notes = [f"注：1.累计完成为年初至本月末累计数；2.本表数据截至{sub.month}月{last}日。",
                             "填表人：张三　　审核人：李四　　联系电话：（略）"]
                self.log.add("notes_under_table", sub.notes[0][:12] + "…", sub)
            if rng.random() < 0.25:
                sub.trailing_blank = int(rng.integers(3, 16))
                self.log.add("blank_trailing_rows", f"{sub.trailing_blank} rows", sub)

    def _sub(self, unit: str, month: int) -> Submission | None:
        return next((s for s in self.subs if s.unit == unit and s.month == month and not s.suffix),
                    None)


def unknown_id(cat: Catalogue) -> str:
    """An id the catalogue does not have: its usual prefix, the item after its last, -01."""
    ids = cat.indicators["indicator_id"]
    prefix = ids.str[:2].value_counts().index[0]
    return f"{prefix}{int(cat.indicators['item_no'].max()) + 1:02d}-01"


def transpose_below(v: int, before: float) -> int | None:
    """Swap two adjacent digits of v (a typing slip) to get a value below `before`."""
    s = str(v)
    for i in range(len(s) - 1):
        t = s[:i] + s[i + 1] + s[i] + s[i + 2:]
        if t[0] != "0" and int(t) < before:
            return int(t)
    return None


# ───────────────────────────────────────────── writers

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def headers_for(style: dict[str, Any]) -> list[str]:
    order = style.get("order", HEADERS)
    return [style.get("rename", {}).get(h, h) for h in order]


def ordered(style: dict[str, Any]) -> list[str]:
    return style.get("order", HEADERS)


def write_xlsx(sub: Submission, path: Path) -> dict[int, int]:
    """Write one workbook; returns truth index → 1-based sheet row."""
    wb = Workbook()
    ws = wb.active
    if sub.style.get("extra_sheet"):
        ws.title = "填报说明"
        for i, line in enumerate(["填报说明", "1. 累计完成填年初至本月末累计数。",
                                  "2. 请勿修改指标编号。", "3. 每月5日前报送。"], start=1):
            ws.cell(row=i, column=1, value=line)
        ws = wb.create_sheet("月报")
    else:
        ws.title = "月报"
    cols = ordered(sub.style)
    ncol = len(cols)
    last = get_column_letter(ncol)
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=16)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = f"填报单位：{sub.unit}    统计月份：{YEAR}年{sub.month}月"
    ws.merge_cells(f"A2:{last}2")
    for j, h in enumerate(headers_for(sub.style), start=1):
        c = ws.cell(row=3, column=j, value=h)
        c.font = Font(bold=True)
        c.border = BOX
        c.alignment = Alignment(horizontal="center", wrap_text=True)
    where: dict[int, int] = {}
    boxed = None
    r = 4
    merge_from: tuple[int, str] | None = None
    item_col = cols.index("项目名称") + 1
    for row in sub.rows:
        for j, col in enumerate(cols, start=1):
            v = row.cells[col]
            if sub.style.get("merge_item") and col == "项目名称":
                if merge_from and merge_from[1] == v:
                    continue
                if merge_from and r - 1 > merge_from[0]:
                    ws.merge_cells(start_row=merge_from[0], start_column=item_col,
                                   end_row=r - 1, end_column=item_col)
                merge_from = (r, v)
            c = ws.cell(row=r, column=j, value=v)
            boxed = box(c, boxed)
            if isinstance(v, str) and v.startswith("="):
                c.data_type = "s"   # text that looks like a formula stays text
            if isinstance(v, dt.datetime):
                c.number_format = 'yyyy"年"m"月"' if col == "统计月份" else "yyyy-mm-dd"
            if row.cells.get("_percent_format") and col in ("累计完成", "上年末基数") and v is not None:
                c.number_format = "0.0%"
        if row.truth is not None and row.role in ("data", "task"):
            where[row.truth] = r
        r += 1
    if merge_from and r - 1 > merge_from[0]:
        ws.merge_cells(start_row=merge_from[0], start_column=item_col, end_row=r - 1,
                       end_column=item_col)
    for k in range(sub.trailing_blank):
        for j in range(1, ncol + 1):
            boxed = box(ws.cell(row=r, column=j), boxed)
        if k == 1:
            ws.cell(row=r, column=1, value=" ")
        r += 1
    for note in sub.notes:
        r += 1
        ws.cell(row=r, column=1, value=note)
    for j, col in enumerate(cols, start=1):
        width = {"项目名称": 22, "指标名称": 26, "进展情况": 30, "区县": 14}.get(col, 11)
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.freeze_panes = "A4"
    stamp = dt.datetime.combine(sub.submitted, dt.time(9, 30))
    wb.properties.creator = sub.unit
    wb.properties.lastModifiedBy = sub.unit
    wb.properties.created = stamp
    wb.properties.modified = stamp
    path.write_bytes(reproducible_zip(wb, stamp))
    return where


def box(cell, boxed):
    """Give a cell the thin border; copying the style array is ~50× faster than assigning."""
    if boxed is None:
        cell.border = BOX
        return copy.copy(cell._style)
    cell._style = copy.copy(boxed)
    return boxed


def reproducible_zip(wb: Workbook, stamp: dt.datetime) -> bytes:
    """openpyxl's bytes with fixed zip timestamps (save_workbook would stamp 'now')."""
    tmp = io.BytesIO()
    ExcelWriter(wb, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED)).save()
    out = io.BytesIO()
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def csv_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d")
    return str(v)


def write_csv(sub: Submission, path: Path) -> dict[int, int]:
    cols = ordered(sub.style)
    encoding = "gbk" if sub.fmt == "csv_gbk" else "utf-8-sig"
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    line = 0
    empty = [""] * (len(cols) - 1)
    if sub.fmt == "csv_gbk":   # Excel's "save as CSV" keeps the title rows
        w.writerow([TITLE, *empty])
        w.writerow([f"填报单位：{sub.unit}    统计月份：{YEAR}年{sub.month}月", *empty])
        line = 2
    w.writerow(headers_for(sub.style))
    line += 1
    where = {}
    for row in sub.rows:
        w.writerow([csv_text(row.cells[c]) for c in cols])
        line += 1
        if row.truth is not None and row.role in ("data", "task"):
            where[row.truth] = line
    for _ in range(sub.trailing_blank):
        w.writerow([""] * len(cols))
    for note in sub.notes:
        w.writerow([note, *empty])
    path.write_bytes(buf.getvalue().encode(encoding))   # strict: fails on a non-GBK character
    return where


# ───────────────────────────────────────────── main

def generate(cat: Catalogue) -> tuple[pd.DataFrame, list[Submission], DefectLog, dict[str, Block]]:
    """Write the run's files (`use` first) for `cat`; returns the truth and what was written."""
    with open(config.DATA / "districts.yaml", encoding="utf-8") as fh:
        central = list(yaml.safe_load(fh)["central_urban"])
    blocks = build_blocks(cat, central)
    truth = truth_frame(cat, blocks)
    subs = build_submissions(cat, truth)
    inj = Injector(subs, truth, cat)
    if RUN.defects == "reference":
        inj.reference_defects()
        inj.revision()
        inj.duplicates(files=1, per_file=1)
        inj.unknown_code()
    else:
        inj.unit_habits()
        inj.number_formats()
        inj.implausible()
        inj.text_and_keys()
        inj.revision()
        inj.extra_rows()
        inj.layout()

    clear(RAW)
    truth["source_file"] = None
    truth["source_sheet"] = None
    truth["source_row"] = pd.NA
    truth["submitted_on"] = None
    for sub in inj.subs:
        path = RAW / sub.relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        where = write_xlsx(sub, path) if sub.fmt == "xlsx" else write_csv(sub, path)
        for t, r in where.items():   # later files (the correction) overwrite earlier ones
            truth.at[t, "source_file"] = sub.relpath
            truth.at[t, "source_sheet"] = "月报" if sub.fmt == "xlsx" else ""
            truth.at[t, "source_row"] = r
            truth.at[t, "submitted_on"] = sub.submitted.isoformat()
    truth = truth[truth["source_file"].notna()].copy()   # the missed month is not in the truth
    truth["defects"] = [";".join(inj.codes.get(i, [])) for i in truth.index]
    truth["expect"] = [expect_of(inj.codes.get(i, [])) for i in truth.index]
    cols = ["indicator_id", "district", "year", "month", "value", "monthly_value", "baseline",
            "district_target", "progress_text", "remark", "reporting_unit", "submitted_on",
            "source_file", "source_sheet", "source_row", "defects", "expect"]
    truth = truth[cols].sort_values(["indicator_id", "district", "month"], kind="stable")
    truth["source_row"] = truth["source_row"].astype(int)
    if RUN.truth:
        truth.to_csv(TRUTH, index=False, lineterminator="\n", float_format="%.10g")
    return truth, inj.subs, inj.log, blocks


# A file this generator writes: <year>-<MM>/<unit>_<year>年<MM>月[（更正）].xlsx|csv
WRITTEN = r"\d{4}-\d{2}/[^/]+_\d{4}年\d{2}月[^/]*\.(xlsx|csv)"


def foreign_files(raw: Path) -> list[Path]:
    """Files under raw/ that this generator does not write (real submissions, notes)."""
    if not raw.exists():
        return []
    return [p for p in sorted(raw.rglob("*")) if p.is_file()
            and not re.fullmatch(WRITTEN, p.relative_to(raw).as_posix())]


def clear(raw: Path) -> None:
    """Remove an earlier run's raw/ — only if everything in it is this generator's output, so
    a mistyped --out never deletes real submissions (main checks before any work)."""
    if foreign_files(raw):
        raise SystemExit(f"{shown(raw)}: holds files this generator did not write")
    shutil.rmtree(raw, ignore_errors=True)


def expect_of(codes: list[str]) -> str:
    levels = [CODE_EXPECT[c.split(":", 1)[1]] for c in codes]
    return max(levels, key=EXPECT_RANK.get) if levels else "exact"


def summary(truth: pd.DataFrame, subs: list[Submission], log: DefectLog, cat: Catalogue) -> str:
    """The README tables: files, defects with counts, designed statuses at Q3."""
    out = []
    sizes = sum(p.stat().st_size for p in RAW.rglob("*") if p.is_file())
    nrows = sum(len(s.rows) for s in subs)
    fmts = Counter(s.fmt for s in subs)
    out.append(f"{len(subs)} files ({', '.join(f'{v} {k}' for k, v in sorted(fmts.items()))}), "
               f"{nrows} table rows, {sizes / 1e6:.2f} MB; "
               f"{'truth.csv' if RUN.truth else 'truth (not written)'} {len(truth)} rows.\n")
    out.append("| defect | example as written | rows | files | where |")
    out.append("|---|---|---:|---:|---|")
    by_code: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, ex, f in log.rows:
        by_code[code].append((ex, f))
    for code, items in sorted(by_code.items()):
        files = sorted({f for _, f in items})
        units = sorted({Path(f).name.split("_")[0] for f in files})
        where = files[0] if len(files) == 1 else f"{len(units)} unit(s): {'、'.join(units[:4])}"
        ex = items[0][0].replace("|", "\\|")
        out.append(f"| {code} | `{ex}` | {len(items)} | {len(files)} | {where} |")
    return "\n".join(out)


# The status codes a designed status may come out as (the rules have named the bands
# above and just below the schedule both ahead/on_track and on_schedule/slightly_behind).
DESIGNED_AS = {"ahead": {"ahead", "on_schedule"}, "on_track": {"on_track", "slightly_behind"},
               "severe": {"severely_lagging"}, "text_only": {"no_data"}}


def status_table(truth: pd.DataFrame, cat: Catalogue, blocks: dict[str, Block]) -> str:
    """Designed vs computed status at Q3 (computed with minsheng.rules.attainment when available)."""
    try:
        from minsheng.contracts import ledger as ledger_mod
        from minsheng.rules.attainment import attainment_table
    except ImportError as exc:   # pragma: no cover
        return f"(attainment not importable: {exc})"
    led = truth.copy()
    led["submitted_on"] = pd.to_datetime(led["submitted_on"])
    led["flags"] = ""
    led = ledger_mod.conform(led)
    table = attainment_table(cat, led, YEAR, Q3)
    lines = ["| indicator | kind | designed | computed | attainment | 序时 | gap |",
             "|---|---|---|---|---:|---:|---:|"]
    mismatch = 0
    for _, r in table.iterrows():
        design = blocks[r["indicator_id"]].design
        if r["status"] not in DESIGNED_AS.get(design, {design}):
            mismatch += 1
        lines.append(f"| {r['indicator_id']} {r['indicator']} | {r['kind']} | {design} | "
                     f"{r['status']} | {r['attainment']:.1%} | {r['expected']:.0%} | "
                     f"{r['gap_points']:+.1f} |")
    counts = table["status"].value_counts()
    lines.append("")
    lines.append("computed at Q3: " + ", ".join(f"{k} {v}" for k, v in counts.items() if v))
    lines.append(f"designed ≠ computed: {mismatch}")
    return "\n".join(lines)


def year_end_table(truth: pd.DataFrame, cat: Catalogue, blocks: dict[str, Block]) -> str:
    """Designed vs computed year-end assessment (month 12), for a profile reporting December."""
    from minsheng.contracts import ledger as ledger_mod
    from minsheng.rules.assessment import assess_indicators
    from minsheng.rules.attainment import attainment_table

    led = truth.copy()
    led["submitted_on"] = pd.to_datetime(led["submitted_on"])
    led["flags"] = ""
    table = attainment_table(cat, ledger_mod.conform(led), YEAR, 12)
    table["assessment"] = assess_indicators(table)
    lines = ["| indicator | kind | Q3 design | year-end design | computed | attainment |",
             "|---|---|---|---|---|---:|"]
    mismatch = 0
    for _, r in table.iterrows():
        designed = blocks[r["indicator_id"]].year_end
        if designed is not None and designed != r["assessment"]:
            mismatch += 1
        lines.append(f"| {r['indicator_id']} {r['indicator']} | {r['kind']} | "
                     f"{blocks[r['indicator_id']].design} | {designed or '(path)'} | "
                     f"{r['assessment']} | {r['attainment']:.1%} |")
    counts = table["assessment"].value_counts()
    lines.append("")
    lines.append("computed at year end: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    lines.append(f"designed ≠ computed: {mismatch}")
    return "\n".join(lines)


def shown(path: Path) -> Path:
    return path.relative_to(config.ROOT) if path.is_relative_to(config.ROOT) else path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", choices=sorted(RUN_PROFILES), default="sample",
                    help="sample (the default; shipped as data/sample) or reference (data/reference)")
    ap.add_argument("--year", type=int, help="catalogue year: data/targets/<year>.yaml (default: the latest)")
    ap.add_argument("--catalogue", help="a catalogue YAML in the documented form (docs/catalogue.md)")
    ap.add_argument("--seed", type=int, help="seed (default: the notice's date yyyymmdd for sample, "
                                            "<year>1231 for reference)")
    ap.add_argument("--months", type=int, choices=range(Q3, 13), metavar="{9..12}",
                    help="report January to this month (default: the profile's, 10 or 12)")
    where = ap.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, help="folder for raw/ and truth.csv "
                                                "(default: build/<profile>-<year>/)")
    where.add_argument("--force", action="store_true",
                       help="write the profile's shipped folder (data/sample or data/reference)")
    ap.add_argument("--summary", action="store_true", help="print the README tables")
    args = ap.parse_args(argv)
    profile = RUN_PROFILES[args.profile]
    try:
        cat = resolve_catalogue(args.year, args.catalogue)
    except (CatalogueError, ValueError) as exc:
        print(f"错误 / error: {exc}", file=sys.stderr)
        return 1
    if args.force:
        out = profile.out
    else:
        out = (args.out or config.ROOT / "build" / f"{args.profile}-{cat.year}").resolve()
    foreign = foreign_files(out / "raw")
    if foreign:
        print(f"错误 / error: {shown(out / 'raw')} 中有不是本程序生成的文件（如 "
              f"{foreign[0].relative_to(out / 'raw')}），未覆盖 / holds files this generator did "
              "not write: choose another --out", file=sys.stderr)
        return 1
    if args.months:
        profile = replace(profile, last_month=args.months)
    use(profile, cat, out, args.seed if args.seed is not None else default_seed(profile, cat))
    truth, subs, log, blocks = generate(cat)
    print(f"wrote {len(subs)} files under {shown(RAW)}"
          + (f" and {len(truth)} truth rows" if RUN.truth else f" ({len(truth)} rows of figures)")
          + f" for {shown(cat.path)} (seed {SEED})")
    if args.summary:
        print(summary(truth, subs, log, cat))
        print()
        print(status_table(truth, cat, blocks))
        if MONTHS[-1] == 12:
            print()
            print(year_end_table(truth, cat, blocks))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
