"""Read environment.yml, the project's one dependency list, into pip requirements.

Standard library only: `make setup` runs this with the system Python before anything
is installed. The same functions back the drift test (tests/test_environment.py).

    python tools/envspec.py requirements environment.yml
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

# Conda entries that are not pip packages.
NOT_PIP = {"python", "pip"}
_ENTRY = re.compile(r"^(?P<name>[A-Za-z0-9_.\-]+)\s*(?P<op>==|>=|<=|=|>|<)?\s*(?P<ver>[^\s#]*)")


def parse(text: str) -> tuple[list[str], list[str]]:
    """Return (conda entries, pip entries) of an environment.yml, comments dropped.

    Understands the subset of YAML environment files use: a `dependencies:` list of
    strings, with one nested `pip:` list.
    """
    conda: list[str] = []
    pip: list[str] = []
    section = None
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip()
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        indent = len(line) - len(line.lstrip())
        item = line.strip()
        if indent == 0:
            section = "deps" if item == "dependencies:" else None
            continue
        if section is None or not item.startswith("- "):
            continue
        value = item[2:].strip()
        if value == "pip:":
            section = "pip"
            continue
        if section == "pip" and indent >= 4:
            pip.append(value)
        else:
            section = "deps"
            conda.append(value)
    return conda, pip


def conda_to_pip(entry: str) -> str | None:
    """Translate one conda match spec to a pip requirement (None if not a pip package).

    conda's `pkg=1.2` means any 1.2.x, which pip spells `pkg==1.2.*`.
    """
    m = _ENTRY.match(entry)
    if not m:
        raise ValueError(f"environment.yml: cannot read dependency {entry!r}")
    name, op, ver = m["name"], m["op"], m["ver"]
    if name.lower() in NOT_PIP:
        return None
    if op is None:
        return name
    if op == "=":
        return f"{name}=={ver}" if ver.count(".") >= 2 else f"{name}=={ver}.*"
    return f"{name}{op}{ver}"


def requirements(path: str | Path) -> list[str]:
    """Every pip requirement that environment.yml names, in file order."""
    conda, pip = parse(Path(path).read_text(encoding="utf-8"))
    reqs = [r for r in (conda_to_pip(c) for c in conda) if r]
    return reqs + pip


def python_version(path: str | Path) -> str | None:
    """The Python version environment.yml asks for (e.g. '3.11')."""
    conda, _ = parse(Path(path).read_text(encoding="utf-8"))
    for entry in conda:
        m = _ENTRY.match(entry)
        if m and m["name"] == "python":
            return m["ver"] or None
    return None


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in {"requirements", "python"}:
        sys.exit("usage: envspec.py {requirements|python} environment.yml")
    if sys.argv[1] == "requirements":
        print("\n".join(requirements(sys.argv[2])))
    else:
        print(python_version(sys.argv[2]) or "")
