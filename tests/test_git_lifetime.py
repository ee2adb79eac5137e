"""How long git and what its hooks start live, measured against the tool's own life.

A git that may change the repository dies with the tool, also when a SIGKILL sent to the
tool's process group cannot reach it in its session of its own (Linux). Processes a hook left
running once its git had ended are not waited for on a normal end, and are stopped with the
tool when it is interrupted. A git killed from outside says so.

Real repositories and real processes throughout. The waits are polls with generous deadlines
that end as soon as what they wait for has happened.
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitrepo import GitRepo
from processwatch import ended_within, hook, read_pid, running
from release_tools.errors import GitError
from release_tools.git import Git, process
from release_tools.release.signals import Interrupted, interruptible

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="tells ended processes by /proc"
)


@pytest.fixture
def changed(repo: GitRepo) -> GitRepo:
    """A repository with one commit and a change of ``a.txt`` to commit."""
    repo.write("a.txt", "a\n")
    repo.commit("chore: initial")
    repo.write("a.txt", "b\n")
    return repo


@pytest.fixture
def reaped_groups() -> Iterator[list[int]]:
    """Process groups a test left running (a hook's child): SIGKILLed when it ends."""
    groups: list[int] = []
    try:
        yield groups
    finally:
        for group in groups:
            if group != os.getpgrp():
                with contextlib.suppress(OSError):
                    # Only the group still led by the git it was, or whose leader has ended
                    # (a pid given out again leads no group of that number).
                    if not running(group) or os.getpgid(group) == group:
                        os.killpg(group, signal.SIGKILL)
        process._LINGERING.clear()


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    """SIGINT at its default handler (a suite run in the background has it ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


# --- a git that outlives the tool ----------------------------------------------------------------

TOOL = """
import sys
from release_tools.git import Git
Git(sys.argv[1]).commit("feat: b", ["a.txt"])
"""


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_git_commit_dies_when_the_tools_process_group_is_killed(
    changed: GitRepo, tmp_path: Path, reaped_groups: list[int]
) -> None:
    """The tool, in a process group as a CI runner starts it, runs ``git commit`` whose
    pre-commit hook waits; the runner SIGKILLs the group. git, in a session of its own, is
    not in it: it must die with the tool, and make no commit."""
    before = changed.head()
    hook(
        changed,
        "pre-commit",
        f'echo $PPID > "{tmp_path}/git"\nexec sleep 60\n',
    )
    tool = subprocess.Popen(
        [sys.executable, "-c", TOOL, str(changed.path)],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        git = read_pid(tmp_path / "git")
        reaped_groups.append(git)  # the hook, in git's group, outlives both
        assert running(git)
        os.killpg(tool.pid, signal.SIGKILL)
    finally:
        with contextlib.suppress(OSError):
            os.killpg(tool.pid, signal.SIGKILL)
        tool.wait()
    assert ended_within(git), "git ran on after the tool was killed"
    assert changed.head() == before


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_whose_tool_died_before_the_request_ends_before_exec(tmp_path: Path) -> None:
    """The request is made in the child after the fork, and does nothing when the tool has
    died in between: the child, seeing another parent than the tool, ends itself."""
    prctl = process._prctl()
    assert prctl is not None
    tool_gone = functools.partial(process._die_with, prctl, -1)  # no process has pid -1
    proc = subprocess.Popen(["sh", "-c", f'touch "{tmp_path}/ran"'], preexec_fn=tool_gone)
    assert proc.wait() == -signal.SIGKILL
    assert not (tmp_path / "ran").exists()
    # With the tool as its parent the child runs on to exec.
    tool_here = functools.partial(process._die_with, prctl, os.getpid())
    proc = subprocess.Popen(["sh", "-c", f'touch "{tmp_path}/ran"'], preexec_fn=tool_here)
    assert proc.wait() == 0
    assert (tmp_path / "ran").exists()


# --- what a hook leaves running once its git has ended ------------------------------------------


def leaves_a_daemon(repo: GitRepo, tmp_path: Path, *, on_term: str = "exit 0") -> None:
    """A post-commit hook that starts a background job detached from git's pipes (so git,
    and the tool reading it, end without it): the job writes its pid to ``daemon``, handles
    SIGTERM with ``on_term`` and runs until stopped."""
    job = tmp_path / "daemon.sh"
    job.write_text(
        f"trap '{on_term}' TERM\necho $$ > \"{tmp_path}/daemon\"\nwhile :; do sleep 0.02; done\n"
    )
    hook(repo, "post-commit", f'sh "{job}" </dev/null >/dev/null 2>&1 &\n')


def committed_with_daemon(repo: GitRepo, tmp_path: Path, groups: list[int]) -> int:
    """Commit through the tool; the post-commit hook's job runs on. Its pid."""
    Git(repo.path).commit("feat: b", ["a.txt"])
    daemon = read_pid(tmp_path / "daemon")
    groups.append(os.getpgid(daemon))
    return daemon


