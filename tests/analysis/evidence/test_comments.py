"""Comments blanked out of source text, strings and positions kept."""

from __future__ import annotations

import pytest

from release_tools.analysis.evidence._comments import blank_comments


@pytest.mark.parametrize(
    ("path", "code", "kept", "gone"),
    [
        (
            "lib/command.js",
            "/**\n * program.command('watch')\n */\nconst url = 'http://x'; // .command('lint')\n",
            ["'http://x'"],
            ["watch", "lint"],
        ),
        (
            "src/cli.ts",
            'const s = "a // b"; /* .option("--gone") */ const t = `x ${"//"} y`;\n',
            ['"a // b"', '`x ${"//"} y`'],
            ["--gone"],
        ),
        (
            "pkg/cli.py",
            'def f():\n    """Example: @click.option("--doc")"""\n'
            '    x = "#not"  # .command("c")\n',
            ['"#not"'],
            ["--doc", '"c"'],
        ),
        (
            "src/main.rs",
            '/// .long("doc")\nfn f<\'a>(x: &\'a str) { let c = \'"\'; let r = r#"//"#; }\n',
            ["'\"'", 'r#"//"#', "<'a>"],
            ['long("doc")'],
        ),
        (
            "cmd/main.go",
            '// flag.String("old", "", "")\nvar s = `//raw` + "//"\n',
            ["`//raw`", '"//"'],
            ['"old"'],
        ),
    ],
)
def test_comments_are_blanked_and_strings_kept(
    path: str, code: str, kept: list[str], gone: list[str]
) -> None:
    blanked = blank_comments(path, code)
    assert len(blanked) == len(code)
    assert blanked.count("\n") == code.count("\n")
    for text in kept:
        assert text in blanked
    for text in gone:
        assert text not in blanked


def test_unknown_languages_are_left_alone() -> None:
    assert blank_comments("README.md", "# title\n") == "# title\n"
    assert blank_comments("Makefile", "# x\n") == "# x\n"
