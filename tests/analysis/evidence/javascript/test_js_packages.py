"""TypeScript packages built to a gitignored dist/, richer comparisons, and bounded work."""

from __future__ import annotations

import json
from typing import Any

import pytest

from release_tools.analysis.evidence.javascript import entrypoints, gatherer, parser
from release_tools.analysis.evidence.javascript.gatherer import gather
from release_tools.analysis.models import Evidence, EvidenceKind, Strength
from repo_context import build_context
from review_marks import checked

API = "export function parse(text: string): string { return text; }\nexport const limit = 1;\n"
TSCONFIG = """{
  // Comments and trailing commas, as tsc allows.
  "extends": "./tsconfig.base",
  "compilerOptions": {
    /* where the sources are */
    "rootDir": "./lib",
  },
}
"""


def _messages(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in checked(items))


def _run(repo: Any, base: str) -> list[Evidence]:
    repo.commit("change")
    return gather(build_context(repo.path, base))


def _dist_package(repo: Any, root: str = "") -> None:
    manifest = {"name": "demo", "main": "dist/index.js", "types": "dist/index.d.ts"}
    repo.write(f"{root}package.json", json.dumps(manifest))
    repo.write(".gitignore", "dist/\n")
    repo.write(f"{root}dist/index.js", "ignored build output\n")


def test_dist_entries_map_to_sources_through_tsconfig_extends(repo: Any) -> None:
    root = "packages/core/"
    _dist_package(repo, root)
    # Paths in an extended file are relative to that file.
    repo.write(f"{root}tsconfig.base.json", '{"compilerOptions": {"outDir": "dist"}}')
    repo.write(f"{root}tsconfig.json", TSCONFIG)
    repo.write(f"{root}lib/index.ts", "export * from './parse.js';\n")
    repo.write(f"{root}lib/parse.ts", API)
    # A twin under src/ that the tsconfig does not compile: not public.
    repo.write(f"{root}src/index.ts", "export const stale = 1;\n")
    base = repo.commit("initial")
    repo.write(f"{root}lib/parse.ts", API.replace("export const limit = 1;\n", ""))
    repo.write(f"{root}src/index.ts", "")
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "removed export limit (const) from packages/core/lib/parse.ts")
    ]
    assert items[0].strength is Strength.PROOF


def test_dist_entries_map_through_tsconfig_build_json(repo: Any) -> None:
    _dist_package(repo)
    repo.write("tsconfig.json", '{"compilerOptions": {"noEmit": true}}')
    repo.write("tsconfig.build.json", '{"compilerOptions": {"outDir": "dist", "rootDir": "code"}}')
    repo.write("code/index.ts", API)
    base = repo.commit("initial")
    repo.write("code/index.ts", API + "export function added(): void {}\n")
    assert _messages(_run(repo, base)) == [
        ("minor", "new export added (function) in code/index.ts")
    ]


def test_dist_entries_map_to_ts_twins_under_src(repo: Any) -> None:
    _dist_package(repo)
    repo.write("src/index.tsx", "export { parse } from './parse';\n")
    repo.write("src/parse.ts", API)
    repo.write("src/internal.ts", "export function helper() {}\n")
    base = repo.commit("initial")
    repo.write("src/parse.ts", API.replace("text: string)", "text: string, mode: number)"))
    repo.write("src/internal.ts", "")
    items = _run(repo, base)
    assert _messages(items) == [("major", "function parse now needs 2 arguments instead of 1")]
    assert items[0].path == "src/parse.ts"


OPTIONS = """export interface Options {
  ttl?: number;
  name: string;
}
export declare function run(target: string, options?: Options): void;
export declare class Client {
  constructor(url: string);
}
"""


