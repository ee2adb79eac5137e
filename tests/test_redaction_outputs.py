"""Redaction keeps every output readable and valid: the JSON report and the CI outputs are
redacted value by value (keys and syntax untouched), and values of the credential variables
that are no credential (``null``, ``test``) are not cut out of ordinary text."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.logs import REDACTED, is_secret_value, redact, register_secret, setup_logging

# A key with characters JSON escapes: a serialized report holds it as ``\"`` and ``\\``.
ESCAPED_KEY = 'sk-esc"aped\\Key-' + "Vq7" * 6 + "-0123456789abcdef"


def _run(repo_path: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, ["analyze", "-C", str(repo_path), *args], env=env)


def _released(repo: GitRepo, subject: str = "feat: add stop") -> None:
    repo.write("pyproject.toml", '[project]\nname = "app"\nversion = "1.0.0"\n')
    repo.write("src/app/__init__.py", "def run():\n    return 1\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("src/app/__init__.py", "def run():\n    return 1\n\n\ndef stop():\n    return 0\n")
    repo.commit(subject)


def _strings(value: Any) -> Iterator[str]:
    """Every string of parsed JSON, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for item in value.values() for k in _keys(item)}
    if isinstance(value, list):
        return {k for item in value for k in _keys(item)}
    return set()


def _windows(secret: str, size: int = 8) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


# --- values that are no credential -----------------------------------------------------------


@pytest.mark.parametrize("value", ["null", "test", "none", "EMPTY", "sk-test", " changeme ", "x"])
def test_a_placeholder_is_not_registered(value: str) -> None:
    assert not is_secret_value(value)
    register_secret(value)
    text = 'latest_tag "null" test none EMPTY sk-test changeme'
    assert redact(text) == text


def test_a_real_key_is_registered_without_its_surrounding_whitespace() -> None:
    key = "sk-padded-" + "Hk3" * 8
    assert is_secret_value(f"  {key}\n")
    register_secret(f"  {key}\n")
    assert redact(f"key={key}.") == f"key={REDACTED}."


@pytest.mark.parametrize("key", ["null", "test", "true", "latest"])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_placeholder_api_key_leaves_the_report_alone(
    repo: GitRepo, tmp_path: Path, key: str, fmt: str
) -> None:
    _released(repo)
    gh = tmp_path / "gh_output"
    env = {"OPENAI_API_KEY": key, "GITHUB_TOKEN": "null", "GITHUB_OUTPUT": str(gh)}
    result = _run(repo.path, "--format", fmt, env=env)
    assert result.exit_code == 0, result.output
    assert REDACTED not in result.stdout
    assert REDACTED not in gh.read_text(encoding="utf-8")
    if fmt == "json":
        report = json.loads(result.stdout)
        assert report["project"] is None
        assert report["conventions"]["latest_tag"] == "v1.0.0"
    else:
        assert result.stdout.startswith("version type: minor")
        assert "provider:     local" in result.stdout


def test_a_placeholder_api_key_leaves_the_logs_alone() -> None:
    buf = io.StringIO()
    handler = setup_logging("debug", "text", stream=buf, secrets=["test", "null"])
    try:
        logging.getLogger("release_tools.test").warning("latest test gave null")
    finally:
        logging.getLogger("release_tools").removeHandler(handler)
    assert "latest test gave null" in buf.getvalue()


def test_the_debug_log_names_a_variable_that_is_not_redacted(repo: GitRepo) -> None:
    _released(repo)
    env = {"OPENAI_API_KEY": "null"}
    result = _run(repo.path, "--log-level", "debug", env=env)
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "OPENAI_API_KEY" in line]
    assert len(lines) == 1 and "not redacted" in lines[0], result.stderr


# --- a real key in the report: redacted in the values, never in the keys --------------------


def test_the_json_report_is_redacted_value_by_value(repo: GitRepo, tmp_path: Path) -> None:
    _released(repo, f"feat: add stop, key {ESCAPED_KEY} pasted by mistake")
    out = tmp_path / "report.json"
    env = {"OPENAI_API_KEY": ESCAPED_KEY}
    result = _run(repo.path, "--format", "json", "-o", str(out), env=env)
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text(encoding="utf-8"))
    shown = list(_strings(report))
    assert any(REDACTED in text for text in shown)
    assert [w for w in _windows(ESCAPED_KEY) for text in shown if w in text] == []
    assert {"project", "conventions", "evidence", "stats"} <= _keys(report)
    assert "latest_tag" in report["conventions"]


def test_the_ci_outputs_are_redacted_before_they_become_json(repo: GitRepo, tmp_path: Path) -> None:
    _released(repo, f"feat: add stop, key {ESCAPED_KEY} pasted by mistake")
    gh = tmp_path / "gh_output"
    env = {"OPENAI_API_KEY": ESCAPED_KEY, "GITHUB_OUTPUT": str(gh)}
    result = _run(repo.path, "--format", "json", env=env)
    assert result.exit_code == 0, result.output
    written = gh.read_text(encoding="utf-8")
    outputs = dict(line.split("=", 1) for line in written.splitlines() if "=" in line)
    evidence = json.loads(outputs["evidence"])
    shown = list(_strings(evidence))
    assert any(REDACTED in text for text in shown)
    assert [w for w in _windows(ESCAPED_KEY) for text in shown if w in text] == []
    # Nor in any other output, as written or as JSON would escape it.
    escaped = json.dumps(ESCAPED_KEY)[1:-1]
    for secret in (ESCAPED_KEY, escaped):
        assert [w for w in _windows(secret) if w in written] == []


def test_the_release_commands_json_stays_valid_with_a_secret_json_escapes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from release_tools.cli.output import echo_json

    secret = 'pw"with\\quote-' + "Zq7" * 4
    register_secret(secret)
    echo_json({"message": f"pushed with {secret}", "steps": [secret]})
    out = capsys.readouterr().out
    report = json.loads(out)
    assert report["message"] == f"pushed with {REDACTED}"
    assert report["steps"] == [REDACTED]
    assert not any(window in out for window in _windows(json.dumps(secret)[1:-1]))
