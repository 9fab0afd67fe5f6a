"""督办提示: a short notice to each lead unit with a red light, or a yellow one lit for
dispatch.notice_yellow_months or more, naming those indicators with their figures, gap and
light, and the day to reply by. Drafts the office edits (DOCX) before sending; each is checked
(checks.check_notice) before it is written."""

from __future__ import annotations

from datetime import date

import pandas as pd

from minsheng.config import settings
from minsheng.report.dispatch.checks import DispatchCheckError, check_notice
from minsheng.report.dispatch.data import DispatchData
from minsheng.report.dispatch.sections import reply_by
from minsheng.report.dispatch.wording import light_entry, month_day
from minsheng.report.document import Document, Items, Paragraph, Section
from minsheng.report.format import fmt_count


def notice_rows(data: DispatchData) -> dict[str, pd.DataFrame]:
    """Lead unit → the indicators its 督办提示 names (red first, worst first; then yellow lit
    notice_yellow_months or more), units in catalogue order; units with none are left out."""
    n = int(settings()["dispatch"]["notice_yellow_months"])
    t = data.lights
    due = t[(t["light"] == "red") | ((t["light"] == "yellow") & (t["months_in_light"] >= n))]
    due = due.assign(_red=due["light"] != "red").sort_values(["_red", "gap_points", "indicator_id"])
    return {unit: due[due["reporting_unit"] == unit].drop(columns="_red")
            for unit in dict.fromkeys(t["reporting_unit"]) if (due["reporting_unit"] == unit).any()}


def notice(data: DispatchData, unit: str, rows: pd.DataFrame, issued_on: date,
           issuer: str | None = None) -> Document:
    """The 督办提示 to `unit` for `rows` (notice_rows)."""
    conf = settings()["dispatch"]
    issuer = issuer or conf["issuer"]
    n_months = int(conf["notice_yellow_months"])
    red, yellow = int((rows["light"] == "red").sum()), int((rows["light"] == "yellow").sum())
    counts = "、".join(part for part, n in ((f"亮红灯{fmt_count(red)}项", red),
                                            (f"连续{n_months}个月以上亮黄灯{fmt_count(yellow)}项", yellow))
                       if n)
    lead = Paragraph(f"根据{data.year}年{data.month}月重点民生实事调度情况，截至{data.cutoff}月底，"
                     f"你单位牵头的重点民生实事指标中，{counts}，进度滞后：", role="notice_lead")
    items = Items(tuple(light_entry(r, data.cutoff)
                        for r in rows.to_dict("records")), role="notice_items")
    request = conf["notice_request"].format(
        reply_by=month_day(reply_by(issued_on), issued_on.year), issuer=issuer)
    body = Section("notice", "", (lead, items, Paragraph("".join(request.split()),
                                                           role="notice_request")), level=0)
    return Document(title=conf["notice_title"], issuer=issuer, issued_on=issued_on,
                    recipients=f"{unit}：", data_note=f"数据截至{data.year}年{data.cutoff}月底",
                    sections=(body,), draft=data.draft)


def build_notices(data: DispatchData, issued_on: date, *,
                  issuer: str | None = None) -> dict[str, Document]:
    """Lead unit → its 督办提示, each checked; raises DispatchCheckError if one does not add up."""
    out = {unit: notice(data, unit, rows, issued_on, issuer)
           for unit, rows in notice_rows(data).items()}
    problems = [p for unit, doc in out.items() for p in check_notice(doc, unit, data)]
    if problems:
        raise DispatchCheckError(problems)
    return out
