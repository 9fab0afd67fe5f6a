"""The bulletin's arithmetic check: every printed figure read back and recomputed.

`check_arithmetic` reads the *printed* text back (counts, percentages, ranks) and recomputes
each figure from the indicator table, independently of the roll-ups (it never calls
rules.attainment): published bulletins have printed "3 of 15" as 27 %, ours must not.
One module per section it checks; `verify` raises `ArithmeticCheckError` listing every problem.
"""

from __future__ import annotations

from collections.abc import Sequence

from minsheng.report.bulletin.checks import districts, indicators, items, lagging, overview, quality
from minsheng.report.bulletin.document import Bulletin


class ArithmeticCheckError(ValueError):
    """The bulletin's printed figures do not add up; `problems` lists every one."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        super().__init__("通报数字核对未通过:\n" + "\n".join(f"- {p}" for p in self.problems))


def check_arithmetic(bulletin: Bulletin) -> list[str]:
    """Every problem with the printed figures (empty list = all add up).

    Reads the printed text back and recomputes from the indicator table: status counts add
    up to the total (overall and per item) and match the table; item counts sum to the
    overall; shares, means and changes recompute from their printed parts; each printed
    attainment recomputes from value and target; gaps are attainment minus 序时进度;
    lists of lagging indicators are as long as their printed counts; district ranks are
    1..n in order of the printed means; quarantined rows by reason add up.
    """
    # The overall counts as printed; the later checks compare against them.
    overall, problems = overview.check_overall_counts(bulletin)
    problems += overview.check_overall_share(bulletin, overall)
    problems += overview.check_year_end(bulletin, overall)
    problems += items.check_item_counts(bulletin, overall)
    problems += items.check_item_split(bulletin)
    problems += indicators.check_indicator_rows(bulletin)
    problems += lagging.check_lagging_lists(bulletin, overall)
    problems += districts.check_district_rank(bulletin)
    problems += quality.check_quality(bulletin)
    return problems


def verify(bulletin: Bulletin) -> Bulletin:
    """Raise ArithmeticCheckError listing every problem check_arithmetic finds."""
    problems = check_arithmetic(bulletin)
    if problems:
        raise ArithmeticCheckError(problems)
    return bulletin
