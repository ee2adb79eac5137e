"""Files sifted by ``git grep`` before the text-reading gatherers read them, on real repositories.

The sift must only skip files that could not have produced evidence: the evidence stays the same
as reading everything, and the skipped files are never read.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from release_tools.analysis.evidence import _grep, deprecations, surface
from release_tools.analysis.evidence._grep import MIN_PATHS, without_any
from repo_context import build_context

PLAIN = "".join(f"VALUE_{i} = {i}\n" for i in range(20))


def _record_reads(monkeypatch: Any, module: Any) -> list[tuple[str, str]]:
    """Patch ``module.read_texts`` to record every (ref, path) it is asked for."""
    read: list[tuple[str, str]] = []
    real = module.read_texts

    def recording(ctx: Any, ref: str, paths: Any) -> dict[str, str]:
        wanted = list(paths)
        read.extend((ref, path) for path in wanted)
        return dict(real(ctx, ref, wanted))

    monkeypatch.setattr(module, "read_texts", recording)
    return read


def test_without_any_lists_the_files_lacking_every_word(repo: Any, monkeypatch: Any) -> None:
    repo.write("a.py", 'parser.add_argument("--x")\n')
    repo.write("b.py", PLAIN)
    repo.write("dir with space/c.py", PLAIN)
    repo.write("odd:*?[x].py", "import warnings  # deprecated\n")
    repo.write("-dash.py", PLAIN)
    head = repo.commit("files")
    ctx = build_context(repo.path, head)
    paths = ["a.py", "b.py", "dir with space/c.py", "odd:*?[x].py", "-dash.py", "absent.py"]
    expected = {"b.py", "dir with space/c.py", "-dash.py"}
    assert without_any(ctx, head, paths, ("add_argument", "deprecated")) == expected
    # Batched runs give the same answer.
    monkeypatch.setattr(_grep, "_BATCH", 2)
    assert without_any(ctx, head, paths, ("add_argument", "deprecated")) == expected
    # Words are literal and case-sensitive.
    assert without_any(ctx, head, ["a.py"], ("ADD_ARGUMENT",)) == {"a.py"}
    assert without_any(ctx, head, ["a.py"], ('("--',)) == set()


def test_without_any_lists_nothing_when_git_fails(repo: Any) -> None:
    repo.write("b.py", PLAIN)
    head = repo.commit("files")
    ctx = build_context(repo.path, head)
    # Nothing listed means nothing skipped: the caller reads every file.
    assert without_any(ctx, "0" * 40, ["b.py"], ("add_argument",)) == set()
    assert without_any(ctx, head, [], ("add_argument",)) == set()


def _renamed_modules(repo: Any, count: int) -> None:
    for i in range(count):
        repo.git("mv", f"src/pkg/mod_{i}.py", f"src/pkg/moved_{i}.py")


def test_surface_skips_renamed_files_without_option_words(repo: Any, monkeypatch: Any) -> None:
    count = MIN_PATHS + 8
    for i in range(count):
        repo.write(f"src/pkg/mod_{i}.py", PLAIN + f"ID = {i}\n")
    repo.write("src/pkg/cli.py", 'parser.add_argument("--old")\n')
    repo.write("src/pkg/other.py", 'parser.add_argument("--kept")\n' + PLAIN)
    base = repo.commit("initial")
    _renamed_modules(repo, count)
    repo.git("mv", "src/pkg/other.py", "src/pkg/renamed_cli.py")
    repo.write("src/pkg/cli.py", 'parser.add_argument("--new")\n')
    repo.commit("move")
    read = _record_reads(monkeypatch, surface)
    items = surface.gather(build_context(repo.path, base))
    assert sorted(e.message for e in items) == [
        "new command-line option --new",
        "removed command-line option --old",
    ]
    read_paths = {path for _ref, path in read}
    assert "src/pkg/renamed_cli.py" in read_paths and "src/pkg/other.py" in read_paths
    assert not any("mod_" in path or "moved_" in path for path in read_paths)


def test_deprecations_skip_files_without_a_hint(repo: Any, monkeypatch: Any) -> None:
    count = MIN_PATHS + 8
    for i in range(count):
        repo.write(f"src/pkg/mod_{i}.py", PLAIN + f"ID = {i}\n")
    site = 'def old():\n    warnings.warn("old", DeprecationWarning)\n'
    repo.write("src/pkg/legacy.py", "import warnings\n\n" + site)
    repo.write("src/pkg/kept.py", "import warnings\n\n" + site.replace("old", "kept"))
    base = repo.commit("initial")
    _renamed_modules(repo, count)
    repo.git("mv", "src/pkg/kept.py", "src/pkg/kept_moved.py")
    repo.write("src/pkg/legacy.py", "import warnings\n")
    repo.commit("take the old path out")
    read = _record_reads(monkeypatch, deprecations)
    items = deprecations.gather(build_context(repo.path, base))
    assert [(e.kind, e.path) for e in items] == [("deprecated-removed", "src/pkg/legacy.py")]
    assert "1 fewer deprecation warning" in items[0].message
    read_paths = {path for _ref, path in read}
    assert {"src/pkg/kept.py", "src/pkg/kept_moved.py", "src/pkg/legacy.py"} <= read_paths
    assert not any("mod_" in path or "moved_" in path for path in read_paths)


@pytest.mark.parametrize("count", [2, MIN_PATHS + 4])
def test_schema_evidence_reads_only_schemas(repo: Any, monkeypatch: Any, count: int) -> None:
    schema = {"$schema": "x", "type": "object", "properties": {"a": {"type": "string"}}}
    for i in range(count):
        repo.write(f"data/item_{i}.json", json.dumps({"id": i}))
    repo.write("schema/config.json", json.dumps(schema))
    base = repo.commit("initial")
    for i in range(count):
        repo.write(f"data/item_{i}.json", json.dumps({"id": i, "more": True}))
    del schema["properties"]["a"]  # type: ignore[attr-defined]
    repo.write("schema/config.json", json.dumps(schema))
    repo.commit("change")
    read = _record_reads(monkeypatch, surface)
    items = surface.gather(build_context(repo.path, base))
    assert [(e.bump, e.message) for e in items] == [("major", "schema property $.a removed")]
    data_reads = [path for _ref, path in read if path.startswith("data/")]
    # Few files are simply read; many are sifted first and the plain documents never read.
    assert len(data_reads) == (0 if count > MIN_PATHS else 2 * count)
