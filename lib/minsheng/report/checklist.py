"""数据核实清单: the office's internal list of what to check with the units, in plain Chinese.

Everything the public bulletin leaves out goes here, each line with its file, sheet and row
and what to ask the unit: rows kept out of the ledger (隔离), rows used but flagged
(approximations, 万 guesses, mismatches, blanks after values …), texts that claim more than
their figures, how each task without a figure was judged, rejected files and files not
read, late and missing returns. No codes: reasons are the checks'
Chinese words (contracts.checks).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from minsheng.catalogue.districts import CITYWIDE
from minsheng.config import settings
from minsheng.contracts.checks import FLAG_CODES, ask
from minsheng.contracts.store import CleanOutputs
from minsheng.report.bulletin.data import BulletinData
from minsheng.report.bulletin.sections.attachments import progress_text
from minsheng.report.columns import Col
from minsheng.report.export.xlsx import sheets_bytes
from minsheng.report.format import chinese_numeral, clean_text, fmt_percent, fmt_quantity
from minsheng.report.labels import label


def quarantined(clean: CleanOutputs) -> pd.DataFrame:
    q = clean.quarantine
    return pd.DataFrame({
        "文件": q["file"], "工作表": q["sheet"], "行": q["row"], "列": q["column"],
        "原值": q["raw_value"], "问题": q["reason"],
        "请核实": [ask([c]) for c in q["reason_code"]]})


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
                     "问题": "；".join(label("check", c) for c in codes), "请核实": ask(codes)})
    return pd.DataFrame(rows, columns=["文件", "工作表", "行", "指标", "区县", "月份", "采用的数值",
                                       "问题", "请核实"])


def claims_done(text: object) -> bool:
    """Whether a progress text says the year's task is done (settings: checklist.done_words)."""
    words = settings()["checklist"]["done_words"]
    return bool(text) and any(w in str(text) for w in words)


def contradictions(clean: CleanOutputs, data: BulletinData) -> pd.DataFrame:
    """Texts that claim the task done where the figure says otherwise (文字与数据不符): the
    latest text of each indicator × district, as the bulletin prints it (rules.texts), beside
    the figure in use."""
    led = clean.ledger
    led = led[(led["year"] == data.year) & (led["month"] <= data.month)
              & led["progress_text"].map(clean_text).notna()]
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
            done, att, value = str(ind["status"]) == "completed", ind["attainment"], ind["value"]
        elif (iid, district) in detail.index:
            att, value = detail.loc[(iid, district), ["attainment", "value"]]
            done = pd.notna(att) and att >= 1
        else:
            continue
        if done:
            continue
        rows.append({"文件": r["source_file"], "工作表": r["source_sheet"], "行": r["source_row"],
                     "指标": ind["indicator"], "区县": district, "报送文字": clean_text(r["progress_text"]),
                     "数值": fmt_quantity(value, ind["value_unit"]),
                     "完成率": fmt_percent(att), "请核实": "进展文字称已完成，数值未达到目标，请核实文字或数值"})
    return pd.DataFrame(rows, columns=["文件", "工作表", "行", "指标", "区县", "报送文字", "数值", "完成率",
                                       "请核实"])


def rejected(clean: CleanOutputs) -> pd.DataFrame:
    return pd.DataFrame([{"文件": f.file, "原因": f.reason, "请核实": ask([f.reason_code])}
                         for f in clean.quality.files_rejected], columns=["文件", "原因", "请核实"])


def not_read(clean: CleanOutputs) -> pd.DataFrame:
    """Files and sheets under the raw folder that were not read (hidden, lock, backup, draft)."""
    q = clean.quality
    rows = [{"文件": f.file, "工作表": "", "原因": f.reason, "请核实": ask([f.reason_code])}
            for f in q.files_skipped]
    rows += [{"文件": s.file, "工作表": s.sheet, "原因": s.reason, "请核实": ask([s.reason_code])}
             for s in q.sheets_skipped]
    return pd.DataFrame(rows, columns=["文件", "工作表", "原因", "请核实"])


def task_judgements(data: BulletinData) -> pd.DataFrame:
    """How each task without a figure was judged from its unit's text, for the office to confirm."""
    rows = [{"工作任务": f"{r['item_name']}：{r['source']}", "报送单位": r["reporting_unit"],
             "判断": label("task", r["status"]),
             "依据": progress_text(data, r["task_id"]) or "未报送进展情况",
             "请核实": "" if r["status"] == "started" else "请督促报送单位说明进展"}
            for r in data.tasks.to_dict("records")]
    return pd.DataFrame(rows, columns=["工作任务", "报送单位", "判断", "依据", "请核实"])


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
             "文字与数据不符": contradictions(clean, data), "工作任务": task_judgements(data),
             "拒收文件": rejected(clean), "未读取文件": not_read(clean), "报送情况": returns(clean, data)}
    about = pd.DataFrame({"项目": ["用途", "期间", "数据截至", *parts],
                          "内容": ["内部使用，核实后向有关单位反馈，不对外公开",
                                 f"{data.year}年第{chinese_numeral(data.quarter)}季度", f"{data.month}月底",
                                 *(f"{len(f)}条" for f in parts.values())]})
    return {"说明": about, **parts}


def write_checklist(clean: CleanOutputs, data: BulletinData, path: str | Path,
                    issued_on: date) -> Path:
    tables = checklist_tables(clean, data)
    wide = {"文件": 34, "问题": 40, "请核实": 36, "报送文字": 40, "原因": 40, "内容": 48,
            "工作任务": 40, "依据": 48}
    sheets = {name: (frame, [Col(c, c, "", wide.get(c)) for c in frame.columns])
              for name, frame in tables.items()}
    path = Path(path)
    path.write_bytes(sheets_bytes(sheets, issued_on, title="重点民生实事数据核实清单"))
    return path


def count_lines(tables: dict[str, pd.DataFrame]) -> int:
    """Lines to check (every sheet but 说明)."""
    return sum(len(f) for k, f in tables.items() if k != "说明")

