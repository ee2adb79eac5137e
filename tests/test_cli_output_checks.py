"""Output places ``analyze`` refuses before it analyzes anything."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli


def _run(repo_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["analyze", "-C", str(repo_path), *args], env=env)


def _released(repo: GitRepo) -> None:
    repo.write("pkg/__init__.py", "def a():\n    return 1\n")
    repo.commit("feat: a")
    repo.tag("v1.0.0")
    repo.write("pkg/__init__.py", "def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    repo.commit("feat: b")


def test_a_github_output_in_the_git_directory_is_a_json_error_object(repo: GitRepo) -> None:
    _released(repo)
    config = (repo.path / ".git" / "config").read_bytes()

    result = _run(
        repo.path, "--format", "json", env={"GITHUB_OUTPUT": str(repo.path / ".git" / "config")}
    )

    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert error["type"] == "config" and "git directory" in error["message"]
    assert (repo.path / ".git" / "config").read_bytes() == config


def test_an_output_that_names_a_directory_is_refused(
    repo: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _released(repo)
    monkeypatch.chdir(tmp_path)

    result = _run(repo.path, "-o", "out/")

    assert result.exit_code == 2, result.output
    assert result.stderr.strip() == "error: --output 'out/' names a directory; give a file name"
    assert not (tmp_path / "out").exists()
