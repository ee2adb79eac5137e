"""Undoing a release never costs the user anything the release did not write.

``release --abort`` (and ``--resume`` of a release interrupted before its commit, which restores
first) refuses while a file holds changes made after the release wrote it; a rollback removes the
directories the release created; ``release --resume`` takes the publish command of its own run.
Every case runs the real command line on a real repository under ``tmp_path``.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from test_safety import one_line_error, tree

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.release.files import FileTransaction, content_digest
from release_tools.release.journal import Journal, JournalFile, JournalRelease

JOURNAL = ".git/release-tools/journal.json"
PLAN = ".nx/version-plans/version-plan-1.md"


def cli_run(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> Result:
    command, *rest = args
    return CliRunner().invoke(cli, [command, "-C", str(repo.path), *rest], env=env)


def state(repo: GitRepo) -> tuple[dict[str, bytes], str, str, str, bytes]:
    """Files, HEAD, tags, the index and the journal: equal before/after means nothing changed."""
    journal = repo.path / JOURNAL
    return (
        tree(repo.path),
        repo.head(),
        repo.git("tag", "-l"),
        repo.git("ls-files", "-s"),
        journal.read_bytes() if journal.exists() else b"",
    )


def python_project(repo: GitRepo, changelog: str | None = None) -> GitRepo:
    """``mylib`` released as v1.0.0 with a committed patch plan (``changelog``: its setting)."""
    setting = f'\n[tool.release-tools]\nchangelog = "{changelog}"\n' if changelog else ""
    repo.write("pyproject.toml", f'[project]\nname = "mylib"\nversion = "1.0.0"\n{setting}')
    repo.write("CHANGELOG.md", "# Changelog\n\n## [Unreleased]\n")
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(PLAN, "---\nmylib: patch\n---\n\nfix: a fix\n")
    repo.commit("chore: plan")
    return repo


def failed_publish(repo: GitRepo) -> None:
    """A release that stops after its commit and tag, leaving its journal."""
    result = cli_run(repo, "release", "--publish-command", "exit 7")
    assert result.exit_code == 1, result.output
    assert "still to do: publish mylib 1.0.1" in one_line_error(result)
    assert (repo.path / JOURNAL).exists()


def crash_before_the_commit(repo: GitRepo, tmp_path: Path) -> None:
    """A release killed (no handler runs) while ``git commit`` runs: files written, journal
    left in its first phase."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "slow-bin"
    bin_dir.mkdir()
    marker = tmp_path / "slow-commit"
    script = bin_dir / "git"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        f'  if [ "$arg" = commit ]; then touch "{marker}"; sleep 20; break; fi\n'
        "done\n"
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so SIGKILL takes the git child too
    )
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert proc.poll() is None, "the release ended before its commit"
        assert time.monotonic() < deadline, "the slowed git commit never started"
        time.sleep(0.02)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert json.loads((repo.path / JOURNAL).read_text())["phase"] == "files"


def forget_written_digests(repo: GitRepo) -> None:
    """Turn the journal into one of an earlier version, which recorded no digests."""
    path = repo.path / JOURNAL
    data = json.loads(path.read_text())
    for entry in data["files"]:
        del entry["written"]
    del data["directories"]
    path.write_text(json.dumps(data))


# --- abort and resume never destroy later changes ----------------------------------------------


def test_abort_refuses_while_a_released_file_holds_later_work(repo: GitRepo) -> None:
    python_project(repo)
    failed_publish(repo)
    with (repo.path / "CHANGELOG.md").open("a") as changelog:
        changelog.write("USER WORK\n")
    before = state(repo)
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 1
    line = one_line_error(aborted)
    assert "CHANGELOG.md changed since the release wrote it" in line
    assert "commit or stash" in line and "--abort" in line
    assert "pyproject.toml" not in line  # only the files that changed are named
    assert state(repo) == before
    # A dry run says the same, without changing anything either.
    assert cli_run(repo, "release", "--abort", "--dry-run").exit_code == 1
    assert state(repo) == before
    # Once the work is put aside the release is undone; the work is still in the stash.
    repo.git("stash", "-q")
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert repo.git("tag", "-l") == "v1.0.0"
    assert repo.git("log", "-1", "--format=%s") == "chore: plan"
    assert "+USER WORK" in repo.git("stash", "show", "-p")


