"""How a failed command reports itself on standard output when its output format is JSON.

A CI job that parses a command's JSON report must find JSON on stdout when the command fails
too, so the error guard prints one object there, next to the usual one-line message on stderr
(one JSON record there with ``--log-format json``)::

    {"error": {"message": "unknown base ref 'nope'", "type": "git", "exit_code": 1}}

``type`` is the branch of :mod:`release_tools.errors` the exception belongs to; ``exit_code`` is
the one the process exits with. Each command says which output format it resolved
(:func:`use_output_format`) and when its own JSON report is on stdout (:func:`mark_reported`):
a report already printed is not followed by a second object.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import click

from release_tools.errors import (
    AnalysisError,
    ConfigError,
    GitError,
    Interruption,
    PlanError,
    ProviderError,
    ReleaseError,
    ReleaseToolsError,
    UsageError,
    VersionError,
)

__all__ = [
    "INTERNAL",
    "INTERRUPTED",
    "error_object",
    "error_type",
    "invocation",
    "mark_reported",
    "report_failure",
    "use_output_format",
]

#: The type of an error the package did not raise on purpose: a bug.
INTERNAL = "internal"
#: The type of a run stopped by Ctrl-C, SIGINT or SIGTERM (a release's included).
INTERRUPTED = "interrupted"

# One name per branch of the exception tree; a subclass defined elsewhere (a forge error is a
# ReleaseError) takes the name of the nearest branch above it.
_TYPES: dict[type[BaseException], str] = {
    Interruption: INTERRUPTED,
    ConfigError: "config",
    UsageError: "usage",
    GitError: "git",
    ProviderError: "provider",
    AnalysisError: "analysis",
    VersionError: "version",
    PlanError: "plan",
    ReleaseError: "release",
    ReleaseToolsError: "error",
}


def error_type(exc: BaseException) -> str:
    """The category of ``exc``: its nearest branch of the exception tree, else ``internal``."""
    for cls in type(exc).__mro__:
        name = _TYPES.get(cls)
        if name is not None:
            return name
    return INTERNAL


def error_object(message: str, type_: str, exit_code: int) -> dict[str, dict[str, object]]:
    """The JSON value printed on stdout for a failure (``message`` is already redacted)."""
    return {"error": {"message": message, "type": type_, "exit_code": exit_code}}


@dataclass
class _Invocation:
    """What the guard must know of the running command to report its failure."""

    json: bool = False  # the command's output format is JSON
    reported: bool = False  # the command's own JSON report is already on stdout


_current: ContextVar[_Invocation | None] = ContextVar("release_tools_invocation", default=None)


@contextmanager
def invocation() -> Iterator[None]:
    """The scope of one command run: output format and report state start unknown."""
    token = _current.set(_Invocation())
    try:
        yield
    finally:
        _current.reset(token)


def use_output_format(output_format: str | None) -> None:
    """Record the output format the command resolved; ``json`` makes failures print JSON."""
    state = _current.get()
    if state is not None:
        state.json = output_format == "json"


def mark_reported() -> None:
    """Record that the command's JSON report has gone to stdout (no error object after it)."""
    state = _current.get()
    if state is not None:
        state.reported = True


def report_failure(message: str, type_: str, exit_code: int) -> None:
    """Print the error object on stdout when the command's output is JSON and still unwritten."""
    state = _current.get()
    if state is None or not state.json or state.reported:
        return
    state.reported = True
    click.echo(json.dumps(error_object(message, type_, exit_code), indent=2))
