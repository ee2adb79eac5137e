"""Click's own errors (a bad option, a missing argument, a bad choice) in the log format.

Click reports what it cannot parse itself, as plain ``Usage:``/``Error:`` lines on stderr, before
any command runs. Under ``--log-format json`` stderr must hold nothing but JSON lines, so the
group (:class:`ReportingGroup`) catches those errors, for itself and for its subcommands, and
hands click one that prints a single JSON record (``level`` ``error``, ``type`` ``usage``,
``exit_code``) instead; the exit code stays click's (2 for a usage error). In the text format
click's own report is kept as it is.

What can be known of the log format when the command line did not parse:

* ``--log-format json`` or ``--log-format=json`` anywhere on the command line, before or after
  the word that failed (the raw arguments are read, not click's partial result);
* ``RELEASE_TOOLS_LOG_FORMAT``;
* ``log-format`` in the config file of the current directory, or of the last ``-C``/``--repo``
  on the command line. Once the group has entered its ``-C`` directory (a command's own parse
  errors), only the command's words are read: the group's relative ``-C`` applied a second
  time would name another directory.

A ``--log-format json`` that click took as the value of another option
(``--base --log-format json``, from ``--base $REF`` with ``REF`` empty) is read as asking for
JSON: the parse failed because the words are not what was meant, and they are the only word
on the format there is. The consumer of stderr is the one the words were written for. The
message names the option that took another's name (click's own says only that ``json`` is an
extra argument).

A bad or missing value of ``--log-format`` itself (``--log-format jsn``) names no format:
the other layers (variable, config file) decide, text if none does, and the error is one line
(``error: Invalid value for '--log-format': ...``, or a JSON record), not click's usage block,
exit 2. ``release-tools`` without a command (exit 2) prints its help in the text format, and a
one-line record saying no command was given in the JSON one.

Ctrl-C before a command runs (while parsing, in the group's ``-C``) is reported as the
commands' error guard reports it: ``interrupted``, exit 130, in the log format; click's
``Aborted!`` (a :class:`click.Abort`, or end of input) becomes ``aborted``, exit 1 as click
exits, in the log format too. Neither shows a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import click
from click.core import ParameterSource
from click.exceptions import NoArgsIsHelpError

from release_tools.cli.failures import INTERRUPTED
from release_tools.config_file import readable_choice

__all__ = ["ReportingGroup", "command_line_options"]

# Where the group keeps the raw arguments it was given, and those left to its command, for
# errors found later (ctx.meta is shared by a context and its children).
_ARGV = "release_tools.argv"
_COMMAND_ARGV = "release_tools.command_argv"

_LOG_FORMAT = "log_format"


def _option_values(args: Sequence[str], *names: str) -> list[str]:
    """The values given to the options ``names`` on the command line, in order, up to ``--``."""
    found: list[str] = []
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        if arg == "--":
            break
        name, eq, value = arg.partition("=")
        if name in names and name.startswith("--") and eq:
            found.append(value)
        elif arg in names and rest:
            found.append(rest.pop(0))
        else:
            # A short option holds its value in the same word as well (-CDIR).
            short = next((n for n in names if len(n) == 2 and n[1] != "-"), None)
            if short is not None and arg.startswith(short) and len(arg) > 2:
                found.append(arg[2:])
    return found


def command_line_options(args: Sequence[str]) -> dict[str, Any]:
    """What the raw command line says of the settings that decide how an error is reported:
    ``log_format``, ``log_level`` and ``repo`` (the last of each), as the flags of a command
    would hold them; for :func:`~release_tools.config_file.readable_choice`."""
    options: dict[str, Any] = {}
    for key, names in (
        ("log_format", ("--log-format",)),
        ("log_level", ("--log-level",)),
        ("repo", ("-C", "--repo")),
    ):
        values = _option_values(args, *names)
        if values:
            options[key] = values[-1]
    return options


class _Reported(click.ClickException):
    """A click error that prints itself as one line in the log format ``options`` resolve to
    (one JSON record under JSON; see the module docstring)."""

    type = "error"

    def __init__(self, original: click.ClickException, options: dict[str, Any]) -> None:
        if isinstance(original, NoArgsIsHelpError):
            # Click's message for it is the whole help text.
            message = "no command given (`release-tools --help` lists them)"
        else:
            message = original.format_message()
        super().__init__(message)
        self.options = options

    def show(self, file: IO[Any] | None = None) -> None:
        from release_tools.cli.common import report_failure_line

        report_failure_line(self.message, self.type, self.exit_code, self.options)


class _ReportedUsage(_Reported):
    """A usage error (exit 2) that prints itself as one JSON record."""

    exit_code = click.UsageError.exit_code
    type = "usage"


class _Stopped(click.ClickException):
    """Ctrl-C before the command's error guard runs, shown as the guard shows it: one line,
    ``interrupted``, in the log format ``options`` resolve to; exit 130 (128 + SIGINT)."""

    exit_code = 130
    word = "interrupted"

    def __init__(self, options: dict[str, Any]) -> None:
        super().__init__(self.word)
        self.options = options

    def show(self, file: IO[Any] | None = None) -> None:
        from release_tools.cli.common import report_failure_line

        report_failure_line(self.message, INTERRUPTED, self.exit_code, self.options)


class _Aborted(_Stopped):
    """Click's abort, or an end of input, reported as ``aborted`` with click's exit code."""

    exit_code = 1
    word = "aborted"


def _stopped(exc: BaseException, args: Sequence[str]) -> _Stopped:
    """What click would report as ``Aborted!``, in the log format."""
    options = command_line_options(args)
    return _Stopped(options) if isinstance(exc, KeyboardInterrupt) else _Aborted(options)


def _is_log_format_error(exc: click.ClickException) -> bool:
    """Whether ``exc`` is about the value of ``--log-format`` itself: a value that is not a
    format, or none at all."""
    if isinstance(exc, click.BadParameter):
        return exc.param is not None and exc.param.name == _LOG_FORMAT
    return isinstance(exc, click.BadOptionUsage) and exc.option_name == "--log-format"


def _naming_taken_option(exc: click.ClickException) -> click.ClickException:
    """``exc``, or a usage error that adds to its message the option that took another
    option's name for its value if one did (``--base --log-format json``: ``--base`` was given
    no value, and click reports ``json`` as an extra argument without saying why)."""
    ctx = exc.ctx if isinstance(exc, click.UsageError) else None
    if ctx is None:
        return exc
    names = {name for param in ctx.command.params for name in param.opts + param.secondary_opts}
    for param in ctx.command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        if ctx.get_parameter_source(param.name) is not ParameterSource.COMMANDLINE:
            continue
        value = ctx.params.get(param.name)
        for given in value if isinstance(value, tuple) else (value,):
            if isinstance(given, str) and given.startswith("-") and given in names:
                option = max(param.opts, key=len)
                hint = f"{option} took {given!r} as its value: was its value empty?"
                return click.UsageError(f"{exc.format_message()} ({hint})", ctx=ctx)
    return exc


def _in_log_format(exc: click.ClickException, args: Sequence[str]) -> click.ClickException:
    """``exc`` as it must be shown: unchanged unless the log format resolves to JSON, or the
    error is the log format's own (then one line, in the format the other layers give).
    Either way it names an option that took another's name for its value."""
    if isinstance(exc, (_Reported, _Stopped)):
        return exc
    options = command_line_options(args)
    if _is_log_format_error(exc):
        # The value on the command line is the one that failed: it names no format.
        options.pop(_LOG_FORMAT, None)
        return _ReportedUsage(exc, options)
    exc = _naming_taken_option(exc)
    if readable_choice(_LOG_FORMAT, options) != "json":
        return exc
    reported = _ReportedUsage if isinstance(exc, click.UsageError) else _Reported
    if exc.exit_code != reported.exit_code:  # a code of its own: keep click's report and code
        return exc
    return reported(exc, options)


