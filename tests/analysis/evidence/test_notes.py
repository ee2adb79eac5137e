"""Change notes (towncrier news fragments, reno release notes) as declared evidence."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis import analyze
from release_tools.analysis.evidence.notes import fragment_type, gather, reno_level
from release_tools.analysis.models import Bump, EvidenceKind, Strength
from repo_context import build_context


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("changelog.d/123.feature.md", "feature"),
        ("newsfragments/+orphan.bugfix", "bugfix"),
        ("changelog/1234.breaking.rst", "breaking"),
        ("changelog/1234.improvement.2.rst", "improvement"),
        ("src/pkg/newsfragments/77.removal.txt", "removal"),
        ("changes/9.Feature.md", "feature"),
        ("changes/1.2.3.md", None),
        ("changelog/README.md", None),
        ("changelog/_template.rst", None),
        ("changelog/12.unknowntype.md", None),
        ("src/app/12.feature.md", None),
        ("changelog.d/.feature.md", None),
    ],
)
def test_fragment_types_come_from_the_file_name(path: str, kind: str | None) -> None:
    assert fragment_type(path) == kind


def test_reno_notes_are_read_by_their_sections() -> None:
    assert reno_level("---\nfeatures:\n  - A new wait.\nfixes:\n  - x\n") == (
        Bump.MINOR,
        "features",
    )
    assert reno_level("upgrade:\n  - The default timeout is gone.\nfixes:\n  - y\n") == (
        Bump.MAJOR,
        "upgrade",
    )
    # Notes about supported runtimes are the runtime floor's to weigh, in any section.
    assert reno_level("upgrade:\n  - Python 3.8 is gone.\nfixes:\n  - y\n") == (
        Bump.PATCH,
        "fixes",
    )
    assert reno_level("upgrade: Drop support for Python 3.9 (EOL).\n") is None
    assert reno_level("fixes:\n  - |\n    Respects min.\n") == (Bump.PATCH, "fixes")
    # Empty sections, unknown ones, broken YAML and non-mappings say nothing.
    assert reno_level("features: []\nother: x\n") == (Bump.NONE, "other")
    assert reno_level("unknown:\n  - x\n") is None
    assert reno_level("features: [\n") is None
    assert reno_level("- a\n- b\n") is None


PYPROJECT = '[project]\nname = "pkg"\nversion = "1.0.0"\n'


def _code(keep: int, inner: int) -> str:
    return f"def keep():\n    return {keep}\n\n\ndef _inner():\n    return {inner}\n"


def _project(repo: Any) -> str:
    repo.write("pyproject.toml", PYPROJECT)
    repo.write("src/pkg/__init__.py", _code(1, 1))
    base = repo.commit("Initial")
    repo.tag("v1.0.0")
    return base


def test_a_feature_fragment_makes_a_minor_release(repo: Any) -> None:
    base = _project(repo)
    repo.write("src/pkg/__init__.py", _code(1, 2))
    repo.write("changelog.d/12.feature.md", "The inner value is now 2.\n")
    repo.write("changelog.d/13.doc.md", "Docs.\n")
    repo.commit("Change the inner value")

    items = gather(build_context(repo.path, base))
    assert all(e.source == "change-note" and e.kind is EvidenceKind.CHANGE_NOTE for e in items)
    assert [(e.level, e.strength, e.message, e.path) for e in items] == [
        (Bump.MINOR, Strength.STRONG, "news fragment of type feature", "changelog.d/12.feature.md"),
        (Bump.NONE, Strength.STRONG, "news fragment of type doc", "changelog.d/13.doc.md"),
    ]

    decision = analyze(repo.path)
    assert (decision.version_type, decision.next_version) == ("minor", "1.1.0")
    assert decision.reasoning.startswith(
        "minor: news fragment of type feature (changelog.d/12.feature.md)"
    )


def test_a_removal_fragment_is_major_and_a_deleted_fragment_is_not_read(repo: Any) -> None:
    repo.write("changelog.d/5.removal.md", "An old note.\n")
    _project(repo)
    repo.remove("changelog.d/5.removal.md")
    repo.write("src/pkg/__init__.py", _code(2, 1))
    repo.commit("Fix keep")
    assert analyze(repo.path).version_type == "patch"
    repo.write("newsfragments/6.breaking.rst", "keep() returns 2.\n")
    repo.write("src/pkg/extra.py", "def extra():\n    return 0\n")
    repo.commit("Declare the break")
    decision = analyze(repo.path)
    assert decision.version_type == "major"
    assert "news fragment of type breaking (newsfragments/6.breaking.rst)" in decision.reasoning
    assert "the breaking change is declared by change notes" in decision.reasoning


def test_code_that_shows_more_than_the_notes_needs_review(repo: Any) -> None:
    _project(repo)
    repo.write("src/pkg/__init__.py", "def _inner():\n    return 1\n")  # keep() is gone
    repo.write("changelog.d/7.bugfix.md", "Tidy up.\n")
    repo.commit("Tidy up")
    decision = analyze(repo.path)
    assert decision.version_type == "major" and decision.needs_review
    assert "change notes declare at most patch but the code shows major" in decision.reasoning


def test_a_reno_release_note_counts(repo: Any) -> None:
    base = _project(repo)
    repo.write(
        "releasenotes/notes/new-wait-0123456789abcdef.yaml",
        "---\nfeatures:\n  - |\n    A new wait strategy.\n",
    )
    repo.write("src/pkg/__init__.py", _code(1, 3))
    repo.commit("Add a wait strategy")
    items = gather(build_context(repo.path, base))
    assert [(e.level, e.message) for e in items] == [
        (
            Bump.MINOR,
            "release note in section features",
        )
    ]
    assert analyze(repo.path).version_type == "minor"
