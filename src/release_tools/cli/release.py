"""Version commands: ``create-version-plan``, ``plan-check``, ``release`` (and ``projects``).

Thin adapters: parse flags, build settings, call the command function, print its result and
append CI outputs when ``GITHUB_OUTPUT`` is set. All logic lives in ``release_tools.release``;
how results are printed, in :mod:`.output`. :data:`COMMANDS` also lists the ``projects``
command of :mod:`.projects`.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from release_tools.cli.common import (
    common_options,
    configure_logging,
    guard,
    report_failure_line,
    settings_options,
    warn,
)
from release_tools.cli.output import echo, echo_json, output_format, output_format_option
from release_tools.cli.projects import projects_command
from release_tools.config import Settings, load_settings
from release_tools.errors import UsageError
from release_tools.text import one_line

if TYPE_CHECKING:
    from release_tools.release.autoplans import AnalyzedProject
    from release_tools.release.results import ReleaseOptions, ReleaseResult

__all__ = ["COMMANDS"]

_PLAN_FORMATS = ("nx", "changesets")


def _settings(options: dict[str, Any]) -> Settings:
    settings = load_settings(options)
    configure_logging(settings.log_level, settings.log_format)
    return settings


@click.command("create-version-plan")
@click.option(
    "--project",
    default=None,
    help="The project the plan is for (see the projects command; default: the repository's "
    "only project).",
)
@click.option(
    "--version-type",
    default="auto",
    show_default=True,
    metavar="TYPE",
    help="major, minor, patch, premajor, preminor, prepatch, prerelease, or auto (analyze).",
)
@click.option(
    "--message",
    "-m",
    default=None,
    help="The plan's body (default: a conventional line; for auto, the range's commit subjects "
    "under changelog sections).",
)
@click.option(
    "--plan-format",
    "plan_format",
    type=click.Choice(_PLAN_FORMATS),
    default=None,
    help=(
        "Plan file format (default: the plan_format setting, else changesets where "
        ".changeset/config.json exists, else nx)."
    ),
)
@click.option(
    "--format",
    "format_",
    default=None,
    metavar="text|json",
    help="Output format: text, or a JSON report (default: text). "
    "nx and changesets are still accepted here as the deprecated spelling of --plan-format.",
)
@click.option(
    "--only-touched",
    is_flag=True,
    default=False,
    help="Write nothing when the project has no changes in the range.",
)
@click.option(
    "--commit/--no-commit",
    "commit",
    default=None,
    help="Commit the plan file (default: when .changeset/config.json's commit is on for a "
    "changesets plan, else not).",
)
@click.option("--push", is_flag=True, default=False, help="Commit and push the plan file.")
@click.option("--base", default=None, help="Range base for --only-touched and auto.")
@click.option("--head", default=None, help="Range head (default: HEAD).")
@common_options
@guard
def create_version_plan_command(**options: Any) -> None:
    """Write a version plan (Nx or changesets) saying how a project's version must move."""
    from release_tools.release.outputs import append_github_output, plan_outputs
    from release_tools.release.planning import PlanRequest, create_version_plan
    from release_tools.release.reports import plan_report

    value = options.pop("format_")
    if value in _PLAN_FORMATS:
        # --format used to name the plan file format; it now names the output format everywhere.
        warn(f"--format {value} is deprecated, use --plan-format {value}", options)
        if options["plan_format"] not in (None, value):
            raise UsageError(f"--format {value} contradicts --plan-format {options['plan_format']}")
        options["plan_format"] = value
        value = None
    report_format = output_format(value)
    request = PlanRequest(
        project=options.pop("project"),
        version_type=options.pop("version_type"),
        message=options.pop("message"),
        only_touched=options.pop("only_touched"),
        commit=options.pop("commit"),
        push=options.pop("push"),
    )
    settings = _settings(options)
    result = create_version_plan(settings, request)
    if os.environ.get("GITHUB_OUTPUT"):
        append_github_output(os.environ["GITHUB_OUTPUT"], plan_outputs(result))
    if report_format == "json":
        echo_json(plan_report(result))
        return
    echo(result.message)
    if result.decision is not None and result.decision.needs_review:
        click.echo("note: analyze flagged this decision for human review")
    if result.commit:
        click.echo(f"committed {result.commit[:10]}" + (" and pushed" if result.pushed else ""))