def test_property_made_required_type_changes_and_constructor_arguments(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", OPTIONS)
    base = repo.commit("initial")
    repo.write(
        "index.d.ts",
        OPTIONS.replace("ttl?: number", "ttl: number")
        .replace("target: string", "target: string | URL")
        .replace("url: string", "url: string, key: string"),
    )
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "constructor of Client now needs 2 arguments instead of 1"),
        ("major", "property Options.ttl became required in index.d.ts"),
        (
            "minor",
            "parameter target of run accepts more types (string -> string | URL) in index.d.ts",
        ),
    ]
    kinds = {e.kind for e in items}
    assert kinds == {EvidenceKind.API_CHANGED}
    wider = next(e for e in items if e.bump == "minor")
    assert (wider.strength, wider.line) == (Strength.STRONG, 5)


ISSUES = """export interface Base { path: string }
export interface InvalidUnion extends Base {
  readonly code: "invalid_union";
  readonly errors: string[];
}
export interface Gone { readonly code: string }
"""


def test_an_interface_turned_union_alias_is_a_review_item_not_removals(repo: Any) -> None:
    # The members live on in the union's parts; Gone, now an object type, lost code.
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", ISSUES)
    base = repo.commit("initial")
    repo.write(
        "index.d.ts",
        ISSUES.replace(
            "export interface InvalidUnion extends Base {",
            "interface NoMatch extends Base {",
        ).replace(
            "export interface Gone { readonly code: string }",
            "export type Gone = { other: string };",
        )
        + "interface Many extends Base {\n  readonly code: 'invalid_union';\n  errors: [];\n}\n"
        + "export type InvalidUnion = NoMatch | Many;\n",
    )
    assert _messages(_run(repo, base)) == [
        ("major", "removed export Gone.code (member) from index.d.ts"),
        ("minor", "new export Gone.other (member) in index.d.ts"),
        (
            "patch",
            # code, errors and path (inherited from Base).
            "InvalidUnion takes its members from types not read here (an alias of other types, "
            "or a type of another module it extends): 3 of its members were not compared, e.g. "
            "code (review)",
        ),
    ]


@pytest.mark.parametrize(
    "alias", ["BaseOptions", "Pick<BaseOptions, 'a' | 'b'>", "(A | B)", "Partial<BaseOptions>"]
)
def test_an_interface_turned_into_an_alias_of_other_types_is_a_review_item(
    repo: Any, alias: str
) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", "export interface Options { a: string; b: number }\n")
    base = repo.commit("initial")
    repo.write("index.d.ts", f"export type Options = {alias};\n")
    assert _messages(_run(repo, base)) == [
        (
            "patch",
            "Options takes its members from types not read here (an alias of other types, or a "
            "type of another module it extends): 2 of its members were not compared, e.g. a "
            "(review)",
        ),
    ]


@pytest.mark.parametrize("alias", ["string", "{}", "[string, number]"])
def test_an_interface_turned_into_another_type_loses_its_members(repo: Any, alias: str) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", "export interface Options { timeout: number; retries: number }\n")
    base = repo.commit("initial")
    repo.write("index.d.ts", f"export type Options = {alias};\n")
    assert _messages(_run(repo, base)) == [
        ("major", "removed export Options.retries (member) from index.d.ts"),
        ("major", "removed export Options.timeout (member) from index.d.ts"),
    ]


def test_a_module_too_big_to_parse_is_scanned_and_named(
    repo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("lib/big.js", "export function a(x) {}\nexport function b() {}\n// padding\n")
    base = repo.commit("initial")
    repo.write("lib/big.js", "export function a(x, y) {}\n// padding, padding\n")
    monkeypatch.setattr(parser, "MAX_PARSE_BYTES", 40)
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "function a now needs 2 arguments instead of 1"),
        ("major", "removed export b (function) from lib/big.js"),
        ("patch", "lib/big.js: 0.0 MB, too large to parse; exports compared by a linear scan"),
    ]
    note = next(e for e in items if e.bump == "patch")
    assert (note.kind, note.strength, note.path) == (
        EvidenceKind.INCOMPLETE,
        Strength.WEAK,
        "lib/big.js",
    )


