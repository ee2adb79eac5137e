"""``plan-check`` as a plain function: the pull-request guard.

In the spirit of ``nx release plan:check``, ``check_plans`` requires every project touched
between base and head to be named by a pending plan at head (directly or through a group).
Without a base (and outside a pull request), each project is measured from its own latest
release tag, found the way ``analyze`` and ``release`` find it, so a workspace whose projects
are released separately does not count changes that are already released. Projects that
``.changeset/config.json`` ignores need no plan. A changeset's ``"pkg": none`` line names its
package (a change that needs no release): it plans the package for the check without
releasing it. An empty changeset (what ``changeset add --empty`` writes) names no package, so it
plans none; the result warns about it when packages lack a plan, naming the ``none`` line that
would plan them.

In changesets' pre mode, as ``changeset status`` counts them, the changesets a prerelease
already used plan nothing more (those under ``.changeset/pre/`` for changesets 3, those
``pre.json`` lists for 2.x) until the mode is left: then every changeset counts again, since
leaving the mode releases them all. ``pre.json`` is read where the plans are: at the checked
commit, and in the work tree too when that commit is the one checked out.

What ``release`` refuses about packages changesets never releases fails the check as well: a
changeset naming such a package with a released one, ``none`` lines included (a
:class:`PlanError`), and a released
package depending on one never released (a :class:`~release_tools.errors.ConfigError`).

The projects are those of the checked-out commit; in a sparse checkout, those it leaves out are
read from HEAD (:func:`~release_tools.release.sparse.read_checkout`), so their changes are
theirs and plans naming them validate, as in a full checkout.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from release_tools.analysis.diff import empty_tree
from release_tools.config import Settings
from release_tools.errors import PlanError
from release_tools.git import Git
from release_tools.plans import (
    PLAN_DIRS,
    VersionPlan,
    is_plan_path,
    load_plan,
    read_plans,
    validate_plans,
    with_project_names,
)
from release_tools.plans.frontmatter import format_key
from release_tools.plans.mixed import refuse_mixed_changesets
from release_tools.plans.store import with_groups
from release_tools.release.planrange import is_bookkeeping, plan_range, touched_projects
from release_tools.release.premode import read_pre_state
from release_tools.release.sparse import Checkout, read_checkout
from release_tools.release.versions import is_workspace
from release_tools.versioning.conventions import Conventions
from release_tools.versioning.manifestversions import Reader
from release_tools.versioning.projectlookup import owning_project
from release_tools.versioning.projects import Project

__all__ = ["EXIT_PLANS_MISSING", "PlanCheckResult", "PlansMissingError", "check_plans"]

#: ``plan-check``'s exit code when touched projects lack a plan: distinct from 1 (git or
#: configuration failure) so CI can tell "add a plan" from "the check itself broke".
EXIT_PLANS_MISSING = 4


class PlansMissingError(PlanError):
    """Touched projects have no pending version plan (``plan-check`` exits 4)."""

    exit_code = EXIT_PLANS_MISSING


@dataclass(slots=True)
class PlanCheckResult:
    """Projects touched in the range, and which of them lack a pending plan."""

    base: str
    head: str
    touched: list[str] = field(default_factory=list)
    planned: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: Plans counted from the working tree that are not committed at head (yet).
    uncommitted: list[str] = field(default_factory=list)
    #: What the check had to work around, for the user to know (a base ref it could not use).
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every touched project has a plan."""
        return not self.missing


def _plans_at(git: Git, ref: str) -> list[VersionPlan]:
    plans = []
    for path in git.ls_files(ref, list(PLAN_DIRS)):
        if not is_plan_path(path):
            continue
        data = git.show_file(ref, path)
        if data is not None:
            plans.append(load_plan(path, data.decode("utf-8", "replace")))
    return plans


def _reader(git: Git, root: Path, checkout: Checkout, head: str, *, work_tree: bool) -> Reader:
    """The files the check reads besides the plans (``pre.json``, what tells the changesets
    major): the work tree's when the checked commit is the one checked out (as its plans
    are), else that commit's."""
    if work_tree:
        return lambda rel: checkout.read_text(git, root, rel)

    def read(rel: str) -> str | None:
        data = git.show_file(head, rel)
        return None if data is None else data.decode("utf-8", "replace")

    return read


def _per_project_touched(
    git: Git, settings: Settings, projects: Sequence[Project], conventions: Conventions
) -> tuple[list[Project], str]:
    """Projects with changes since their own latest release tag (or ever, when unreleased)."""
    head = git.resolve(settings.head)
    touched: list[Project] = []
    for project in projects:
        latest = conventions.of(project.name).latest_tag
        if latest is not None:
            base = git.merge_base(git.resolve(f"refs/tags/{latest.tag}"), head)
            if base == head:
                continue
            changed = git.changed_paths(base, head)
        else:
            changed = git.changed_paths(empty_tree(git), head)
        if any(
            owning_project(projects, path) == project
            for path in changed
            if not is_bookkeeping(path, settings.changelog)
        ):
            touched.append(project)
    return touched, "each project's latest release tag"


