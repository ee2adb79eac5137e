"""Ask the model for one forced function call and validate the arguments it sends back.

Every request of the provider (chunk summaries and the final verdict) is an out-of-band response
forced to call one function. The arguments are validated with the pydantic model the function's
schema was generated from. Some models (and compatible servers that only stream text) answer in
text instead of calling the function; a JSON object in that text (the whole text, a fenced
```json block, or the first ``{...}`` object in prose) is validated by the same model and
accepted. Only when neither a valid call nor a valid JSON object arrived is the question asked
once more with the validation error, and only then does the answer count as a failure.
:class:`ModelRun` accumulates what a run spent, which is reported also when the run fails.

This is where requests meet the realtime client, so its errors (:class:`RealtimeError`, raised
once the client's own retries are spent) become the application's :class:`ProviderError` here,
with the client's error as the cause.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

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
    "json_objects",
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
    #: Provider failures while no chunk had been answered yet.
    unanswered: int = 0
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


# A fenced code block: ```json ... ``` (the language tag is optional, any case).
_FENCE = re.compile(r"```[ \t]*(?:json|JSON|Json)?[ \t]*\r?\n(.*?)```", re.DOTALL)
# Bounds for the scan of prose: answers are at most a few thousand tokens, and a brace that
# does not start a JSON object is given up at its first invalid character, so a few dozen tries
# are plenty and keep a pathological text from costing quadratic time.
_MAX_TEXT = 200_000
_MAX_TRIES = 50
_decoder = json.JSONDecoder()


def json_objects(text: str) -> Iterator[dict[str, Any]]:
    """The JSON objects a text answer may hold, the most explicit first.

    In order: the whole text (surrounding blanks ignored), then each fenced code block
    (```json or bare ```), then the objects found scanning the prose from left to right (each
    ``{`` that starts a decodable object; the scan continues after the object's end). Only
    objects are yielded: a model's answer to a function with object parameters is an object.
    """
    text = text[:_MAX_TEXT]
    stripped = text.strip()
    candidates = [stripped]
    candidates += [block.group(1).strip() for block in _FENCE.finditer(text)]
    for candidate in candidates:
        if candidate.startswith("{"):
            try:
                value = json.loads(candidate)
            except (ValueError, RecursionError):  # deep nesting is not an answer either
                continue
            if isinstance(value, dict):
                yield value
    start = text.find("{")
    tries = 0
    while start != -1 and tries < _MAX_TRIES:
        tries += 1
        try:
            value, end = _decoder.raw_decode(text, start)
        except (ValueError, RecursionError):
            start = text.find("{", start + 1)
            continue
        if isinstance(value, dict):
            yield value
        start = text.find("{", end)


def _from_text(text: str, model: type[M]) -> tuple[M | None, str | None]:
    """The first JSON object in ``text`` that validates, else the first object's error."""
    first_error: str | None = None
    for candidate in json_objects(text):
        try:
            return model.model_validate(candidate), None
        except ValidationError as exc:
            if first_error is None:
                first_error = validation_message(exc)
    return None, first_error


def parse_answer(result: ResponseResult, tool: FunctionTool, model: type[M]) -> M:
    """The validated answer of ``result``; ``InvalidAnswer`` when there is none.

    A call to ``tool`` whose arguments validate wins; otherwise a JSON object in the text
    output that validates (see :func:`json_objects`). The error names what went wrong with
    the call if there was one, else with the JSON text, else that neither arrived.
    """
    if result.status != "completed":
        raise InvalidAnswer(f"the response ended {result.status} ({result.status_reason})")
    call = next((c for c in result.function_calls if c.name == tool.name), None)
    call_error: str | None = None
    cause: ValidationError | None = None
    if call is not None:
        try:
            return model.model_validate_json(call.arguments or "{}")
        except ValidationError as exc:
            call_error, cause = validation_message(exc), exc
    answer, text_error = _from_text(result.text, model) if result.text else (None, None)
    if answer is not None:
        log.debug("answer taken from the text output instead of a call to %s", tool.name)
        return answer
    if call_error is not None:
        raise InvalidAnswer(call_error) from cause
    if text_error is not None:
        raise InvalidAnswer(f"the JSON object in the text answer is invalid: {text_error}")
    raise InvalidAnswer(f"no call to the function {tool.name} and no JSON object in the text")


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
