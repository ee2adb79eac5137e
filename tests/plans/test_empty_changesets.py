"""Empty changesets (what ``changeset add --empty`` writes): read as naming no package.

changesets' parser reads an empty front matter as a changeset without releases, and
``changeset version`` uses it up; Nx reads an empty version plan too, but attaches it to no
release group, so ``nx release`` never uses it up: such an Nx plan stays refused.
"""

from __future__ import annotations

import pytest

from release_tools.errors import PlanError
from release_tools.plans import consume_plan, load_plan, validate_plans
from release_tools.plans.mixed import refuse_mixed_changesets
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig

CS = ".changeset/calm-owls-nap.md"
NX = ".nx/version-plans/version-plan-1.md"


def _package(name: str) -> Project:
    return Project(name, f"packages/{name}", f"packages/{name}/package.json", "1.0.0", "node")


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("---\n---\n", ""),
        ("---\n---\n\nDocs only: nothing to release.\n", "Docs only: nothing to release."),
        ("---\n# nothing here\n\n---\nx\n", "x"),
    ],
)
def test_an_empty_changeset_is_read_as_naming_nothing(text: str, body: str) -> None:
    plan = load_plan(CS, text)

    assert plan.format == "changesets"
    assert plan.entries == () and plan.none_entries == ()
    assert plan.body == body
    assert not plan.mentions("a") and plan.type_for("a") is None


def test_an_empty_changeset_validates_and_mixes_nothing() -> None:
    plan = load_plan(CS, "---\n---\n")
    projects = [_package("a")]

    validate_plans([plan], projects)
    refuse_mixed_changesets(projects, [plan], WorkspaceReleaseConfig(ignored=frozenset({"a"})))


def test_an_empty_changeset_is_used_up_by_any_release() -> None:
    text = "---\n---\n"
    assert consume_plan(load_plan(CS, text), text, {"a"}, ["a", "b"]) is None


def test_an_empty_nx_plan_is_refused_as_nx_never_uses_it_up() -> None:
    with pytest.raises(PlanError, match=r"^\.nx/version-plans/version-plan-1\.md: .*names no"):
        load_plan(NX, "---\n---\n\nNothing.\n")
