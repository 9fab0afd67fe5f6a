"""数据核实清单: the office's internal list of what to check with the units, in plain Chinese.

Everything the public bulletin leaves out goes here, each line with its file, sheet and row
and what to ask the unit: rows kept out of the ledger (隔离), rows used but flagged
(approximations, 万 guesses, mismatches, blanks after values …), texts that claim more than
their figures, rejected files, late and missing returns. No codes: reasons are the checks'
Chinese words (contracts.checks).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from minsheng.catalogue.districts import CITYWIDE
from minsheng.config import settings
from minsheng.contracts.checks import FLAG_CODES
from minsheng.contracts.store import CleanOutputs
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.columns import Col
from minsheng.report.export.xlsx import sheets_bytes
from minsheng.report.format import chinese_numeral, clean_text, fmt_percent, fmt_quantity
from minsheng.report.labels import label

# What to ask the unit, by the kind of problem; a check without its own line gets the default.
ASK = {
    "CODE_MISSING": "请补填指标编号后重报", "CODE_UNKNOWN": "请核对指标编号（以本年度填报模板为准）后重报",
    "MONTH_INVALID": "请补填或更正统计月份后重报", "MONTH_OUT_OF_YEAR": "请确认统计月份所属年度",
    "DISTRICT_UNKNOWN": "请按38个区县名称或“全市”更正区县后重报",
    "NUMBER_INVALID": "请填写数字后重报", "NEGATIVE": "请确认数值，完成数不应为负",
    "IMPLAUSIBLE": "请确认计量单位和数值（是否多乘“万”或多写位数）",
    "PERCENT_UNEXPECTED": "请按计量单位填写数值，不填百分数",
    "APPROX": "请报送准确数", "WAN_CONVERTED": "请确认以“万”为单位的换算无误",
    "LIKELY_WAN": "请确认是否以“万”为单位填报", "MISMATCH": "请核对本月完成与累计完成",
    "CUMULATIVE_DECREASE": "请说明累计数减少的原因（如验收未通过）",
    "NOT_DERIVABLE": "请补报累计完成数", "DERIVED": "请补报累计完成数，核对推算结果",
}
DEFAULT_ASK = "请核实"


def _ask(codes: list[str]) -> str:
    return "；".join(dict.fromkeys(ASK.get(c, DEFAULT_ASK) for c in codes))


def quarantined(clean: CleanOutputs) -> pd.DataFrame:
    q = clean.quarantine
    return pd.DataFrame({
        "文件": q["file"], "工作表": q["sheet"], "行": q["row"], "列": q["column"],
        "原值": q["raw_value"], "问题": q["reason"],
        "请核实": [_ask([c]) for c in q["reason_code"]]})


def flagged(clean: CleanOutputs, data: BulletinData) -> pd.DataFrame:
    """The rows the ledger uses whose figures carry a warning, up to the bulletin's month."""
    h = clean.history
    h = h[(h["year"] == data.year) & (h["month"] <= data.month) & ~h["superseded"]
          & (h["flags"].fillna("") != "")]
    names = data.catalogue.indicators["indicator"]
    rows = []
    for r in h.to_dict("records"):
        codes = [c for c in str(r["flags"]).split(";") if c in FLAG_CODES]
        rows.append({"文件": r["source_file"], "工作表": r["source_sheet"], "行": r["source_row"],
                     "指标": names.get(r["indicator_id"], r["indicator_id"]), "区县": r["district"],
                     "月份": f"{int(r['month'])}月", "采用的数值": r["value"],
                     "问题": "；".join(label("check", c) for c in codes), "请核实": _ask(codes)})
    return pd.DataFrame(rows, columns=["文件", "工作表", "行", "指标", "区县", "月份", "采用的数值",
                                       "问题", "请核实"])


def claims_done(text: object) -> bool:
    """Whether a progress text says the year's task is done (settings: checklist.done_words)."""
    words = settings()["checklist"]["done_words"]
    return bool(text) and any(w in str(text) for w in words)


