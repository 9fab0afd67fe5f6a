"""Unit submissions → one clean, auditable ledger (+ history, quarantine, quality report).

`clean(raw_dir, catalogue)` reads every submission (`intake.read`), then runs the cleaning
steps in order, each a function of the rows and what the steps before it found:

1. `check_formulas` formula cells: without a saved result quarantined, with one flagged;
2. `check_keys`     指标编号, 统计月份, 区县, 填报日期: quarantine what cannot be placed, flag repairs;
3. `check_units`    (`intake.units`) the row's unit must be the indicator's reporting unit;
4. `check_figures`  the four figures: parse (`intake.figures`), scale 万 headers and percents,
                    quarantine invalid, negative and implausible values, flag approximations;
5. `accepted_rows`  the rows without a quarantine problem, as numbers and codes;
6. `apply_revisions` (`intake.revisions`) order by key, drop duplicates, pick the row of each
                    key that counts (the latest with a figure; later blanks flagged);
7. `reconcile`      (`intake.reconcile`) derive or check 累计完成 against 本月完成 and earlier months;
8. `build_outputs`  the ledger (validated against its contract) and the history;
9. `quality_report` (`intake.tally`) counts, rejected and skipped files, warnings, timeliness.

Every check, its code and its reason is in contracts.checks (the table in data/README.md).
Invariant (checked on every run): rows_in == rows_clean + rows_quarantined + rows_duplicate.

Speed: every rule is a column operation; rules on text run once per distinct value (codes from
the dictionary-encoded read) and are mapped back with numpy. Independent parsers run in a few
threads (arrow and numpy kernels release the GIL); the history is built in a worker thread
while the ledger is built and validated. Results never depend on scheduling. A clean reuses
the memory it frees and takes small pages (`intake.allocator`).
"""

from __future__ import annotations

import os
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from minsheng import config
from minsheng.catalogue import Catalogue
from minsheng.catalogue.kinds import ADDITIVE_KINDS, BASELINE_KINDS, SIGNED_KINDS
from minsheng.contracts import ledger
from minsheng.contracts.checks import FLAG_CODES
from minsheng.contracts.store import CleanOutputs
from minsheng.intake import fields
from minsheng.intake.allocator import cleaning_memory
from minsheng.intake.columns import frame
from minsheng.intake.figures import parse_numbers, percent_points
from minsheng.intake.flags import BIT
from minsheng.intake.form import NUMERIC_FIELDS
from minsheng.intake.quarantine import quarantine_table
from minsheng.intake.read import Submissions, read_submissions
from minsheng.intake.reconcile import reconcile
from minsheng.intake.revisions import apply_revisions
from minsheng.intake.tally import NoUsableData, quality_report, require_usable
from minsheng.intake.timeliness import submission_status
from minsheng.intake.units import responsibility

__all__ = ["NoUsableData", "clean", "clean_submissions", "require_usable"]
FOREIGN_UNIT_ACTIONS = ("quarantine", "flag")


def indicator_attributes(cat: pd.DataFrame) -> dict[str, np.ndarray]:
    """Catalogue attributes as arrays with one extra sentinel row (position -1 → unknown code)."""
    kind = cat["kind"].to_numpy(dtype=object)
    target = cat["target_value"].to_numpy(dtype=float)
    # The unit figures are reported in: a directional target's amount is not its % change.
    percent = (cat["value_unit"] == "%").to_numpy(dtype=bool)
    units = list(dict.fromkeys(cat["reporting_unit"]))
    attrs = {
        "target": target,
        "percent": percent,
        # A fraction means a percent only where the target is well above 1 (not for a 0 % change).
        "fraction_is_percent": percent & (target >= 10),
        "by_district": cat["by_district"].to_numpy(dtype=bool),
        "additive": np.isin(kind, list(ADDITIVE_KINDS)),
        "signed": np.isin(kind, list(SIGNED_KINDS)),
        "baseline_kind": np.isin(kind, list(BASELINE_KINDS)),
        "unit_code": np.array([units.index(u) for u in cat["reporting_unit"]], dtype=np.int64),
    }
    sentinel = {"target": np.nan, "unit_code": -1}
    return {k: np.append(v, sentinel.get(k, False)).astype(v.dtype) for k, v in attrs.items()}



