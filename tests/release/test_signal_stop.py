"""Signals that come while an interrupted release stops its git child and rolls back.

A CI runner cancels with SIGINT then SIGTERM, an impatient user presses Ctrl-C twice. Each case
runs the real command line in a subprocess on a real repository whose ``git commit`` is held up
by a hook, sends two signals, and checks that the release ended its git child before it exited
and that what it said is what ``git log`` and ``git status`` show.

The cases synchronise with the hook through marker files and a fifo, never by sleeping, except
to give a release that would wrongly exit early the chance to do so.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import GitRepo
from release_tools.release.signals import Interrupted, interruptible, pending_signal

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads /proc to tell ended processes"
)

INT, TERM = signal.SIGINT, signal.SIGTERM
JOURNAL = ".git/release-tools/journal.json"


def project(repo: GitRepo) -> GitRepo:
    """One Python package at 1.0.0 with one minor version plan committed."""
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/p.md", "---\npkg: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    return repo


def hook(repo: GitRepo, body: str) -> None:
    path = repo.path / ".git" / "hooks" / "pre-commit"
    path.write_text(f"#!/bin/sh\n{body}")
    path.chmod(0o755)


def wait_for(path: Path, proc: subprocess.Popen[str], what: str) -> None:
    deadline = time.monotonic() + 30
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{what} never happened"
        time.sleep(0.01)


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie has ended: only its parent has not collected it)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def all_ended(pids: list[int], within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not any(alive(p) for p in pids)


def state(repo: GitRepo) -> tuple[str, str, str, str]:
    """HEAD, the log, the status and the index: what the release's message is checked against."""
    return (
        repo.head(),
        repo.git("log", "--format=%H %s"),
        repo.git("status", "--porcelain", "--untracked-files=all"),
        repo.git("ls-files", "-s"),
    )


