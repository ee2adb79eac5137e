"""Tag schemes: how a project spells its release tags, inferred from the tags it already has.

A scheme is a template with ``{version}`` and optionally ``{name}``: ``{version}`` (bare
``1.2.3``), ``v{version}``, ``{name}@{version}``, ``{name}-v{version}`` or ``{name}-{version}``,
or any template the configuration gives. The same scheme both writes the next tag and finds the
latest one, so ``analyze``, ``plan-check`` and ``release`` agree on where a project's history
starts (:func:`latest_scheme_tag`).

Which scheme, in order: the configured ``tag_format``; the release group's or workspace's
``releaseTagPattern`` from ``nx.json``; for a Go module, Go's own (``v1.2.3`` at the repository
root, ``tools/v1.2.3`` in ``tools/``, see :mod:`~release_tools.versioning.gomod`), since the
``go`` command finds a release under no other name; the style of the project's own highest tag;
the style most of its workspace siblings' tags use (a new crate in a workspace tagging
``ignore-0.4.33`` gets ``grep-index-0.1.0``); Nx's own default for the project's release group
when ``nx.json`` configures releases (``v{version}`` for a fixed group, ``{name}@{version}`` for
independent projects); the default, ``{name}@{version}`` in a workspace and ``v{version}`` else.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from release_tools.errors import ConfigError, VersionError
from release_tools.versioning.gomod import major_directory, path_major, tag_template
from release_tools.versioning.semver import Version
from release_tools.versioning.tags import ReleaseTag, without_aliases

__all__ = [
    "STYLES",
    "TagScheme",
    "TagSource",
    "go_tag_scheme",
    "infer_tag_scheme",
    "latest_scheme_tag",
    "scheme_tags",
]

#: Where a scheme came from, reported so a user sees what was inferred and can override it.
TagSource = Literal[
    "config", "nx.json", "go.mod", "tags", "workspace tags", "nx.json default", "default"
]

#: The styles recognised in existing tags, by the name reports use.
STYLES: dict[str, str] = {
    "bare": "{version}",
    "v": "v{version}",
    "name@": "{name}@{version}",
    "name-v": "{name}-v{version}",
    "name-": "{name}-{version}",
}
_NAMED = ("name@", "name-v", "name-")
_UNNAMED = ("v", "bare")

# The version part of a tag: a semver or PEP 440 final/prerelease, no leading "v" (the "v" is
# part of the scheme, so that "v1.2.3" is never read as a bare tag). The patch number may be
# left out (``v2.1`` releases 2.1.0), and a calendar version's numbers after its four-digit
# year may be zero-padded (``2024.02.02``), except where the tags are Go's
# (:data:`_FULL_VERSION`).
_VERSION = re.compile(
    r"(?:(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)(?:\.(?:0|[1-9]\d*))?|[1-9]\d{3}\.\d\d(?:\.\d\d)?)"
    r"(?:-[0-9A-Za-z.-]+|(?:a|b|rc)\d+)?(?:\+[0-9A-Za-z.-]+)?"
)
# The go command lists a module's versions from the tags that are full semantic versions only.
_FULL_VERSION = re.compile(
    r"(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)\.(?:0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z.-]+|(?:a|b|rc)\d+)?(?:\+[0-9A-Za-z.-]+)?"
)


@dataclass(frozen=True, slots=True)
class TagScheme:
    """A tag template (``{name}``, ``{version}``) and where it was found."""

    template: str
    source: TagSource = "default"
    #: The highest major version whose tags are this project's releases (None: any). A Go
    #: module's path names its major: tags of a higher one belong to the module of that path
    #: (``v2.0.0`` of ``example.com/m/v2`` kept in ``v2/`` is not ``example.com/m``'s).
    max_major: int | None = None
    #: The lowest major whose tags are this project's releases (None: any). A Go module kept
    #: in its major's directory (``v2/`` holding ``example.com/m/v2``) shares its tag prefix
    #: with the module of the parent directory, whose lower majors (``v1.4.0``) are not its own.
    min_major: int | None = None

    def owns(self, version: Version) -> bool:
        """Whether a tag of ``version`` under this scheme is one of the project's releases."""
        if self.max_major is not None and version.major > self.max_major:
            return False
        return self.min_major is None or version.major >= self.min_major

    @property
    def style(self) -> str:
        """The style's short name (``bare``, ``v``, ``name@``...) or ``custom``."""
        for name, template in STYLES.items():
            if template == self.template:
                return name
        return "custom"

    @property
    def named(self) -> bool:
        """Whether the tags carry the project's name."""
        return "{name}" in self.template

    def format(self, name: str, version: str) -> str:
        """The tag of ``version`` of project ``name``."""
        if "{version}" not in self.template:
            raise ConfigError(f"tag_format must contain '{{version}}': {self.template!r}")
        try:
            return self.template.format(name=name, version=version)
        except (KeyError, IndexError, ValueError) as exc:
            raise ConfigError(
                f"tag_format: unknown placeholder in {self.template!r}: {exc}"
            ) from exc

    def version_in(self, tag: str, name: str) -> Version | None:
        """The version ``tag`` names for project ``name`` under this scheme, else None."""
        head, sep, tail = self.template.partition("{version}")
        if not sep:
            return None
        try:
            prefix = head.format(name=name)
            suffix = tail.format(name=name)
        except (KeyError, IndexError, ValueError):
            return None
        if not (tag.startswith(prefix) and tag.endswith(suffix)):
            return None
        middle = tag[len(prefix) : len(tag) - len(suffix)] if suffix else tag[len(prefix) :]
        shape = _FULL_VERSION if self.source == "go.mod" else _VERSION
        if not shape.fullmatch(middle):
            return None
        try:
            return Version.parse(middle)
        except VersionError:
            return None

    def to_dict(self) -> dict[str, str]:
        """What reports show: the template, its style and where it came from."""
        return {"template": self.template, "style": self.style, "source": self.source}


