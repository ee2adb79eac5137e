"""What the tree-sitter reading of a module finds that a line scanner gets wrong or misses."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis.evidence.javascript import exports, parser
from release_tools.analysis.evidence.javascript.exports import parse_exports, read_module
from release_tools.analysis.evidence.javascript.options import option_reads
from release_tools.analysis.evidence.javascript.signatures import ParamKind


def _summary(code: str, path: str | None = None) -> dict[str, tuple[str, int | None]]:
    return {name: (e.kind, e.required) for name, e in parse_exports(code, path).items()}


def test_multi_line_signatures_with_types_defaults_and_rest() -> None:
    code = (
        "export function multi(\n"
        "  first: string,\n"
        "  second?: number,\n"
        "  third = 3,\n"
        "  ...rest: string[]\n"
        "): void {}\n"
    )
    module = read_module(code, "m.ts")
    assert module.rows["multi"][2:] == (1, frozenset({"first", "second", "third", "rest"}))
    signature = module.shapes["multi"].signature
    assert signature is not None and signature.params is not None
    assert [(p.name, p.kind, p.type) for p in signature.params] == [
        ("first", ParamKind.REQUIRED, "string"),
        ("second", ParamKind.OPTIONAL, "number"),
        ("third", ParamKind.DEFAULT, None),
        ("rest", ParamKind.REST, "string[]"),
    ]


def test_export_inside_comments_strings_and_template_literals_is_no_export() -> None:
    code = (
        "// export function commented() {}\n"
        "/* export class Hidden {} */\n"
        "const s = 'export const inString = 1';\n"
        "const t = `a ${`nested ${s} export const inTemplate = 1;`} b`;\n"
        "const u = `\n"
        "export function inMultiLineTemplate() {}\n"
        "`;\n"
        "export const real = 1;\n"
    )
    assert parse_exports(code) == {"real": exports.Export("real", "const", 8)}


def test_typescript_overloads_hide_the_implementation_signature() -> None:
    code = (
        "export function over(a: string): void;\n"
        "export function over(a: string, b: number): void;\n"
        "export function over(a: any, b?: any, secret?: any) {}\n"
    )
    over = parse_exports(code, "m.ts")["over"]
    assert (over.line, over.required, over.params) == (1, 1, frozenset({"a", "b"}))


def test_default_exported_functions_carry_their_signature() -> None:
    assert _summary("export default (a, { depth, mode } = {}) => a;\n", "m.js") == {
        "default": ("function", 1)
    }
    assert parse_exports("export default x => x;\n", "m.js")["default"].params == {"x"}
    assert _summary("function run(a, b) {}\nexport default run;\n", "m.js") == {
        "default": ("default", 2)
    }
    assert _summary("module.exports = async function (a, b, c) {};\n", "m.cjs") == {
        "default": ("function", 3)
    }


def test_destructured_parameters_give_their_keys() -> None:
    code = "export function f({ a, b: renamed, c = 1, ...others }, [x, y], { 'quoted': q }) {}\n"
    f = parse_exports(code, "m.js")["f"]
    assert (f.required, f.params) == (3, frozenset({"a", "b", "c", "others", "quoted"}))
    bound = parse_exports("export const { one, two: second, ...more } = source;\n")
    assert sorted(bound) == ["more", "one", "second"]


def test_names_exported_by_reference_take_the_local_declaration() -> None:
    code = (
        "function local(a, b) {}\n"
        "class Widget {\n"
        "  constructor(target) {}\n"
        "  render(mode) {}\n"
        "}\n"
        "export { local as aliased, Widget };\n"
        "exports.helper = function (x, y, z) {};\n"
    )
    found = parse_exports(code, "m.js")
    assert (found["aliased"].required, found["aliased"].params) == (2, frozenset({"a", "b"}))
    assert (found["Widget"].required, found["Widget.render"].line) == (1, 4)
    assert found["helper"].required == 3
    assert "local" not in found


def test_compiled_commonjs_exports_are_described_where_assigned() -> None:
    code = (
        '"use strict";\n'
        "exports.Ignore = exports.check = void 0;\n"
        "class Ignore {\n"
        "  add(pattern) {}\n"
        "}\n"
        "exports.Ignore = Ignore;\n"
        "function check(a, b) {}\n"
        "exports.check = check;\n"
    )
    found = parse_exports(code, "ignore.js")
    assert {n: (e.kind, e.line, e.required) for n, e in found.items()} == {
        "check": ("name", 2, 2),
        "Ignore": ("name", 2, None),
        "Ignore.add": ("member", 4, 1),
    }


def test_interfaces_types_and_enums_list_their_members() -> None:
    code = (
        "export interface Opts { ttl?: number; name: string; run(x: number): void }\n"
        "export type Point = { x: number; y?: number };\n"
        "export type Mode = 'a' | 'b';\n"
        "export enum Color { Red, Green = 2 }\n"
        "export declare class Box { private inner: number; protected size?: number; "
        "get area(): number; static of(n: number): Box; #hidden: 1 }\n"
    )
    module = read_module(code, "m.ts")
    assert sorted(module.rows) == [
        "Box",
        "Box.area",
        "Box.of",
        "Box.size",
        "Color",
        "Color.Green",
        "Color.Red",
        "Mode",
        "Opts",
        "Opts.name",
        "Opts.run",
        "Opts.ttl",
        "Point",
        "Point.x",
        "Point.y",
    ]
    ttl, name = module.shapes["Opts.ttl"], module.shapes["Opts.name"]
    assert (ttl.optional, ttl.type, ttl.in_type) == (True, "number", True)
    assert (name.optional, name.in_type) == (False, True)
    assert module.shapes["Box.size"].in_type is False
    assert module.rows["Opts.run"][2] == 1


def test_grammar_follows_the_file_name() -> None:
    jsx = "export const App = () => <div className='x'>{1}</div>;\nexport function B(p) {}\n"
    assert _summary(jsx, "app.jsx") == {"App": ("function", 0), "B": ("function", 1)}
    assert _summary(jsx, "app.tsx") == {"App": ("function", 0), "B": ("function", 1)}
    # A TypeScript cast reads differently in TSX: the .ts grammar takes it.
    assert _summary("export const n = <number>value;\n", "n.ts") == {"n": ("const", None)}


def test_reexport_forms_and_sources() -> None:
    code = (
        "export * from './all';\n"
        "export * as ns from './ns.js';\n"
        "export { default as main, type Opts } from './main';\n"
        "export { x } from 'external';\n"
    )
    found = parse_exports(code, "index.ts")
    assert {n: e.kind for n, e in found.items()} == {
        "* from ./all": "re-export",
        "ns": "namespace",
        "main": "name",
        "Opts": "name",
        "x": "name",
    }
    assert exports.star_sources(code, "index.ts") == ["./all", "./ns.js", "./main"]


def test_big_modules_are_scanned_linearly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser, "MAX_PARSE_BYTES", 100)
    code = "export function big(a, b) {}\n" + "".join(
        f"export const v{i} = {i};\n" for i in range(10)
    )
    module = read_module(code, "big.js")
    assert not module.parsed and module.sources is None
    assert module.rows["big"][2] == 2 and len(module.rows) == 11
    assert exports.star_sources("export * from './x';\n" + code) == ["./x"]


def test_trees_over_the_node_cap_are_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parser, "MAX_NODES", 20)
    code = "export const table = [" + ", ".join(str(i) for i in range(50)) + "];\n"
    assert parser.parse(code.encode(), parser.Grammar.JAVASCRIPT) is None
    assert not read_module(code + "// node cap\n", "t.js").parsed


def test_each_file_version_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = parser.parse

    def counting(source: bytes, grammar: Any) -> Any:
        calls.append(len(source))
        return real(source, grammar)

    monkeypatch.setattr(parser, "parse", counting)
    code = "export * from './a';\nexport function once(x) {}\n// parse-once\n"
    first = read_module(code, "m.js")
    assert exports.star_sources(code, "m.js") == ["./a"]
    assert read_module(code, "other/path.js") is first
    assert len(calls) == 1
    read_module(code, "m.ts")  # another grammar reads it anew
    assert len(calls) == 2


def test_parse_budget_sends_the_rest_to_the_linear_scan() -> None:
    budget = parser.ParseBudget(60)
    code = "export function f(a) {}\n// budget one\n"
    assert read_module(code, "a.js", budget=budget).parsed
    other = "export function g(a) {}\n// budget two, longer than what is left\n"
    assert not read_module(other, "b.js", budget=budget).parsed
    assert budget.refused == 1


def test_option_reads_come_from_the_tree() -> None:
    code = (
        "// options.inComment is no read\n"
        "const label = `mode: ${options.mode}`;\n"  # read inside a template substitution
        "options.loose = true;\n"  # filled in, not read
        "const depth = opts?.depth ?? this.options.notOurs;\n"
        "const s = 'options.inString';\n"
    )
    assert option_reads(code, "m.js") == {"mode": 2, "depth": 4}


@pytest.mark.parametrize("linear", [False, True])
def test_bracketed_commonjs_exports_are_exports(
    linear: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Rollup writes ``exports["default"] = axios;`` beside ``exports.Axios = Axios;``.
    if linear:
        monkeypatch.setattr(parser, "MAX_PARSE_BYTES", 0)
    code = (
        "function axios(config) {}\n"
        "class Axios {}\n"
        "exports.Axios = Axios;\n"
        "exports['default'] = axios;\n"
        'exports["not a name"] = 1;\n'
        "exports[key] = 2;\n"
    )
    assert set(parse_exports(code, "axios.cjs")) == {"Axios", "default"}