@click.command("plan-check")
@click.option(
    "--base",
    default=None,
    help="Base ref (default: the PR target, else .changeset/config.json's baseBranch when HEAD "
    "is on another branch, else the latest release tag).",
)
@click.option("--head", default=None, help="Head ref (default: HEAD).")
@output_format_option
@common_options
@guard
def plan_check_command(**options: Any) -> None:
    """Fail when projects touched in the range have no pending version plan (for PR CI).

    Exit codes: 0 every touched project has a plan, 4 some lack one, 1 the check failed (git,
    a broken plan), 2 a usage error.
    """
    from release_tools.release.outputs import append_github_output, plan_check_outputs
    from release_tools.release.plancheck import PlansMissingError, check_plans
    from release_tools.release.reports import plan_check_report
    from release_tools.text import clean_text

    report_format = output_format(options.pop("format_"))
    settings = _settings(options)
    result = check_plans(settings)
    if os.environ.get("GITHUB_OUTPUT"):
        append_github_output(os.environ["GITHUB_OUTPUT"], plan_check_outputs(result))
    for warning in result.warnings:
        warn(warning, settings_options(settings))
    missing_error = PlansMissingError(
        f"touched without a version plan: {', '.join(result.missing)} "
        "(add one with `release-tools create-version-plan`)"
    )
    if report_format == "json":
        echo_json(plan_check_report(result))
        if not result.ok:
            raise missing_error
        return
    touched = ", ".join(result.touched) or "none"
    base = result.base[:12] if len(result.base) == 40 else result.base
    echo(f"range {base}..{result.head}: touched projects: {touched}")
    for path in result.uncommitted:
        click.echo(
            clean_text(
                f"note: counted {path}, which is not committed yet; commit it with the change"
            )
        )
    if not result.ok:
        raise missing_error
    click.echo("ok: every touched project has a version plan")


@click.command("release")
@click.option("--project", default=None, help="Release only this project.")
@click.option("--dry-run", is_flag=True, default=False, help="Print every action, change nothing.")
@click.option(
    "--auto",
    is_flag=True,
    default=False,
    help="Release the projects that changed and have no pending plan with the type analyze "
    "decides, or the version a Release-As footer asks for (a plan in memory; pending plans "
    "still win).",
)
@click.option("--skip-publish", is_flag=True, default=False, help="Do not run the publish command.")
@click.option(
    "--publish-command",
    default=None,
    help="Shell command run after tagging ({name}, {version}, {tag}, {path} are shell-quoted).",
)
@click.option(
    "--commit/--no-commit",
    "commit",
    default=None,
    help="Commit the release (default), or write files only: no commit, tag or publish. "
    "nx.json's release.git.commit: false means --no-commit unless --commit is given.",
)
@click.option(
    "--tag/--no-tag",
    "tag",
    default=None,
    help="Tag the release commit (default), or commit without a tag (and do not publish). "
    "nx.json's release.git.tag: false means --no-tag unless --tag is given.",
)
@click.option("--push", is_flag=True, default=False, help="Push the commit and tags to the remote.")
@click.option(
    "--no-verify",
    is_flag=True,
    default=None,
    help="Skip the repository's pre-commit and commit-msg hooks for the release commit.",
)
@click.option(
    "--allow-detached",
    is_flag=True,
    default=False,
    help="Release from a detached HEAD (the commit then belongs to no branch).",
)
@click.option(
    "--resume",
    is_flag=True,
    default=False,
    help="Finish an interrupted release (tag, push, publish what it still lacks; one stopped "
    "before its commit is made again, an --auto one from the plans it held).",
)
@click.option(
    "--abort",
    is_flag=True,
    default=False,
    help="Undo an interrupted release (its tags, its commit while HEAD, its files and plans).",
)
@click.option(
    "--preid",
    default="rc",
    show_default=True,
    help="Prerelease identifier for pre* plans (alpha, beta, rc for Python).",
)
@click.option(
    "--forge-release",
    "forge_release",
    type=click.Choice(["github", "gitlab", "auto", "off"]),
    default=None,
    help="After the push and the publish command, create a GitHub or GitLab release of each "
    "tag (auto: from CI variables, else the remote's host). Needs --push.",
)
@click.option(
    "--release-asset",
    "release_assets",
    multiple=True,
    metavar="GLOB",
    help="Attach the files matching GLOB (relative to the repository root) to the forge "
    "release; repeatable.",
)
@click.option(
    "--prerelease/--no-prerelease",
    default=None,
    help="Mark the forge release as a prerelease (default: when the version is one).",
)
@output_format_option
@common_options
@guard
def release_command(**options: Any) -> None:
    """Apply pending version plans: versions, changelog, commit, tag, push, publish, and a
    GitHub or GitLab release (--forge-release)."""
    from release_tools.release.outputs import append_github_output, release_outputs
    from release_tools.release.reports import release_report
    from release_tools.release.service import ReleaseOptions, run_release

    report_format = output_format(options.pop("format_"))
    release_options = ReleaseOptions(
        dry_run=options.pop("dry_run"),
        skip_publish=options.pop("skip_publish"),
        commit=options["commit"] is not False,
        tag=options["tag"] is not False,
        explicit=frozenset(k for k in ("commit", "tag") if options.pop(k) is not None),
        push=options.pop("push"),
        preid=options.pop("preid"),
        allow_detached=options.pop("allow_detached"),
        resume=options.pop("resume"),
        abort=options.pop("abort"),
        prerelease=options.pop("prerelease"),
        auto=options.pop("auto"),
    )
    asset_flags = bool(options["release_assets"])
    if not asset_flags:
        options.pop("release_assets")  # none given: the config file or environment decides
    if not options.get("no_verify"):
        options.pop("no_verify", None)  # absent: the config file or environment decides
    settings = _settings(options)
    _check_forge_flags(settings, release_options, asset_flags)
    output_file = os.environ.get("GITHUB_OUTPUT")
    early: list[bool] = []

    def pushed(result: ReleaseResult) -> None:
        # Before the forge step: a failed forge release still leaves the pushed tag to a later
        # CI step (`forge-release --tag`). Only the release URL waits for the forge.
        if output_file:
            values = release_outputs(result)
            del values["release_url"]
            append_github_output(output_file, values)
            early.append(True)

    result = run_release(settings, release_options, on_pushed=pushed)
    # CI outputs first: they must be written even when stdout's reader has gone away.
    if output_file:
        values = release_outputs(result)
        if early:
            values = {"release_url": values["release_url"]}
        append_github_output(output_file, values)
    if report_format == "json":
        echo_json(release_report(result))
        _exit_if_refused(result, settings)
        return
    for analyzed in result.analyzed:
        echo(_analyzed_line(analyzed))
    if not result.releases and not result.actions:
        echo(result.message)
        return
    prefix = "would " if result.dry_run else ""
    for action in result.actions:
        echo(f"{prefix}{action}")
    for note in result.skipped:
        click.echo(note)
    for outcome in result.published:
        if outcome.output.strip():
            echo(outcome.output.rstrip())
    for made in result.forge_releases:
        verb = "created" if made.created else "updated"
        echo(f"{verb} {made.forge.title} release {made.tag}: {made.url}")
    if result.dry_run:
        verb = "dry run, nothing changed:"
    elif result.releases:
        verb = "released"
    else:
        verb = "done:"
    echo(f"{verb} {result.message}")
    _exit_if_refused(result, settings)


