"""Declarations moving between an entry module and a module it re-exports them from (real
repositories): compared with their new home, not reported as removed and added."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence.javascript.gatherer import gather
from repo_context import build_context

INTERFACE = "export interface Options {\n  cwd: string;\n  shell?: boolean;\n}\n"
FUNCTION = "export declare function run(file: string, options?: Options): void;\n"


def _package(repo: Any, index: str, **modules: str) -> str:
    manifest = {"name": "demo", "main": "index.js", "types": "index.d.ts"}
    repo.write("package.json", json.dumps(manifest))
    # The code reads what the typings declare (a member it never had is a typings fix).
    repo.write("index.js", "exports.run = (file, options) => options.cwd + options.shell;\n")
    repo.write("index.d.ts", index)
    for name, text in modules.items():
        repo.write(f"{name}.d.ts", text)
    return repo.commit("initial")


def _findings(repo: Any, base: str) -> list[tuple[str, str]]:
    repo.commit("move")
    return sorted((e.bump, e.message) for e in gather(build_context(repo.path, base)))


def test_a_declaration_moved_behind_a_named_re_export_is_no_change(repo: Any) -> None:
    base = _package(repo, INTERFACE + FUNCTION)
    repo.write("index.d.ts", "export { Options } from './options';\n" + FUNCTION)
    repo.write("options.d.ts", INTERFACE)

    assert _findings(repo, base) == []


def test_a_moved_declaration_is_compared_with_its_new_home(repo: Any) -> None:
    base = _package(repo, INTERFACE + FUNCTION)
    repo.write("index.d.ts", "export { Options } from './options';\n" + FUNCTION)
    repo.write("options.d.ts", "export interface Options {\n  cwd: string;\n}\n")

    assert _findings(repo, base) == [
        ("major", "removed export Options.shell (member) from index.d.ts")
    ]


def test_a_renamed_re_export_is_compared_under_its_public_name(repo: Any) -> None:
    base = _package(repo, INTERFACE + FUNCTION)
    repo.write("index.d.ts", "export { RunOptions as Options } from './options';\n" + FUNCTION)
    repo.write(
        "options.d.ts",
        "export interface RunOptions {\n  cwd: string;\n  shell?: boolean;\n  env?: string;\n}\n",
    )

    assert _findings(repo, base) == [("minor", "new export Options.env (member) in index.d.ts")]


def test_a_declaration_moved_back_into_the_entry_is_no_change(repo: Any) -> None:
    base = _package(repo, "export { Options } from './options';\n" + FUNCTION, options=INTERFACE)
    repo.write("index.d.ts", INTERFACE + FUNCTION)
    repo.write("options.d.ts", "export type Unused = 1;\n")

    assert _findings(repo, base) == []


def test_a_re_export_of_a_module_that_does_not_declare_the_name_is_not_followed(
    repo: Any,
) -> None:
    # options.d.ts passes Options on from elsewhere: one level is followed, so the members
    # that index.d.ts declared are reported as before.
    base = _package(repo, INTERFACE + FUNCTION)
    repo.write("index.d.ts", "export { Options } from './options';\n" + FUNCTION)
    repo.write("options.d.ts", "export { Options } from './inner';\n")
    repo.write("inner.d.ts", INTERFACE)

    found = _findings(repo, base)

    assert ("major", "removed export Options.cwd (member) from index.d.ts") in found


def _barrel(repo: Any) -> str:
    manifest = {"name": "demo", "types": "src/index.ts", "exports": {".": "./src/index.ts"}}
    repo.write("package.json", json.dumps(manifest))
    repo.write("src/index.ts", "export * from './fetch';\nexport * from './error';\n")
    repo.write("src/fetch.ts", INTERFACE + "export function run(file: string): void {}\n")
    repo.write("src/error.ts", "export class FetchError extends Error {}\n")
    return repo.commit("initial")


def test_a_declaration_moved_between_modules_behind_the_same_barrel_is_no_change(
    repo: Any,
) -> None:
    base = _barrel(repo)
    repo.write(
        "src/index.ts",
        "export * from './fetch';\nexport * from './error';\nexport type * from './types';\n",
    )
    repo.write("src/fetch.ts", "export function run(file: string): void {}\n")
    repo.write("src/types.ts", INTERFACE)

    assert _findings(repo, base) == []


def test_a_declaration_moved_behind_the_barrel_is_compared_with_its_new_home(
    repo: Any,
) -> None:
    base = _barrel(repo)
    repo.write("src/fetch.ts", "export function run(file: string): void {}\n")
    repo.write(
        "src/error.ts",
        "export class FetchError extends Error {}\n"
        + INTERFACE.replace("  shell?: boolean;\n", ""),
    )

    assert _findings(repo, base) == [
        ("major", "removed export Options.shell (member) from src/fetch.ts"),
    ]


def test_a_declaration_moved_to_another_entry_is_removed_and_added(repo: Any) -> None:
    manifest = {
        "name": "demo",
        "exports": {".": "./src/index.ts", "./extra": "./src/extra.ts"},
    }
    repo.write("package.json", json.dumps(manifest))
    repo.write("src/index.ts", INTERFACE)
    repo.write("src/extra.ts", "export const x = 1;\n")
    base = repo.commit("initial")
    repo.write("src/index.ts", "export const y = 2;\n")
    repo.write("src/extra.ts", "export const x = 1;\n" + INTERFACE)

    found = _findings(repo, base)
    assert ("major", "removed export Options (interface) from src/index.ts") in found
    assert ("minor", "new export Options (interface) in src/extra.ts") in found


def test_a_star_reexport_that_follows_a_renamed_module_is_no_change(repo: Any) -> None:
    base = _barrel(repo)
    repo.remove("src/error.ts")
    repo.write("src/errors/error.ts", "export class FetchError extends Error {}\n")
    repo.write("src/index.ts", "export * from './fetch';\nexport * from './errors/error';\n")

    assert _findings(repo, base) == []
