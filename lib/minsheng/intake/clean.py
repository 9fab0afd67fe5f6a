"""Unit submissions → one clean, auditable ledger (+ history, quarantine, quality report).

`clean(raw_dir, catalogue)` reads every submission (`intake.read`), then runs the cleaning
steps in order, each a function of the rows and what the steps before it found:

1. `check_keys`     指标编号, 统计月份, 区县, 填报日期: quarantine what cannot be placed, flag repairs;
2. `check_figures`  the four figures: parse (`intake.figures`), scale 万 headers and percents,
                    quarantine invalid, negative and implausible values, flag approximations;
3. `accepted_rows`  the rows without a quarantine problem, as numbers and codes;
4. `apply_revisions` (`intake.revisions`) order by key, drop duplicates, pick each key's latest row;
5. `reconcile`      (`intake.reconcile`) derive or check 累计完成 against 本月完成 and earlier months;
6. `build_outputs`  the ledger (validated against its contract) and the history;
7. `quality_report` counts, rejected files, warnings, timeliness (`intake.timeliness`).

Every check, its code and its reason is in contracts.checks (the table in data/README.md).
Invariant (checked on every run): rows_in == rows_clean + rows_quarantined + rows_duplicate.

Speed: every rule is a column operation; rules on text run once per distinct value (codes from
the dictionary-encoded read) and are mapped back with numpy. Independent parsers run in a few
threads (arrow and numpy kernels release the GIL); the history is built in a worker thread
while the ledger is built and validated. Results never depend on scheduling.
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
from minsheng.contracts.checks import FLAG_CODES, SKIP_KINDS
from minsheng.contracts.quality import FileCounts, QualityReport, RejectedFile
from minsheng.contracts.quality import Submissions as Timeliness
from minsheng.contracts.store import CleanOutputs
from minsheng.intake import fields
from minsheng.intake.columns import frame
from minsheng.intake.figures import parse_numbers, percent_points
from minsheng.intake.flags import BIT
from minsheng.intake.form import NUMERIC_FIELDS
from minsheng.intake.quarantine import quarantine_table, rows_by_code
from minsheng.intake.read import Submissions, read_submissions
from minsheng.intake.reconcile import reconcile
from minsheng.intake.revisions import apply_revisions
from minsheng.intake.timeliness import submission_status


def indicator_attributes(cat: pd.DataFrame) -> dict[str, np.ndarray]:
    """Catalogue attributes as arrays with one extra sentinel row (position -1 → unknown code)."""
    kind = cat["kind"].to_numpy(dtype=object)
    target = cat["target_value"].to_numpy(dtype=float)
    percent = (cat["unit"] == "%").to_numpy(dtype=bool)
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
    subs = read_submissions(raw_dir, max_file_bytes=int(limits["max_file_bytes"]),
                            header_rows=int(cleaning_opts.get("header_search_rows", 20)),
                            progress=progress)
    return clean_submissions(subs, catalogue)


def clean_submissions(subs: Submissions, catalogue: Catalogue) -> CleanOutputs:
    """The cleaning steps on rows already read (see `clean`)."""
    opts = config.settings()["cleaning"]
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        rows = Rows.of(subs, catalogue, pool)
        found = Found(len(subs.rows))
        timeliness = pool.submit(submission_status, catalogue, rows.pos, rows.months, rows.dates,
                                 int(opts.get("due_day", 5)))
        check_keys(rows, found)
        figures = check_figures(subs, rows, found)
        accepted = accepted_rows(subs, rows, figures, found)
        latest, key, superseded, duplicate = apply_revisions(accepted, catalogue.indicators)
        value, row_flags = reconcile(accepted, latest, key, rows.attrs,
                                     float(opts.get("likely_wan_ratio", 5000)))
        outputs = build_outputs(subs, catalogue, accepted, latest, value, row_flags, superseded,
                                duplicate, pool)
        quality = quality_report(subs, catalogue, found, outputs, superseded, duplicate,
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
        rows, cat = subs.rows, catalogue.indicators
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

    def __post_init__(self) -> None:
        self.flags = np.zeros(self.n, dtype=np.int64)

    def quarantine(self, mask: np.ndarray, fld: str, code: str) -> None:
        self.issues.append((np.asarray(mask, dtype=bool), fld, code))

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
    cat = catalogue.indicators

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


def quality_report(subs: Submissions, catalogue: Catalogue, found: Found, built: Built,
                   superseded: np.ndarray, duplicate: np.ndarray, timeliness: dict) -> QualityReport:
    """The counts, checked: every input row is clean, quarantined or a duplicate."""
    n, bad = found.n, found.bad
    rows_q, rows_dup, rows_clean = int(bad.sum()), int(duplicate.sum()), len(built.history)
    if n != rows_clean + rows_q + rows_dup:
        raise AssertionError(f"row count broken: {n} in ≠ {rows_clean} clean + {rows_q} quarantined "
                             f"+ {rows_dup} duplicate")
    return QualityReport(
        year=catalogue.year,
        catalogue=catalogue.path.name,
        rows_in=n,
        rows_clean=rows_clean,
        rows_quarantined=rows_q,
        rows_duplicate=rows_dup,
        rows_skipped={k: int(subs.skipped.get(k, 0)) for k in SKIP_KINDS},
        ledger_rows=len(built.ledger),
        revisions_applied=int(superseded.sum()),
        files_read=len(subs.files),
        files_rejected=[RejectedFile(**r) for r in subs.rejected],
        quarantine_by_code=rows_by_code(found.issues),
        warnings={code: k for code, k in built.warnings.items() if k},
        files=_per_file(subs, bad, np.flatnonzero(~bad), duplicate),
        submissions=Timeliness(**timeliness),
    )


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


def _per_file(subs: Submissions, bad: np.ndarray, ok: np.ndarray, duplicate: np.ndarray
              ) -> list[FileCounts]:
    n_files = len(subs.files)
    file_no = subs.rows["file_no"].to_numpy()
    rows_in = np.bincount(file_no, minlength=n_files)
    rows_q = np.bincount(file_no[bad], minlength=n_files)
    rows_d = np.bincount(file_no[ok][duplicate], minlength=n_files)
    return [FileCounts(file=f, rows_in=int(rows_in[i]),
                       rows_clean=int(rows_in[i] - rows_q[i] - rows_d[i]),
                       rows_quarantined=int(rows_q[i]), rows_duplicate=int(rows_d[i]))
            for i, f in enumerate(subs.files)]



class NoUsableData(ValueError):
    """The submissions gave nothing to report on: publishing would print only 未报送."""


def require_usable(outputs: CleanOutputs) -> None:
    """Stop a run whose raw folder yielded no ledger rows (empty, or every file rejected)."""
    if len(outputs.ledger) == 0:
        q = outputs.quality
        rejected = "; ".join(f"{r.file}: {r.reason}" for r in q.files_rejected)
        raise NoUsableData(f"没有可用的报送数据 / no usable submissions (files read: "
                           f"{q.files_read}{'; rejected: ' + rejected if rejected else ''})")
