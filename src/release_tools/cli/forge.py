"""``forge-release``: the GitHub or GitLab release of one tag that is already pushed.

A thin adapter over :func:`~release_tools.release.forge.command.run_forge_release`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from release_tools.cli.common import common_options, configure_logging, guard
from release_tools.cli.failures import use_output_format
from release_tools.cli.output import echo_json
from release_tools.config import load_settings
from release_tools.errors import UsageError

__all__ = ["forge_release_command"]


@click.command("forge-release")
@click.option("--tag", required=True, metavar="TAG", help="The pushed tag to release.")
@click.option(
    "--forge",
    type=click.Choice(["github", "gitlab", "auto"]),
    default=None,
    help="The forge (default: the forge-release setting, else auto: CI variables, then the "
    "remote's host).",
)
@click.option(
    "--release-asset",
    "release_assets",
    multiple=True,
    metavar="GLOB",
    help="Attach the files matching GLOB (relative to the repository root); repeatable.",
)
@click.option(
    "--prerelease/--no-prerelease",
    default=None,
    help="Mark the release as a prerelease (default: when the tag's version is one).",
)
@click.option(
    "--notes-file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The release notes (default: the version's section of the project's changelog).",
)
@click.option(
    "--format",
    "format_",
    default=None,
    metavar="text|json",
    help="Output format: text, or a JSON report (default: text).",
)
@common_options
@guard
def forge_release_command(**options: Any) -> None:
    """Create (or update) the GitHub or GitLab release of a pushed tag, with its assets.

    In a sparse checkout, a project the checkout leaves out is found in the HEAD commit, and
    its notes in its changelog there; an asset or notes file it leaves out is refused, naming
    the directory to add to the checkout.
    """
    from release_tools.release.forge.command import ForgeReleaseRequest, run_forge_release
    from release_tools.text import clean_text

    output_format = options.pop("format_") or "text"
    if output_format not in ("text", "json"):
        raise UsageError(f"invalid --format {output_format!r} (expected text or json)")
    use_output_format(output_format)
    request = ForgeReleaseRequest(
        tag=options.pop("tag"),
        forge=options.pop("forge"),
        prerelease=options.pop("prerelease"),
        notes_file=options.pop("notes_file"),
    )
    if not options["release_assets"]:
        options.pop("release_assets")
    settings = load_settings(options)
    configure_logging(settings.log_level, settings.log_format)
    result = run_forge_release(settings, request)
    if output_format == "json":
        echo_json(result.to_dict())
        return
    for made in result.releases:
        verb = "created" if made.created else "updated"
        click.echo(clean_text(f"{verb} {made.forge.title} release {made.tag}: {made.url}"))
