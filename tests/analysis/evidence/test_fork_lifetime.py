"""A forked evidence child never outlives the process that started it: one whose result is
never collected is killed when its parent exits, or by the kernel when its parent is killed.
Each case runs a real parent process that forks a child sleeping far longer than the test."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from release_tools.analysis.evidence._fork import can_fork

pytestmark = pytest.mark.skipif(not can_fork(), reason="forking is used on Linux only")

_PARENT = """
import sys, time
from release_tools.analysis.evidence._fork import fork_call
child = fork_call(lambda: time.sleep(600))
assert child is not None
print(child._pid, flush=True)
sys.stdin.readline()  # the test has seen the child alive: leave now
if sys.argv[1] == "exit":
    sys.exit(3)
if sys.argv[1] == "interrupt":
    raise KeyboardInterrupt
time.sleep(600)
"""


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for a reaper has stopped)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def _start(how: str) -> tuple[subprocess.Popen[str], int]:
    """A parent process that has forked its child and waits for a line on stdin before it
    leaves (as ``how`` says), so that the test sees the child alive first however slow the
    machine is."""
    parent = subprocess.Popen(
        [sys.executable, "-c", _PARENT, how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert parent.stdout is not None
    return parent, int(parent.stdout.readline())


@pytest.mark.parametrize("how", ["exit", "interrupt"])
def test_a_parent_that_leaves_without_the_result_takes_its_child_along(how: str) -> None:
    parent, child = _start(how)
    assert _alive(child)
    # The output pipe closes once every holder is gone: the child held it until it ended.
    out, _ = parent.communicate("go\n", timeout=120)
    assert out == ""
    assert parent.returncode != 0
    assert not _alive(child)


def test_a_killed_parent_takes_its_child_along() -> None:
    parent, child = _start("sleep")
    assert _alive(child)
    parent.send_signal(signal.SIGKILL)
    parent.communicate(timeout=120)
    deadline = time.monotonic() + 120  # a hang guard: the kernel acts at once
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)
    if _alive(child):  # pragma: no cover - leave nothing behind if the assertion is wrong
        os.kill(child, signal.SIGKILL)
