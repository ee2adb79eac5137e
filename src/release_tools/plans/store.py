"""Version-plan files of both formats: read, validate, render and write.

* Nx: ``.nx/version-plans/version-plan-<epoch ms>.md``, front matter ``name: type`` where the
  type is any of npm's release types (``major`` ... ``prerelease``).
* changesets: ``.changeset/<id>.md``, front matter ``"name": type`` with ``major``, ``minor``
  or ``patch``; also ``.changeset/pre/<id>.md``, where changesets 3 keeps the changesets a pre
  mode release used (2.x never writes that folder). Not plans, as changesets 3 reads the folder:
  ``README.md`` in any case, ``AGENTS.md``, ``CLAUDE.md`` and ``GEMINI.md`` as spelled (notes
  for coding agents; 2.x fails on such a file, which has no front matter), names starting with
  a dot, and anything but ``.md``.

Both may say ``none`` for a project that should not move. Such a line bumps nothing, but it
names the project, as changesets counts it: the name must be a project of the repository, it
counts in the check of a changeset that mixes packages changesets never releases with ones it
releases, and it is used up once the project is released (:attr:`VersionPlan.none_entries`,
:meth:`VersionPlan.mentions`). A key may also name a release group (``nx.json``
``release.groups``): it applies to every member, as ``__default__`` applies to every project,
except to a project the plan also names on its own line: that line decides for it (``b: none``
under ``__default__: minor`` keeps ``b`` out of the plan). Nx itself refuses such a plan (a
group line for an independent group, a fixed group's lines that disagree, a ``none`` line); here
the more specific line wins, and a fixed group still moves every member together when any of
them is released.
The body is the change description that ends up in the changelog.

A changeset may name nothing at all (an empty front matter, what ``changeset add --empty``
writes): it plans no package and is used up with a release of the whole workspace, as
``changeset version`` uses up every changeset it reads. An Nx plan naming nothing is refused.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import Literal, TypeVar, cast

from release_tools.errors import PlanError, UsageError
from release_tools.files import write_atomic
from release_tools.plans.frontmatter import format_key, parse_front_matter
from release_tools.versioning.projectlookup import listed_names, project_named
from release_tools.versioning.projects import Project
from release_tools.versioning.semver import RELEASE_TYPES, ReleaseType, release_type_rank

__all__ = [
    "CHANGESETS_DIR",
    "CHANGESETS_PRE_DIR",
    "DEFAULT_GROUP",
    "NX_PLANS_DIR",
    "PLAN_DIRS",
    "NoneEntry",
    "PlanEntry",
    "PlanFormat",
    "VersionPlan",
    "consume_plan",
    "default_message",
    "highest_type",
    "is_plan_path",
    "is_pre_changeset",
    "load_plan",
    "read_plans",
    "render_plan",
    "validate_plans",
    "with_groups",
    "with_project_names",
    "write_plan",
]

log = logging.getLogger(__name__)

PlanFormat = Literal["nx", "changesets"]
#: Nx's name for the release group of a workspace without groups: it means every project.
DEFAULT_GROUP = "__default__"
NX_PLANS_DIR = ".nx/version-plans"
CHANGESETS_DIR = ".changeset"
#: Where changesets 3 moves the changesets a pre mode release used.
CHANGESETS_PRE_DIR = f"{CHANGESETS_DIR}/pre"
# Markdown files changesets does not read as changesets (README.md matched in any case).
_NOT_CHANGESETS = frozenset({"AGENTS.md", "CLAUDE.md", "GEMINI.md"})
PLAN_DIRS: tuple[str, ...] = (NX_PLANS_DIR, CHANGESETS_DIR)
_CHANGESETS_TYPES = frozenset({"major", "minor", "patch"})
# Words for changeset ids, which the changesets CLI also makes of three random words.
_WORDS = (
    ("brave", "calm", "eager", "fuzzy", "gentle", "happy", "lucky", "quiet", "shy", "witty"),
    ("ants", "bees", "cats", "dogs", "eels", "foxes", "owls", "pumas", "seals", "yaks"),
    ("dance", "hide", "jump", "laugh", "march", "nap", "relax", "sing", "swim", "wave"),
)


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One ``name: type`` line of a plan."""

    name: str
    type: ReleaseType
    line: int