@contextlib.contextmanager
def release(
    repo: GitRepo, *args: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[str]]:
    """The release command line in a subprocess; whatever is left of it is killed after."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so that the cleanup reaches it all
    )
    try:
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()


def rerun(repo: GitRepo, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path), *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def restored_message(signum: int) -> str:
    return (
        f"error: interrupted by {signal.Signals(signum).name} before the release commit: every "
        "file and plan restored, nothing committed"
    )


def assert_released_cleanly_afterwards(repo: GitRepo) -> None:
    """Nothing of the interrupted run is left: ``--abort`` has nothing to do and the next
    release makes the commit and the tag."""
    aborted = rerun(repo, "--abort")
    assert aborted.returncode == 0, aborted.stderr
    assert "nothing to abort" in aborted.stdout
    hook(repo, "exit 0\n")
    again = rerun(repo)
    assert again.returncode == 0, again.stderr
    assert repo.git("log", "-1", "--format=%s") == "chore(release): pkg 1.1.0"
    assert repo.git("tag", "--points-at", "HEAD") == "v1.1.0"


# --- the scope ---------------------------------------------------------------------------------


def test_only_the_first_signal_of_a_scope_is_raised_the_others_wait() -> None:
    with interruptible():
        with pytest.raises(Interrupted) as caught:
            signal.raise_signal(INT)
        # The stop and the rollback the first one started run on.
        signal.raise_signal(TERM)
        signal.raise_signal(INT)
        assert pending_signal() == TERM
    assert caught.value.signum == INT
    assert pending_signal() is None
    with interruptible(), pytest.raises(Interrupted):  # a new scope stops on its first again
        signal.raise_signal(TERM)


# --- a second signal while the git child is being stopped --------------------------------------


def stubborn_git(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``git commit`` runs the real one as its child and, on SIGTERM,
    says so in ``stopping`` and then waits until something is written to the fifo ``go``
    before it ends (writing ``ended``): a child that takes its time to stop."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "stubborn-bin"
    bin_dir.mkdir()
    os.mkfifo(tmp_path / "go")
    script = bin_dir / "git"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        '  if [ "$arg" = commit ]; then\n'
        f'    trap \'touch "{tmp_path}/stopping"; read line < "{tmp_path}/go"; '
        f'touch "{tmp_path}/ended"; exit 143\' TERM\n'
        f'    "{real}" "$@" &\n'
        "    wait $!\n"
        "    exit $?\n"
        "  fi\n"
        "done\n"
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def let_go(fifo: Path) -> None:
    """Let the stubborn ``git commit`` end; it must still be waiting to be let go."""
    try:
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as exc:
        assert exc.errno != errno.ENXIO, "the stubborn git commit was no longer waiting"
        raise
    with os.fdopen(fd, "w") as handle:
        handle.write("go\n")


@pytest.mark.parametrize(("first", "second"), [(INT, INT), (INT, TERM), (TERM, TERM)])
def test_a_second_signal_waits_until_the_git_child_has_ended(
    repo: GitRepo, tmp_path: Path, first: int, second: int
) -> None:
    project(repo)
    hook(repo, f'touch "{tmp_path}/started"\nexec sleep 30\n')
    before = state(repo)
    env = stubborn_git(tmp_path)
    with release(repo, env=env) as proc:
        wait_for(tmp_path / "started", proc, "the pre-commit hook")
        proc.send_signal(first)
        wait_for(tmp_path / "stopping", proc, "the SIGTERM to git commit")
        proc.send_signal(second)
        # A release that gave up on its child would exit now, leaving it running.
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=0.5)
        let_go(tmp_path / "go")
        _, stderr = proc.communicate(timeout=30)
        assert (tmp_path / "ended").exists()
    assert proc.returncode == 128 + first, stderr
    assert stderr.strip() == f"{restored_message(first)}"
    assert state(repo) == before
    assert not (repo.path / JOURNAL).exists()
    assert not (repo.path / ".git/index.lock").exists()
    assert_released_cleanly_afterwards(repo)


# --- two signals back to back, real git, a sleeping hook ---------------------------------------


@pytest.mark.parametrize(("first", "second"), [(INT, INT), (INT, TERM), (TERM, INT)])
def test_two_signals_back_to_back_stop_git_before_the_release_exits(
    repo: GitRepo, tmp_path: Path, first: int, second: int
) -> None:
    project(repo)
    pids = tmp_path / "pids"
    # $PPID is the git commit running the hook.
    hook(repo, f'sleep 30 & echo "$PPID $$ $!" > "{pids}"\ntouch "{tmp_path}/started"\nwait\n')
    before = state(repo)
    with release(repo) as proc:
        wait_for(tmp_path / "started", proc, "the pre-commit hook")
        os.kill(proc.pid, first)
        os.kill(proc.pid, second)
        _, stderr = proc.communicate(timeout=30)
        git_commit, *hook_pids = [int(p) for p in pids.read_text().split()]
        # The release reaped its git commit before it exited: no commit can come after.
        assert not alive(git_commit)
        assert all_ended(hook_pids)
    # Two signals sent together may arrive in either order.
    signum = proc.returncode - 128
    assert signum in (first, second), stderr
    assert stderr.strip() == restored_message(signum)
    assert state(repo) == before
    assert not (repo.path / JOURNAL).exists()
    assert_released_cleanly_afterwards(repo)


# --- the commit is made when the signals come --------------------------------------------------


def lingering_git(tmp_path: Path) -> dict[str, str]:
    """An environment whose ``git commit`` makes the commit, then says so in ``committed`` and
    lingers before it exits: signals that come then find the release commit made."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "lingering-bin"
    bin_dir.mkdir()
    script = bin_dir / "git"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        '  if [ "$arg" = commit ]; then\n'
        f'    "{real}" "$@" || exit\n'
        f'    touch "{tmp_path}/committed"\n'
        "    sleep 30 & wait\n"
        "    exit 0\n"
        "  fi\n"
        "done\n"
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


@pytest.mark.parametrize(("first", "second"), [(INT, INT), (INT, TERM)])
def test_signals_after_git_made_the_commit_say_it_exists_and_abort_undoes_it(
    repo: GitRepo, tmp_path: Path, first: int, second: int
) -> None:
    project(repo)
    base = repo.head()
    before = state(repo)
    env = lingering_git(tmp_path)
    with release(repo, env=env) as proc:
        wait_for(tmp_path / "committed", proc, "the release commit")
        os.kill(proc.pid, first)
        os.kill(proc.pid, second)
        _, stderr = proc.communicate(timeout=30)
    signum = proc.returncode - 128
    assert signum in (first, second), stderr
    commit = repo.head()
    assert repo.git("log", "-1", "--format=%s") == "chore(release): pkg 1.1.0"
    assert repo.git("rev-parse", "HEAD^") == base
    assert stderr.strip() == (
        f"error: interrupted by {signal.Signals(signum).name} after the release commit "
        f"{commit[:10]}: still to do: tag v1.1.0; run `release-tools release --resume` to finish "
        "or `release-tools release --abort` to undo"
    )
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""
    aborted = rerun(repo, "--abort")
    assert aborted.returncode == 0, aborted.stderr
    assert state(repo) == before
    assert not (repo.path / JOURNAL).exists()
