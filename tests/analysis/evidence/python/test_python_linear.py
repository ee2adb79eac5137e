"""The hash-based comparison of modules too big to parse against the set-based one it replaced."""

from __future__ import annotations

import random
from typing import Any

import pytest

from release_tools.analysis.evidence._common import BoundedEvidence, evidence
from release_tools.analysis.evidence.python import planner
from release_tools.analysis.evidence.python.api import gather, is_public_module
from release_tools.analysis.evidence.python.linear import (
    NameChanges,
    compare_public_names,
    top_level_names,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength
from repo_context import build_context


def _by_sets(old: str | None, new: str | None, limit: int) -> NameChanges:
    """The comparison as it was made before: sets of every name of both sides."""
    old_names = top_level_names(old) if old is not None else set()
    new_names = top_level_names(new) if new is not None else set()
    removed = sorted(n for n in old_names - new_names if not n.startswith("_"))
    added = sorted(n for n in new_names - old_names if not n.startswith("_"))
    return NameChanges(len(removed), len(added), removed[:limit], added[:limit])


def _module(names: list[str]) -> str:
    return "".join(
        f"def {name}():\n    pass\n" if i % 3 == 0 else f"{name}: int = {i}\n"
        for i, name in enumerate(names)
    )


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("limit", [1, 3, 50])
def test_hashed_comparison_matches_the_set_one(seed: int, limit: int) -> None:
    rng = random.Random(seed)
    pool = [f"{'_' if rng.random() < 0.2 else ''}N{rng.randrange(400)}" for _ in range(300)]
    # Names repeat (rebinding) and come in no particular order.
    old = _module(rng.sample(pool, 150) + rng.sample(pool, 20))
    new = _module(rng.sample(pool, 160) + rng.sample(pool, 20))
    for pair in ((old, new), (None, new), (old, None), (old, old), (None, None)):
        assert compare_public_names(*pair, limit) == _by_sets(*pair, limit)


def _evidence_by_sets(dotted: str, where: str, old: str | None, new: str | None) -> list[Evidence]:
    """The evidence of one oversized module as built before, from sets of its names."""
    out = BoundedEvidence("python-api", planner.GATHER_LIMIT)
    if is_public_module(dotted):
        changes = _by_sets(old, new, 10**9)
        for kind, bump, names, what in (
            (EvidenceKind.API_REMOVED, Bump.MAJOR, changes.first_removed, "removed"),
            (EvidenceKind.API_ADDED, Bump.MINOR, changes.first_added, "new"),
        ):
            prefix = f"{what} public name {dotted}."
            out.keep_all(
                kind,
                bump,
                Strength.STRONG,
                names,
                lambda name, prefix=prefix: (f"{prefix}{name} (top-level scan)", where, None),
            )
    size = max(len(old or ""), len(new or ""))
    note = evidence(
        "python-api",
        EvidenceKind.INCOMPLETE,
        Bump.PATCH,
        Strength.WEAK,
        f"{where}: {size / 1e6:.1f} MB, too large to parse; only its top-level names were compared",
        path=where,
    )
    return [*out.items(), note]


OLD = "".join(f"VALUE_{i} = {i}\n" for i in range(30, 0, -1)) + "_HIDDEN = 1\nVALUE_3 = 0\n"
NEW = "".join(f"VALUE_{i} = {i}\n" for i in range(5, 40)) + "class Extra:\n    pass\n"


@pytest.mark.parametrize("limit", [50, 4])
@pytest.mark.parametrize(
    ("old", "new"), [(None, NEW), (OLD, None), (OLD, NEW)], ids=["added", "deleted", "changed"]
)
def test_oversized_module_evidence_is_as_before(
    repo: Any, monkeypatch: Any, old: str | None, new: str | None, limit: int
) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/other.py", "X = 1\n")
    if old is not None:
        repo.write("pkg/gen.py", old)
    base = repo.commit("initial")
    if new is not None:
        repo.write("pkg/gen.py", new)
    else:
        repo.remove("pkg/gen.py")
    repo.commit("change")
    monkeypatch.setattr(planner, "MAX_MODULE_BYTES", 100)
    monkeypatch.setattr(planner, "MAX_PER_SOURCE", limit)
    monkeypatch.setattr(planner, "GATHER_LIMIT", limit)

    items = gather(build_context(repo.path, base))

    assert items == _evidence_by_sets("pkg.gen", "pkg/gen.py", old, new)
    if limit == 4 and new is not None:
        # The cap was reached: the rest is summarised with its exact count.
        assert any(e.is_summary for e in items)


def test_a_private_oversized_module_gets_only_its_note(repo: Any, monkeypatch: Any) -> None:
    repo.write("pkg/__init__.py", "from ._gen import VALUE_1\n")
    repo.write("pkg/_gen.py", OLD)
    base = repo.commit("initial")
    repo.write("pkg/_gen.py", NEW)
    repo.commit("change")
    monkeypatch.setattr(planner, "MAX_MODULE_BYTES", 100)

    items = gather(build_context(repo.path, base))

    assert [e.kind for e in items] == ["incomplete"]
    assert items == _evidence_by_sets("pkg._gen", "pkg/_gen.py", OLD, NEW)


@pytest.mark.parametrize("seed", range(4))
def test_names_read_in_pieces_of_lines_are_those_of_the_whole_text(seed: int) -> None:
    rng = random.Random(seed)
    pool = [f"N{rng.randrange(300)}" for _ in range(200)]
    old = _module(rng.sample(pool, 120))
    new = _module(rng.sample(pool, 130))

    def pieces(text: str) -> Any:
        lines = text.splitlines(keepends=True)
        cuts = sorted(rng.sample(range(1, len(lines)), 5))
        spans = list(zip([0, *cuts], [*cuts, len(lines)], strict=True))
        return lambda: ["".join(lines[a:b]) for a, b in spans]

    for pair in ((old, new), (None, new), (old, None)):
        chunked = tuple(pieces(text) if text is not None else None for text in pair)
        assert compare_public_names(*chunked, 3) == compare_public_names(*pair, 3)


@pytest.mark.parametrize(
    ("old", "new"), [(None, NEW), (OLD, None), (OLD, NEW)], ids=["added", "deleted", "changed"]
)
def test_a_module_too_big_to_hold_is_streamed_with_the_same_evidence(
    repo: Any, monkeypatch: Any, old: str | None, new: str | None
) -> None:
    repo.write("pkg/__init__.py", "")
    if old is not None:
        repo.write("pkg/gen.py", old)
    base = repo.commit("initial")
    if new is not None:
        repo.write("pkg/gen.py", new)
    else:
        repo.remove("pkg/gen.py")
    repo.commit("change")
    # Both versions are over four times the limit: neither is read whole.
    monkeypatch.setattr(planner, "MAX_MODULE_BYTES", 20)
    read: list[str] = []
    real = planner.read_texts

    def spy(ctx: Any, ref: str, paths: list[str]) -> dict[str, str]:
        read.extend(paths)
        return real(ctx, ref, paths)

    monkeypatch.setattr(planner, "read_texts", spy)

    items = gather(build_context(repo.path, base))

    assert "pkg/gen.py" not in read
    assert items == _evidence_by_sets("pkg.gen", "pkg/gen.py", old, new)


def test_a_module_too_big_to_hold_whose_content_did_not_change_is_not_read(
    repo: Any, monkeypatch: Any
) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/gen.py", OLD)
    base = repo.commit("initial")
    (repo.path / "pkg/gen.py").chmod(0o755)  # a mode change: the same blob on both sides
    repo.commit("make it executable")
    monkeypatch.setattr(planner, "MAX_MODULE_BYTES", 20)
    streamed: list[str] = []
    real = planner.blob_chunks

    def spy(ctx: Any, oid: str) -> Any:
        streamed.append(oid)
        return real(ctx, oid)

    monkeypatch.setattr(planner, "blob_chunks", spy)
    assert gather(build_context(repo.path, base)) == []
    assert streamed == []


def test_a_module_over_the_scan_limit_is_not_read_and_named(repo: Any, monkeypatch: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/other.py", "def f():\n    pass\n")
    base = repo.commit("initial")
    repo.write("pkg/gen.py", NEW)
    repo.write("pkg/other.py", "def f(a):\n    pass\n")
    repo.commit("change")
    monkeypatch.setattr(planner, "MAX_MODULE_BYTES", 20)
    monkeypatch.setattr(planner, "MAX_SCAN_BYTES", len(NEW) - 1)
    streamed: list[str] = []
    monkeypatch.setattr(planner, "blob_chunks", lambda ctx, oid: streamed.append(oid) or [])

    items = gather(build_context(repo.path, base))

    assert streamed == []
    assert not [e for e in items if "pkg.gen" in e.message]
    note = next(e for e in items if e.path == "pkg/gen.py")
    assert note.kind == "unread"
    assert note.message == (
        f"pkg/gen.py: {len(NEW) / 1e6:.1f} MB, too large to parse; its API was not analyzed"
    )
    # The module beside it is still compared.
    assert any("pkg.other.f" in e.message and e.bump == "major" for e in items)


def test_the_scan_budget_leaves_later_oversized_modules_unread(repo: Any, monkeypatch: Any) -> None:
    repo.write("pkg/__init__.py", "")
    base = repo.commit("initial")
    repo.write("pkg/a.py", NEW)
    repo.write("pkg/b.py", NEW)
    repo.commit("change")
    monkeypatch.setattr(planner, "MAX_MODULE_BYTES", 20)
    # Room for one of the two modules (each is scanned on one side only).
    monkeypatch.setattr(planner, "SCAN_BUDGET_BYTES", len(NEW) + 10)

    items = gather(build_context(repo.path, base))

    messages = [e.message for e in items]
    assert any(m.startswith("new public name pkg.a.") for m in messages)
    assert not any(m.startswith("new public name pkg.b.") for m in messages)
    assert (
        f"pkg/b.py: {len(NEW) / 1e6:.1f} MB, too large to parse; the run's scan budget was "
        "spent: its API was not analyzed"
    ) in messages


def test_modules_after_the_parse_budget_is_spent_are_not_read(repo: Any, monkeypatch: Any) -> None:
    repo.write("pkg/__init__.py", "")
    base = repo.commit("initial")
    module = "".join(f"def f{i}(a):\n    pass\n" for i in range(5))
    for index in range(10):
        repo.write(f"pkg/m{index}.py", module)
    repo.commit("generated")
    # Two modules fit the parse budget; texts are read one module at a time.
    monkeypatch.setattr(planner, "MAX_PARSE_BYTES", 2 * len(module))
    monkeypatch.setattr(planner, "_READ_BYTES", len(module))
    read: list[str] = []
    real = planner.read_texts

    def spy(ctx: Any, ref: str, paths: list[str]) -> dict[str, str]:
        read.extend(paths)
        return real(ctx, ref, paths)

    monkeypatch.setattr(planner, "read_texts", spy)

    items = gather(build_context(repo.path, base))

    added = [e.message for e in items if e.message.startswith("new public module")]
    assert added == ["new public module pkg.m0", "new public module pkg.m1"]
    assert any(e.kind == "unread" and "the API of 2 was compared" in e.message for e in items)
    # The third module, which ended the comparison, was read; no later one.
    assert [p for p in read if p.startswith("pkg/m")] == ["pkg/m0.py", "pkg/m1.py", "pkg/m2.py"]