@dataclass(frozen=True, slots=True)
class NoneEntry:
    """One ``name: none`` line of a plan: the project is named, and this plan moves it not."""

    name: str
    line: int


_Entry = TypeVar("_Entry", PlanEntry, NoneEntry)


@dataclass(frozen=True, slots=True)
class VersionPlan:
    """One pending plan file; ``path`` is relative to the repository root."""

    path: str
    format: PlanFormat
    entries: tuple[PlanEntry, ...]
    body: str
    #: The workspace's release groups (name, members) that keys may name.
    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    #: The ``name: none`` lines, in file order.
    none_entries: tuple[NoneEntry, ...] = ()

    def _applies(self, key: str, name: str) -> bool:
        if key in (name, DEFAULT_GROUP):
            return True
        return any(group == key and name in members for group, members in self.groups)

    def type_for(self, name: str) -> ReleaseType | None:
        """The release type this plan asks for ``name``: its own line when it has one (a
        ``none`` line asks for nothing), else the highest of the group lines that apply to it
        (``__default__``, a release group it belongs to). The line naming the project is the
        more specific, so it wins over a group's for that project."""
        if any(entry.name == name for entry in self.none_entries):
            return None
        own = [entry.type for entry in self.entries if entry.name == name]
        if own:
            return highest_type(own)
        return highest_type(entry.type for entry in self.entries if self._applies(entry.name, name))

    @property
    def named(self) -> tuple[PlanEntry | NoneEntry, ...]:
        """Every line of the front matter, release types and ``none`` alike, in file order."""
        lines: list[PlanEntry | NoneEntry] = [*self.entries, *self.none_entries]
        return tuple(sorted(lines, key=lambda entry: entry.line))

    def mentions(self, name: str) -> bool:
        """Whether the plan names ``name`` at all: a release type or ``none``, on its own
        line, through ``__default__`` or through a release group it belongs to."""
        return any(self._applies(entry.name, name) for entry in self.named)

    def is_group_entry(self, entry: PlanEntry | NoneEntry) -> bool:
        """Whether ``entry`` names a group (``__default__`` or a release group)."""
        return entry.name == DEFAULT_GROUP or any(g == entry.name for g, _ in self.groups)

    @property
    def names(self) -> tuple[str, ...]:
        """The keys of the front matter as written (``__default__`` included)."""
        return tuple(entry.name for entry in self.entries)


def is_plan_path(path: str) -> bool:
    """Whether a repository-relative path is a plan file of either format."""
    pure = PurePosixPath(path)
    parent = pure.parent.as_posix()
    if pure.suffix != ".md":
        return False
    if parent == NX_PLANS_DIR:
        return True
    if parent not in (CHANGESETS_DIR, CHANGESETS_PRE_DIR) or pure.name.startswith("."):
        return False
    return pure.name.lower() != "readme.md" and pure.name not in _NOT_CHANGESETS


def _format_of(path: str) -> PlanFormat:
    return "nx" if PurePosixPath(path).parent.as_posix() == NX_PLANS_DIR else "changesets"


def is_pre_changeset(path: str) -> bool:
    """Whether ``path`` is a changeset changesets 3 moved to ``.changeset/pre/`` in pre mode."""
    return PurePosixPath(path).parent.as_posix() == CHANGESETS_PRE_DIR and is_plan_path(path)


def load_plan(path: str, text: str) -> VersionPlan:
    """Parse one plan file's text; ``path`` (repository-relative) decides the format."""
    fmt = _format_of(path)
    front = parse_front_matter(text, source=path)
    entries: list[PlanEntry] = []
    quiet: list[NoneEntry] = []
    for name, value, line in front.pairs:
        kind = value.lower()
        if kind == "none":
            quiet.append(NoneEntry(name, line))
            continue
        allowed: Iterable[str] = _CHANGESETS_TYPES if fmt == "changesets" else RELEASE_TYPES
        if kind not in allowed:
            raise PlanError(
                f"{path}:{line}: {value!r} is not a release type for {name!r} "
                f"(expected one of {', '.join(sorted(allowed))})"
            )
        entries.append(PlanEntry(name, cast(ReleaseType, kind), line))
    if not front.pairs and fmt == "nx":
        # Nx reads such a plan but attaches it to no release group, so ``nx release`` would
        # never use it up: it would stay pending for ever.
        raise PlanError(f"{path}: the plan names no project (Nx would never use it up)")
    return VersionPlan(path, fmt, tuple(entries), front.body, none_entries=tuple(quiet))


