"""Text from a server cannot start a line of the log: every text record is one line (a debug
traceback follows on ``  | `` lines), every JSON record one JSON object, and no line begins with
a CI workflow command (``::error::``). The CLI's own failure line follows the log format."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gitrepo import GitRepo
from release_tools.logs import (
    REDACTED,
    TRACEBACK_PREFIX,
    one_line,
    register_secret,
    setup_logging,
)
from release_tools.realtime.testing import ConnectionScript, Rejection, ScriptedRealtimeServer

KEY = "sk-inject-" + "Kq4" * 8 + "-0123456789abcdef"

HOSTILE = [
    "bad key …\n::error::pwned\nline3",
    "carriage\r::warning::over\r\nwritten",
    "escape \x1b[2J\x1b]0;title\x07 and \x9b31m",
    "separators\u2028::error::a\u2029::error::b\x85::error::c",
    "vertical\x0b::error::tab\x0c::error::feed",
    "legacy ##[error]pwned and ##vso[task.setvariable variable=x]1",
    "bidi \u202eevil\u202c",
]

# A record of the text format: level, logger, message.
RECORD = re.compile(r"^(debug|info|warning|error) +release_tools[\w.]*: ")


def _log(level: str, fmt: str, *records: tuple[str, dict[str, Any]]) -> str:
    buf = io.StringIO()
    handler = setup_logging(level, fmt, stream=buf, secrets=[KEY])
    try:
        log = logging.getLogger("release_tools.realtime.protocol")
        for message, extra in records:
            log.warning("server error: %s", message, extra=extra)
    finally:
        logging.getLogger("release_tools").removeHandler(handler)
    return buf.getvalue()


def _no_command_lines(text: str) -> None:
    """No line a CI runner would read as a workflow command (it trims leading blanks first)."""
    for line in re.split(r"\r\n|\r|\n", text):
        assert not line.lstrip().startswith("::"), line
    assert "##[" not in text and "##vso[" not in text


def assert_text_lines(text: str) -> None:
    """Every line is one record, a traceback line under one, or the CLI's failure line."""
    _no_command_lines(text)
    for line in text.splitlines():
        assert (
            RECORD.match(line)
            or line.startswith(TRACEBACK_PREFIX)
            or line.startswith("error: ")
            or line == "       rerun with --log-level debug for the traceback"
        ), line
    assert "\r" not in text and "\x1b" not in text and "\u2028" not in text


def assert_json_lines(text: str) -> list[dict[str, Any]]:
    """Every line is one JSON object; return them."""
    _no_command_lines(text)
    records = []
    for line in text.splitlines():
        value = json.loads(line)
        assert isinstance(value, dict), line
        records.append(value)
    for char in ("\u2028", "\u2029", "\x85", "\x9b", "\u202e"):
        assert char not in text
    return records


# --- the formatters --------------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("level", ["warning", "debug"])
def test_a_text_record_is_one_line_whatever_its_message_and_fields_hold(
    text: str, level: str
) -> None:
    out = _log(level, "text", (text, {"error_message": text, "body": {"detail": text}}))
    assert out.count("\n") == 1
    assert_text_lines(out)


@pytest.mark.parametrize("text", HOSTILE)
def test_a_json_record_is_one_object_holding_the_text_unchanged(text: str) -> None:
    out = _log("debug", "json", (text, {"error_message": text}))
    (record,) = assert_json_lines(out)
    assert record["message"] == f"server error: {text}"
    assert record["error_message"] == text


def test_folding_is_readable() -> None:
    assert one_line("bad key …\n::error::pwned\r\nline3\t!") == (
        "bad key …\\n::error::pwned\\r\\nline3\\t!"
    )
    assert one_line("\x1b[31m red \u2028") == "\\x1b[31m red \\u2028"
    assert one_line("see ##[error]x") == "see ##\\x5berror]x"
    assert one_line(r"C:\path\to ok: done") == r"C:\path\to ok: done"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_traceback_cannot_start_a_line(fmt: str) -> None:
    buf = io.StringIO()
    handler = setup_logging("debug", fmt, stream=buf)
    try:
        try:
            raise ValueError("first\n::error::pwned\n  ::warning::indented")
        except ValueError:
            logging.getLogger("release_tools.x").warning("could not read", exc_info=True)
    finally:
        logging.getLogger("release_tools").removeHandler(handler)
    out = buf.getvalue()
    if fmt == "json":
        (record,) = assert_json_lines(out)
        assert "Traceback" in record["exception"]
        assert "first\n::error::pwned" in record["exception"]
    else:
        assert_text_lines(out)
        lines = out.splitlines()
        assert RECORD.match(lines[0]) and len(lines) > 3
        assert lines[1] == TRACEBACK_PREFIX + "Traceback (most recent call last):"
        assert TRACEBACK_PREFIX + "::error::pwned" in lines


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_redaction_holds_across_the_folded_lines(fmt: str) -> None:
    register_secret(KEY)
    text = f"bad key {KEY}\n::error::{KEY[:20]}\n{KEY[-12:]}\rend"
    out = _log("debug", fmt, (text, {"detail": text}))
    assert REDACTED in out
    assert not [KEY[i : i + 8] for i in range(len(KEY) - 7) if KEY[i : i + 8] in out]
    if fmt == "json":
        assert_json_lines(out)
    else:
        assert out.count("\n") == 1
        assert_text_lines(out)


# --- the CLI, as a process -------------------------------------------------------------------


