"""Conventional Commits types: the bump each one declares and the changelog section it fills.

One table serves both readers of commit messages: the analysis, which turns a ``fix:`` into
patch-level evidence, and the changelog, which files the same commit under "Fixed". Keeping
them in one place means a type that raises the version also lands in its natural section.

Sections are Keep a Changelog's headings. Choices worth stating:

* ``deps`` (dependency updates, as Dependabot and Renovate write them) is a patch filed under
  "Changed": the project's own behaviour is not being fixed, what it ships with changes;
* ``refactor`` declares no bump (nothing a user can see, by its definition) but is still listed
  under "Changed" when a changelog is written from commits, as it always was;
* ``deprecate`` and ``remove`` only name a changelog section (:attr:`CommitType.bump` is None):
  the analysis does not read them as declarations, because what they touch (public API or an
  internal helper) is what decides the bump, and the code gatherers see that;
* ``docs``, ``chore``, ``ci``, ``test`` and the like are not user-facing: no bump, no section.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, cast

from release_tools.versioning.bump import Bump

__all__ = [
    "COMMIT_TYPES",
    "DEFAULT_COMMIT_TYPES",
    "SECTIONS",
    "CommitType",
    "CommitTypes",
    "Section",
    "commit_type",
    "configured_types",
]

#: A Keep a Changelog heading.
Section = Literal["Changed", "Added", "Deprecated", "Removed", "Fixed", "Security"]
#: Keep a Changelog's headings, in the order it lists them.
SECTIONS: tuple[Section, ...] = ("Changed", "Added", "Deprecated", "Removed", "Fixed", "Security")


@dataclass(frozen=True, slots=True)
class CommitType:
    """One known type: the bump it declares and the changelog section its entries go to.

    ``bump`` is None for types that only name a section (the analysis gives them no evidence);
    ``section`` is None for types that get no changelog entry (unless breaking).
    """

    name: str
    bump: Bump | None
    section: Section | None


_TABLE = (
    CommitType("feat", Bump.MINOR, "Added"),
    CommitType("feature", Bump.MINOR, "Added"),
    CommitType("fix", Bump.PATCH, "Fixed"),
    CommitType("bugfix", Bump.PATCH, "Fixed"),
    CommitType("hotfix", Bump.PATCH, "Fixed"),
    CommitType("perf", Bump.PATCH, "Changed"),
    CommitType("revert", Bump.PATCH, "Changed"),
    CommitType("deps", Bump.PATCH, "Changed"),
    CommitType("security", Bump.PATCH, "Security"),
    CommitType("refactor", Bump.NONE, "Changed"),
    CommitType("deprecate", None, "Deprecated"),
    CommitType("remove", None, "Removed"),
    CommitType("docs", Bump.NONE, None),
    CommitType("doc", Bump.NONE, None),
    CommitType("style", Bump.NONE, None),
    CommitType("test", Bump.NONE, None),
    CommitType("tests", Bump.NONE, None),
    CommitType("chore", Bump.NONE, None),
    CommitType("ci", Bump.NONE, None),
    CommitType("build", Bump.NONE, None),
)

#: Every known type by its lower-case name.
COMMIT_TYPES: dict[str, CommitType] = {t.name: t for t in _TABLE}


def commit_type(name: str) -> CommitType | None:
    """The known type called ``name`` (any case), None for an unknown one."""
    return COMMIT_TYPES.get(name.lower())


@dataclass(frozen=True, slots=True)
class CommitTypes:
    """A commit-type table: the built-in one with the repository's own types over it.

    The configuration (``commit_types``) may add a type (``docs = { bump = "patch" }`` in a
    documentation project), change one's bump or section, or take one out of the changelog.
    """

    table: Mapping[str, CommitType] = field(default_factory=lambda: dict(COMMIT_TYPES))

    def get(self, name: str) -> CommitType | None:
        """The type called ``name`` (any case), None for an unknown one."""
        return self.table.get(name.lower())

    def with_overrides(
        self, overrides: Mapping[str, tuple[Bump | None, Section | None]]
    ) -> CommitTypes:
        """This table with ``overrides`` (name -> bump, section) replacing or adding types."""
        table = dict(self.table)
        for name, (bump, section) in overrides.items():
            table[name.lower()] = CommitType(name.lower(), bump, section)
        return CommitTypes(table)


#: The built-in table.
DEFAULT_COMMIT_TYPES = CommitTypes()


_BUMP_NAMES = {"major": Bump.MAJOR, "minor": Bump.MINOR, "patch": Bump.PATCH, "none": Bump.NONE}


def configured_types(
    configured: Mapping[str, tuple[str | None, str | None]],
) -> CommitTypes:
    """The built-in table with the configured types over it.

    ``configured`` maps a type name to ``(bump, section)`` as the configuration writes them:
    a bump name or None to keep the built-in one; a section, ``""`` to take the type out of
    the changelog, or None to keep the built-in one.
    """
    if not configured:
        return DEFAULT_COMMIT_TYPES
    overrides: dict[str, tuple[Bump | None, Section | None]] = {}
    for name, (bump_name, section_name) in configured.items():
        known = DEFAULT_COMMIT_TYPES.get(name)
        bump = _BUMP_NAMES[bump_name] if bump_name else (known.bump if known else None)
        section: Section | None = known.section if known is not None else None
        if section_name is not None:
            section = cast("Section", section_name) if section_name else None
        overrides[name] = (bump, section)
    return DEFAULT_COMMIT_TYPES.with_overrides(overrides)
