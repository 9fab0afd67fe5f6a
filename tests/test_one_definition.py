"""One concept, one definition: each of these is defined in exactly one module of lib/minsheng,
so a second copy cannot creep back unnoticed. (The stages' import direction is held by
import-linter, `make lint`.)"""

import ast
import re
from pathlib import Path

import pytest
from minsheng import config
from minsheng.catalogue.kinds import KINDS
from minsheng.contracts.checks import QUARANTINE_COLUMNS
from minsheng.contracts.store import FILES

LIB = config.PACKAGE_DIR
SOURCES = {p.relative_to(LIB).as_posix(): p.read_text(encoding="utf-8") for p in LIB.rglob("*.py")}
TREES = {name: ast.parse(text) for name, text in SOURCES.items()}


def _where(predicate) -> set[str]:
    """Modules holding a node for which predicate(node) is true."""
    return {name for name, tree in TREES.items() if any(predicate(n) for n in ast.walk(tree))}


def _strings(node) -> list[str]:
    elts = getattr(node, "elts", None)
    if elts is None:
        return []
    return [e.value for e in elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]


def test_sets_of_target_kinds_live_in_the_kinds_table():
    found = _where(lambda n: isinstance(n, ast.Set | ast.Tuple | ast.List)
                   and sum(s in KINDS for s in _strings(n)) >= 2)
    assert found <= {"catalogue/kinds.py"}


def test_the_quarantine_columns_are_listed_once():
    found = _where(lambda n: isinstance(n, ast.List | ast.Tuple)
                   and len(set(QUARANTINE_COLUMNS) & set(_strings(n))) >= 6)
    assert found == {"contracts/checks.py"}
    assert QUARANTINE_COLUMNS[:3] == ["file", "sheet", "row"]


def test_cleaned_output_file_names_are_spelled_once():
    for name in FILES:
        found = {m for m, text in SOURCES.items() if f'"{name}"' in text}
        assert found == {"contracts/store.py"}, name


def test_formula_and_control_character_rules_are_defined_once():
    control = {m for m, text in SOURCES.items() if r"\x00-\x08" in text}
    assert control == {"contracts/textsafety.py"}
    formula = _where(lambda n: isinstance(n, ast.Tuple | ast.List | ast.Set)
                     and {"=", "+", "-", "@"} <= set(_strings(n)))
    formula |= {m for m, text in SOURCES.items() if "^[=+" in text}
    assert formula == {"contracts/textsafety.py"}


def test_code_labels_are_looked_up_in_one_place():
    found = {m for m, text in SOURCES.items() if re.search(r"""\[["']labels["']\]""", text)}
    assert found == {"report/labels.py"}


def test_chinese_column_headers_are_written_once():
    # a Col(...) with a Chinese header typed in, or a dict of several column → Chinese header
    cjk = re.compile(r"[\u4e00-\u9fff]")

    def typed_col(n):
        return (isinstance(n, ast.Call) and getattr(n.func, "id", "") == "Col" and len(n.args) > 1
                and isinstance(n.args[1], ast.Constant) and cjk.search(str(n.args[1].value)))

    def chinese(v):
        first = v.elts[0] if isinstance(v, ast.Tuple) and v.elts else v
        return isinstance(first, ast.Constant) and bool(cjk.search(str(first.value)))

    def header_dict(n):
        if not isinstance(n, ast.Dict):
            return False
        columns = {"indicator_id", "attainment", "expected", "gap_points", "district", "value"}
        named = [k.value for k, v in zip(n.keys, n.values, strict=True)
                 if isinstance(k, ast.Constant) and k.value in columns and chinese(v)]
        return len(named) >= 3
    assert _where(typed_col) == set()
    assert _where(header_dict) <= {"report/columns.py"}


def test_the_districts_and_their_order_come_from_one_module():
    found = {m for m, text in SOURCES.items() if "DISTRICTS_FILE" in text}
    assert found == {"config.py", "catalogue/districts.py"}
    literal = {m for m, text in SOURCES.items() if re.search(r"""["']全市["']""", text)}
    assert literal == {"catalogue/districts.py"}


def test_the_return_due_date_is_computed_once():
    found = {m for m, text in SOURCES.items() if re.search(r"%\s*12\s*\+\s*1", text)}
    assert found == {"catalogue/periods.py"}


def test_comparators_are_interpreted_once():
    # a mapping from comparator to an operation (not to a word) is the comparator rule
    def comparator_rule(n):
        if not isinstance(n, ast.Dict):
            return False
        keys = {k.value for k in n.keys if isinstance(k, ast.Constant)}
        words = all(isinstance(v, ast.Constant) and isinstance(v.value, str) for v in n.values)
        return {">=", "<"} <= keys and not words
    assert _where(comparator_rule) == {"catalogue/kinds.py"}


@pytest.mark.parametrize("name", ["city_figures", "attainment_table"])
def test_the_table_at_a_month_is_built_in_one_place(name):
    def call(n):
        return isinstance(n, ast.Call) and (getattr(n.func, "id", None) == name
                                            or getattr(n.func, "attr", None) == name)
    assert _where(call) <= {"rules/attainment.py"}


def test_no_public_name_is_defined_twice():
    defined: dict[str, set[str]] = {}
    for module, tree in TREES.items():
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and not node.name.startswith("_"):
                defined.setdefault(node.name, set()).add(module)
    twice = {name: sorted(mods) for name, mods in defined.items() if len(mods) > 1}
    assert twice == {}


def test_no_module_shadows_the_standard_library():
    import sys
    names = {Path(m).stem for m in SOURCES}
    assert names & set(sys.stdlib_module_names) - {"__init__", "__main__"} == set()


def test_every_module_is_short_and_says_what_it_is():
    for module, text in SOURCES.items():
        assert len(text.splitlines()) <= 400, module
        if module.endswith("__main__.py"):
            continue
        doc = ast.get_docstring(TREES[module])
        assert doc and len(doc.split()) >= 3, f"{module}: a docstring naming its one concept"
