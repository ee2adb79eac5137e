"""The WebSocket transport: the only module of the realtime client that imports ``websockets``.

It opens the connection (URL with ``?model=``, ``Authorization: Bearer``, no beta header unless
asked, 16 MiB inbound limit, TLS verified by the default SSL context), runs the receive loop,
sends frames and closes with a bounded wait. Every ``websockets`` / socket / TLS exception is
translated here into the exception tree of :mod:`release_tools.realtime.exceptions`:

* HTTP status on the upgrade -> :class:`HandshakeError` (401/403 :class:`AuthenticationError`,
  429 :class:`HandshakeRateLimitError`, which is also a :class:`RateLimitError`, with the
  ``retry-after-ms`` / ``retry-after`` wait), carrying the status, the (masked) headers, the
  body and the server's message from its JSON ``{"error": {...}}`` body;
* refused, DNS, TLS, other socket errors -> :class:`RealtimeConnectionError`;
* a closed socket -> :class:`ConnectionClosedError` with the close code and reason (1006 when
  no close frame came: an abnormal closure).

The API key is only ever put in the upgrade request's headers; it is never logged and never
placed in an error message (server messages are passed through the redaction filter too).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
import socket
import ssl
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
)
from websockets.frames import Frame, Opcode

from release_tools.realtime.config import ClientConfig, is_loopback_host
from release_tools.realtime.credentials import (
    is_secret_header,
    mask_headers,
    redact,
    redacting_logger,
)
from release_tools.realtime.exceptions import (
    AuthenticationError,
    ConnectionClosedError,
    HandshakeError,
    HandshakeRateLimitError,
    InsecureTransportError,
    RealtimeConnectionError,
    RealtimeError,
    RealtimeTimeoutError,
)
from release_tools.realtime.ratelimit import parse_retry_after_headers

__all__ = [
    "FrameRedactionFilter",
    "Transport",
    "build_headers",
    "build_url",
    "check_transport_security",
    "open_transport",
]

logger = redacting_logger(__name__)

USER_AGENT = "release-tools-realtime"


def _redact_payload(data: bytes) -> bytes:
    # surrogateescape keeps a fragment's cut UTF-8 sequence intact through the round trip.
    text = data.decode("utf-8", "surrogateescape")
    cleaned = redact(text)
    return data if cleaned == text else cleaned.encode("utf-8", "surrogateescape")


class FrameRedactionFilter(logging.Filter):
    """Redact the payload of a logged WebSocket frame before ``websockets`` shortens it.

    ``websockets`` logs every frame at DEBUG as ``("< %s", frame)`` (``>`` when sending), and
    ``str(frame)`` keeps only the head and the tail of a long payload around ``...``. Formatted
    first and redacted afterwards, a credential quoted near the end of a frame would show its
    last characters without the rest that identifies it. This filter swaps the frame argument
    for a copy whose payload is already redacted (a close frame's reason included); the
    shortening then works on clean text.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if type(args) is tuple and len(args) == 1 and isinstance(args[0], Frame):
            frame: Frame = args[0]
            data = bytes(frame.data)
            if frame.opcode is Opcode.CLOSE:
                # Two bytes of status code, then the UTF-8 reason.
                cleaned = data[:2] + _redact_payload(data[2:])
            else:
                cleaned = _redact_payload(data)
            if cleaned != data:
                record.args = (dataclasses.replace(frame, data=cleaned),)
        return True


# websockets logs every request header (Authorization included) and every frame at DEBUG. Its
# records go to this logger, whose own filters redact frame payloads before they are shortened,
# blank credential headers and redact the rest before any handler (caplog, root, ours) can see
# them.
wire_logger = redacting_logger("release_tools.realtime.wire", FrameRedactionFilter())


class _NoRedirectConnect(connect):
    """``websockets.connect`` that never follows redirects.

    The library strips ``Authorization`` on cross-origin redirects but not other credential
    headers (Azure's ``api-key``); an endpoint that redirects is refused instead.
    """

    def process_redirect(self, exc: Exception) -> Exception | str:
        return exc


def build_url(config: ClientConfig) -> str:
    """The endpoint with ``model=`` added to its query (other query parameters are kept)."""
    parts = urlsplit(config.url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "model"]
    query.append(("model", config.model))
    return urlunsplit(parts._replace(query=urlencode(query)))


def build_headers(config: ClientConfig) -> list[tuple[str, str]]:
    """Headers of the upgrade request: auth, extra headers, and the beta header only if asked."""
    headers: list[tuple[str, str]] = []
    if config.api_key:
        headers.append(("Authorization", f"Bearer {config.api_key}"))
    headers.extend(config.extra_headers.items())
    if config.beta_header:
        headers.append(("OpenAI-Beta", "realtime=v1"))
    return headers


def check_transport_security(config: ClientConfig) -> None:
    """Refuse URLs that are not WebSocket URLs, and credentials over ``ws://`` off loopback."""
    parts = urlsplit(config.url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        error = RealtimeConnectionError(
            f"realtime URL must be ws:// or wss:// with a host, got scheme {parts.scheme!r}"
        )
        error.retryable = False
        raise error
    query_names = (name for name, _ in parse_qsl(parts.query, keep_blank_values=True))
    has_credentials = (
        bool(config.api_key)
        or any(is_secret_header(name) for name in config.extra_headers)
        # User info becomes an Authorization: Basic header; Azure takes ?api-key=.
        or parts.username is not None
        or any(is_secret_header(name) for name in query_names)
    )
    if parts.scheme == "ws" and has_credentials and not is_loopback_host(parts.hostname):
        raise InsecureTransportError(
            f"refusing to send credentials over unencrypted ws:// to {parts.hostname}; use wss://"
        )


def _server_message(body: bytes) -> tuple[str, str | None, str | None]:
    """(message, type, code) from an OpenAI-style JSON error body, else the text itself."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:200], None, None
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        message = error.get("message")
        kind, code = error.get("type"), error.get("code")
        return (
            str(message) if message else "",
            kind if isinstance(kind, str) else None,
            code if isinstance(code, str) else None,
        )
    if isinstance(error, str):
        return error, None, None
    return text[:200], None, None


def _handshake_error(exc: InvalidStatus) -> RealtimeError:
    response = exc.response
    status = response.status_code
    # Response headers may carry cookies or echo credentials; keep them displayable.
    headers = dict(mask_headers(list(response.headers.raw_items())))
    body = redact(response.body.decode("utf-8", "replace")) if response.body else ""
    message, kind, code = _server_message(bytes(response.body or b""))
    message = redact(message) or response.reason_phrase or "no message"
    if status in (401, 403):
        return AuthenticationError(
            f"authentication failed (HTTP {status}): {message}",
            status=status,
            headers=headers,
            body=body,
        )
    if status == 429:
        return HandshakeRateLimitError(
            f"rate limited at handshake (HTTP 429): {message}",
            status=status,
            headers=headers,
            body=body,
            retry_after=parse_retry_after_headers(headers),
            type=kind or "rate_limit",
            code=code or "rate_limit_exceeded",
        )
    if 300 <= status < 400:
        location = response.headers.get("Location", "?")
        message = (
            f"redirect to {redact(location)} refused (credentials stay with the configured URL)"
        )
    return HandshakeError(
        f"handshake rejected (HTTP {status}): {message}", status=status, headers=headers, body=body
    )


def closed_error(exc: ConnectionClosed) -> ConnectionClosedError:
    """Translate a ``websockets`` close into :class:`ConnectionClosedError` (code and reason)."""
    frame = exc.rcvd if exc.rcvd is not None else exc.sent
    # No close frame either way means the TCP connection simply went away: 1006 (abnormal).
    code = frame.code if frame is not None else 1006
    reason = redact(frame.reason) if frame is not None else ""
    text = f"connection closed (code {code}{': ' + reason if reason else ''})"
    return ConnectionClosedError(text, code=code, reason=reason)


class Transport:
    """One open WebSocket connection. Use :func:`open_transport` to create it."""

    def __init__(self, connection: ClientConnection) -> None:
        self._ws = connection
        self._time = asyncio.get_running_loop().time
        #: Event-loop time of the last received frame; the session's idle timeout reads it.
        self.last_frame_at = self._time()
        #: This side dropped the connection (:meth:`abort`): its end is no news to report.
        self.dropped = False
        self.frames_received = 0

    @property
    def closed(self) -> bool:
        """Whether the connection is closing or closed (no more frames will flow)."""
        return self._ws.close_code is not None or self._ws.transport.is_closing()

    @property
    def close_code(self) -> int | None:
        """The close code once the connection is closed."""
        return self._ws.close_code

    @property
    def close_reason(self) -> str | None:
        """The close reason once the connection is closed."""
        return self._ws.close_reason

    async def send(self, frame: str) -> None:
        """Send one text frame."""
        try:
            await self._ws.send(frame)
        except ConnectionClosed as exc:
            raise closed_error(exc) from exc

    async def run(self, on_frame: Callable[[str | bytes], None]) -> ConnectionClosedError:
        """Feed every received frame to ``on_frame`` until the connection closes.

        Returns the close as a :class:`ConnectionClosedError` (for a clean 1000 as well).
        This is the hot loop of the client: keep it tiny.
        """
        recv = self._ws.recv
        now = self._time
        count = 0
        try:
            while True:
                frame = await recv()
                self.last_frame_at = now()
                count += 1
                on_frame(frame)
        except ConnectionClosed as exc:
            return closed_error(exc)
        finally:
            self.frames_received += count

    async def close(self, code: int = 1000, reason: str = "", *, grace: float = 5.0) -> None:
        """Close with ``code`` and ``reason``; abort the socket if it takes over ``grace`` s.

        Idempotent. Cancellation aborts the socket and propagates.
        """
        try:
            async with asyncio.timeout(grace):
                await self._ws.close(code, reason)
        except TimeoutError:
            logger.warning("close handshake took over %.1fs; aborting the connection", grace)
            self.abort()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        """Drop the TCP connection now, without a closing handshake."""
        self.dropped = True
        self._ws.transport.abort()

    async def wait_closed(self) -> None:
        """Wait until the TCP connection is gone."""
        await self._ws.wait_closed()


async def open_transport(config: ClientConfig) -> Transport:
    """Connect to ``config.url`` within ``config.timeouts.connect`` seconds.

    Raises :class:`RealtimeTimeoutError` (phase ``connect``), :class:`InsecureTransportError`,
    :class:`HandshakeError` and children (HTTP 429: :class:`HandshakeRateLimitError`) or
    :class:`RealtimeConnectionError`.
    """
    check_transport_security(config)
    url = build_url(config)
    host = urlsplit(config.url).hostname or ""
    options: dict[str, Any] = {
        "additional_headers": build_headers(config),
        "user_agent_header": USER_AGENT,
        "max_size": config.max_message_size,
        "ping_interval": config.ping_interval,
        "ping_timeout": config.ping_timeout,
        "close_timeout": config.timeouts.close,
        # The connect phase is bounded below, with a phase-naming error.
        "open_timeout": None,
        # Text deltas are small and the API does not negotiate compression; skip the CPU cost.
        "compression": None,
        # A larger queue lets a fast stream be read in bigger batches.
        "max_queue": 256,
        "logger": wire_logger,
    }
    if is_loopback_host(host):
        # Never route loopback test servers through an environment proxy.
        options["proxy"] = None
    timeout = config.timeouts.connect
    logger.debug("connecting", extra={"host": host, "model": config.model})
    try:
        async with asyncio.timeout(timeout):
            connection = await _NoRedirectConnect(url, **options)
    except TimeoutError as exc:
        raise RealtimeTimeoutError(
            f"could not connect to {host} within {timeout:g}s", phase="connect", timeout=timeout
        ) from exc
    except InvalidStatus as exc:
        raise _handshake_error(exc) from exc
    except InvalidURI as exc:
        error = RealtimeConnectionError(f"invalid realtime URL for host {host!r}")
        error.retryable = False
        raise error from exc
    except InvalidHandshake as exc:
        raise RealtimeConnectionError(
            f"WebSocket handshake with {host} failed: {redact(str(exc))}"
        ) from exc
    except ssl.SSLCertVerificationError as exc:
        error = RealtimeConnectionError(f"TLS certificate of {host} could not be verified")
        error.retryable = False
        raise error from exc
    except ssl.SSLError as exc:
        raise RealtimeConnectionError(f"TLS error with {host}: {exc.reason}") from exc
    except socket.gaierror as exc:
        raise RealtimeConnectionError(f"cannot resolve host {host!r}") from exc
    except ConnectionRefusedError as exc:
        raise RealtimeConnectionError(f"connection to {host} refused") from exc
    except OSError as exc:
        raise RealtimeConnectionError(f"cannot connect to {host}: {exc.strerror or exc}") from exc
    except ConnectionClosed as exc:
        raise closed_error(exc) from exc
    logger.debug("connected", extra={"host": host, "model": config.model})
    return Transport(connection)
