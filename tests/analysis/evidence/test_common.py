"""Shared gatherer helpers: batch reads, path classes, bounded evidence."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest

from release_tools.analysis.evidence import MAX_PER_SOURCE, cap_evidence
from release_tools.analysis.evidence._budget import PARSE, SCAN, ReadBudget
from release_tools.analysis.evidence._common import (
    BoundedEvidence,
    blob_chunks,
    blob_headers,
    blob_sizes,
    evidence,
    is_test_path,
    read_blobs,
    read_text,
    read_texts,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength
from repo_context import build_context


def test_read_texts_batches_odd_paths(repo: Any) -> None:
    repo.write("dir with space/é file.py", "x = 1\n")
    repo.write("bad.py", b"caf\xe9\n")
    repo.write("empty.py", "")
    repo.write("sub/a.py", "a\n")
    base = repo.commit("initial")
    ctx = build_context(repo.path, base)
    wanted = ["dir with space/é file.py", "bad.py", "empty.py", "missing.py", "sub", "sub/a.py"]
    texts = read_texts(ctx, base, wanted)
    assert texts == {
        "dir with space/é file.py": "x = 1\n",
        "bad.py": "caf\ufffd\n",
        "empty.py": "",
        "sub/a.py": "a\n",
    }
    assert texts["bad.py"] == read_text(ctx, base, "bad.py")
    assert read_texts(ctx, base, []) == {}


def test_read_blobs_gives_the_bytes_read_texts_decodes(repo: Any) -> None:
    repo.write("dir with space/é file.py", "x = 1\n")
    repo.write("bad.py", b"caf\xe9\n")
    repo.write("sub/a.py", "a\n")
    base = repo.commit("initial")
    ctx = build_context(repo.path, base)
    wanted = ["dir with space/é file.py", "bad.py", "missing.py", "sub", "sub/a.py"]
    blobs = read_blobs(ctx, base, wanted)
    assert blobs == {
        "dir with space/é file.py": b"x = 1\n",
        "bad.py": b"caf\xe9\n",
        "sub/a.py": b"a\n",
    }
    assert {p: b.decode("utf-8", "replace") for p, b in blobs.items()} == read_texts(
        ctx, base, wanted
    )


def test_blob_chunks_stream_whole_lines_that_add_up_to_the_text(repo: Any) -> None:
    text = "".join(f"line {i} caf\u00e9 {'x' * (i % 97)}\n" for i in range(40_000))
    repo.write("big.py", text)
    base = repo.commit("initial")
    ctx = build_context(repo.path, base)
    oid, size = blob_headers(ctx, base, ["big.py"])["big.py"]
    assert size == len(text.encode())
    pieces = list(blob_chunks(ctx, oid))
    assert len(pieces) > 1  # more than one block of about a MB
    assert all(piece.endswith("\n") for piece in pieces)
    assert "".join(pieces) == text


def test_a_read_budget_plans_whole_groups_and_may_lower_the_parse_limit() -> None:
    budget = ReadBudget(max_parse=100, max_scan=1000, parse_budget=120, scan_budget=600)
    assert budget.plan([80, 50]) == [PARSE, SCAN]  # the second does not fit the parse budget
    assert budget.plan([60], max_parse=[50]) == [SCAN]  # over the lowered limit: scanned
    assert budget.plan([40], max_parse=[500]) == [PARSE]  # a limit never rises above max_parse
    assert (budget.parse, budget.scan) == (0, 490)
    assert budget.plan([400, 400]) is None  # the group does not fit: nothing is charged
    assert (budget.parse, budget.scan) == (0, 490)


def test_is_test_path() -> None:
    assert is_test_path("tests/test_a.py")
    assert is_test_path("src/pkg/conftest.py")
    assert is_test_path("docs/conf.py")
    assert is_test_path("docs_src/parameter_types/number/tutorial001.py")
    assert is_test_path("web/app.spec.ts")
    assert is_test_path("example_isort_formatting_plugin/pyproject.toml")
    assert is_test_path("examples-react/src/App.tsx")
    assert not is_test_path("src/pkg/examples.py")
    assert not is_test_path("src/exampled/core.py")
    assert not is_test_path("src/pkg/testing_utils.py")
    assert not is_test_path("src/pkg/core.py")
    # `testing` holds tests at the top (pytest's testing/), helpers for users inside a package
    # (numpy.testing), and is a package like any other in Go (logr's testing).
    assert is_test_path("testing/python/approx.py")
    assert not is_test_path("numpy/testing/_private/utils.py")
    assert not is_test_path("testing/test.go")
    assert is_test_path("tests/integration/client.go")


def test_blob_sizes_reads_sizes_without_contents(repo: Any) -> None:
    repo.write("a.js", "x" * 1234)
    repo.write("name with space.js", "")
    repo.write("sub/b.js", "b\n")
    base = repo.commit("initial")
    ctx = build_context(repo.path, base)
    sizes = blob_sizes(ctx, base, ["a.js", "name with space.js", "missing.js", "sub", "sub/b.js"])
    assert sizes == {"a.js": 1234, "name with space.js": 0, "sub/b.js": 2}
    assert blob_sizes(ctx, base, []) == {}


def _random_items(count: int, seed: int) -> list[Evidence]:
    chooser = random.Random(seed)
    levels = [Bump.MAJOR, Bump.MINOR, Bump.PATCH, Bump.NONE]
    items = []
    for index in range(count):
        items.append(
            evidence(
                "javascript-api",
                EvidenceKind.API_CHANGED,
                chooser.choice(levels),
                chooser.choice(list(Strength)),
                f"finding {index}",
            )
        )
    return items


@pytest.mark.parametrize(("count", "seed"), [(0, 1), (7, 2), (50, 3), (51, 4), (400, 5), (3000, 6)])
def test_bounded_evidence_keeps_what_the_final_cap_keeps(count: int, seed: int) -> None:
    items = _random_items(count, seed)
    bounded = BoundedEvidence("javascript-api", MAX_PER_SOURCE)
    bounded.extend(items)
    out = bounded.items()
    assert bounded.total == count
    # Every finding is accounted for, the summaries standing for the ones not listed.
    assert sum(item.count for item in out) == count
    listed = [item for item in out if not item.is_summary]
    assert len(listed) == min(count, MAX_PER_SOURCE)
    # The final cap leaves the bounded list as it is ...
    assert cap_evidence(out) == out
    if count <= MAX_PER_SOURCE:
        assert out == items
        return
    # ... and it is what capping everything gives: the same strongest findings in their order,
    # then one summary per rank of the rest, with its exact count.
    assert out == cap_evidence(items)
    strongest = sorted(items, key=lambda e: (-e.level, e.strength.rank))[:MAX_PER_SOURCE]
    assert sorted(i.message for i in listed) == sorted(i.message for i in strongest)
    names = {k.message for k in listed}
    dropped = Counter((i.level, i.strength) for i in items if i.message not in names)
    rest = out[len(listed) :]
    assert [(s.level, s.strength, s.count) for s in rest] == [
        (level, strength, dropped[level, strength])
        for level, strength in sorted(dropped, key=lambda k: (-k[0], k[1].rank))
    ]
    for summary in rest:
        n = summary.count
        assert (
            summary.message == f"... and {n} more javascript-api items ({n} {summary.level.label})"
        )


def test_bounded_evidence_counts_in_bulk_and_builds_only_the_kept() -> None:
    bounded = BoundedEvidence("javascript-api", 5)
    assert bounded.admit_many(Bump.MINOR, Strength.STRONG, 1000) == 5
    for index in range(5):
        bounded.keep(
            evidence(
                "javascript-api",
                EvidenceKind.API_ADDED,
                Bump.MINOR,
                Strength.STRONG,
                f"new {index}",
            )
        )
    assert bounded.admit_many(Bump.MINOR, Strength.STRONG, 10) == 0
    assert bounded.admit(Bump.MAJOR, Strength.PROOF)
    bounded.keep(
        evidence(
            "javascript-api", EvidenceKind.API_REMOVED, Bump.MAJOR, Strength.PROOF, "removed x"
        )
    )
    out = bounded.items()
    # The full allowance of 5 listed items, then the exact count of the rest.
    assert [i.message for i in out] == [
        "new 0",
        "new 1",
        "new 2",
        "new 3",
        "removed x",
        "... and 1006 more javascript-api items (1006 minor)",
    ]
    assert (out[-1].bump, out[-1].strength, out[-1].omitted) == ("minor", Strength.STRONG, 1006)
    assert [i.is_summary for i in out] == [False] * 5 + [True]


@pytest.mark.parametrize("split", [0, 1, 30, 49, 50, 51, 200, 399, 400])
def test_merging_a_later_part_equals_feeding_everything(split: int) -> None:
    items = _random_items(400, 7)
    whole = BoundedEvidence("javascript-api", MAX_PER_SOURCE)
    whole.extend(items)
    first = BoundedEvidence("javascript-api", MAX_PER_SOURCE)
    first.extend(items[:split])
    later = BoundedEvidence("javascript-api", MAX_PER_SOURCE)
    later.extend(items[split:])
    first.merge(later)
    assert first.total == whole.total == 400
    assert first.items() == whole.items()


def test_extending_with_a_summary_counts_what_it_stands_for() -> None:
    bounded = BoundedEvidence("javascript-api", 3)
    bounded.extend(_random_items(10, 8))
    first = bounded.items()
    again = BoundedEvidence("javascript-api", 3)
    again.extend(first)
    assert again.total == bounded.total == 10
    assert again.items() == first


def test_cap_folds_pre_counted_summaries_into_its_own() -> None:
    listed = [
        evidence("go-api", EvidenceKind.API_ADDED, Bump.MINOR, Strength.STRONG, f"new {i}")
        for i in range(4)
    ]
    summary = evidence(
        "go-api",
        EvidenceKind.SUMMARY,
        Bump.MINOR,
        Strength.STRONG,
        "... and 900 more go-api items (900 minor)",
        omitted=900,
    )
    removed = evidence("go-api", EvidenceKind.API_REMOVED, Bump.MAJOR, Strength.PROOF, "removed X")
    capped = cap_evidence([removed, *listed, summary], limit=3)
    assert [i.message for i in capped] == [
        "removed X",
        "new 0",
        "new 1",
        "... and 902 more go-api items (902 minor)",
    ]
    assert capped[-1].omitted == 902
    # Within the limit, a pre-counted summary takes no place: all listed items stay.
    assert cap_evidence([removed, *listed, summary], limit=5) == [removed, *listed, summary]
