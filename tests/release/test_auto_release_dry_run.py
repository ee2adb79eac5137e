"""``release --auto --dry-run`` writes nothing at all: not the work tree, not its ignored
files (analyze's history cache), not ``.git``, not the user's cache directory."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.analysis.cachedir import REPO_CACHE_NAME
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.release.service import ReleaseOptions, run_release

TODAY = date(2026, 1, 2)
PYPROJECT = '[project]\nname = "demo"\nversion = "{}"\n'


def listing(*roots: Path) -> dict[str, tuple[int, int, int]]:
    """Every path under ``roots`` (hidden, ignored and ``.git`` ones included), with its
    modification time, size and mode: equal before and after means nothing was written."""
    found: dict[str, tuple[int, int, int]] = {}
    for root in roots:
        for directory, dirs, files in os.walk(root):
            for name in [*dirs, *files]:
                path = Path(directory, name)
                info = path.lstat()
                found[str(path)] = (info.st_mtime_ns, info.st_size, info.st_mode)
    return found


def released_three_times(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    """A project with three tagged releases (two pairs of history for analyze to cache),
    then a fix to release."""
    repo = make_repo("auto-dry")
    body = "def one() -> int:\n    return {}\n"
    for number, (version, message) in enumerate(
        [("1.0.0", "chore: initial"), ("1.0.1", "fix: two"), ("1.1.0", "feat: three")], 1
    ):
        repo.write("pyproject.toml", PYPROJECT.format(version))
        extra = "\n\ndef three() -> int:\n    return 3\n" if version == "1.1.0" else ""
        repo.write("src/demo/__init__.py", body.format(number) + extra)
        repo.commit(message)
        repo.tag(f"v{version}")
    repo.write("src/demo/__init__.py", body.format(4) + "\n\ndef three() -> int:\n    return 3\n")
    repo.commit("fix: four")
    return repo


def test_a_dry_run_leaves_every_file_and_git_as_it_was(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = released_three_times(make_repo)
    user_cache = Path(os.environ["HOME"])
    before = listing(repo.path, user_cache)

    result = run_release(
        load_settings({}, repo=repo.path), ReleaseOptions(dry_run=True, auto=True, today=TODAY)
    )
    text = CliRunner().invoke(cli, ["release", "-C", str(repo.path), "--auto", "--dry-run"])

    assert [(r.project.name, r.version) for r in result.releases] == [("demo", "1.1.1")]
    assert text.exit_code == 0, text.output
    assert "would tag v1.1.1" in text.stdout
    assert listing(repo.path, user_cache) == before
    assert not (repo.path / REPO_CACHE_NAME).exists()

    # The real release still keeps analyze's history cache: the dry run's restraint ends with it.
    done = run_release(load_settings({}, repo=repo.path), ReleaseOptions(auto=True, today=TODAY))
    assert [(r.project.name, r.version) for r in done.releases] == [("demo", "1.1.1")]
    assert list((repo.path / REPO_CACHE_NAME / "history").glob("*.json"))
