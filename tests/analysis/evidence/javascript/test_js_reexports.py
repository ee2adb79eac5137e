"""Modules reached through named re-exports are public only for the names passed on."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence.javascript import exports, linear
from release_tools.analysis.evidence.javascript.gatherer import gather
from release_tools.analysis.evidence.javascript.reexports import ReExport, sided
from release_tools.analysis.models import Strength
from repo_context import build_context

TYPES = "export type Kept = string;\nexport type Internal = number;\n"


def _package(repo: Any, entry: str, modules: dict[str, str]) -> str:
    """Commit a typings-only package whose entry is ``index.d.ts``; the base commit."""
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", entry)
    for path, text in modules.items():
        repo.write(path, text)
    return str(repo.commit("initial"))


def _changed(repo: Any, base: str, modules: dict[str, str]) -> list[tuple[str, str]]:
    for path, text in modules.items():
        repo.write(path, text)
    repo.commit("change")
    return sorted((e.bump, e.message) for e in gather(build_context(repo.path, base)))


def test_an_internal_export_the_entry_never_re_exports_is_not_evidence(repo: Any) -> None:
    base = _package(repo, "export type {Kept} from './types.js';\n", {"types.d.ts": TYPES})
    changed = _changed(repo, base, {"types.d.ts": "export type Kept = string;\n"})
    assert changed == []


def test_removing_a_re_exported_name_from_its_module_is_major(repo: Any) -> None:
    base = _package(repo, "export type {Kept} from './types.js';\n", {"types.d.ts": TYPES})
    # An internal type added at the same time is no feature.
    repo.write("types.d.ts", "export type Internal = number;\nexport type Extra = number;\n")
    repo.commit("change")
    items = gather(build_context(repo.path, base))
    assert [(e.bump, e.message) for e in items] == [
        ("major", "removed export Kept (type) from types.d.ts")
    ]
    assert items[0].strength is Strength.PROOF


def test_renaming_a_re_exported_name_in_its_module_is_major(repo: Any) -> None:
    base = _package(repo, "export type {Kept} from './types.js';\n", {"types.d.ts": TYPES})
    renamed = TYPES.replace("Kept", "Renamed")
    # The new name is not re-exported: no feature, only the name the entry lost.
    assert _changed(repo, base, {"types.d.ts": renamed}) == [
        ("major", "removed export Kept (type) from types.d.ts")
    ]


def test_a_new_internal_export_is_not_a_feature(repo: Any) -> None:
    base = _package(repo, "export type {Kept} from './types.js';\n", {"types.d.ts": TYPES})
    changed = _changed(repo, base, {"types.d.ts": TYPES + "export type Extra = boolean;\n"})
    assert changed == []


def test_a_name_added_to_the_entry_list_is_a_feature(repo: Any) -> None:
    base = _package(repo, "export type {Kept} from './types.js';\n", {"types.d.ts": TYPES})
    added = TYPES + "export type Shown = boolean;\nexport type Extra = boolean;\n"
    changed = _changed(
        repo,
        base,
        {"index.d.ts": "export type {Kept, Shown} from './types.js';\n", "types.d.ts": added},
    )
    assert changed == [
        ("minor", "new export Shown (name) in index.d.ts"),
        ("minor", "new export Shown (type) in types.d.ts"),
    ]


def test_an_alias_makes_the_original_name_public(repo: Any) -> None:
    impl = "export function inner(): void;\nexport function helper(): void;\n"
    base = _package(repo, "export {inner as outer} from './impl.js';\n", {"impl.d.ts": impl})
    changed = _changed(repo, base, {"impl.d.ts": "export function outer(): void;\n"})
    assert changed == [("major", "removed export inner (function) from impl.d.ts")]


def test_export_star_keeps_every_name_public(repo: Any) -> None:
    entry = "export * from './all.js';\nexport type {Kept} from './some.js';\n"
    base = _package(repo, entry, {"all.d.ts": TYPES, "some.d.ts": TYPES})
    only_kept = "export type Kept = string;\n"
    changed = _changed(repo, base, {"all.d.ts": only_kept, "some.d.ts": only_kept})
    assert changed == [("major", "removed export Internal (type) from all.d.ts")]


def test_a_namespace_re_export_keeps_every_name_public(repo: Any) -> None:
    entry = "export * as ns from './all.js';\nexport type {Kept} from './some.js';\n"
    base = _package(repo, entry, {"all.d.ts": TYPES, "some.d.ts": TYPES})
    only_kept = "export type Kept = string;\n"
    changed = _changed(repo, base, {"all.d.ts": only_kept, "some.d.ts": only_kept})
    assert changed == [("major", "removed export Internal (type) from all.d.ts")]


def test_a_module_reached_both_ways_is_public_for_all_names(repo: Any) -> None:
    entry = (
        "export type {Kept} from './both.js';\n"
        "export * from './middle.js';\n"
        "export type {Kept as Other} from './some.js';\n"
    )
    modules = {"both.d.ts": TYPES, "middle.d.ts": "export * from './both.js';\n"}
    base = _package(repo, entry, {**modules, "some.d.ts": TYPES})
    only_kept = "export type Kept = string;\n"
    changed = _changed(repo, base, {"both.d.ts": only_kept, "some.d.ts": only_kept})
    assert changed == [("major", "removed export Internal (type) from both.d.ts")]


def test_names_pass_through_export_star_of_an_internal_module(repo: Any) -> None:
    modules = {"middle.d.ts": "export * from './deep.js';\n", "deep.d.ts": TYPES}
    base = _package(repo, "export type {Kept} from './middle.js';\n", modules)
    changed = _changed(repo, base, {"deep.d.ts": "export type Other = string;\n"})
    assert changed == [("major", "removed export Kept (type) from deep.d.ts")]


def test_members_of_types_a_public_type_is_made_of_are_compared(repo: Any) -> None:
    options = (
        "export type Common<Sync> = {\n  reject?: boolean;\n};\n"
        "type Async = Common<false>;\n"
        "export type Options = Async;\n"
        "export type Helper = {\n  internal?: boolean;\n};\n"
    )
    base = _package(repo, "export type {Options} from './options.js';\n", {"options.d.ts": options})
    grown = options.replace("reject?: boolean;", "reject?: boolean;\n  cancel?: boolean;")
    grown = grown.replace("internal?: boolean;", "internal?: boolean;\n  more?: boolean;")
    # Helper is used by no public type: its new member is internal.
    assert _changed(repo, base, {"options.d.ts": grown}) == [
        ("minor", "new export Common.cancel (member) in options.d.ts")
    ]


def test_the_linear_scan_reads_the_same_re_exports_as_the_parse() -> None:
    code = (
        "export type {A, B as C} from './x.js';\n"
        "export {type D, default as E, 'f-g' as G} from './y';\n"
        "export * as ns from './z';\n"
        "export * from './w';\n"
        "export {\n  // a comment\n  H,\n  I as J,\n} from './v';\n"
        "export {K} from 'package';\n"
    )
    expected = [
        ReExport("./x.js", names=(("A", "A"), ("C", "B"))),
        ReExport("./y", names=(("D", "D"), ("E", "default"), ("G", "f-g"))),
        ReExport("./z", namespace="ns"),
        ReExport("./w"),
        ReExport("./v", names=(("H", "H"), ("J", "I"))),
    ]
    assert exports.re_exports(code, "index.ts") == expected
    assert [r for r in linear.re_exports(code) if r.spec.startswith(".")] == expected


def test_each_side_shows_its_own_names_and_shared_declarations_stay_compared() -> None:
    # All public at the base, `a` alone at the head: `b` (at both) is compared, `new` is not.
    assert sided(None, frozenset({"a"}), {"a", "b"}, {"a", "b", "new"}) == (
        None,
        frozenset({"a", "b"}),
    )
    # `a` alone at the base, all at the head: `gone` was internal, `b` is new.
    assert sided(frozenset({"a"}), None, {"a", "b", "gone"}, {"a", "b"}) == (frozenset({"a"}), None)
    assert sided(frozenset({"a"}), frozenset({"b"}), {"a", "b", "c"}, {"a", "b"}) == (
        frozenset({"a"}),
        frozenset({"a", "b"}),
    )
    assert sided(None, None, {"a"}, {"b"}) == (None, None)
