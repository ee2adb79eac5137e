"""An interrupted git command is stopped as a whole: its hooks and their children too, and the
stop waits for every one of them, so nothing of it runs on after the tool says it stopped.

Git runs in a process group of its own, which the stop signals and waits for on any POSIX
system (not only where ``/proc`` shows a child's descendants). Real processes throughout; the
few waits are fractions of a second, the grace period made short where it runs out.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gitrepo import GitRepo
from release_tools.git import Git, process
from release_tools.git.process import start_process, stop_process

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX process groups")

JOURNAL = ".git/release-tools/journal.json"


def wait_for(path: Path, proc: subprocess.Popen[Any] | None = None) -> None:
    deadline = time.monotonic() + 30
    while not path.exists():
        if proc is not None:
            assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


def running(pid: int) -> bool:
    """Whether ``pid`` runs; a zombie (ended, not yet collected) does not."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    if stat.exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (OSError, IndexError):
            return False
    return True


def lingering_child(tmp_path: Path, on_term: str) -> Path:
    """A script that handles SIGTERM with ``on_term``, writes its pid to ``pid``, says
    ``ready`` and then runs until stopped."""
    script = tmp_path / "child.sh"
    script.write_text(
        f"trap '{on_term}' TERM\n"
        f'echo $$ > "{tmp_path}/pid"\n'
        f'touch "{tmp_path}/ready"\n'
        "while :; do sleep 0.02; done\n"
    )
    return script


def start(tmp_path: Path, on_term: str) -> subprocess.Popen[bytes]:
    """A shell that ends on SIGTERM at once, with a child made by :func:`lingering_child`."""
    child = lingering_child(tmp_path, on_term)
    proc = start_process(["sh", "-c", f'sh "{child}" & wait'], stdout=subprocess.DEVNULL)
    wait_for(tmp_path / "ready")
    return proc


def test_the_stop_waits_for_a_child_that_traps_sigterm(tmp_path: Path) -> None:
    late = tmp_path / "late"
    proc = start(tmp_path, f'sleep 0.3; echo late > "{late}"; exit 0')
    outcome = stop_process(proc)
    # The child's trap ran to its end before the stop returned.
    assert late.read_text() == "late\n"
    assert not running(int((tmp_path / "pid").read_text()))
    assert outcome == process.Stopped(killed=False, ended=True)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds descendants in /proc")
def test_a_shell_started_directly_is_awaited_with_its_descendants(tmp_path: Path) -> None:
    """The publish command's shell is not a group leader: its tree, as /proc shows it, is
    signalled and awaited instead."""
    late = tmp_path / "late"
    child = lingering_child(tmp_path, f'sleep 0.3; echo late > "{late}"; exit 0')
    proc = subprocess.Popen(["sh", "-c", f'sh "{child}" & wait'], stdout=subprocess.DEVNULL)
    wait_for(tmp_path / "ready")
    outcome = stop_process(proc)
    assert late.read_text() == "late\n"
    assert outcome == process.Stopped(killed=False, ended=True)


