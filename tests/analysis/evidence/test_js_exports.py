"""Line numbers of JS/TS exports: each export is reported on the line that declares it."""

from __future__ import annotations

from release_tools.analysis.evidence.js_exports import line_finder, parse_exports


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
