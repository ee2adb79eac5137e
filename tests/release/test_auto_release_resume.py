"""An interrupted ``release --auto`` is finished with ``--resume`` or undone with ``--abort``,
as a release of plan files is: its journal keeps the plans analyze made (never files), so a
release interrupted before its commit is made again from them, at the versions it was making,
without analyzing again.

Each crash runs the real command in a subprocess whose ``git commit`` (or ``git tag``) is slowed,
and kills or signals it there, as the interruption tests of the plan-file release do.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from test_safety import one_line_error, tree

from gitrepo import GitRepo
from release_tools.analysis import service as analysis_service
from release_tools.cli import cli
from release_tools.errors import ReleaseError
from release_tools.release.journal import Journal, JournalAnalyzed, JournalAuto, recording_auto

JOURNAL = ".git/release-tools/journal.json"


def cli_run(repo: GitRepo, *args: str) -> Result:
    return CliRunner().invoke(cli, ["release", "-C", str(repo.path), *args])


def interrupted(
    repo: GitRepo, tmp_path: Path, *args: str, at: str = "commit", signum: int = signal.SIGKILL
) -> subprocess.CompletedProcess[str]:
    """``release`` with ``args`` in a subprocess, sent ``signum`` while ``git <at>`` runs
    (SIGKILL to its whole process group: a crash, in which no handler runs)."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / f"slow-{at}-bin"
    bin_dir.mkdir(exist_ok=True)
    marker = tmp_path / f"slow-{at}"
    marker.unlink(missing_ok=True)
    script = bin_dir / "git"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        f'  if [ "$arg" = {at} ]; then touch "{marker}"; sleep 20; break; fi\n'
        "done\n"
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    command = [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path), *args]
    proc = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so SIGKILL takes the git child too
    )
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"the slowed git {at} never started"
        time.sleep(0.02)
    if signum == signal.SIGKILL:
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=30)
    return subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)


def single(make_repo: Callable[[str], GitRepo], message: str = "fix: two") -> GitRepo:
    repo = make_repo("auto-resume")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.0.0"\n')
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 1\n")
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write("src/demo/__init__.py", "def one() -> int:\n    return 2\n")
    repo.commit(message)
    return repo


@pytest.fixture
def no_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """analyze must not run again: the journal holds what it decided."""

    def refuse(*_: Any, **__: Any) -> Any:
        raise AssertionError("analyze ran again")

    monkeypatch.setattr(analysis_service, "run_analysis", refuse)


def test_a_crash_before_the_commit_is_released_again_from_the_journal(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, no_analysis: None
) -> None:
    repo = single(make_repo, "fix: two\n\nRelease-As: 2.0.0")
    crashed = interrupted(repo, tmp_path, "--auto")
    assert crashed.returncode == -signal.SIGKILL
    journal = json.loads((repo.path / JOURNAL).read_text())
    assert journal["phase"] == "files"
    assert [(r["name"], r["version"]) for r in journal["releases"]] == [("demo", "2.0.0")]
    [recorded] = journal["auto"]["analyzed"]
    assert (recorded["name"], recorded["version"]) == ("demo", "2.0.0")
    assert "two" in recorded["body"] and recorded["decision"]["next_version"] == "2.0.0"

    rerun = cli_run(repo, "--auto")
    assert rerun.exit_code == 1
    assert "demo 2.0.0 was interrupted before its commit" in one_line_error(rerun)

    resumed = cli_run(repo, "--resume")

    assert resumed.exit_code == 0, resumed.output
    assert resumed.stdout.splitlines()[0].startswith("analyze: demo major: ")
    assert "released demo 1.0.0 -> 2.0.0" in resumed.stdout
    assert repo.git("tag", "--points-at", "HEAD") == "v2.0.0"
    assert 'version = "2.0.0"' in (repo.path / "pyproject.toml").read_text()
    assert "two" in (repo.path / "CHANGELOG.md").read_text().split("## [2.0.0]", 1)[1]
    assert repo.git("status", "--porcelain") == ""
    assert not (repo.path / JOURNAL).exists()


