"""``name: none`` lines: read and kept as naming the project, never as a bump.

changesets counts a ``none`` release as naming its package: it must be a package of the
workspace, it counts in the check of a changeset mixing packages it never releases with ones it
releases, and the changeset is used up for that package once it is versioned.
"""

from __future__ import annotations

import pytest

from release_tools.errors import PlanError
from release_tools.plans import consume_plan, load_plan, validate_plans, with_project_names
from release_tools.plans.mixed import refuse_mixed_changesets
from release_tools.plans.store import NoneEntry, with_groups
from release_tools.versioning.projects import Project
from release_tools.versioning.releaseconfig import WorkspaceReleaseConfig

CS = ".changeset/calm-owls-nap.md"


def _package(name: str, *, version: str | None = "1.0.0", private: bool = False) -> Project:
    return Project(
        name=name,
        path=f"packages/{name}",
        manifest=f"packages/{name}/package.json",
        version=version,
        ecosystem="node",
        private=private,
    )


def test_a_none_line_names_the_project_without_a_release_type() -> None:
    plan = load_plan(CS, '---\n"a": minor\n"b": none\n---\n\nA feature.\n')

    assert [(e.name, e.type) for e in plan.entries] == [("a", "minor")]
    assert plan.none_entries == (NoneEntry("b", 3),)
    assert plan.type_for("b") is None
    assert plan.mentions("b") and plan.mentions("a") and not plan.mentions("c")


def test_a_plan_of_none_lines_only_is_read() -> None:
    plan = load_plan(CS, '---\n"a": none\n---\n\nDocs only.\n')

    assert plan.entries == ()
    assert plan.mentions("a")


def test_a_none_line_through_a_group_names_its_members() -> None:
    plan = with_groups([load_plan(CS, '---\n"core": none\n---\n\nx\n')], {"core": ["a", "b"]})[0]

    assert plan.mentions("a") and plan.mentions("b") and not plan.mentions("c")
    assert plan.type_for("a") is None


def test_a_none_line_naming_an_unknown_package_is_refused_with_its_line() -> None:
    plan = load_plan(CS, '---\n"a": patch\n"ghost": none\n---\n\nx\n')

    with pytest.raises(PlanError, match=r"calm-owls-nap\.md:3: unknown project 'ghost'"):
        validate_plans([plan], [_package("a")])


def test_a_none_line_takes_the_python_project_s_own_spelling() -> None:
    project = Project("my-pkg", "libs/p", "libs/p/pyproject.toml", "1.0.0", "python")
    plan = load_plan(".nx/version-plans/version-plan-1.md", "---\nMy_Pkg: none\n---\n\nx\n")

    renamed = with_project_names([plan], [project])[0]

    assert renamed.none_entries == (NoneEntry("my-pkg", 2),)
    validate_plans([renamed], [project])


def test_a_released_project_s_none_line_is_used_up_with_its_release() -> None:
    text = '---\n"a": minor\n"b": none\n"c": patch\n---\n\nBody.\n'
    plan = load_plan(CS, text)

    # b is released by another plan: its none line here is done with as well.
    assert consume_plan(plan, text, {"a", "b"}, ["a", "b", "c"]) == (
        '---\n"c": patch\n---\n\nBody.\n'
    )
    # Nothing else names b: the line stays while c still waits for its release.
    assert consume_plan(plan, text, {"a"}, ["a", "b", "c"]) == (
        '---\n"b": none\n"c": patch\n---\n\nBody.\n'
    )
    assert consume_plan(plan, text, {"a", "c"}, ["a", "b", "c"]) is None


IGNORE_B = WorkspaceReleaseConfig(ignored=frozenset({"b"}))


@pytest.mark.parametrize(
    "front",
    [
        '"a": minor\n"b": none\n',  # the ignored package named with none
        '"a": none\n"b": minor\n',  # the released package named with none
        '"a": none\n"b": none\n',
    ],
)
def test_a_none_line_counts_in_the_mixed_changeset_check(front: str) -> None:
    plan = load_plan(CS, f"---\n{front}---\n\nx\n")

    with pytest.raises(PlanError) as caught:
        refuse_mixed_changesets([_package("a"), _package("b")], [plan], IGNORE_B)

    message = str(caught.value)
    assert message.startswith(f"{CS}: b (ignored by .changeset/config.json) named with a")
    assert "\n" not in message


def test_none_lines_of_one_kind_only_are_not_mixed() -> None:
    projects = [_package("a"), _package("b"), _package("c")]
    plans = [
        load_plan(".changeset/one.md", '---\n"a": minor\n"c": none\n---\n\nx\n'),
        load_plan(".changeset/two.md", '---\n"b": none\n---\n\nx\n'),
    ]

    refuse_mixed_changesets(projects, plans, IGNORE_B)


def test_nx_plans_are_not_checked_for_mixing() -> None:
    plan = load_plan(".nx/version-plans/version-plan-1.md", "---\na: minor\nb: none\n---\n\nx\n")

    refuse_mixed_changesets([_package("a"), _package("b")], [plan], IGNORE_B)