def contradictions(clean: CleanOutputs, data: BulletinData) -> pd.DataFrame:
    """Texts that claim the task done where the figure says otherwise (文字与数据不符)."""
    led = clean.ledger
    led = led[(led["year"] == data.year) & (led["month"] <= data.month)]
    latest = led.sort_values("month").groupby(["indicator_id", "district"]).tail(1)
    detail = data.district_detail.set_index(["indicator_id", "district"])
    table = data.table.set_index("indicator_id")
    rows = []
    for r in latest[latest["progress_text"].map(claims_done)].to_dict("records"):
        iid, district = r["indicator_id"], r["district"]
        if iid not in table.index:
            continue
        ind = table.loc[iid]
        if district == CITYWIDE:
            done, att = str(ind["status"]) == "completed", ind["attainment"]
        elif (iid, district) in detail.index:
            att = detail.loc[(iid, district), "attainment"]
            done = pd.notna(att) and att >= 1
        else:
            continue
        if done:
            continue
        rows.append({"文件": r["source_file"], "工作表": r["source_sheet"], "行": r["source_row"],
                     "指标": ind["indicator"], "区县": district, "报送文字": clean_text(r["progress_text"]),
                     "数值": fmt_quantity(r["value"], ind["value_unit"]),
                     "完成率": fmt_percent(att), "请核实": "进展文字称已完成，数值未达到目标，请核实文字或数值"})
    return pd.DataFrame(rows, columns=["文件", "工作表", "行", "指标", "区县", "报送文字", "数值", "完成率",
                                       "请核实"])


def rejected(clean: CleanOutputs) -> pd.DataFrame:
    return pd.DataFrame([{"文件": f.file, "原因": f.reason, "请核实": "请按填报模板重新报送"}
                         for f in clean.quality.files_rejected], columns=["文件", "原因", "请核实"])


def returns(clean: CleanOutputs, data: BulletinData) -> pd.DataFrame:
    """Returns of the quarter's months that were late, undated or missing."""
    first = data.period.first_month
    rows = [{"单位": s.reporting_unit, "月份": f"{s.month_no}月", "情况": label("submission", s.status),
             "报送日期": s.submitted_on or "", "截止日期": s.due}
            for s in clean.quality.submissions.by_unit
            if s.year_no == data.year and first <= s.month_no <= data.month and s.status != "on_time"]
    return pd.DataFrame(rows, columns=["单位", "月份", "情况", "报送日期", "截止日期"])


def checklist_tables(clean: CleanOutputs, data: BulletinData) -> dict[str, pd.DataFrame]:
    parts = {"隔离数据": quarantined(clean), "需核实数据": flagged(clean, data),
             "文字与数据不符": contradictions(clean, data), "拒收文件": rejected(clean),
             "报送情况": returns(clean, data)}
    about = pd.DataFrame({"项目": ["用途", "期间", "数据截至", *parts],
                          "内容": ["内部使用，核实后向有关单位反馈，不对外公开",
                                 f"{data.year}年第{chinese_numeral(data.quarter)}季度", f"{data.month}月底",
                                 *(f"{len(f)}条" for f in parts.values())]})
    return {"说明": about, **parts}


def write_checklist(clean: CleanOutputs, data: BulletinData, path: str | Path,
                    issued_on: date) -> Path:
    tables = checklist_tables(clean, data)
    wide = {"文件": 34, "问题": 40, "请核实": 36, "报送文字": 40, "原因": 40, "内容": 48}
    sheets = {name: (frame, [Col(c, c, "", wide.get(c)) for c in frame.columns])
              for name, frame in tables.items()}
    path = Path(path)
    path.write_bytes(sheets_bytes(sheets, issued_on, title="重点民生实事数据核实清单"))
    return path


def count_lines(tables: dict[str, pd.DataFrame]) -> int:
    """Lines to check (every sheet but 说明)."""
    return sum(len(f) for k, f in tables.items() if k != "说明")

