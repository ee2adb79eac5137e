"""An asyncio client for realtime model APIs (OpenAI Realtime GA and compatible servers).

Text in, text and function calls out, over one WebSocket per session::

    from release_tools.realtime import ClientConfig, RealtimeSession, ResponseRequest, SessionConfig

    config = ClientConfig(url="wss://api.openai.com/v1/realtime", model="gpt-realtime", api_key=key)
    async with RealtimeSession(config, SessionConfig(instructions="...")) as session:
        result = await session.respond(ResponseRequest(input_text="..."))

Layers: ``events`` (typed events, JSON codec), ``handshake`` (state machine, session setup),
``protocol`` (requests, event routing), ``attribution`` (which request a server error is about),
``aggregate`` (response buffers and results), ``history`` (the in-band conversation replayed
after a reconnect), ``ratelimit`` and ``retry`` are sans-I/O; ``asyncio.transport`` is the only
module that knows ``websockets``; ``asyncio.session`` and ``asyncio.pool`` put them together.
``credentials`` keeps keys out of logs and reprs; ``exceptions`` is the client's own error tree,
rooted at :class:`RealtimeError`. The package imports nothing outside itself but the standard
library, ``pydantic`` and ``websockets``.

The exceptions are imported eagerly; every other name is imported on first use, so that
importing a light module such as :mod:`release_tools.realtime.credentials` does not load
``websockets`` and the event models.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from release_tools.realtime.exceptions import (
    AuthenticationError,
    ConnectionClosedError,
    HandshakeError,
    HandshakeRateLimitError,
    IncompleteResponseError,
    InsecureTransportError,
    RateLimitError,
    RealtimeConnectionError,
    RealtimeError,
    RealtimeProtocolError,
    RealtimeStateError,
    RealtimeTimeoutError,
    RetryExhaustedError,
    ServerError,
)

if TYPE_CHECKING:
    from release_tools.realtime.aggregate import FunctionCall, ResponseResult, Usage
    from release_tools.realtime.asyncio.pool import SessionPool
    from release_tools.realtime.asyncio.session import RealtimeSession
    from release_tools.realtime.config import (
        ClientConfig,
        FunctionTool,
        ResponseRequest,
        SessionConfig,
        Timeouts,
    )
    from release_tools.realtime.handshake import SessionState
    from release_tools.realtime.history import ConversationHistory
    from release_tools.realtime.ratelimit import Clock, RateLimitState, SystemClock
    from release_tools.realtime.retry import RetryPolicy

__all__ = [
    "AuthenticationError",
    "ClientConfig",
    "Clock",
    "ConnectionClosedError",
    "ConversationHistory",
    "FunctionCall",
    "FunctionTool",
    "HandshakeError",
    "HandshakeRateLimitError",
    "IncompleteResponseError",
    "InsecureTransportError",
    "RateLimitError",
    "RateLimitState",
    "RealtimeConnectionError",
    "RealtimeError",
    "RealtimeProtocolError",
    "RealtimeSession",
    "RealtimeStateError",
    "RealtimeTimeoutError",
    "ResponseRequest",
    "ResponseResult",
    "RetryExhaustedError",
    "RetryPolicy",
    "ServerError",
    "SessionConfig",
    "SessionPool",
    "SessionState",
    "SystemClock",
    "Timeouts",
    "Usage",
]

# Public name -> the module that defines it, for the names imported on first use.
_LAZY = {
    "FunctionCall": "aggregate",
    "ResponseResult": "aggregate",
    "Usage": "aggregate",
    "SessionPool": "asyncio.pool",
    "RealtimeSession": "asyncio.session",
    "ClientConfig": "config",
    "FunctionTool": "config",
    "ResponseRequest": "config",
    "SessionConfig": "config",
    "Timeouts": "config",
    "SessionState": "handshake",
    "ConversationHistory": "history",
    "Clock": "ratelimit",
    "RateLimitState": "ratelimit",
    "SystemClock": "ratelimit",
    "RetryPolicy": "retry",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