def _plans(plan: VersionPlan, name: str) -> bool:
    """Whether ``plan`` plans project ``name`` for the check: a release type, or a changeset's
    ``none`` line (changesets counts such a changeset as covering the change)."""
    if plan.type_for(name) is not None:
        return True
    return plan.format == "changesets" and plan.mentions(name)


def check_plans(settings: Settings, *, environ: Mapping[str, str] | None = None) -> PlanCheckResult:
    """Which projects touched between base and head have no pending plan at head.

    Without ``--base``, a pull request's target branch (``GITHUB_BASE_REF``, as
    ``origin/<branch>``) is used when it resolves, then changesets' ``baseBranch`` when HEAD is
    on another branch; else, in a workspace, each project is measured from its own latest
    release tag, and a single project from its latest release tag like ``analyze``.
    """
    env = os.environ if environ is None else environ
    git = Git(settings.repo)
    root = git.toplevel()
    # A sparse checkout's projects include those it leaves out, read from HEAD: their plans
    # are validated, and the paths changed in them are theirs (see read_checkout).
    checkout = read_checkout(
        git,
        root,
        head=settings.head,
        tag_format=settings.tag_format,
        tag_pattern=settings.tag_pattern,
        changelog=settings.changelog,
    )
    projects, conventions = checkout.projects, checkout.conventions
    config = conventions.release_config
    base = settings.base
    unfetched: str | None = None
    if base is None and env.get("GITHUB_BASE_REF"):
        candidate = f"{settings.remote}/{env['GITHUB_BASE_REF']}"
        if git.ok("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"):
            base = candidate
        else:
            # The usual shallow pull-request checkout: the target branch is not fetched.
            unfetched = candidate
    if base is None and config.base_branch and git.current_branch() != config.base_branch:
        for candidate in (f"{settings.remote}/{config.base_branch}", config.base_branch):
            if git.ok("rev-parse", "--verify", "--quiet", f"{candidate}^{{commit}}"):
                base = candidate
                break
    rng = plan_range(git, settings, projects, None, base, conventions)
    base_label = rng.base_ref
    if base is None and is_workspace(projects):
        touched, base_label = _per_project_touched(git, settings, projects, conventions)
    else:
        touched = touched_projects(git, rng, projects, changelog=settings.changelog)
    # Projects the configuration never releases need no plan.
    touched = [p for p in touched if config.held_back(p) is None]
    warnings: list[str] = []
    if unfetched is not None:
        used = base or base_label
        warnings.append(
            f"GITHUB_BASE_REF is set but {unfetched} is not available (a shallow checkout? "
            f"fetch it, or check out with fetch-depth: 0); measured from {used} instead"
        )
    plans = _plans_at(git, rng.head_sha)
    uncommitted: list[str] = []
    checked_out = rng.head_sha == git.resolve("HEAD")
    if checked_out:
        # Checking the checked-out commit: a plan just written counts, as `release` (which
        # reads the working tree) would use it; the result names it so it gets committed.
        committed = {plan.path for plan in plans}
        for plan in read_plans(root):
            if plan.path not in committed:
                plans.append(plan)
                uncommitted.append(plan.path)
    plans = with_project_names(with_groups(plans, config.group_names), projects)
    validate_plans(plans, projects)
    config.check_skipped_dependencies()
    refuse_mixed_changesets(projects, plans, config)
    pre = read_pre_state(_reader(git, root, checkout, rng.head_sha, work_tree=checked_out))
    if pre is not None:
        # The changesets a prerelease of the mode used plan nothing more until it is left.
        plans = pre.deciding(plans)
    planned = sorted({p.name for p in projects if any(_plans(plan, p.name) for plan in plans)})
    missing = [p.name for p in touched if p.name not in planned]
    warnings += _empty_changesets(plans, missing)
    return PlanCheckResult(
        base=base_label,
        head=rng.head_ref,
        touched=[p.name for p in touched],
        planned=planned,
        missing=missing,
        uncommitted=uncommitted,
        warnings=warnings,
    )


def _empty_changesets(plans: Sequence[VersionPlan], missing: Sequence[str]) -> list[str]:
    """A warning for each changeset naming nothing while touched packages lack a plan: the
    per-package check counts no package for it (``changeset status`` is content with any
    changeset), and a ``none`` line is how a changeset plans a package without releasing it."""
    if not missing:
        return []
    example = format_key(missing[0], always_quote=True)
    return [
        f"{plan.path}: an empty changeset plans no package; for a change that needs no "
        f"release, name the package with a none line ({example}: none)"
        for plan in plans
        if plan.format == "changesets" and plan.path and not plan.named
    ]
