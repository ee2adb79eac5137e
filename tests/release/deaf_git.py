"""A ``git`` on PATH whose ``commit`` runs with SIGTERM blocked, and a release interrupted
once a condition holds, for the lock tests.

A blocked signal stays blocked across ``exec`` (and git's hooks inherit it): the real git holds
its lock files while its pre-commit hook runs, and only SIGKILL ends it. The wrapper execs, so
the command keeps its pid.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.git import process


def install_deaf_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the wrapper first on PATH and make the stop's grace period 0.3 s."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "deaf-bin"
    bin_dir.mkdir()
    block_then_exec = (
        "import os, signal, sys; signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM}); "
        "os.execv(sys.argv[1], sys.argv[1:])"
    )
    script = bin_dir / "git"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        '  if [ "$arg" = commit ]; then\n'
        f'    exec "{sys.executable}" -c \'{block_then_exec}\' "{real}" "$@"\n'
        "  fi\n"
        "done\n"
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(process, "_STOP_GRACE", 0.3)


def release(repo: GitRepo, *args: str) -> Result:
    """``release`` through the CLI in ``repo``."""
    return CliRunner().invoke(cli, ["release", "-C", str(repo.path), *args])


def release_interrupted_when(repo: GitRepo, ready: Callable[[], bool], *args: str) -> Result:
    """``release`` through the CLI, sent SIGINT once ``ready()`` holds (polled, 30 s at most)."""

    def interrupt() -> None:
        deadline = time.monotonic() + 30
        while not ready() and time.monotonic() < deadline:
            time.sleep(0.01)
        os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=interrupt)
    helper.start()
    try:
        return release(repo, *args)
    finally:
        helper.join(timeout=30)
