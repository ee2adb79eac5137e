"""A module file that swaps ``pub use imp::*`` for the names of ``imp``, or back (real
repositories): compared by the names it shows, not as a removed glob and new names."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.evidence.rust import gather
from repo_context import build_context

IMP = "pub fn parse() {}\npub struct Options { pub depth: u8 }\nfn private() {}\n"


def _found(repo: GitRepo, lib: str, changed: str, imp: str = IMP) -> list[tuple[str, str]]:
    repo.write("Cargo.toml", "[package]\nname = 'demo'\n")
    repo.write("src/lib.rs", lib)
    repo.write("src/imp.rs", imp)
    base = repo.commit("initial")
    repo.write("src/lib.rs", changed)
    repo.commit("change")
    return sorted((e.bump, e.message) for e in gather(build_context(repo.path, base)))


def test_a_glob_replaced_by_the_same_names_is_no_change(repo: GitRepo) -> None:
    found = _found(
        repo, "mod imp;\npub use imp::*;\n", "mod imp;\npub use imp::{parse, Options};\n"
    )
    assert found == []


def test_names_replaced_by_a_glob_of_the_same_names_is_no_change(repo: GitRepo) -> None:
    found = _found(
        repo,
        "mod imp;\npub use crate::imp::{parse, Options};\n",
        "mod imp;\npub use self::imp::*;\n",
    )
    assert found == []


def test_a_name_the_glob_showed_and_the_list_leaves_out_is_removed(repo: GitRepo) -> None:
    found = _found(repo, "mod imp;\npub use imp::*;\n", "mod imp;\npub use imp::parse;\n")
    assert found == [("major", "removed pub use Options from src/lib.rs")]


def test_a_glob_that_shows_more_than_the_list_adds_those_names(repo: GitRepo) -> None:
    found = _found(repo, "mod imp;\npub use imp::parse;\n", "mod imp;\npub use imp::*;\n")
    assert found == [("minor", "new pub use Options in src/lib.rs")]


def test_a_glob_is_expanded_through_the_globs_of_the_module_it_names(repo: GitRepo) -> None:
    repo.write("src/imp/inner.rs", "pub fn deep() {}\n")
    found = _found(
        repo,
        "mod imp;\npub use imp::*;\n",
        "mod imp;\npub use imp::{parse, deep};\n",
        "mod inner;\npub use inner::*;\npub fn parse() {}\n",
    )
    assert found == []


def test_a_glob_of_another_crate_is_compared_as_before(repo: GitRepo) -> None:
    found = _found(
        repo,
        "mod imp;\npub use imp::*;\npub use other::*;\n",
        "mod imp;\npub use imp::{parse, Options};\npub use other::*;\n",
    )
    assert ("major", "removed pub use imp::* from src/lib.rs") in found


def test_a_glob_does_not_pass_on_exported_macros(repo: GitRepo) -> None:
    # A #[macro_export] macro lives at the crate root whichever module declares it.
    imp = IMP + "#[macro_export]\nmacro_rules! options { () => {}; }\n"
    found = _found(
        repo, "mod imp;\npub use imp::*;\n", "mod imp;\npub use imp::{parse, Options};\n", imp
    )
    assert found == []


def _moved(repo: GitRepo, depth: str) -> list[tuple[str, str]]:
    """``Options`` declared in ``lib.rs``, then moved into ``imp.rs`` behind a new glob."""
    imp = "pub fn parse() {}\nfn private() {}\n"
    repo.write("Cargo.toml", "[package]\nname = 'demo'\n")
    repo.write(
        "src/lib.rs", "mod imp;\npub use imp::parse;\npub struct Options { pub depth: u8 }\n"
    )
    repo.write("src/imp.rs", imp)
    base = repo.commit("initial")
    repo.write("src/lib.rs", "mod imp;\npub use imp::*;\n")
    repo.write("src/imp.rs", imp + f"pub struct Options {{ pub depth: {depth} }}\n")
    repo.commit("change")
    return sorted((e.bump, e.message) for e in gather(build_context(repo.path, base)))


def test_a_declaration_moved_behind_a_new_glob_is_no_change(repo: GitRepo) -> None:
    assert _moved(repo, "u8") == []


def test_a_moved_declaration_that_changed_on_the_way_is_found(repo: GitRepo) -> None:
    assert _moved(repo, "u16") == [("major", "type of pub field Options.depth changed: u8 -> u16")]


def test_globs_that_name_each_other_end_in_the_plain_comparison(repo: GitRepo) -> None:
    repo.write("src/imp/more.rs", "pub use super::*;\npub fn deep() {}\n")
    found = _found(
        repo,
        "mod imp;\npub use imp::*;\n",
        "mod imp;\npub use imp::{parse, deep};\n",
        "mod more;\npub use more::*;\npub fn parse() {}\n",
    )
    assert ("major", "removed pub use imp::* from src/lib.rs") in found
