"""A ``git commit`` that ignores SIGTERM is killed at the end of the grace period and may leave
``.git/index.lock`` behind. The release removes the lock it is sure its own killed git left, so
that the rollback, ``--abort`` and ``--resume`` work; any other lock stops them with one line.

The git here is the real one, started with SIGTERM blocked (a blocked signal stays blocked
across ``exec``, and git's hooks inherit it too): it holds ``index.lock`` while its pre-commit
hook runs, and only SIGKILL ends it. The release runs in this process, with a short grace period.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from deaf_git import install_deaf_git, release, release_interrupted_when

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.git import Git, process
from release_tools.release import transaction

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")

JOURNAL = ".git/release-tools/journal.json"
RECORD = ".git/release-tools/left-locks.json"
LOCK = ".git/index.lock"


@pytest.fixture
def deaf_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``git commit`` runs with SIGTERM blocked; the grace period is 0.3 s."""
    install_deaf_git(tmp_path, monkeypatch)


def _planned_with_deaf_hook(repo: GitRepo, tmp_path: Path, hook_name: str) -> GitRepo:
    """One package released at 1.0.0 with a minor plan; the hook ``hook_name`` says
    ``started`` and sleeps, deaf to SIGTERM."""
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/p.md", "---\npkg: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    hook = repo.path / ".git" / "hooks" / hook_name
    hook.write_text(f'#!/bin/sh\ntrap "" TERM\ntouch "{tmp_path}/started"\nexec sleep 30\n')
    hook.chmod(0o755)
    return repo


@pytest.fixture
def project(repo: GitRepo, tmp_path: Path) -> GitRepo:
    """One package with a minor plan; its pre-commit hook says ``started`` and sleeps, deaf to
    SIGTERM (git unblocks signals for its hooks: the hook ignores it on its own)."""
    return _planned_with_deaf_hook(repo, tmp_path, "pre-commit")


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    """SIGINT at its default handler (a suite run in the background has it ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def state(repo: GitRepo) -> tuple[str, str, str, str]:
    return (
        repo.head(),
        repo.git("log", "--format=%H %s"),
        repo.git("status", "--porcelain", "--untracked-files=all"),
        repo.git("ls-files", "-s"),
    )


def release_interrupted(repo: GitRepo, tmp_path: Path, *args: str) -> Result:
    """The release, sent SIGINT once its pre-commit hook runs."""
    started = tmp_path / "started"
    return release_interrupted_when(repo, started.exists, *args)


pytestmark = [pytestmark, pytest.mark.usefixtures("deaf_git", "sigint_raises")]


def test_the_lock_a_killed_git_commit_left_is_removed_and_the_rollback_completes(
    project: GitRepo, tmp_path: Path
) -> None:
    before = state(project)
    result = release_interrupted(project, tmp_path, "--log-level", "info")
    assert result.exit_code == 130, result.output
    *logged, last = result.stderr.splitlines()
    lock = project.path / LOCK
    assert any(f"removed {lock}, left by a git commit that was killed" in line for line in logged)
    assert last == (
        "error: interrupted by SIGINT before the release commit: every file and plan "
        "restored, nothing committed"
    )
    assert not (project.path / LOCK).exists()
    assert not (project.path / RECORD).exists()
    assert not (project.path / JOURNAL).exists()
    assert state(project) == before
    assert "nothing to abort" in release(project, "--abort").stdout
    (project.path / ".git" / "hooks" / "pre-commit").unlink()
    again = release(project)
    assert again.exit_code == 0, again.output
    assert project.git("tag", "--points-at", "HEAD") == "v1.1.0"


@pytest.fixture
def left_behind(
    project: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[GitRepo, tuple[str, str, str, str]]:
    """A release that recorded the lock its killed git left but stopped before removing it
    (as if it had been killed itself then): the lock, its record and the journal remain."""
    before = state(project)
    with monkeypatch.context() as patch:
        patch.setattr(transaction, "remove_left_locks", lambda git: None)
        result = release_interrupted(project, tmp_path)
    assert result.exit_code == 130, result.output
    assert "could not restore the index" in result.stderr
    for left in (LOCK, RECORD, JOURNAL):
        assert (project.path / left).exists(), left
    return project, before


def test_abort_removes_the_lock_its_killed_git_left(
    left_behind: tuple[GitRepo, tuple[str, str, str, str]],
) -> None:
    repo, before = left_behind
    aborted = release(repo, "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert not (repo.path / LOCK).exists()
    assert not (repo.path / RECORD).exists()
    assert not (repo.path / JOURNAL).exists()
    assert state(repo) == before


def test_resume_removes_the_lock_its_killed_git_left_and_releases(
    left_behind: tuple[GitRepo, tuple[str, str, str, str]],
) -> None:
    repo, _ = left_behind
    (repo.path / ".git" / "hooks" / "pre-commit").unlink()
    resumed = release(repo, "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert not (repo.path / LOCK).exists()
    assert repo.git("tag", "--points-at", "HEAD") == "v1.1.0"


def foreign_lock_refusal(repo: GitRepo) -> str:
    lock = repo.path / LOCK
    return (
        f"error: {lock} exists: another git command is using this repository, or one ended "
        f"without removing its lock; once no git command runs here, delete {lock} and run "
        "`release-tools release --abort` again\n"
    )


def test_a_lock_made_anew_since_is_another_gits_and_stays(
    left_behind: tuple[GitRepo, tuple[str, str, str, str]],
) -> None:
    repo, before = left_behind
    lock = repo.path / LOCK
    lock.unlink()
    lock.write_bytes(b"another git's\n")  # a new file: not the one the killed git left
    aborted = release(repo, "--abort")
    assert aborted.exit_code == 1
    assert aborted.stderr == foreign_lock_refusal(repo)
    assert lock.read_bytes() == b"another git's\n"
    assert (repo.path / JOURNAL).exists()
    # Once the user has removed it, the undo goes through.
    lock.unlink()
    assert release(repo, "--abort").exit_code == 0
    assert state(repo) == before


def test_a_lock_whose_recorded_process_runs_is_not_removed(
    left_behind: tuple[GitRepo, tuple[str, str, str, str]],
) -> None:
    repo, _ = left_behind
    record = repo.path / RECORD
    data = json.loads(record.read_text())
    # A running process that the record says is the command (the same start time), or one
    # recorded where no start time can be read: it may still be the command.
    data["locks"][0]["pid"] = os.getpid()
    data["locks"][0]["started"] = process.process_start(os.getpid())
    record.write_text(json.dumps(data))
    aborted = release(repo, "--abort")
    assert aborted.exit_code == 1
    assert aborted.stderr == foreign_lock_refusal(repo)
    assert (repo.path / LOCK).exists()


def test_the_index_lock_is_named_by_an_absolute_path(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The record is read by a later run, which may start in another directory."""
    (repo.path / "sub").mkdir()
    monkeypatch.chdir(repo.path / "sub")
    lock = Git(".").index_lock()
    assert lock.is_absolute()
    assert lock == (repo.path / LOCK).resolve()


