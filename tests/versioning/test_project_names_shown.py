"""The known projects an unknown name is refused with are listed on one line, whatever their
names hold."""

from __future__ import annotations

import pytest

from release_tools.errors import PlanError, UsageError
from release_tools.plans.store import PlanEntry, VersionPlan, validate_plans
from release_tools.versioning.projectlookup import find_project
from release_tools.versioning.projects import Project

NAMES = ["evil: major\n---\ninjected", "tab\there", "plain", "ü # c"]


def _projects() -> list[Project]:
    return [
        Project(
            name=name,
            path=f"libs/{n}",
            manifest=f"libs/{n}/project.json",
            version=None,
            ecosystem="nx",
        )
        for n, name in enumerate(NAMES)
    ]


def test_an_unknown_project_is_refused_on_one_line_naming_every_project() -> None:
    with pytest.raises(UsageError) as caught:
        find_project(_projects(), "other")

    message = str(caught.value)
    assert "\n" not in message and "\t" not in message
    assert message == (
        "unknown project 'other' (known projects: "
        "'evil: major\\n---\\ninjected', plain, 'tab\\there', ü # c)"
    )


def test_a_plan_naming_an_unknown_project_is_refused_on_one_line() -> None:
    plan = VersionPlan(".changeset/x.md", "changesets", (PlanEntry("other", "minor", 2),), "b")

    with pytest.raises(PlanError) as caught:
        validate_plans([plan], _projects())

    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(".changeset/x.md:2: unknown project 'other' (known")