@functools.lru_cache(maxsize=4)
def _sorted_tags(tags: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[int, ...]]:
    """``tags`` sorted, and the position in ``tags`` of each sorted one."""
    order = sorted(range(len(tags)), key=tags.__getitem__)
    return tuple(tags[i] for i in order), tuple(order)


def _candidates(tags: Iterable[str], template: str, name: str) -> list[str]:
    """The tags among ``tags`` (order kept) that start as ``template`` starts for ``name``,
    followed by a digit, as every version does: the only ones that can be its releases.

    A workspace reads each project's tags under every style: a linear scan per project and
    style would cost projects x tags x styles steps (4.5 million for 300 packages and 3,000
    tags). Two bisections of the sorted tags find each project's few instead.
    """
    listed = tags if isinstance(tags, tuple) else tuple(tags)
    head = template.partition("{version}")[0]
    try:
        prefix = head.format(name=name)
    except (KeyError, IndexError, ValueError):
        return list(listed)  # version_in refuses them all, as it did before
    names, order = _sorted_tags(listed)
    start = bisect.bisect_left(names, prefix + "0")
    end = bisect.bisect_left(names, prefix + ":")  # ":" sorts right after "9"
    return [listed[i] for i in sorted(order[start:end])]


def scheme_tags(tags: Iterable[str], scheme: TagScheme, name: str) -> list[ReleaseTag]:
    """The tags among ``tags`` that are releases of ``name`` under ``scheme`` (order kept)."""
    listed = tags if isinstance(tags, tuple) else tuple(tags)
    source: TagSource = "go.mod" if scheme.source == "go.mod" else "default"
    return list(_scheme_tags(listed, scheme.template, name, source))


# The range, the conventions, the plan's range and the history each ask for a project's tags
# under its scheme: among 20,000 tags each answer parses every version again.
@functools.lru_cache(maxsize=2048)
def _scheme_tags(
    tags: tuple[str, ...], template: str, name: str, source: TagSource
) -> tuple[ReleaseTag, ...]:
    scheme = TagScheme(template, source)
    found: list[ReleaseTag] = []
    for tag in _candidates(tags, template, name):
        version = scheme.version_in(tag, name)
        if version is not None:
            found.append(ReleaseTag(tag, version, name if scheme.named else None))
    return tuple(without_aliases(found))