# ─────────────────────────────────────────────────────────── the pipeline

def clean(raw_dir: str | Path, catalogue: Catalogue, *, progress: bool = False) -> CleanOutputs:
    """Clean every submission under raw_dir against `catalogue` (see the module docstring)."""
    opts = config.settings()
    limits, cleaning_opts = opts["limits"], opts.get("cleaning", {})
    with cleaning_memory():
        subs = read_submissions(raw_dir, max_file_bytes=int(limits["max_file_bytes"]),
                                header_rows=int(cleaning_opts.get("header_search_rows", 20)),
                                progress=progress)
        return clean_submissions(subs, catalogue)


def clean_submissions(subs: Submissions, catalogue: Catalogue) -> CleanOutputs:
    """The cleaning steps on rows already read (see `clean`)."""
    opts = config.settings()["cleaning"]
    foreign = opts.get("foreign_unit", "quarantine")
    if foreign not in FOREIGN_UNIT_ACTIONS:
        raise ValueError(f"settings.yaml cleaning.foreign_unit 应为 quarantine 或 flag / must be "
                         f"quarantine or flag, got {foreign!r}")
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        rows = Rows.of(subs, catalogue, pool)
        found = Found(len(subs.rows))
        check_formulas(subs, found)
        check_keys(rows, found)
        other_unit = check_units(subs, catalogue, rows, found, foreign)
        # Another unit's rows are not the responsible unit's return.
        timeliness = pool.submit(submission_status, catalogue, np.where(other_unit, -1, rows.pos),
                                 rows.months, rows.dates, int(opts.get("due_day", 5)))
        figures = check_figures(subs, rows, found)
        accepted = accepted_rows(subs, rows, figures, found)
        latest, key, superseded, duplicate, blank_after = apply_revisions(accepted,
                                                                          catalogue.reportable)
        accepted["_flags"][blank_after] |= BIT["BLANK_AFTER_VALUE"]
        value, row_flags = reconcile(accepted, latest, key, rows.attrs,
                                     float(opts.get("likely_wan_ratio", 5000)))
        outputs = build_outputs(subs, catalogue, accepted, latest, value, row_flags, superseded,
                                duplicate, pool)
        quality = quality_report(subs, catalogue, found.bad, found.issues, len(outputs.ledger),
                                 len(outputs.history), outputs.warnings, superseded, duplicate,
                                 timeliness.result())
    return CleanOutputs(outputs.ledger, outputs.history, quarantine_table(subs, found.issues),
                        quality)


@dataclass
class Rows:
    """The input rows' fields read once: catalogue position, month, district, date, texts."""

    pos: np.ndarray                 # catalogue position of the 指标编号 (-1 unknown)
    at: np.ndarray                  # row into `attrs` (the sentinel row for unknown codes)
    attrs: dict[str, np.ndarray]    # catalogue attributes per indicator (+ sentinel)
    ids: pd.DataFrame               # fields.indicator_ids
    months: pd.DataFrame            # fields.months
    districts: pd.DataFrame         # fields.district_codes
    dates: pd.DataFrame             # fields.submitted_dates
    numbers: dict[str, Future]      # field → figures.parse_numbers, parsing in the pool
    texts: dict[str, Future]        # field → fields.text_codes, coding in the pool

    @classmethod
    def of(cls, subs: Submissions, catalogue: Catalogue, pool: ThreadPoolExecutor) -> Rows:
        rows, cat = subs.rows, catalogue.reportable
        numbers = {fld: pool.submit(parse_numbers, rows[fld]) for fld in NUMERIC_FIELDS}
        texts = {fld: pool.submit(fields.text_codes, rows[fld]) for fld in ("progress_text", "remark")}
        ids = fields.indicator_ids(rows["indicator_id"], pd.Index(cat.index))
        pos = ids["pos"].to_numpy()
        attrs = indicator_attributes(cat)
        at = np.where(pos >= 0, pos, len(cat))
        return cls(pos, at, attrs, ids, fields.months(rows["month"], catalogue.year),
                   fields.district_codes(rows["district"], attrs["by_district"][at]),
                   fields.submitted_dates(rows["submitted_on"]), numbers, texts)

    def attr(self, name: str) -> np.ndarray:
        """A catalogue attribute per row."""
        return self.attrs[name][self.at]

    @property
    def known(self) -> np.ndarray:
        return self.pos >= 0


