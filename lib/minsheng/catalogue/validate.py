"""Checking the values of a catalogue file, and the one error every check raises.

A `Place` is where in the file a value sits (`top level`, `plan 'back'`, `item 3`,
`indicator MS03-01 (item 3)`, `unquantified MS03-T1 (item 3)`); each check reads one field
there and refuses, in one line, anything that is not what the format (docs/catalogue.md
section 五) asks for: `<file>: <place>: field '<field>': <problem>`. Nothing is coerced:
a quoted number, 1 for true, a misspelt key are refused, never read as something else.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class CatalogueError(ValueError):
    """A catalogue file that cannot be used; the message names file, place and field."""


@dataclass(frozen=True)
class Place:
    """A place in a catalogue file, and the checks of the fields written there."""

    path: Path
    where: str

    def fail(self, field: str, problem: str) -> CatalogueError:
        return CatalogueError(f"{self.path}: {self.where}: field '{field}': {problem}")

    def keys(self, mapping: Mapping, known: Iterable[str], required: Iterable[str] = ()) -> None:
        """Every key is known (a misspelt one is refused, never ignored); the required are there."""
        known = list(known)
        for key in mapping:
            if key not in known:
                close = difflib.get_close_matches(str(key), known, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                raise self.fail(str(key), f"unknown key{hint}; known keys: {', '.join(known)}")
        for key in required:
            if key not in mapping:
                raise self.fail(key, "missing")

    def mappings(self, value: Any, field: str, what: str, *, optional: bool = False) -> list[dict]:
        """A list of mappings (`- key: value` entries); empty only when `optional`."""
        if value is None and optional:
            return []
        if not isinstance(value, list):
            raise self.fail(field, f"needs a list of {what} (each starting '- ')")
        if not value and not optional:
            raise self.fail(field, f"needs at least one {what.rstrip('s')}")
        for entry in value:
            if not isinstance(entry, dict):
                raise self.fail(field, f"each of its {what} is a mapping of keys, not {entry!r}")
        return value

    def whole(self, value: Any, field: str, low: int = 1, high: int | None = None) -> int:
        """A whole number written as one (not quoted, not 2.5, not true)."""
        if isinstance(value, str) and re.fullmatch(r"\s*[+-]?\d+\s*", value):
            raise self.fail(field, f"{value!r} is text: write the whole number unquoted, "
                                   f"e.g. {field}: {int(value)}")
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(field, f"{value!r} is not a whole number")
        if value < low or (high is not None and value > high):
            raise self.fail(field, f"{value} must be a whole number from {low}"
                                   + (f" to {high}" if high is not None else " up"))
        return value

    def number(self, value: Any, field: str) -> float:
        """A finite number written as one: `true`, `"3"` or `55%` are refused, not converted."""
        if isinstance(value, str):
            try:
                as_number = float(value)
            except ValueError:
                hint = " (write a percentage as its number: 55% → 55)" if value.strip().endswith("%") else ""
                raise self.fail(field, f"{value!r} is not a number{hint}") from None
            shown = int(as_number) if as_number.is_integer() else as_number
            raise self.fail(field, f"{value!r} is text, not a number: write the number unquoted "
                                   f"in plain digits, e.g. {field}: {shown}")
        if isinstance(value, bool):
            raise self.fail(field, f"{str(value).lower()} is true/false, not a number")
        if not isinstance(value, int | float) or not math.isfinite(value):
            raise self.fail(field, f"{value!r} is not a number")
        return float(value)

    def flag(self, mapping: Mapping, field: str, default: bool = False) -> bool:
        """`true` or `false` (a missing or null key is the default); 1, 0 and "false" are refused."""
        value = mapping.get(field)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise self.fail(field, f"must be true or false (unquoted), not {value!r}")
        return value

    def text(self, mapping: Mapping, field: str, *, required: bool = False) -> str | None:
        """Text; a required field may not be missing or empty. None when optional and absent."""
        value = mapping.get(field)
        if value is None or value == "":
            if required:
                raise self.fail(field, "missing")
            return None if value is None else ""
        if not isinstance(value, str):
            raise self.fail(field, f"must be text, not {value!r}")
        return value

    def texts(self, value: Any, field: str, what: str) -> list[str]:
        """A non-empty list of non-empty texts."""
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, str) and v.strip() for v in value)):
            raise self.fail(field, f"needs a list of {what}")
        return value

    def date(self, value: Any, field: str) -> dt.date:
        """A date written unquoted (YAML reads 2027-03-01 as a date, "2027-03-01" as text)."""
        if not isinstance(value, dt.date):
            raise self.fail(field, f"{value!r} is not a date: write it unquoted, e.g. {field}: 2027-03-01")
        return value


_BARE = re.compile(r"^\s*(?:-\s+)?([A-Za-z_]+):\s*([>|%@`][^\s#]*)")


def yaml_error(path: Path, exc: Exception, text: str) -> CatalogueError:
    """A YAML syntax error in one line, with its line and a hint when a value needs quotes
    (`comparator: >=`, `unit: %`)."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    parts = [getattr(exc, "context", None), getattr(exc, "problem", None)]
    problem = "; ".join(p for p in parts if p) or " ".join(str(exc).split())
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    hint = ""
    if mark is not None:
        lines = text.splitlines()
        bare = _BARE.match(lines[mark.line]) if mark.line < len(lines) else None
        if bare:
            hint = f" (write the value in quotes, e.g. {bare.group(1)}: \"{bare.group(2)}\")"
    return CatalogueError(f"{path}: {where}not valid YAML: {problem}{hint}")
