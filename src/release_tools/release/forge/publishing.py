"""Forge releases for released tags: planned and checked before the first write, made last.

:func:`plan_forge` runs in the release's preflight. It decides the forge and the repository,
finds the token, checks the asset globs, and refuses (a :class:`UsageError`) what would only
fail after the tag is pushed: a forge it cannot tell, a missing token or repository, a glob
that escapes the work tree or matches nothing, a missing ``httpx``. In a dry run the missing
token, repository or ``httpx``, and assets the work tree cannot give (a glob matching no file,
a match outside the work tree, two files of one name), are collected in the plan's ``problems``
instead: the preview still shows, then the dry run is refused as the real run would be.

:func:`make_releases` runs after the push and the publish command (which may build the
assets): one release per tag. A failure names the tags left and the command that finishes
them (``release-tools forge-release --tag v1.2.0 --forge github``).
"""

from __future__ import annotations

import importlib.util
import logging
import shlex
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from release_tools.errors import ReleaseError, UsageError, VersionError
from release_tools.logs import register_secret
from release_tools.realtime.credentials import register_url_secrets
from release_tools.release.forge.assets import (
    Asset,
    NoMatchError,
    check_patterns,
    github_stored_name,
    resolve_assets,
)
from release_tools.release.forge.errors import ForgeError
from release_tools.release.forge.models import PublishedRelease, ReleaseSpec
from release_tools.release.forge.remote import (
    Forge,
    ForgeTarget,
    choose_forge,
    parse_remote_url,
    resolve_target,
)
from release_tools.versioning.semver import Version

__all__ = [
    "INSTALL_HINT",
    "ForgePlan",
    "ForgeRelease",
    "ForgeStepError",
    "is_prerelease",
    "make_releases",
    "plan_forge",
]

log = logging.getLogger(__name__)

INSTALL_HINT = "forge releases need httpx: pip install 'semver-release-tools[forge]'"


def is_prerelease(version: str) -> bool:
    """Whether ``version`` is a semver or PEP 440 prerelease (``1.3.0-rc.1``, ``1.3.0rc1``)."""
    try:
        return Version.parse(version).is_prerelease
    except VersionError:
        return False


@dataclass(frozen=True, slots=True)
class ForgeRelease:
    """One tag to make a forge release of, with its notes."""

    tag: str
    version: str
    project: str
    notes: str
    prerelease: bool


@dataclass
class ForgePlan:
    """What :func:`make_releases` will do, checked by :func:`plan_forge`."""

    target: ForgeTarget
    releases: list[ForgeRelease]
    patterns: tuple[str, ...] = ()
    #: The assets as found at planning time (the publish command may add files later).
    assets: list[Asset] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    #: Why a real run would refuse the forge release (no token, unknown repository...): a
    #: dry run plans on and reports them as refusals.
    problems: list[str] = field(default_factory=list)
    #: The tracked paths a sparse checkout leaves out (an asset glob matching only those is
    #: refused saying so).
    left_out: frozenset[str] = frozenset()

    @property
    def forge(self) -> Forge:
        return self.target.forge

    def actions(self) -> list[str]:
        """One line per release: "create GitHub release v1.2.0 on o/r (prerelease: no, ...)"."""
        names = ", ".join(a.name for a in self.assets) or ", ".join(self.patterns) or "none"
        where = self.target.repository or "(unknown repository)"
        return [
            f"create {self.forge.title} release {r.tag} on {where} "
            f"(prerelease: {'yes' if r.prerelease else 'no'}, assets: {names})"
            for r in self.releases
        ]

    def planned(self) -> list[PublishedRelease]:
        """The releases :func:`make_releases` would make, for a dry run's report: one per tag,
        with the assets found now, nothing created and no URL yet."""
        assets = tuple((a.name, None) for a in self.assets)
        return [
            PublishedRelease(
                forge=self.forge,
                repository=self.target.repository,
                tag=r.tag,
                url=None,
                created=False,
                prerelease=r.prerelease,
                assets=assets,
                planned=True,
            )
            for r in self.releases
        ]

    def finishing_command(self, tag: str) -> str:
        """The command that creates (or completes) the release of ``tag`` alone."""
        words = ["release-tools", "forge-release", "--tag", tag, "--forge", self.forge.value]
        for pattern in self.patterns:
            words += ["--release-asset", pattern]
        release = next((r for r in self.releases if r.tag == tag), None)
        # The command decides from the version by itself; only a flag that overrode it is kept.
        if release is not None and release.prerelease != is_prerelease(release.version):
            words.append("--prerelease" if release.prerelease else "--no-prerelease")
        return shlex.join(words)


class ForgeStepError(ReleaseError):
    """The forge releases stopped at ``failed``; ``done`` were made, ``left`` were not."""

    def __init__(
        self, message: str, failed: str, done: list[PublishedRelease], left: list[str]
    ) -> None:
        super().__init__(message)
        self.failed = failed
        self.done = done
        self.left = left


def httpx_available() -> bool:
    """Whether the optional HTTP client is installed."""
    try:
        return importlib.util.find_spec("httpx") is not None
    except (ImportError, ValueError):  # a module entry without a spec: blocked or broken
        return False


