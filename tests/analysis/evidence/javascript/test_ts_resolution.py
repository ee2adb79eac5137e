"""Which file a specifier names when TypeScript reads it: typings before JavaScript."""

from __future__ import annotations

import json
from typing import Any

import pytest

from release_tools.analysis.evidence.javascript.entrypoints import resolve
from release_tools.analysis.evidence.javascript.gatherer import gather
from repo_context import build_context


@pytest.mark.parametrize(
    ("spec", "importer", "files", "expected"),
    [
        ("./index.cjs", "index.d.ts", {"index.js", "index.d.cts"}, "index.d.cts"),
        ("./index.mjs", "index.d.ts", {"index.mjs", "index.d.mts"}, "index.d.mts"),
        ("./lib/a.js", "index.d.ts", {"lib/a.js", "lib/a.d.ts"}, "lib/a.d.ts"),
        ("./lib/a.js", "src/index.ts", {"src/lib/a.js", "src/lib/a.ts"}, "src/lib/a.ts"),
        ("./lib", "index.d.ts", {"lib/index.js", "lib/index.d.ts"}, "lib/index.d.ts"),
        # JavaScript importers read JavaScript.
        ("./lib/a.js", "index.js", {"lib/a.js", "lib/a.d.ts"}, "lib/a.js"),
        ("./index.cjs", "index.mjs", {"index.cjs", "index.d.cts"}, "index.cjs"),
        # What exists is still found when no twin does.
        ("./index.cjs", "index.d.ts", {"index.cjs"}, "index.cjs"),
        ("./missing.js", "index.d.ts", {"index.js"}, None),
    ],
)
def test_typescript_importers_read_typings_first(
    spec: str, importer: str, files: set[str], expected: str | None
) -> None:
    assert resolve(spec, importer, files) == expected


def test_the_typings_of_a_commonjs_entry_are_its_d_cts_twin(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "main": "index.cjs"}))
    repo.write("index.cjs", "module.exports.go = function go(a) {};\n")
    repo.write(
        "index.d.cts", "export declare function go(a: string): void;\nexport type Mode = 1;\n"
    )
    base = repo.commit("initial")
    repo.write("index.d.cts", "export declare function go(a: string): void;\n")
    repo.commit("drop Mode")

    items = gather(build_context(repo.path, base))

    assert ("major", "removed export Mode (type) from index.d.cts") in [
        (e.bump, e.message) for e in items
    ]