def test_a_normal_end_does_not_wait_for_what_a_hook_left_running(
    changed: GitRepo, tmp_path: Path, reaped_groups: list[int]
) -> None:
    leaves_a_daemon(changed, tmp_path)
    daemon = committed_with_daemon(changed, tmp_path, reaped_groups)
    # The commit returned while the job runs on, in the group of the git that ended.
    assert running(daemon)
    assert list(process._LINGERING) == [os.getpgid(daemon)]


def test_an_interrupted_scope_stops_what_a_hook_left_running(
    changed: GitRepo, tmp_path: Path, reaped_groups: list[int]
) -> None:
    """Ctrl-C while no git runs: the job a hook left, out of reach of the terminal in git's
    session, gets SIGTERM and has ended when the scope is left."""
    late = tmp_path / "late"
    leaves_a_daemon(changed, tmp_path, on_term=f'sleep 0.2; echo late > "{late}"; exit 0')
    daemon = committed_with_daemon(changed, tmp_path, reaped_groups)
    with pytest.raises(Interrupted), interruptible():
        signal.raise_signal(signal.SIGINT)
    # Its trap ran to its end before the scope was left.
    assert late.read_text() == "late\n"
    assert not running(daemon)
    assert not process._LINGERING


def test_what_a_hook_left_running_and_ignores_sigterm_is_killed_after_the_grace_period(
    changed: GitRepo, tmp_path: Path, reaped_groups: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(process, "_STOP_GRACE", 0.3)
    leaves_a_daemon(changed, tmp_path, on_term="")
    daemon = committed_with_daemon(changed, tmp_path, reaped_groups)
    with pytest.raises(Interrupted), interruptible():
        signal.raise_signal(signal.SIGTERM)
    assert not running(daemon)


@pytest.mark.usefixtures("sigint_raises")
def test_a_git_interrupted_later_is_stopped_with_what_earlier_hooks_left_running(
    changed: GitRepo, tmp_path: Path, reaped_groups: list[int]
) -> None:
    """Ctrl-C (KeyboardInterrupt, no release scope) while a later git runs: its stop also
    stops the job an earlier commit's hook left."""
    leaves_a_daemon(changed, tmp_path)
    daemon = committed_with_daemon(changed, tmp_path, reaped_groups)
    (changed.path / ".git" / "hooks" / "post-commit").unlink()
    changed.write("a.txt", "c\n")
    hook(changed, "pre-commit", f'echo $$ > "{tmp_path}/hook"\nexec sleep 60\n')

    def interrupt() -> None:
        read_pid(tmp_path / "hook")
        os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=interrupt)
    helper.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            Git(changed.path).commit("feat: c", ["a.txt"])
    finally:
        helper.join(timeout=30)
    assert not running(read_pid(tmp_path / "hook"))
    assert not running(daemon)


