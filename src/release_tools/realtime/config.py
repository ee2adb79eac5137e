"""Configuration objects of the realtime client: connection, timeouts, session, requests.

All frozen. :class:`ClientConfig` holds the API key but never shows it: it is left out of
``repr``/``str`` and registered with the log redaction filter as soon as the config exists.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Literal

from release_tools.realtime.credentials import (
    REDACTED,
    is_secret_header,
    redact_url,
    register_secret,
    register_url_secrets,
)
from release_tools.realtime.hosts import is_loopback_host
from release_tools.realtime.retry import RetryPolicy

__all__ = [
    "ClientConfig",
    "FunctionTool",
    "ResponseRequest",
    "SessionConfig",
    "Timeouts",
    "ToolChoice",
    "is_loopback_host",
    "is_secret_header",
]

#: ``"auto" | "none" | "required"`` or ``{"type": "function", "name": ...}``.
ToolChoice = str | dict[str, str]

_MIB = 1024 * 1024


@dataclass(frozen=True)
class Timeouts:
    """Seconds allowed per phase; ``RealtimeTimeoutError.phase`` names the one that ran out.

    ``connect``: TCP + TLS + WebSocket upgrade. ``session``: each of ``session.created`` and
    ``session.updated``. ``response``: one whole response, from the request to
    ``response.done``, queueing included. ``idle``: silence in the middle of a response, once
    the server started it (``response.created``); a queued request is bounded by ``response``
    alone. ``close``: the closing handshake before the socket is aborted.
    """

    connect: float = 15.0
    session: float = 15.0
    response: float = 120.0
    idle: float = 60.0
    close: float = 5.0

    def __post_init__(self) -> None:
        for name in ("connect", "session", "response", "idle", "close"):
            if getattr(self, name) <= 0:
                raise ValueError(f"timeout {name!r} must be > 0")


@dataclass(frozen=True)
class ClientConfig:
    """How to reach a realtime server.

    ``url`` is the endpoint without the query (``?model=`` is added). ``extra_headers`` go on
    the upgrade request (for example Azure's ``api-key``; values of headers named like
    credentials are registered as secrets too). ``beta_header`` sends
    ``OpenAI-Beta: realtime=v1``, which the live service now rejects; it exists only for old
    compatible servers.
    """

    url: str
    model: str
    api_key: str | None = field(default=None, repr=False)
    extra_headers: dict[str, str] = field(default_factory=dict, repr=False)
    timeouts: Timeouts = field(default_factory=Timeouts)
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    max_message_size: int = 16 * _MIB
    ping_interval: float | None = 20.0
    ping_timeout: float | None = 20.0
    beta_header: bool = False

    def __post_init__(self) -> None:
        # Register before anything can log: the redaction filter then hides the key everywhere.
        register_secret(self.api_key)
        for name, value in self.extra_headers.items():
            if is_secret_header(name):
                register_secret(value)
        # Azure accepts the key as an ``api-key`` query parameter; URLs may carry user info.
        register_url_secrets(self.url)
        if self.max_message_size < 16 * _MIB:
            raise ValueError("max_message_size must be at least 16 MiB (session events are big)")

    def __repr__(self) -> str:
        # Written by hand: the generated repr would show the URL's credentials, and leaving
        # the key out entirely would hide whether one is set at all.
        shown: list[str] = []
        for item in fields(self):
            value = getattr(self, item.name)
            if item.name == "url":
                value = redact_url(value)
            elif item.name == "api_key":
                value = None if value is None else REDACTED
            elif item.name == "extra_headers":
                value = {k: REDACTED if is_secret_header(k) else v for k, v in value.items()}
            shown.append(f"{item.name}={value!r}")
        return f"{type(self).__name__}({', '.join(shown)})"

    def __str__(self) -> str:
        return repr(self)


@dataclass(frozen=True)
class FunctionTool:
    """A function the model may call; ``parameters`` is a JSON schema object."""

    name: str
    description: str = ""
    parameters: dict[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})

    def to_wire(self) -> dict[str, Any]:
        """The tool as the API expects it in ``session.update`` / ``response.create``."""
        return {
            "type": "function",
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
        }


@dataclass(frozen=True)
class SessionConfig:
    """What ``session.update`` sets; re-sent after every reconnect.

    ``history_max_items`` / ``history_max_chars`` bound the record of the in-band conversation
    that is replayed after a reconnect (items, and their size as JSON text; the oldest go
    first, with a log line). ``history_max_items=0`` records nothing. Neither goes on the wire.
    """

    instructions: str = ""
    tools: list[FunctionTool] = field(default_factory=list)
    tool_choice: ToolChoice = "auto"
    output_modalities: list[Literal["text", "audio"]] = field(default_factory=lambda: ["text"])
    max_output_tokens: int | Literal["inf"] | None = None
    # About a large model context's worth of text: replaying more than the model can read
    # only costs input tokens.
    history_max_items: int = 200
    history_max_chars: int = 512 * 1024

    def __post_init__(self) -> None:
        if self.history_max_items < 0 or self.history_max_chars < 0:
            raise ValueError("history bounds must be >= 0")

    def to_wire(self) -> dict[str, Any]:
        """The GA ``session`` object (``type: realtime`` is required since GA)."""
        session: dict[str, Any] = {
            "type": "realtime",
            "output_modalities": list(self.output_modalities),
            "instructions": self.instructions,
            "tools": [tool.to_wire() for tool in self.tools],
            "tool_choice": self.tool_choice,
        }
        if self.max_output_tokens is not None:
            session["max_output_tokens"] = self.max_output_tokens
        return session


@dataclass(frozen=True)
class ResponseRequest:
    """One response to ask for.

    ``input_text`` becomes a user message; ``input_items`` are raw conversation items (messages,
    ``function_call_output``, ``item_reference``). With ``out_of_band`` (the default) the
    response uses ``conversation: "none"`` and gets its input privately, so one session can serve
    many independent requests; otherwise the items are added to the conversation first.
    ``None`` fields fall back to the session's settings.
    """

    instructions: str | None = None
    input_text: str | None = None
    input_items: list[dict[str, Any]] | None = None
    tools: list[FunctionTool] | None = None
    tool_choice: ToolChoice | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    out_of_band: bool = True
    max_output_tokens: int | Literal["inf"] | None = None

    def to_wire(self, output_modalities: Sequence[str], metadata: dict[str, str]) -> dict[str, Any]:
        """The ``response`` object of ``response.create`` (``metadata`` replaces the request's).

        Out of band, the input goes inside it with ``conversation: "none"`` (nothing is written
        to the default conversation); in band, the items are sent beforehand with
        ``conversation.item.create`` and the response reads the conversation.
        """
        body: dict[str, Any] = {
            "output_modalities": list(output_modalities),
            "metadata": metadata,
        }
        if self.instructions is not None:
            body["instructions"] = self.instructions
        if self.tools is not None:
            body["tools"] = [tool.to_wire() for tool in self.tools]
        if self.tool_choice is not None:
            body["tool_choice"] = self.tool_choice
        if self.max_output_tokens is not None:
            body["max_output_tokens"] = self.max_output_tokens
        if self.out_of_band:
            body["conversation"] = "none"
            body["input"] = self.items()
        return body

    def items(self) -> list[dict[str, Any]]:
        """The input items this request sends: ``input_items`` then ``input_text``."""
        items = [dict(item) for item in self.input_items or ()]
        if self.input_text is not None:
            items.append(
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": self.input_text}],
                }
            )
        return items