class ReportingGroup(click.Group):
    """A group whose parse errors, and its subcommands', follow the log format."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # Click's parser pops the words it reads from the list it is given: a copy keeps the
        # ones read before the word that failed (``--log-format json``, ``-C DIR``).
        given = list(args)
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.ClickException as exc:
            raise _in_log_format(exc, given) from exc
        except (KeyboardInterrupt, EOFError, click.Abort) as exc:
            raise _stopped(exc, given) from exc

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault(_ARGV, list(args))
        rest = super().parse_args(ctx, args)
        ctx.meta.setdefault(_COMMAND_ARGV, list(rest))
        return rest

    def invoke(self, ctx: click.Context) -> Any:
        # The subcommand is resolved and parsed in here: an unknown command, a bad option of
        # the command, a missing argument.
        # A command's own Ctrl-C is its error guard's to report; one that comes before the
        # guard runs (the command's parse, the group's -C) reaches here.
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            raise _in_log_format(exc, _words_read(ctx)) from exc
        except (KeyboardInterrupt, EOFError, click.Abort) as exc:
            raise _stopped(exc, _words_read(ctx)) from exc


def _words_read(ctx: click.Context) -> list[str]:
    """The raw words that decide how an error of the group's ``ctx`` is reported.

    Click names the subcommand once it has found it, just before the group's callback enters
    the -C directory: the command's own -C is then relative to it, and the group's must not be
    applied again.
    """
    entered = ctx.invoked_subcommand is not None
    return list(ctx.meta.get(_COMMAND_ARGV if entered else _ARGV, ()))


def argv_of(ctx: click.Context) -> list[str]:
    """The raw arguments the group was given (empty if unknown)."""
    return list(ctx.meta.get(_ARGV, ()))