def test_abort_refuses_a_deleted_plan_put_back_with_other_content(repo: GitRepo) -> None:
    python_project(repo)
    failed_publish(repo)
    assert not (repo.path / PLAN).exists()
    repo.write(PLAN, "---\nmylib: minor\n---\n\nfeat: written after the release\n")
    before = state(repo)
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 1
    assert PLAN in one_line_error(aborted)
    assert state(repo) == before


def test_resume_after_a_crash_refuses_to_restore_over_later_work(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    crash_before_the_commit(repo, tmp_path)
    with (repo.path / "CHANGELOG.md").open("a") as changelog:
        changelog.write("USER WORK\n")
    before = state(repo)
    resumed = cli_run(repo, "release", "--resume")
    assert resumed.exit_code == 1
    line = one_line_error(resumed)
    assert "CHANGELOG.md changed since the release wrote it" in line and "--resume" in line
    assert state(repo) == before
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 1 and "CHANGELOG.md" in one_line_error(aborted)
    assert state(repo) == before


def test_abort_after_a_crash_restores_files_the_release_left_as_written(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    before = tree(repo.path)
    crash_before_the_commit(repo, tmp_path)
    assert tree(repo.path) != before
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert tree(repo.path) == before
    assert repo.git("status", "--porcelain") == ""


def test_journal_of_an_earlier_version_is_checked_against_the_release_commit(
    repo: GitRepo,
) -> None:
    python_project(repo)
    failed_publish(repo)
    forget_written_digests(repo)
    with (repo.path / "CHANGELOG.md").open("a") as changelog:
        changelog.write("USER WORK\n")
    before = state(repo)
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 1, aborted.output
    assert "CHANGELOG.md" in one_line_error(aborted)
    assert state(repo) == before
    repo.git("checkout", "-q", "--", "CHANGELOG.md")
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert repo.git("tag", "-l") == "v1.0.0"


def test_journal_of_an_earlier_version_without_a_commit_restores_nothing_unknown(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    crash_before_the_commit(repo, tmp_path)
    forget_written_digests(repo)
    before = state(repo)
    # Without a digest or a commit nothing tells the release's bytes from later ones.
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 1
    line = one_line_error(aborted)
    assert "CHANGELOG.md" in line and "pyproject.toml" in line
    assert state(repo) == before


# --- resume takes the publish command of its own run -------------------------------------------


def test_resume_runs_a_corrected_publish_command(repo: GitRepo, tmp_path: Path) -> None:
    python_project(repo)
    failed_publish(repo)
    log = tmp_path / "publish.log"
    resumed = cli_run(
        repo, "release", "--resume", "--publish-command", f"echo ok > {log}", "--log-level", "info"
    )
    assert resumed.exit_code == 0, resumed.output
    assert log.read_text() == "ok\n"
    assert "replaces the one the unfinished release recorded" in resumed.stderr
    assert not (repo.path / JOURNAL).exists()


def test_resume_takes_the_publish_command_from_the_environment(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    failed_publish(repo)
    log = tmp_path / "publish.log"
    env = {"RELEASE_TOOLS_PUBLISH_COMMAND": f"echo {{version}} > {log}"}
    resumed = cli_run(repo, "release", "--resume", env=env)
    assert resumed.exit_code == 0, resumed.output
    assert log.read_text() == "1.0.1\n"


def test_resume_without_a_publish_command_runs_the_journals(repo: GitRepo) -> None:
    python_project(repo)
    failed_publish(repo)
    resumed = cli_run(repo, "release", "--resume")
    assert resumed.exit_code == 1
    assert "failed with exit 7" in one_line_error(resumed)


def test_a_corrected_publish_command_is_kept_when_it_fails_too(repo: GitRepo) -> None:
    python_project(repo)
    failed_publish(repo)
    resumed = cli_run(repo, "release", "--resume", "--publish-command", "exit 9")
    assert resumed.exit_code == 1 and "failed with exit 9" in one_line_error(resumed)
    again = cli_run(repo, "release", "--resume")
    assert again.exit_code == 1 and "failed with exit 9" in one_line_error(again)


def test_resume_checks_a_corrected_publish_command(repo: GitRepo) -> None:
    python_project(repo)
    failed_publish(repo)
    before = state(repo)
    resumed = cli_run(repo, "release", "--resume", "--publish-command", "echo '{name}'")
    assert resumed.exit_code == 2
    assert "{name} is inside quotes" in one_line_error(resumed)
    assert state(repo) == before


def test_resume_adds_no_publish_step_to_a_release_without_one(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    remote = tmp_path / "remote.git"
    repo.git("init", "-q", "--bare", "-b", "main", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    # No remote branch to push to yet is fine; a rejected push leaves the journal.
    hook = remote / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    assert cli_run(repo, "release", "--push", "--skip-publish").exit_code == 1
    hook.unlink()
    marker = tmp_path / "published"
    resumed = cli_run(repo, "release", "--resume", "--publish-command", f"touch {marker}")
    assert resumed.exit_code == 0, resumed.output
    assert not marker.exists()


# --- directories the release created -----------------------------------------------------------


def test_failed_commit_removes_the_directories_it_created(repo: GitRepo) -> None:
    python_project(repo, changelog="newdir/sub/CHANGELOG.md")
    (repo.path / "docs").mkdir()  # existed before, empty: stays
    hook = repo.path / ".git/hooks/pre-commit"
    hook.write_text("#!/bin/sh\nexit 1\n")
    hook.chmod(0o755)
    before = tree(repo.path)
    result = cli_run(repo, "release")
    assert result.exit_code == 1
    assert "files restored" in one_line_error(result)
    assert tree(repo.path) == before
    assert not (repo.path / "newdir").exists()
    assert (repo.path / "docs").is_dir()
    assert not (repo.path / JOURNAL).exists()


def test_abort_removes_the_directories_the_release_created(repo: GitRepo) -> None:
    python_project(repo, changelog="newdir/sub/CHANGELOG.md")
    failed_publish(repo)
    assert (repo.path / "newdir/sub/CHANGELOG.md").is_file()
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert not (repo.path / "newdir").exists()
    assert repo.git("status", "--porcelain", "--untracked-files=all") == ""


def test_abort_keeps_a_created_directory_that_is_not_empty(repo: GitRepo) -> None:
    python_project(repo, changelog="newdir/sub/CHANGELOG.md")
    failed_publish(repo)
    repo.write("newdir/notes.txt", "mine\n")
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert not (repo.path / "newdir/sub").exists()
    assert (repo.path / "newdir/notes.txt").read_text() == "mine\n"


def test_rollback_removes_only_new_empty_directories(tmp_path: Path) -> None:
    (tmp_path / "old/empty").mkdir(parents=True)
    txn = FileTransaction(tmp_path)
    txn.write("old/empty/a/b/one.txt", "1", "r")
    txn.write("old/empty/a/c/two.txt", "2", "r")
    txn.write("fresh/three.txt", "3", "r")
    txn.apply()
    assert txn.new_directories() == ["old/empty/a", "old/empty/a/b", "old/empty/a/c", "fresh"]
    (tmp_path / "old/empty/a/c/later.txt").write_text("not the release's")
    assert txn.rollback() == []
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "old",
        "old/empty",
        "old/empty/a",
        "old/empty/a/c",
        "old/empty/a/c/later.txt",
    ]


# --- the journal on disk -----------------------------------------------------------------------


def test_journal_keeps_digests_and_directories_and_reads_older_journals(tmp_path: Path) -> None:
    journal = Journal(
        path=tmp_path / "journal.json",
        phase="files",
        base=None,
        message="release",
        files=[JournalFile("a.txt", b"old", 0o644, content_digest(b"new"))],
        releases=[JournalRelease("lib", "minor", "1.0.0", "1.1.0", "v1.1.0")],
        directories=["new", "new/sub"],
    )
    journal.save()
    loaded = Journal.load(journal.path)
    assert loaded is not None
    assert loaded.files == journal.files and loaded.directories == ["new", "new/sub"]
    data = json.loads(journal.path.read_text())
    del data["files"][0]["written"], data["directories"]
    journal.path.write_text(json.dumps(data))
    older = Journal.load(journal.path)
    assert older is not None
    assert older.files == [JournalFile("a.txt", b"old", 0o644)] and older.directories == []


@pytest.mark.parametrize("content", [b"", b"x", None])
def test_content_digest_tells_contents_and_absence_apart(content: bytes | None) -> None:
    others = [c for c in (b"", b"x", None) if c != content]
    assert all(content_digest(content) != content_digest(other) for other in others)
    assert content_digest(content) == content_digest(content)
