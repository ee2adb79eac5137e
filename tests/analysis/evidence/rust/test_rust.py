"""Rust pub-item evidence from real repositories."""

from __future__ import annotations

from typing import Any

from release_tools.analysis.evidence._common import GATHER_LIMIT
from release_tools.analysis.evidence.rust import gather, parse_rust
from release_tools.analysis.models import Evidence, Strength
from repo_context import build_context

LIB = """//! crate docs
pub mod client;
mod private;
pub use client::{Client, Builder as B};

/// pub fn commented() {}
pub fn connect(addr: &str, timeout: Option<u64>) -> Result<(), Error> { todo!() }
pub(crate) fn internal() {}
pub const MAX: usize = 3;
"""

CLIENT = """pub struct Client;
pub struct Builder;
impl Client {
    pub fn send(&mut self, data: &[u8]) -> usize { 0 }
    fn hidden(&self) {}
}
"""


def _repo(repo: Any) -> str:
    repo.write("Cargo.toml", "[package]\nname = 'demo'\n")
    repo.write("src/lib.rs", LIB)
    repo.write("src/client.rs", CLIENT)
    repo.write("src/private.rs", "pub fn secret() {}\n")
    repo.write("src/main.rs", "pub fn cli() {}\nfn main() {}\n")
    repo.write("tests/it.rs", "pub fn helper() {}\n")
    return repo.commit("initial")


def _run(repo: Any, base: str) -> list[Evidence]:
    repo.commit("change")
    return gather(build_context(repo.path, base))


def _messages(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in items)


def test_parse_rust_items_reexports_and_methods() -> None:
    items = parse_rust(LIB + CLIENT)
    assert sorted(items) == sorted(
        ["client", "Client", "B", "connect", "MAX", "Builder", "Client::send"]
    )
    assert items["connect"].signature == "(&str, Option<u64>) -> Result<(), Error>"
    assert items["Client::send"].signature == "(&mut self, &[u8]) -> usize"


def test_removed_pub_fn_is_major_proof(repo: Any) -> None:
    base = _repo(repo)
    repo.write("src/lib.rs", LIB.replace("pub const MAX: usize = 3;\n", ""))
    items = _run(repo, base)
    assert _messages(items) == [("major", "removed pub const MAX from src/lib.rs")]
    assert (items[0].line, items[0].strength) == (9, Strength.PROOF)


def test_signature_change_of_method_in_public_module(repo: Any) -> None:
    base = _repo(repo)
    repo.write("src/client.rs", CLIENT.replace("data: &[u8]", "buf: &[u8], flush: bool"))
    items = _run(repo, base)
    assert _messages(items) == [
        (
            "major",
            "signature of pub fn Client::send changed: (&mut self, &[u8]) -> usize -> "
            "(&mut self, &[u8], bool) -> usize",
        )
    ]


def test_private_modules_binaries_and_tests_are_ignored(repo: Any) -> None:
    base = _repo(repo)
    repo.write("src/private.rs", "pub fn other() {}\n")
    repo.write("src/main.rs", "fn main() {}\n")
    repo.write("tests/it.rs", "\n")
    repo.write("src/lib.rs", LIB.replace("pub(crate) fn internal() {}", "fn internal2() {}"))
    assert _run(repo, base) == []


def test_new_items_are_minor_param_renames_are_not_breaking(repo: Any) -> None:
    base = _repo(repo)
    code = LIB.replace("addr: &str", "address: &str") + "pub enum Mode { A }\n"
    repo.write("src/lib.rs", code)
    items = _run(repo, base)
    assert _messages(items) == [("minor", "new pub enum Mode in src/lib.rs")]


def test_thousands_of_items_give_bounded_evidence_with_exact_counts(
    repo: Any, monkeypatch: Any
) -> None:
    repo.write("Cargo.toml", "[package]\nname = 'gen'\n")
    repo.write("src/lib.rs", "pub mod tables;\npub mod deep;\npub fn gone() {}\n")
    repo.write("src/deep/mod.rs", "pub mod inner;\n")
    repo.write("src/deep/inner.rs", "pub fn f(a: u8) {}\n")
    repo.write("src/tables.rs", "pub const FIRST: u8 = 0;\n")
    base = repo.commit("initial")
    repo.write("src/lib.rs", "pub mod tables;\npub mod deep;\n")
    repo.write("src/deep/inner.rs", "pub fn f(a: u16) {}\n")
    rows = "".join(f"pub const VALUE_{i:05d}: u32 = {i};\n" for i in range(3000))
    repo.write("src/tables.rs", "pub const FIRST: u8 = 0;\n" + rows)
    repo.commit("generated")
    ctx = build_context(repo.path, base)

    def show_file(ref: str, path: str) -> bytes | None:
        raise AssertionError(f"{path} read on its own, not in the batch")

    monkeypatch.setattr(ctx.git, "show_file", show_file)
    items = gather(ctx)
    listed = [e for e in items if not e.is_summary]
    assert len(listed) == GATHER_LIMIT
    assert sorted(e.message for e in listed if e.bump == "major") == [
        "removed pub fn gone from src/lib.rs",
        "signature of pub fn f changed: (u8) -> () -> (u16) -> ()",
    ]
    assert listed[-1].message == f"new pub const VALUE_{GATHER_LIMIT - 3:05d} in src/tables.rs"
    assert [(e.bump, e.strength, e.omitted) for e in items if e.is_summary] == [
        ("minor", Strength.STRONG, 3000 - (GATHER_LIMIT - 2))
    ]
    assert sum(e.count for e in items) == 3002
