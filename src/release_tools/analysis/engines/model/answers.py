"""Ask the model for one forced function call and validate the arguments it sends back.

Every request of the provider (chunk summaries and the final verdict) is an out-of-band response
forced to call one function. The arguments are validated with the pydantic model the function's
schema was generated from; an invalid answer is asked for once more with the validation error,
and only then counts as a failure. :class:`ModelRun` accumulates what a run spent, which is
reported also when the run fails.

This is where requests meet the realtime client, so its errors (:class:`RealtimeError`, raised
once the client's own retries are spent) become the application's :class:`ProviderError` here,
with the client's error as the cause.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from release_tools.analysis.engines.model.prompts import retry_prompt
from release_tools.analysis.engines.model.schemas import ChunkSummary, VersionAnalysis
from release_tools.errors import ProviderError
from release_tools.realtime import (
    FunctionTool,
    RealtimeError,
    ResponseRequest,
    ResponseResult,
    SessionPool,
    Usage,
)

__all__ = [
    "InvalidAnswer",
    "ModelRun",
    "ask",
    "parse_answer",
    "provider_error",
    "validation_message",
]

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)


class InvalidAnswer(Exception):
    """The model's answer did not validate (internal: becomes a retry, then a failure)."""


@dataclass(slots=True)
class ModelRun:
    """What the model path produced, also on failure (usage is spent either way)."""

    summaries: dict[int, ChunkSummary] = field(default_factory=dict)
    failed: dict[int, str] = field(default_factory=dict)
    cached: int = 0
    analysis: VersionAnalysis | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    requests: int = 0
    redactions: int = 0

    def usage(self) -> dict[str, int]:
        """The report's ``usage`` object."""
        return {
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "total_tokens": self.total_tokens,
            "requests": self.requests,
        }

    def take_usage(self, usage: Usage) -> None:
        """Record the pool's token totals: every response the server billed, failed ones too."""
        self.input_tokens = usage.input_tokens
        self.output_tokens = usage.output_tokens
        self.total_tokens = usage.total_tokens


def provider_error(exc: RealtimeError) -> ProviderError:
    """The application's error for a failure of the realtime client; raise it ``from exc``.

    It carries the client's message, or the client error's class name when the message is
    empty, so the reason shown to the user still names what failed.
    """
    return ProviderError(str(exc) or type(exc).__name__)


def validation_message(exc: ValidationError) -> str:
    """The validation errors in one line, without the input values."""
    # Without the input values: the validator's message goes back to the model, and to logs.
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:10]:
        where = ".".join(str(p) for p in error["loc"]) or "arguments"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def parse_answer(result: ResponseResult, tool: FunctionTool, model: type[M]) -> M:
    """The validated arguments of ``result``'s call to ``tool``; ``InvalidAnswer`` otherwise."""
    if result.status != "completed":
        raise InvalidAnswer(f"the response ended {result.status} ({result.status_reason})")
    call = next((c for c in result.function_calls if c.name == tool.name), None)
    if call is None:
        raise InvalidAnswer(f"no call to the function {tool.name}")
    try:
        return model.model_validate_json(call.arguments or "{}")
    except ValidationError as exc:
        raise InvalidAnswer(validation_message(exc)) from exc


async def ask(
    pool: SessionPool,
    prompt: str,
    tool: FunctionTool,
    model: type[M],
    run: ModelRun,
    metadata: dict[str, str],
) -> M:
    """One forced function call, validated; asked once more with the error if invalid.

    Raises :class:`InvalidAnswer` when the second answer is invalid too, and
    :class:`ProviderError` when the realtime client fails.
    """
    text = prompt
    for attempt in (1, 2):
        request = ResponseRequest(
            input_text=text,
            tools=[tool],
            tool_choice={"type": "function", "name": tool.name},
            metadata={**metadata, "attempt": str(attempt)},
        )
        run.requests += 1
        try:
            result = await pool.respond(request)
        except RealtimeError as exc:
            raise provider_error(exc) from exc
        try:
            return parse_answer(result, tool, model)
        except InvalidAnswer as exc:
            if attempt == 2:
                raise
            log.warning("invalid answer from the model, asking again: %s", exc, extra=metadata)
            text = retry_prompt(prompt, str(exc))
    raise AssertionError("unreachable")  # pragma: no cover
