"""A plan naming a project on its own line and through a group line (``__default__`` or a
release group): the project's own line decides for it, ``none`` included; the group lines
decide for the other members (the highest of them when several apply)."""

from __future__ import annotations

from release_tools.plans import consume_plan, load_plan
from release_tools.plans.store import with_groups

NX = ".nx/version-plans/version-plan-1.md"


def test_a_none_line_wins_over_the_default_group_for_its_project() -> None:
    plan = load_plan(NX, "---\n__default__: minor\nb: none\n---\n\nfeat: x\n")

    assert plan.type_for("a") == "minor"
    assert plan.type_for("b") is None
    assert plan.mentions("b")


def test_a_project_s_own_type_wins_over_a_group_line() -> None:
    text = "---\ncore: minor\nb: patch\n---\n\nfeat: x\n"
    [plan] = with_groups([load_plan(NX, text)], {"core": ("a", "b")})

    assert plan.type_for("a") == "minor"
    assert plan.type_for("b") == "patch"


def test_several_group_lines_give_their_highest_to_projects_without_a_line() -> None:
    text = "---\n__default__: patch\ncore: minor\nb: none\n---\n\nfeat: x\n"
    [plan] = with_groups([load_plan(NX, text)], {"core": ("a", "b")})

    assert plan.type_for("a") == "minor"
    assert plan.type_for("c") == "patch"
    assert plan.type_for("b") is None


def test_a_partly_used_group_plan_keeps_the_none_line_of_an_unreleased_project() -> None:
    text = "---\n__default__: minor\nb: none\n---\n\nfeat: x\n"
    plan = load_plan(NX, text)

    assert consume_plan(plan, text, {"a"}, ["a", "b", "c"]) == (
        "---\nc: minor\nb: none\n---\n\nfeat: x\n"
    )
    assert consume_plan(plan, text, {"a", "c"}, ["a", "b", "c"]) is None
