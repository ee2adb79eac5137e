"""Sub-path patterns in ``exports`` (``"./features/*": "./lib/features/*.js"``) expose files."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence.javascript import wildcards
from release_tools.analysis.evidence.javascript.gatherer import gather
from release_tools.analysis.models import Evidence
from repo_context import build_context

API = "export function parse(text) { return text; }\nexport const limit = 1;\n"


def _majors(repo: Any, base: str) -> list[str]:
    repo.commit("change")
    items: list[Evidence] = gather(build_context(repo.path, base))
    return sorted(e.message for e in items if e.bump == "major")


def _package(repo: Any, exports: dict[str, object]) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "exports": exports}))
    repo.write("lib/index.js", "export const main = 1;\n")


def test_files_a_pattern_exposes_are_public(repo: Any) -> None:
    _package(repo, {".": "./lib/index.js", "./features/*": "./lib/features/*.js"})
    repo.write("lib/features/parse.js", API)
    repo.write("lib/features/deep/more.js", API)
    repo.write("lib/helpers/inner.js", API)
    base = repo.commit("initial")
    repo.write("lib/features/parse.js", API.replace("export const limit = 1;\n", ""))
    repo.write("lib/features/deep/more.js", API.replace("export function", "function"))
    repo.write("lib/helpers/inner.js", "")
    majors = _majors(repo, base)
    assert majors == [
        "removed export limit (const) from lib/features/parse.js",
        "removed export parse (function) from lib/features/deep/more.js",
    ]


def test_a_deleted_file_under_a_pattern_is_a_removal(repo: Any) -> None:
    _package(repo, {"./features/*": "./lib/features/*.js"})
    repo.write("lib/features/parse.js", API)
    repo.write("lib/features/keep.js", "export const kept = 1;\n")
    base = repo.commit("initial")
    repo.remove("lib/features/parse.js")
    majors = _majors(repo, base)
    assert majors and all("lib/features/parse.js" in m for m in majors)


def test_a_null_key_hides_what_a_pattern_exposes(repo: Any) -> None:
    exports = {"./features/*": "./lib/features/*.js", "./features/internal/*": None}
    _package(repo, exports)
    repo.write("lib/features/internal/cache.js", API)
    repo.write("lib/features/parse.js", API)
    base = repo.commit("initial")
    repo.write("lib/features/internal/cache.js", "export const other = 1;\n")
    assert _majors(repo, base) == []


def test_build_output_patterns_map_to_their_sources(repo: Any) -> None:
    exports = {
        "./features/*": {
            "types": "./dist/features/*.d.ts",
            "import": "./dist/features/*.js",
        }
    }
    _package(repo, exports)
    repo.write(".gitignore", "dist/\n")
    repo.write(
        "src/features/parse.ts",
        "export function parse(text: string): string {\n"
        "  return text;\n}\nexport const limit = 1;\n",
    )
    base = repo.commit("initial")
    repo.write("src/features/parse.ts", "export const limit = 1;\n")
    assert _majors(repo, base) == ["removed export parse (function) from src/features/parse.ts"]


def test_expand_reads_typings_and_sources_for_a_built_suffix() -> None:
    found, hidden = wildcards.patterns(
        {"exports": {"./*": "./out/*.js", "./secret/*": None}}, "packages/a"
    )
    files = {
        "packages/a/out/x.d.ts",
        "packages/a/out/y.ts",
        "packages/a/out/z.js",
        "packages/a/out/readme.md",
        "packages/a/out/secret/s.js",
        "packages/b/out/x.js",
    }
    assert found == [wildcards.SubpathPattern("./*", "packages/a/out/", ".js")]
    assert wildcards.expand(found[0], hidden, files) == [
        "packages/a/out/x.d.ts",
        "packages/a/out/y.ts",
        "packages/a/out/z.js",
    ]


def test_conditions_only_and_patterns_with_two_stars_expose_nothing() -> None:
    assert wildcards.patterns({"exports": {"import": "./a/*.js"}}, "") == ([], [])
    assert wildcards.patterns({"exports": {"./*/x/*": "./a/*/b/*.js"}}, "") == ([], [])


def test_one_pattern_exposes_at_most_max_files() -> None:
    found, _ = wildcards.patterns({"exports": {"./*": "./*"}}, "")
    files = {f"m{i:04}.js" for i in range(wildcards.MAX_FILES + 50)}
    assert len(wildcards.expand(found[0], [], files)) == wildcards.MAX_FILES
