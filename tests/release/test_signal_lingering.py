"""A release interrupted after a hook of its commit left a job running.

The post-commit hook starts a background job detached from git's pipes, so the commit returns
while it runs on, in the process group of the git that has ended, out of reach of the terminal's
Ctrl-C. The release is interrupted later, while its push runs: the job is stopped with it, and
has ended when the release exits. Real processes; the waits poll with generous deadlines.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from processwatch import hook, read_pid, running
from release_tools.cli import cli
from release_tools.git import process

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="tells ended processes by /proc"
)


@pytest.fixture
def sigint_raises() -> Iterator[None]:
    """SIGINT at its default handler (a suite run in the background has it ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.fixture
def project(
    repo: GitRepo, tmp_path: Path, bare_remote: Callable[[GitRepo], Path]
) -> Iterator[GitRepo]:
    """One package with a minor plan and a remote. Its post-commit hook starts a job that
    writes its pid to ``job`` and runs until stopped; its pre-push hook writes its own pid to
    ``push`` and sleeps."""
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/p.md", "---\npkg: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")
    bare_remote(repo)
    job = tmp_path / "job.sh"
    job.write_text(f'echo $$ > "{tmp_path}/job"\nwhile :; do sleep 0.02; done\n')
    hook(repo, "post-commit", f'sh "{job}" </dev/null >/dev/null 2>&1 &\n')
    hook(repo, "pre-push", f'echo $$ > "{tmp_path}/push"\nexec sleep 60\n')
    try:
        yield repo
    finally:
        for name in ("job", "push"):
            with contextlib.suppress(OSError, ValueError):
                pid = int((tmp_path / name).read_text())
                if running(pid) and os.getpgid(pid) != os.getpgrp():
                    os.killpg(os.getpgid(pid), signal.SIGKILL)
        process._LINGERING.clear()


@pytest.mark.usefixtures("sigint_raises")
def test_the_job_a_commit_hook_left_has_ended_when_an_interrupted_release_exits(
    project: GitRepo, tmp_path: Path
) -> None:
    def interrupt() -> None:
        read_pid(tmp_path / "push")
        os.kill(os.getpid(), signal.SIGINT)

    helper = threading.Thread(target=interrupt)
    helper.start()
    try:
        result = CliRunner().invoke(cli, ["release", "-C", str(project.path), "--push"])
    finally:
        helper.join(timeout=30)
    assert result.exit_code == 130, result.output
    assert "interrupted by SIGINT after the release commit" in result.stderr
    assert not running(read_pid(tmp_path / "push"))
    assert not running(read_pid(tmp_path / "job"))


def test_a_release_that_ends_normally_leaves_the_job_running(
    project: GitRepo, tmp_path: Path
) -> None:
    """A hook's job may be meant to outlive the commit, as it does when git runs from a
    terminal: a release that is not interrupted neither waits for it nor stops it."""
    (project.path / ".git" / "hooks" / "pre-push").unlink()
    result = CliRunner().invoke(cli, ["release", "-C", str(project.path), "--push"])
    assert result.exit_code == 0, result.output
    assert running(read_pid(tmp_path / "job"))
