"""A signal between two steps of a release (not inside one) is acted on at the next step, with
the journal saying what was done: nothing escapes unrecorded."""

from __future__ import annotations

import os
import signal
from typing import Any

import pytest
from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.release import transaction
from release_tools.release.signals import allowed, deferred, interruptible, pending_signal


def _project(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/p.md", "---\npkg: minor\n---\n\nfeat: x\n")
    repo.commit("chore: plan")


def test_a_signal_just_after_the_commit_is_recorded_with_the_commit(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(repo)
    info = transaction.log.info

    def interrupt_between_steps(message: str, *args: Any, **kwargs: Any) -> None:
        # The commit has returned and is being recorded: the signal waits for the next step.
        if message == "release committed":
            os.kill(os.getpid(), signal.SIGINT)
        info(message, *args, **kwargs)

    monkeypatch.setattr(transaction.log, "info", interrupt_between_steps)
    result = CliRunner().invoke(cli, ["release", "-C", str(repo.path)])
    assert result.exit_code == 130, result.output
    commit = repo.git("rev-parse", "--short=10", "HEAD")
    assert repo.git("log", "-1", "--format=%s") == "chore(release): pkg 1.1.0"
    assert f"interrupted by SIGINT after the release commit {commit}" in result.output
    assert "still to do: tag v1.1.0" in result.output
    monkeypatch.setattr(transaction.log, "info", info)
    resumed = CliRunner().invoke(cli, ["release", "-C", str(repo.path), "--resume"])
    assert resumed.exit_code == 0, resumed.output
    assert repo.git("tag", "--points-at", "HEAD") == "v1.1.0"


def test_allowed_raises_a_recorded_signal_on_entry_and_defers_again_after() -> None:
    raised: list[str] = []
    with interruptible(), deferred():
        os.kill(os.getpid(), signal.SIGTERM)
        assert pending_signal() == signal.SIGTERM
        try:
            with allowed():
                raised.append("entered")  # never: the recorded signal acts on entry
        except BaseException as exc:
            raised.append(type(exc).__name__)
        # Stopping now: a later signal is recorded, not raised, even inside allowed().
        with allowed():
            os.kill(os.getpid(), signal.SIGINT)
            raised.append("still running")
    assert raised == ["Interrupted", "still running"]
