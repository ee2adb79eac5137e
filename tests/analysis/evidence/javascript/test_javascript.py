"""JavaScript/TypeScript export evidence from real repositories."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence import MAX_PER_SOURCE, cap_evidence
from release_tools.analysis.evidence._common import GATHER_LIMIT
from release_tools.analysis.evidence.javascript import compare, versions
from release_tools.analysis.evidence.javascript import gatherer as javascript
from release_tools.analysis.evidence.javascript.exports import param_names
from release_tools.analysis.evidence.javascript.gatherer import (
    gather,
    node_minimum,
    parse_exports,
    required_params,
)
from release_tools.analysis.models import Evidence, Strength
from repo_context import build_context
from review_marks import checked

INDEX = """import { helper } from './lib/helper.js';
// export function commented() {}
export function parse(text, options = {}) {
  return helper(text);
}
export const VERSION_KEY = 'x';
export class Parser {}
export { format, format as fmt } from './lib/format.js';
export * from './lib/extra.js';
"""

EXTRA = "export function extra(a) { return a; }\n"
INTERNAL = "export function helper(t) { return t; }\nexport function gone() {}\n"


def _repo(repo: Any, manifest: dict[str, Any] | None = None) -> str:
    pkg = {"name": "demo", "main": "index.js", "bin": {"demo": "cli.js"}}
    repo.write("package.json", json.dumps(manifest or pkg))
    repo.write("index.js", INDEX)
    repo.write("cli.js", "#!/usr/bin/env node\n")
    repo.write("lib/format.js", "export function format(x) { return x; }\n")
    repo.write("lib/extra.js", EXTRA)
    repo.write("lib/helper.js", INTERNAL)
    repo.write("test/index.test.js", "export function t() {}\n")
    return repo.commit("initial")


def _run(repo: Any, base: str) -> list[Evidence]:
    repo.commit("change")
    return gather(build_context(repo.path, base))


def _messages(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in checked(items))


def test_parse_exports_covers_the_forms() -> None:
    code = (
        "export default function main(a) {}\n"
        "export interface Opts { a: string }\n"
        "export type Mode = 'a' | 'b';\n"
        "export const run = async (a: string, b?: number) => {};\n"
        "export * as ns from './ns';\n"
        "const s = 'export function fake() {}';\n"
        "module.exports = { one, two: 2, three() { return { a: 1 }; } };\n"
        "exports.four = 4;\n"
    )
    exports = parse_exports(code)
    assert sorted(exports) == sorted(
        ["Opts", "Opts.a", "Mode", "default", "four", "ns", "one", "run", "three", "two"]
    )
    assert exports["run"].required == 1
    assert exports["default"].required == 1
    assert exports["one"].line == 7


def test_required_params() -> None:
    assert required_params("a, b = 1, c?: number, ...rest") == 1
    assert required_params("a: Map<string, number>, cb: (x: number) => void") == 2
    assert required_params("{ a, b } = {}") == 0


def test_removed_export_of_entry_is_major_proof(repo: Any) -> None:
    base = _repo(repo)
    repo.write("index.js", INDEX.replace("export class Parser {}\n", ""))
    items = _run(repo, base)
    assert _messages(items) == [("major", "removed export Parser (class) from index.js")]
    assert (items[0].strength, items[0].path, items[0].line) == (Strength.PROOF, "index.js", 7)


def test_reexported_module_is_public_internal_module_is_not(repo: Any) -> None:
    base = _repo(repo)
    repo.write("lib/extra.js", "export function other() {}\n")
    repo.write("lib/helper.js", "export function helper(t) { return t; }\n")
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "removed export extra (function) from lib/extra.js"),
        ("minor", "new export other (function) in lib/extra.js"),
    ]


def test_new_required_parameter_is_major_new_export_minor(repo: Any) -> None:
    base = _repo(repo)
    code = INDEX.replace("parse(text, options = {})", "parse(text, mode, options = {})")
    repo.write("index.js", code + "export function added() {}\n")
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "function parse now needs 2 arguments instead of 1"),
        ("minor", "new export added (function) in index.js"),
    ]


def test_package_json_exports_and_bin(repo: Any) -> None:
    manifest = {
        "name": "demo",
        "exports": {".": "./index.js", "./format": "./lib/format.js"},
        "bin": {"demo": "cli.js"},
    }
    base = _repo(repo, manifest)
    manifest = {
        "name": "demo",
        "exports": {".": "./index.js"},
        "bin": {"demo": "cli.js", "demo2": "cli.js"},
    }
    repo.write("package.json", json.dumps(manifest))
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "removed package export './format' from package.json exports"),
        ("minor", "new command 'demo2' in package.json bin"),
    ]


def test_opening_package_json_to_tools_is_no_new_export(repo: Any) -> None:
    base = _repo(repo, {"name": "demo", "exports": {".": "./index.js"}})
    manifest = {
        "name": "demo",
        "exports": {".": "./index.js", "./package.json": "./package.json", "./x": "./index.js"},
    }
    repo.write("package.json", json.dumps(manifest))
    assert _messages(_run(repo, base)) == [
        ("minor", "new package export './x' in package.json exports")
    ]


def test_typescript_declarations_in_excluded_dist_still_count(repo: Any) -> None:
    manifest = {"name": "demo", "main": "dist/index.js", "types": "dist/index.d.ts"}
    repo.write("package.json", json.dumps(manifest))
    repo.write("dist/index.js", "export function a(x) {}\n")
    repo.write(
        "dist/index.d.ts",
        "export declare function a(x: string): void;\nexport declare const b: number;\n",
    )
    base = repo.commit("initial")
    repo.write("dist/index.d.ts", "export declare function a(x: string, y: string): void;\n")
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "function a now needs 2 arguments instead of 1"),
        ("major", "removed export b (const) from dist/index.d.ts"),
    ]


def test_tests_are_ignored_and_no_manifest_lowers_trust(repo: Any) -> None:
    repo.write("src/mod.ts", "export function a() {}\nexport function b() {}\n")
    repo.write("src/mod.test.ts", "export function t() {}\n")
    base = repo.commit("initial")
    repo.write("src/mod.ts", "export function a() {}\n")
    repo.write("src/mod.test.ts", "")
    items = _run(repo, base)
    assert _messages(items) == [("major", "removed export b (function) from src/mod.ts")]
    assert items[0].strength is Strength.STRONG


def test_class_and_interface_members() -> None:
    code = (
        "export declare class Help {\n"
        "  width?: number;\n"
        "  private secret: string;\n"
        "  wrap(str: string, width: number, indent?: number): string;\n"
        "  wrap(str: string): string;\n"
        "  _internal(): void;\n"
        "}\n"
        "class Cmd {\n"
        "  opt(flags, desc) { if (flags) { return 1; } }\n"
        "  #hidden() {}\n"
        "}\n"
        "module.exports = { Cmd };\n"
    )
    exports = parse_exports(code)
    members = {k: (v.line, v.required) for k, v in exports.items() if v.kind == "member"}
    assert members == {"Help.width": (2, None), "Help.wrap": (4, 1), "Cmd.opt": (9, 2)}
    assert "default" not in exports


def test_removed_method_of_exported_class_is_major(repo: Any) -> None:
    repo.write(
        "package.json", json.dumps({"name": "demo", "main": "index.js", "types": "index.d.ts"})
    )
    # The code implements what the typings declare (see the typings-correction test below).
    repo.write(
        "index.js", "class Help {\n  wrap(s) {}\n  pad(s) {}\n}\nmodule.exports = { Help };\n"
    )
    repo.write(
        "index.d.ts",
        "export class Help {\n  wrap(s: string): string;\n  pad(s: string): string;\n}\n",
    )
    base = repo.commit("initial")
    repo.write(
        "index.d.ts",
        "export class Help {\n  pad(s: string): string;\n  style(s: string): string;\n}\n",
    )
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "removed export Help.wrap (member) from index.d.ts"),
        ("minor", "new export Help.style (member) in index.d.ts"),
    ]


def test_node_minimum() -> None:
    assert node_minimum("20 || >=22") == (20,)
    assert node_minimum("^12.20.0 || ^14.13.1 || >=16.0.0") == (12, 20)
    assert node_minimum(None) is None


def test_esm_only_switch_and_raised_node_minimum_are_major(repo: Any) -> None:
    repo.write(
        "package.json", json.dumps({"name": "d", "main": "index.js", "engines": {"node": ">=14"}})
    )
    repo.write("index.js", "module.exports = function () {};\n")
    base = repo.commit("initial")
    manifest = {"name": "d", "type": "module", "exports": "./index.js", "engines": {"node": ">=18"}}
    repo.write("package.json", json.dumps(manifest))
    repo.write("index.js", "export default function () {}\n")
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "package became ESM-only (type: module, no require entry): require() breaks"),
        ("major", "requires Node.js 18 or newer (was 14)"),
    ]


def test_manifests_of_docs_sites_and_private_packages_are_not_read(repo: Any) -> None:
    old = {"name": "site", "main": "index.js", "engines": {"node": ">=14"}}
    new = {"name": "site", "type": "module", "exports": "./index.js", "engines": {"node": ">=18"}}
    repo.write("package.json", json.dumps({"name": "d", "main": "index.js"}))
    repo.write("index.js", "module.exports = function () {};\n")
    repo.write("docs/package.json", json.dumps(old))
    repo.write("playground/package.json", json.dumps({**old, "private": True}))
    base = repo.commit("initial")
    repo.write("docs/package.json", json.dumps(new))
    repo.write("playground/package.json", json.dumps({**new, "private": True}))
    # Neither is published: the docs site sits in docs/, the playground says so.
    assert _messages(_run(repo, base)) == []


def test_engines_within_same_major_and_dual_packages_are_fine(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "d", "engines": {"node": ">=18.0"}}))
    base = repo.commit("initial")
    manifest = {
        "name": "d",
        "type": "module",
        "exports": {".": {"import": "./i.js", "require": "./i.cjs"}},
        "engines": {"node": ">=18.12"},
    }
    repo.write("package.json", json.dumps(manifest))
    assert [e for e in _run(repo, base) if e.bump == "major"] == []


def test_declared_namespace_members_are_listed() -> None:
    code = (
        "export declare namespace Cache {\n"
        "    type Reason = 'evict';\n"
        "    interface Options {\n"
        "        ttl?: number;\n"
        "    }\n"
        "}\n"
    )
    assert sorted(parse_exports(code)) == [
        "Cache",
        "Cache.Options",
        "Cache.Options.ttl",
        "Cache.Reason",
    ]


def test_monorepo_packages_use_their_own_manifest(repo: Any) -> None:
    for name in ("a", "b"):
        repo.write(f"packages/{name}/package.json", json.dumps({"name": name, "main": "main.js"}))
        repo.write(f"packages/{name}/main.js", "export function api() {}\n")
        repo.write(f"packages/{name}/internal.js", "export function helper() {}\n")
    base = repo.commit("initial")
    repo.write("packages/b/main.js", "export function api() {}\nexport function more() {}\n")
    repo.write("packages/b/internal.js", "")
    repo.write("packages/a/internal.js", "")
    items = _run(repo, base)
    assert _messages(items) == [("minor", "new export more (function) in packages/b/main.js")]


def test_thousands_of_exports_give_bounded_evidence_with_exact_counts(
    repo: Any, monkeypatch: Any
) -> None:
    # A generated module (no package.json: every changed module counts) with 3000 exports, one
    # of them removed, and a second module that loses 2 exports: 3003 findings in all.
    old = "".join(f"export const value_{i:05d} = {i};\n" for i in range(3000))
    repo.write("gen/table.js", "export const dropped = 1;\n")
    repo.write("lib/api.js", "export function a(x) {}\nexport function b() {}\n")
    base = repo.commit("initial")
    repo.write("gen/table.js", old)
    repo.write("lib/api.js", "export function c() {}\n")
    built: list[str] = []
    real = javascript.evidence

    def counting(*args: Any, **kwargs: Any) -> Evidence:
        item = real(*args, **kwargs)
        built.append(item.message)
        return item

    monkeypatch.setattr(javascript, "evidence", counting)
    monkeypatch.setattr(versions, "evidence", counting)
    monkeypatch.setattr(compare, "evidence", counting)
    items = _run(repo, base)
    # Only what the report can show is ever built (was: one Evidence per export).
    assert len(built) <= 2 * GATHER_LIMIT
    # The allowance in full, then one summary with the exact count of the rest (e85f247).
    assert len(items) == GATHER_LIMIT + 1
    removed = [e.message for e in items if e.bump == "major"]
    assert removed == [
        "removed export dropped (const) from gen/table.js",
        "removed export a (function) from lib/api.js",
        "removed export b (function) from lib/api.js",
    ]
    left = 3000 + 1 - (GATHER_LIMIT - 3)
    assert items[-1].message == f"... and {left} more javascript-api items ({left} minor)"
    assert items[-1].omitted == left
    # The report's cap keeps fewer, and the exact total still reaches the output.
    capped = cap_evidence(items)
    assert len([e for e in capped if not e.is_summary]) == MAX_PER_SOURCE
    assert sum(e.count for e in capped) == sum(e.count for e in items) == 3004
    new_exports = [e for e in items if e.message.startswith("new export")]
    assert new_exports[0].message == "new export value_00000 (const) in gen/table.js"
    assert new_exports[0].line == 1


def test_modules_compared_in_a_forked_child_give_the_same_evidence(
    repo: Any, monkeypatch: Any
) -> None:
    for index in range(6):
        names = "".join(f"export const v{index}_{i} = {i};\n" for i in range(20))
        repo.write(f"lib/m{index}.js", names + "export function gone(a) {}\n")
    base = repo.commit("initial")
    for index in range(6):
        names = "".join(f"export const v{index}_{i} = {i};\n" for i in range(25))
        repo.write(f"lib/m{index}.js", names)
    repo.commit("change")
    ctx = build_context(repo.path, base)
    alone = gather(ctx)
    forks: list[object] = []
    real_fork = javascript.fork_call

    def counting(function: Any) -> Any:
        child = real_fork(function)
        forks.append(child)
        return child

    monkeypatch.setattr(javascript, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(javascript, "fork_call", counting)
    assert gather(ctx) == alone
    assert forks and forks[0] is not None
    assert [e.message for e in alone if e.bump == "major"][:2] == [
        "removed export gone (function) from lib/m0.js",
        "removed export gone (function) from lib/m1.js",
    ]


TYPINGS = """export class Option {
  flags: string;
  env(name: string): this;
  fullDescription(): string;
  wrap(text: string): string;
}
"""

OPTION_JS = """class Option {
  env(name) { return this; }
  wrap(text) { return text; }
}
module.exports = { Option };
"""


def test_member_dropped_from_typings_that_the_code_never_had_is_weak(repo: Any) -> None:
    pkg = {"name": "demo", "main": "index.js", "types": "typings/index.d.ts"}
    repo.write("package.json", json.dumps(pkg))
    repo.write("index.js", "const { Option } = require('./lib/option.js');\n")
    repo.write("lib/option.js", OPTION_JS)
    repo.write("typings/index.d.ts", TYPINGS)
    base = repo.commit("initial")
    # fullDescription was only ever declared; wrap was implemented and goes from both.
    repo.write(
        "typings/index.d.ts",
        TYPINGS.replace("  fullDescription(): string;\n", "").replace(
            "  wrap(text: string): string;\n", ""
        ),
    )
    repo.write("lib/option.js", OPTION_JS.replace("  wrap(text) { return text; }\n", ""))
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "removed export Option.wrap (member) from typings/index.d.ts"),
        (
            "patch",
            "Option.fullDescription dropped from typings/index.d.ts, but no JavaScript of the "
            "base defines it: a typings correction (review)",
        ),
    ]
    phantom = next(e for e in items if e.bump == "patch")
    assert (phantom.strength, phantom.line) == (Strength.WEAK, 4)


def test_typings_without_code_in_the_repository_keep_removals_major(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "@types/demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", TYPINGS)
    base = repo.commit("initial")
    repo.write("index.d.ts", TYPINGS.replace("  fullDescription(): string;\n", ""))
    assert _messages(_run(repo, base)) == [
        ("major", "removed export Option.fullDescription (member) from index.d.ts"),
    ]


COERCE = """const parse = require('./parse');
// options.documentedOnly is mentioned in a comment only
const coerce = (version, options) => {
  options = options || {};
  if (!options.rtl) {
    return parse(version, options);
  }
  return null;
};
module.exports = coerce;
"""


def test_module_reading_a_new_option_is_minor(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "main": "index.js"}))
    repo.write("index.js", "module.exports = { coerce: require('./functions/coerce') };\n")
    repo.write("functions/coerce.js", COERCE)
    repo.write("vendor/dep/index.js", "module.exports = (o) => o;\n")
    base = repo.commit("initial")
    repo.write(
        "functions/coerce.js",
        COERCE.replace(
            "    return parse(version, options);",
            "    options.loose = true;\n"
            "    const full = options.includePrerelease && options.documentedOnly;\n"
            "    return parse(version, { ...options, full, rtl: options.rtl });",
        ),
    )
    # Vendored code reading options is another package's business.
    repo.write("vendor/dep/index.js", "module.exports = (o) => o && opts.fresh;\n")
    items = _run(repo, base)
    # loose is assigned, documentedOnly was in the base text, rtl was read before.
    assert _messages(items) == [
        ("minor", "functions/coerce.js reads a new option includePrerelease"),
    ]
    assert (items[0].path, items[0].line, items[0].strength) == (
        "functions/coerce.js",
        7,
        Strength.STRONG,
    )


def test_new_destructured_option_in_typings_is_minor_and_a_rename_is_not(repo: Any) -> None:
    pkg = {"name": "demo", "main": "index.js", "types": "index.d.ts"}
    repo.write("package.json", json.dumps(pkg))
    repo.write("index.js", "export const escape = (s, { noEscape = false } = {}) => s;\n")
    repo.write(
        "index.d.ts",
        "export declare const escape: (s: string, { noEscape, }?: Opts) => string;\n"
        "export declare function pad(text: string, width?: number): string;\n",
    )
    base = repo.commit("initial")
    repo.write(
        "index.js",
        "export const escape = (s, { noEscape = false, braces = false } = {}) => s;\n",
    )
    repo.write(
        "index.d.ts",
        "export declare const escape: (s: string, { noEscape, braces, }?: Opts) => string;\n"
        "export declare function pad(str: string, size?: number): string;\n",
    )
    items = _run(repo, base)
    assert _messages(items) == [
        ("minor", "escape accepts new parameter or option braces in index.d.ts"),
        ("minor", "escape accepts new parameter or option braces in index.js"),
    ]


def test_param_names_reads_plain_and_destructured_parameters() -> None:
    assert param_names("s: string, { a, b = 1, c: alias, ...rest }: O = {}, ...more") == {
        "s",
        "a",
        "b",
        "c",
        "rest",
        "more",
    }
    assert param_names("this: Window, x?: number") == {"x"}


def test_vendored_modules_are_not_api_without_a_manifest(repo: Any) -> None:
    repo.write("source/index.js", "export function paint(text) { return text; }\n")
    repo.write("source/vendor/supports/index.js", "export function level() {}\n")
    base = repo.commit("initial")
    repo.write("source/vendor/supports/index.js", "export function levels() {}\n")
    repo.write(
        "source/index.js", "export function paint(text) { return text; }\nexport const x = 1;\n"
    )
    assert _messages(_run(repo, base)) == [("minor", "new export x (const) in source/index.js")]
