"""The release commits its files with ``git commit <paths>``, a partial commit: besides
``index.lock`` git holds the temporary index of that commit, ``.git/next-index-<pid>.lock``,
while its pre-commit hook runs. A commit that ignores SIGTERM and is killed leaves both. The
release records and removes both under the same proof (SIGKILL ended the command, the file is
unchanged, the command's pid is gone or was given to a process started at another time, HEAD
has not moved); another such file stops ``--abort`` with one line naming it.

The git here is the real one, started with SIGTERM blocked (a blocked signal stays blocked
across ``exec``): it holds its locks while the hook runs, and only SIGKILL ends it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from deaf_git import install_deaf_git, release, release_interrupted_when

from gitrepo import GitRepo
from release_tools.release import transaction

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

JOURNAL = ".git/release-tools/journal.json"
RECORD = ".git/release-tools/left-locks.json"
LOCK = ".git/index.lock"


@pytest.fixture(autouse=True)
def deaf_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``git commit`` runs with SIGTERM blocked (same pid: the wrappers exec); the grace
    period is 0.3 s."""
    install_deaf_git(tmp_path, monkeypatch)


@pytest.fixture(autouse=True)
def sigint_raises() -> Iterator[None]:
    """SIGINT at its default handler (a suite run in the background has it ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def project(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """One package at 1.0.0 with a minor plan; its pre-commit hook writes git's pid (its
    parent) to ``git`` and sleeps, deaf to SIGTERM."""
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/p.md", "---\npkg: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\ntrap "" TERM\necho $PPID > "{tmp_path}/git"\nexec sleep 30\n')
    hook.chmod(0o755)
    return repo


def state(repo: GitRepo) -> tuple[str, str, str, str]:
    return (
        repo.head(),
        repo.git("log", "--format=%H %s"),
        repo.git("status", "--porcelain", "--untracked-files=all"),
        repo.git("ls-files", "-s"),
    )


def locks(repo: GitRepo) -> list[str]:
    """The lock files in the git directory's top level."""
    return sorted(p.name for p in (repo.path / ".git").glob("*.lock"))


def release_interrupted(repo: GitRepo, tmp_path: Path, *args: str) -> Result:
    """The release, sent SIGINT once its pre-commit hook runs (and git's pid is written)."""
    marker = tmp_path / "git"

    def written() -> bool:
        return marker.exists() and marker.read_text().endswith("\n")

    return release_interrupted_when(repo, written, *args)


def test_both_locks_a_killed_partial_commit_left_are_removed(
    project: GitRepo, tmp_path: Path
) -> None:
    before = state(project)
    result = release_interrupted(project, tmp_path, "--log-level", "info")
    assert result.exit_code == 130, result.output
    git = int((tmp_path / "git").read_text())
    for name in ("index.lock", f"next-index-{git}.lock"):
        path = project.path / ".git" / name
        assert f"removed {path}, left by a git commit that was killed" in result.stderr
    assert locks(project) == []
    assert not (project.path / RECORD).exists()
    assert state(project) == before