def test_the_parse_budget_bounds_a_run(repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("a", "b"):
        repo.write(f"lib/{name}.js", f"export function {name}(x) {{}}\n")
    base = repo.commit("initial")
    for name in ("a", "b"):
        repo.write(f"lib/{name}.js", f"export function {name}(x) {{}}\nexport const g = 1;\n")
    # Both versions of lib/a.js fit; lib/b.js is over what is left.
    monkeypatch.setattr(gatherer, "PARSE_BUDGET_BYTES", 80)
    items = _run(repo, base)
    assert _messages(items) == [
        ("minor", "new export g (const) in lib/a.js"),
        ("minor", "new export g (const) in lib/b.js"),
        (
            "patch",
            "lib/b.js: the run's parse budget was spent; exports compared by a linear scan",
        ),
    ]


def test_the_scan_budget_leaves_later_modules_unread_and_names_them(
    repo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = "export const kept = 1;\n// padding to a size the test budget counts\n"
    for name in ("m", "n"):
        repo.write(f"lib/{name}.js", module)
    base = repo.commit("initial")
    for name in ("a", "b", "c"):
        repo.write(f"lib/{name}.js", f"export const {name} = 1;\n// padding\n")
    for name in ("m", "n"):
        repo.write(f"lib/{name}.js", module.replace("kept", "renamed"))
    repo.commit("change")
    ctx = build_context(repo.path, base)
    monkeypatch.setattr(parser, "MAX_PARSE_BYTES", 10)  # everything is scanned
    size = len(module.encode())
    # Both modified modules (both sides each) and one of the added ones fit.
    monkeypatch.setattr(gatherer, "SCAN_BUDGET_BYTES", 4 * size + 40)
    read: list[str] = []
    real = gatherer.read_texts

    def spy(ctx: Any, ref: str, paths: list[str]) -> dict[str, str]:
        read.extend(paths)
        return real(ctx, ref, paths)

    monkeypatch.setattr(gatherer, "read_texts", spy)
    messages = _messages(gather(ctx))
    assert ("major", "removed export kept (const) from lib/m.js") in messages
    assert ("major", "removed export kept (const) from lib/n.js") in messages
    assert ("minor", "new export a (const) in lib/a.js") in messages
    assert not [m for _b, m in messages if m.startswith(("new export b", "new export c"))]
    note = [m for b, m in messages if "analysis budget" in m]
    assert note == [
        "2 of 5 changed modules exceed the analysis budget; their exports were not compared: "
        "lib/b.js, lib/c.js"
    ]
    # What is over the budget is never read.
    assert "lib/b.js" not in read and "lib/c.js" not in read


def test_under_the_scan_budget_every_module_is_compared(
    repo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("a", "b"):
        repo.write(f"lib/{name}.js", f"export const {name} = 1;\n")
    base = repo.commit("initial")
    for name in ("a", "b"):
        repo.write(f"lib/{name}.js", f"export const {name}2 = 1;\n")
    monkeypatch.setattr(parser, "MAX_PARSE_BYTES", 10)
    monkeypatch.setattr(gatherer, "SCAN_BUDGET_BYTES", 100)
    messages = _messages(_run(repo, base))
    assert [m for _b, m in messages if "budget" in m] == []
    assert ("minor", "new export b2 (const) in lib/b.js") in messages


def test_big_modules_without_from_are_not_read_for_re_exports(
    repo: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "main": "index.js"}))
    repo.write("index.js", "export * from './big.js';\nexport * from './table.js';\n")
    # Both are over the (lowered) size from which modules are scanned rather than parsed.
    repo.write("big.js", "// re-exports\nexport * from './inner.js';\n")
    repo.write("table.js", "export const t = 1;\n// a generated table\n")
    repo.write("inner.js", "export const i = 1;\n")
    base = repo.commit("initial")
    repo.write("inner.js", "export const i2 = 1;\n")
    repo.write("table.js", "export const t2 = 1;\n// a generated table\n")
    repo.commit("change")
    monkeypatch.setattr(entrypoints, "FOLLOW_PARSE_BYTES", 10)
    monkeypatch.setattr(entrypoints, "GREP_MIN_BYTES", 0)
    ctx = build_context(repo.path, base)
    sizes = {"big.js": 50, "table.js": 50, "small.js": 5}
    assert entrypoints._without_from(ctx, base, ["big.js", "table.js", "small.js"], sizes) == {
        "table.js"
    }
    read: list[str] = []
    real = entrypoints.read_blobs

    def spy(ctx: Any, ref: str, paths: list[str]) -> dict[str, bytes]:
        read.extend(paths)
        return real(ctx, ref, paths)

    monkeypatch.setattr(entrypoints, "read_blobs", spy)
    messages = _messages(gather(ctx))
    # big.js is still followed to inner.js, and table.js is still public.
    assert ("major", "removed export i (const) from inner.js") in messages
    assert ("major", "removed export t (const) from table.js") in messages
    assert "big.js" in read and "table.js" not in read


def test_modules_are_read_in_batches(repo: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "main": "index.js"}))
    lines = "".join(f"export * from './lib/m{i}.js';\n" for i in range(12))
    repo.write("index.js", lines)
    for i in range(12):
        repo.write(f"lib/m{i}.js", f"export function f{i}(a) {{}}\n")
    base = repo.commit("initial")
    for i in range(12):
        repo.write(f"lib/m{i}.js", f"export function f{i}(a, b) {{}}\n")
    repo.commit("change")
    ctx = build_context(repo.path, base)
    calls: list[str] = []
    real_run_bytes, real_show = ctx.git.run_bytes, ctx.git.show_file

    def run_bytes(*args: str, **kwargs: Any) -> bytes:
        calls.append(args[0])
        return real_run_bytes(*args, **kwargs)

    def show_file(ref: str, path: str) -> bytes | None:
        calls.append(f"show {path}")
        return real_show(ref, path)

    monkeypatch.setattr(ctx.git, "run_bytes", run_bytes)
    monkeypatch.setattr(ctx.git, "show_file", show_file)
    items = gather(ctx)
    assert len([e for e in items if e.bump == "major"]) == 12
    assert not [call for call in calls if call.startswith("show")]
    # Per ref: the manifest, two levels of re-exports (sizes, texts), the modified modules'
    # texts for moves, the pairs (sizes, texts) and the option reads (sizes, texts): 20
    # however many modules there are.
    assert calls.count("cat-file") <= 20