def test_a_git_killed_from_outside_says_so(changed: GitRepo) -> None:
    """The out-of-memory killer, or a kill by hand, ends git mid-commit: the error names the
    signal rather than an exit status of -9."""
    hook(changed, "pre-commit", "kill -KILL $PPID\n")
    with pytest.raises(GitError) as caught:
        Git(changed.path).commit("feat: b", ["a.txt"])
    assert str(caught.value) == "git commit was killed by SIGKILL"


def test_a_lock_found_after_a_whole_commit_was_killed_from_outside_is_not_claimed(
    repo: GitRepo,
) -> None:
    """Without paths git releases index.lock before its hooks run and makes no temporary index
    named after itself: an index.lock found after its death is another git's (here taken by
    the hook, as another git would), and is not reported."""
    repo.write("a.txt", "a\n")
    repo.commit("chore: initial")
    repo.write("a.txt", "b\n")
    repo.git("add", "a.txt")
    hook(repo, "pre-commit", ": > .git/index.lock\nkill -KILL $PPID\n")
    git = Git(repo.path)
    with pytest.raises(GitError, match="killed by SIGKILL"):
        git.commit("feat: b")
    assert (repo.path / ".git" / "index.lock").exists()
    assert git.left_locks == []


def test_a_partial_commit_killed_from_outside_reports_the_locks_it_held(
    changed: GitRepo, tmp_path: Path
) -> None:
    hook(changed, "pre-commit", f'echo $PPID > "{tmp_path}/git"\nkill -KILL $PPID\n')
    git = Git(changed.path)
    with pytest.raises(GitError, match="killed by SIGKILL"):
        git.commit("feat: b", ["a.txt"])
    pid = read_pid(tmp_path / "git")
    assert [Path(lock.path).name for lock in git.left_locks] == [
        "index.lock",
        f"next-index-{pid}.lock",
    ]
    assert {(lock.pid, lock.command) for lock in git.left_locks} == {(pid, "commit")}
    assert all(lock.started is not None for lock in git.left_locks)


@pytest.mark.usefixtures("sigint_raises")
def test_a_job_that_keeps_gits_output_open_is_awaited_and_stopped_by_ctrl_c(
    changed: GitRepo, tmp_path: Path, reaped_groups: list[int]
) -> None:
    """A hook's job that keeps git's stderr open (no redirection) is waited for, as any reader
    of git's output waits for its end; a Ctrl-C then stops it with git's group although git
    itself has ended."""
    job = tmp_path / "job.sh"
    job.write_text(f'echo $$ > "{tmp_path}/job"\nwhile :; do sleep 0.02; done\n')
    hook(changed, "post-commit", f'sh "{job}" &\n')

    def interrupt() -> None:
        read_pid(tmp_path / "job")
        os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=interrupt)
    helper.start()
    try:
        with pytest.raises(KeyboardInterrupt):
            Git(changed.path).commit("feat: b", ["a.txt"])
    finally:
        helper.join(timeout=30)
    pid = read_pid(tmp_path / "job")
    if running(pid):
        reaped_groups.append(os.getpgid(pid))
    assert not running(pid)


@pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")
def test_a_child_started_from_another_thread_outlives_that_thread(tmp_path: Path) -> None:
    """The kernel's request follows the thread that forked the child: asked from a worker
    thread, it would kill the child as soon as that thread ends. It is made from the main
    thread only."""
    started: list[subprocess.Popen[bytes]] = []
    native: list[int] = []

    def worker() -> None:
        native.append(threading.get_native_id())
        started.append(
            process.start_process(
                ["sh", "-c", "read line; echo ok"],
                die_with_parent=True,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        )

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    # The thread has ended in the kernel too (join can return a moment before).
    task = Path(f"/proc/self/task/{native[0]}")
    deadline = time.monotonic() + 20
    while task.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not task.exists()
    proc = started[0]
    out, _ = proc.communicate(b"go\n")
    assert (proc.returncode, out) == (0, b"ok\n")
