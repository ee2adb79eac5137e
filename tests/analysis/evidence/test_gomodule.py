"""Go's module-path rule for major versions, on real repositories."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis import analyze
from release_tools.analysis.evidence.gomodule import gather, module_path
from release_tools.analysis.models import EvidenceKind
from repo_context import build_context

GO_MOD = "module example.com/lib{suffix}\n\ngo 1.22\n"
LIB_V1 = "package lib\n\nfunc Old() int { return 1 }\n\nfunc Keep() int { return 2 }\n"
LIB_V2 = "package lib\n\nfunc Keep() int { return 2 }\n"


def _module(repo: GitRepo, tag: str) -> str:
    repo.write("go.mod", GO_MOD.format(suffix=""))
    repo.write("lib.go", LIB_V1)
    base = repo.commit("first")
    repo.tag(tag)
    return base


def test_module_path_is_read_from_go_mod() -> None:
    assert module_path('// c\nmodule "example.com/x/v3"\n') == "example.com/x/v3"
    assert module_path("go 1.22\n") is None


def test_a_kept_path_caps_a_v1_module_at_minor(repo: GitRepo) -> None:
    _module(repo, "v1.4.0")
    repo.write("lib.go", LIB_V2)
    repo.commit("remove Old")

    items = gather(build_context(repo.path, "v1.4.0"))
    assert [(e.kind, e.bump) for e in items] == [(EvidenceKind.CEILING, "minor")]
    assert "example.com/lib/v2" in items[0].message

    decision = analyze(repo.path)
    assert decision.version_type == "minor" and decision.needs_review
    assert decision.next_version == "1.5.0"
    assert "removed exported func Old" in decision.reasoning


def test_a_new_major_suffix_is_proof_of_major(repo: GitRepo) -> None:
    _module(repo, "v1.4.0")
    repo.write("go.mod", GO_MOD.format(suffix="/v2"))
    repo.write("lib.go", LIB_V2)
    repo.commit("v2 module")

    items = gather(build_context(repo.path, "v1.4.0"))
    assert [(e.kind, e.bump, e.strength) for e in items] == [
        (EvidenceKind.API_CHANGED, "major", "proof")
    ]
    assert analyze(repo.path).version_type == "major"


def test_no_ceiling_before_one_or_without_go_mod(repo: GitRepo) -> None:
    _module(repo, "v0.9.0")
    repo.write("lib.go", LIB_V2)
    repo.commit("remove Old")
    assert gather(build_context(repo.path, "v0.9.0")) == []
    repo.remove("go.mod")
    repo.commit("drop go.mod")
    assert gather(build_context(repo.path, "v0.9.0")) == []


def test_a_major_subdirectory_module_is_not_the_root_modules_major(repo: GitRepo) -> None:
    # v2/ starts a module of its own (released from 2.0.0 on): the root module stays on v1.
    _module(repo, "v1.4.0")
    repo.write("v2/go.mod", GO_MOD.format(suffix="/v2"))
    repo.write("v2/lib.go", LIB_V2)
    repo.commit("v2 beside v1")

    items = gather(build_context(repo.path, "v1.4.0"))

    assert [(e.kind, e.bump) for e in items] == [(EvidenceKind.CEILING, "minor")]


def _pre_module(repo: GitRepo, tag: str) -> None:
    repo.write("lib.go", LIB_V1)
    repo.commit("first, before Go modules")
    repo.tag(tag)


def test_a_go_mod_adopted_at_the_current_major_caps_at_minor(repo: GitRepo) -> None:
    _pre_module(repo, "v1.3.0")
    repo.write("go.mod", GO_MOD.format(suffix=""))
    repo.write("lib.go", LIB_V2)
    repo.commit("adopt modules, remove Old")

    items = gather(build_context(repo.path, "v1.3.0"))

    assert [(e.kind, e.bump) for e in items] == [
        (EvidenceKind.CEILING, "minor"),
        (EvidenceKind.API_CHANGED, "minor"),
    ]
    assert "example.com/lib/v2" in items[0].message
    assert analyze(repo.path).version_type == "minor"


def test_adopting_modules_without_other_changes_is_a_minor_release(repo: GitRepo) -> None:
    # Importers now get the module's requirements and Go version: not a fix.
    _pre_module(repo, "v1.3.0")
    repo.write("go.mod", GO_MOD.format(suffix=""))
    repo.commit("add go.mod")
    decision = analyze(repo.path)
    assert decision.version_type == "minor" and decision.next_version == "1.4.0"
    assert "adopts Go modules" in decision.reasoning


def test_a_go_mod_adopted_with_the_next_major_is_proof(repo: GitRepo) -> None:
    _pre_module(repo, "v1.3.0")
    repo.write("go.mod", GO_MOD.format(suffix="/v2"))
    repo.commit("adopt modules as v2")

    items = gather(build_context(repo.path, "v1.3.0"))

    assert [(e.kind, e.bump, e.strength) for e in items] == [
        (EvidenceKind.API_CHANGED, "major", "proof")
    ]


def test_a_go_mod_adopted_on_zero_says_nothing(repo: GitRepo) -> None:
    _pre_module(repo, "v0.3.0")
    repo.write("go.mod", GO_MOD.format(suffix=""))
    repo.commit("adopt modules")
    assert gather(build_context(repo.path, "v0.3.0")) == []


def test_a_go_mod_adopted_with_an_unrelated_major_says_nothing(repo: GitRepo) -> None:
    _pre_module(repo, "v3.1.0")
    repo.write("go.mod", GO_MOD.format(suffix="/v5"))
    repo.commit("adopt modules at an unrelated major")
    assert gather(build_context(repo.path, "v3.1.0")) == []
