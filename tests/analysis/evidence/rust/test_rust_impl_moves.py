"""An ``impl`` block moved to another file of the crate (real repositories): its methods are
still there for callers, so the move is no change; a method that really went is still found."""

from __future__ import annotations

from gitrepo import GitRepo
from rust_crate import crate_change

TYPE = "pub struct Foo { a: u8 }\n"
IMPL = (
    "impl Foo {\n    pub fn new() -> Self { Foo { a: 1 } }\n"
    "    pub fn get(&self) -> u8 { self.a }\n}\n"
)


def _found(repo: GitRepo, files: dict[str, str], changed: dict[str, str | None]) -> list[str]:
    return sorted(f"{e.bump}: {e.message}" for e in crate_change(repo, files, changed))


def test_an_impl_moved_to_a_private_module_is_no_change(repo: GitRepo) -> None:
    changed: dict[str, str | None] = {
        "src/lib.rs": "mod imp;\n" + TYPE,
        "src/imp.rs": "use crate::Foo;\n" + IMPL,
    }
    assert _found(repo, {"src/lib.rs": TYPE + IMPL}, changed) == []


def test_an_impl_moved_between_modules_is_no_change(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "pub mod a;\npub mod b;\n" + TYPE,
        "src/a.rs": "use crate::Foo;\n" + IMPL,
    }
    changed: dict[str, str | None] = {
        "src/a.rs": "pub fn x() {}\n",
        "src/b.rs": "use crate::Foo;\n" + IMPL,
    }
    assert _found(repo, files, changed) == ["minor: new pub fn x in src/a.rs"]


def test_a_method_removed_while_the_impl_moved_is_still_removed(repo: GitRepo) -> None:
    changed: dict[str, str | None] = {
        "src/lib.rs": "mod imp;\n" + TYPE,
        "src/imp.rs": "use crate::Foo;\n"
        + IMPL.replace("    pub fn get(&self) -> u8 { self.a }\n", ""),
    }
    assert _found(repo, {"src/lib.rs": TYPE + IMPL}, changed) == [
        "major: removed pub fn Foo::get from src/lib.rs"
    ]


def test_a_same_named_method_of_an_unchanged_file_does_not_hide_a_removal(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "pub mod other;\n" + TYPE + IMPL,
        "src/other.rs": "pub struct Foo;\n" + IMPL.replace("Foo { a: 1 }", "Foo"),
    }
    changed: dict[str, str | None] = {"src/lib.rs": "pub mod other;\n" + TYPE}
    assert _found(repo, files, changed) == [
        "major: removed pub fn Foo::get from src/lib.rs",
        "major: removed pub fn Foo::new from src/lib.rs",
    ]


PRIVATE_IMPL = "use crate::Foo;\n" + IMPL


def test_methods_of_a_public_type_in_a_private_module_are_public(repo: GitRepo) -> None:
    files = {"src/lib.rs": "mod imp;\n" + TYPE, "src/imp.rs": PRIVATE_IMPL}
    changed: dict[str, str | None] = {
        "src/imp.rs": PRIVATE_IMPL.replace("pub fn get(&self)", "pub fn value(&self)")
    }
    assert _found(repo, files, changed) == [
        "major: removed pub fn Foo::get from src/imp.rs",
        "minor: new pub fn Foo::value in src/imp.rs",
    ]


def test_methods_of_a_private_type_in_a_private_module_are_not(repo: GitRepo) -> None:
    private = "pub struct Foo { a: u8 }\n" + IMPL
    files = {"src/lib.rs": "mod imp;\npub struct Foo;\n", "src/imp.rs": private}
    changed: dict[str, str | None] = {
        "src/imp.rs": private.replace("pub fn get(&self)", "pub fn value(&self)")
    }
    assert _found(repo, files, changed) == []


def test_a_moved_method_is_compared_with_its_new_home(repo: GitRepo) -> None:
    moved = IMPL.replace("pub fn get(&self) -> u8", "pub fn get(&self) -> u64")
    changed: dict[str, str | None] = {
        "src/lib.rs": "mod imp;\n" + TYPE,
        "src/imp.rs": "use crate::Foo;\n" + moved,
    }
    assert _found(repo, {"src/lib.rs": TYPE + IMPL}, changed) == [
        "major: signature of pub fn Foo::get changed: (&self) -> u8 -> (&self) -> u64"
    ]


def test_a_method_of_another_type_of_the_same_name_is_no_move(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "pub mod parser;\npub struct Error { code: u8 }\n"
        "impl Error {\n    pub fn new(code: u8) -> Self { Error { code } }\n}\n",
        "src/parser.rs": "pub struct Error;\nimpl Error {\n    pub fn kind(&self) -> u8 { 0 }\n}\n",
    }
    changed: dict[str, str | None] = {
        "src/lib.rs": "pub mod parser;\npub struct Error { code: u8 }\n",
        "src/parser.rs": "pub struct Error;\nimpl Error {\n    pub fn kind(&self) -> u8 { 0 }\n"
        "    pub fn new() -> Self { Error }\n}\n",
    }
    assert _found(repo, files, changed) == [
        "major: removed pub fn Error::new from src/lib.rs",
        "minor: new pub fn Error::new in src/parser.rs",
    ]


def test_a_private_type_named_like_a_public_one_is_not_public(repo: GitRepo) -> None:
    impl = (
        "use crate::parse::Error;\n"
        "impl Error {\n    pub fn new(line: usize) -> Self { Error { line } }\n}\n"
    )
    files = {
        "src/lib.rs": "mod parse;\nmod imp;\npub struct Error { code: u8 }\n",
        "src/parse.rs": "pub struct Error { pub line: usize }\n",
        "src/imp.rs": impl,
    }
    changed: dict[str, str | None] = {"src/imp.rs": impl.replace("fn new(", "fn at(")}
    assert _found(repo, files, changed) == []


def test_methods_of_a_public_type_in_a_private_module_are_found_through_its_module(
    repo: GitRepo,
) -> None:
    impl = "use crate::types::Foo;\n" + IMPL
    files = {
        "src/lib.rs": "mod types;\nmod imp;\npub use types::Foo;\n",
        "src/types.rs": TYPE,
        "src/imp.rs": impl,
    }
    changed: dict[str, str | None] = {"src/imp.rs": impl.replace("fn get(", "fn value(")}
    assert _found(repo, files, changed) == [
        "major: removed pub fn Foo::get from src/imp.rs",
        "minor: new pub fn Foo::value in src/imp.rs",
    ]


def test_an_impl_naming_the_type_by_its_re_export_meets_its_declaration(repo: GitRepo) -> None:
    # `use crate::Foo` names the re-export in lib.rs; the impl used to sit beside the
    # declaration in map.rs: one type, followed through the re-export.
    files = {"src/lib.rs": "mod map;\nmod imp;\npub use map::Foo;\n", "src/map.rs": TYPE + IMPL}
    changed: dict[str, str | None] = {"src/map.rs": TYPE, "src/imp.rs": "use crate::Foo;\n" + IMPL}
    assert _found(repo, files, changed) == []
