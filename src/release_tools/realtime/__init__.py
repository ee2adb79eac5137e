"""An asyncio client for realtime model APIs (OpenAI Realtime GA and compatible servers).

Text in, text and function calls out, over one WebSocket per session::

    from release_tools.realtime import ClientConfig, RealtimeSession, ResponseRequest, SessionConfig

    config = ClientConfig(url="wss://api.openai.com/v1/realtime", model="gpt-realtime", api_key=key)
    async with RealtimeSession(config, SessionConfig(instructions="...")) as session:
        result = await session.respond(ResponseRequest(input_text="..."))

Layers: ``events`` (typed events, JSON codec), ``protocol`` (state machine, event routing),
``aggregate`` (response buffers and results), ``history`` (the in-band conversation replayed
after a reconnect), ``ratelimit`` and ``retry`` are sans-I/O; ``transport`` is the only module
that knows ``websockets``; ``session`` and ``pool`` put them together. Errors are the
``Realtime*`` part of :mod:`release_tools.errors`.
"""

from __future__ import annotations

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
from release_tools.realtime.history import ConversationHistory
from release_tools.realtime.protocol import SessionState
from release_tools.realtime.ratelimit import Clock, RateLimitState, SystemClock
from release_tools.realtime.retry import RetryPolicy

__all__ = [
    "ClientConfig",
    "Clock",
    "ConversationHistory",
    "FunctionCall",
    "FunctionTool",
    "RateLimitState",
    "RealtimeSession",
    "ResponseRequest",
    "ResponseResult",
    "RetryPolicy",
    "SessionConfig",
    "SessionPool",
    "SessionState",
    "SystemClock",
    "Timeouts",
    "Usage",
]
