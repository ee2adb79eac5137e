"""Plan files: the strict front-matter subset, both formats, validation, writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_tools.errors import PlanError, UsageError
from release_tools.plans import (
    consume_plan,
    default_message,
    highest_type,
    is_plan_path,
    load_plan,
    read_plans,
    render_plan,
    validate_plans,
    write_plan,
)
from release_tools.plans.frontmatter import parse_front_matter
from release_tools.versioning.projects import Project

NX = ".nx/version-plans/version-plan-1.md"
CS = ".changeset/brave-cats-jump.md"


def test_nx_plan_roundtrip_with_scoped_name() -> None:
    text = render_plan({"@acme/web": "minor", "api": "prerelease"}, "feat: dark mode", "nx")
    assert text == '---\n"@acme/web": minor\napi: prerelease\n---\n\nfeat: dark mode\n'
    plan = load_plan(NX, text)
    assert plan.format == "nx"
    assert [(e.name, e.type, e.line) for e in plan.entries] == [
        ("@acme/web", "minor", 2),
        ("api", "prerelease", 3),
    ]
    assert plan.body == "feat: dark mode"
    assert plan.type_for("api") == "prerelease" and plan.type_for("zz") is None


def test_changesets_plan_quotes_every_name_and_refuses_prerelease_types() -> None:
    text = render_plan({"web": "patch"}, "Fix the thing.", "changesets")
    assert text.startswith('---\n"web": patch\n---\n')
    assert load_plan(CS, text).format == "changesets"
    with pytest.raises(UsageError, match="changesets plans support major, minor and patch"):
        render_plan({"web": "prepatch"}, "x", "changesets")
    with pytest.raises(PlanError, match=r"brave-cats-jump\.md:2: 'prepatch' is not a release"):
        load_plan(CS, '---\n"web": prepatch\n---\nx\n')


def test_render_refuses_empty_body_and_bad_type() -> None:
    with pytest.raises(UsageError, match="non-empty message"):
        render_plan({"a": "major"}, "  \n", "nx")
    with pytest.raises(UsageError, match="invalid version type 'huge'"):
        render_plan({"a": "huge"}, "x", "nx")  # type: ignore[dict-item]


def test_parser_accepts_comments_quotes_and_none() -> None:
    text = "---\n# a comment\n'it''s': major # why\n\nother: 'none'\n---\nBody\n\nmore\n"
    plan = load_plan(NX, text)
    assert [(e.name, e.type) for e in plan.entries] == [("it's", "major")]
    assert plan.body == "Body\n\nmore"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name: minor\n", r":1: expected '---'"),
        ("---\n@scope/x: minor\n---\n", r":2: names starting with '@' must be quoted"),
        ("---\na: minor\n  b: patch\n---\n", r":3: nested values are not allowed"),
        ("---\na: [minor]\n---\n", r":2: expected 'name: type'"),
        ("---\na: minor\na: major\n---\n", r":3: 'a' already given on line 2"),
        ("---\na: minor\n", r"not closed with '---'"),
        ("---\na: huge\n---\n", r":2: 'huge' is not a release type"),
        ("---\n---\nbody\n", r"names no project \(Nx would never use it up\)"),
        ("---\na b: minor\n---\n", r":2: unquoted name 'a b' needs quotes"),
        ('---\n"a\\q": minor\n---\n', r":2: bad double-quoted name"),
    ],
)
def test_parser_rejects_with_file_and_line(text: str, message: str) -> None:
    with pytest.raises(PlanError, match=message) as info:
        load_plan(NX, text)
    assert str(info.value).startswith(NX)


def test_front_matter_bom_is_ignored() -> None:
    assert parse_front_matter("\ufeff---\na: patch\n---\n", source="f").pairs == (
        ("a", "patch", 2),
    )


def test_read_plans_both_formats_skips_readme_and_config(tmp_path: Path) -> None:
    (tmp_path / ".nx/version-plans").mkdir(parents=True)
    (tmp_path / ".changeset").mkdir()
    (tmp_path / ".nx/version-plans/version-plan-2.md").write_text("---\na: minor\n---\nx\n")
    (tmp_path / ".changeset/README.md").write_text("# Changesets\n")
    (tmp_path / ".changeset/config.json").write_text("{}")
    (tmp_path / ".changeset/x-y-z.md").write_text('---\n"b": patch\n---\nfix\n')
    plans = read_plans(tmp_path)
    assert [(p.path, p.format) for p in plans] == [
        (".nx/version-plans/version-plan-2.md", "nx"),
        (".changeset/x-y-z.md", "changesets"),
    ]
    assert is_plan_path(".changeset/x-y-z.md") and not is_plan_path(".changeset/README.md")
    assert not is_plan_path("docs/x.md")


def test_validate_names_unknown_projects(tmp_path: Path) -> None:
    plan = load_plan(NX, "---\na: minor\nghost: patch\n---\nx\n")
    projects = [Project("a", ".", "pyproject.toml", "1.0.0", "python")]
    with pytest.raises(PlanError, match=r"version-plan-1\.md:3: unknown project 'ghost'"):
        validate_plans([plan], projects)
    validate_plans([load_plan(NX, "---\na: minor\n---\nx\n")], projects)


def test_write_plan_names_and_never_overwrites(tmp_path: Path) -> None:
    first = write_plan(tmp_path, {"a": "minor"}, "feat: x", "nx", now_ms=1700000000000)
    second = write_plan(tmp_path, {"a": "patch"}, "fix: y", "nx", now_ms=1700000000000)
    assert first == ".nx/version-plans/version-plan-1700000000000.md"
    assert second == ".nx/version-plans/version-plan-1700000000001.md"
    assert (tmp_path / first).read_text() == "---\na: minor\n---\n\nfeat: x\n"
    cs = write_plan(tmp_path, {"@s/a": "major"}, "Breaking.", "changesets")
    assert cs.startswith(".changeset/") and cs.endswith(".md") and cs.count("-") == 2
    assert sorted(p.name for p in (tmp_path / ".nx/version-plans").iterdir()) == [
        "version-plan-1700000000000.md",
        "version-plan-1700000000001.md",
    ]


def test_highest_type_and_default_messages() -> None:
    assert highest_type(["patch", "prerelease", "minor"]) == "minor"
    assert highest_type(["premajor", "minor"]) == "premajor"
    assert highest_type([]) is None
    assert default_message("major", "web") == "feat!: breaking changes in web"
    assert default_message("minor", "web").startswith("feat: ")
    assert default_message("patch", "web").startswith("fix: ")


def test_default_group_applies_to_every_project() -> None:
    plan = load_plan(NX, "---\n__default__: minor\nb: major\n---\nfeat: x\n")
    assert plan.type_for("a") == "minor" and plan.type_for("b") == "major"
    projects = [
        Project("a", "a", "a/package.json", "1.0.0", "node"),
        Project("b", "b", "b/package.json", "1.0.0", "node"),
    ]
    validate_plans([plan], projects)  # __default__ is not an unknown project


def test_consume_plan_drops_released_lines_byte_for_byte() -> None:
    text = "---\n# keep me\na: minor\n'b': patch # why\n---\n\nfix: body\n"
    plan = load_plan(NX, text)
    assert consume_plan(plan, text, {"a"}, ["a", "b"]) == (
        "---\n# keep me\n'b': patch # why\n---\n\nfix: body\n"
    )
    assert consume_plan(plan, text, {"a", "b"}, ["a", "b"]) is None
    assert consume_plan(plan, text, set(), ["a", "b"]) == text


def test_consume_plan_expands_default_for_pending_projects() -> None:
    text = "---\n__default__: minor\nb: major\n---\n\nfeat: x\n"
    plan = load_plan(NX, text)
    assert consume_plan(plan, text, {"a"}, ["a", "b", "@s/c"]) == (
        '---\nb: major\n"@s/c": minor\n---\n\nfeat: x\n'
    )
    assert consume_plan(plan, text, {"a", "b", "@s/c"}, ["a", "b", "@s/c"]) is None


def test_names_yaml_reads_as_other_values_must_be_quoted() -> None:
    with pytest.raises(PlanError, match=r":2: YAML reads the name 'true' as True; quote it"):
        load_plan(NX, "---\ntrue: minor\n---\n")
    plan = load_plan(NX, '---\n"true": minor\n---\n')
    assert [e.name for e in plan.entries] == ["true"]


def test_plan_may_name_a_release_group() -> None:
    from release_tools.plans.store import with_groups

    plan = load_plan(NX, "---\ncore: minor\n---\n\nBody\n")
    [grouped] = with_groups([plan], {"core": ("a", "b")})
    assert grouped.type_for("a") == "minor" and grouped.type_for("c") is None
    # Releasing one member keeps the group's promise to the other, and nothing else.
    remaining = consume_plan(grouped, "---\ncore: minor\n---\n\nBody\n", {"a"}, ["a", "b", "c"])
    assert remaining == "---\nb: minor\n---\n\nBody\n"
