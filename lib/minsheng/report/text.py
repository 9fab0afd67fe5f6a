"""One indicator in words: its name, its target, its figure, its attainment, its units."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from minsheng.report.format import DASH, clean_text, fmt_percent, fmt_quantity, is_missing


def indicator_name(row: Mapping[str, Any]) -> str:
    """The indicator's name, with "（力争）" for a soft target."""
    return f"{row['indicator']}（力争）" if bool(row.get("soft")) else str(row["indicator"])


_CMP_PREFIX = {">=": "", ">": "超过", "<=": "不超过", "<": "低于"}


def target_text(row: Mapping[str, Any]) -> str:
    """The annual target as the notice words it ("2500部", "达到55%", "较前三年平均数同比下降")."""
    kind, cmp_, unit = row["kind"], row["comparator"], row["unit"]
    target = row["target_value"]
    if kind == "directional":
        base = row.get("baseline_label") or "基数"
        if target == 0 and cmp_ in ("<", "<="):
            return f"较{base}同比下降"
        if target == 0 and cmp_ in (">", ">="):
            return f"较{base}同比上升"
        return f"较{base}变化{_CMP_PREFIX[cmp_] or '达到'}{fmt_quantity(target, '%')}"
    if kind == "daily_average":
        return "日均" + {">=": "不低于", ">": "超过", "<=": "不超过", "<": "低于"}[cmp_] + \
            fmt_quantity(target, unit)
    prefix = "达到" if kind == "level" and cmp_ == ">=" else _CMP_PREFIX[cmp_]
    return prefix + fmt_quantity(target, unit)


def value_text(row: Mapping[str, Any], month: int) -> str:
    """The figure to date in words; "见进展情况" when only text was reported."""
    value, unit, kind = row["value"], row["unit"], row["kind"]
    if is_missing(value):
        return "见进展情况" if clean_text(row.get("progress_text")) else DASH
    if kind == "directional":
        chg = row.get("change_pct")
        base = row.get("baseline_label") or "基数"
        amount = fmt_quantity(value, row.get("value_unit") or "")
        text = (f"{amount}（无{base}）" if is_missing(chg) else
                f"{amount}，较{base}{'下降' if chg < 0 else '上升'}{abs(float(chg)):.1f}%")
    elif kind == "daily_average":
        text = "日均" + fmt_quantity(value, unit)
    elif kind == "level":
        base = row.get("baseline")
        where = row.get("baseline_label") or "上年末"
        text = fmt_quantity(value, unit) + ("" if is_missing(base) else
                                            f"（{where}{fmt_quantity(base, unit)}）")
    else:
        text = fmt_quantity(value, unit)
    dm = row.get("data_month")
    if not is_missing(dm) and int(dm) < month:
        text += f"（{int(dm)}月数据）"
    return text


def attainment_text(row: Mapping[str, Any]) -> str:
    if row["kind"] == "directional" and not is_missing(row["attainment"]):
        return "达到" if row["attainment"] >= 1 else "未达到"
    return fmt_percent(row["attainment"])


def units_text(row: Mapping[str, Any]) -> str:
    """Responsible units as bulletins name them: the indicator's reporting unit first as
    牵头, then the item's other units."""
    lead = row["reporting_unit"]
    others = [u for u in str(row["responsible_units"]).split("、") if u and u != lead]
    return f"{lead}（牵头）" + ("、" + "、".join(others) if others else "")


def lead_unit(row: Mapping[str, Any]) -> str:
    """The unit that answers for an indicator: its reporting unit (牵头单位)."""
    return str(row["reporting_unit"])


_VALUE_VERB = {"increment": "累计完成", "coverage": "已覆盖", "deliverable": "已完成里程碑",
               "level": "当前", "daily_average": "", "directional": ""}


def value_phrase(r: Mapping[str, Any], month: int) -> str:
    """The figure to date with its verb, for prose ("累计完成1200部", "当前46%（上年末40%）")."""
    return _VALUE_VERB[r["kind"]] + value_text(r, month)
