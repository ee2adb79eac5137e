"""A scripted, in-process Realtime API server for tests and benchmarks.

:class:`ScriptedRealtimeServer` listens on ``127.0.0.1`` with an ephemeral port and speaks the GA
Realtime protocol for text and function calls: it sends
``session.created``, answers ``session.update`` with ``session.updated``, acknowledges
``conversation.item.create`` and answers every ``response.create`` with the full event sequence
ending in ``response.done``. What it answers, how fast, and how it misbehaves is scripted per
test::

    script = [
        Reply(text="patch", chunk_size=2),            # first response.create
        Reply.dropped(after_deltas=1, text="minor"),  # second: connection lost mid-stream
        lambda event: Reply(text="major"),            # third: computed from the request
    ]
    async with ScriptedRealtimeServer(script, default=Reply(text="none")) as server:
        ...  # connect a client to server.url
        assert server.connections[0].header("authorization") == "Bearer test-key"

Replies are consumed in order across all connections (so a reconnecting client gets the next
one), then ``default`` answers everything else. Per-connection behaviour (handshake rejection, a
missing ``session.created``, an ignored close handshake) comes from ``connection_scripts`` in the
same way. Everything the server receives (request path, headers including ``Authorization``, every
raw frame and parsed client event) is recorded on :attr:`ScriptedRealtimeServer.connections` so
tests can assert on it, for instance that a canary secret never reached the wire.

Modules: ``script`` (the scripting data: :class:`Reply`, :class:`ConnectionScript`,
:class:`Rejection`, :class:`RecordedConnection`), ``stream`` (a reply's event sequence, computed
without I/O), ``server`` (the ``websockets`` server: handshake, session, conversation),
``responses`` (one connection's running responses, played on the wire) and ``wire`` (the
socket-level helpers).
"""

from __future__ import annotations

from release_tools.realtime.testing.script import (
    DEFAULT_RATE_LIMITS,
    ConnectionScript,
    RecordedConnection,
    Rejection,
    Reply,
    ReplySource,
    ScriptedFunctionCall,
)
from release_tools.realtime.testing.server import ScriptedRealtimeServer

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "ConnectionScript",
    "RecordedConnection",
    "Rejection",
    "Reply",
    "ReplySource",
    "ScriptedFunctionCall",
    "ScriptedRealtimeServer",
]
