"""Credentials never leak: logs of client *and* test server at DEBUG, reprs, errors, URLs.

The log tests capture on the root logger with ``caplog`` at DEBUG and no redacting handler in
between (like an application calling ``logging.basicConfig(level=DEBUG)``), so every record the
realtime code or ``websockets`` produces is checked exactly as it was emitted.
"""

from __future__ import annotations

import base64
import logging
from collections.abc import Iterator

import pytest

from release_tools.realtime import (
    ClientConfig,
    RealtimeSession,
    ResponseRequest,
    RetryPolicy,
    SessionConfig,
    Timeouts,
)
from release_tools.realtime.asyncio.transport import check_transport_security
from release_tools.realtime.credentials import (
    REDACTED,
    HeaderRedactionFilter,
    mask_headers,
    redact_url,
    redacting_logger,
)
from release_tools.realtime.exceptions import AuthenticationError, InsecureTransportError
from release_tools.realtime.testing import (
    ConnectionScript,
    Rejection,
    Reply,
    ScriptedRealtimeServer,
)

# Shapes no built-in pattern knows: only the realtime filters can hide them.
KEY = "leak-canary-key-7f3e9a1c5b"
AZURE = "azure-canary-4d2b8e6f0a"
TOKEN = "custom-canary-token-1c9d"
QUERY_KEY = "query-canary-key-8a7b6c"
SECRETS = (KEY, AZURE, TOKEN, QUERY_KEY)
FAST = Timeouts(connect=5, session=5, response=10, idle=5, close=1)
SESSION = SessionConfig(instructions="leak test")


