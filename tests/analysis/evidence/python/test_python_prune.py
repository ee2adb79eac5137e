"""Function bodies are pruned before API parsing without changing what griffe reports."""

from __future__ import annotations

import ast
import pickle
from pathlib import PurePosixPath

import griffe

from release_tools.analysis.evidence.python.compare import compare_modules
from release_tools.analysis.evidence.python.parsing import ModuleSource, parse
from release_tools.analysis.evidence.python.prune import prune_bodies

SAMPLE = '''"""Module doc with def inside: def fake():
    not code
"""
import os

TEMPLATE = """
def generated(a, b):
    return a
x = 1
"""


def plain(a, b=1, *, c):
    """Doc."""
    total = a + b
    # a comment at column 0 inside the body
    return total


async def fetch(url: str,
                timeout: float = 1.0) -> bytes:
    data = b"("
    return data


def one_liner(x): return x


class Client:
    attr: int = 1

    def __init__(self, token):
        self.token = token
        self.session = None

        def helper():
            return 1

    def send(self, body: "dict[str, int]") -> None:
        text = """
multi-line string at column 0
"""
        return None

    @property
    def name(self) -> str:
        return "x"


def tabbed(a):
\tvalue = a
\treturn value


if __name__ == "__main__":
    def main():
        local_name = 1
        return local_name
    main()
'''


def _dump(code: str) -> list[tuple[object, ...]]:
    module = griffe.visit("sample", PurePosixPath("sample.py"), code)
    rows: list[tuple[object, ...]] = []

    def walk(obj: griffe.Object, depth: int) -> None:
        for name, member in sorted(obj.members.items()):
            if isinstance(member, griffe.Alias):
                rows.append((depth, name, "alias", member.target_path))
                continue
            row: list[object] = [depth, name, member.kind.value, member.lineno]
            if isinstance(member, griffe.Function):
                row.append([(p.name, p.kind.value, str(p.default)) for p in member.parameters])
            rows.append(tuple(row))
            if isinstance(member, griffe.Class | griffe.Function):
                walk(member, depth + 1)

    walk(module, 0)
    return rows


def test_pruning_keeps_lines_and_what_griffe_sees() -> None:
    pruned = prune_bodies(SAMPLE)
    assert pruned != SAMPLE
    assert pruned.count("\n") == SAMPLE.count("\n")
    ast.parse(pruned)
    assert _dump(pruned) == _dump(SAMPLE)


def test_what_is_pruned_and_what_is_kept() -> None:
    pruned = prune_bodies(SAMPLE).split("\n")
    original = SAMPLE.split("\n")
    kept = set(pruned) & set(original)
    # Bodies of ordinary functions and methods are gone ...
    assert "    total = a + b" not in pruned
    assert "multi-line string at column 0" not in pruned
    assert "\treturn value" not in pruned
    # ... strings that merely contain "def", __init__ bodies, one-liners and main blocks stay.
    for line in (
        "def generated(a, b):",
        "        self.token = token",
        "        def helper():",
        "def one_liner(x): return x",
        "        local_name = 1",
    ):
        assert line in kept, line


def test_nothing_to_prune_returns_the_same_object() -> None:
    code = "X = 1\nclass A:\n    y = 2\n"
    assert prune_bodies(code) is code
    stub = "def f(): ...\n"
    assert prune_bodies(stub) is stub


def test_odd_inputs_are_left_alone() -> None:
    for code in (
        "def f(:\n",
        'def f():\n    s = """never closed\n    x = 1\n',
        "def f():\r    x\r",
    ):
        out = prune_bodies(code)
        assert out.count("\n") == code.count("\n")
    with_nul = "def f():\n    x = 1\n    return '\x00'\n"
    assert prune_bodies(with_nul) is with_nul


def test_bracket_at_shallow_indent_falls_back_to_the_whole_text() -> None:
    # A continuation line at column 0 looks like the end of the body; the pruned text then
    # does not parse and the comparison reads the untouched text: same evidence either way.
    old = "def api(a):\n    x = [\n1, 2]\n    return x\n"
    new = "def api(a, b):\n    x = [\n1, 2]\n    return x\n"
    items = compare_modules("pkg", ModuleSource("pkg.py", old), ModuleSource("pkg.py", new))
    assert [e.message for e in items] == [
        "incompatible signature of pkg.api: required parameter b added"
    ]
    assert items[0].line == 1


def test_evidence_lines_survive_pruning() -> None:
    body = "".join(f"    v{i} = {i}\n" for i in range(50))
    old = f"def first():\n{body}    return 0\n\n\ndef second(a):\n{body}    return a\n"
    new = old.replace("def second(a):", "def second(a, b):")
    items = compare_modules("pkg", ModuleSource("pkg.py", old), ModuleSource("pkg.py", new))
    assert len(items) == 1
    assert items[0].line == old.split("\n").index("def second(a):") + 1


def test_syntax_errors_in_headers_are_still_reported() -> None:
    new = "def fine():\n    return 1\n\ndef broken(:\n    pass\n"
    items = compare_modules("pkg", ModuleSource("pkg.py", "X = 1\n"), ModuleSource("pkg.py", new))
    assert [e.message for e in items] == ["pkg does not parse; its API was not compared"]
    assert items[0].line == 4


def test_a_long_all_answers_membership_like_the_list_it_is() -> None:
    names = [f"n{i}" for i in range(40)]
    code = f"from x import more\n__all__ = {names!r} + more\n" + "".join(
        f"def {name}(a): pass\n" for name in names
    )
    module, _ = parse("pkg", ModuleSource("pkg/__init__.py", code))

    exports = module.exports
    assert [e for e in exports if isinstance(e, str)] == names
    assert "n7" in exports and "n40" not in exports and "more" not in exports
    assert all(module.members[name].is_public for name in names)
    assert pickle.loads(pickle.dumps(exports)) == exports  # crosses the reader's fork
