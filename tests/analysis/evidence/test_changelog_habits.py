"""Groups of a changelog learned from the jumps of its own earlier releases; pure."""

from __future__ import annotations

from packaging.version import Version

from release_tools.analysis.evidence.changelog_habits import Habit, learn
from release_tools.versioning.bump import Bump


def _releases(*rows: tuple[str, set[str]]) -> list[tuple[Version | None, frozenset[str]]]:
    return [(Version(version), frozenset(groups)) for version, groups in rows]


def test_a_group_that_minors_list_and_patches_do_not_is_learned_as_minor() -> None:
    releases = _releases(
        ("2.6.0", {"improvements"}),
        ("2.5.1", {"bugfixes"}),
        ("2.5.0", {"improvements", "bugfixes"}),
        ("2.4.0", {"improvements"}),
        ("2.3.1", {"bugfixes"}),
        ("2.3.0", {"improvements"}),
        ("2.2.0", set()),
    )
    # `bugfixes`: three releases, a minor among them: too few and too mixed.
    assert learn(releases) == {"improvements": Habit(Bump.MINOR, 4, 4)}


def test_a_group_every_release_lists_teaches_nothing() -> None:
    # Mostly minors either way: the group does not tell them apart.
    rows = [(f"3.{minor}.0", {"improvements"}) for minor in range(9, 2, -1)]
    rows += [("3.2.1", {"improvements"}), ("3.2.0", set()), ("3.1.0", set()), ("3.0.0", set())]
    assert learn(_releases(*rows)) == {}


def test_catch_all_groups_and_0x_releases_are_not_learned() -> None:
    rows = [(f"4.{minor}.0", {"other", "thanks"}) for minor in range(9, 3, -1)]
    rows += [("4.3.1", set()), ("4.3.0", set()), ("4.2.1", set())]
    assert learn(_releases(*rows)) == {}
    zero = [(f"0.{minor}.0", {"improvements"}) for minor in range(9, 3, -1)]
    zero += [("0.3.1", set()), ("0.3.0", set()), ("0.2.1", set())]
    assert learn(_releases(*zero)) == {}