@pytest.fixture
def debug_everything(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    """Root logger at DEBUG; release_tools records propagate to it whatever ran before."""
    package = logging.getLogger("release_tools")
    propagate, level = package.propagate, package.level
    package.propagate = True
    package.setLevel(logging.NOTSET)
    caplog.set_level(logging.DEBUG)
    try:
        yield caplog
    finally:
        package.propagate, package.level = propagate, level


def _everything(caplog: pytest.LogCaptureFixture) -> str:
    """Formatted text plus every raw record attribute (message, args, extras, traceback)."""
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(record.getMessage())
        parts.append(repr(vars(record)))
        if record.exc_info:
            parts.append(logging.Formatter().formatException(record.exc_info))
    return "\n".join(parts)


def _config(url: str, **kwargs: object) -> ClientConfig:
    kwargs.setdefault("api_key", KEY)
    return ClientConfig(  # type: ignore[arg-type]
        url=url,
        model="gpt-realtime",
        timeouts=FAST,
        retry=RetryPolicy(max_retries=3, base=0.001, cap=0.002, jitter=0.0),
        **kwargs,
    )


async def test_debug_logs_of_client_and_server_never_show_credentials(
    debug_everything: pytest.LogCaptureFixture,
) -> None:
    scripts = [ConnectionScript(), ConnectionScript(reject=Rejection(500))]
    replies = [Reply.dropped(after_deltas=1), Reply.failed(), "done"]
    async with ScriptedRealtimeServer(replies, connection_scripts=scripts) as server:
        config = _config(
            f"{server.url}?api-key={QUERY_KEY}",
            extra_headers={"api-key": AZURE, "X-Custom-Token": TOKEN},
        )
        async with RealtimeSession(config, SESSION) as session:
            result = await session.respond(ResponseRequest(input_text="x"))
    assert result.text == "done"
    # Everything did reach the server: the test is about logs, not about what is sent.
    assert server.connections[0].header("authorization") == f"Bearer {KEY}"
    assert server.connections[0].header("x-custom-token") == TOKEN
    assert QUERY_KEY in server.connections[0].path
    names = {record.name for record in debug_everything.records}
    # Both handshake dumps were captured: the client's and the scripted server's.
    assert "release_tools.realtime.wire" in names
    assert "release_tools.realtime.testing.server.websockets" in names
    text = _everything(debug_everything)
    assert "< Authorization: [REDACTED]" in text  # the server logged the header line ...
    assert "> Authorization: [REDACTED]" in text  # ... and so did the client
    for secret in SECRETS:
        assert secret not in text, f"{secret} leaked into the logs"
    assert "Bearer" not in text


async def test_basic_auth_from_url_user_info_is_never_logged(
    debug_everything: pytest.LogCaptureFixture,
) -> None:
    password = "userinfo-canary-pw-55aa"
    async with ScriptedRealtimeServer(["ok"]) as server:
        url = server.url.replace("ws://", f"ws://bob:{password}@")
        config = _config(url, api_key=None)
        async with RealtimeSession(config, SESSION) as session:
            await session.respond(ResponseRequest(input_text="x"))
    token = base64.b64encode(f"bob:{password}".encode()).decode()
    assert server.connections[0].header("authorization") == f"Basic {token}"
    text = _everything(debug_everything)
    assert "Authorization: [REDACTED]" in text
    assert token not in text and password not in text
    assert password not in repr(config) and password not in str(config)


async def test_rejected_handshake_errors_hide_credentials_the_server_echoes(
    debug_everything: pytest.LogCaptureFixture,
) -> None:
    echo = {"error": {"type": "invalid_request_error", "message": f"Bad key {KEY}"}}
    headers = {"Set-Cookie": f"session={TOKEN}", "X-Request-Id": "req_1"}
    denied = ConnectionScript(reject=Rejection(401, headers=headers, body=echo))
    async with ScriptedRealtimeServer(connection_scripts=[denied]) as server:
        config = _config(server.url, extra_headers={"X-Custom-Token": TOKEN})
        with pytest.raises(AuthenticationError) as info:
            async with RealtimeSession(config, SESSION):
                pass
    error = info.value
    shown = "\n".join([str(error), repr(error), error.body, repr(error.headers)])
    assert "Bad key" in str(error)
    assert error.headers["X-Request-Id"] == "req_1"  # ordinary headers stay readable
    assert error.headers["Set-Cookie"] == REDACTED
    text = _everything(debug_everything)
    for secret in (KEY, TOKEN):
        assert secret not in shown
        assert secret not in text


def test_config_repr_hides_key_headers_and_url_credentials() -> None:
    config = _config(
        f"wss://bob:{TOKEN}@example.test/v1/realtime?api-key={QUERY_KEY}&deployment=d1",
        extra_headers={"api-key": AZURE, "X-Trace": "trace-1"},
    )
    for text in (repr(config), str(config), f"{config}"):
        for secret in SECRETS:
            assert secret not in text
        assert "api_key='[REDACTED]'" in text  # one can still tell that a key is set
        assert "trace-1" in text and "deployment=d1" in text and "example.test" in text
    assert "api_key=None" in repr(_config("wss://h/v1", api_key=None))


def test_redact_url_keeps_the_endpoint_and_hides_credentials() -> None:
    url = f"wss://bob:{TOKEN}@h.test:8443/v1/realtime?model=m&api-key={QUERY_KEY}&sig=1"
    shown = redact_url(url)
    assert TOKEN not in shown and QUERY_KEY not in shown
    assert shown.startswith(f"wss://bob:{REDACTED}@h.test:8443/v1/realtime?model=m")
    assert f"api-key={REDACTED}" in shown
    assert redact_url("wss://h.test/v1?model=m") == "wss://h.test/v1?model=m"
    # A path from a request line (what websockets logs) works too.
    assert QUERY_KEY not in redact_url(f"/v1/realtime?model=m&key={QUERY_KEY}")


def test_mask_headers_hides_credential_values_and_key_subprotocols() -> None:
    headers = [
        ("Authorization", "Basic Ym9iOnB3"),
        ("X-Goog-Api-Key", "g-value-123456"),
        ("Sec-WebSocket-Protocol", f"realtime, openai-insecure-api-key.{KEY}"),
        ("X-Trace", "trace-1"),
    ]
    masked = dict(mask_headers(headers))
    assert masked["Authorization"] == REDACTED
    assert masked["X-Goog-Api-Key"] == REDACTED
    assert masked["Sec-WebSocket-Protocol"] == f"realtime, openai-insecure-api-key.{REDACTED}"
    assert masked["X-Trace"] == "trace-1"


def test_header_filter_blanks_unregistered_values_in_websockets_dumps() -> None:
    # A value nobody registered and no pattern knows: only the header name gives it away.
    value = "never-registered-9b8c7d"
    record = logging.LogRecord(
        "w", logging.DEBUG, __file__, 1, "< %s: %s", ("X-My-Token", value), None
    )
    assert HeaderRedactionFilter().filter(record)
    assert record.getMessage() == f"< X-My-Token: {REDACTED}"
    line = logging.LogRecord(
        "w", logging.DEBUG, __file__, 1, "> GET %s HTTP/1.1", (f"/v1?key={value}",), None
    )
    HeaderRedactionFilter().filter(line)
    assert value not in line.getMessage()
    plain = logging.LogRecord("w", logging.DEBUG, __file__, 1, "> %s: %s", ("Host", "h"), None)
    HeaderRedactionFilter().filter(plain)
    assert plain.getMessage() == "> Host: h"


def test_realtime_loggers_redact_before_any_handler(
    debug_everything: pytest.LogCaptureFixture,
) -> None:
    ClientConfig(url="wss://h/v1", model="m", api_key=KEY)  # registers the key
    log = redacting_logger("release_tools.realtime.asyncio.session")
    try:
        raise ValueError(f"boom {KEY}")
    except ValueError:
        log.exception("failed with %s", KEY, extra={"detail": KEY})
    assert debug_everything.records
    assert KEY not in _everything(debug_everything)


@pytest.mark.parametrize(
    "url",
    [
        "ws://bob:pw-12345678@api.example/v1/realtime",
        "ws://api.example/v1/realtime?api-key=abcdef123456",
    ],
)
def test_credentials_in_the_url_are_not_sent_over_plain_ws(url: str) -> None:
    with pytest.raises(InsecureTransportError) as info:
        check_transport_security(ClientConfig(url=url, model="m"))
    assert "pw-12345678" not in str(info.value) and "abcdef123456" not in str(info.value)
