"""Watching real processes from tests: whether a pid runs, a pid a hook wrote, hook scripts.

Polls with generous deadlines: the tests assert that something happens, never how fast.
"""

from __future__ import annotations

import contextlib
import time
from pathlib import Path

from gitrepo import GitRepo


def running(pid: int) -> bool:
    """Whether ``pid`` runs; a zombie (ended, not yet collected) does not."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (FileNotFoundError, ProcessLookupError):
        return False


def ended_within(pid: int, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while running(pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    return not running(pid)


def wait_for(path: Path, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.01)


def read_pid(path: Path) -> int:
    """The pid a hook wrote to ``path`` (polled: the write may still be under way)."""
    deadline = time.monotonic() + 30
    while True:
        with contextlib.suppress(FileNotFoundError, ValueError):
            text = path.read_text()
            if text.endswith("\n"):
                return int(text)
        assert time.monotonic() < deadline, f"{path.name} was never written"
        time.sleep(0.01)


def hook(repo: GitRepo, name: str, body: str) -> None:
    """Install the shell script ``body`` as the git hook ``name``."""
    path = repo.path / ".git" / "hooks" / name
    path.write_text(f"#!/bin/sh\n{body}")
    path.chmod(0o755)
