"""The ``release-tools`` command line: parse, call a command function, print, map errors.

No logic lives here. Each subcommand module parses its flags into a ``flags`` dict, calls
:func:`~release_tools.config.load_settings`, runs a plain function and prints its result;
:mod:`.common` holds the error guard and the options every subcommand shares; :mod:`.usage`
reports click's own parse errors, and a Ctrl-C before the command runs, in the log format.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
from types import FrameType
from typing import NoReturn

import click

from release_tools import __version__
from release_tools.cli import analyze, forge, release
from release_tools.cli.common import guard, report_failure_line
from release_tools.cli.usage import ReportingGroup, argv_of, command_line_options

__all__ = ["cli", "guard", "main"]

# 128 + SIGPIPE: what a shell reports for a tool killed by a closed pipe.
_EXIT_BROKEN_PIPE = 141


@click.group(
    cls=ReportingGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="release-tools")
@click.option(
    "-C",
    "directory",
    default=None,
    metavar="DIR",
    help="Run as if started in this directory (before the command, as git -C).",
)
@click.pass_context
def cli(ctx: click.Context, directory: str | None) -> None:
    """Decide the next semantic version from git changes, and carry the release out."""
    if directory is not None:
        # As git does: every later path, a command's own -C included, is relative to it.
        try:
            os.chdir(directory)
        except OSError as exc:
            # The command's options are not parsed yet: the log format is read from the
            # command line as given (and the environment).
            options = command_line_options(argv_of(ctx))
            options.pop("repo", None)
            report_failure_line(f"-C {directory}: {exc.strerror or exc}", "usage", 2, options)
            sys.exit(2)


cli.add_command(analyze.analyze_command)
for _command in release.COMMANDS:
    cli.add_command(_command)
cli.add_command(forge.forge_release_command)


def _hang_up(signum: int, frame: FrameType | None) -> None:
    # Handled as SIGTERM, by whatever handles that now (a release stops git and rolls back).
    signal.raise_signal(signal.SIGTERM)


def main() -> NoReturn:
    """Console-script entry point."""
    stdout = sys.stdout
    # git runs in a session of its own (release_tools.git.process.own_session), out of reach
    # of the terminal: a hang-up now reaches the tool alone, and its default action would end
    # the tool at once, leaving a git commit or push to run on. It is handled as SIGTERM
    # instead; left ignored where it is ignored (nohup).
    if sys.platform != "win32" and signal.getsignal(signal.SIGHUP) is signal.SIG_DFL:
        signal.signal(signal.SIGHUP, _hang_up)
    try:
        cli(prog_name="release-tools")
    except SystemExit as stop:
        code = stop.code
        # Click answers a closed pipe under --help or --version with exit 1, after swapping
        # stdout for a wrapper that keeps quiet: 128 + SIGPIPE, as the commands exit.
        if code == 1 and sys.stdout is not stdout:
            code = _EXIT_BROKEN_PIPE
        _leave(code)
    _leave(0)


def _leave(code: object) -> NoReturn:
    """End the process with ``code`` (as :class:`SystemExit` reads it) without tearing down.

    Once the command is done, the interpreter would free every module and object one by one
    before exiting: tens of milliseconds of a one-second analysis, for a process that ends
    anyway. The exit handlers still run (log handlers are closed, temporary directories
    removed) and the output is flushed; then the process leaves at once.
    """
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:
        print(code, file=sys.stderr)
        status = 1
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        if stream is None:  # started with the descriptor closed (``>&-``)
            continue
        try:
            stream.flush()
        except BrokenPipeError:
            # The reader went away (``--help | head -1``): 128 + SIGPIPE, as for the commands.
            status = status or _EXIT_BROKEN_PIPE
        except (OSError, ValueError):
            # Another write failure: what was written could not all be delivered.
            status = status or 1
    os._exit(status)
