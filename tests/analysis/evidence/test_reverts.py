"""Removals and additions that undo a reverted commit of an earlier release are review items."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence import gather_evidence
from release_tools.analysis.evidence.reverts import declared_names, subject_name
from release_tools.analysis.models import Bump
from repo_context import build_context
from review_marks import checked

OLD = "def fetch(url):\n    return url\n\n\ndef keep():\n    return 1\n"
NEW = "def get(url):\n    return url\n\n\ndef keep():\n    return 1\n"


def _released_rename(repo: Any) -> str:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.py", OLD)
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("pkg/core.py", NEW)
    rename = repo.commit("feat: rename fetch to get")
    repo.tag("v1.1.0")
    return rename


def _api(items: list[Any]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in checked(items) if e.source == "python-api")


def test_reverting_a_released_change_makes_its_api_changes_review_items(repo: Any) -> None:
    rename = _released_rename(repo)
    repo.git("revert", "--no-edit", rename)
    items = gather_evidence(build_context(repo.path, "v1.1.0"))
    short = rename[:10]
    subject = 'Revert "feat: rename fetch to get"'
    assert _api(items) == [
        (
            "patch",
            f"new public function pkg.core.fetch: {short} of an earlier release removed it, "
            f'and "{subject}" undoes that (review)',
        ),
        (
            "patch",
            f"removed public function pkg.core.get: {short} of an earlier release added it, "
            f'and "{subject}" undoes that (review)',
        ),
    ]
    verdict = decide(items, has_changes=True)
    assert all(e.review for e in items if e.source == "python-api")
    # A removal read as the undoing of an addition may still break a caller: a human decides.
    assert (verdict.bump, verdict.needs_review) == (Bump.PATCH, True)
    assert "the code readers could not settle" in verdict.reasoning


def test_other_api_changes_beside_a_revert_keep_their_weight(repo: Any) -> None:
    rename = _released_rename(repo)
    repo.git("revert", "--no-edit", rename)
    repo.write("pkg/core.py", OLD.replace("def keep():\n    return 1\n", ""))
    repo.commit("refactor: drop keep")
    items = gather_evidence(build_context(repo.path, "v1.1.0"))
    assert ("major", "removed public function pkg.core.keep") in _api(items)
    assert decide(items, has_changes=True).bump is Bump.MAJOR


def test_reverting_a_released_signature_change_is_a_review_item(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.py", OLD)
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("pkg/core.py", OLD.replace("fetch(url)", "fetch(url, body)"))
    change = repo.commit("feat: fetch sends a body")
    repo.tag("v1.1.0")
    repo.write("pkg/core.py", OLD)
    repo.commit(f"This reverts commit {change}.")
    items = gather_evidence(build_context(repo.path, "v1.1.0"))
    assert _api(items) == [
        (
            "patch",
            "incompatible signature of pkg.core.fetch: parameter body removed: "
            f"{change[:10]} of an earlier release changed it, and "
            f'"This reverts commit {change}." undoes that (review)',
        )
    ]


def test_a_name_the_reverted_commit_only_called_is_still_removed(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.py", "def helper():\n    return 1\n\n\ndef run():\n    return 0\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("pkg/core.py", "def helper():\n    return 1\n\n\ndef run():\n    return helper()\n")
    change = repo.commit("fix: run uses helper")
    repo.tag("v1.1.0")
    repo.git("revert", "--no-edit", change)
    repo.write("pkg/core.py", "def run():\n    return 0\n")
    repo.commit("refactor: drop helper")
    items = gather_evidence(build_context(repo.path, "v1.1.0"))
    assert ("major", "removed public function pkg.core.helper") in _api(items)


def test_a_revert_inside_the_range_is_not_read(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.py", OLD)
    base = repo.commit("feat: first")
    repo.write("pkg/core.py", NEW)
    repo.commit("feat: rename fetch to get")
    repo.write("pkg/core.py", NEW + "\n\ndef fetch(url):\n    return url\n")
    repo.commit("fix: keep fetch")
    items = gather_evidence(build_context(repo.path, base))
    assert ("minor", "new public function pkg.core.get") in _api(items)


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("def fetch(url, body):", {"fetch"}),
        ("func (a *Assertions) HTTPBody(h http.HandlerFunc) string {", {"HTTPBody"}),
        ("pub fn slice(&self) -> Bytes {", {"slice"}),
        ("  defaults: AxiosDefaults;", {"defaults"}),
        ("  AxiosAdapterConfig,", {"AxiosAdapterConfig"}),
        ("export { a, b as c } from './x';", {"a", "b", "c"}),
        ("    'running_min',", {"running_min"}),
        ("    return helper(x)", set()),
        ("    value = obj.helper()", {"value"}),
        ("aaaa bbbb cccc dddd eeee ffff gggg hhhh iiii jjjj kkkk llll mmmm nnnn !", set()),
    ],
)
def test_declared_names_of_a_line(line: str, names: set[str]) -> None:
    assert declared_names(line) == names


@pytest.mark.parametrize(
    ("message", "name"),
    [
        ("removed export AxiosStatic.default (member) from index.d.cts", "default"),
        ("removed public function tenacity.wait.to_seconds", "to_seconds"),
        ("removed exported method Context.GetCookie from package .", "GetCookie"),
        ("removed pub fn Bytes::slice_ref from src/bytes.rs", "slice_ref"),
        ("new export Axios.defaults (member) in index.d.ts", "defaults"),
        ("removed method Close from interface Conn", "Close"),
        (
            "signature of Assertions.HTTPBodyContains changed: func(a) -> func(b)",
            "HTTPBodyContains",
        ),
        ("incompatible signature of pkg.core.fetch: parameter body removed", "fetch"),
        ("signature of pub fn Bytes::slice changed: (u8) -> ()", "slice"),
        ("signature of interface method Conn.Close changed: func() -> func(int)", "Close"),
        ("removed public module pkg.sub", "sub"),
        ("source files changed (2 source)", None),
        ("removed command-line option --all", None),
    ],
)
def test_subject_name(message: str, name: str | None) -> None:
    assert subject_name(message) == name