def read_plans(root: Path) -> list[VersionPlan]:
    """Every pending plan of both formats in the working tree at ``root``, ordered by path
    (``.changeset/pre/`` after ``.changeset/``)."""
    plans: list[VersionPlan] = []
    for directory in (*PLAN_DIRS, CHANGESETS_PRE_DIR):
        folder = root / directory
        if not folder.is_dir():
            continue
        for file in sorted(folder.iterdir()):
            rel = f"{directory}/{file.name}"
            if not file.is_file() or not is_plan_path(rel):
                continue
            if file.is_symlink() and not file.resolve().is_relative_to(root.resolve()):
                # What the link names is no file of the repository; read, its lines would be
                # quoted in the errors of a plan that does not parse. (A plan directory that is
                # itself such a link is refused by the writers' confinement.)
                raise PlanError(f"{rel}: a symbolic link leading outside the repository")
            try:
                text = file.read_text(encoding="utf-8")
            except UnicodeDecodeError as exc:
                raise PlanError(f"{rel}: not UTF-8 text") from exc
            except OSError as exc:
                raise PlanError(f"{rel}: cannot be read: {exc.strerror}") from exc
            plans.append(load_plan(rel, text))
    return plans


def with_groups(
    plans: Sequence[VersionPlan], groups: Mapping[str, Sequence[str]]
) -> list[VersionPlan]:
    """``plans`` able to name the release ``groups`` (group name -> member names)."""
    frozen = tuple((name, tuple(members)) for name, members in groups.items())
    return [replace(plan, groups=frozen) for plan in plans]


def with_project_names(
    plans: Sequence[VersionPlan], projects: Sequence[Project]
) -> list[VersionPlan]:
    """``plans`` with each key that names a Python project in another spelling pip takes as
    the same (``my_pkg``, ``My.Pkg`` for ``my-pkg``) replaced by the project's own name; the
    file is not rewritten (its lines are dropped by number once released)."""
    known = {project.name for project in projects}

    def own(plan: VersionPlan, entry: _Entry) -> _Entry:
        if entry.name in known or plan.is_group_entry(entry):
            return entry
        project = project_named(projects, entry.name)
        return entry if project is None else replace(entry, name=project.name)

    return [
        replace(
            plan,
            entries=tuple(own(plan, entry) for entry in plan.entries),
            none_entries=tuple(own(plan, entry) for entry in plan.none_entries),
        )
        for plan in plans
    ]


def validate_plans(plans: Sequence[VersionPlan], projects: Sequence[Project]) -> None:
    """Raise PlanError (file:line) for a plan naming a project or group the repository does
    not have."""
    known = {project.name for project in projects}
    for plan in plans:
        # A ``none`` line too must name a project: changesets refuses it otherwise.
        for entry in plan.named:
            if entry.name not in known and not plan.is_group_entry(entry):
                names = listed_names(list(known)) or "none found"
                groups = listed_names([g for g, _ in plan.groups if g != DEFAULT_GROUP])
                extra = f"; release groups: {groups}" if groups else ""
                raise PlanError(
                    f"{plan.path}:{entry.line}: unknown project {entry.name!r} "
                    f"(known projects: {names}{extra})"
                )