def _analyzed_line(analyzed: AnalyzedProject) -> str:
    """What analyze decided for a project of ``release --auto``, on one line."""
    decision = analyzed.decision
    kind = analyzed.plan.entries[0].type if analyzed.plan is not None else "nothing to release"
    review = " (needs review)" if decision.needs_review else ""
    return f"analyze: {analyzed.name} {kind}{review}: {one_line(decision.reasoning)}"


def _check_forge_flags(settings: Settings, options: ReleaseOptions, asset_flags: bool) -> None:
    """Refuse forge-release flags given to a release that makes no forge release: dropping
    them would publish without the assets or the flag asked for. A resume or an abort may
    act on the forge release its journal recorded, so they are left to decide."""
    from release_tools.release.forge.steps import forge_requested

    if forge_requested(settings) is not None or options.resume or options.abort:
        return
    given = (["--release-asset"] if asset_flags else []) + (
        []
        if options.prerelease is None
        else ["--prerelease" if options.prerelease else "--no-prerelease"]
    )
    if given:
        raise UsageError(
            f"{' and '.join(given)} apply to a forge release, and none is made: add "
            "--forge-release github|gitlab|auto (with --push), or leave them out"
        )


def _exit_if_refused(result: ReleaseResult, settings: Settings) -> None:
    """End a dry run whose real run would be refused as that run would end: the reason on
    stderr, in the log format, and its exit code (the preview is already printed)."""
    if not result.refused:
        return
    for reason in result.refused:
        report_failure_line(
            f"the release would be refused: {reason}",
            "release",
            result.refused_exit_code,
            settings_options(settings),
        )
    sys.exit(result.refused_exit_code)


COMMANDS: list[click.Command] = [
    projects_command,
    create_version_plan_command,
    plan_check_command,
    release_command,
]
