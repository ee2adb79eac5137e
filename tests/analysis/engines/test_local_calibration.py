"""What the local engine lets the history calibrate: majors resting on public names, floors."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.calibration import FloorHabit
from release_tools.analysis.engines.local import _breaking_proof, _floors_as_shipped
from release_tools.analysis.evidence._common import evidence
from release_tools.analysis.models import Bump, EvidenceKind, Strength
from repo_context import build_context

GO_MOD = "module example.com/lib{suffix}\n\ngo 1.22\n"

REMOVED = evidence(
    "go-api",
    EvidenceKind.API_REMOVED,
    Bump.MAJOR,
    Strength.PROOF,
    "removed exported func Old from package .",
    path="lib.go",
    line=3,
)
FLOOR = evidence(
    "javascript-api",
    EvidenceKind.RUNTIME_FLOOR,
    Bump.MAJOR,
    Strength.STRONG,
    "requires Node.js 22 or newer (was 18)",
    path="package.json",
)


def _go_module(repo: GitRepo, suffix: str) -> None:
    repo.write("go.mod", GO_MOD.format(suffix=""))
    repo.write("lib.go", "package lib\n\nfunc Old() {}\n")
    repo.commit("first")
    repo.tag("v1.4.0")
    repo.write("go.mod", GO_MOD.format(suffix=suffix))
    repo.write("lib.go", "package lib\n")
    repo.commit("remove Old")


def test_a_removed_public_name_is_cited(repo: GitRepo) -> None:
    _go_module(repo, "")
    ctx = build_context(repo.path, "v1.4.0")
    assert _breaking_proof(ctx, [REMOVED]) == REMOVED.citation


def test_a_new_module_path_is_the_major_itself_even_when_not_listed(repo: GitRepo) -> None:
    _go_module(repo, "/v2")
    ctx = build_context(repo.path, "v1.4.0")
    # The path's own item may sit in a capped summary: the go.mod files are read again.
    assert _breaking_proof(ctx, [REMOVED]) is None


def test_a_raised_runtime_floor_is_not_a_removal(repo: GitRepo) -> None:
    _go_module(repo, "")
    ctx = build_context(repo.path, "v1.4.0")
    assert _breaking_proof(ctx, [FLOOR]) is None
    assert _breaking_proof(ctx, []) is None
    # Names removed beside a raised floor are still the removal the history speaks about.
    assert _breaking_proof(ctx, [FLOOR, REMOVED]) == REMOVED.citation


def test_a_floor_habit_sets_floors_below_major_only() -> None:
    minor_floor = evidence(
        "python-api",
        EvidenceKind.RUNTIME_FLOOR,
        Bump.MINOR,
        Strength.STRONG,
        "minimum supported Python raised from 3.8 to 3.9 (requires-python)",
        path="pyproject.toml",
    )
    habit = FloorHabit((Bump.PATCH, Bump.PATCH), zero=False)

    out = _floors_as_shipped([minor_floor, FLOOR, REMOVED], habit)

    assert out[0].level is Bump.PATCH and out[0].message.endswith("2 of them shipped as patch")
    # A new Node.js major keeps its level; other evidence is untouched.
    assert out[1:] == [FLOOR, REMOVED]
    assert _floors_as_shipped([minor_floor], None) == [minor_floor]
