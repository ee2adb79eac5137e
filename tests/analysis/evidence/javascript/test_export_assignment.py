"""TypeScript's ``export = name`` (typings of CommonJS packages): the namespace and the typed
constant of that name give the module's named exports (real files and repositories)."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence.javascript.exports import parse_exports
from release_tools.analysis.evidence.javascript.gatherer import gather
from release_tools.analysis.evidence.javascript.linear import scan_exports
from repo_context import build_context

TYPINGS = """declare namespace run {
    interface Options {
        readonly cwd?: string;
        readonly shell?: boolean;
    }
    type Result = { stdout: string };
}

declare const run: {
    (file: string, options?: run.Options): Promise<run.Result>;
    sync(file: string, options?: run.Options): run.Result;
    command(line: string): Promise<run.Result>;
};

export = run;
"""
SCRIPT = (
    "function run(file, options) { return options.shell ? options.cwd : file; }\n"
    "function sync(file, options) {}\n"
    "function command(line) {}\n"
    "module.exports = run;\n"
    "module.exports.sync = sync;\n"
    "module.exports.command = command;\n"
)


def test_the_namespace_and_the_constant_of_an_export_assignment_are_exports() -> None:
    found = parse_exports(TYPINGS, "index.d.ts")

    assert sorted(found) == [
        "Options",
        "Options.cwd",
        "Options.shell",
        "Result",
        "Result.stdout",
        "command",
        "default",
        "sync",
    ]
    assert (found["sync"].required, found["command"].required) == (1, 1)


def test_an_export_assignment_of_a_function_lists_no_more_than_before() -> None:
    code = "declare function run(file: string): void;\nexport = run;\n"

    assert sorted(parse_exports(code, "index.d.ts")) == ["default"]


def test_a_member_dropped_from_assigned_typings_is_major(repo: Any) -> None:
    manifest = {"name": "run", "main": "index.js", "types": "index.d.ts"}
    repo.write("package.json", json.dumps(manifest))
    repo.write("index.js", SCRIPT)
    repo.write("index.d.ts", TYPINGS)
    base = repo.commit("initial")
    repo.write(
        "index.d.ts",
        TYPINGS.replace("        readonly shell?: boolean;\n", "").replace(
            "    command(line: string): Promise<run.Result>;\n", ""
        ),
    )
    repo.commit("drop command and the shell option")

    items = gather(build_context(repo.path, base))

    majors = sorted(e.message for e in items if e.bump == "major")
    assert majors == [
        "removed export Options.shell (member) from index.d.ts",
        "removed export command (name) from index.d.ts",
    ]


def test_a_namespace_that_marks_exports_shows_only_those() -> None:
    code = (
        "export namespace Util {\n"
        "  const cache = new Map();\n"
        "  function helper() {}\n"
        "  export function get(key: string): number { return 1; }\n"
        "  export interface Options { ttl?: number }\n"
        "}\n"
    )

    assert sorted(parse_exports(code, "util.ts")) == [
        "Util",
        "Util.Options",
        "Util.Options.ttl",
        "Util.get",
    ]


def test_the_linear_scan_lists_an_assigned_namespace_as_the_parse_does() -> None:
    rows, _line_of = scan_exports(TYPINGS)
    parsed = parse_exports(TYPINGS, "index.d.ts")

    # The scan reads the namespace's declarations and interface members; the members of
    # object types (the constant's, the alias's) are the parse's alone.
    assert sorted(rows) == ["Options", "Options.cwd", "Options.shell", "Result", "default"]
    assert set(rows) <= set(parsed)


def _declared_module(name: str, body: str) -> str:
    indented = "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
    return f"declare module '{name}' {{\n{indented}}}\n"


def test_typings_that_declare_their_package_by_name_read_as_its_module() -> None:
    wrapped = (
        _declared_module("run", TYPINGS.replace("declare ", ""))
        + "\n"
        + _declared_module("run/extra", "export function extra(): void;")
    )

    # The same exports as the unwrapped typings: the subpath's declaration is another module.
    assert sorted(parse_exports(wrapped, "index.d.ts")) == sorted(
        parse_exports(TYPINGS, "index.d.ts")
    )


def test_a_move_into_a_declared_module_changes_no_export(repo: Any) -> None:
    manifest = {"name": "run", "main": "index.js", "types": "index.d.ts"}
    repo.write("package.json", json.dumps(manifest))
    repo.write("index.js", SCRIPT)
    repo.write("index.d.ts", TYPINGS)
    base = repo.commit("initial")
    repo.write("index.d.ts", _declared_module("run", TYPINGS.replace("declare ", "")))
    repo.commit("typings as a declared module")

    items = gather(build_context(repo.path, base))

    assert [e.message for e in items if e.bump in ("major", "minor")] == []


def test_a_file_with_exports_of_its_own_keeps_them_and_ignores_augmentations() -> None:
    code = "export function own(): void;\n" + _declared_module(
        "express", "interface Request { user?: string }"
    )

    assert sorted(parse_exports(code, "index.d.ts")) == ["own"]


def test_an_export_list_inside_an_assigned_namespace_exports_what_it_names() -> None:
    code = (
        "declare function pretty(options?: pretty.Options): pretty.Stream;\n"
        "declare namespace pretty {\n"
        "  interface Options { colorize?: boolean }\n"
        "  function build(options: Options): Stream;\n"
        "  type Stream = { write(s: string): void };\n"
        "  type Internal = string;\n"
        "  export { build, pretty, Options, Stream };\n"
        "}\n"
        "export = pretty;\n"
    )

    found = sorted(parse_exports(code, "index.d.ts"))

    # The list selects what the namespace shows: Internal is hidden, pretty is the function
    # the namespace merges with.
    assert "Internal" not in found and "pretty.Internal" not in found
    assert {"Options", "Options.colorize", "build", "Stream", "pretty", "default"} <= set(found)
    assert {"pretty.Options", "pretty.build", "pretty.Stream"} <= set(found)