def merge_by_tag(releases: Sequence[ForgeRelease]) -> list[ForgeRelease]:
    """One release per tag: the members of a fixed group sharing a tag get one release whose
    notes hold each member's section under its name (once when they are the same)."""
    by_tag: dict[str, list[ForgeRelease]] = {}
    for release in releases:
        by_tag.setdefault(release.tag, []).append(release)
    merged: list[ForgeRelease] = []
    for tag, members in by_tag.items():
        first = members[0]
        notes = list(dict.fromkeys(m.notes for m in members if m.notes.strip()))
        if len(notes) > 1:
            text = "\n".join(
                f"## {m.project}\n\n{m.notes.strip()}\n" for m in members if m.notes.strip()
            )
        else:
            text = notes[0] if notes else ""
        prerelease = any(m.prerelease for m in members)
        merged.append(ForgeRelease(tag, first.version, first.project, text, prerelease))
    return merged


def plan_forge(
    requested: str,
    patterns: Sequence[str],
    releases: Sequence[ForgeRelease],
    *,
    root: Path,
    git_dir: Path | None,
    remote_url: str | None,
    environ: Mapping[str, str],
    dry_run: bool,
    assets_later: bool,
    option: str = "--forge-release",
    left_out: frozenset[str] = frozenset(),
) -> ForgePlan:
    """Decide and check the forge releases (see the module docstring). Errors and problems
    name ``option``, the flag the command reads the forge from."""
    # A remote URL may carry a password or a token in its user info.
    register_url_secrets(remote_url or "")
    remote = parse_remote_url(remote_url or "")
    forge = choose_forge(requested, environ, remote, option=option)
    target = resolve_target(forge, environ, remote)
    # Registered now, before anything can log or fail with a message.
    register_secret(target.token)
    plan = ForgePlan(target, merge_by_tag(releases), tuple(patterns), left_out=left_out)
    problems = list(target.problems)
    if not httpx_available():
        problems.append(INSTALL_HINT)
    if problems and not dry_run:
        raise UsageError(f"{option} {forge.value}: {problems[0]}")
    plan.problems = [f"{option} {forge.value}: {p}" for p in problems]
    check_patterns(patterns)
    try:
        plan.assets = resolve_assets(root, patterns, git_dir, _stored_names(forge), left_out)
    except UsageError as exc:
        if assets_later and isinstance(exc, NoMatchError):
            # The publish command runs before the forge release and may build the files.
            plan.warnings.append(f"{exc} yet; the publish command must create it")
        elif dry_run:
            # What the work tree holds now, not a mistake in the flags: previewed, then refused.
            plan.problems.append(str(exc))
        else:
            raise
    return plan


def _stored_names(forge: Forge) -> Callable[[str], str] | None:
    """How ``forge`` renames an uploaded asset (None: it keeps the name)."""
    return github_stored_name if forge is Forge.GITHUB else None


def make_releases(
    plan: ForgePlan,
    *,
    root: Path,
    git_dir: Path | None,
    sleep: Callable[[float], None] | None = None,
    done: list[PublishedRelease] | None = None,
) -> list[PublishedRelease]:
    """Create (or update) the release of every tag in ``plan``; ForgeStepError on failure.

    ``done``, when given, receives each release as it is made, so that a caller interrupted
    half way knows which exist.
    """
    try:
        from release_tools.release.forge.http import ForgeHttp
    except ImportError as exc:
        raise UsageError(INSTALL_HINT) from exc
    from release_tools.release.forge.github import GitHubReleases
    from release_tools.release.forge.gitlab import GitLabReleases

    target = plan.target
    done = [] if done is None else done
    tags = [r.tag for r in plan.releases]
    current = tags[0] if tags else ""
    try:
        assets = tuple(
            resolve_assets(root, plan.patterns, git_dir, _stored_names(target.forge), plan.left_out)
        )
        with ForgeHttp(
            base_url=target.api_url,
            headers=target.headers(),
            forge=target.forge.title,
            target=target.repository or "",
            token_variable=target.token_variable,
            target_kind="repository" if target.forge is Forge.GITHUB else "project",
            sleep=sleep,
        ) as http:
            client = (
                GitHubReleases(http, target.repository or "")
                if target.forge is Forge.GITHUB
                else GitLabReleases(http, target.repository or "", target.api_url)
            )
            for release in plan.releases:
                current = release.tag
                spec = ReleaseSpec(
                    tag=release.tag,
                    name=release.tag,
                    notes=release.notes or f"{release.project} {release.version}",
                    prerelease=release.prerelease,
                    version=release.version,
                    project=release.project,
                    assets=assets,
                )
                published = client.publish(spec)
                log.info(
                    "%s release %s %s: %s",
                    target.forge.title,
                    release.tag,
                    "created" if published.created else "updated",
                    published.url,
                )
                done.append(published)
    except (ForgeError, UsageError) as exc:
        left = tags[len(done) :]
        finish = " and ".join(f"`{plan.finishing_command(tag)}`" for tag in left)
        raise ForgeStepError(
            f"the {target.forge.title} release of {current} failed: {exc}; finish with {finish}",
            current,
            done,
            left,
        ) from exc
    return done