def _environ(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RELEASE_TOOLS_")}
    for name in ("OPENAI_BASE_URL", "GITHUB_OUTPUT", "GITHUB_ACTIONS"):
        env.pop(name, None)
    env["OPENAI_API_KEY"] = KEY
    env["RELEASE_TOOLS_CACHE_DIR"] = str(tmp_path / "cache")
    return env


def _released(repo: GitRepo) -> GitRepo:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.write("src/pkg/core.py", "def run():\n    return 1\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")
    repo.write("src/pkg/core.py", "def run():\n    return 1\n\n\ndef stop():\n    return 0\n")
    repo.commit("feat: stop")
    return repo


def _cli(repo: GitRepo, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "release_tools", "analyze", "-C", str(repo.path), *args],
        capture_output=True,
        text=True,
        env=_environ(tmp_path),
        check=False,
        timeout=120,
    )


def test_json_logs_put_the_traceback_and_the_failure_in_records(
    repo: GitRepo, tmp_path: Path
) -> None:
    _released(repo)
    proc = _cli(repo, tmp_path, "--log-format", "json", "--log-level", "debug", "--base", "nope")
    assert proc.returncode == 1
    records = assert_json_lines(proc.stderr)
    assert len(records) > 1  # the debug records, then the failure
    last = records[-1]
    assert last["level"] == "error"
    assert last["message"] == "unknown base ref 'nope'"
    assert last["type"] == "git" and last["exit_code"] == 1
    assert "Traceback" in last["exception"] and "UnknownRefError" in last["exception"]
    assert proc.stdout == ""


def test_json_logs_beside_a_json_report_keep_the_error_object(
    repo: GitRepo, tmp_path: Path
) -> None:
    _released(repo)
    proc = _cli(repo, tmp_path, "--log-format", "json", "--format", "json", "--base", "nope")
    assert proc.returncode == 1
    (record,) = assert_json_lines(proc.stderr)
    assert "exception" not in record  # not at the warning level
    error = json.loads(proc.stdout)["error"]
    assert error == {"message": record["message"], "type": "git", "exit_code": 1}


def test_json_logs_from_the_config_file_when_the_config_is_broken(
    repo: GitRepo, tmp_path: Path
) -> None:
    _released(repo)
    repo.write("release-tools.toml", 'log-format = "json"\nhistroy = false\n')
    proc = _cli(repo, tmp_path)
    assert proc.returncode == 2
    (record,) = assert_json_lines(proc.stderr)
    assert record["type"] == "config" and "histroy" in record["message"]


def test_text_logs_at_debug_keep_the_traceback_under_its_prefix(
    repo: GitRepo, tmp_path: Path
) -> None:
    _released(repo)
    proc = _cli(repo, tmp_path, "--log-level", "debug", "--base", "nope")
    assert proc.returncode == 1
    assert_text_lines(proc.stderr)
    lines = proc.stderr.splitlines()
    assert TRACEBACK_PREFIX + "Traceback (most recent call last):" in lines
    assert lines[-1] == "error: unknown base ref 'nope'"


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_missing_directory_with_line_breaks_is_one_line(
    repo: GitRepo, tmp_path: Path, fmt: str
) -> None:
    where = str(tmp_path / "no\n::error::such")
    proc = subprocess.run(
        [sys.executable, "-m", "release_tools", "analyze", "-C", where, "--log-format", fmt],
        capture_output=True,
        text=True,
        env=_environ(tmp_path),
        check=False,
        timeout=60,
    )
    assert proc.returncode == 2
    if fmt == "json":
        (record,) = assert_json_lines(proc.stderr)
        assert record["type"] == "usage" and "no\\n::error::such" in record["message"]
    else:
        assert_text_lines(proc.stderr)
        assert proc.stderr.count("\n") == 1


# --- a hostile realtime server ---------------------------------------------------------------

ERROR_MESSAGE = "bad key …\n::error::pwned\nline3"
BODY = "Too Many Requests\n::error::pwned\n::add-mask::x\n\nretry\r\nlater\n::endgroup::"

ERROR_EVENT = {
    "type": "error",
    "error": {
        "type": "invalid_request_error",
        "code": "invalid_api_key",
        "message": ERROR_MESSAGE,
        "param": None,
    },
}


async def _against(
    server: ScriptedRealtimeServer, repo: GitRepo, tmp_path: Path, *args: str
) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "release_tools", "analyze", "-C", str(repo.path),
        "--provider", "realtime", "--realtime-url", server.url, "--no-fallback",
        "--max-retries", "1", "--concurrency", "1", *args,
        env=_environ(tmp_path), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode is not None
    return proc.returncode, stderr.decode()


@pytest.mark.parametrize(
    "script",
    [
        ConnectionScript(events_after_open=(ERROR_EVENT,)),
        ConnectionScript(reject=Rejection(429, headers={"Retry-After": "0"}, body=BODY)),
        ConnectionScript(reject=Rejection(500, body=BODY)),
    ],
    ids=["error-event", "http-429", "http-500"],
)
@pytest.mark.parametrize(("fmt", "level"), [("text", "warning"), ("json", "debug")])
async def test_a_servers_text_stays_inside_its_records(
    repo: GitRepo, tmp_path: Path, script: ConnectionScript, fmt: str, level: str
) -> None:
    _released(repo)
    async with ScriptedRealtimeServer(connection_scripts=[script] * 4) as server:
        code, stderr = await _against(
            server, repo, tmp_path, "--log-format", fmt, "--log-level", level
        )
    assert code == 1, stderr
    assert "pwned" in stderr  # the server's text is shown, folded into its record
    if fmt == "json":
        records = assert_json_lines(stderr)
        assert records[-1]["level"] == "error" and records[-1]["type"] == "provider"
        assert any("::error::pwned" in json.dumps(r, ensure_ascii=False) for r in records)
    else:
        assert_text_lines(stderr)
        assert "\\n::error::pwned\\n" in stderr
        assert stderr.splitlines()[-1].startswith("error: realtime provider failed")
    assert KEY not in stderr
