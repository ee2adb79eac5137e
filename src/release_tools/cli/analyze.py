"""``release-tools analyze``: decide the bump the changes since the last release deserve."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import click

from release_tools.cli.common import (
    common_options,
    guard,
    load_output_settings,
    report_failure_line,
    settings_options,
)
from release_tools.cli.failures import mark_reported
from release_tools.errors import UsageError
from release_tools.versioning.bump import Bump

__all__ = ["EXIT_FAIL_ON", "analyze_command"]

#: The exit code of ``analyze --fail-on`` when the bump reaches the threshold: distinct from
#: 1 (a failure) and 2 (a usage error), so a CI gate can tell "blocked" from "broken".
EXIT_FAIL_ON = 3


@click.command("analyze")
@click.option("--base", default=None, help="Base ref (default: the latest release tag, else root).")
@click.option("--head", default=None, help="Head ref (default: HEAD).")
@click.option("--project", default=None, help="Analyze only this project of a monorepo.")
@click.option(
    "--format",
    "format_",
    type=click.Choice(["text", "json"]),
    default=None,
    help="Output format (default: text).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False),
    default=None,
    help="Write the report to this file instead of standard output.",
)
@click.option(
    "--provider",
    type=click.Choice(["local", "realtime"]),
    default=None,
    help="local: offline static analysis (default); realtime: a language model.",
)
@click.option(
    "--include",
    "include",
    multiple=True,
    metavar="GLOB",
    help=(
        "Analyze only paths matching this gitignore-style pattern (repeatable; replaces the "
        "configured include)."
    ),
)
@click.option(
    "--exclude",
    "extra_exclude",
    multiple=True,
    metavar="GLOB",
    help=(
        "Also exclude paths matching this pattern, on top of the defaults and the configured "
        "extra-exclude (repeatable)."
    ),
)
@click.option("--chunk-size", type=int, default=None, help="Max characters per diff chunk.")
@click.option("--max-chunks", type=int, default=None, help="Max number of chunks.")
@click.option(
    "--major-on-zero/--no-major-on-zero",
    default=None,
    help=(
        "On 0.x, let a breaking change bump the major (default: minor) and treat 0.x like "
        "1.x (no 0.x rules for features)."
    ),
)
@click.option(
    "--history/--no-history",
    default=None,
    help="Learn from the project's earlier releases how its commits map to bumps (default: on).",
)
@click.option(
    "--history-pairs",
    type=int,
    default=None,
    metavar="N",
    help="Earlier release pairs to learn from (default: 30).",
)
@click.option("--realtime-url", default=None, help="Realtime WebSocket endpoint.")
@click.option("--model", default=None, help="Realtime model name.")
@click.option("--connect-timeout", type=float, default=None, help="Seconds to connect.")
@click.option("--session-timeout", type=float, default=None, help="Seconds to set up the session.")
@click.option("--response-timeout", type=float, default=None, help="Seconds for one response.")
@click.option(
    "--idle-timeout",
    type=float,
    default=None,
    help="Seconds of silence from the server allowed in the middle of a response.",
)
@click.option("--max-retries", type=int, default=None, help="Retries per request after failures.")
@click.option(
    "--max-server-wait",
    type=float,
    default=None,
    help="Seconds one request may wait when the server asks it to (rate limits); "
    "a longer wait fails the request at once.",
)
@click.option("--concurrency", type=int, default=None, help="Model sessions used in parallel.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=Path, resolve_path=True),
    default=None,
    help="Directory of the chunk-result cache (default: .release-tools-cache in the repository).",
)
@click.option(
    "--no-cache",
    "no_cache",
    is_flag=True,
    default=False,
    help="Do not read or write the chunk-result cache.",
)
@click.option(
    "--no-fallback",
    "no_fallback",
    is_flag=True,
    default=False,
    help="Fail instead of falling back to the local decision when the model fails.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["major", "minor", "patch"]),
    default=None,
    help=f"Exit {EXIT_FAIL_ON} (after the report) when the bump is at least this: a CI gate.",
)
@common_options
@guard
def analyze_command(**options: Any) -> None:
    """Decide major / minor / patch for the changes since the last release."""
    from release_tools.analysis.report import emit_report, github_output_path
    from release_tools.analysis.service import run_analysis

    flags = dict(options)
    fail_on = flags.pop("fail_on")
    flags["format"] = flags.pop("format_")
    if flags.pop("no_cache"):
        flags["cache"] = False
    if flags.pop("no_fallback"):
        flags["fallback"] = False
    for name in ("include", "extra_exclude"):
        # click gives () for a repeatable flag never used: that must not override the config.
        # load_settings adds --exclude's patterns to the configured ones; --include replaces.
        flags[name] = tuple(flags[name]) or None
    output = flags.get("output")
    if isinstance(output, str) and output.endswith(("/", os.sep)):
        raise UsageError(f"--output {output!r} names a directory; give a file name")
    settings = load_output_settings(flags)
    # A GITHUB_OUTPUT the command may not write is refused before any work, while an error
    # object can still be the JSON output.
    github_output_path(os.environ, settings)
    decision = run_analysis(settings)
    if settings.output is None:
        # Once the report is on stdout (after the CI outputs, whose failure is raised only
        # after it), no error object may follow it.
        mark_reported()
    emit_report(decision, settings)
    if fail_on is not None and decision.bump >= Bump.parse(fail_on):
        # The report is out: stderr says why the exit code is not 0, in the log format.
        report_failure_line(
            f"the changes need a {decision.version_type} release (--fail-on {fail_on})",
            "fail-on",
            EXIT_FAIL_ON,
            settings_options(settings),
        )
        sys.exit(EXIT_FAIL_ON)
