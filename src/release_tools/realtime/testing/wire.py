"""Socket-level helpers of the scripted server: batched writes, drops, ignored close frames.

These are the only places that reach below the public ``websockets`` connection API, each for a
reason given where it happens.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence

from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode
from websockets.typing import Subprotocol

from release_tools.realtime.credentials import redacting_logger

__all__ = ["Outbox", "drop", "pause", "select_subprotocol", "swallow_frames"]

logger = redacting_logger(__name__)

# Consecutive frames are written to the socket in batches of this many when no latency is
# scripted between them; one write per frame would make the server, not the client under test,
# the bottleneck of throughput benchmarks.
_BATCH = 512


class Outbox:
    """Queues outgoing frames and writes them in batches (one socket write per batch)."""

    def __init__(self, conn: ServerConnection) -> None:
        self._conn = conn
        self._pending: list[bytes] = []

    def add(self, text: str) -> None:
        # Nothing is written until flush(): callers flush before every await point.
        self._pending.append(text.encode())

    async def flush(self) -> None:
        pending, self._pending = self._pending, []
        conn = self._conn
        for start in range(0, len(pending), _BATCH):
            # send_context() is the websockets-documented way to drive the sans-I/O protocol
            # directly; it applies flow control on exit. Joining the batch's frames into one
            # transport write saves a system call per frame.
            async with conn.send_context():
                for data in pending[start : start + _BATCH]:
                    conn.protocol.send_text(data)
                # send_text() never queues the empty "half-close" marker, so joining is safe.
                conn.transport.write(b"".join(conn.protocol.data_to_send()))


async def pause(conn: ServerConnection, seconds: float) -> None:
    """Sleep ``seconds``, or less if the connection closes meanwhile (a client gave up)."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await conn.wait_closed()


async def drop(conn: ServerConnection, code: int, reason: str) -> None:
    """Lose the connection: abort TCP for 1006 (no close frame can carry it), send a close
    frame without a status code for 1005, else close with ``code`` and ``reason``."""
    if code == 1006:
        conn.transport.abort()
    elif code == 1005:
        # 1005 ("no status received") may never be sent as a code: the peer reports it when a
        # close frame has an empty payload, which close() cannot produce. send_close() with no
        # code does, through the same send_context() that close() itself uses.
        with contextlib.suppress(ConnectionClosed):
            async with conn.send_context():
                conn.protocol.send_close()
    else:
        await conn.close(code, reason)


def swallow_frames(conn: ServerConnection, *, close: bool = False, ping: bool = False) -> None:
    """Make this connection silently drop the client's close and/or ping frames.

    A swallowed close frame is never answered: the live service sometimes drops TCP without
    answering one, so clients must bound their close. A swallowed
    ping gets no pong: a hung peer, which the client's keepalive must detect. websockets
    answers both inside its sans-I/O ``recv_frame``, so the hook wraps that method on this one
    protocol object.
    """
    swallowed = {op for op, on in ((Opcode.CLOSE, close), (Opcode.PING, ping)) if on}
    if not swallowed:
        return
    protocol = conn.protocol
    original = protocol.recv_frame

    def recv_frame(frame: Frame) -> None:
        if frame.opcode in swallowed:
            logger.debug("swallowing the client's %s frame as scripted", frame.opcode.name)
            return
        original(frame)

    protocol.recv_frame = recv_frame  # type: ignore[method-assign]
    # A connection that never answers a close would hold the server's shutdown for its whole
    # close timeout; stop() aborts these instead.
    conn._rt_ignore_close = close  # type: ignore[attr-defined]


def select_subprotocol(
    conn: ServerConnection, offered: Sequence[Subprotocol]
) -> Subprotocol | None:
    # Browser-style clients authenticate with subprotocols; the service selects "realtime".
    return Subprotocol("realtime") if "realtime" in offered else None
