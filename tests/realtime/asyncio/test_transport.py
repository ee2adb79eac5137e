"""The WebSocket transport against real servers on 127.0.0.1: handshake, errors, limits, close."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
from collections.abc import AsyncIterator
from http import HTTPStatus

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from release_tools.realtime.asyncio.transport import (
    build_headers,
    build_url,
    check_transport_security,
    open_transport,
)
from release_tools.realtime.config import ClientConfig, Timeouts
from release_tools.realtime.exceptions import (
    AuthenticationError,
    ConnectionClosedError,
    HandshakeError,
    InsecureTransportError,
    RateLimitError,
    RealtimeConnectionError,
    RealtimeTimeoutError,
)
from release_tools.realtime.testing import ConnectionScript, Rejection, ScriptedRealtimeServer

KEY = "sk-canary-transport-0123456789abcdef"


def config(url: str, **kwargs: object) -> ClientConfig:
    kwargs.setdefault("api_key", KEY)
    kwargs.setdefault("timeouts", Timeouts(connect=2.0, close=0.5))
    return ClientConfig(url=url, model="gpt-realtime", **kwargs)  # type: ignore[arg-type]


def test_url_gets_the_model_and_keeps_other_query_parameters() -> None:
    assert build_url(config("wss://api.openai.com/v1/realtime")) == (
        "wss://api.openai.com/v1/realtime?model=gpt-realtime"
    )
    assert build_url(config("wss://x.example/realtime?api-version=2025&model=old")) == (
        "wss://x.example/realtime?api-version=2025&model=gpt-realtime"
    )


def test_headers_bearer_extra_and_no_beta_by_default() -> None:
    cfg = config("wss://h/v1", extra_headers={"api-key": "azure-secret-value"})
    assert build_headers(cfg) == [
        ("Authorization", f"Bearer {KEY}"),
        ("api-key", "azure-secret-value"),
    ]
    beta = config("wss://h/v1", beta_header=True)
    assert ("OpenAI-Beta", "realtime=v1") in build_headers(beta)
    assert build_headers(config("wss://h/v1", api_key=None)) == []


@pytest.mark.parametrize("host", ["api.openai.com", "10.0.0.5", "example.internal"])
def test_keys_are_never_sent_over_plain_ws_to_remote_hosts(host: str) -> None:
    with pytest.raises(InsecureTransportError, match="wss://") as info:
        check_transport_security(config(f"ws://{host}/v1/realtime"))
    assert not info.value.retryable
    with pytest.raises(InsecureTransportError):
        check_transport_security(
            config(f"ws://{host}/v1", api_key=None, extra_headers={"api-key": "azure-value"})
        )
    # A header that is not a credential may go anywhere.
    check_transport_security(
        config(f"ws://{host}/v1", api_key=None, extra_headers={"X-Trace": "1"})
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]", "127.8.9.10"])
def test_plain_ws_is_fine_on_loopback(host: str) -> None:
    check_transport_security(config(f"ws://{host}:9/v1/realtime"))
    check_transport_security(config("ws://api.example/v1", api_key=None))
    check_transport_security(config("wss://api.example/v1"))


def test_non_websocket_urls_are_refused() -> None:
    with pytest.raises(RealtimeConnectionError, match="ws:// or wss://") as info:
        check_transport_security(config("https://api.openai.com/v1/realtime"))
    assert not info.value.retryable


def test_the_key_is_not_in_the_config_repr() -> None:
    cfg = config("wss://h/v1", extra_headers={"api-key": "azure-secret-value"})
    assert KEY not in repr(cfg)
    assert KEY not in str(cfg)
    assert "azure-secret-value" not in repr(cfg)


def test_inbound_limit_must_be_at_least_16_mib() -> None:
    with pytest.raises(ValueError, match="16 MiB"):
        config("wss://h", max_message_size=1024 * 1024)
    assert config("wss://h").max_message_size == 16 * 1024 * 1024


async def test_handshake_sends_model_auth_and_extra_headers() -> None:
    async with ScriptedRealtimeServer() as server:
        transport = await open_transport(config(server.url, extra_headers={"X-Trace": "t1"}))
        await transport.close(grace=1.0)
        record = server.connections[0]
        assert record.path == "/v1/realtime?model=gpt-realtime"
        assert record.header("authorization") == f"Bearer {KEY}"
        assert record.header("x-trace") == "t1"
        assert record.header("openai-beta") is None


async def test_401_is_an_authentication_error_with_the_servers_message() -> None:
    body = {
        "error": {
            "type": "invalid_request_error",
            "code": "invalid_api_key",
            "message": f"Incorrect API key provided: {KEY}.",
        }
    }
    script = ConnectionScript(reject=Rejection(401, body=body))
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        with pytest.raises(AuthenticationError) as info:
            await open_transport(config(server.url))
    error = info.value
    assert error.status == 401
    assert not error.retryable
    assert "Incorrect API key provided" in str(error)
    assert KEY not in str(error)
    assert KEY not in error.body


async def test_403_is_an_authentication_error() -> None:
    script = ConnectionScript(reject=Rejection(403))
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        with pytest.raises(AuthenticationError, match="HTTP 403"):
            await open_transport(config(server.url))


@pytest.mark.parametrize(
    ("headers", "wait"),
    [({"retry-after-ms": "1500"}, 1.5), ({"retry-after": "7"}, 7.0), ({}, None)],
)
async def test_429_is_a_rate_limit_error_with_the_servers_wait(
    headers: dict[str, str], wait: float | None
) -> None:
    script = ConnectionScript(reject=Rejection(429, headers=headers))
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        with pytest.raises(RateLimitError) as info:
            await open_transport(config(server.url))
    assert info.value.retry_after == wait
    assert info.value.retryable
    assert "HTTP 429" in str(info.value)


async def test_429_insufficient_quota_is_not_retryable() -> None:
    body = {
        "error": {
            "type": "insufficient_quota",
            "code": "insufficient_quota",
            "message": "You exceeded your current quota.",
        }
    }
    script = ConnectionScript(reject=Rejection(429, body=body))
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        with pytest.raises(RateLimitError, match="exceeded your current quota") as info:
            await open_transport(config(server.url))
    assert not info.value.retryable


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (503, True), (404, False)])
async def test_other_statuses_are_handshake_errors(status: int, retryable: bool) -> None:
    script = ConnectionScript(reject=Rejection(status, body="plain text failure"))
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        with pytest.raises(HandshakeError) as info:
            await open_transport(config(server.url))
    assert info.value.status == status
    assert info.value.retryable is retryable
    assert "plain text failure" in str(info.value)
    assert not isinstance(info.value, AuthenticationError)


async def test_unresolvable_host_is_a_retryable_connection_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The resolver fails as it would for an unknown name, without a query leaving the machine.
    async def no_such_host(*args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    for name in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(asyncio.get_running_loop(), "getaddrinfo", no_such_host)
    with pytest.raises(RealtimeConnectionError, match="cannot resolve host") as info:
        await open_transport(config("wss://realtime.example.invalid/v1/realtime"))
    assert info.value.retryable
    assert KEY not in str(info.value)


async def test_refused_connection_is_a_retryable_connection_error() -> None:
    # Bind then close a socket: its port is very likely free and refuses connections.
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()
    with pytest.raises(RealtimeConnectionError, match="refused") as info:
        await open_transport(config(f"ws://127.0.0.1:{port}/v1/realtime"))
    assert info.value.retryable


@pytest.fixture
async def silent_tcp() -> AsyncIterator[int]:
    """A TCP server that accepts and never answers the HTTP upgrade."""
    writers: list[asyncio.StreamWriter] = []

    async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)

    server = await asyncio.start_server(accept, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    for writer in writers:
        writer.close()
    server.close()
    await server.wait_closed()


async def test_connect_timeout_names_the_phase(silent_tcp: int) -> None:
    cfg = config(f"ws://127.0.0.1:{silent_tcp}/v1/realtime", timeouts=Timeouts(connect=0.2))
    with pytest.raises(RealtimeTimeoutError) as info:
        await open_transport(cfg)
    assert info.value.phase == "connect"
    assert isinstance(info.value, TimeoutError)


async def test_frames_flow_and_a_clean_close_reports_1000() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(json.dumps({"type": "hello"}))
        await ws.send("x" * (5 * 1024 * 1024))  # above the websockets 1 MiB default
        await ws.close(1000, "bye")

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1] if server.sockets else 0
        transport = await open_transport(config(f"ws://127.0.0.1:{port}/"))
        frames: list[str | bytes] = []
        closed = await transport.run(frames.append)
        assert frames[0] == '{"type": "hello"}'
        assert len(frames[1]) == 5 * 1024 * 1024
        assert (closed.code, closed.reason, closed.retryable) == (1000, "bye", False)
        assert transport.frames_received == 2
        assert transport.closed


@pytest.mark.parametrize(("code", "retryable"), [(1001, True), (1011, True), (4000, False)])
async def test_close_codes_are_reported(code: int, retryable: bool) -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.close(code, "reason text")

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1] if server.sockets else 0
        transport = await open_transport(config(f"ws://127.0.0.1:{port}/"))
        closed = await transport.run(lambda frame: None)
    assert (closed.code, closed.reason, closed.retryable) == (code, "reason text", retryable)
    with pytest.raises(ConnectionClosedError):
        await transport.send("{}")


async def test_close_frame_without_a_status_code_is_1005_and_retryable() -> None:
    script = ConnectionScript(close_after_open=(1005, ""))
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        transport = await open_transport(config(server.url))
        frames: list[str | bytes] = []
        closed = await transport.run(frames.append)
    assert json.loads(frames[0])["type"] == "session.created"
    assert (closed.code, closed.reason, closed.retryable) == (1005, "", True)


async def test_abort_without_close_frame_is_1006() -> None:
    async def handler(ws: ServerConnection) -> None:
        ws.transport.abort()
        await asyncio.sleep(0)

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1] if server.sockets else 0
        transport = await open_transport(config(f"ws://127.0.0.1:{port}/"))
        closed = await transport.run(lambda frame: None)
    assert closed.code == 1006
    assert closed.retryable


async def test_close_is_bounded_when_the_peer_ignores_it() -> None:
    script = ConnectionScript(ignore_close=True)
    async with ScriptedRealtimeServer(connection_scripts=[script]) as server:
        # websockets' own close timeout is 10 s here: only the grace can end the close early.
        slow = Timeouts(connect=2.0, close=10.0)
        transport = await open_transport(config(server.url, timeouts=slow))
        loop = asyncio.get_running_loop()
        started = loop.time()
        await transport.close(grace=0.2)
        assert 0.15 <= loop.time() - started < 3.0
        await asyncio.wait_for(transport.wait_closed(), 1.0)
        assert transport.closed
        await transport.close(grace=0.2)  # idempotent


async def test_websockets_debug_logs_never_show_the_key(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    async with ScriptedRealtimeServer() as server:
        transport = await open_transport(config(server.url))
        await transport.close(grace=1.0)
    client = [r for r in caplog.records if r.name.startswith("release_tools.realtime.wire")]
    assert "Authorization" in "\n".join(r.getMessage() for r in client)  # headers are logged
    # ... and no record of anyone, the test server's included, shows the key.
    assert KEY not in "\n".join(r.getMessage() for r in caplog.records)
    assert KEY not in caplog.text


async def test_redirects_are_not_followed() -> None:
    # The target would accept; following the redirect would carry the credentials there.
    async with serve(lambda ws: ws.wait_closed(), "127.0.0.1", 0) as target:
        port = target.sockets[0].getsockname()[1] if target.sockets else 0

        def moved(connection: ServerConnection, request: Request) -> Response:
            response = connection.respond(HTTPStatus.FOUND, "")
            response.headers["Location"] = f"ws://127.0.0.1:{port}/elsewhere"
            return response

        async with serve(
            lambda ws: ws.wait_closed(), "127.0.0.1", 0, process_request=moved
        ) as first:
            first_port = first.sockets[0].getsockname()[1] if first.sockets else 0
            with pytest.raises(HandshakeError, match=r"redirect to .*elsewhere refused") as info:
                await open_transport(config(f"ws://127.0.0.1:{first_port}/v1/realtime"))
    assert info.value.status == 302
    assert not info.value.retryable


def test_a_logged_frame_is_redacted_before_websockets_shortens_it() -> None:
    import logging as logging_module

    from websockets.frames import Frame, Opcode

    from release_tools.realtime.asyncio.transport import FrameRedactionFilter
    from release_tools.realtime.credentials import register_secret

    key = "sk-frame-" + "Lq4" * 10 + "-0123456789abcdef"
    register_secret(key)
    payload = json.dumps(
        {"type": "error", "event_id": "event_1", "error": {"message": "x" * 300 + " " + key}}
    )
    frame = Frame(Opcode.TEXT, payload.encode())
    assert key[-16:] in str(frame)  # websockets alone shows the key's tail
    record = logging_module.LogRecord("w", logging_module.DEBUG, "", 0, "< %s", (frame,), None)
    assert FrameRedactionFilter().filter(record)
    shown = record.getMessage()
    assert "[REDACTED]" in shown and key[-8:] not in shown and key[:8] not in shown
    close = Frame(Opcode.CLOSE, (4000).to_bytes(2, "big") + f"bad {key}".encode())
    record = logging_module.LogRecord("w", logging_module.DEBUG, "", 0, "< %s", (close,), None)
    FrameRedactionFilter().filter(record)
    assert "4000" in record.getMessage() and key[-8:] not in record.getMessage()
