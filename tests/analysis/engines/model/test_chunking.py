"""Chunking: bounded sizes, file then hunk then line boundaries, merging, truncation."""

from __future__ import annotations

import random

import pytest

from release_tools.analysis.engines.model.chunking import (
    LINE_TRUNCATED,
    plan_chunks,
    render_change,
)
from release_tools.analysis.models import ChangeKind, FileChange, Hunk


def _hunk(start: int, lines: list[str]) -> Hunk:
    return Hunk(
        start, 0, start, len(lines), f"@@ -{start},0 +{start},{len(lines)} @@", tuple(lines)
    )


def _file(path: str, hunks: list[Hunk], **kw: object) -> FileChange:
    adds = sum(1 for h in hunks for line in h.lines if line.startswith("+"))
    return FileChange(path, ChangeKind.MODIFIED, hunks=tuple(hunks), additions=adds, **kw)  # type: ignore[arg-type]


def _body_lines(text: str) -> list[str]:
    """Hunk content lines of a chunk (headers, hunk headers and notes left out)."""
    return [
        line
        for line in text.split("\n")
        if line and not line.startswith(("--- ", "+++ ", "@@", "# "))
    ]


def test_few_small_files_give_one_chunk_each() -> None:
    changes = [_file(f"src/m{i}.py", [_hunk(1, [f"+x = {i}"])]) for i in range(3)]

    plan = plan_chunks(changes, chunk_size=1000, max_chunks=10)

    assert [c.paths for c in plan.chunks] == [["src/m0.py"], ["src/m1.py"], ["src/m2.py"]]
    assert [c.index for c in plan.chunks] == [0, 1, 2]
    assert plan.chunks[0].text == "--- a/src/m0.py\n+++ b/src/m0.py\n@@ -1,0 +1,1 @@\n+x = 0\n"
    assert plan.chunks[0].text == render_change(changes[0])
    assert not plan.truncated


def test_excluded_files_are_not_rendered_but_notes_are() -> None:
    changes = [
        FileChange("README.md", ChangeKind.MODIFIED, additions=3, excluded=True),
        FileChange("logo.bin", ChangeKind.ADDED, binary=True),
        FileChange("run.sh", ChangeKind.MODE_CHANGED, old_mode="100644", new_mode="100755"),
        FileChange("huge.js", ChangeKind.MODIFIED, additions=9, deletions=2, truncated=True),
    ]

    chunks = plan_chunks(changes, chunk_size=1000, max_chunks=10).chunks

    text = "".join(c.text for c in chunks)
    assert "README.md" not in text
    assert "# binary file changed" in text
    assert "# mode 100644 -> 100755" in text
    assert "hunks omitted (+9 -2 lines)" in text


def test_large_file_splits_at_hunk_boundaries_with_repeated_header() -> None:
    hunks = [_hunk(100 + i * 100, [f"+line {i}.{j}" for j in range(10)]) for i in range(6)]
    change = _file("src/big.py", hunks)
    size = hunks[0].size * 2 + len(change.header) + 1  # room for two hunks per chunk

    chunks = plan_chunks([change], chunk_size=size, max_chunks=10).chunks

    assert len(chunks) == 3
    for chunk in chunks:
        assert chunk.size <= size
        assert chunk.text.startswith(change.header + "\n")
        assert chunk.text.count("@@ -") == 2  # whole hunks only
    assert [line for c in chunks for line in _body_lines(c.text)] == [
        line for h in hunks for line in h.lines
    ]


def test_oversize_hunk_splits_between_lines_and_repeats_its_header() -> None:
    lines = [f"+value_{i:03d} = {i}" for i in range(200)]
    change = _file("src/gen.py", [_hunk(1, lines)])

    chunks = plan_chunks([change], chunk_size=500, max_chunks=100).chunks

    assert len(chunks) > 5
    for chunk in chunks:
        assert chunk.size <= 500
        assert chunk.text.startswith(change.header + "\n@@ -1,0 +1,200 @@\n")
        assert chunk.text.endswith("\n")
    assert [line for c in chunks for line in _body_lines(c.text)] == lines