JAR = """export type Jar = {
  get: ((url: string, cb: (error: Error | null) => void) => void) // eslint-disable-line
  & ((url: string) => Promise<string>);
  mode: { a: string; b: number };
  kind: 'a' | 'b';
  name: 'Jar';
};
export declare function run(target: {x: string, y: number}): void;
"""

JAR_REFORMATTED = """export type Jar = {
  get: ((url: string, cb: (error: Error | null) => void) => void)
    & ((url: string) => Promise<string>);
  mode: {a: string, b: number,};
  kind:
    | 'a'
    | 'b';
  name: "Jar";
};
export declare function run(target: { x: string; y: number; }): void;
"""


def test_types_reformatted_or_with_comments_dropped_are_no_change(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", JAR)
    base = repo.commit("initial")
    repo.write("index.d.ts", JAR_REFORMATTED)
    assert _messages(_run(repo, base)) == []
    repo.write("index.d.ts", JAR_REFORMATTED.replace("Error | null", "Error | undefined"))
    [(bump, message)] = _messages(_run(repo, base))
    assert bump == "patch"
    assert message.startswith(
        "property Jar.get changed type from ((url: string, cb: (error: Error | null) => void) "
        "=> void) & ((url: string) => Promise<string>) to ((url: string, cb: (error: Error | "
        "undefined) => void) => void)"
    )
