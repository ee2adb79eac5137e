"""Logging: human and JSON lines, and secrets redacted everywhere at every level."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from release_tools.errors import UsageError
from release_tools.logs import REDACTED, redact, register_secret, setup_logging
from release_tools.realtime import credentials

KEY = "sk-proj-canary0123456789abcdefABCDEF"


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    buf = io.StringIO()
    handler = setup_logging("debug", "text", stream=buf, secrets=[KEY])
    yield buf
    logging.getLogger("release_tools").removeHandler(handler)


def test_registered_secret_never_printed(stream: io.StringIO) -> None:
    log = logging.getLogger("release_tools.test")
    log.debug("connecting with %s", KEY, extra={"headers": {"Authorization": f"Bearer {KEY}"}})
    try:
        raise RuntimeError(f"failed with key {KEY}")
    except RuntimeError:
        log.exception("boom")
    out = stream.getvalue()
    assert KEY not in out
    assert REDACTED in out
    assert "Traceback" in out  # the traceback is kept, only the secret goes


def test_json_lines_with_context(tmp_path: object) -> None:
    buf = io.StringIO()
    handler = setup_logging("info", "json", stream=buf)
    try:
        logging.getLogger("release_tools.x").info(
            "state change", extra={"session_id": "sess_1", "api_key": "abcdefgh12345"}
        )
    finally:
        logging.getLogger("release_tools").removeHandler(handler)
    record = json.loads(buf.getvalue().strip())
    assert record["message"] == "state change"
    assert record["session_id"] == "sess_1"
    assert record["level"] == "info"
    assert "abcdefgh12345" not in buf.getvalue()


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer abcdefghijklmnop",
        "api-key: 0123456789abcdef",
        "token sk-abcdefghijklmnopqrstuvwx",
        '{"api_key": "zzzzzzzzzzzzzz"}',
        "ghp_abcdefghijklmnopqrstuvwxyz0123",
    ],
)
def test_known_shapes_redacted_without_registration(text: str) -> None:
    out = redact(text)
    assert REDACTED in out
    secret = text.split()[-1].strip('"}')
    assert secret not in out


def test_plain_text_untouched() -> None:
    assert redact("feat: add api to parse keys") == "feat: add api to parse keys"


def test_register_secret_ignores_tiny_values() -> None:
    register_secret("ab")
    assert redact("abc ab") == "abc ab"


def test_unknown_level_is_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown log level"):
        setup_logging("chatty")


def test_one_registry_serves_the_application_and_the_realtime_client() -> None:
    app_secret = "app-registered-" + "q7" * 8
    client_secret = "client-registered-" + "w3" * 8
    register_secret(app_secret)
    credentials.register_secret(client_secret)
    assert credentials.redact(app_secret) == REDACTED
    assert redact(client_secret) == REDACTED


FRAGMENT_KEY = "sk-frag-" + "Zq9" * 8 + "-RET-0123456789abcdef"


def _windows(secret: str, size: int = 8) -> list[str]:
    return [secret[i : i + size] for i in range(len(secret) - size + 1)]


@pytest.mark.parametrize(
    "shown",
    [
        # websockets' shortened frame: head ... tail, then the closing quote and braces.
        '\'{"type": "error", "error": {"message": "bad key ...RET-0123456789abcdef"}}\'',
        f"Incorrect API key provided: {FRAGMENT_KEY[:20]}",  # cut at a length, no mark
        f"key {FRAGMENT_KEY[:14]}… (truncated)",  # a prefix before a cut mark
        f"…{FRAGMENT_KEY[5:30]}… shown",  # a middle piece between two cuts
        f"{FRAGMENT_KEY[9:25]} starts the text",  # a middle piece at the start of the text
        f"tail {FRAGMENT_KEY[-9:]} [status=401]",  # a suffix with text after it
    ],
)
def test_fragments_of_a_registered_secret_are_redacted(shown: str) -> None:
    register_secret(FRAGMENT_KEY)
    out = redact(shown)
    assert REDACTED in out
    assert not [w for w in _windows(FRAGMENT_KEY) if w in out], out


def test_words_inside_a_secret_survive_away_from_cuts() -> None:
    secret = "sk-canary-transport-session-0123456789abcdef"
    register_secret(secret)
    text = "File src/realtime/asyncio/transport.py: session-3 state open"
    assert redact(text) == text
    assert redact("short bits: 0123456 abcdef") == "short bits: 0123456 abcdef"


def test_the_fragment_scan_is_linear() -> None:
    register_secret(FRAGMENT_KEY)
    text = ("ordinary log text, no key here... " * 30_000) + FRAGMENT_KEY[-12:]
    out = redact(text)
    assert out.endswith(REDACTED) and FRAGMENT_KEY[-8:] not in out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_every_logger_and_format_hides_fragments(fmt: str) -> None:
    buf = io.StringIO()
    handler = setup_logging("debug", fmt, stream=buf, secrets=[FRAGMENT_KEY])

    class Shown:
        def __str__(self) -> str:
            return "frame ..." + FRAGMENT_KEY[-20:]

    try:
        logging.getLogger("release_tools.any.module").debug(
            "frame %s", "x" * 40 + "..." + FRAGMENT_KEY[-24:], extra={"frame": Shown()}
        )
        logging.getLogger("release_tools.realtime.wire").debug("< %s", FRAGMENT_KEY[:30])
    finally:
        logging.getLogger("release_tools").removeHandler(handler)
    out = buf.getvalue()
    assert out.count("\n") == 2
    assert not [w for w in _windows(FRAGMENT_KEY) if w in out], out


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_tracebacks_only_at_debug(fmt: str) -> None:
    log = logging.getLogger("release_tools.test")
    shown = {}
    for level in ("warning", "debug"):
        buf = io.StringIO()
        handler = setup_logging(level, fmt, stream=buf)
        try:
            try:
                raise ValueError(f"bad value\nsecond line {KEY}")
            except ValueError:
                log.warning("could not read", exc_info=True)
        finally:
            logging.getLogger("release_tools").removeHandler(handler)
        shown[level] = buf.getvalue()
    assert "Traceback" not in shown["warning"]
    assert len(shown["warning"].strip().splitlines()) == 1
    assert "ValueError" in shown["warning"]
    assert "Traceback" in shown["debug"]
    assert KEY not in shown["warning"] + shown["debug"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_an_exception_the_message_quotes_is_not_repeated(fmt: str) -> None:
    log = logging.getLogger("release_tools.test")
    buf = io.StringIO()
    handler = setup_logging("warning", fmt, stream=buf)
    try:
        for quoted in (True, False):
            try:
                raise ValueError("package.json: bad version '1.0'")
            except ValueError as exc:
                message = f"discovery failed: {exc}" if quoted else "discovery failed"
                log.warning("%s", message, exc_info=True)
    finally:
        logging.getLogger("release_tools").removeHandler(handler)
    quoted_line, plain_line = buf.getvalue().strip().splitlines()
    assert quoted_line.count("bad version") == 1
    assert "ValueError" in quoted_line
    # A message that does not quote it still ends with its one-line summary.
    assert "ValueError: package.json: bad version" in plain_line.replace('\\"', '"')
