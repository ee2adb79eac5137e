"""``release --push --forge-release``: what a release that stops at or before its forge step
says and leaves (an interruption, a failed publish, a failed forge, CI outputs, stray flags)."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from forge_server import FakeForge, Recorded, Reply

from forge_cli import github_env, github_release, remote_tags, run

_FINISH = "`release-tools forge-release --tag v1.3.0 --forge github`"
_RESUME = "`release-tools release --resume`"


def _journal(repo: Any) -> Path:
    return repo.path / ".git" / "release-tools" / "journal.json"


@pytest.fixture
def repo(python_repo: Any, bare_remote: Callable[[Any], Path]) -> Any:
    """demo 1.2.3 with a minor plan pending (1.3.0) and a bare ``origin``."""
    bare_remote(python_repo)
    return python_repo


def _signal_on_create(forge: FakeForge, signum: int) -> None:
    """The release's creation request sends ``signum`` to this process, then answers late:
    the signal arrives while the client waits for the forge."""
    handle = forge.handle

    def signalling(request: Recorded) -> Reply:
        if request.method == "POST" and request.path.endswith("/releases"):
            os.kill(os.getpid(), signum)
            time.sleep(0.3)
        return handle(request)

    forge.handle = signalling  # type: ignore[method-assign]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_the_forge_step_says_what_is_pushed_and_how_to_finish(
    repo: Any, forge: FakeForge, signum: signal.Signals
) -> None:
    _signal_on_create(forge, signum)
    result = github_release(repo, forge, "--format", "json")
    assert result.exit_code == 128 + signum, result.output
    assert "v1.3.0" in remote_tags(repo)
    # The fake server may report the request the client gave up on: only our line counts.
    (line,) = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert line.startswith(f"error: interrupted by {signum.name}")
    assert "released and pushed v1.3.0" in line
    assert _FINISH in line
    assert _RESUME in line
    report = json.loads(result.stdout)
    assert _FINISH in json.dumps(report)
    assert "released and pushed v1.3.0" in json.dumps(report)
    assert _journal(repo).is_file()


def test_a_rerun_after_an_interrupted_forge_step_names_the_missing_release(
    repo: Any, forge: FakeForge, tmp_path: Path
) -> None:
    _signal_on_create(forge, signal.SIGTERM)
    assert github_release(repo, forge).exit_code == 128 + signal.SIGTERM
    del forge.handle  # the server answers again without signalling
    head = repo.git("rev-parse", "HEAD")
    # Not "nothing to release": the forge release is still owed.
    rerun = github_release(repo, forge)
    assert rerun.exit_code == 1, rerun.output
    # The fake server may still report the request the first run gave up on: only our line.
    (line,) = [line for line in rerun.stderr.splitlines() if line.startswith("error:")]
    assert "is pushed but its github release of v1.3.0 was not made" in line
    assert "release-tools release --resume" in line and "--forge-release off" in line
    assert repo.git("rev-parse", "HEAD") == head
    output = tmp_path / "github_output"
    output.write_text("")
    resumed = run(repo, "release", "--resume", env=github_env(forge, GITHUB_OUTPUT=str(output)))
    assert resumed.exit_code == 0, resumed.output
    assert "v1.3.0" in forge.github_releases
    assert not _journal(repo).exists()
    values = _outputs(output)
    assert values["tag"] == ["v1.3.0"] and values["version"] == ["1.3.0"]
    assert values["release_url"] == ["https://github.example/acme/demo/releases/tag/v1.3.0"]
    again = github_release(repo, forge)
    assert again.exit_code == 0 and "nothing to release" in again.output


def test_the_finishing_command_completes_the_unfinished_release(
    repo: Any, forge: FakeForge
) -> None:
    forge.script("POST", "/repos/acme/demo/releases", Reply(401, {"message": "Bad credentials"}))
    first = github_release(repo, forge)
    assert first.exit_code == 1
    assert _FINISH in first.stderr and _RESUME in first.stderr
    assert _journal(repo).is_file()
    finished = run(
        repo, "forge-release", "--tag", "v1.3.0", "--forge", "github", env=github_env(forge)
    )
    assert finished.exit_code == 0, finished.output
    assert "v1.3.0" in forge.github_releases
    assert not _journal(repo).exists()
    assert "nothing to release" in github_release(repo, forge).output


def test_going_on_without_the_forge_release_forgets_it(repo: Any, forge: FakeForge) -> None:
    forge.script("POST", "/repos/acme/demo/releases", Reply(401, {"message": "Bad credentials"}))
    assert github_release(repo, forge).exit_code == 1
    aborted = run(repo, "release", "--abort")
    assert aborted.exit_code == 1
    assert "already pushed" in aborted.stderr and "--forge-release off" in aborted.stderr
    assert _journal(repo).is_file()
    skipped = run(repo, "release", "--resume", "--forge-release", "off")
    assert skipped.exit_code == 0, skipped.output
    assert not _journal(repo).exists()
    assert forge.github_releases == {}


def test_resume_after_a_failed_publish_makes_the_recorded_forge_release(
    repo: Any, forge: FakeForge
) -> None:
    first = github_release(
        repo,
        forge,
        "--release-asset",
        "pyproject.toml",
        "--no-prerelease",
        "--publish-command",
        "false",
    )
    assert first.exit_code == 1
    assert "github release v1.3.0" in first.stderr
    assert "--resume" in first.stderr
    advice = run(repo, "release", "--push", env=github_env(forge))
    assert advice.exit_code == 1
    assert "github release v1.3.0" in advice.stderr
    assert forge.requests == []
    # The command the advice names, with the publish command fixed: no --forge-release.
    resumed = run(repo, "release", "--resume", "--publish-command", "true", env=github_env(forge))
    assert resumed.exit_code == 0, resumed.output
    made = forge.github_releases["v1.3.0"]
    assert "add extra()" in made["body"]
    assert made["prerelease"] is False
    assert "created GitHub release v1.3.0" in resumed.stdout


def test_resume_with_forge_release_off_leaves_the_forge_alone(repo: Any, forge: FakeForge) -> None:
    first = github_release(repo, forge, "--publish-command", "false")
    assert first.exit_code == 1
    resumed = run(
        repo,
        "release",
        "--resume",
        "--forge-release",
        "off",
        "--publish-command",
        "true",
        env=github_env(forge),
    )
    assert resumed.exit_code == 0, resumed.output
    assert forge.requests == []


def _outputs(path: Path) -> dict[str, list[str]]:
    """Every value of each GITHUB_OUTPUT key, in the order written (``k=v`` or heredoc)."""
    values: dict[str, list[str]] = {}
    lines = iter(path.read_text().splitlines())
    for line in lines:
        name, equals, value = line.partition("=")
        if equals and "<<" not in name:
            values.setdefault(name, []).append(value)
            continue
        name, _, delimiter = line.partition("<<")
        body: list[str] = []
        for inner in lines:
            if inner == delimiter:
                break
            body.append(inner)
        values.setdefault(name, []).append("\n".join(body))
    return values


def test_a_failed_forge_step_still_writes_the_pushed_release_to_github_output(
    repo: Any, forge: FakeForge, tmp_path: Path
) -> None:
    output = tmp_path / "github_output"
    output.write_text("")
    forge.script("POST", "/repos/acme/demo/releases", Reply(401, {"message": "Bad credentials"}))
    result = github_release(repo, forge, GITHUB_OUTPUT=str(output))
    assert result.exit_code == 1, result.output
    assert "v1.3.0" in remote_tags(repo)
    values = _outputs(output)
    assert values["released"] == ["true"]
    assert values["version"] == ["1.3.0"]
    assert values["tag"] == ["v1.3.0"]
    assert "release_url" not in values


def test_a_successful_forge_step_writes_each_output_once(
    repo: Any, forge: FakeForge, tmp_path: Path
) -> None:
    output = tmp_path / "github_output"
    output.write_text("")
    result = github_release(repo, forge, GITHUB_OUTPUT=str(output))
    assert result.exit_code == 0, result.output
    values = _outputs(output)
    assert values["tag"] == ["v1.3.0"]
    assert values["release_url"] == ["https://github.example/acme/demo/releases/tag/v1.3.0"]
    assert all(len(v) == 1 for v in values.values()), values


@pytest.mark.parametrize(
    ("flags", "named"),
    [
        (["--release-asset", "dist/*"], "--release-asset"),
        (["--prerelease"], "--prerelease"),
        (["--no-prerelease", "--forge-release", "off"], "--no-prerelease"),
        (["--dry-run", "--release-asset", "dist/*"], "--release-asset"),
    ],
)
def test_forge_flags_without_a_forge_release_are_a_usage_error(
    repo: Any, flags: list[str], named: str
) -> None:
    head = repo.git("rev-parse", "HEAD")
    result = run(repo, "release", "--push", *flags)
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"error: {named}") and "--forge-release" in line
    assert result.stdout == ""
    assert repo.git("rev-parse", "HEAD") == head
    assert repo.git("status", "--porcelain") == ""
    assert "v1.3.0" not in remote_tags(repo)


def _fail_second_create(forge: FakeForge, signum: int | None = None) -> None:
    """The second release creation fails with a 401, or sends ``signum`` to this process
    while it is in flight."""
    handle = forge.handle
    creations = [0]

    def failing(request: Recorded) -> Reply:
        if request.method == "POST" and request.path.endswith("/releases"):
            creations[0] += 1
            if creations[0] == 2:
                if signum is None:
                    return Reply(401, {"message": "Bad credentials"})
                os.kill(os.getpid(), signum)
                time.sleep(0.3)
        return handle(request)

    forge.handle = failing  # type: ignore[method-assign]


@pytest.mark.parametrize("signum", [None, signal.SIGTERM])
def test_a_resume_leaves_the_forge_releases_already_made_alone(
    npm_workspace: Any,
    bare_remote: Callable[[Any], Path],
    forge: FakeForge,
    signum: signal.Signals | None,
) -> None:
    bare_remote(npm_workspace)
    _fail_second_create(forge, signum)
    first = github_release(npm_workspace, forge)
    assert first.exit_code == (1 if signum is None else 128 + signum), first.output
    del forge.handle
    (made,) = forge.github_releases
    left = next(t for t in npm_workspace.git("tag", "-l").split() if t != made)
    recorded = json.loads(_journal(npm_workspace).read_text())
    assert recorded["forge_made"] == [made]
    assert f"`release-tools forge-release --tag {left} --forge github`" in first.stderr
    assert f"--tag {made} " not in first.stderr
    advice = github_release(npm_workspace, forge)
    assert advice.exit_code == 1
    assert f"github release of {left} was not made" in advice.stderr
    # Edited on the forge since: a resume must not overwrite it.
    forge.github_releases[made]["body"] = "edited by a maintainer"
    before = len(forge.requests)
    resumed = run(npm_workspace, "release", "--resume", env=github_env(forge))
    assert resumed.exit_code == 0, resumed.output
    touched = {r.path for r in forge.requests[before:]}
    assert not any(quote(made, safe="") in path or made in path for path in touched)
    assert forge.github_releases[made]["body"] == "edited by a maintainer"
    assert left in forge.github_releases
    assert not _journal(npm_workspace).exists()


def test_colliding_assets_are_refused_before_any_write_with_a_publish_command(
    repo: Any, forge: FakeForge
) -> None:
    repo.write("dist/demo 1.3.0.whl", "one\n")
    repo.write("dist/demo+1.3.0.whl", "two\n")
    head = repo.git("rev-parse", "HEAD")
    result = github_release(repo, forge, "--release-asset", "dist/*", "--publish-command", "true")
    assert result.exit_code == 2, result.output
    (line,) = result.stderr.splitlines()
    assert "two files would be the asset demo.1.3.0.whl" in line
    assert repo.git("rev-parse", "HEAD") == head
    assert "v1.3.0" not in remote_tags(repo)
    assert forge.requests == []
