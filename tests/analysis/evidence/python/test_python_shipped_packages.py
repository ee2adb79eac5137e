"""Helper packages beside the shipped ones: the package list or search says which ship."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis.evidence.python.api import gather
from repo_context import build_context

FIXER = "def fix(node):\n    return node\n"


def _removal_messages(repo: Any, manifests: dict[str, str]) -> list[str]:
    """Commit ``manifests``, a shipped package and a helper package, then delete the helper."""
    for path, text in manifests.items():
        repo.write(path, text)
    repo.write("jinja2/__init__.py", "def render():\n    return 1\n")
    repo.write("custom_fixers/__init__.py", "")
    repo.write("custom_fixers/fix_xrange.py", FIXER)
    base = repo.commit("initial")
    repo.remove("custom_fixers/__init__.py")
    repo.remove("custom_fixers/fix_xrange.py")
    repo.commit("change")
    return [e.message for e in gather(build_context(repo.path, base))]


REMOVED = [
    "removed public module custom_fixers",
    "removed public module custom_fixers.fix_xrange",
]


@pytest.mark.parametrize(
    "manifests",
    [
        {
            "setup.py": "setup(use_2to3_fixers=['custom_fixers'],\n"
            "      packages=['jinja2', 'jinja2.testsuite'])\n"
        },
        {"setup.cfg": "[metadata]\nname = jinja2\n[options]\npackages =\n    jinja2\n"},
        {"pyproject.toml": "[tool.setuptools]\npackages = ['jinja2']\n"},
        {"pyproject.toml": "[tool.poetry]\npackages = [{ include = 'jinja2' }]\n"},
        {"setup.py": "setup(packages=find_packages(exclude=('tests', 'custom_*')))\n"},
        {
            "setup.cfg": "[options]\npackages = find:\n[options.packages.find]\n"
            "exclude =\n    tests\n    custom_fixers\n"
        },
        {
            "pyproject.toml": "[tool.setuptools.packages.find]\n"
            "exclude = ['custom_fixers*']\n[tool.ruff]\nline-length = 99\n"
        },
    ],
    ids=["setup.py", "setup.cfg", "setuptools", "poetry", "find-exclude", "cfg-exclude", "toml"],
)
def test_a_package_the_manifest_leaves_out_does_not_ship(
    repo: Any, manifests: dict[str, str]
) -> None:
    assert _removal_messages(repo, manifests) == []


@pytest.mark.parametrize(
    "manifests",
    [
        {"setup.py": "setup(packages=find_packages())\n"},
        {"setup.py": "setup(packages=PACKAGES)\n"},
        {"setup.py": "setup(packages=['jinja2', 'custom_fixers'])\n"},
        {"setup.cfg": "[options]\npackages = find:\n[flake8]\nexclude =\n    custom_fixers\n"},
        {"pyproject.toml": "[tool.ruff]\nexclude = ['custom_fixers']\n"},
        {"pyproject.toml": "[project]\nname = 'jinja2'\n"},
    ],
    ids=["find", "variable", "named", "linter-exclude", "ruff-exclude", "no-list"],
)
def test_a_package_the_manifest_does_not_leave_out_ships(
    repo: Any, manifests: dict[str, str]
) -> None:
    assert _removal_messages(repo, manifests) == REMOVED


def test_a_package_named_at_either_ref_ships(repo: Any) -> None:
    repo.write("setup.py", "setup(packages=['jinja2', 'custom_fixers'])\n")
    repo.write("jinja2/__init__.py", "def render():\n    return 1\n")
    repo.write("custom_fixers/__init__.py", "def fix(node):\n    return node\n")
    base = repo.commit("initial")
    repo.write("setup.py", "setup(packages=['jinja2'])\n")
    repo.remove("custom_fixers/__init__.py")
    repo.commit("stop shipping the fixers")
    messages = [e.message for e in gather(build_context(repo.path, base))]
    assert messages == ["removed public module custom_fixers"]


def test_the_only_package_of_a_root_always_ships(repo: Any) -> None:
    # A package list that misses the one package there is (a typo, a dynamic list) is no
    # reason to hide the project's API.
    repo.write("setup.py", "setup(packages=['jinja'])\n")
    repo.write("jinja2/__init__.py", "def render():\n    return 1\n")
    base = repo.commit("initial")
    repo.write("jinja2/__init__.py", "def draw():\n    return 1\n")
    repo.commit("change")
    messages = [e.message for e in gather(build_context(repo.path, base))]
    assert "removed public function jinja2.render" in messages
