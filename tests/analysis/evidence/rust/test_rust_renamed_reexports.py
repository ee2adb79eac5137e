"""Items of a private module re-exported under another name (``pub use inner::Thing as
Alias``) are reported under the path callers write (``crate::Alias``), in real repositories."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.evidence.rust.modules import module_path
from release_tools.analysis.evidence.rust.syntax import parse_module
from review_marks import checked
from rust_crate import crate_change

LIB = "mod inner;\npub use inner::Thing as Alias;\n"
THING = (
    "pub struct Thing {\n    pub a: u8,\n}\n"
    "impl Thing {\n    pub fn new() -> Self { todo!() }\n}\n"
    "pub fn helper() {}\n"
)


def _found(
    repo: GitRepo, files: dict[str, str], changed: dict[str, str | None]
) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in checked(crate_change(repo, files, changed)))


def test_a_changed_item_is_reported_under_its_exported_path(repo: GitRepo) -> None:
    changed = THING.replace("pub a: u8", "pub a: u16").replace("fn new()", "fn create()")
    found = _found(repo, {"src/lib.rs": LIB, "src/inner.rs": THING}, {"src/inner.rs": changed})
    assert found == [
        ("major", "removed pub fn crate::Alias::new from src/inner.rs"),
        ("major", "type of pub field crate::Alias.a changed: u8 -> u16"),
        ("minor", "new pub fn crate::Alias::create in src/inner.rs"),
    ]


def test_a_removed_renamed_item_is_removed_under_its_exported_path(repo: GitRepo) -> None:
    found = _found(
        repo,
        {"src/lib.rs": LIB, "src/inner.rs": THING},
        {"src/lib.rs": "mod inner;\n", "src/inner.rs": "pub fn helper() {}\n"},
    )
    assert found == [
        ("major", "removed pub fn crate::Alias::new from src/inner.rs"),
        ("major", "removed pub struct crate::Alias from src/inner.rs"),
        ("major", "removed pub use Alias from src/lib.rs"),
    ]


def test_an_added_renamed_item_is_new_under_its_exported_path(repo: GitRepo) -> None:
    found = _found(
        repo,
        {"src/lib.rs": "mod inner;\n", "src/inner.rs": "pub fn helper() {}\n"},
        {"src/lib.rs": LIB, "src/inner.rs": THING},
    )
    assert found == [
        ("minor", "new pub fn crate::Alias::new in src/inner.rs"),
        ("minor", "new pub struct crate::Alias in src/inner.rs"),
        ("minor", "new pub use Alias in src/lib.rs"),
    ]


def test_renaming_the_alias_removes_the_old_path_and_adds_the_new(repo: GitRepo) -> None:
    renamed = LIB.replace("Alias", "Alias2")
    found = _found(repo, {"src/lib.rs": LIB, "src/inner.rs": THING}, {"src/lib.rs": renamed})
    assert found == [
        ("major", "removed pub use Alias from src/lib.rs"),
        ("minor", "new pub use Alias2 in src/lib.rs"),
    ]


def test_renaming_the_alias_while_the_item_changes_reads_as_removal_and_addition(
    repo: GitRepo,
) -> None:
    found = _found(
        repo,
        {"src/lib.rs": LIB, "src/inner.rs": THING},
        {"src/lib.rs": LIB.replace("Alias", "Alias2"), "src/inner.rs": THING + "\n"},
    )
    assert found == [
        ("major", "removed pub fn crate::Alias::new from src/inner.rs"),
        ("major", "removed pub struct crate::Alias from src/inner.rs"),
        ("major", "removed pub use Alias from src/lib.rs"),
        ("minor", "new pub fn crate::Alias2::new in src/inner.rs"),
        ("minor", "new pub struct crate::Alias2 in src/inner.rs"),
        ("minor", "new pub use Alias2 in src/lib.rs"),
    ]


def test_an_item_also_exported_under_its_own_name_keeps_that_name(repo: GitRepo) -> None:
    lib = "mod inner;\npub use inner::{Thing, Thing as Alias};\n"
    changed = THING.replace("pub a: u8", "pub a: u16")
    found = _found(repo, {"src/lib.rs": lib, "src/inner.rs": THING}, {"src/inner.rs": changed})
    assert found == [("major", "type of pub field Thing.a changed: u8 -> u16")]


def test_the_exported_path_names_the_re_exporting_module(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "pub mod net;\n",
        "src/net/mod.rs": "mod imp;\npub use self::imp::connect as open;\n",
        "src/net/imp.rs": "pub fn connect(port: u16) {}\n",
    }
    found = _found(repo, files, {"src/net/imp.rs": "pub fn connect(port: u32) {}\n"})
    assert found == [
        ("major", "signature of pub fn crate::net::open changed: (u16) -> () -> (u32) -> ()")
    ]


def test_an_item_moved_behind_its_alias_is_compared_under_its_exported_path(
    repo: GitRepo,
) -> None:
    files = {
        "src/lib.rs": "mod old;\nmod new;\npub use old::Thing as Alias;\n",
        "src/old.rs": "pub fn Thing(a: u8) {}\n",
        "src/new.rs": "\n",
    }
    changed = {
        "src/lib.rs": "mod new;\npub use new::Thing as Alias;\n",
        "src/new.rs": "pub fn Thing(a: u16) {}\n",
        "src/old.rs": None,
    }
    assert _found(repo, files, changed) == [
        ("major", "signature of pub fn crate::Alias changed: (u8) -> () -> (u16) -> ()")
    ]


def test_the_module_path_of_a_file_follows_its_declarations() -> None:
    modules = {
        "src/lib.rs": parse_module("pub mod a;\n"),
        "src/a.rs": parse_module("mod b;\n"),
        "src/a/b/mod.rs": parse_module("\n"),
    }
    assert module_path("src/lib.rs", modules.get) == "crate"
    assert module_path("src/a/b/mod.rs", modules.get) == "crate::a::b"
    assert module_path("src/c.rs", modules.get) is None


def test_methods_of_an_impl_in_another_file_take_the_exported_path_of_their_type(
    repo: GitRepo,
) -> None:
    # `Thing` is reached only as `Alias`; the impl that gives it methods sits in `imp.rs`.
    files = {
        "src/lib.rs": "mod inner;\nmod imp;\npub use inner::Thing as Alias;\n",
        "src/inner.rs": "pub struct Thing {\n    pub a: u8,\n}\n",
        "src/imp.rs": (
            "use crate::inner::Thing;\n\nimpl Thing {\n"
            "    pub fn x(&self) -> u8 { self.a }\n    pub fn y(&self) {}\n}\n"
        ),
    }
    changed = (
        files["src/imp.rs"]
        .replace("-> u8 {", "-> u16 {")
        .replace("    pub fn y(&self) {}\n", "    pub fn z(&self) {}\n")
    )
    assert _found(repo, files, {"src/imp.rs": changed}) == [
        ("major", "removed pub fn crate::Alias::y from src/imp.rs"),
        ("major", "signature of pub fn crate::Alias::x changed: (&self) -> u8 -> (&self) -> u16"),
        ("minor", "new pub fn crate::Alias::z in src/imp.rs"),
    ]


def test_methods_of_an_impl_beside_a_type_exported_under_both_names_keep_its_name(
    repo: GitRepo,
) -> None:
    files = {
        "src/lib.rs": "mod inner;\nmod imp;\npub use inner::{Thing, Thing as Alias};\n",
        "src/inner.rs": "pub struct Thing {\n    pub a: u8,\n}\n",
        "src/imp.rs": "use super::inner::Thing;\n\nimpl Thing {\n    pub fn y(&self) {}\n}\n",
    }
    changed = {"src/imp.rs": "use super::inner::Thing;\n\nimpl Thing {}\n"}
    assert _found(repo, files, changed) == [("major", "removed pub fn Thing::y from src/imp.rs")]
