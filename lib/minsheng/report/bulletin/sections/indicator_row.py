"""One indicator as a table row, the same in the item tables (二) and in 附表1."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from minsheng.report.bulletin.counts import status_label
from minsheng.report.format import fmt_percent, fmt_points
from minsheng.report.text import attainment_text, indicator_name, target_text, value_text

COLUMNS = ("指标", "年度目标", "累计完成", "完成率", "序时进度", "差距（百分点）", "状态")


def cells(r: Mapping[str, Any], month: int) -> tuple[str, ...]:
    """The printed cells of indicator row `r` at the end of `month`, in COLUMNS order."""
    return (indicator_name(r), target_text(r), value_text(r, month), attainment_text(r),
            fmt_percent(r["expected"]), fmt_points(r["gap_points"]), status_label(r["status"]))