@pytest.fixture
def left_behind(
    project: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[GitRepo, int]:
    """A release that recorded the locks its killed git left but stopped before removing them
    (as if it had been killed itself then): the locks, their record and the journal remain.
    The killed git's pid."""
    with monkeypatch.context() as patch:
        patch.setattr(transaction, "remove_left_locks", lambda git: None)
        result = release_interrupted(project, tmp_path)
    assert result.exit_code == 130, result.output
    git = int((tmp_path / "git").read_text())
    assert locks(project) == ["index.lock", f"next-index-{git}.lock"]
    assert (project.path / JOURNAL).exists()
    return project, git


def test_the_record_names_both_locks_with_the_commands_start_time(
    left_behind: tuple[GitRepo, int],
) -> None:
    repo, git = left_behind
    recorded = json.loads((repo.path / RECORD).read_text())["locks"]
    assert [Path(lock["path"]).name for lock in recorded] == [
        "index.lock",
        f"next-index-{git}.lock",
    ]
    assert {lock["pid"] for lock in recorded} == {git}
    assert {lock["command"] for lock in recorded} == {"commit"}
    if Path("/proc/self/stat").exists():
        assert all(isinstance(lock["started"], int) for lock in recorded)


def test_abort_removes_both_locks_its_killed_git_left(left_behind: tuple[GitRepo, int]) -> None:
    repo, _ = left_behind
    aborted = release(repo, "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert locks(repo) == []
    assert not (repo.path / RECORD).exists()
    assert not (repo.path / JOURNAL).exists()


def test_a_partial_commits_lock_the_release_did_not_leave_stops_abort(
    left_behind: tuple[GitRepo, int],
) -> None:
    """Another ``git commit <paths>`` runs here, or one ended without removing its lock: the
    undo would write the index under it."""
    repo, git = left_behind
    (repo.path / ".git" / f"next-index-{git}.lock").unlink()
    foreign = repo.path / ".git" / "next-index-4242.lock"
    foreign.write_bytes(b"another git's\n")
    aborted = release(repo, "--abort")
    assert aborted.exit_code == 1
    assert aborted.stderr == (
        f"error: {foreign} exists: another git command is using this repository, or one ended "
        f"without removing its lock; once no git command runs here, delete {foreign} and run "
        "`release-tools release --abort` again\n"
    )
    assert foreign.read_bytes() == b"another git's\n"
    # The recorded index.lock went first: it was the killed git's.
    assert locks(repo) == ["next-index-4242.lock"]
    assert (repo.path / JOURNAL).exists()
    foreign.unlink()
    assert release(repo, "--abort").exit_code == 0
    assert locks(repo) == []


def test_every_lock_that_stops_abort_is_named_on_its_one_line(
    left_behind: tuple[GitRepo, int],
) -> None:
    repo, git = left_behind
    (repo.path / RECORD).unlink()  # the proof is lost: neither lock is known to be ours
    index = repo.path / LOCK
    partial = repo.path / ".git" / f"next-index-{git}.lock"
    aborted = release(repo, "--abort")
    assert aborted.exit_code == 1
    assert aborted.stderr == (
        f"error: {index}, {partial} exist: another git command is using this repository, or "
        f"one ended without removing its lock; once no git command runs here, delete {index}, "
        f"{partial} and run `release-tools release --abort` again\n"
    )
    assert locks(repo) == ["index.lock", f"next-index-{git}.lock"]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads start times in /proc")
def test_a_lock_whose_pid_went_to_a_later_process_is_removed(
    left_behind: tuple[GitRepo, int],
) -> None:
    """The pid of the killed git was given out again: the process that has it now started at
    another time, so the command is known to have ended."""
    repo, _ = left_behind
    later = subprocess.Popen(["sleep", "30"])
    try:
        record = repo.path / RECORD
        data = json.loads(record.read_text())
        for lock in data["locks"]:
            lock["pid"] = later.pid
        record.write_text(json.dumps(data))
        aborted = release(repo, "--abort")
    finally:
        later.kill()
        later.wait()
    assert aborted.exit_code == 0, aborted.output
    assert locks(repo) == []


def test_a_lock_whose_recorded_command_may_still_run_is_kept(
    left_behind: tuple[GitRepo, int],
) -> None:
    """A record written where no start time could be read, whose pid runs: it may be the
    command, so its locks stay and stop the undo."""
    repo, _ = left_behind
    record = repo.path / RECORD
    data = json.loads(record.read_text())
    for lock in data["locks"]:
        lock["pid"] = os.getpid()
        lock["started"] = None
    record.write_text(json.dumps(data))
    aborted = release(repo, "--abort")
    assert aborted.exit_code == 1
    assert "exist: another git command is using this repository" in aborted.stderr
    assert len(locks(repo)) == 2


def test_the_locks_of_a_commit_killed_from_outside_are_removed_and_the_rollback_completes(
    project: GitRepo, tmp_path: Path
) -> None:
    """The out-of-memory killer, or a kill by hand, ends the release's ``git commit`` while its
    pre-commit hook runs: its ``next-index-<pid>.lock`` proves both locks its own, and the
    release restores everything, the index included."""
    before = state(project)
    hook = project.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\necho $PPID > "{tmp_path}/git"\nkill -KILL $PPID\n')
    result = release(project, "--log-level", "info")
    assert result.exit_code == 1, result.output
    git = int((tmp_path / "git").read_text())
    for name in ("index.lock", f"next-index-{git}.lock"):
        path = project.path / ".git" / name
        assert f"removed {path}, left by a git commit that was killed" in result.stderr
    assert result.stderr.splitlines()[-1] == (
        "error: commit failed, files restored: git commit was killed by SIGKILL"
    )
    assert locks(project) == []
    assert not (project.path / RECORD).exists()
    assert not (project.path / JOURNAL).exists()
    assert state(project) == before
