"""Release tags made beside the branch: a tagged release commit that was squash-merged or never
merged, whose parent is on the branch, counts as the release the range starts from."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.analysis.service import run_analysis
from release_tools.cli import cli
from release_tools.config import Settings
from release_tools.git import Git


def _dated(repo: GitRepo, message: str, when: int) -> str:
    """Commit everything staged or changed with commit and author dates ``when``."""
    stamp = f"@{when} +0000"
    repo.git("add", "-A")
    repo.git(
        "commit", "-q", "--allow-empty", "-m", message,
        env={"GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp},
    )  # fmt: skip
    return repo.head()


def _project(repo: GitRepo, version: str) -> None:
    repo.write("pyproject.toml", f'[project]\nname = "pkg"\nversion = "{version}"\n')


def _start(repo: GitRepo) -> int:
    """A released 1.0.0 and a feature after it; returns the next free date."""
    _project(repo, "1.0.0")
    repo.write("pkg/__init__.py", "def a():\n    return 1\n")
    repo.write("tests/test_a.py", "def test_a():\n    pass\n")
    _dated(repo, "feat: a", 1_700_000_000)
    repo.tag("v1.0.0")
    repo.write("pkg/__init__.py", "def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    _dated(repo, "feat: b", 1_700_000_100)
    return 1_700_000_200


def _release_beside(repo: GitRepo, when: int, *, strip_tests: bool) -> str:
    """Tag a release commit made on a detached head off the current branch, then go back."""
    branch = repo.git("symbolic-ref", "--short", "HEAD")
    repo.git("checkout", "-q", "--detach")
    _project(repo, "1.1.0")
    if strip_tests:
        repo.remove("tests")
    released = _dated(repo, "chore: release 1.1.0", when)
    repo.tag("v1.1.0")
    repo.git("checkout", "-q", branch)
    return released


def test_a_release_commit_never_merged_starts_the_range(repo: GitRepo) -> None:
    when = _start(repo)
    _release_beside(repo, when, strip_tests=True)
    _project(repo, "1.1.0")
    repo.write("pkg/__init__.py", "def a():\n    return 3\n\n\ndef b():\n    return 2\n")
    fix = _dated(repo, "fix: a returns 3", when + 100)

    decision = run_analysis(Settings(repo=repo.path))

    assert decision.base == "v1.1.0"
    assert decision.current_version == "1.1.0"
    assert (decision.version_type, decision.next_version) == ("patch", "1.1.1")
    # The range holds the fix alone, and the tests the tagged commit removed are not added.
    assert [e.commit for e in decision.evidence if e.commit] == [fix]
    assert decision.stats["files"] == 2


def test_a_squash_merged_release_commit_starts_the_range(repo: GitRepo) -> None:
    when = _start(repo)
    released = _release_beside(repo, when, strip_tests=False)
    # The release's pull request lands as one new commit with the same tree.
    repo.git("merge", "--squash", "-q", released)
    squash = _dated(repo, "chore: release 1.1.0 (#12)", when + 50)

    decision = run_analysis(Settings(repo=repo.path))

    assert (decision.base, decision.current_version) == ("v1.1.0", "1.1.0")
    assert decision.stats["commits"] == 1
    assert Git(repo.path).merge_base(released, squash) == decision.base_sha


def test_a_later_tag_on_the_same_branch_is_not_beside_an_older_head(repo: GitRepo) -> None:
    when = _start(repo)
    older = repo.head()
    _project(repo, "1.1.0")
    _dated(repo, "chore: release 1.1.0", when)
    repo.tag("v1.1.0")

    decision = run_analysis(Settings(repo=repo.path, head=older))

    assert (decision.base, decision.current_version) == ("v1.0.0", "1.0.0")


def test_a_backport_made_later_from_an_older_release_is_not_the_base(repo: GitRepo) -> None:
    when = _start(repo)
    _project(repo, "1.1.0")
    _dated(repo, "chore: release 1.1.0", when)
    repo.tag("v1.1.0")
    repo.write("pkg/__init__.py", "def a():\n    return 4\n\n\ndef b():\n    return 2\n")
    _dated(repo, "fix: a returns 4", when + 100)
    # A backport released later, on a branch started at v1.0.0.
    repo.git("checkout", "-q", "-b", "1.0.x", "v1.0.0")
    _project(repo, "1.0.1")
    _dated(repo, "fix: backport", when + 200)
    repo.tag("v1.0.1")
    repo.git("checkout", "-q", "-")

    decision = run_analysis(Settings(repo=repo.path))

    assert (decision.base, decision.current_version) == ("v1.1.0", "1.1.0")


def test_the_history_learns_from_releases_made_beside_the_branch(repo: GitRepo) -> None:
    when = _start(repo)
    versions = ["1.1.0", "1.2.0", "1.3.0", "1.4.0", "1.5.0", "1.6.0"]
    for step, version in enumerate(versions):
        body = "".join(f"\n\ndef f{n}():\n    return {n}\n" for n in range(step + 1))
        repo.write("pkg/__init__.py", f"def a():\n    return 1\n{body}")
        _dated(repo, f"feat: f{step}", when + 100 * step)
        branch = repo.git("symbolic-ref", "--short", "HEAD")
        repo.git("checkout", "-q", "--detach")
        _project(repo, version)
        repo.remove("tests")
        _dated(repo, f"chore: release {version}", when + 100 * step + 50)
        repo.tag(f"v{version}")
        repo.git("checkout", "-q", branch)
    repo.write("pkg/__init__.py", "def a():\n    return 2\n")
    _dated(repo, "fix: a", when + 1000)

    decision = run_analysis(Settings(repo=repo.path))

    assert decision.base == "v1.6.0"
    assert decision.history is not None
    assert decision.history["pairs"] >= 5


def test_release_auto_releases_after_the_tag_made_beside_the_branch(repo: GitRepo) -> None:
    when = _start(repo)
    _release_beside(repo, when, strip_tests=True)
    _project(repo, "1.1.0")
    repo.write("pkg/__init__.py", "def a():\n    return 3\n\n\ndef b():\n    return 2\n")
    _dated(repo, "fix: a returns 3", when + 100)

    result = CliRunner().invoke(
        cli, ["release", "--auto", "--dry-run", "--format", "json", "-C", str(repo.path)]
    )

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(r["name"], r["old_version"], r["new_version"]) for r in report["releases"]] == [
        ("pkg", "1.1.0", "1.1.1")
    ]