@dataclass
class Found:
    """What the checks found: quarantine problems (row mask, form field, code) and warning bits."""

    n: int
    issues: list[tuple[np.ndarray, str, str]] = field(default_factory=list)
    flags: np.ndarray = field(init=False)
    # Cells holding a formula without a saved result: that is their one problem, not also
    # NUMBER_INVALID or CODE_UNKNOWN for the formula text.
    formula_cells: dict[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.flags = np.zeros(self.n, dtype=np.int64)

    def quarantine(self, mask: np.ndarray, fld: str, code: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if code != "FORMULA_NO_VALUE" and fld in self.formula_cells:
            mask = mask & ~self.formula_cells[fld]
        self.issues.append((mask, fld, code))

    def flag(self, mask: np.ndarray, code: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            self.flags[mask] |= BIT[code]

    @property
    def bad(self) -> np.ndarray:
        out = np.zeros(self.n, dtype=bool)
        for mask, _, _ in self.issues:
            out |= mask
        return out


def check_formulas(subs: Submissions, found: Found) -> None:
    """Formula cells (.xlsx/.xlsm): without a saved result quarantined (FORMULA_NO_VALUE, the
    formula in the reason); with one, its result is used and the row flagged FORMULA_VALUE."""
    marks = subs.marks
    for fld, group in marks[marks["mark"] == "no_value"].groupby("field", sort=True):
        mask = np.zeros(found.n, dtype=bool)
        mask[group["row"].to_numpy()] = True
        found.quarantine(mask, str(fld), "FORMULA_NO_VALUE")
        found.formula_cells[str(fld)] = mask
    saved = np.zeros(found.n, dtype=bool)
    saved[marks.loc[marks["mark"] == "value", "row"].to_numpy()] = True
    found.flag(saved, "FORMULA_VALUE")


def check_units(subs: Submissions, catalogue: Catalogue, rows: Rows, found: Found,
                action: str) -> np.ndarray:
    """The row's unit must be its indicator's reporting unit (`intake.units`); returns the rows
    from another unit."""
    units = list(dict.fromkeys(catalogue.reportable["reporting_unit"]))
    foreign, mismatch = responsibility(subs.rows["reporting_unit"], subs.rows["file_no"].to_numpy(),
                                       subs.files, rows.pos, rows.attr("unit_code"),
                                       rows.attr("by_district"), units)
    if action == "flag":
        found.flag(foreign, "NOT_RESPONSIBLE_KEPT")
    else:
        found.quarantine(foreign, "reporting_unit", "NOT_RESPONSIBLE")
    found.flag(mismatch, "UNIT_FILE_MISMATCH")
    return foreign


def check_keys(rows: Rows, found: Found) -> None:
    """指标编号, 统计月份 and 区县 must place the row; 填报日期 is flagged when unreadable."""
    ids, mo, di = rows.ids, rows.months, rows.districts
    found.quarantine(ids["missing"].to_numpy(), "indicator_id", "CODE_MISSING")
    found.quarantine(ids["unknown"].to_numpy(), "indicator_id", "CODE_UNKNOWN")
    found.quarantine(mo["invalid"].to_numpy(), "month", "MONTH_INVALID")
    found.quarantine(mo["out_of_year"].to_numpy(), "month", "MONTH_OUT_OF_YEAR")
    found.quarantine(di["unknown"].to_numpy(), "district", "DISTRICT_UNKNOWN")
    found.flag(ids["repaired"].to_numpy(), "CODE_REPAIRED")
    found.flag(di["repaired"].to_numpy(), "DISTRICT_REPAIRED")
    found.flag(di["defaulted"].to_numpy(), "DISTRICT_DEFAULTED")
    found.flag(mo["assumed"].to_numpy(), "MONTH_YEAR_ASSUMED")
    found.flag(rows.dates["invalid"].to_numpy(), "DATE_INVALID")


def check_figures(subs: Submissions, rows: Rows, found: Found) -> dict[str, np.ndarray]:
    """The four figures as numbers, with the checks on each; returns field → values."""
    n = found.n
    factor = float(config.settings()["limits"]["implausible_factor"])
    header_factor = _header_factors(subs)
    table_no = subs.rows["table_no"].to_numpy()
    known, target = rows.known, rows.attr("target")
    pct_rows = np.flatnonzero(rows.attr("fraction_is_percent"))
    percent_unexpected = known & ~rows.attr("percent")  # a '%' here is not this indicator's unit
    signed = rows.attr("signed")
    figures: dict[str, np.ndarray] = {}
    for fld in NUMERIC_FIELDS:
        parsed = rows.numbers[fld].result()
        value = parsed["value"].to_numpy()
        by_header = np.zeros(n, dtype=bool)
        if (header_factor[fld] != 1).any():
            mult = header_factor[fld][table_no]
            by_header = (mult != 1) & ~np.isnan(value)
            value = np.where(by_header, np.round(value * mult, 6), value)
        percent_sign = parsed["percent"].to_numpy()
        pct_scaled = np.zeros(n, dtype=bool)
        if len(pct_rows):  # only rows of percent indicators can hold a fraction to rescale
            value_s, scaled_s = percent_points(pd.Series(value[pct_rows]), percent_sign[pct_rows],
                                               np.ones(len(pct_rows), dtype=bool))
            value = value.copy()
            value[pct_rows] = value_s.to_numpy()
            pct_scaled[pct_rows] = scaled_s.to_numpy()
        found.quarantine(parsed["invalid"].to_numpy(), fld, "NUMBER_INVALID")
        found.quarantine(percent_sign & percent_unexpected, fld, "PERCENT_UNEXPECTED")
        found.quarantine(fields.negative(value, signed), fld, "NEGATIVE")
        if fld in ("monthly", "cumulative"):
            found.quarantine(fields.implausible(value, target, factor) & known, fld, "IMPLAUSIBLE")
        found.flag(parsed["approx"].to_numpy(), "APPROX")
        found.flag(parsed["multiplied"].to_numpy() | by_header, "WAN_CONVERTED")
        found.flag(parsed["chinese"].to_numpy(), "CHINESE_NUMERAL")
        found.flag(pct_scaled, "PERCENT_SCALED")
        if fld == "baseline":
            found.flag(~np.isnan(value) & known & ~rows.attr("baseline_kind"),
                       "BASELINE_NOT_APPLICABLE")
        figures[fld] = value
    return figures


@dataclass
class Accepted:
    """The rows without a quarantine problem, in reading order, as numbers and codes."""

    columns: dict[str, np.ndarray]
    texts: dict[str, list[str]]     # distinct texts the text codes point into
    ok: np.ndarray                  # their positions among the input rows

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    def items(self):
        return self.columns.items()


def accepted_rows(subs: Submissions, rows: Rows, figures: dict[str, np.ndarray],
                  found: Found) -> Accepted:
    """The accepted rows' columns; text columns are built at the end, from codes."""
    raw = subs.rows
    ok = np.flatnonzero(~found.bad)
    text, text_u = rows.texts["progress_text"].result()
    remark, remark_u = rows.texts["remark"].result()
    unit_codes, unit_raw = fields.factorize(raw["reporting_unit"])
    unit_clean = [str(u).strip() for u in unit_raw]
    unit_u = list(dict.fromkeys(u for u in unit_clean if u))
    unit_map = np.array([unit_u.index(u) if u else -1 for u in unit_clean] + [-1], dtype=np.int64)
    every = len(ok) == found.n  # usually nothing is quarantined: no need to copy every column

    def pick(values: np.ndarray) -> np.ndarray:
        return values if every else values[ok]

    columns = {
        "_ind": pick(rows.pos),
        "_dist": pick(rows.districts["code"].to_numpy()),
        "year": pick(rows.months["year"].to_numpy()),
        "month": pick(rows.months["month"].to_numpy()),
        "value": pick(figures["cumulative"]),
        "monthly_value": pick(figures["monthly"]),
        "baseline": pick(figures["baseline"]),
        "district_target": pick(figures["district_target"]),
        "_text": pick(text),
        "_remark": pick(remark),
        "_unit": pick(unit_map[unit_codes]),
        "submitted_on": pick(rows.dates["submitted_on"].to_numpy()),
        "_file": pick(raw["file_no"].to_numpy()),
        "_sheet": pick(raw["source_sheet"].cat.codes.to_numpy()),
        "source_row": pick(raw["source_row"].to_numpy()),
        "_flags": pick(found.flags),
    }
    texts = {"progress_text": text_u, "remark": remark_u, "reporting_unit": unit_u}
    return Accepted(columns, texts, ok)


@dataclass
class Built:
    ledger: pd.DataFrame
    history: pd.DataFrame
    warnings: dict[str, int]        # rows per warning code, over the history


def build_outputs(subs: Submissions, catalogue: Catalogue, accepted: Accepted, latest: np.ndarray,
                  value: np.ndarray, row_flags: np.ndarray, superseded: np.ndarray,
                  duplicate: np.ndarray, pool: ThreadPoolExecutor) -> Built:
    """The ledger (each key's latest row, in key order, validated) and the history (every
    accepted row but duplicates, in reading order, the latest carrying the ledger's value)."""
    cat = catalogue.reportable

    def history_and_warnings() -> tuple[pd.DataFrame, dict[str, int]]:
        values, bits = accepted["value"].copy(), accepted["_flags"].copy()
        values[latest], bits[latest] = value, row_flags
        columns = {**accepted.columns, "value": values, "_flags": bits}
        kept = np.flatnonzero(~duplicate)
        history = columns if len(kept) == len(duplicate) else {c: v[kept] for c, v in columns.items()}
        out = frame(history, cat, subs, accepted.texts, categorical=True).assign(
            superseded=superseded[kept])
        counts = {code: int(np.count_nonzero(history["_flags"] & BIT[code])) for code in FLAG_CODES}
        return out, counts

    history_f = pool.submit(history_and_warnings)
    ledger_cols = {c: v[latest] for c, v in accepted.items() if c not in ("value", "_flags")}
    ledger_cols.update(value=value, _flags=row_flags)
    ledger_out = frame(ledger_cols, cat, subs, accepted.texts, pool=pool)  # conformed
    # Checked against the contract; the conformed frame is kept (pandera's coerced copy turns
    # submitted_on into datetime64[ns], the contract says [us]).
    ledger.validate(ledger_out)
    history_out, warnings = history_f.result()
    return Built(ledger_out, history_out, warnings)


def _header_factors(subs: Submissions) -> dict[str, np.ndarray]:
    """Per numeric field, the multiplier of each table (10000 under a '（万）' header)."""
    n_tables = int(subs.tables["table_no"].max()) + 1 if len(subs.tables) else 0
    out = {}
    for fld in NUMERIC_FIELDS:
        arr = np.ones(n_tables)
        sel = subs.tables[subs.tables["field"] == fld]
        arr[sel["table_no"].to_numpy()] = sel["factor"].to_numpy()
        out[fld] = arr
    return out
