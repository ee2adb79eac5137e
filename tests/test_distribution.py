"""What pip sees: the distribution's name, its console script, its dependency bounds, and a README
whose install commands name that distribution.

The import package is ``release_tools`` and the command ``release-tools``, but the distribution
has its own name on the package index; a README that installs by the command's name would install
somebody else's project.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import re
import shlex
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

import release_tools

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT: dict[str, Any] = PYPROJECT["project"]
README = (ROOT / "README.md").read_text(encoding="utf-8")

DISTRIBUTION = "semver-release-tools"
COMMAND = "release-tools"

# Requirements a user's installation pulls in: the runtime ones and the user-facing extra.
USER_REQUIREMENTS: list[str] = [
    *PROJECT["dependencies"],
    *PROJECT.get("optional-dependencies", {}).get("forge", []),
]

# An installer command up to the end of its shell command (`&&`, `;`, `|`, a comment, the line).
INSTALL = re.compile(r"\b(?:pip|pipx|uv pip|uv tool)\s+install\b([^\n`&;|#]*)")


def test_the_distribution_name() -> None:
    assert PROJECT["name"] == DISTRIBUTION


def test_the_installed_distribution_is_this_project() -> None:
    dist = importlib.metadata.distribution(DISTRIBUTION)
    assert dist.metadata["Name"] == DISTRIBUTION
    assert dist.version == PROJECT["version"]
    # The package imported is this checkout's, and it reports the distribution's version.
    assert Path(release_tools.__file__).resolve().is_relative_to(ROOT / "src")
    assert release_tools.__version__ == dist.version
    # A stale editable install still carries the dependencies it was installed with.
    assert _pinned(r for r in dist.requires or [] if "extra ==" not in r) == _pinned(
        PROJECT["dependencies"]
    )


def _pinned(requirements: Iterable[str]) -> dict[str, str]:
    """Requirement name (normalised) to its version specifiers in a stable order."""
    out: dict[str, str] = {}
    for text in requirements:
        requirement = Requirement(text)
        out[canonicalize_name(requirement.name)] = ",".join(sorted(map(str, requirement.specifier)))
    return out


def test_the_console_script_is_an_importable_callable() -> None:
    target = PROJECT["scripts"][COMMAND]
    module_name, _, attribute = target.partition(":")
    assert attribute, f"{COMMAND} = {target!r} names no callable"
    assert callable(getattr(importlib.import_module(module_name), attribute))

    scripts = importlib.metadata.distribution(DISTRIBUTION).entry_points.select(
        group="console_scripts"
    )
    assert [(ep.name, ep.value) for ep in scripts] == [(COMMAND, target)]
    assert callable(scripts[COMMAND].load())


def _upper_bound_problem(text: str) -> str | None:
    """Why ``text`` lacks a bound below the next breaking release, or None when it has one.

    From 1.0 on that is a major version (``<N``); below 1.0 semantic versioning lets a minor
    release break, so the bound is the next minor (``<0.N``).
    """
    requirement = Requirement(text)
    lower = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "~=")]
    upper = [Version(s.version) for s in requirement.specifier if s.operator == "<"]
    if len(upper) != 1:
        return "no single `<` bound"
    (bound,) = upper
    if lower and bound <= max(lower):
        return "the upper bound is not above the lower one"
    if bound.major >= 1:
        return None if bound.release[1:] in ((), (0,), (0, 0)) else f"<{bound} is not a major"
    if bound.release[2:] not in ((), (0,)):
        return f"<{bound} is not a minor of 0.x"
    return None


@pytest.mark.parametrize("requirement", USER_REQUIREMENTS)
def test_every_user_requirement_has_a_breaking_release_bound(requirement: str) -> None:
    assert _upper_bound_problem(requirement) is None, requirement


@pytest.mark.parametrize(
    ("requirement", "bounded"),
    [
        ("click>=8.1,<9", True),
        ("tomlkit>=0.12,<0.16", True),
        ("click>=8.1", False),
        ("click>=8.1,<=9", False),
        ("click>=8.1,<8.3", False),
        ("click>=8.1,!=8.2", False),
        ("tomlkit>=0.12,<0.16.2", False),
        ("click>=9,<9", False),
    ],
)
def test_the_bound_rule_itself(requirement: str, bounded: bool) -> None:
    assert (_upper_bound_problem(requirement) is None) is bounded


def _installed_names(text: str) -> list[str]:
    """The requirement names that the ``pip install`` commands in ``text`` install."""
    names: list[str] = []
    for match in INSTALL.finditer(text):
        for word in shlex.split(match.group(1)):
            if word.startswith("-") or word.startswith((".", "/")) or "/" in word:
                continue  # an option, or a local path
            names.append(Requirement(word).name)
    return names


def test_the_readme_installs_the_distribution_by_its_name() -> None:
    names = _installed_names(README)
    # The README's own install commands must be found, or this test checks nothing.
    assert names.count(DISTRIBUTION) >= 3
    wrong = sorted({n for n in names if canonicalize_name(n) == canonicalize_name(COMMAND)})
    assert wrong == [], f"the README installs {wrong}, somebody else's project"


def test_the_readme_scanner_catches_the_command_name() -> None:
    text = (
        "Install with `pip install release-tools`.\n"
        "    - run: pip install 'release-tools[forge]' build && release-tools analyze\n"
        "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]'\n"
        "uv tool install semver-release-tools  # the distribution\n"
    )
    assert _installed_names(text) == [COMMAND, COMMAND, "build", DISTRIBUTION]
