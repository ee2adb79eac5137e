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

What cannot: a ``--log-format`` that is itself the value of another option
(``--message --log-format``) is read as the option; a bad value of ``--log-format`` itself
leaves the text format. ``release-tools`` without a command (exit 2) prints its help in the text
format, and a one-line record saying no command was given in the JSON one.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import click
from click.exceptions import NoArgsIsHelpError

from release_tools.config_file import readable_choice

__all__ = ["ReportingGroup", "command_line_options"]

# Where the group keeps the raw arguments it was given, and those left to its command, for
# errors found later (ctx.meta is shared by a context and its children).
_ARGV = "release_tools.argv"
_COMMAND_ARGV = "release_tools.command_argv"


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
    """A click error that prints itself as one JSON record (see the module docstring)."""

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


def _in_log_format(exc: click.ClickException, args: Sequence[str]) -> click.ClickException:
    """``exc`` as it must be shown: unchanged unless the log format resolves to JSON."""
    if isinstance(exc, _Reported):
        return exc
    options = command_line_options(args)
    if readable_choice("log_format", options) != "json":
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

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta.setdefault(_ARGV, list(args))
        rest = super().parse_args(ctx, args)
        ctx.meta.setdefault(_COMMAND_ARGV, list(rest))
        return rest

    def invoke(self, ctx: click.Context) -> Any:
        # The subcommand is resolved and parsed in here: an unknown command, a bad option of
        # the command, a missing argument.
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            # Click names the subcommand once it has found it, just before the group's callback
            # enters the -C directory: the command's own -C is then relative to it, and the
            # group's must not be applied again.
            entered = ctx.invoked_subcommand is not None
            args = ctx.meta.get(_COMMAND_ARGV if entered else _ARGV, ())
            raise _in_log_format(exc, args) from exc


def argv_of(ctx: click.Context) -> list[str]:
    """The raw arguments the group was given (empty if unknown)."""
    return list(ctx.meta.get(_ARGV, ()))
