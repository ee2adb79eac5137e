"""``release --auto`` releases the version a ``Release-As`` footer asks for, refuses one that is
not above the current version, and says when the version it releases is not the one analyze
proposed."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import ReleaseError
from release_tools.release.service import ReleaseOptions, ReleaseResult, run_release

TODAY = date(2026, 1, 2)


def release(repo: GitRepo, **options: Any) -> ReleaseResult:
    settings = load_settings({}, repo=repo.path)
    return run_release(settings, ReleaseOptions(today=TODAY, **options))


def single(make_repo: Callable[[str], GitRepo], message: str) -> GitRepo:
    repo = make_repo("auto-versions")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.2.3"\n')
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 1\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.3")
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 1\n\n\ndef two() -> int:\n")
    repo.commit(message)
    return repo


def test_a_release_as_footer_is_the_version_released(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo, "feat: two()\n\nRelease-As: 1.5.0")

    result = release(repo, auto=True)

    assert [(a.name, a.decision.next_version) for a in result.analyzed] == [("demo", "1.5.0")]
    # The plan is held in memory: it carries the exact version, not only the type (minor).
    assert [(r.project.name, r.release_type, r.version) for r in result.releases] == [
        ("demo", "minor", "1.5.0")
    ]
    assert result.warnings == []
    assert repo.git("tag", "--points-at", "HEAD") == "v1.5.0"
    assert 'version = "1.5.0"' in (repo.path / "pyproject.toml").read_text()
    assert "## [1.5.0]" in (repo.path / "CHANGELOG.md").read_text()


def test_a_release_as_a_major_on_zero_releases_that_major(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("auto-zero")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "0.4.2"\n')
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 1\n")
    repo.commit("chore: initial")
    repo.tag("v0.4.2")
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 2\n")
    repo.commit("fix: stable at last\n\nRelease-As: 1.0.0")

    result = release(repo, dry_run=True, auto=True)

    assert [(r.release_type, r.version, r.tag) for r in result.releases] == [
        ("major", "1.0.0", "v1.0.0")
    ]


@pytest.mark.parametrize("asked", ["1.2.3", "1.2.0"])
def test_a_release_as_not_above_the_current_version_is_refused(
    make_repo: Callable[[str], GitRepo], asked: str
) -> None:
    repo = single(make_repo, f"feat: two()\n\nRelease-As: {asked}")
    before = repo.git("status", "--porcelain", "--ignored"), repo.head()

    with pytest.raises(ReleaseError) as refused:
        release(repo, auto=True)
    text = CliRunner().invoke(cli, ["release", "-C", str(repo.path), "--auto", "--dry-run"])

    assert str(refused.value) == (
        f"demo: Release-As {asked} is not above the current version 1.2.3: "
        "raise it in a new commit's footer, or release with a version plan"
    )
    assert text.exit_code == 1
    assert text.stderr.strip().splitlines() == [f"error: {refused.value}"]
    assert (repo.git("status", "--porcelain", "--ignored"), repo.head()) == before


def test_the_version_analyze_proposed_is_released_without_a_note(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo, "feat: two()")

    result = release(repo, dry_run=True, auto=True)

    assert [(r.project.name, r.version) for r in result.releases] == [("demo", "1.3.0")]
    assert result.analyzed[0].decision.next_version == "1.3.0"
    assert result.warnings == []


def fixed_pair(repo: GitRepo, relationship: str) -> GitRepo:
    """Packages a and b at 1.0.0 in one changesets group of ``relationship``, and c apart."""
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    config = {"baseBranch": "main", relationship: [["a", "b"]]}
    repo.write(".changeset/config.json", json.dumps(config))
    for name in ("a", "b", "c"):
        manifest = {"name": name, "version": "1.0.0"}
        repo.write(f"packages/{name}/package.json", json.dumps(manifest, indent=2) + "\n")
        repo.write(f"packages/{name}/index.js", "module.exports = 1;\n")
    repo.commit("chore: initial")
    for name in ("a", "b", "c"):
        repo.tag(f"{name}@1.0.0")
    return repo


@pytest.mark.parametrize("relationship", ["fixed", "linked"])
def test_the_members_sharing_a_version_move_to_the_release_as_version(
    repo: GitRepo, relationship: str
) -> None:
    fixed_pair(repo, relationship)
    repo.write("packages/a/index.js", "module.exports = 2;\n")
    repo.commit("fix(a): two\n\nRelease-As: 1.5.0")
    repo.write("packages/b/index.js", "module.exports = 2;\n")
    repo.write("packages/c/index.js", "module.exports = 2;\n")
    repo.commit("fix: b and c return two")

    result = release(repo, dry_run=True, auto=True)

    # The group moves by a's type (minor, to 1.1.0), then to the version a's footer asks for.
    assert {r.project.name: (r.version, r.tag) for r in result.releases} == {
        "a": ("1.5.0", "a@1.5.0"),
        "b": ("1.5.0", "b@1.5.0"),
        "c": ("1.0.1", "c@1.0.1"),
    }


def test_two_release_as_versions_for_one_shared_version_are_refused(repo: GitRepo) -> None:
    fixed_pair(repo, "fixed")
    repo.write("packages/a/index.js", "module.exports = 2;\n")
    repo.commit("fix(a): two\n\nRelease-As: 2.0.0")
    repo.write("packages/b/index.js", "module.exports = 2;\n")
    repo.commit("fix(b): two\n\nRelease-As: 3.0.0")

    with pytest.raises(ReleaseError) as refused:
        release(repo, dry_run=True, auto=True)

    assert str(refused.value) == (
        "a and b share one version, and their Release-As footers ask for 2.0.0 and 3.0.0: "
        "keep one, or release with a version plan"
    )


def test_a_release_as_that_is_no_version_is_left_out_with_a_warning(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = single(make_repo, "feat: two()\n\nRelease-As: soon")

    result = release(repo, dry_run=True, auto=True)

    assert [(r.project.name, r.version) for r in result.releases] == [("demo", "1.3.0")]
    assert result.warnings == [
        "demo: Release-As 'soon' is not a version and is left out: released as analyze "
        "decided (minor)"
    ]
