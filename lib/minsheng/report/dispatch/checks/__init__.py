"""The dispatch's own check: every printed figure read back and recomputed.

As the bulletin's (report.bulletin.checks), it reads the *printed* text — counts by light,
what each light holds, the lights raised, the red list with its lead units, the yellow list by
lead unit, every cell of the attachment's 红灯、黄灯指标清单 (light, lead unit, 完成率, 序时进度,
points behind, months lit, why raised), the changes, the returns, each 督办提示 — and
recomputes each figure from the indicator tables and the quality report. The current lights
are recomputed here from the statuses and the months of attainment, independently of
rules.lights, and attainment from value and target (printed.py): a check must not trust the
code it checks. `verify_dispatch` raises `DispatchCheckError` listing every problem.
"""

from __future__ import annotations

from collections.abc import Sequence

from minsheng.report.bulletin.checks import ArithmeticCheckError
from minsheng.report.dispatch.checks.changes import changes_problems, returns_problems
from minsheng.report.dispatch.checks.common import recomputed_lights
from minsheng.report.dispatch.checks.lists import (
    attachment_ref_problems,
    list_table_problems,
    red_problems,
    yellow_problems,
)
from minsheng.report.dispatch.checks.notices import check_notice
from minsheng.report.dispatch.checks.overview import (
    composition_problems,
    counts_problems,
    definitions_problems,
    escalation_problems,
)
from minsheng.report.dispatch.model import Dispatch


class DispatchCheckError(ArithmeticCheckError):
    """The dispatch's printed figures do not add up; `problems` lists every one."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        ValueError.__init__(self, "调度情况数字核对未通过:\n" +
                            "\n".join(f"- {p}" for p in self.problems))


# A 督办提示's entry (wording.light_entry).


def check_dispatch(doc: Dispatch) -> list[str]:
    """Every problem with the printed figures (empty list = all add up)."""
    data = doc.data
    exp = recomputed_lights(data)
    lit = data.lights.set_index("indicator_id")["light"]
    problems = [f"{iid}: 灯色为{lit[iid]}，按状态和进展应为{exp.at[iid, 'light']}"
                for iid in exp.index if lit[iid] != exp.at[iid, "light"]]
    if doc.data_note != f"数据截至{data.year}年{data.cutoff}月底":
        problems.append(f"数据截止印为{doc.data_note}，应为{data.cutoff}月底")
    return [*problems, *counts_problems(doc, exp), *composition_problems(doc), *escalation_problems(doc, exp),
            *definitions_problems(doc), *red_problems(doc, exp), *yellow_problems(doc, exp), *attachment_ref_problems(doc, exp),
            *list_table_problems(doc, exp), *changes_problems(doc, exp), *returns_problems(doc)]


def verify_dispatch(doc: Dispatch) -> Dispatch:
    """Raise DispatchCheckError listing every problem check_dispatch finds."""
    problems = check_dispatch(doc)
    if problems:
        raise DispatchCheckError(problems)
    return doc


__all__ = ["DispatchCheckError", "check_dispatch", "check_notice", "recomputed_lights",
           "verify_dispatch"]
