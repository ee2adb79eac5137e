"""A module that swaps ``export *`` for named re-exports of the same module, or back (real
repositories): compared by the names it shows, not as removed and added rows."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence.javascript.gatherer import gather
from repo_context import build_context

CORE = "export function parse(text: string): void {}\nexport const format = 1;\n"


def _package(repo: Any, index: str, core: str = CORE) -> str:
    manifest = {"name": "demo", "types": "src/index.ts", "exports": {".": "./src/index.ts"}}
    repo.write("package.json", json.dumps(manifest))
    repo.write("src/index.ts", index)
    repo.write("src/core.ts", core)
    return repo.commit("initial")


def _findings(repo: Any, base: str) -> list[tuple[str, str]]:
    repo.commit("swap")
    return sorted((e.bump, e.message) for e in gather(build_context(repo.path, base)))


def test_a_star_replaced_by_the_same_names_is_no_change(repo: Any) -> None:
    base = _package(repo, "export * from './core';\n")
    repo.write("src/index.ts", "export { parse, format } from './core';\n")

    assert _findings(repo, base) == []


def test_named_re_exports_replaced_by_a_star_of_the_same_names_is_no_change(repo: Any) -> None:
    base = _package(repo, "export { parse, format } from './core';\n")
    repo.write("src/index.ts", "export * from './core';\n")

    assert _findings(repo, base) == []


def test_a_name_the_star_showed_and_the_named_list_leaves_out_is_removed(repo: Any) -> None:
    base = _package(repo, "export * from './core';\nexport const version = 1;\n")
    repo.write("src/index.ts", "export { parse } from './core';\nexport const version = 1;\n")

    assert _findings(repo, base) == [("major", "removed export format (name) from src/index.ts")]


def test_a_star_that_shows_more_than_the_named_list_adds_those_names(repo: Any) -> None:
    base = _package(repo, "export { parse } from './core';\n")
    repo.write("src/index.ts", "export * from './core';\n")

    assert _findings(repo, base) == [("minor", "new export format (name) in src/index.ts")]


def test_a_star_is_expanded_through_the_stars_of_the_module_it_names(repo: Any) -> None:
    core = "export * from './parse';\nexport const format = 1;\n"
    repo.write("src/parse.ts", "export function parse(text: string): void {}\n")
    base = _package(repo, "export * from './core';\n", core)
    repo.write("src/index.ts", "export { parse, format } from './core';\n")

    assert _findings(repo, base) == []


def test_default_is_not_passed_on_by_a_star(repo: Any) -> None:
    core = CORE + "export default function main(): void {}\n"
    base = _package(repo, "export { default, parse, format } from './core';\n", core)
    repo.write("src/index.ts", "export * from './core';\n")

    assert _findings(repo, base) == [("major", "removed export default (name) from src/index.ts")]


def test_a_star_of_a_module_not_in_the_repository_is_compared_as_before(repo: Any) -> None:
    # A generated module (ignored by git) could show any name: nothing is assumed.
    base = _package(repo, "export * from './core';\nexport * from './generated';\n")
    repo.write(
        "src/index.ts", "export { parse, format } from './core';\nexport * from './generated';\n"
    )

    found = _findings(repo, base)
    assert ("major", "removed export * from ./core (re-export) from src/index.ts") in found


def test_only_the_names_the_entries_reach_count(repo: Any) -> None:
    # The entry passes on `parse` alone from `internal`: what else `internal` shows is internal.
    base = _package(repo, "export { parse } from './internal';\n")
    repo.write("src/internal.ts", "export { parse, format } from './core';\n")
    base = repo.commit("internal module")
    repo.write("src/internal.ts", "export * from './core';\n")

    assert _findings(repo, base) == []


def test_stars_that_name_each_other_end_in_the_plain_comparison(repo: Any) -> None:
    core = "export * from './extra';\nexport function parse(text: string): void {}\n"
    repo.write("src/extra.ts", "export * from './core';\nexport const format = 1;\n")
    base = _package(repo, "export * from './core';\n", core)
    repo.write("src/index.ts", "export { parse, format } from './core';\n")

    found = _findings(repo, base)
    assert ("major", "removed export * from ./core (re-export) from src/index.ts") in found


def test_a_declaration_new_behind_a_star_narrowed_to_names_is_not_new_api(repo: Any) -> None:
    # The star became a named list in the same change that declared `Input`: no entry shows it.
    base = _package(repo, "export * from './core';\n")
    repo.write("src/index.ts", "export { parse, format } from './core';\n")
    repo.write("src/core.ts", CORE + "export type Input = string;\n")

    assert _findings(repo, base) == []


def test_a_declaration_removed_behind_names_widened_to_a_star_is_no_break(repo: Any) -> None:
    # `format` was internal (the list left it out); the star now shows what `core` has left.
    base = _package(repo, "export { parse } from './core';\n")
    repo.write("src/index.ts", "export * from './core';\n")
    repo.write("src/core.ts", "export function parse(text: string): void {}\n")

    assert _findings(repo, base) == []


def test_a_name_the_narrowed_list_keeps_is_still_compared(repo: Any) -> None:
    base = _package(repo, "export * from './core';\n")
    repo.write("src/index.ts", "export { parse, format } from './core';\n")
    repo.write("src/core.ts", CORE.replace("text: string", "text: string, strict: boolean"))

    found = _findings(repo, base)
    assert [bump for bump, _message in found] == ["major"]
    assert "parse" in found[0][1]


def test_an_internal_declaration_a_widened_star_shows_is_new_not_changed(repo: Any) -> None:
    # `helper` was internal (the list left it out): its new parameter breaks no one.
    core = "export function parse(text: string): void {}\nexport function helper(a: string) {}\n"
    base = _package(repo, "export { parse } from './core';\n", core)
    repo.write("src/index.ts", "export * from './core';\n")
    repo.write("src/core.ts", core.replace("helper(a: string)", "helper(a: string, b: number)"))

    found = _findings(repo, base)
    assert found
    assert {bump for bump, _message in found} == {"minor"}
    assert any("helper" in message for _bump, message in found)
