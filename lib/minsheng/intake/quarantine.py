"""The quarantine list: one line per problem cell, where it is, what was there and why."""

from __future__ import annotations

import numpy as np
import pandas as pd

from minsheng.contracts import store
from minsheng.contracts.checks import QUARANTINE_CODES, reason
from minsheng.contracts.ledger import text_from_codes
from minsheng.intake.form import FORM_COLUMNS
from minsheng.intake.read import Submissions


def quarantine_table(subs: Submissions, issues: list[tuple[np.ndarray, str, str]]) -> pd.DataFrame:
    """One line per problem, in reading order (file, row), then column and check order."""
    rows = subs.rows
    fields = list(FORM_COLUMNS)
    parts = [(np.flatnonzero(mask), fields.index(fld), QUARANTINE_CODES.index(code))
             for mask, fld, code in issues if mask.any()]
    if not parts:
        return store.empty_quarantine()
    pos = np.concatenate([p for p, _, _ in parts])
    fld = np.concatenate([np.full(len(p), f) for p, f, _ in parts])
    code = np.concatenate([np.full(len(p), c) for p, _, c in parts])
    order = np.lexsort((code, fld, pos))
    pos, fld, code = pos[order], fld[order], code[order]
    # Column names as written in each table (the form's name when the column was absent).
    n_tables = int(rows["table_no"].max()) + 1
    names = [FORM_COLUMNS[f] for _ in range(n_tables) for f in fields]
    for t, f, h in subs.tables[["table_no", "field", "header"]].itertuples(index=False):
        names[t * len(fields) + fields.index(f)] = h
    table_no = rows["table_no"].to_numpy()[pos]
    # Raw cell text, gathered per field and put back in line order.
    raw = np.empty(len(pos), dtype=object)
    for f in np.unique(fld):
        sel = np.flatnonzero(fld == f)
        raw[sel] = rows[fields[f]].iloc[pos[sel]].to_numpy(dtype=object, na_value="")
    sheets = list(rows["source_sheet"].cat.categories)
    return pd.DataFrame({
        "file": text_from_codes(subs.files, rows["file_no"].to_numpy()[pos]),
        "sheet": text_from_codes(sheets, rows["source_sheet"].cat.codes.to_numpy()[pos]),
        "row": rows["source_row"].to_numpy()[pos],
        "column": text_from_codes(names, table_no * len(fields) + fld),
        "raw_value": pd.array(raw, dtype="str"),
        "reason_code": text_from_codes(QUARANTINE_CODES, code),
        "reason": _reasons(code, raw),
    })


def _reasons(code: np.ndarray, raw: np.ndarray) -> pd.Series:
    """Each line's reason; a formula without a result names its formula (the cell's text)."""
    out = text_from_codes([reason(c) for c in QUARANTINE_CODES], code)
    formula = np.flatnonzero(code == QUARANTINE_CODES.index("FORMULA_NO_VALUE"))
    if len(formula):
        out = out.copy()
        out.iloc[formula] = [reason("FORMULA_NO_VALUE", str(raw[i])) for i in formula]
    return out


def rows_by_code(issues: list[tuple[np.ndarray, str, str]]) -> dict[str, int]:
    """Rows per quarantine code (a row with two bad cells of one code counts once)."""
    out = {}
    for code in QUARANTINE_CODES:
        masks = [m for m, _, c in issues if c == code]
        k = int(np.logical_or.reduce(masks).sum()) if masks else 0
        if k:
            out[code] = k
    return out
