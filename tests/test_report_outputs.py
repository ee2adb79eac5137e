"""Where ``analyze`` puts its report and CI outputs when the places are odd: a descriptor
named by ``-o`` (``/dev/stderr`` on a pipe or on an appended log), a reader that leaves early,
a ``GITHUB_OUTPUT`` append that fails part way or that points into the git directory."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli

_EARLIER = "EARLIER LINE\n"


def _run(repo_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["analyze", "-C", str(repo_path), *args], env=env)


def _tool(
    repo: GitRepo, *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    """The console entry point in its own process: its descriptors are the test's to choose."""
    return subprocess.run(
        [sys.executable, "-m", "release_tools", "analyze", *args],
        cwd=repo.path,
        env={**os.environ, **(env or {})},
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def _minor(repo: GitRepo) -> None:
    repo.write("src/app/core.py", "def run():\n    return 1\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("src/app/core.py", "def run():\n    return 1\n\n\ndef stop():\n    return 0\n")
    repo.commit("feat: add stop")


def _outputs(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- -o naming a descriptor the process already has open -------------------------------------

_PROC = pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")


@pytest.mark.parametrize(
    "name", ["/dev/stderr", "/dev/fd/2", pytest.param("/proc/self/fd/2", marks=_PROC)]
)
def test_stderr_on_a_pipe_receives_the_report(repo: GitRepo, name: str) -> None:
    _minor(repo)
    proc = _tool(repo, "-o", name, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b""
    assert proc.stderr.decode().startswith("version type: minor")


@pytest.mark.parametrize(("name", "stream"), [("/dev/stderr", "stderr"), ("/dev/stdout", "stdout")])
def test_a_log_opened_for_appending_keeps_its_earlier_lines(
    repo: GitRepo, tmp_path: Path, name: str, stream: str
) -> None:
    _minor(repo)
    logs = tmp_path / "logs"
    logs.mkdir()
    log = logs / "job.log"
    log.write_text(_EARLIER, encoding="utf-8")
    inode = log.stat().st_ino
    with open(log, "ab") as handle:  # 2>>job.log, >>job.log
        proc = _tool(repo, "-o", name, **{stream: handle})
    assert proc.returncode == 0
    text = log.read_text(encoding="utf-8")
    assert text.startswith(_EARLIER) and "version type: minor" in text
    assert log.stat().st_ino == inode  # written through, not replaced by a rename
    assert os.listdir(logs) == ["job.log"]


def test_the_descriptor_number_is_the_one_named(repo: GitRepo, tmp_path: Path) -> None:
    _minor(repo)
    log = tmp_path / "fd.log"
    log.write_text(_EARLIER, encoding="utf-8")
    with open(log, "ab") as handle:
        fd = handle.fileno()
        proc = _tool(
            repo,
            "-o",
            f"/dev/fd/{fd}",
            pass_fds=(fd,),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == b"" and proc.stderr == b""
    assert log.read_text(encoding="utf-8").startswith(_EARLIER + "version type: minor")


def test_a_link_to_stderr_is_written_through_the_descriptor(repo: GitRepo, tmp_path: Path) -> None:
    _minor(repo)
    link = tmp_path / "report.log"
    link.symlink_to("/dev/stderr")
    proc = _tool(repo, "-o", str(link), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.decode().startswith("version type: minor")
    assert link.is_symlink()


def test_a_device_node_is_still_written_in_place(repo: GitRepo) -> None:
    _minor(repo)
    result = _run(repo.path, "-o", os.devnull)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


# --- the order of the report and the CI outputs ----------------------------------------------


@pytest.mark.parametrize("args", [(), ("-o", "/dev/stdout")], ids=["stdout", "o-dev-stdout"])
def test_a_reader_gone_early_still_leaves_the_outputs(
    repo: GitRepo, tmp_path: Path, args: tuple[str, ...]
) -> None:
    _minor(repo)
    gh = tmp_path / "gh.txt"
    read_end, write_end = os.pipe()
    os.close(read_end)  # `analyze | true`: the reader is gone before the report comes
    try:
        proc = _tool(
            repo, *args, env={"GITHUB_OUTPUT": str(gh)}, stdout=write_end, stderr=subprocess.PIPE
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 141, proc.stderr
    assert "version_type=minor\n" in _outputs(gh)


def test_a_report_file_that_cannot_be_written_leaves_no_outputs(
    repo: GitRepo, tmp_path: Path
) -> None:
    _minor(repo)
    gh = tmp_path / "gh.txt"
    result = _run(repo.path, "-o", str(tmp_path / "nope" / "r.txt"), env={"GITHUB_OUTPUT": str(gh)})
    assert result.exit_code == 2
    assert not gh.exists()


def test_a_report_file_and_the_outputs_are_both_written(repo: GitRepo, tmp_path: Path) -> None:
    _minor(repo)
    gh = tmp_path / "gh.txt"
    target = tmp_path / "r.json"
    result = _run(repo.path, "--format", "json", "-o", str(target), env={"GITHUB_OUTPUT": str(gh)})
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text(encoding="utf-8"))["version_type"] == "minor"
    assert "version_type=minor\n" in _outputs(gh)


# --- a failed append, a GITHUB_OUTPUT inside the git directory --------------------------------


def _file_size_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        import resource

        # Python ignores SIGXFSZ: a write past the limit fails with EFBIG, after a short write.
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.skipif(sys.platform == "win32", reason="needs RLIMIT_FSIZE")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_failed_append_cuts_the_file_back(repo: GitRepo, tmp_path: Path, fmt: str) -> None:
    _minor(repo)
    gh = tmp_path / "gh.txt"
    # Large enough that the other files the run writes stay under the limit.
    before = ("earlier=1\n" * 6554).encode()
    gh.write_bytes(before)

    proc = _tool(
        repo,
        "--format",
        fmt,
        env={"GITHUB_OUTPUT": str(gh)},
        capture_output=True,
        preexec_fn=_file_size_limit(len(before) + 100),
    )

    assert proc.returncode == 1
    assert proc.stderr.decode().splitlines() == [
        f"error: cannot append to GITHUB_OUTPUT {gh}: File too large"
    ]
    assert gh.read_bytes() == before
    # The report stands, and no error object follows the JSON one.
    report = proc.stdout.decode()
    if fmt == "json":
        assert json.loads(report)["version_type"] == "minor"
    else:
        assert report.startswith("version type: minor")


@pytest.mark.parametrize("target", [".git/config", ".GIT/config", "link-into-git"])
def test_github_output_never_lands_in_the_git_directory(repo: GitRepo, target: str) -> None:
    _minor(repo)
    (repo.path / "link-into-git").symlink_to(repo.path / ".git" / "config")
    config = (repo.path / ".git" / "config").read_bytes()

    result = _run(repo.path, env={"GITHUB_OUTPUT": str(repo.path / target)})

    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: GITHUB_OUTPUT: "), result.stderr
    assert "git directory" in lines[0]
    assert (repo.path / ".git" / "config").read_bytes() == config


def test_github_output_into_a_git_directory_kept_apart_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    work = tmp_path / "work"
    subprocess.run(
        ["git", "init", "-q", "-b", "main", f"--separate-git-dir={store}", str(work)], check=True
    )
    repo = GitRepo(work)
    _minor(repo)
    config = (store / "config").read_bytes()

    result = _run(work, env={"GITHUB_OUTPUT": str(store / "config")})

    assert result.exit_code == 2, result.output
    assert "git directory" in result.stderr
    assert (store / "config").read_bytes() == config
