"""Odd invocations that must end in one line, not a traceback: a closed or full stdout, an
unknown head in a repository with a manifest, config values that validation would let through
or crash on, and a manifest version left behind the latest release tag."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.errors import ConfigError


def _analyze(repo: GitRepo, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["analyze", "-C", str(repo.path), *args], env=env)


def _python_project(repo: GitRepo, version: str = "1.0.0") -> None:
    repo.write("pyproject.toml", f'[project]\nname = "pkg"\nversion = "{version}"\n')
    repo.write("src/pkg/__init__.py", "def run():\n    return 1\n")
    repo.commit("feat: first")
    repo.tag(f"v{version}")


def _tool(repo: GitRepo, *args: str, **kwargs: object) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "release_tools", *args],
        cwd=repo.path,
        stderr=subprocess.PIPE,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def test_unknown_head_is_one_line_even_with_a_manifest(repo: GitRepo) -> None:
    _python_project(repo)
    result = _analyze(repo, "--head", "nope")
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == ["error: unknown head ref 'nope'"]


def test_closed_stdout_is_refused_before_any_work(repo: GitRepo) -> None:
    _python_project(repo)
    proc = _tool(repo, "analyze", preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    lines = proc.stderr.decode().strip().splitlines()
    assert lines == ["error: standard output is closed: nothing to write the report to"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_full_disk_on_stdout_is_one_line(repo: GitRepo, fmt: str) -> None:
    _python_project(repo)
    with open("/dev/full", "wb") as full:
        proc = _tool(repo, "analyze", "--format", fmt, stdout=full)
    assert proc.returncode == 1
    lines = proc.stderr.decode().strip().splitlines()
    assert lines == ["error: cannot write: No space left on device"]


def test_a_manifest_behind_the_latest_tag_needs_review(repo: GitRepo) -> None:
    _python_project(repo)
    repo.write("src/pkg/__init__.py", "def run():\n    return 2\n")
    repo.commit("fix: two")
    repo.tag("v1.1.0")  # released without updating the manifest
    repo.write("src/pkg/__init__.py", "def run():\n    return 3\n")
    repo.commit("fix: three")
    result = _analyze(repo, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["current_version"], report["next_version"]) == ("1.0.0", "1.0.1")
    assert report["needs_review"] is True
    assert any("below the latest release tag v1.1.0" in w for w in report["warnings"])


def test_a_manifest_in_step_with_its_tags_raises_no_such_warning(repo: GitRepo) -> None:
    _python_project(repo)
    repo.write("src/pkg/__init__.py", "def run():\n    return 2\n")
    repo.commit("fix: two")
    report = json.loads(_analyze(repo, "--format", "json").stdout)
    assert not any("below the latest" in w for w in report["warnings"])


def test_repo_in_the_config_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text('repo = "/tmp"\n')
    with pytest.raises(ConfigError, match="'repo': the repository is chosen with -C/--repo"):
        load_settings(repo=tmp_path, environ={})


@pytest.mark.parametrize("key", ["history-pairs", "max-retries", "connect-timeout"])
def test_a_boolean_is_not_a_number(tmp_path: Path, key: str) -> None:
    (tmp_path / "release-tools.toml").write_text(f"{key} = true\n")
    with pytest.raises(ConfigError, match="a number is needed, not True"):
        load_settings(repo=tmp_path, environ={})


def test_a_nul_character_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "release-tools.toml").write_text('changelog = "CHANGELOG.md\\u0000"\n')
    with pytest.raises(ConfigError, match="'changelog': it contains a NUL character"):
        load_settings(repo=tmp_path, environ={})
    env = {"RELEASE_TOOLS_EXCLUDE": "a,b\0c"}
    with pytest.raises(ConfigError, match="RELEASE_TOOLS_EXCLUDE"):
        load_settings(repo=tmp_path / "elsewhere", environ=env)


def test_choice_variables_are_read_case_insensitively(tmp_path: Path) -> None:
    env = {"RELEASE_TOOLS_LOG_LEVEL": "DEBUG", "RELEASE_TOOLS_FORMAT": "Json"}
    settings = load_settings(repo=tmp_path, environ=env)
    assert (settings.log_level, settings.format) == ("debug", "json")


KEY = "sk-proj-AbCdEfGh12345678ZyXwVuTs"


def test_an_api_key_in_commits_and_refs_never_reaches_any_output(
    repo: GitRepo, tmp_path: Path
) -> None:
    _python_project(repo)
    repo.write("src/pkg/__init__.py", "def run():\n    return 1\n\n\ndef leak():\n    pass\n")
    repo.commit(f"feat: add leak {KEY}")
    repo.git("branch", KEY)
    outputs = tmp_path / "github_output"
    env = {"OPENAI_API_KEY": KEY, "GITHUB_OUTPUT": str(outputs)}
    shown = []
    for args in (
        ["--format", "json"],
        ["--format", "text"],
        ["--head", KEY, "--format", "json"],
        ["--output", str(tmp_path / "report.json"), "--format", "json"],
    ):
        result = _analyze(repo, *args, env=env)
        assert result.exit_code == 0, result.output
        shown.append(result.output)
    shown.append((tmp_path / "report.json").read_text())
    shown.append(outputs.read_text())
    assert "feat: add leak" in shown[0]  # the commit is reported, its key is not
    for text in shown:
        assert KEY not in text
        assert KEY[8:24] not in text  # nor a long fragment of it


@pytest.mark.parametrize(
    "variable",
    [
        *("GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN"),
        *("NPM_TOKEN", "NODE_AUTH_TOKEN", "TWINE_PASSWORD", "UV_PUBLISH_TOKEN"),
        *("UV_PUBLISH_PASSWORD", "POETRY_PYPI_TOKEN_PYPI", "CARGO_REGISTRY_TOKEN"),
    ],
)
def test_a_forge_token_from_the_environment_never_reaches_any_output(
    repo: GitRepo, tmp_path: Path, variable: str
) -> None:
    # No known token shape: only its value in the environment tells it is one.
    token = "Zq8vN3kLw2Tr7YpXc5Hs"
    _python_project(repo)
    repo.write("src/pkg/__init__.py", "def run():\n    return 1\n\n\ndef more():\n    pass\n")
    repo.commit(f"feat: add more, pasted {token} by mistake")
    outputs = tmp_path / "github_output"
    env = {variable: token, "GITHUB_OUTPUT": str(outputs)}
    shown = []
    for args in (["--format", "json"], ["--format", "text", "--log-level", "debug"]):
        result = _analyze(repo, *args, env=env)
        assert result.exit_code == 0, result.output
        shown.append(result.output)
    shown.append(outputs.read_text())
    assert "pasted" in shown[0]
    for text in shown:
        assert token not in text
        assert token[4:16] not in text


@pytest.mark.parametrize(
    "token",
    [
        "glpat-AbCdEfGhIjKlMnOpQrSt12",
        "github_pat_11ABCDEFG0abcdefghij_klmnopqrstuv",
        "npm_aB3dEfGhIjKlMnOpQrStUvWxYz9Q8w7E6r5T",
        "pypi-AgEIcHlwaS5vcmcCJGI0ZDk2YmU5LWY3ZTEtNGI2NS1hZDE5LTk0NWYwNWI4ZTc4YQ",
    ],
)
def test_forge_token_shapes_are_redacted_unregistered(repo: GitRepo, token: str) -> None:
    _python_project(repo)
    repo.write("src/pkg/__init__.py", "def run():\n    return 2\n")
    repo.commit(f"fix: rotate {token}")
    result = _analyze(repo, "--format", "json", env={})
    assert result.exit_code == 0, result.output
    assert "fix: rotate " in result.output and token not in result.output


def test_the_plan_commands_redact_a_registered_key_too(repo: GitRepo) -> None:
    _python_project(repo)
    args = ["create-version-plan", "-C", str(repo.path), "--project", "pkg"]
    args += ["--version-type", "patch", "-m", f"fix: rotate {KEY}", "--format", "json"]
    result = CliRunner().invoke(cli, args, env={"OPENAI_API_KEY": KEY})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["body"].startswith("fix: rotate ")
    assert KEY not in result.output


def test_a_module_linked_to_a_named_pipe_outside_is_never_opened(
    repo: GitRepo, tmp_path: Path
) -> None:
    # The link's text is not Python: quoting the syntax error, CPython would open the path in
    # the work tree, through the link, and block on the pipe for ever.
    _python_project(repo)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (repo.path / "src/pkg/piped.py").symlink_to(fifo)
    repo.write("src/pkg/extra.py", "def more():\n    return 2\n")
    repo.commit("feat: more")

    done = _tool(repo, "analyze", "--format", "json", stdout=subprocess.PIPE, timeout=60)

    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["version_type"] == "minor"
    assert any("piped" in (e["message"] + (e["path"] or "")) for e in data["evidence"])


def test_a_module_with_a_byte_order_mark_is_read_as_python_reads_it(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    (repo.path / "src/pkg").mkdir(parents=True)
    (repo.path / "src/pkg/__init__.py").write_bytes(
        b"\xef\xbb\xbfdef run():\n    return 1\n\n\ndef gone():\n    return 2\n"
    )
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    (repo.path / "src/pkg/__init__.py").write_bytes(b"\xef\xbb\xbfdef run():\n    return 1\n")
    repo.commit("fix: tidy")

    result = _analyze(repo, "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version_type"] == "major"
    assert any("removed public function pkg.gone" in e["message"] for e in data["evidence"])


def test_a_plan_for_a_name_with_line_breaks_is_reported_on_one_line(repo: GitRepo) -> None:
    name = "a\n---\nb"
    repo.write("package.json", json.dumps({"name": name, "version": "1.0.0"}))
    repo.commit("feat: first")
    args = ["create-version-plan", "-C", str(repo.path), "--project", name]
    result = CliRunner().invoke(cli, [*args, "--version-type", "patch"])
    assert result.exit_code == 0, result.output
    (line,) = result.stdout.splitlines()
    assert line.startswith("wrote .") and line.endswith("a\\n---\\nb patch")


def test_plan_check_quotes_a_plan_line_without_the_token_it_holds(repo: GitRepo) -> None:
    # A secret pasted into a plan's front matter is quoted back by the parse error, in CI logs.
    # (Its characters share no run of 8 with the keys other tests register in this process.)
    token = "npm_aB3dEfGhIjKlMnOpQrStUvWxYz9Q8w7E6r5T"
    repo.write("package.json", json.dumps({"name": "a", "version": "1.0.0"}))
    repo.write(".changeset/config.json", "{}")
    repo.write(".changeset/x.md", f"---\nNPM_TOKEN: {token}\n---\n")
    repo.commit("plan")
    result = CliRunner().invoke(cli, ["plan-check", "-C", str(repo.path)], env={})
    assert result.exit_code != 0
    assert "NPM_TOKEN: npm_[REDACTED]" in result.output and token not in result.output
