"""How the version commands print: the ``--format`` option, redacted lines and JSON reports.

Every line a command prints passes through :func:`echo` (control characters stripped,
registered secrets redacted); a JSON report through :func:`echo_json`, which also tells the
error guard that the report is out.
"""

from __future__ import annotations

import json
from typing import Any

import click

from release_tools.cli.failures import mark_reported, use_output_format
from release_tools.errors import UsageError

__all__ = ["OUTPUT_FORMATS", "echo", "echo_json", "output_format", "output_format_option"]

OUTPUT_FORMATS = ("text", "json")


def output_format(value: str | None) -> str:
    """The validated ``--format`` (text or json); a bad value is a one-line usage error.

    The format is recorded for the error guard: from here on a failure of a JSON run is JSON.
    """
    if value is None:
        value = "text"
    if value not in OUTPUT_FORMATS:
        raise UsageError(f"invalid --format {value!r} (expected text or json)")
    use_output_format(value)
    return value


def output_format_option(func: Any) -> Any:
    """The ``--format text|json`` option of a command, validated by :func:`output_format`."""
    # A plain string, not a click choice: click's own choice error spans several lines.
    return click.option(
        "--format",
        "format_",
        default=None,
        metavar="text|json",
        help="Output format: text, or a JSON report (default: text).",
    )(func)


def echo(text: str, *, err: bool = False) -> None:
    """A line of output: control characters stripped, registered secrets redacted; on stderr,
    where CI runners read workflow commands, one line whatever ``text`` holds (line breaks
    and control characters escaped)."""
    from release_tools.logs import one_line, redact
    from release_tools.text import clean_text

    click.echo(one_line(redact(text)) if err else redact(clean_text(text)), err=err)


def echo_json(data: Any) -> None:
    """A JSON report on stdout, its string values redacted (never its keys or its syntax, so
    it stays valid JSON whatever the registered secrets hold); the error guard then knows it
    was printed."""
    from release_tools.analysis.report import redact_json

    mark_reported()
    click.echo(json.dumps(redact_json(data), indent=2))