def consume_plan(
    plan: VersionPlan, text: str, released: Collection[str], projects: Sequence[str]
) -> str | None:
    """``text`` of ``plan`` once ``released`` projects have used it; None when fully consumed.

    Without a group line (``__default__`` or a release group), only the released projects'
    lines are dropped (their ``none`` lines too: the plan is done with for them) and every
    other byte is kept. A group line that still applies to
    unreleased ``projects`` is replaced by one line per such project (the front matter is
    rewritten, the body kept), so that nobody is bumped twice and nobody loses a bump; the
    ``none`` lines of unreleased projects are kept after them.
    """
    pending = [name for name in projects if name not in released and plan.type_for(name)]
    if not pending:
        return None
    lines = text.splitlines(keepends=True)
    if not any(plan.is_group_entry(e) for e in plan.entries):
        drop = {e.line for e in plan.named if e.name in released}
        return "".join(line for n, line in enumerate(lines, start=1) if n not in drop)
    closing = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    quote = plan.format == "changesets"
    front = [f"{format_key(name, always_quote=quote)}: {plan.type_for(name)}\n" for name in pending]
    # A ``none`` line keeps the project out of the group lines' promise: it stays.
    front += [
        f"{format_key(e.name, always_quote=quote)}: none\n"
        for e in plan.none_entries
        if e.name not in released and not plan.is_group_entry(e)
    ]
    return "".join([lines[0], *front, *lines[closing:]])


def highest_type(types: Iterable[ReleaseType]) -> ReleaseType | None:
    """The strongest of several release types (``major`` > ``premajor`` > ``minor`` ...)."""
    best: ReleaseType | None = None
    for kind in types:
        if best is None or release_type_rank(kind) > release_type_rank(best):
            best = kind
    return best


def default_message(release_type: str, name: str) -> str:
    """A Conventional Commits line for a plan written without ``--message``."""
    if release_type in ("major", "premajor"):
        return f"feat!: breaking changes in {name}"
    if release_type in ("minor", "preminor"):
        return f"feat: new features in {name}"
    return f"fix: fixes in {name}"


def render_plan(bumps: Mapping[str, ReleaseType], body: str, fmt: PlanFormat) -> str:
    """The text of a plan file. The body must not be empty: it is the changelog entry."""
    if not bumps:
        raise UsageError("a version plan needs at least one project")
    if not body.strip():
        raise UsageError("a version plan needs a non-empty message")
    lines = ["---"]
    for name, kind in bumps.items():
        if fmt == "changesets" and kind not in _CHANGESETS_TYPES:
            raise UsageError(f"changesets plans support major, minor and patch, not {kind!r}")
        if kind not in RELEASE_TYPES:
            raise UsageError(f"invalid version type {kind!r}")
        lines.append(f"{format_key(name, always_quote=fmt == 'changesets')}: {kind}")
    lines += ["---", "", body.strip(), ""]
    return "\n".join(lines)


def _new_path(root: Path, fmt: PlanFormat, now_ms: int | None) -> str:
    if fmt == "nx":
        stamp = int(time.time() * 1000) if now_ms is None else now_ms
        while (root / NX_PLANS_DIR / f"version-plan-{stamp}.md").exists():
            stamp += 1  # two plans in one millisecond must not overwrite each other
        return f"{NX_PLANS_DIR}/version-plan-{stamp}.md"
    rng = secrets.SystemRandom()
    while True:
        name = "-".join(rng.choice(words) for words in _WORDS)
        if not (root / CHANGESETS_DIR / f"{name}.md").exists():
            return f"{CHANGESETS_DIR}/{name}.md"


def write_plan(
    root: Path,
    bumps: Mapping[str, ReleaseType],
    body: str,
    fmt: PlanFormat,
    *,
    now_ms: int | None = None,
    check: Callable[[str], object] | None = None,
) -> str:
    """Write a new plan file and return its repository-relative path.

    The text is rendered (and so validated) before anything touches the disk, and the file is
    written to a temporary name and renamed, so a failure never leaves a half-written plan.
    ``check`` is called with the chosen path before anything is written and raises to refuse
    it (the release layer passes its confinement to the work tree: a plan folder that is a
    symbolic link out of the repository must not receive the file).
    """
    text = render_plan(bumps, body, fmt)
    rel = _new_path(root, fmt, now_ms)
    if check is not None:
        check(rel)
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text)
    log.info("wrote version plan %s", rel, extra={"plan": rel})
    return rel
