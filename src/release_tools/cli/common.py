"""What every subcommand shares: the error guard, the common options, logging set-up.

:func:`guard` turns :class:`~release_tools.errors.ReleaseToolsError` into a one-line message and
an exit code; tracebacks are shown only when the log level resolves to debug (flag, variable,
config file). When the command's output
format is JSON, the failure is also one JSON object on stdout (:mod:`.failures`).

The message on stderr follows the log format, resolved the same way: ``error: ...`` on one
line (its text escaped by :func:`~release_tools.logs.one_line`, so that a server's message
cannot start a line of its own), or with ``--log-format json`` one JSON record like the logs'
(``level`` ``error``, ``type``, ``exit_code``, the traceback in ``exception``), so that stderr
holds nothing but JSON lines. The warnings and refusals the commands print themselves go through
:func:`warn` and :func:`report_failure_line`, which follow the same format; click's own usage
errors, through :mod:`.usage`.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
import signal
import sys
import traceback
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, NoReturn, ParamSpec, TypeVar

import click

from release_tools.cli.failures import (
    INTERNAL,
    INTERRUPTED,
    error_type,
    invocation,
    report_failure,
    use_output_format,
)
from release_tools.config import CREDENTIAL_VARIABLES, Settings, load_settings
from release_tools.config_file import readable_choice
from release_tools.config_realtime_url import BASE_URL_VARIABLE
from release_tools.errors import ReleaseToolsError
from release_tools.logs import (
    JsonFormatter,
    RedactionFilter,
    is_secret_value,
    one_line,
    redact,
    register_secret,
    setup_logging,
    traceback_lines,
)

__all__ = [
    "common_options",
    "configure_logging",
    "guard",
    "load_output_settings",
    "report_failure_line",
    "settings_options",
    "warn",
]

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)


def _debug_requested(options: Mapping[str, Any]) -> bool:
    """Whether the log level resolves to debug, from the command's parsed ``options``, the
    environment and the config file in the settings' order; read again here because the
    settings themselves may be what failed to load."""
    return readable_choice("log_level", options) == "debug"


def _json_logs(options: Mapping[str, Any]) -> bool:
    """Whether the log format resolves to JSON, read the way :func:`_debug_requested` reads the
    level: the failure may be that the settings did not load."""
    return readable_choice("log_format", options) == "json"


#: Write failures of the machine (full disk, quota, device error), reported in one line.
_RESOURCE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EROFS})

# 128 + SIGPIPE: what a shell reports for a tool killed by a closed pipe.
_EXIT_BROKEN_PIPE = 141
# 128 + SIGTERM.
_EXIT_TERMINATED = 143


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout without a descriptor (tests' captured streams)
        pass


def _json_record(
    message: str,
    fields: dict[str, object],
    exc: BaseException | None,
    level: int = logging.ERROR,
) -> str:
    """A failure (or a warning) as one JSON log record, shaped and redacted as the handler's
    records are; the traceback of ``exc`` (if given) in its ``exception`` field."""
    exc_info = (type(exc), exc, exc.__traceback__) if exc is not None else None
    record = logging.makeLogRecord(
        {
            "name": log.name,
            "levelno": level,
            "levelname": logging.getLevelName(level),
            "msg": message,
            "exc_info": exc_info,
            **fields,
        }
    )
    RedactionFilter().filter(record)
    return JsonFormatter().format(record)


def _report(
    message: str,
    type_: str,
    exit_code: int,
    options: Mapping[str, Any],
    exc: BaseException | None = None,
) -> str:
    """Print a failure on stderr in the resolved log format; return the message as printed
    (redacted, on one line). ``exc``'s traceback comes too when the level resolves to debug."""
    message = one_line(redact(message))
    if exc is not None and not _debug_requested(options):
        exc = None
    if _json_logs(options):
        fields: dict[str, object] = {"type": type_, "exit_code": exit_code}
        if type_ == INTERNAL and exc is None:
            fields["hint"] = "rerun with --log-level debug for the traceback"
        click.echo(_json_record(message, fields, exc), err=True)
        return message
    if exc is not None:
        text = "".join(traceback.format_exception(exc))
        click.echo(traceback_lines(redact(text)), err=True)
    click.echo(f"error: {message}", err=True)
    if type_ == INTERNAL:
        click.echo("       rerun with --log-level debug for the traceback", err=True)
    return message