def test_a_crash_before_the_commit_is_undone_by_abort(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    repo = single(make_repo)
    before = tree(repo.path), repo.head()
    interrupted(repo, tmp_path, "--auto")

    aborted = cli_run(repo, "--abort")

    assert aborted.exit_code == 0, aborted.output
    assert "restore pyproject.toml" in aborted.stdout
    assert (tree(repo.path), repo.head()) == before
    assert repo.git("status", "--porcelain") == ""
    assert not (repo.path / JOURNAL).exists()
    again = cli_run(repo, "--auto")
    assert again.exit_code == 0, again.output
    assert repo.git("tag", "--points-at", "HEAD") == "v1.0.1"


def test_a_signal_after_the_commit_is_finished_by_resume(
    make_repo: Callable[[str], GitRepo], tmp_path: Path
) -> None:
    repo = single(make_repo)
    stopped = interrupted(repo, tmp_path, "--auto", at="tag", signum=signal.SIGTERM)
    assert stopped.returncode == 143, stopped.stderr
    assert "after the release commit" in stopped.stderr
    assert "still to do: tag v1.0.1" in stopped.stderr

    resumed = cli_run(repo, "--resume", "--format", "json")

    assert resumed.exit_code == 0, resumed.output
    report = json.loads(resumed.stdout)
    assert report["tags"] == ["v1.0.1"]
    assert [(r["name"], r["new_version"], r["analyzed"]) for r in report["releases"]] == [
        ("demo", "1.0.1", True)
    ]
    assert [(a["project"], a["release_type"]) for a in report["analyzed"]] == [("demo", "patch")]
    assert repo.git("tag", "--points-at", "HEAD") == "v1.0.1"
    assert not (repo.path / JOURNAL).exists()


def test_resume_keeps_the_project_the_release_was_limited_to(
    repo: GitRepo, tmp_path: Path, no_analysis: None
) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["packages/*"]}))
    for name in ("a", "b"):
        manifest = {"name": name, "version": "1.0.0"}
        repo.write(f"packages/{name}/package.json", json.dumps(manifest, indent=2) + "\n")
        repo.write(f"packages/{name}/index.js", "module.exports = 1;\n")
    repo.commit("chore: initial")
    repo.tag("a@1.0.0")
    repo.tag("b@1.0.0")
    repo.write("packages/a/index.js", "module.exports = 2;\n")
    repo.write("packages/b/index.js", "module.exports = 2;\n")
    repo.commit("fix: both return two")
    interrupted(repo, tmp_path, "--auto", "--project", "b")

    resumed = cli_run(repo, "--resume")

    assert resumed.exit_code == 0, resumed.output
    assert repo.git("tag", "--points-at", "HEAD") == "b@1.0.1"
    assert json.loads((repo.path / "packages/a/package.json").read_text())["version"] == "1.0.0"


def test_resume_refuses_other_versions_than_the_interrupted_release_made(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, no_analysis: None
) -> None:
    repo = single(make_repo)
    before = tree(repo.path)
    interrupted(repo, tmp_path, "--auto")
    # A plan written since asks for more than analyze decided, and a plan wins.
    plan = repo.write(".nx/version-plans/version-plan-1.md", "---\ndemo: major\n---\n\nBig.\n")

    resumed = cli_run(repo, "--resume")

    assert resumed.exit_code == 1
    assert one_line_error(resumed) == (
        "error: the resumed release would make demo 2.0.0, where the interrupted one was "
        "making demo 1.0.1: its files are restored and nothing is released; run "
        "`release-tools release --auto` to analyze again"
    )
    plan.unlink()
    assert tree(repo.path) == before
    assert repo.git("status", "--porcelain") == "" and repo.git("tag", "-l") == "v1.0.0"
    assert not (repo.path / JOURNAL).exists()


def test_resume_refuses_once_head_has_moved_and_touches_nothing(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, no_analysis: None
) -> None:
    repo = single(make_repo)
    interrupted(repo, tmp_path, "--auto")
    journal = (repo.path / JOURNAL).read_bytes()
    repo.git("stash", "-q")  # the release's changes, set aside for a commit of other work
    repo.write("src/demo/more.py", "def more() -> int:\n    return 3\n")
    repo.commit("feat: more()")
    repo.git("stash", "pop", "-q")
    written = tree(repo.path)

    resumed = cli_run(repo, "--resume")

    assert resumed.exit_code == 1
    error = one_line_error(resumed)
    assert "the interrupted release of demo 1.0.1 was analyzed at" in error
    assert "run `release-tools release --abort` to restore its files, then" in error
    assert (repo.path / JOURNAL).read_bytes() == journal and tree(repo.path) == written


def test_resume_refuses_a_damaged_record_before_anything_is_restored(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, no_analysis: None
) -> None:
    repo = single(make_repo)
    interrupted(repo, tmp_path, "--auto")
    path = repo.path / JOURNAL
    journal = json.loads(path.read_text())
    journal["auto"]["analyzed"][0]["release_type"] = "huge"
    path.write_text(json.dumps(journal))
    written = tree(repo.path)

    resumed = cli_run(repo, "--resume")

    assert resumed.exit_code == 1
    error = one_line_error(resumed)
    assert f"the release journal {path} is damaged (demo: release type 'huge')" in error
    assert "run `release-tools release --abort` to restore the files" in error
    assert path.exists() and tree(repo.path) == written


def test_the_journal_keeps_the_record_it_was_written_with(tmp_path: Path) -> None:
    record = JournalAuto(
        [JournalAnalyzed("demo", {"version_type": "minor"}, "minor", "- x", "nx", "1.5.0")],
        project="demo",
    )
    path = tmp_path / "journal.json"
    with recording_auto(record):
        Journal(path, "files", None, "release", [], []).save()
    Journal(tmp_path / "plain.json", "files", None, "release", [], []).save()

    loaded = Journal.load(path)
    plain = Journal.load(tmp_path / "plain.json")

    assert loaded is not None and loaded.auto == record
    assert plain is not None and plain.auto is None
    # A journal of an earlier version has no record; a broken one is damaged.
    data = json.loads(path.read_text())
    del data["auto"]
    path.write_text(json.dumps(data))
    earlier = Journal.load(path)
    assert earlier is not None and earlier.auto is None
    path.write_text(json.dumps({**data, "auto": {"analyzed": "demo"}}))
    with pytest.raises(ReleaseError, match="is damaged"):
        Journal.load(path)
