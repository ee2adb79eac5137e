"""Go exported-identifier evidence from real repositories."""

from __future__ import annotations

from typing import Any

from release_tools.analysis.evidence._common import GATHER_LIMIT
from release_tools.analysis.evidence.go import gather, parse_go, signature_key
from release_tools.analysis.models import Evidence, Strength
from repo_context import build_context

CLIENT = """package lib

// func Commented() {}
const (
\tAlpha = iota
\tbeta
)

type Client struct{ URL string }

func New(url string, opts ...Option) (*Client, error) { return nil, nil }

func (c *Client) Get(path string) error { return nil }

func helper() {}
"""

OPTIONS = "package lib\n\ntype Option func(*Client)\n"


def _repo(repo: Any) -> str:
    repo.write("go.mod", "module example.com/lib\n")
    repo.write("lib/client.go", CLIENT)
    repo.write("lib/options.go", OPTIONS)
    repo.write("lib/client_test.go", "package lib\n\nfunc TestX() {}\n")
    repo.write("internal/util/util.go", "package util\n\nfunc Util() {}\n")
    repo.write("cmd/tool/main.go", "package main\n\nfunc main() {}\n")
    return repo.commit("initial")


def _run(repo: Any, base: str) -> list[Evidence]:
    repo.commit("change")
    return gather(build_context(repo.path, base))


def _messages(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in items)


def test_signature_key_drops_names() -> None:
    assert signature_key("a, b int, c ...string") == "int,int,...string"
    assert signature_key("int, string") == "int,string"
    assert signature_key("ctx context.Context, f func(a, b int) error") == (
        "context.Context,func(a, b int) error"
    )


def test_parse_go_finds_exported_identifiers() -> None:
    package, idents = parse_go(CLIENT, "lib/client.go")
    assert package == "lib"
    assert sorted(idents) == ["Alpha", "Client", "Client.Get", "New"]
    assert idents["New"].signature == "(string,...Option) (*Client,error)"
    assert idents["Client.Get"].line == 13


def test_removed_identifier_is_major_and_moves_between_files_are_not(repo: Any) -> None:
    base = _repo(repo)
    # Option moves to client.go (same package): not a removal. Client.Get is removed.
    code = CLIENT.replace("func (c *Client) Get(path string) error { return nil }\n", "")
    repo.write("lib/client.go", code + "\ntype Option func(*Client)\n")
    repo.remove("lib/options.go")
    items = _run(repo, base)
    assert _messages(items) == [("major", "removed exported method Client.Get from package lib")]
    assert (items[0].path, items[0].line, items[0].strength) == (
        "lib/client.go",
        13,
        Strength.PROOF,
    )


def test_signature_change_is_major_rename_of_params_is_not(repo: Any) -> None:
    base = _repo(repo)
    code = CLIENT.replace("func New(url string,", "func New(u string, timeout int,").replace(
        "Get(path string)", "Get(p string)"
    )
    repo.write("lib/client.go", code)
    items = _run(repo, base)
    assert _messages(items) == [
        (
            "major",
            "signature of New changed: func(string,...Option) (*Client,error) -> "
            "func(string,int,...Option) (*Client,error)",
        )
    ]


def test_new_identifiers_are_minor_internal_main_and_tests_ignored(repo: Any) -> None:
    base = _repo(repo)
    repo.write("lib/client.go", CLIENT + "\nfunc Extra() {}\n\nvar Default = New\n")
    repo.write("internal/util/util.go", "package util\n")
    repo.write("cmd/tool/main.go", "package main\n\nfunc main() {}\n\nfunc Run() {}\n")
    repo.write("lib/client_test.go", "package lib\n")
    items = _run(repo, base)
    assert _messages(items) == [
        ("minor", "new exported func Extra in package lib"),
        ("minor", "new exported var Default in package lib"),
    ]


def _no_single_reads(ctx: Any, monkeypatch: Any) -> None:
    def show_file(ref: str, path: str) -> bytes | None:
        raise AssertionError(f"{path} read on its own, not in the batch")

    monkeypatch.setattr(ctx.git, "show_file", show_file)


def test_thousands_of_exports_give_bounded_evidence_with_exact_counts(
    repo: Any, monkeypatch: Any
) -> None:
    repo.write("go.mod", "module example.com/gen\n")
    repo.write("gen/keep.go", "package gen\n\nfunc Gone() {}\nfunc Sig(a int) {}\n")
    for part in range(20):
        repo.write(f"gen/other_{part}.go", f"package gen\n\nfunc Old{part}() {{}}\n")
    base = repo.commit("initial")
    repo.write("gen/keep.go", "package gen\n\nfunc Sig(a string) {}\n")
    for part in range(20):
        names = "".join(f"func New{part}x{i}() {{}}\n" for i in range(200))
        repo.write(f"gen/other_{part}.go", f"package gen\n\nfunc Old{part}() {{}}\n{names}")
    repo.commit("generated")
    ctx = build_context(repo.path, base)
    _no_single_reads(ctx, monkeypatch)
    items = gather(ctx)
    # 2 breaking findings and 4000 new names: the gatherer's allowance listed, the rest
    # counted in one summary.
    listed = [e for e in items if not e.is_summary]
    assert len(listed) == GATHER_LIMIT
    assert sorted(e.message for e in listed if e.bump == "major") == [
        "removed exported func Gone from package gen",
        "signature of Sig changed: func(int) -> func(string)",
    ]
    assert all(e.message.startswith("new exported func New") for e in listed if e.bump == "minor")
    assert [(e.bump, e.strength, e.omitted) for e in items if e.is_summary] == [
        ("minor", Strength.STRONG, 4000 - (GATHER_LIMIT - 2))
    ]
    assert sum(e.count for e in items) == 4002


def test_package_at_the_repository_root(repo: Any) -> None:
    # The root package's directory is "": git refuses an empty pathspec, so the gatherer used to
    # fail and the change fell back to a weak patch.
    repo.write("go.mod", "module example.com/root\n")
    repo.write("root.go", "package root\n\nfunc A() int { return 1 }\n\nfunc C() {}\n")
    base = repo.commit("initial")
    repo.write(
        "root.go", "package root\n\nfunc A() int { return 1 }\n\nfunc B() int { return 2 }\n"
    )
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "removed exported func C from package ."),
        ("minor", "new exported func B in package ."),
    ]