def report_failure_line(
    message: str, type_: str, exit_code: int, options: Mapping[str, Any]
) -> None:
    """A failure the command reports on stderr only (its report, if any, is on stdout
    already), in the log format ``options`` resolve to: ``error: ...`` or one JSON record."""
    _report(message, type_, exit_code, options)


def warn(message: str, options: Mapping[str, Any]) -> None:
    """A warning on stderr in the log format ``options`` resolve to: ``warning: ...`` on one
    line (escaped and redacted), or one JSON record at level ``warning``."""
    if _json_logs(options):
        click.echo(_json_record(one_line(redact(message)), {}, None, logging.WARNING), err=True)
    else:
        click.echo(f"warning: {one_line(redact(message))}", err=True)


def settings_options(settings: Settings) -> dict[str, Any]:
    """The log settings as the flags of a command hold them, for :func:`warn` and
    :func:`report_failure_line` once the settings are loaded."""
    return {"log_format": settings.log_format, "log_level": settings.log_level}


def _fail(
    message: str,
    type_: str,
    exit_code: int,
    options: Mapping[str, Any],
    exc: BaseException | None = None,
) -> NoReturn:
    """Report a failure (stderr, and stdout when the output is JSON) and exit."""
    message = _report(message, type_, exit_code, options, exc)
    try:
        report_failure(message, type_, exit_code)
    except OSError:  # stdout itself is what failed (a full disk): stderr has said it all
        _silence_stdout()
    sys.exit(exit_code)


