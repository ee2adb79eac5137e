"""The ``release-tools`` command line: parse, call a command function, print, map errors.

No logic lives here. Each subcommand module parses its flags into a ``flags`` dict, calls
:func:`~release_tools.config.load_settings`, runs a plain function and prints its result;
:mod:`.common` holds the error guard and the options every subcommand shares.
"""

from __future__ import annotations

import click

from release_tools import __version__
from release_tools.cli import analyze, release
from release_tools.cli.common import guard

__all__ = ["cli", "guard", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="release-tools")
def cli() -> None:
    """Decide the next semantic version from git changes, and carry the release out."""


cli.add_command(analyze.analyze_command)
for _command in release.COMMANDS:
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="release-tools")
