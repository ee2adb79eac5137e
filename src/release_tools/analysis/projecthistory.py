"""The analysed project's earlier releases, read with the analysis's settings.

Which tags are the project's releases (its tag pattern, or Go's own scheme for a Go module),
which commit types classify each past range, where the per-pair facts are cached and which
manifests say what runtime floors each release raised: the settings and conventions of one run
decide, :mod:`release_tools.analysis.history` reads. A shallow clone or an unreadable history
gives None with a warning, never an error.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import replace
from pathlib import Path

from release_tools.analysis.cachedir import default_cache_dir
from release_tools.analysis.evidence import commits, runtime
from release_tools.analysis.history import ReleaseHistory, read_history
from release_tools.analysis.range import ResolvedRange
from release_tools.config import Settings
from release_tools.errors import ReleaseToolsError
from release_tools.git import Git
from release_tools.versioning.commit_types import CommitTypes, configured_types
from release_tools.versioning.conventions import ProjectConventions
from release_tools.versioning.tags import find_release_tags, merged_tag_names
from release_tools.versioning.tagscheme import scheme_tags

__all__ = ["ctx_types", "project_history"]

log = logging.getLogger(__name__)


def ctx_types(settings: Settings) -> CommitTypes:
    """The commit-type table the analysis reads: the built-in one with the configured types."""
    return configured_types(
        {name: (spec.bump, spec.section) for name, spec in settings.commit_types.items()}
    )


def project_history(
    git: Git,
    settings: Settings,
    rng: ResolvedRange,
    root_name: str | None,
    paths: tuple[str, ...],
    root: Path,
    warnings: list[str],
    own: ProjectConventions | None = None,
    directories: tuple[str, ...] = (),
) -> ReleaseHistory | None:
    """The earlier releases reachable from the base, or None (with a warning) when unreadable.

    ``directories`` are the project's (none: the repository root): their manifests say which
    runtime floors each earlier release raised.

    A Go module's releases are the tags of Go's scheme for it (``tools/v1.2.0``), the ones its
    current version comes from, and for a module in its major's directory (``v2/``) only
    those of that major: the generic pattern would take another module's as its own.
    """
    try:
        if git.is_shallow():
            warnings.append(
                "shallow clone: earlier releases are not read, so the decision is not calibrated "
                "on this project's history (fetch the full history, e.g. fetch-depth: 0)"
            )
            return None
        tags = find_release_tags(git, rng.base_sha, settings.tag_pattern)
        project, root_project = settings.project, root_name
        if own is not None and own.tag_scheme.source == "go.mod":
            scheme, name = own.tag_scheme, own.project.name
            names = merged_tag_names(git, rng.base_sha)
            tags = [
                replace(tag, project=None)
                for tag in scheme_tags(names, scheme, name)
                if scheme.owns(tag.version)
            ]
            project = root_project = None
        cache_dir = default_cache_dir(root, settings.cache_dir) if settings.cache else None
        types = ctx_types(settings)
        return read_history(
            git,
            tags,
            classify=functools.partial(commits.declared, types=types),
            classifier_key=repr(sorted(types.table.items())),
            project=project,
            root_name=root_project,
            paths=paths,
            limit=settings.history_pairs,
            cache_dir=cache_dir,
            floors=functools.partial(
                runtime.raised_runtimes, git, directories=directories or ("",)
            ),
        )
    except ReleaseToolsError as exc:
        log.warning("release history not read: %s", exc)
        return None