@contextlib.contextmanager
def _terminate_as_interrupt() -> Iterator[list[int]]:
    """Inside: SIGTERM (a CI job cancelled, ``docker stop``) stops the command the way Ctrl-C
    does, through its cleanup, so that it reports ``interrupted``, leaves no child process
    behind and exits 143, instead of dying in silence. The yielded list holds the signal once
    it came. A release installs its own handlers for the steps that must not be cut short.
    """
    came: list[int] = []

    def handler(signum: int, frame: object) -> None:
        came.append(signum)
        # The SIGINT path is the one every layer handles (asyncio cancels its main task on
        # it); when SIGINT is ignored (a background job of a script), raise it here.
        if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
            raise KeyboardInterrupt
        signal.raise_signal(signal.SIGINT)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread (a library caller's worker): leave it alone
        yield came
        return
    try:
        yield came
    finally:
        signal.signal(signal.SIGTERM, previous)


def guard(func: Callable[P, R]) -> Callable[P, R]:
    """Run a command body; map our errors to exit codes with a one-line, redacted message."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        # Known before any settings are read, so that an early error cannot show a credential.
        for variable in CREDENTIAL_VARIABLES:
            register_secret(os.environ.get(variable))
        if sys.stdout is None:
            # Started with descriptor 1 closed: the report could not be written, so do no work.
            _report("standard output is closed: nothing to write the report to", "io", 2, kwargs)
            sys.exit(2)
        with invocation(), _terminate_as_interrupt() as terminated:
            try:
                return func(*args, **kwargs)
            except ReleaseToolsError as exc:
                # Its first line: what follows is detail (or a server's text) for the debug
                # traceback; _report escapes what the line itself still holds.
                message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                _fail(message, error_type(exc), exc.exit_code, kwargs, exc)
            except KeyboardInterrupt:
                if terminated:
                    _fail("interrupted by SIGTERM", INTERRUPTED, _EXIT_TERMINATED, kwargs)
                _fail("interrupted", INTERRUPTED, 130, kwargs)
            except BrokenPipeError:
                # The reader went away (`... | head -1`). Commands print only after their work
                # is done, so there is nothing to undo; stop quietly like other Unix tools.
                _silence_stdout()
                sys.exit(_EXIT_BROKEN_PIPE)
            except (click.exceptions.Exit, click.ClickException, SystemExit):
                raise
            except Exception as exc:  # a bug: still one line unless debugging
                if isinstance(exc, OSError) and exc.errno in _RESOURCE_ERRNOS:
                    # The machine, not the tool: a full disk or a failing device.
                    where = f" {exc.filename}" if exc.filename else ""
                    _fail(f"cannot write{where}: {exc.strerror}", "io", 1, kwargs)
                text = str(exc).splitlines()[0] if str(exc) else ""
                _fail(f"internal error: {type(exc).__name__}: {text}", INTERNAL, 1, kwargs, exc)

    return wrapper


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--repo``, ``--log-level`` and ``--log-format``, shared by every subcommand."""
    func = click.option(
        "--log-format",
        # Any case, as --log-level and RELEASE_TOOLS_LOG_FORMAT take it.
        type=click.Choice(["text", "json"], case_sensitive=False),
        default=None,
        # Eager: known to the -C check below, which reports in it, wherever it is given.
        is_eager=True,
        help="Log lines as text or JSON lines (for CI log processors).",
    )(func)
    func = click.option(
        "--log-level",
        type=click.Choice(["debug", "info", "warning", "error"], case_sensitive=False),
        default=None,
        help="Logging verbosity; debug also prints tracebacks on errors.",
    )(func)
    func = click.option(
        "-C",
        "--repo",
        type=click.Path(file_okay=False, path_type=str),
        default=None,
        callback=_existing_directory,
        help="Run in this repository instead of the current directory.",
    )(func)
    return func


def _existing_directory(
    ctx: click.Context, param: click.Parameter, value: str | None
) -> str | None:
    """``-C DIR`` must exist: a usage error (exit 2) otherwise, worded as the ``-C`` before
    the command words it (a file is refused by the option's type already)."""
    if value is not None and not Path(value).exists():
        options = {"log_format": ctx.params.get("log_format")}
        _report(f"-C {value}: No such file or directory", "usage", 2, options)
        sys.exit(2)
    return value


def configure_logging(level: str, fmt: str) -> None:
    """Install the redacting handler; registers the credential variables' values as secrets.

    A variable whose value is too short or too common to be a credential (``null``, ``test``)
    is not redacted (see :func:`~release_tools.logs.is_secret_value`); the debug log says so,
    naming the variable but not the value.
    """
    setup_logging(level, fmt, secrets=[os.environ.get(name) for name in CREDENTIAL_VARIABLES])
    for name in CREDENTIAL_VARIABLES:
        value = os.environ.get(name, "").strip()
        if value and not is_secret_value(value):
            log.debug(
                "%s holds %d characters, too short or too common for a credential: "
                "its value is not redacted from the output",
                name,
                len(value),
            )


def load_output_settings(flags: dict[str, Any]) -> Settings:
    """Load the settings of a command whose output format is a setting, and set up logging.

    The resolved format decides how a failure is reported. When the settings cannot be loaded,
    the format is taken from the first layer that can still be read (flag, environment, config
    file), so that a broken setting next to ``format = "json"`` still fails as JSON.
    """
    try:
        settings = load_settings(flags)
    except ReleaseToolsError:
        use_output_format(_readable_format(flags))
        raise
    use_output_format(settings.format)
    configure_logging(settings.log_level, settings.log_format)
    if settings.provider != "realtime" and os.environ.get(BASE_URL_VARIABLE, "").strip():
        # Set for other tools as often as for this one: worth a word when debugging, no more.
        log.debug("%s is set but not used: only --provider realtime connects", BASE_URL_VARIABLE)
    return settings


def _readable_format(flags: dict[str, Any]) -> str | None:
    """The ``format`` setting as the layers give it, highest first, even when a layer holds
    another error (``format = "json"`` next to an unknown key still fails as JSON)."""
    return readable_choice("format", flags)
