"""Checks of 四、区县情况: ranks 1..n in order of the printed gap, each district's printed mean
attainment, mean 序时进度, gap and status recomputed from the district detail."""

from __future__ import annotations

import math
import re

from minsheng.config import settings
from minsheng.report.bulletin.checks.printed import TOL_DIFF, TOL_PCT, num, pct
from minsheng.report.bulletin.counts import status_label
from minsheng.report.bulletin.model import Bulletin
from minsheng.report.document import Paragraph, Table


def status_of_gap(gap: float) -> str:
    """The status of a gap in points, recomputed here from the thresholds (not rules.status)."""
    th = settings()["status"]
    if gap >= 0:
        return "on_schedule"
    if gap > -th["lagging_from"]:
        return "slightly_behind"
    return "lagging" if gap >= -th["severe_beyond"] else "severely_lagging"


def check_district_rank(bulletin: Bulletin) -> list[str]:
    detail = bulletin.data.district_detail
    rated = detail[detail["attainment"].notna()]
    problems: list[str] = []
    for tab in bulletin.blocks("district_rank"):
        if not isinstance(tab, Table):
            continue
        ranks = [int(r[0]) for r in tab.rows]
        if ranks != list(range(1, len(ranks) + 1)):
            problems.append(f"区县排名不是1至{len(ranks)}: {ranks}")
        districts = set(tab.keys)
        per = rated[rated["district"].isin(districts)].groupby("indicator_id")["district"].nunique()
        shared = set(per[per == len(districts)].index)
        gaps = []
        for district, row in zip(tab.keys, tab.rows, strict=True):
            mine = rated[(rated["district"] == district) & rated["indicator_id"].isin(shared)]
            att = float(mine["attainment"].clip(upper=1.0).mean()) * 100 if len(mine) else math.nan
            exp = float(mine["expected"].mean()) * 100 if len(mine) else math.nan
            got_att, got_exp, got_gap = pct(row[3]), pct(row[4]), num(row[5])
            if int(row[2]) != len(shared):
                problems.append(f"{district}: 排名指标数印为{row[2]}，共同指标为{len(shared)}项")
            if got_att is None or abs(got_att - att) > TOL_PCT:
                problems.append(f"{district}: 平均完成率印为{row[3]}，应为{att:.2f}%")
            if got_exp is None or abs(got_exp - exp) > TOL_PCT:
                problems.append(f"{district}: 平均序时进度印为{row[4]}，应为{exp:.2f}%")
            if got_gap is None or abs(got_gap - (att - exp)) > TOL_DIFF:
                problems.append(f"{district}: 差距印为{row[5]}，应为{att - exp:.2f}")
            elif row[6] != status_label(status_of_gap(round(att - exp, 9))):
                problems.append(f"{district}: 状态印为{row[6]}，按差距{att - exp:.1f}应为"
                                f"{status_label(status_of_gap(round(att - exp, 9)))}")
            gaps.append(got_gap if got_gap is not None else -math.inf)
        if any(b > a for a, b in zip(gaps, gaps[1:], strict=False)):
            problems.append("区县排名与差距的顺序不一致")
    return problems


def check_district_groups(bulletin: Bulletin) -> list[str]:
    """The districts named by status are exactly the rank table's, each group that is neither
    empty nor every district, with its count."""
    tables = [t for t in bulletin.blocks("district_rank") if isinstance(t, Table)]
    if not tables:
        return []
    tab = tables[0]
    want: dict[str, list[str]] = {}
    for district, row in zip(tab.keys, tab.rows, strict=True):
        want.setdefault(row[6], []).append(district)
    want = {lab: who for lab, who in want.items() if len(who) < len(tab.keys)}
    text = " ".join(p.text for p in bulletin.blocks("district_groups") if isinstance(p, Paragraph))
    got = {lab: (int(n), names.split("、"))
           for lab, n, names in re.findall(r"(?:，|；)([^，；：]+?)的(\d+)个：([^；。]+)", text)}
    problems = []
    for lab, who in want.items():
        if got.get(lab) != (len(who), who):
            problems.append(f"区县情况: {lab}的区县应为{len(who)}个（{'、'.join(who)}），印为{got.get(lab)}")
    problems += [f"区县情况: 印有{lab}的区县，排名表中没有或为全部区县" for lab in got if lab not in want]
    return problems
