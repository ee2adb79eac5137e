"""Line numbers of JS/TS exports: each export is reported on the line that declares it."""

from __future__ import annotations

from release_tools.analysis.evidence.javascript.exports import (
    parse_exports,
    scan_exports,
    star_sources,
)
from release_tools.analysis.evidence.javascript.linear import blank_code, line_finder


def test_line_finder_matches_counting_newlines() -> None:
    text = "a\n\nbc\nd\n\n"
    line_of = line_finder(text)
    for offset in range(len(text) + 1):
        assert line_of(offset) == text.count("\n", 0, offset) + 1, offset


def test_line_finder_without_newlines() -> None:
    assert line_finder("")(0) == 1
    assert line_finder("export const a = 1;")(7) == 1


def test_export_lines_across_comments_strings_and_classes() -> None:
    code = (
        "export const first = 1;\n"  # line 1
        "/* a comment\n"
        "   export const hidden = 2;\n"
        "*/\n"
        "const tpl = `line\n"
        "export const alsoHidden = 3;\n"
        "`;\n"
        "\n"
        "export function second(a, b) {\n"  # line 9
        "  return a + b;\n"
        "}\n"
        "export class Third {\n"  # line 12
        "  method(x) {}\n"  # line 13
        "}\n"
        "export { first as renamed };\n"  # line 15
        "export default second;"  # line 16, no final newline
    )
    exports = parse_exports(code)
    lines = {name: export.line for name, export in exports.items()}
    assert lines == {
        "first": 1,
        "second": 9,
        "Third": 12,
        "Third.method": 13,
        "renamed": 15,
        "default": 16,
    }


def test_many_exports_each_on_its_own_line() -> None:
    # The large-file case the bisection serves; every line number must still be exact.
    count = 3000
    code = "".join(f"export const value_{i} = {i};\n" for i in range(count))
    exports = parse_exports(code)
    assert len(exports) == count
    assert all(exports[f"value_{i}"].line == i + 1 for i in range(count))


# Lines that start with export, right after a statement that spans lines, at the very start of
# the text, with CRLF ends and indented: each pattern's matches are found at line starts.
_MIXED = (
    "export {\n"  # line 1: a braces export spanning lines, at offset 0
    "  alpha,\n"
    "  beta as gamma,\n"
    "} from './letters';\n"
    "export * from './everything';\n"  # line 5
    "export * as ns from './ns';\r\n"  # line 6
    "  export const arrow = (a, b = 1) => a;\n"  # line 7, indented
    "export declare const typed: (s: string, o?: O) => string;\n"  # line 8
    "export async function* gen(x, { depth, mode } = {}) {}\n"  # line 9
    "export default class Widget {\n"  # line 10
    "  render(target, options) {}\n"  # line 11
    "  render(target) {}\n"  # line 12: an overload, fewer arguments
    "}\n"
    "export = Widget;\n"  # line 14
)


def test_patterns_match_at_every_kind_of_line_start() -> None:
    exports = parse_exports(_MIXED)
    assert {name: (e.kind, e.line) for name, e in exports.items()} == {
        "alpha": ("name", 1),
        "gamma": ("name", 1),
        "* from ./everything": ("re-export", 5),
        "ns": ("namespace", 6),
        "arrow": ("function", 7),
        "typed": ("function", 8),
        "gen": ("function", 9),
        "default": ("class", 10),
    }
    assert (exports["arrow"].required, exports["arrow"].params) == (1, frozenset({"a", "b"}))
    assert exports["typed"].required == 1
    assert exports["gen"].params == frozenset({"x", "depth", "mode"})
    assert star_sources(_MIXED) == ["./letters", "./everything", "./ns"]


def test_class_members_and_overloads() -> None:
    code = "export class Widget {\n  render(target, options) {}\n  render(target) {}\n}\n"
    member = parse_exports(code)["Widget.render"]
    assert (member.line, member.required) == (2, 1)
    assert member.params == frozenset({"target", "options"})


def test_scan_rows_are_what_parse_reports() -> None:
    rows, line_of = scan_exports(_MIXED)
    exports = parse_exports(_MIXED)
    assert list(rows) == list(exports)
    for name, (kind, offset, required, params) in rows.items():
        export = exports[name]
        assert (kind, line_of(offset), required, params) == (
            export.kind,
            export.line,
            export.required,
            export.params,
        )


def test_scan_without_signatures_keeps_kinds_and_lines() -> None:
    code = _MIXED + "export class Box {\n  open(a, b) {}\n  open(a) {}\n}\n"
    with_sig, line_with = scan_exports(code)
    without, line_without = scan_exports(code, signatures=False)
    assert list(without) == list(with_sig)
    for name, (kind, offset, required, params) in without.items():
        assert (required, params) == (None, None), name
        assert (kind, line_without(offset)) == (with_sig[name][0], line_with(with_sig[name][1]))
    assert any(row[2] is not None for row in with_sig.values())


def test_text_without_comment_or_string_markers_is_kept() -> None:
    code = "export const a = 1;\nexport const b = 2;\n"
    assert blank_code(code) == code
    marked = "export const a = 1; // note\nexport const s = 'x y';\n"
    assert blank_code(marked) == "export const a = 1;        \nexport const s = '   ';\n"


INHERITED = """export interface IFetchError<T = any> extends Error {
  request?: string;
  status?: number;
}
export class FetchError<T = any> extends Error implements IFetchError<T> {
  constructor(message: string) { super(message); }
}
export interface FetchError<T = any> extends IFetchError<T> {}
interface Base { a: string }
export interface Derived extends Base { b: number }
export class Special extends FetchError { own(): void {} }
"""


def test_members_inherited_from_types_of_the_module_and_merged_interfaces() -> None:
    names = set(parse_exports(INHERITED, "src/error.ts"))
    assert {"FetchError.request", "FetchError.status"} <= names  # merged interface extends
    assert {"Derived.a", "Derived.b"} <= names  # from an unexported base
    assert {"Special.own", "Special.request", "Special.status"} <= names  # a class chain
