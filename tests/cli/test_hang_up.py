"""A terminal that hangs up stops the release as SIGTERM does.

git runs in a session of its own, out of reach of the terminal: the hang-up (SIGHUP to the
terminal's foreground group) reaches the tool alone, which must then stop git itself, or an
interrupted ``git commit`` makes the release commit after the tool has died.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from gitrepo import GitRepo

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX terminals")


def test_a_hang_up_during_the_commit_stops_git_too(repo: GitRepo, tmp_path: Path) -> None:
    import pty

    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/p.md", "---\npkg: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    started = tmp_path / "started"
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(f'#!/bin/sh\ntouch "{started}"\nsleep 1\n')
    hook.chmod(0o755)
    before = repo.head()
    pid, terminal = pty.fork()
    if pid == 0:  # the child: the release, on the terminal
        try:
            argv = [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path)]
            os.execv(sys.executable, argv)
        finally:
            os._exit(127)
    try:
        deadline = time.monotonic() + 30
        while not started.exists():
            assert time.monotonic() < deadline, "the pre-commit hook never ran"
            time.sleep(0.01)
    finally:
        os.close(terminal)  # the hang-up: SIGHUP to the terminal's foreground group
    os.waitpid(pid, 0)
    # Longer than the hook: a git left running would have made its commit by now.
    time.sleep(1.5)
    assert repo.head() == before
    assert not (repo.path / ".git" / "index.lock").exists()
    # Stopped as by SIGTERM: the files and plans are back, the journal gone.
    assert repo.git("status", "--porcelain") == ""
    assert not (repo.path / ".git" / "release-tools" / "journal.json").exists()
