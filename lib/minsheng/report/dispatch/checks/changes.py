"""Checks of 三、较上月变化 and 四、数据报送情况."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from minsheng.report.bulletin.checks.printed import (
    named_count_problems,
    one_paragraph,
    paragraphs,
)
from minsheng.report.dispatch.model import Dispatch
from minsheng.report.dispatch.sections import SUBMISSIONS
from minsheng.report.dispatch.wording import month_day
from minsheng.report.labels import label, labels
from minsheng.report.text import indicator_name
from minsheng.rules.lights import light_changes


def changes_problems(doc: Dispatch, exp: pd.DataFrame) -> list[str]:
    data = doc.data
    text = " ".join(p.text for p in paragraphs(doc, "changes"))
    before = data.previous_month()
    if before is None:
        return [] if "不作比较" in text else [f"较上月变化: 首月不应比较（{text}）"]
    h = data.history
    prev = h[h["month"] == before].set_index("indicator_id")["light"].reindex(exp.index)
    moved = light_changes(prev, exp["light"])
    names = data.lights.set_index("indicator_id")
    problems = []
    for code, words in labels("light_change").items():
        listed = [indicator_name(names.loc[i]) for i in exp.index if moved[i] == code]
        problems += named_count_problems(text, "较上月变化", words, listed, "按两月灯色")
    return problems


def returns_problems(doc: Dispatch) -> list[str]:
    """The returns' counts and names recomputed from the quality report itself."""
    data, problems = doc.data, []
    p = one_paragraph(doc, "returns", problems)
    if p is None:
        return problems
    month = f"{data.year}-{data.month:02d}"
    records = {u.reporting_unit: u for u in data.quality.submissions.by_unit if u.month == month}
    units = list(dict.fromkeys(data.catalogue.reportable["reporting_unit"]))
    state = {u: records[u].status if u in records else "missing" for u in units}
    m = re.search(r"(\d+)个填报单位", p.text)
    if not m or int(m.group(1)) != len(units):
        problems.append(f"报送情况: 填报单位印为{m.group(1) if m else '?'}个，应为{len(units)}个")
    if "均按时报送" in p.text:
        late = [u for u, s in state.items() if s != "on_time"]
        return problems + ([f"报送情况: 印为均按时报送，{late}未按时"] if late else [])
    for s in SUBMISSIONS:
        word = label("submission", s) + ("报送" if s in ("on_time", "late") else "")
        want = [u for u in units if state[u] == s]
        m = re.search(rf"(?<!未){re.escape(word)}(\d+)个(?:：([^；。]+))?", p.text)
        got_n = int(m.group(1)) if m else 0
        got = re.sub(r"（[^）]*）", "", m.group(2)).split("、") if m and m.group(2) else []
        if got_n != len(want) or (s != "on_time" and sorted(got) != sorted(want)):
            problems.append(f"报送情况: {word}印为{got_n}个{got}，应为{len(want)}个{want}")
    for unit, filed, days in re.findall(r"([^：；、（]+)（([^（）]+?)报送，逾期(\d+)天）", p.text):
        rec = records.get(unit)
        if rec is None or rec.status != "late" or \
                filed != month_day(date.fromisoformat(rec.submitted_on), data.year) or \
                (date.fromisoformat(rec.submitted_on) - date.fromisoformat(rec.due)).days != int(days):
            problems.append(f"报送情况: {unit}于{filed}报送、逾期{days}天，与报送记录不符")
    return problems
