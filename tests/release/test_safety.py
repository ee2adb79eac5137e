"""A release can never damage a repository: adversarial cases, one hostile repository each.

Every case builds its repository under ``tmp_path`` with real git and runs the real command
line (click's runner, or a subprocess when signals are involved), then checks that nothing
outside the work tree, inside ``.git`` or in git's state changed unless the release succeeded.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import GitError, ReleaseError
from release_tools.release import files as files_module
from release_tools.release.lock import release_lock
from release_tools.release.publish import expand_command
from release_tools.release.service import ReleaseOptions, run_release

PLAN = ".changeset/brave-cats-jump.md"
MODES = (["--no-commit"], ["--dry-run"], [])


def cli_run(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> Result:
    command, *rest = args
    return CliRunner().invoke(cli, [command, "-C", str(repo.path), *rest], env=env)


def tree(root: Path, *, git: bool = False) -> dict[str, bytes]:
    """Every file's bytes (symbolic links as their target) under ``root``, and those of
    ``.git`` (its reflogs aside) with ``git``."""
    out: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not git and ".git" in path.relative_to(root).parts:
            continue
        if path.is_symlink():
            out[rel] = b"-> " + os.readlink(path).encode()
        elif path.is_file() and "/logs/" not in f"/{rel}":
            out[rel] = path.read_bytes()
    return out


def one_line_error(result: Result) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ") and "Traceback" not in result.output
    return lines[0]


def npm_project(repo: GitRepo, name: str = "demo", **extra: Any) -> GitRepo:
    """One package.json project at the root, released as 1.0.0, with a pending minor plan."""
    manifest = {"name": name, "version": "1.0.0", **extra}
    repo.write("package.json", json.dumps(manifest, indent=2) + "\n")
    repo.write("index.js", "module.exports = 1;\n")
    repo.write("CHANGELOG.md", "# Changelog\n")
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(PLAN, f"---\n{json.dumps(name)}: minor\n---\n\nfeat: more\n")
    repo.commit("chore: plan")
    return repo


def python_project(repo: GitRepo) -> GitRepo:
    """A PEP 621 project with ``src/demo/__init__.py`` holding its ``__version__``."""
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.0.0"\n')
    repo.write("src/demo/__init__.py", '__version__ = "1.0.0"\n')
    repo.write("CHANGELOG.md", "# Changelog\n")
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.write(".nx/version-plans/version-plan-1.md", "---\ndemo: minor\n---\n\nfeat: more\n")
    repo.commit("chore: plan")
    return repo


# --- 1. publish placeholders -------------------------------------------------------------------


def test_publish_placeholders_reach_the_shell_quoted(repo: GitRepo, tmp_path: Path) -> None:
    hostile = "x$(touch pwned)y"
    npm_project(repo, hostile)
    command = 'echo publishing {name} {version} && echo "env=$RELEASE_TOOLS_RELEASE_NAME"'
    result = cli_run(repo, "release", "--publish-command", command)
    assert result.exit_code == 0, result.output
    assert not list(tmp_path.rglob("pwned"))
    assert f"publishing {hostile} 1.1.0" in result.stdout
    assert f"env={hostile}" in result.stdout


def test_publish_environment_variables(repo: GitRepo) -> None:
    npm_project(repo)
    command = 'echo "$RELEASE_TOOLS_RELEASE_NAME|$RELEASE_TOOLS_RELEASE_VERSION|'
    command += '$RELEASE_TOOLS_RELEASE_TAG|$RELEASE_TOOLS_RELEASE_PATH"'
    result = cli_run(repo, "release", "--publish-command", command)
    assert result.exit_code == 0, result.output
    assert "demo|1.1.0|v1.1.0|." in result.stdout


def test_placeholder_inside_quotes_is_refused_before_writing(repo: GitRepo) -> None:
    npm_project(repo, "x$(touch pwned)y")
    before = tree(repo.path)
    result = cli_run(repo, "release", "--publish-command", "echo '{name}'")
    assert result.exit_code == 2
    assert "{name} is inside quotes" in one_line_error(result)
    assert tree(repo.path) == before


def test_placeholder_in_a_here_document_is_refused_before_writing(repo: GitRepo) -> None:
    npm_project(repo, "x$(touch pwned)y")
    before = tree(repo.path)
    command = "cat > notes.txt <<EOF\nReleased {name} {version}\nEOF"
    result = cli_run(repo, "release", "--publish-command", command)
    assert result.exit_code == 2
    assert "{name} after a here-document" in one_line_error(result)
    assert tree(repo.path) == before and not (repo.path / "pwned").exists()


def test_a_here_string_takes_a_quoted_placeholder() -> None:
    # Bash's here-string word is quoted like any other; only a here-document's body is not.
    expanded = expand_command("cat <<< {name}", name="a b", version="", tag="", path="")
    assert expanded == "cat <<< 'a b'"


# --- 2. confinement ----------------------------------------------------------------------------


def _changeset_symlinked_outside(repo: GitRepo, outside: Path) -> None:
    npm_project(repo)
    (outside / "plans").mkdir()
    (outside / "plans/brave-cats-jump.md").write_text('---\n"demo": minor\n---\n\nfeat: x\n')
    repo.git("rm", "-q", "-r", ".changeset")
    (repo.path / ".changeset").symlink_to(outside / "plans")
    repo.commit("chore: plans live elsewhere")


def _package_dir_symlinked_outside(repo: GitRepo, outside: Path) -> None:
    python_project(repo)
    (outside / "pkg").mkdir()
    (outside / "pkg/__init__.py").write_text('__version__ = "1.0.0"\n')
    repo.git("rm", "-q", "-r", "src/demo")
    (repo.path / "src").mkdir(exist_ok=True)
    (repo.path / "src/demo").symlink_to(outside / "pkg")
    repo.commit("chore: the package lives elsewhere")


def _changelog_setting(value: str) -> Callable[[GitRepo, Path], None]:
    def build(repo: GitRepo, outside: Path) -> None:
        (outside / "x.md").write_text("# outside\n")
        repo.write("release-tools.toml", f"changelog = {json.dumps(value)}\n")
        npm_project(repo)

    return build


CONFINEMENT_CASES = {
    "changeset-dir-symlink": (_changeset_symlinked_outside, "refusing to delete .changeset/"),
    "package-dir-symlink": (_package_dir_symlinked_outside, "refusing to write src/demo/"),
    "changelog-dotdot": (_changelog_setting("../outside/x.md"), "refusing to write ../outside"),
    "changelog-absolute": (_changelog_setting("{outside}/x.md"), "an absolute path"),
    "changelog-git-config": (_changelog_setting(".git/config"), "inside a .git directory"),
    # On a case-insensitive file system (macOS, Windows) this is .git/config.
    "changelog-git-other-case": (_changelog_setting(".GIT/config"), "inside a .git directory"),
}


@pytest.mark.parametrize("mode", MODES, ids=["no-commit", "dry-run", "commit"])
@pytest.mark.parametrize("case", list(CONFINEMENT_CASES))
def test_paths_outside_the_work_tree_are_refused_before_any_write(
    make_repo: Callable[[str], GitRepo], tmp_path: Path, case: str, mode: list[str]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repo = make_repo("repo")
    build, needle = CONFINEMENT_CASES[case]
    if case == "changelog-absolute":
        build = _changelog_setting(str(outside / "x.md"))
    build(repo, outside)
    before = (tree(repo.path, git=True), tree(outside), repo.git("log", "--all", "--oneline"))
    result = cli_run(repo, "release", *mode)
    assert result.exit_code == 1, result.output
    assert needle in one_line_error(result)
    after = (tree(repo.path, git=True), tree(outside), repo.git("log", "--all", "--oneline"))
    assert after == before


def test_dry_run_reports_a_symlinked_changelog_like_the_real_run(repo: GitRepo) -> None:
    npm_project(repo)
    repo.write("docs/CHANGES.md", "# Changelog\n")
    (repo.path / "CHANGELOG.md").unlink()
    (repo.path / "CHANGELOG.md").symlink_to("docs/CHANGES.md")
    repo.commit("chore: changelog moved")
    before = tree(repo.path)
    dry = cli_run(repo, "release", "--dry-run")
    real = cli_run(repo, "release")
    assert dry.exit_code == real.exit_code == 1
    assert one_line_error(dry) == one_line_error(real)
    assert "CHANGELOG.md: it is a symbolic link" in one_line_error(real)
    assert tree(repo.path) == before


# --- 3. git argument injection and tag names -----------------------------------------------------


@pytest.mark.parametrize(
    "fmt", ["--format={version}", "-{version}", "v{version}..lock", "{version} x"]
)
@pytest.mark.parametrize("mode", MODES, ids=["no-commit", "dry-run", "commit"])
def test_bad_tag_names_are_refused_before_any_write(
    repo: GitRepo, fmt: str, mode: list[str]
) -> None:
    repo.write("release-tools.toml", f"tag-format = {json.dumps(fmt)}\n")
    npm_project(repo)
    before = (tree(repo.path, git=True), repo.git("log", "--all", "--oneline"))
    result = cli_run(repo, "release", *mode)
    # A configuration error (exit 2), found when the settings are read.
    assert result.exit_code == 2, result.output
    assert f"tag_format {fmt!r} makes tags like" in one_line_error(result)
    assert (tree(repo.path, git=True), repo.git("log", "--all", "--oneline")) == before
    assert repo.git("tag", "-l") == "v1.0.0"


def test_git_options_cannot_come_from_names(repo: GitRepo) -> None:
    from release_tools.git import Git

    npm_project(repo)
    git = Git(repo.path)
    assert git.check_tag_name("--format=1.1.0") is not None
    assert not git.has_remote("--help")
    with pytest.raises(GitError, match="not a valid tag name"):
        git.tag("--format=1.1.0", "message")
    assert repo.git("tag", "-l") == "v1.0.0"


# --- 4. interruption safety --------------------------------------------------------------------


def slow_git(tmp_path: Path, command: str) -> dict[str, str]:
    """An environment whose ``git`` sleeps before running ``command`` (and says so in a file)."""
    real = shutil.which("git")
    assert real is not None
    bin_dir = tmp_path / "slow-bin"
    bin_dir.mkdir(exist_ok=True)
    marker = tmp_path / f"slow-{command}"
    script = bin_dir / "git"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do\n'
        f'  if [ "$arg" = {command} ]; then touch "{marker}"; sleep 20; break; fi\n'
        "done\n"
        f'exec "{real}" "$@"\n'
    )
    script.chmod(0o755)
    env = dict(os.environ)
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    env["SLOW_MARKER"] = str(marker)
    return env


def bare_remote(repo: GitRepo, tmp_path: Path, *, push: bool = True) -> Path:
    """A bare repository added as ``origin``; with ``push``, holding the current branch."""
    remote = tmp_path / "remote.git"
    repo.git("init", "-q", "--bare", "-b", "main", str(remote))
    repo.git("remote", "add", "origin", str(remote))
    if push:
        repo.git("push", "-q", "origin", "HEAD:refs/heads/main")
    return remote


def start_release(repo: GitRepo, env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path), *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, so SIGKILL can take the git child too
    )


def interrupt_when_slow(proc: subprocess.Popen[str], env: dict[str, str], signum: int) -> str:
    """Send ``signum`` once the slowed git command has started; return the stderr."""
    return interrupt_and_read(proc, env, signum)[1]


def interrupt_and_read(
    proc: subprocess.Popen[str], env: dict[str, str], signum: int
) -> tuple[str, str]:
    """Send ``signum`` once the slowed git command has started; return stdout and stderr."""
    marker = Path(env["SLOW_MARKER"])
    deadline = time.monotonic() + 30
    while not marker.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the slowed git command never started"
        time.sleep(0.02)
    if signum == signal.SIGKILL:
        # A crash: nothing of the release runs any more, not even the slowed git child.
        os.killpg(proc.pid, signum)
    else:
        proc.send_signal(signum)
    return proc.communicate(timeout=30)


@pytest.mark.parametrize(
    ("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["INT", "TERM"]
)
def test_signal_before_the_commit_restores_everything(
    repo: GitRepo, tmp_path: Path, signum: int, code: int
) -> None:
    python_project(repo)
    before = (tree(repo.path), repo.head(), repo.git("status", "--porcelain"))
    env = slow_git(tmp_path, "commit")
    proc = start_release(repo, env, "--format", "json")
    stdout, stderr = interrupt_and_read(proc, env, signum)
    assert proc.returncode == code, stderr
    assert "before the release commit: every file and plan restored, nothing committed" in stderr
    # "In CI": the JSON error of an interrupted release is of type interrupted, its message
    # names the signal, its exit code is the signal's.
    error = json.loads(stdout)["error"]
    assert (error["type"], error["exit_code"]) == ("interrupted", code)
    name = signal.Signals(signum).name
    assert error["message"].startswith(f"interrupted by {name} before the release commit")
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    in_ci = " ".join(readme.split("## In CI", 1)[1].split("\n### ", 1)[0].split())
    assert "`interrupted` (Ctrl-C, SIGINT or SIGTERM: exit 130 or 143;" in in_ci
    assert (tree(repo.path), repo.head(), repo.git("status", "--porcelain")) == before
    assert not (repo.path / ".git/release-tools/journal.json").exists()
    # Nothing is left over: the next run releases normally.
    again = cli_run(repo, "release")
    assert again.exit_code == 0, again.output
    assert repo.git("tag", "--points-at", "HEAD") == "v1.1.0"


def test_signal_after_the_commit_leaves_a_journal_that_resume_finishes(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    env = slow_git(tmp_path, "tag")
    proc = start_release(repo, env)
    stderr = interrupt_when_slow(proc, env, signal.SIGTERM)
    assert proc.returncode == 143, stderr
    assert "after the release commit" in stderr and "still to do: tag v1.1.0" in stderr
    assert repo.git("log", "-1", "--format=%s") == "chore(release): demo 1.1.0"
    assert repo.git("tag", "-l") == "v1.0.0"
    # A rerun does not say "nothing to release": it says how to finish or undo.
    rerun = cli_run(repo, "release")
    assert rerun.exit_code == 1
    line = one_line_error(rerun)
    assert "is unfinished" in line and "--resume" in line and "--abort" in line
    assert cli_run(repo, "release", "--dry-run").exit_code == 1
    resumed = cli_run(repo, "release", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "tag v1.1.0" in resumed.stdout
    assert repo.git("tag", "--points-at", "HEAD") == "v1.1.0"
    assert not (repo.path / ".git/release-tools/journal.json").exists()
    assert cli_run(repo, "release").stdout.startswith("nothing to release")


def test_abort_after_the_commit_undoes_the_release(repo: GitRepo, tmp_path: Path) -> None:
    python_project(repo)
    before = (tree(repo.path), repo.head())
    env = slow_git(tmp_path, "push")
    bare_remote(repo, tmp_path, push=False)
    proc = start_release(repo, env, "--push")
    stderr = interrupt_when_slow(proc, env, signal.SIGINT)
    assert proc.returncode == 130, stderr
    assert repo.git("tag", "-l", "v1.1.0") == "v1.1.0"
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert "delete tag v1.1.0" in aborted.stdout
    assert repo.git("tag", "-l") == "v1.0.0"
    assert (tree(repo.path), repo.head()) == before
    assert repo.git("status", "--porcelain") == ""


def test_abort_refuses_a_release_the_remote_received_after_the_interruption(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    remote = bare_remote(repo, tmp_path)
    # The remote has taken the refs when its post-receive hook runs; the hook then keeps the
    # pushing side waiting, and the release is interrupted there.
    marker = tmp_path / "received"
    hook = remote / "hooks" / "post-receive"
    hook.write_text(f'#!/bin/sh\ntouch "{marker}"\nsleep 20\n')
    hook.chmod(0o755)
    env = {**os.environ, "SLOW_MARKER": str(marker)}
    proc = start_release(repo, env, "--push")
    stderr = interrupt_when_slow(proc, env, signal.SIGINT)
    assert proc.returncode == 130, stderr
    released = repo.git("rev-parse", "v1.1.0^{commit}")
    assert repo.git("--git-dir", str(remote), "rev-parse", "main") == released

    aborted = cli_run(repo, "release", "--abort")

    assert aborted.exit_code == 1
    assert f"the release commit {released[:10]} was already pushed to origin" in one_line_error(
        aborted
    )
    assert repo.git("rev-parse", "HEAD") == released and repo.git("tag", "-l", "v1.1.0")


def test_abort_keeps_a_release_commit_that_head_has_moved_past(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    env = slow_git(tmp_path, "tag")
    proc = start_release(repo, env)
    interrupt_when_slow(proc, env, signal.SIGTERM)
    release_commit = repo.head()
    repo.write("later.txt", "x\n")
    repo.commit("chore: later work")
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert f"keep the release commit {release_commit[:10]}" in aborted.stdout
    assert repo.git("rev-parse", "HEAD^") == release_commit
    assert repo.git("status", "--porcelain") == ""


def test_a_crash_before_the_commit_is_reported_and_undone(repo: GitRepo, tmp_path: Path) -> None:
    python_project(repo)
    before = (tree(repo.path), repo.head())
    env = slow_git(tmp_path, "commit")
    proc = start_release(repo, env)
    interrupt_when_slow(proc, env, signal.SIGKILL)  # no handler runs: files stay half-released
    assert proc.returncode == -signal.SIGKILL
    assert (repo.path / ".git/release-tools/journal.json").exists()
    rerun = cli_run(repo, "release")
    assert rerun.exit_code == 1
    assert "interrupted before its commit" in one_line_error(rerun)
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 0, aborted.output
    assert (tree(repo.path), repo.head()) == before
    assert repo.git("status", "--porcelain") == ""


def test_a_crash_after_git_made_the_commit_is_reported_as_committed(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    env = slow_git(tmp_path, "commit")
    proc = start_release(repo, env)
    interrupt_when_slow(proc, env, signal.SIGKILL)
    # The commit the killed run had asked git for lands anyway (git was past the point of no
    # return): the staged release files are committed, the journal never heard of it.
    repo.git("commit", "-q", "-m", "chore(release): demo 1.1.0")
    landed = repo.head()

    rerun = cli_run(repo, "release")

    assert rerun.exit_code == 1
    error = one_line_error(rerun)
    assert f"commit {landed[:10]} exists" in error and "before its commit" not in error
    resumed = cli_run(repo, "release", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert repo.git("tag", "--points-at", "HEAD") == "v1.1.0"
    assert not (repo.path / ".git/release-tools").exists()


def test_resume_after_a_crash_before_the_commit_releases_again(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    env = slow_git(tmp_path, "commit")
    proc = start_release(repo, env)
    interrupt_when_slow(proc, env, signal.SIGKILL)
    resumed = cli_run(repo, "release", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert repo.git("tag", "--points-at", "HEAD") == "v1.1.0"
    assert repo.git("status", "--porcelain") == ""


def test_rejected_push_is_reported_and_resumable(repo: GitRepo, tmp_path: Path) -> None:
    python_project(repo)
    remote = bare_remote(repo, tmp_path)
    hook = remote / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    pushed = cli_run(repo, "release", "--push")
    assert pushed.exit_code == 1
    line = one_line_error(pushed)
    assert "push to origin failed" in line and "--resume" in line and "--abort" in line
    rerun = cli_run(repo, "release", "--push")
    assert rerun.exit_code == 1 and "still to do: push to origin" in one_line_error(rerun)
    hook.unlink()
    resumed = cli_run(repo, "release", "--resume")
    assert resumed.exit_code == 0, resumed.output
    assert "refs/tags/v1.1.0\n" in repo.git("ls-remote", "--tags", "origin")
    assert repo.git("rev-parse", "origin/main") == repo.head()
    assert cli_run(repo, "release", "--abort").stdout.startswith("nothing to abort")


def test_abort_refuses_a_pushed_release(repo: GitRepo, tmp_path: Path) -> None:
    python_project(repo)
    bare_remote(repo, tmp_path)
    result = cli_run(repo, "release", "--push", "--publish-command", "exit 3")
    assert result.exit_code == 1 and "--resume" in one_line_error(result)
    aborted = cli_run(repo, "release", "--abort")
    assert aborted.exit_code == 1
    assert "already pushed to origin" in one_line_error(aborted)


# --- 5. hooks ----------------------------------------------------------------------------------


def hook(repo: GitRepo, name: str, body: str = "echo 'hook says no' >&2\nexit 1\n") -> None:
    path = repo.path / ".git/hooks" / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


@pytest.mark.parametrize("name", ["pre-commit", "commit-msg"])
def test_failing_hook_stops_the_release_and_restores_files(repo: GitRepo, name: str) -> None:
    python_project(repo)
    hook(repo, name)
    before = (tree(repo.path), repo.head(), repo.git("status", "--porcelain"))
    result = cli_run(repo, "release")
    assert result.exit_code == 1
    line = one_line_error(result)
    assert "commit failed, files restored" in line and "hook says no" in line
    assert (tree(repo.path), repo.head(), repo.git("status", "--porcelain")) == before
    assert repo.git("tag", "-l") == "v1.0.0"


def test_no_verify_flag_and_setting_skip_the_hooks(make_repo: Callable[[str], GitRepo]) -> None:
    flagged = python_project(make_repo("flag"))
    hook(flagged, "pre-commit")
    result = cli_run(flagged, "release", "--no-verify", "--dry-run")
    assert "(hooks skipped: --no-verify)" in result.stdout
    assert cli_run(flagged, "release", "--no-verify").exit_code == 0
    assert flagged.git("tag", "--points-at", "HEAD") == "v1.1.0"
    configured = make_repo("config")
    configured.write("release-tools.toml", "no-verify = true\n")
    python_project(configured)
    hook(configured, "commit-msg")
    assert cli_run(configured, "release").exit_code == 0
    assert configured.git("tag", "--points-at", "HEAD") == "v1.1.0"


def test_passing_hooks_run(repo: GitRepo, tmp_path: Path) -> None:
    python_project(repo)
    ran = tmp_path / "ran"
    hook(repo, "pre-commit", f'touch "{ran}"\n')
    assert cli_run(repo, "release").exit_code == 0
    assert ran.exists()


# --- 6. clean text -----------------------------------------------------------------------------


def test_release_output_has_no_control_characters(repo: GitRepo) -> None:
    npm_project(repo, "evil\x1b]0;owned\x07\x1b[2Jname")
    result = cli_run(repo, "release", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "evil]0;owned[2Jname" in result.stdout


# --- 7. messages that mislead ------------------------------------------------------------------


def test_write_failure_that_changed_nothing_says_so_without_tracebacks(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    python_project(repo)
    before = tree(repo.path)
    real = files_module.write_file

    def refuse_changelog(path: Path, content: bytes, mode: int | None = None) -> None:
        if path.name == "CHANGELOG.md":
            raise PermissionError(13, "Permission denied")
        real(path, content, mode)

    monkeypatch.setattr(files_module, "write_file", refuse_changelog)
    settings = load_settings({}, repo=repo.path)
    with pytest.raises(ReleaseError) as caught:
        run_release(settings, ReleaseOptions(commit=False))
    message = str(caught.value)
    assert message.startswith("cannot write CHANGELOG.md: Permission denied;")
    assert "could not restore" not in message
    assert not [r for r in caught_records(caplog) if r.exc_info or r.levelno >= logging.ERROR]
    assert tree(repo.path) == before


def caught_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name.startswith("release_tools")]


def test_nothing_written_yet_says_nothing_was_changed(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    python_project(repo)

    def refuse(path: Path, content: bytes, mode: int | None = None) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(files_module, "write_file", refuse)
    with pytest.raises(ReleaseError, match=r"Permission denied; nothing was changed$"):
        run_release(load_settings({}, repo=repo.path), ReleaseOptions())


def test_leftover_index_lock_is_named_before_any_write(repo: GitRepo) -> None:
    python_project(repo)
    (repo.path / ".git/index.lock").write_text("")
    before = tree(repo.path)
    result = cli_run(repo, "release")
    assert result.exit_code == 1
    line = one_line_error(result)
    assert "another git process holds the index" in line and "index.lock" in line
    assert "could not restore" not in line
    assert tree(repo.path) == before
    dry = cli_run(repo, "release", "--dry-run")
    assert dry.exit_code == 1 and "would write pyproject.toml" in dry.stdout


def test_detached_head_is_refused_unless_allowed(repo: GitRepo) -> None:
    python_project(repo)
    repo.git("checkout", "-q", "--detach")
    before = tree(repo.path)
    result = cli_run(repo, "release")
    assert result.exit_code == 1
    assert "HEAD is detached" in one_line_error(result) and "--allow-detached" in result.stderr
    assert tree(repo.path) == before
    assert cli_run(repo, "release", "--dry-run").exit_code == 1
    assert cli_run(repo, "release", "--no-commit").exit_code == 0  # no commit: no branch needed
    repo.git("checkout", "-q", "--", ".")
    allowed = cli_run(repo, "release", "--allow-detached")
    assert allowed.exit_code == 0, allowed.output
    assert repo.git("tag", "--points-at", "HEAD") == "v1.1.0"


def test_bare_repository_is_one_line(tmp_path: Path) -> None:
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    result = CliRunner().invoke(cli, ["release", "-C", str(bare)])
    assert result.exit_code == 1
    assert "not a work tree" in one_line_error(result)


def test_dry_run_with_uncommitted_plans_shows_the_release(repo: GitRepo) -> None:
    python_project(repo)
    repo.write(".nx/version-plans/version-plan-2.md", "---\ndemo: patch\n---\n\nfix: y\n")
    before = tree(repo.path)
    dry = cli_run(repo, "release", "--dry-run")
    assert dry.exit_code == 1, dry.output  # the preview, then the real run's failure
    assert "would delete .nx/version-plans/version-plan-2.md" in dry.stdout
    assert "error: the release would be refused: uncommitted changes" in dry.stderr
    assert tree(repo.path) == before
    assert cli_run(repo, "release").exit_code == 1


def test_new_files_honour_the_umask(repo: GitRepo) -> None:
    python_project(repo)
    repo.remove("CHANGELOG.md")
    repo.commit("chore: no changelog yet")
    previous = os.umask(0o022)
    try:
        assert cli_run(repo, "release").exit_code == 0
    finally:
        os.umask(previous)
    assert stat.S_IMODE((repo.path / "CHANGELOG.md").stat().st_mode) == 0o644


@pytest.mark.parametrize("preid", ["01", "00", "a.b", "", "ü"])
def test_invalid_preid_is_refused(repo: GitRepo, preid: str) -> None:
    npm_project(repo)
    before = tree(repo.path)
    result = cli_run(repo, "release", "--preid", preid)
    assert result.exit_code == 2
    assert "--preid: invalid prerelease identifier" in one_line_error(result)
    assert tree(repo.path) == before


def test_preids_give_valid_semver_and_pep440(make_repo: Callable[[str], GitRepo]) -> None:
    from packaging.version import Version as Pep440

    from release_tools.versioning.semver import Version

    node = npm_project(make_repo("node"))
    node.remove(PLAN)
    node.write(".nx/version-plans/version-plan-9.md", "---\ndemo: preminor\n---\n\nfeat: x\n")
    node.commit("chore: prerelease plan")
    assert cli_run(node, "release", "--preid", "beta-2").exit_code == 0
    version = json.loads((node.path / "package.json").read_text())["version"]
    assert version == "1.1.0-beta-2.0" and str(Version.parse(version)) == version
    python = python_project(make_repo("python"))
    python.remove(".nx/version-plans/version-plan-1.md")
    python.write(".nx/version-plans/version-plan-9.md", "---\ndemo: preminor\n---\n\nfeat: x\n")
    python.commit("chore: prerelease plan")
    assert cli_run(python, "release", "--preid", "beta").exit_code == 0
    text = (python.path / "pyproject.toml").read_text()
    assert 'version = "1.1.0b1"' in text and str(Pep440("1.1.0b1")) == "1.1.0b1"


EVIL_SUBJECT = "feat: add \x1b]0;owned\x07\x1b[2J\x1b[1;31mred\x1b[0m\r thing \x9b2J"


def test_changelog_commits_are_written_without_control_characters(repo: GitRepo) -> None:
    repo.write("release-tools.toml", "changelog-commits = true\n")
    python_project(repo)
    repo.write("src/demo/more.py", "X = 1\n")
    repo.commit(EVIL_SUBJECT)
    assert cli_run(repo, "release").exit_code == 0
    changelog = (repo.path / "CHANGELOG.md").read_text()
    assert "add ]0;owned[2J[1;31mred[0m thing 2J" in changelog
    assert not [c for c in changelog if ord(c) < 32 and c not in "\n\t"]
    assert "\x9b" not in changelog and "\x7f" not in changelog


def test_analyze_text_is_clean_and_json_escapes(repo: GitRepo) -> None:
    python_project(repo)
    repo.write("src/demo/more.py", "def more() -> int:\n    return 1\n")
    repo.commit(EVIL_SUBJECT)
    text = cli_run(repo, "analyze")
    assert text.exit_code == 0, text.output
    assert "red" in text.stdout
    assert not [c for c in text.stdout if ord(c) < 32 and c not in "\n\t"]
    raw = cli_run(repo, "analyze", "--format", "json")
    assert "\x1b" not in raw.stdout and "\\u001b" in raw.stdout


def test_plan_directory_symlinked_outside_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    python_project(repo)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    repo.git("rm", "-q", "-r", ".nx")
    (repo.path / ".nx").mkdir()
    (repo.path / ".nx/version-plans").symlink_to(outside)
    repo.commit("chore: plans elsewhere")
    result = cli_run(repo, "create-version-plan", "--project", "demo", "--version-type", "patch")
    assert result.exit_code == 1
    assert "refusing to write .nx/version-plans/" in one_line_error(result)
    assert list(outside.iterdir()) == []


def _deep_json(levels: int) -> str:
    return (
        '{"name": "deep", "version": "1.0.0", "x": ' + '{"a": ' * levels + "1" + "}" * levels + "}"
    )


@pytest.mark.parametrize("command", [["release"], ["release", "--dry-run"], ["projects"]])
def test_deeply_nested_manifest_is_a_version_error_naming_the_file(
    repo: GitRepo, command: list[str]
) -> None:
    repo.write("package.json", _deep_json(100_000) + "\n")
    repo.write(PLAN, '---\n"deep": minor\n---\n\nfeat: x\n')
    repo.commit("chore: deep")
    result = cli_run(repo, *command)
    assert result.exit_code == 1
    assert one_line_error(result) == (
        "error: package.json: nested too deeply to be read "
        "(more levels than Python's recursion limit)"
    )


def test_nested_just_below_the_decoder_limit_is_named_by_the_editor_too() -> None:
    from release_tools.errors import VersionError
    from release_tools.versioning.manifests import set_package_json_version

    with pytest.raises(VersionError, match=r"^package\.json: JSON nested too deeply"):
        set_package_json_version(_deep_json(100_000), "2.0.0")


@pytest.mark.parametrize(
    ("current", "target", "unusual"),
    [
        ("1.2.3", "99999999999999999999999.0.0", True),
        ("1.2.3", "12.0.0", True),
        ("1.2.3", "11.0.0", False),
        ("1.2.3", "4.0.0", False),
        (None, "1000000000.0.0", True),
        ("1.2.3", "2.0.0", False),
        ("2024.1.0", "20261204.0.0", True),
        (None, "20261204.0.0", False),
    ],
)
def test_absurd_release_as_needs_review(current: str | None, target: str, unusual: bool) -> None:
    from release_tools.analysis.engines.local import next_version
    from release_tools.analysis.models import Bump

    got = next_version(current, Bump.PATCH, release_as=target)
    assert got.next == target and not got.release_as_ignored
    assert got.release_as_unusual is unusual
    assert any("check it is intended" in w for w in got.warnings) is unusual


def test_analyze_flags_an_absurd_release_as_for_review(repo: GitRepo) -> None:
    python_project(repo)
    repo.write("src/demo/more.py", "X = 1\n")
    repo.commit("fix: more\n\nRelease-As: 99999999999999999999999.0.0")
    result = cli_run(repo, "analyze", "--format", "json")
    assert result.exit_code == 0, result.output
    decision = json.loads(result.stdout)
    assert decision["next_version"] == "99999999999999999999999.0.0"
    assert decision["needs_review"] is True
    assert any("check it is intended" in w for w in decision["warnings"])


def test_resume_writes_the_ci_outputs_and_can_skip_the_publish(
    repo: GitRepo, tmp_path: Path
) -> None:
    python_project(repo)
    failed = cli_run(repo, "release", "--publish-command", "exit 3")
    assert failed.exit_code == 1
    assert "still to do: publish demo 1.1.0" in one_line_error(failed)
    output = tmp_path / "github_output"
    output.write_text("")
    resumed = cli_run(
        repo, "release", "--resume", "--skip-publish", env={"GITHUB_OUTPUT": str(output)}
    )
    assert resumed.exit_code == 0, resumed.output
    text = output.read_text()
    assert "released=true\n" in text and "version=1.1.0\n" in text and "tag=v1.1.0\n" in text
    assert not (repo.path / ".git/release-tools/journal.json").exists()


def test_resume_and_abort_exclude_each_other(repo: GitRepo) -> None:
    python_project(repo)
    result = cli_run(repo, "release", "--resume", "--abort")
    assert result.exit_code == 2
    assert "--resume and --abort exclude each other" in one_line_error(result)


# --- one release at a time ---------------------------------------------------------------------


def test_a_release_while_another_holds_the_repository_is_refused_untouched(repo: GitRepo) -> None:
    npm_project(repo)
    before = tree(repo.path)
    head = repo.git("rev-parse", "HEAD")

    # Another run of the tool holds the lock (flock conflicts across open descriptions, so the
    # same process stands in for a second one).
    with release_lock(repo.path / ".git"):
        blocked = cli_run(repo, "release")
        preview = cli_run(repo, "release", "--dry-run")

    assert blocked.exit_code == 1
    assert one_line_error(blocked) == (
        "error: another release is running in this repository: wait for it to finish"
    )
    assert tree(repo.path) == before and repo.git("rev-parse", "HEAD") == head
    assert preview.exit_code == 0, preview.output  # a dry run writes nothing: no lock needed
    released = cli_run(repo, "release")
    assert released.exit_code == 0, released.output
    assert repo.git("describe", "--tags") == "v1.1.0"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie has ended; only its parent has not collected it yet.
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0] != "Z"


def _all_stopped(pids: Path) -> bool:
    """Whether the processes whose ids ``pids`` holds have all ended (waited for up to 10 s:
    a signal takes a moment to land)."""
    numbers = [int(p) for p in pids.read_text().split()]
    deadline = time.monotonic() + 10
    while any(_alive(n) for n in numbers) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(_alive(n) for n in numbers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_an_interrupted_hook_is_stopped_with_the_release(
    repo: GitRepo, tmp_path: Path, signum: int
) -> None:
    python_project(repo)
    before = tree(repo.path)
    marker, pids = tmp_path / "hook-started", tmp_path / "hook-pids"
    hook = repo.path / ".git" / "hooks" / "pre-commit"
    hook.write_text(
        "#!/bin/sh\n"
        f'sleep 30 & echo "$$ $!" > "{pids}"\n'
        f'touch "{marker}"\n'
        "wait\n"
        'echo "# written by a hook that should have stopped" >> CHANGELOG.md\n'
    )
    hook.chmod(0o755)
    env = {**os.environ, "SLOW_MARKER": str(marker)}
    # Signalled alone, as a CI runner or `kill` does: not the whole process group.
    proc = subprocess.Popen(
        [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    stderr = interrupt_when_slow(proc, env, signum)
    assert proc.returncode == 128 + signum, stderr
    assert _all_stopped(pids)
    assert tree(repo.path) == before


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_an_interrupted_publish_command_is_stopped_with_the_release(
    repo: GitRepo, tmp_path: Path
) -> None:
    npm_project(repo)
    marker, pids, published = tmp_path / "publishing", tmp_path / "pids", tmp_path / "published"
    command = (
        f'sleep 30 & echo "$$ $!" > "{pids}"; touch "{marker}"; wait; '
        f'echo {{version}} > "{published}"'
    )
    env = {**os.environ, "SLOW_MARKER": str(marker)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "release_tools", "release", "-C", str(repo.path),
         "--publish-command", command],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    stderr = interrupt_when_slow(proc, env, signal.SIGTERM)
    assert proc.returncode == 143, stderr
    assert "still to do: publish demo 1.1.0" in stderr
    assert _all_stopped(pids)
    assert not published.exists()


def test_a_package_json_with_a_byte_order_mark_is_released_and_keeps_it(repo: GitRepo) -> None:
    npm_project(repo)
    manifest = repo.path / "package.json"
    manifest.write_bytes(b"\xef\xbb\xbf" + manifest.read_bytes())
    repo.commit("chore: saved by an editor that writes a byte order mark")

    result = cli_run(repo, "release")

    assert result.exit_code == 0, result.output
    data = manifest.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf{")
    assert json.loads(data.decode("utf-8-sig"))["version"] == "1.1.0"


def test_an_ignored_file_the_release_would_write_is_refused_before_any_write(
    repo: GitRepo,
) -> None:
    npm_project(repo)
    repo.git("rm", "-q", "--cached", "CHANGELOG.md")
    repo.write(".gitignore", "CHANGELOG.md\n")
    repo.commit("chore: the changelog is generated elsewhere")
    before = (tree(repo.path), repo.head())

    result = cli_run(repo, "release")

    assert result.exit_code == 1
    assert one_line_error(result).startswith("error: CHANGELOG.md: ignored by git")
    assert (tree(repo.path), repo.head()) == before
    assert cli_run(repo, "release", "--no-commit").exit_code == 0
