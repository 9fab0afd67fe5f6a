"""The bulletin's arithmetic check: every printed figure read back and recomputed.

`check_arithmetic` reads the *printed* text back (counts, percentages, ranks, lists) and
recomputes each figure from the indicator table, independently of the roll-ups (attainment
is recomputed here, never taken from rules.attainment): published bulletins have printed
"3 of 15" as 27 %, ours must not. One module per part it checks; `verify` raises
`ArithmeticCheckError` listing every problem.
"""

from __future__ import annotations

from collections.abc import Sequence

from minsheng.report.bulletin.checks import attachments, districts, lists, overview
from minsheng.report.bulletin.model import Bulletin


class ArithmeticCheckError(ValueError):
    """The bulletin's printed figures do not add up; `problems` lists every one."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("通报数字核对未通过:\n" + "\n".join(f"- {p}" for p in self.problems))


def check_arithmetic(bulletin: Bulletin) -> list[str]:
    """Every problem with the printed figures (empty list = all add up)."""
    return [*overview.check_counts(bulletin), *overview.check_tasks(bulletin),
            *overview.check_headline(bulletin),
            *overview.check_changes(bulletin), *overview.check_schedules(bulletin),
            *lists.check_named(bulletin), *lists.check_idle_tasks(bulletin), *lists.check_meeting(bulletin),
            *lists.check_lagging(bulletin), *lists.check_at_risk(bulletin),
            *districts.check_district_rank(bulletin), *districts.check_district_groups(bulletin),
            *attachments.check_attachments(bulletin)]


def verify(bulletin: Bulletin) -> Bulletin:
    """Raise ArithmeticCheckError listing every problem check_arithmetic finds."""
    problems = check_arithmetic(bulletin)
    if problems:
        raise ArithmeticCheckError(problems)
    return bulletin