def test_a_lock_taken_while_the_commit_runs_its_post_commit_hook_is_not_removed(
    repo: GitRepo, tmp_path: Path
) -> None:
    """``git commit`` releases ``index.lock`` once the commit is made, then runs its
    post-commit hook: a lock there now is another git's, although the killed commit runs on."""
    _planned_with_deaf_hook(repo, tmp_path, "post-commit")
    lock = repo.path / LOCK
    started = tmp_path / "started"

    def take_the_lock_then_interrupt() -> None:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        # As another git takes it: created exclusively, held while that git runs.
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        os.write(fd, b"another git's\n")
        os.close(fd)
        os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=take_the_lock_then_interrupt)
    helper.start()
    try:
        result = CliRunner().invoke(cli, ["release", "-C", str(repo.path)])
    finally:
        helper.join(timeout=30)
    assert result.exit_code == 130, result.output
    assert "after the release commit" in result.stderr
    assert lock.read_bytes() == b"another git's\n"
    assert not (repo.path / RECORD).exists()


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="tells a zombie in /proc")
def test_a_lock_taken_after_the_killed_git_ended_by_itself_is_not_reported(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between the look at the lock and SIGKILL, the command may end by itself, releasing its
    lock, and another git take it: only a command that SIGKILL ended held the lock it saw."""
    repo.write("a.txt", "a\n")
    repo.commit("chore: initial")
    repo.write("a.txt", "b\n")
    repo.git("add", "a.txt")
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        f'#!/bin/sh\ntrap "" TERM\necho $$ > "{tmp_path}/hook"\necho $PPID > "{tmp_path}/git"\n'
        f'touch "{tmp_path}/started"\nexec sleep 30\n'
    )
    hook.chmod(0o755)
    lock = repo.path / LOCK
    real_index_lock = process.GitProcess.index_lock

    def hook_ends_and_another_git_locks(self: process.GitProcess) -> Path:
        path = real_index_lock(self)
        # The hook fails: the commit removes its lock and ends by itself...
        os.kill(int((tmp_path / "hook").read_text()), signal.SIGKILL)
        git_stat = Path(f"/proc/{(tmp_path / 'git').read_text().strip()}/stat")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if git_stat.read_text().rsplit(")", 1)[1].split()[0] == "Z":
                break
            time.sleep(0.01)
        # ... and another git takes the lock at once.
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        os.write(fd, b"another git's\n")
        os.close(fd)
        return path

    monkeypatch.setattr(process.GitProcess, "index_lock", hook_ends_and_another_git_locks)
    started = tmp_path / "started"

    def interrupt() -> None:
        deadline = time.monotonic() + 30
        while not started.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    git = Git(repo.path)
    helper = threading.Thread(target=interrupt)
    helper.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            git.commit("feat: b")
    finally:
        helper.join(timeout=30)
    assert git.left_locks == []
    assert lock.read_bytes() == b"another git's\n"
