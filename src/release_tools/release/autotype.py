"""What ``analyze`` decided, written as a version plan: its release type and a changelog body.

Shared by ``create-version-plan --version-type auto``, which writes the plan to a file, and
``release --auto``, which releases from it without writing one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from release_tools.analysis.models import Decision
from release_tools.config import Settings
from release_tools.errors import VersionError
from release_tools.git import Commit
from release_tools.versioning.commit_types import SECTIONS, CommitTypes
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.semver import ReleaseType, Version

__all__ = [
    "analyzed_type",
    "grouped_subjects",
    "release_commit_prefix",
    "release_template",
    "without_release_commits",
]


def release_template(settings: Settings, conventions: Conventions) -> str:
    """The release commit's template: the tool's own setting when given, else ``nx.json``'s
    ``release.git.commitMessage``, else the default."""
    configured = conventions.release_config.commit_message
    if configured is not None and "release_message" not in settings.model_fields_set:
        return configured
    return settings.release_message


def release_commit_prefix(settings: Settings, conventions: Conventions) -> str:
    """The fixed start of release commit messages (empty when the template opens with a
    field, and nothing can be recognised)."""
    return release_template(settings, conventions).split("{", 1)[0]


def without_release_commits(commits: Sequence[Commit], prefix: str) -> list[Commit]:
    """``commits`` without the release commits (subjects starting with ``prefix``): another
    project's release may rewrite a requirement in a project's files, bookkeeping that is no
    line of its changelog."""
    return [c for c in commits if not (prefix and c.subject.startswith(prefix))]


def grouped_subjects(commits: Sequence[Commit], types: CommitTypes) -> str:
    """The range's commit subjects as a Markdown list under changelog section headings.

    Conventional Commits subjects lose their ``type:`` prefix to the section they name
    (``feat`` -> Added); types without a section (chore, docs, ci...) are left out; other
    subjects go under Changed. Empty when no commit is worth a changelog line.
    """
    from release_tools.release.changelog import entries_from_commits

    conventional = entries_from_commits(commits, types)
    listed = {c.sha[:7] for c in commits if c.sha[:7] in {e.ref for e in conventional}}
    plain = [
        c.subject.strip()
        for c in commits
        if c.sha[:7] not in listed and _plain(c.subject.strip(), types)
    ]
    lines: list[str] = []
    for section in SECTIONS:
        bullets = [
            ("**Breaking:** " if e.breaking else "") + e.text.split("\n", 1)[0]
            for e in conventional
            if e.group == section
        ]
        if section == "Changed":
            bullets += plain
        bullets = list(dict.fromkeys(bullets))
        if bullets:
            lines += ["", f"### {section}", "", *[f"- {b}" for b in bullets]]
    return "\n".join(lines).strip()


#: A Conventional Commits header: its type, an optional scope and "!", then ":".
_TYPED = re.compile(r"([A-Za-z]+)(?:\([^()\r\n]*\))?!?:")


def _plain(subject: str, types: CommitTypes) -> bool:
    """Whether ``subject`` goes under Changed as it is: not a merge, not a header of a known
    type (those with a section are listed by it, the others are chores), and not opening with
    the bare name of a type without a section (``docs update``, ``chore bump deps``).

    Headers of other words stay (``net/http: ...``, ``README: ...``, the area-first style of
    Go and many other projects), and so do words that only start like a type
    (``circular``, ``builder``)."""
    if not subject or subject.startswith("Merge "):
        return False
    typed = _TYPED.match(subject)
    if typed is not None and types.get(typed[1]) is not None:
        return False
    first = subject.split(None, 1)[0]
    known = types.get(first) if first.islower() else None
    return known is None or known.section is not None


def analyzed_type(decision: Decision, settings: Settings) -> ReleaseType | None:
    """The release type a plan records for ``analyze``'s ``decision`` (None: nothing to
    release)."""
    if decision.version_type == "unknown":
        return None
    kind: ReleaseType = decision.version_type
    if kind == "major" and decision.current_version and not settings.major_on_zero:
        try:
            current = Version.parse(decision.current_version)
        except VersionError:
            return kind
        if current.major == 0:
            # analyze treats a breaking change on 0.x as minor unless major_on_zero; a plan
            # says "major" literally (0.x -> 1.0.0), so record what analyze meant.
            return "minor"
    return kind
