"""Offsets in comments and docstrings, told apart from code and strings."""

from __future__ import annotations

import pytest

from release_tools.analysis.evidence._comments import comment_test


@pytest.mark.parametrize(
    ("path", "code", "inside", "outside"),
    [
        (
            "lib/command.js",
            "/**\n * program.command('watch')\n */\n"
            "program.command('serve'); // .command('lint')\n",
            ["command('watch')", "command('lint')"],
            ["command('serve')"],
        ),
        (
            "src/cli.ts",
            'const g = "src/**/*.js";\nprogram.option("--glob <g>");\n',
            [],
            ['option("--glob'],
        ),
        (
            "pkg/cli.py",
            'def f():\n    """Example: click.option("--doc")"""\n    p.add_argument("--real")'
            '  # add_argument("--note")\n',
            ['option("--doc")', 'add_argument("--note")'],
            ['add_argument("--real")'],
        ),
        (
            "src/main.rs",
            '/// .long("doc")\nfn f() { Arg::new("x").long("real"); }\n',
            ['long("doc")'],
            ['long("real")'],
        ),
        (
            "cmd/main.go",
            '// flag.String("old", "", "")\nvar s = flag.String("new", "", "")\n',
            ['flag.String("old"'],
            ['flag.String("new"'],
        ),
        (
            "pkg/cli.py",
            'p.add_argument("--url", default="http://x"); p.add_argument("--real")\n'
            "p.add_argument('--hash', default='#'); p.add_argument('--also')"
            "  # .add_argument('--c')\n",
            ["add_argument('--c')"],
            ['add_argument("--real")', "add_argument('--also')"],
        ),
        (
            "src/cli.js",
            "program.option('--url <u>', 'see http://x').option('--real');"
            " // it's .option('--note')\n"
            "program.option(`--t ${'//'}`).option('--tpl');\n",
            ["option('--note')"],
            ["option('--real')", "option('--tpl')"],
        ),
        (
            "src/main.rs",
            'fn f<\'a>(x: &\'a str) { Arg::new("u").help("http://x").long("real"); } '
            '// .long("c")\n',
            ['long("c")'],
            ['long("real")'],
        ),
        (
            "cmd/main.go",
            'var u = flag.String("url", "http://x", ""); var s = flag.String("real", "", "")\n',
            [],
            ['flag.String("real"'],
        ),
    ],
)
def test_offsets_in_comments_are_told_apart(
    path: str, code: str, inside: list[str], outside: list[str]
) -> None:
    test = comment_test(path, code)
    assert test is not None
    for text in inside:
        assert test(code.index(text)), text
    for text in outside:
        assert not test(code.index(text)), text


def test_unknown_languages_have_no_test() -> None:
    assert comment_test("README.md", "# title\n") is None