def test_a_child_that_ignores_sigterm_is_killed_after_the_grace_period(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(process, "_STOP_GRACE", 0.3)
    proc = start(tmp_path, "")
    called: list[bool] = []
    began = time.monotonic()
    outcome = stop_process(proc, before_kill=lambda: called.append(True))
    assert time.monotonic() - began < 5
    assert outcome == process.Stopped(killed=True, ended=True)
    assert called == [True]
    assert not running(int((tmp_path / "pid").read_text()))


# --- a release interrupted while its pre-commit hook's child writes on ---------------------------


def test_a_release_exits_only_after_the_hooks_children_have_ended(
    repo: GitRepo, tmp_path: Path
) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/p.md", "---\npkg: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    before = repo.git("status", "--porcelain"), repo.head()
    # The hook's background child goes on writing for a while after SIGTERM, then ends.
    written = tmp_path / "written"
    writer = lingering_child(
        tmp_path, f'for i in 1 2 3 4 5; do echo $i >> "{written}"; sleep 0.05; done; exit 0'
    )
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\nsh "{writer}" &\nwait\n')
    hook.chmod(0o755)
    proc = subprocess.Popen(
        [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        wait_for(tmp_path / "ready", proc)
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=30)
        writer_pid = int((tmp_path / "pid").read_text())
        # Read as the release has exited: the child has ended and written all it would.
        still_running = running(writer_pid)
        lines = written.read_text().split()
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 130, stderr
    assert not still_running
    assert lines == ["1", "2", "3", "4", "5"]
    assert (repo.git("status", "--porcelain"), repo.head()) == before
    assert not (repo.path / JOURNAL).exists()


# --- streams start with signals held -----------------------------------------------------------


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.usefixtures("sigint_raises")
@pytest.mark.parametrize("kind", ["stream", "stream_blocks"])
def test_a_signal_while_a_stream_starts_stops_the_child_it_started(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("chore: initial")
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def popen_then_signal(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        proc: subprocess.Popen[bytes] = real_popen(*args, **kwargs)
        started.append(proc)
        # The signal lands once the child exists, before its starter has returned it.
        signal.raise_signal(signal.SIGINT)
        return proc

    monkeypatch.setattr(process.subprocess, "Popen", popen_then_signal)
    git = Git(repo.path)
    with pytest.raises(KeyboardInterrupt), getattr(git, kind)("log", "--format=%H"):
        pytest.fail("the stream must not be handed out")
    monkeypatch.undo()
    assert len(started) == 1
    # Stopped and collected by the tool, not left running with no one to stop it.
    assert started[0].returncode is not None


def test_a_stream_whose_reader_thread_cannot_start_stops_its_git(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The setup between the start of git and the hand-out (a thread the system may refuse)
    failing leaves no git running in its session of its own, nor unreaped."""
    repo.write("a.txt", "a\n")
    repo.commit("chore: initial")
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: Any, **kwargs: Any) -> subprocess.Popen[bytes]:
        proc: subprocess.Popen[bytes] = real_popen(*args, **kwargs)
        started.append(proc)
        return proc

    def no_thread(self: object) -> None:
        raise RuntimeError("can't start new thread")

    git = Git(repo.path)
    git.toplevel()
    monkeypatch.setattr(process.subprocess, "Popen", recording_popen)
    monkeypatch.setattr(process.threading.Thread, "start", no_thread)
    with pytest.raises(RuntimeError), git.stream_blocks("log", "--format=%H"):
        pytest.fail("the stream must not be handed out")
    monkeypatch.undo()
    assert len(started) == 1
    assert started[0].returncode is not None
    assert started[0].stdout is not None and started[0].stdout.closed


NO_PROC = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="descendants in /proc")


@pytest.mark.parametrize("leader", [True, pytest.param(False, marks=NO_PROC)])
def test_what_is_left_is_killed_although_before_kill_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, leader: bool
) -> None:
    """``before_kill`` runs git to find the index lock: a failure there (no process can be
    forked, say) must not spare the processes that ignored SIGTERM."""
    monkeypatch.setattr(process, "_STOP_GRACE", 0.3)
    if leader:
        proc = start(tmp_path, "")
    else:
        child = lingering_child(tmp_path, "")
        proc = subprocess.Popen(["sh", "-c", f'sh "{child}" & wait'], stdout=subprocess.DEVNULL)
        wait_for(tmp_path / "ready")

    def fails() -> None:
        raise BlockingIOError("Resource temporarily unavailable")

    child_pid = int((tmp_path / "pid").read_text())
    try:
        with pytest.raises(BlockingIOError):
            stop_process(proc, before_kill=fails)
        assert proc.returncode is not None
        assert not running(child_pid)
    finally:
        for pid in (proc.pid, child_pid):
            if running(pid):
                os.kill(pid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds descendants in /proc")
def test_a_descendants_pid_taken_by_another_process_is_left_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A descendant seen when the stop began may end, and its pid go to a process started
    since (pids wrap around at 32768 on many systems): that one is neither waited for nor
    killed. Simulated by a seen descendant whose pid now names an unrelated process."""
    monkeypatch.setattr(process, "_STOP_GRACE", 2.0)
    other = tmp_path / "other"
    other.mkdir()
    unrelated = subprocess.Popen(["sh", str(lingering_child(other, ""))])
    try:
        wait_for(other / "ready")
        real = process._descendants

        def with_a_reused_pid(pid: int) -> list[tuple[int, int]]:
            seen = real(pid)
            # The pid as it was: a process that started earlier than the one holding it now.
            (start,) = (s for p, s in real(os.getpid()) if p == unrelated.pid)
            return [*seen, (unrelated.pid, start - 1)]

        monkeypatch.setattr(process, "_descendants", with_a_reused_pid)
        proc = subprocess.Popen(["sh", "-c", "sleep 30 & wait"], stdout=subprocess.DEVNULL)
        time.sleep(0.1)
        began = time.monotonic()
        outcome = stop_process(proc)
        assert time.monotonic() - began < 1.5
        assert outcome == process.Stopped(killed=False, ended=True)
        assert unrelated.poll() is None
    finally:
        unrelated.kill()
        unrelated.wait()
