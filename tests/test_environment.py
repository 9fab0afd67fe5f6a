"""environment.yml is the one dependency list: the venv route must not drift from it."""

import ast
import importlib.util
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from minsheng import config
from packaging.requirements import Requirement

ENV = config.ROOT / "environment.yml"
_spec = importlib.util.spec_from_file_location("envspec", config.ROOT / "tools" / "envspec.py")
envspec = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(envspec)


def test_parser_reads_conda_and_pip_sections():
    conda, pip = envspec.parse("name: x\ndependencies:\n  - python=3.11\n  - pandas=3.1  # c\n"
                               "  - pip\n  - pip:\n      - cn2an>=0.5\n      - -e .\n")
    assert conda == ["python=3.11", "pandas=3.1", "pip"]
    assert pip == ["cn2an>=0.5", "-e ."]
    assert envspec.conda_to_pip("pandas=3.1") == "pandas==3.1.*"
    assert envspec.conda_to_pip("nbval=0.11.0") == "nbval==0.11.0"
    assert envspec.conda_to_pip("python=3.11") is None


def test_every_requirement_is_installed_at_a_matching_version():
    for line in envspec.requirements(ENV):
        if line.startswith("-e"):
            continue
        req = Requirement(line)
        try:
            version = metadata.version(req.name)
        except metadata.PackageNotFoundError:
            pytest.fail(f"{req.name} is named in environment.yml but not installed: run make setup")
        assert req.specifier.contains(version, prereleases=True), f"{req.name} {version} vs {req}"


def test_python_version_matches():
    want = envspec.python_version(ENV)
    assert f"{sys.version_info.major}.{sys.version_info.minor}" == want


def test_no_second_dependency_list():
    pyproject = tomllib.loads((config.ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["dependencies"] == []
    assert not list(config.ROOT.glob("requirements*.txt"))


def _third_party_imports(paths):
    stdlib = set(sys.stdlib_module_names)
    found = set()
    for path in paths:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            found |= {n.split(".")[0] for n in names} - stdlib
    return found - {"minsheng"}


def test_every_import_in_lib_is_named_in_environment_yml():
    named = {Requirement(r).name.lower() for r in envspec.requirements(ENV) if not r.startswith("-e")}
    dists = metadata.packages_distributions()
    for module in _third_party_imports((config.ROOT / "lib").rglob("*.py")):
        providers = {d.lower() for d in dists.get(module, [])}
        # A module of a transitive dependency (numpy via pandas, docx via python-docx) is fine
        # when it comes with a named package; else it must itself be named.
        assert providers & named or _is_transitive(providers, named), (
            f"lib imports {module!r} ({providers}) which environment.yml does not name")


def _is_transitive(providers, named):
    for name in named:
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        if {Requirement(r).name.lower() for r in requires} & providers:
            return True
    return False