def test_oversize_single_line_is_cut_with_a_marker() -> None:
    long_line = "+" + "x" * 5000
    change = _file("min.js", [_hunk(1, ["+a", long_line, "+b"])])

    chunks = plan_chunks([change], chunk_size=300, max_chunks=10).chunks

    body = [line for c in chunks for line in _body_lines(c.text)]
    assert body[0] == "+a" and body[-1] == "+b"
    assert body[1].endswith(LINE_TRUNCATED) and body[1].startswith("+xxx")
    assert all(c.size <= 300 for c in chunks)


def test_too_many_pieces_are_merged_without_exceeding_the_size() -> None:
    changes = [_file(f"f{i:02d}.py", [_hunk(1, [f"+v = {i:02d}"])]) for i in range(30)]
    one = len(render_change(changes[0]))

    plan = plan_chunks(changes, chunk_size=one * 4, max_chunks=10)

    assert plan.pieces == 30
    assert len(plan.chunks) == 8  # 4 files per chunk, 30 files
    assert all(c.size <= one * 4 for c in plan.chunks)
    assert [p for c in plan.chunks for p in c.paths] == [f"f{i:02d}.py" for i in range(30)]
    assert not plan.omitted_paths


def test_still_too_many_after_merging_keeps_the_first_and_lists_the_rest() -> None:
    changes = [_file(f"f{i}.py", [_hunk(1, [f"+v = {i}" + " " * 50])]) for i in range(12)]
    one = len(render_change(changes[0]))

    plan = plan_chunks(changes, chunk_size=one + 10, max_chunks=5)

    assert len(plan.chunks) == 5
    assert [c.paths for c in plan.chunks] == [[f"f{i}.py"] for i in range(5)]
    assert plan.omitted_paths == [f"f{i}.py" for i in range(5, 12)]
    assert plan.truncated


def test_very_long_path_header_is_cut_to_fit() -> None:
    change = _file("d/" * 200 + "x.py", [_hunk(1, ["+a"])])
    chunks = plan_chunks([change], chunk_size=200, max_chunks=10).chunks
    assert chunks and all(c.size <= 200 for c in chunks)
    assert "+a" in _body_lines(chunks[-1].text)


def test_invariants_on_random_changes() -> None:
    rng = random.Random(1234)
    for _ in range(40):
        changes = []
        for f in range(rng.randint(1, 8)):
            hunks = []
            for h in range(rng.randint(0, 5)):
                lines = [
                    "+" + "y" * rng.choice([0, 5, 40, 300, 2000]) for _ in range(rng.randint(1, 30))
                ]
                hunks.append(_hunk(h * 1000 + 1, lines))
            changes.append(_file(f"pkg/file_{f}.py", hunks))
        size = rng.choice([200, 800, 3000])
        max_chunks = rng.choice([1, 3, 50])

        plan = plan_chunks(changes, chunk_size=size, max_chunks=max_chunks)

        assert len(plan.chunks) <= max_chunks
        originals = {line for c in changes for h in c.hunks for line in h.lines}
        for chunk in plan.chunks:
            assert 0 < chunk.size <= size
            for line in _body_lines(chunk.text):
                # Whole lines only: an original line, or one cut and marked.
                assert line in originals or line.endswith(LINE_TRUNCATED), line[:40]
        if not plan.omitted_paths:
            sent = [line for c in plan.chunks for line in _body_lines(c.text)]
            assert len(sent) == sum(len(h.lines) for c in changes for h in c.hunks)


def test_rejects_impossible_limits() -> None:
    with pytest.raises(ValueError):
        plan_chunks([], chunk_size=10, max_chunks=1)
    with pytest.raises(ValueError):
        plan_chunks([], chunk_size=1000, max_chunks=0)
    assert plan_chunks([], chunk_size=1000, max_chunks=1).chunks == []
