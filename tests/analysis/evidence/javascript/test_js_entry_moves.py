"""A package entry moved to another file (and rewritten): compared with its new home."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence.javascript.entrymoves import entry_targets, moved_entries
from release_tools.analysis.evidence.javascript.gatherer import gather
from repo_context import build_context

OLD_MAIN = (
    "export default function meow(help, options) { return help; }\n"
    "export function parse(argv) { return argv; }\n"
    "export const version = '1';\n"
)
NEW_MAIN = (
    "import {build} from './options.js';\n\n"
    "export default function meow(helpText, options = {}) { return build(helpText); }\n"
    "export function parse(argv, extra = {}) { return argv; }\n"
)


def _manifest(repo: Any, exports: object) -> None:
    repo.write("package.json", json.dumps({"name": "meow", "type": "module", "exports": exports}))


def _messages(items: list[Any]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in items if e.bump in ("major", "minor"))


def test_entry_targets_follow_export_conditions_then_main_and_types() -> None:
    assert entry_targets({"exports": {"types": "./index.d.ts", "default": "./src/a.js"}}) == {
        "code": "src/a.js",
        "types": "index.d.ts",
    }
    assert entry_targets({"exports": {".": {"import": "./esm/a.mjs"}, "./x": "./x.js"}}) == {
        "code": "esm/a.mjs"
    }
    assert entry_targets({"main": "lib/index.js", "typings": "lib/index.d.ts"}) == {
        "code": "lib/index.js",
        "types": "lib/index.d.ts",
    }
    assert entry_targets({"exports": {".": "./dist/*.js"}}) == {}


def test_a_moved_main_module_is_compared_with_its_new_file(repo: Any) -> None:
    _manifest(repo, {"default": "./index.js"})
    repo.write("index.js", OLD_MAIN)
    base = repo.commit("initial")
    repo.remove("index.js")
    _manifest(repo, {"default": "./source/index.js"})
    repo.write("source/index.js", NEW_MAIN)
    repo.write("source/options.js", "export function build(text) { return text; }\n")
    repo.commit("move to source/")

    items = gather(build_context(repo.path, base))

    # Only what really changed: `version` is gone, `parse` takes an option; `meow` stayed.
    assert _messages(items) == [
        ("major", "removed export version (const) from index.js"),
        ("minor", "parse accepts new parameter or option extra in source/index.js"),
    ]


def test_an_esm_wrapper_folded_into_the_existing_main_module(repo: Any) -> None:
    dual = {".": {"require": "./index.js", "import": "./esm.mjs"}}
    repo.write("package.json", json.dumps({"name": "commander", "exports": dual}))
    repo.write("index.js", "exports.program = {};\nexports.Command = class Command {};\n")
    repo.write("esm.mjs", "import c from './index.js';\nexport const { program, Command } = c;\n")
    base = repo.commit("dual package")
    repo.remove("esm.mjs")
    esm_only = {"name": "commander", "type": "module", "exports": {".": "./index.js"}}
    repo.write("package.json", json.dumps(esm_only))
    repo.write("index.js", "export const program = {};\nexport class Command {}\n")
    repo.commit("ESM only")

    # The wrapper's names are all in index.js now: nothing an importer used is gone.
    assert moved_entries(build_context(repo.path, base), ["esm.mjs"], [], ["index.js"]) == {
        "esm.mjs": "index.js"
    }
    assert not [m for b, m in _messages(gather(build_context(repo.path, base))) if "esm" in m]


def test_files_that_no_entry_names_are_not_paired(repo: Any) -> None:
    _manifest(repo, {"default": "./index.js", "types": "./index.d.ts"})
    repo.write("index.js", OLD_MAIN)
    repo.write("index.d.ts", "export declare const version: string;\n")
    repo.write("extra.js", "export function extra() {}\n")
    base = repo.commit("initial")
    repo.remove("extra.js")
    repo.remove("index.d.ts")
    repo.write("other.js", "export function extra() {}\n")
    repo.write("types/index.d.ts", "export declare const version: string;\n")
    repo.commit("move a module; drop the typings entry")
    ctx = build_context(repo.path, base)

    # extra.js was no entry; index.d.ts was, but the manifest names no typings now.
    deleted, added = ["extra.js", "index.d.ts"], ["other.js", "types/index.d.ts"]
    assert moved_entries(ctx, deleted, added) == {}


def test_a_main_module_rewritten_in_typescript_is_compared_with_its_source(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "cookie", "main": "index.js"}))
    repo.write("index.js", "exports.parse = parse;\nfunction parse(str, options) {}\n")
    base = repo.commit("initial")
    repo.remove("index.js")
    repo.write("package.json", json.dumps({"name": "cookie", "main": "dist/index.js"}))
    repo.write("src/index.ts", "export function parse(str: string, options?: object) {}\n")
    repo.commit("rewrite in TypeScript")

    assert _messages(gather(build_context(repo.path, base))) == []


def test_what_a_bin_program_exports_is_no_api(repo: Any) -> None:
    manifest = {"name": "rimraf", "main": "index.js", "bin": {"rimraf": "bin.js"}}
    repo.write("package.json", json.dumps(manifest))
    repo.write("index.js", "export function rimraf(path) {}\n")
    repo.write("bin.js", "export const help = 'usage';\nexport default async function main() {}\n")
    base = repo.commit("initial")
    repo.write("bin.js", "async function main() {}\nmain();\n")
    repo.commit("the program no longer exports its parts")

    assert _messages(gather(build_context(repo.path, base))) == []


SHIM = """const load = name => import("../dist/index.mjs").then(r => r[name]);
exports.fetch = (input, init) => load("fetch").then(f => f(input, init));
exports.ofetch = (input, init) => load("ofetch").then(f => f(input, init));
exports.$fetch = (input, init) => load("$fetch").then(f => f(input, init));
"""

SOURCE = """export const fetch = globalThis.fetch;
export function ofetch(input: string, init?: object) {}
export const $fetch = ofetch;
export function createFetch(options?: object) {}
"""


def _conditions(require: str) -> dict[str, object]:
    default = {"types": "./dist/index.d.ts", "import": "./dist/index.mjs", "require": require}
    return {"name": "ofetch", "type": "module", "exports": {".": {"default": default}}}


def test_a_committed_commonjs_shim_replaced_by_a_built_file_is_compared_with_its_source(
    repo: Any,
) -> None:
    repo.write("package.json", json.dumps(_conditions("./cjs/index.cjs")))
    repo.write("cjs/index.cjs", SHIM)
    repo.write("src/index.ts", SOURCE)
    base = repo.commit("initial")
    repo.remove("cjs/index.cjs")
    repo.write("package.json", json.dumps(_conditions("./dist/index.cjs")))
    repo.write("src/index.ts", SOURCE + "export type FetchOptions = { retry?: number };\n")
    repo.commit("build the CommonJS entry")

    ctx = build_context(repo.path, base)
    assert moved_entries(ctx, ["cjs/index.cjs"], [], ["src/index.ts", "package.json"]) == {
        "cjs/index.cjs": "src/index.ts"
    }
    # Every name the shim served is still served; only the new type is news.
    assert _messages(gather(ctx)) == [
        ("minor", "new export FetchOptions (type) in src/index.ts"),
        ("minor", "new export FetchOptions.retry (member) in src/index.ts"),
    ]


def test_a_shim_whose_names_the_built_file_no_longer_serves_is_a_removal(repo: Any) -> None:
    repo.write("package.json", json.dumps(_conditions("./cjs/index.cjs")))
    repo.write("cjs/index.cjs", SHIM)
    repo.write("src/index.ts", SOURCE)
    base = repo.commit("initial")
    repo.remove("cjs/index.cjs")
    repo.write("package.json", json.dumps(_conditions("./dist/index.cjs")))
    repo.write("src/index.ts", SOURCE.replace("export const $fetch = ofetch;\n", ""))
    repo.commit("drop $fetch")

    messages = _messages(gather(build_context(repo.path, base)))
    assert ("major", "removed export $fetch (const) from src/index.ts") in messages
    assert not [m for _b, m in messages if "cjs/" in m and "$fetch" not in m]
