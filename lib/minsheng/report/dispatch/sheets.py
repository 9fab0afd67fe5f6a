"""dispatch.xlsx: the dispatch's tables for the office and the units, one sheet each —
亮灯表 (every indicator's light, with 略低于序时进度 beside a green one behind schedule),
责任单位汇总 (lights per lead unit), 催报 (returns missing, late, undated), 变化 (lights that moved
since last month), 区县 (each district's light on each indicator allotted to it). Written by
export.xlsx.sheets_bytes: print-ready, submitted text never a formula, every light cell (灯色,
上月灯色) filled with its light's colour (settings.yaml palette.light)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from minsheng.catalogue import districts as district_list
from minsheng.report import columns as C
from minsheng.report.columns import INT, PCT, POINTS, Col
from minsheng.report.dispatch.data import DispatchData
from minsheng.report.dispatch.notices import notice_rows
from minsheng.report.dispatch.sections import light_counts
from minsheng.report.dispatch.wording import (
    change_text,
    escalation_text,
    light_label,
    light_palette,
    light_text,
)
from minsheng.report.export.xlsx import sheets_bytes
from minsheng.report.format import is_missing
from minsheng.report.labels import label
from minsheng.report.text import indicator_name, value_text
from minsheng.rules.lights import CHANGES, LIGHTS

# Number formats of the sheets' numeric columns (the rest are text or whole numbers).
FORMATS = {C.header("attainment"): PCT, C.header("expected"): PCT,
           C.header("gap_points"): POINTS, "本灯月数": INT}
WIDTHS = {C.header("progress_text"): 50, "升级原因": 30, "报送指标": 50, "较上月变化": 20}
LEAD = C.header("reporting_unit", "indicator_table")     # 牵头单位
LIGHT_SHEET = "亮灯表"
# Columns whose cells are filled with their light's colour.
LIGHT_COLUMNS = ("灯色", "上月灯色")


def sheet_cols(frame: pd.DataFrame) -> list[Col]:
    """The columns of a dispatch sheet: its Chinese headers, with their number formats."""
    return [Col(c, c, FORMATS.get(c, ""), WIDTHS.get(c)) for c in frame.columns]


def light_sheet(data: DispatchData) -> pd.DataFrame:
    """亮灯表: every indicator, its figure against schedule, its light and how long it has had it."""
    t = data.lights
    recs = t.to_dict("records")
    return pd.DataFrame({
        C.header("indicator_id"): t["indicator_id"], C.header("item_name"): t["item_name"],
        C.header("indicator"): [indicator_name(r) for r in recs], LEAD: t["reporting_unit"],
        "完成值": [value_text(r, data.cutoff) for r in recs],
        C.header("attainment"): t["attainment"], C.header("expected"): t["expected"],
        C.header("gap_points"): t["gap_points"], "灯色": [light_text(r) for r in recs],
        "本灯月数": t["months_in_light"], "较上月变化": [change_text(r) for r in recs],
        "升级原因": [escalation_text(r) for r in recs],
        C.header("progress_text"): t["progress_text"]}).reset_index(drop=True)


def unit_sheet(data: DispatchData) -> pd.DataFrame:
    """责任单位汇总: per lead unit, its indicators by light, those raised, whether it is sent a
    督办提示, and its return for the month."""
    noticed = set(notice_rows(data))
    returns = data.returns.set_index("reporting_unit")["submission"]
    rows = []
    for unit, g in data.lights.groupby("reporting_unit", sort=False):
        counts = light_counts(g["light"])
        rows.append({LEAD: unit, C.header("n_indicators"): len(g),
                     **{light_label(c): counts[c] for c in LIGHTS},
                     "其中升级": int(g["escalated"].sum()), "督办提示": "是" if unit in noticed else "",
                     C.header("submission"): label("submission", returns.get(unit, "missing"))})
    return pd.DataFrame(rows)


def chase_sheet(data: DispatchData) -> pd.DataFrame:
    """催报: the units whose return for the month is missing, late or undated, with what they report."""
    c = data.chase
    how = [f"{label('submission', 'late')}{int(r['days_late'])}天" if r["submission"] == "late"
           else label("submission", r["submission"]) for r in c.to_dict("records")]
    return pd.DataFrame({C.header("reporting_unit"): c["reporting_unit"], "报送指标": c["indicators"],
                         C.header("due"): c["due"], "报送日期": c["first_submitted_on"],
                         "情况": how})


def change_sheet(data: DispatchData) -> pd.DataFrame:
    """变化: the indicators whose light moved since last month, by kind of change."""
    t = data.lights[data.lights["change"] != ""]
    t = t.assign(_order=t["change"].map({c: i for i, c in enumerate(CHANGES)})).sort_values(
        ["_order", "gap_points", "indicator_id"])
    recs = t.to_dict("records")
    return pd.DataFrame({
        "较上月变化": [label("light_change", r["change"]) for r in recs],
        C.header("indicator_id"): t["indicator_id"],
        C.header("indicator"): [indicator_name(r) for r in recs], LEAD: t["reporting_unit"],
        "上月灯色": [light_label(r["previous_light"]) for r in recs],
        "灯色": [light_text(r) for r in recs], C.header("gap_points"): t["gap_points"]})


def district_sheet(data: DispatchData) -> pd.DataFrame:
    """区县: per district (official order) × indicator allotted to districts, its light."""
    d = data.districts
    d = d.assign(_d=d["district"].map(district_list.order())).sort_values(["_d", "indicator_id"])
    recs = d.to_dict("records")
    return pd.DataFrame({
        C.header("district"): d["district"], C.header("indicator_id"): d["indicator_id"],
        C.header("indicator"): d["indicator"], LEAD: d["reporting_unit"],
        C.header("value", "district_detail"): d["value"],
        C.header("district_target"): d["district_target"], C.header("attainment"): d["attainment"],
        C.header("expected"): d["expected"], C.header("gap_points"): d["gap_points"],
        "灯色": ["—（未报送分解任务）" if is_missing(r["light"]) else light_text(r) for r in recs],
    }).reset_index(drop=True)


def light_fills() -> dict[str, str]:
    """A light cell's text (`light_text`, 略低于序时进度 beside it or not) → its light's colour
    (settings.yaml palette.light); 未报送, which has no colour (white), is left unfilled."""
    return {light_text({"light": code, "status": status}): p["color"]
            for code, p in light_palette().items() if p["color"].lower() != "#ffffff"
            for status in ("", "slightly_behind")}


def workbook_bytes(data: DispatchData, issued_on: date) -> bytes:
    """dispatch.xlsx as bytes, identical for identical inputs; light cells filled by colour."""
    sheets = {LIGHT_SHEET: light_sheet(data), "责任单位汇总": unit_sheet(data), "催报": chase_sheet(data),
              "变化": change_sheet(data), "区县": district_sheet(data)}
    fills = light_fills()
    return sheets_bytes({name: (frame, sheet_cols(frame)) for name, frame in sheets.items()}, issued_on,
                        title=f"{data.year}年{data.month}月重点民生实事调度",
                        fills=dict.fromkeys(LIGHT_COLUMNS, fills))