def latest_scheme_tag(tags: Iterable[str], scheme: TagScheme, name: str) -> ReleaseTag | None:
    """The highest release of ``name`` under ``scheme`` (the newest of equal versions).

    ``tags`` are listed newest first (as :meth:`~release_tools.git.Git.tags_merged` gives them):
    the highest version wins, so a later backport tag of an older line never becomes the base.
    """
    candidates = [tag for tag in scheme_tags(tags, scheme, name) if scheme.owns(tag.version)]
    return max(candidates, key=lambda t: t.version) if candidates else None


def go_tag_scheme(directory: str, module: str) -> TagScheme:
    """Go's tag scheme for the module ``module`` in ``directory`` (repository-relative).

    Its releases are the tags up to the major its path names (1 without a suffix): before the
    first release under a new ``/vN`` path in the same directory, the latest v(N-1) tag is the
    one it moves on from. A module in its major's own directory (``v2/``) is a new module
    beside the parent directory's: only the tags of its major are its releases.
    """
    return TagScheme(
        tag_template(directory, module),
        "go.mod",
        path_major(module) or 1,
        major_directory(directory, module),
    )


def _style_of_highest(tags: Sequence[str], name: str, styles: Sequence[str]) -> str | None:
    best: tuple[Version, str] | None = None
    for style in styles:
        latest = latest_scheme_tag(tags, TagScheme(STYLES[style]), name)
        if latest is not None and (best is None or latest.version > best[0]):
            best = (latest.version, style)
    return best[1] if best else None


def _sibling_style(tags: Sequence[str], names: Sequence[str], own: str) -> str | None:
    counts: Counter[str] = Counter()
    for sibling in names:
        if sibling == own:
            continue
        for style in _NAMED:
            counts[style] += len(scheme_tags(tags, TagScheme(STYLES[style]), sibling))
    if not counts or counts.most_common(1)[0][1] == 0:
        return None
    # most_common keeps insertion order among ties, so "name@" wins a tie as the default.
    return counts.most_common(1)[0][0]


def infer_tag_scheme(
    name: str,
    tags: Sequence[str],
    *,
    workspace: bool,
    at_root: bool,
    siblings: Sequence[str] = (),
    configured: str | None = None,
    nx_pattern: str | None = None,
    nx_default: str | None = None,
    go_scheme: TagScheme | None = None,
) -> TagScheme:
    """The tag scheme of project ``name`` (see the module docstring for the order).

    ``tags`` are the repository's tag names, ``siblings`` the workspace's project names and
    ``at_root`` whether the project lives at the repository root (whose releases may be the
    unnamed ``v1.2.3`` tags even in a workspace). ``go_scheme`` is :func:`go_tag_scheme` for a
    Go module.
    """
    if configured:
        return TagScheme(configured, "config")
    if nx_pattern:
        return TagScheme(nx_pattern, "nx.json")
    if go_scheme is not None:
        return go_scheme
    if workspace:
        # A member's own named tags first: the unnamed ones may release the whole workspace.
        own = _style_of_highest(tags, name, _NAMED)
        if own is None and at_root:
            own = _style_of_highest(tags, name, _UNNAMED)
    else:
        # A single project that changed its tag style (``pkg-1.0.0``, then ``v1.1.0``) goes
        # on in the style of its highest version, named or not.
        own = _style_of_highest(tags, name, (*_NAMED, *_UNNAMED))
    if own is not None:
        return TagScheme(STYLES[own], "tags")
    if workspace:
        sibling = _sibling_style(tags, siblings, name)
        if sibling is not None:
            return TagScheme(STYLES[sibling], "workspace tags")
    if nx_default:
        return TagScheme(nx_default, "nx.json default")
    if workspace:
        return TagScheme(STYLES["name@"], "default")
    return TagScheme(STYLES["v"], "default")
