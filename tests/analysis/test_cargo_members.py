"""analyze on a Cargo workspace whose root is a crate: member crates with release tags of their
own are released apart, so their files and commits are not the root crate's (real repositories).
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.analysis.service import collect, run_analysis
from release_tools.cli import cli
from release_tools.config import Settings

ROOT = """[package]
name = "demo"
version = "4.2.0"

[workspace]
members = ["demo_builder", "demo_complete"]
"""
LIB = "pub use demo_builder::Command;\npub fn run() {}\n"
BUILDER = "pub struct Command;\nimpl Command {\n    pub fn new() -> Self { Command }\n}\n"
COMPLETE = "pub fn generate(shell: &str) {}\npub fn bash() {}\n"


def _workspace(repo: GitRepo) -> None:
    repo.write("Cargo.toml", ROOT)
    repo.write("src/lib.rs", LIB)
    # Re-exported by the root and released with it: no tags of its own.
    repo.write("demo_builder/Cargo.toml", '[package]\nname = "demo_builder"\nversion = "4.2.0"\n')
    repo.write("demo_builder/src/lib.rs", BUILDER)
    # Released apart, with its own tags and numbers.
    repo.write("demo_complete/Cargo.toml", '[package]\nname = "demo_complete"\nversion = "0.3.0"\n')
    repo.write("demo_complete/src/lib.rs", COMPLETE)
    repo.commit("chore: initial")
    repo.tag("v4.2.0")
    repo.tag("demo_complete-v0.3.0")


def test_a_member_released_apart_is_not_the_root_crates_change(repo: GitRepo) -> None:
    _workspace(repo)
    repo.write("demo_complete/src/lib.rs", "pub fn generate(shell: &str, out: &mut String) {}\n")
    repo.commit("fix(complete)!: write into a buffer")
    repo.write("demo_builder/src/lib.rs", BUILDER + "pub fn helper() {}\n")
    repo.commit("fix(builder): add helper")

    ctx = collect(Settings(repo=repo.path, history=False)).context
    decision = run_analysis(Settings(repo=repo.path))

    assert ctx.project_excludes == ("demo_complete",)
    assert [c.path for c in ctx.changes] == ["demo_builder/src/lib.rs"]
    assert [c.subject for c in ctx.commits] == ["fix(builder): add helper"]
    # The builder's new function is the root's API (re-exported crate, released with it); the
    # breaking change of demo_complete is its own release's.
    assert (decision.version_type, decision.next_version) == ("minor", "4.3.0")
    assert all(not (e.path or "").startswith("demo_complete/") for e in decision.evidence)


def test_the_member_released_apart_is_analyzed_as_its_own_project(repo: GitRepo) -> None:
    _workspace(repo)
    repo.write("demo_complete/src/lib.rs", "pub fn generate(shell: &str) {}\n")
    repo.commit("fix(complete)!: drop bash")

    decision = run_analysis(Settings(repo=repo.path, project="demo_complete"))

    assert (decision.base, decision.current_version) == ("demo_complete-v0.3.0", "0.3.0")
    assert decision.version_type == "major" and decision.next_version == "0.4.0"


def test_members_without_tags_of_their_own_stay_in_the_root_crate(repo: GitRepo) -> None:
    _workspace(repo)
    repo.git("tag", "-d", "demo_complete-v0.3.0")
    repo.write("demo_complete/src/lib.rs", "pub fn generate(shell: &str) {}\n")
    repo.commit("fix(complete): drop bash")

    ctx = collect(Settings(repo=repo.path, history=False)).context

    assert ctx.project_excludes == ()
    assert [c.path for c in ctx.changes] == ["demo_complete/src/lib.rs"]


def test_the_root_crates_auto_plan_leaves_out_a_member_released_apart(repo: GitRepo) -> None:
    _workspace(repo)
    repo.write("demo_complete/src/lib.rs", "pub fn generate(shell: &str, out: &mut String) {}\n")
    repo.commit("fix(complete)!: write into a buffer")
    repo.write("src/lib.rs", LIB + "pub fn stop() {}\n")
    repo.commit("feat: add stop")

    args = ["-C", str(repo.path), "--project", "demo", "--version-type", "auto"]
    result = CliRunner().invoke(cli, ["create-version-plan", *args, "--format", "json"])

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["projects"] == {"demo": "minor"}
    plans = (repo.path / ".nx/version-plans").glob("*.md")
    text = "".join(p.read_text(encoding="utf-8") for p in plans)
    assert "add stop" in text and "write into a buffer" not in text


def _depending_root(dependencies: str) -> str:
    return ROOT + dependencies


def test_a_tagged_member_the_root_depends_on_ships_with_the_root(repo: GitRepo) -> None:
    # ripgrep's layout: grep and ignore have tags of their own, yet every rg release builds them.
    _workspace(repo)
    deps = '\n[dependencies]\ndemo_complete = { version = "0.3", path = "demo_complete" }\n'
    repo.write("Cargo.toml", _depending_root(deps))
    repo.commit("build: depend on demo_complete")
    repo.tag("v4.2.1")
    repo.write("demo_complete/src/lib.rs", COMPLETE + "pub fn zsh() {}\n")
    repo.commit("feat(complete): zsh")

    ctx = collect(Settings(repo=repo.path, history=False)).context
    decision = run_analysis(Settings(repo=repo.path, history=False))

    assert ctx.project_excludes == ()
    assert [c.subject for c in ctx.commits] == ["feat(complete): zsh"]
    assert decision.version_type == "minor"


def test_a_member_reached_through_another_member_ships_with_the_root(repo: GitRepo) -> None:
    _workspace(repo)
    renamed = '\n[dependencies]\nb = { package = "demo_builder", path = "demo_builder" }\n'
    repo.write("Cargo.toml", _depending_root(renamed))
    builder = '[package]\nname = "demo_builder"\nversion = "4.2.0"\n'
    target = '[target."cfg(unix)".dependencies]\ndemo_complete = { path = "../demo_complete" }\n'
    repo.write("demo_builder/Cargo.toml", builder + target)
    repo.commit("build: builder uses complete on unix")
    repo.tag("v4.2.1")

    ctx = collect(Settings(repo=repo.path, history=False)).context

    assert ctx.project_excludes == ()


def test_development_and_build_dependencies_do_not_ship_a_member(repo: GitRepo) -> None:
    _workspace(repo)
    deps = (
        '\n[dev-dependencies]\ndemo_complete = { path = "demo_complete" }\n'
        '\n[build-dependencies]\ndemo_complete = { path = "demo_complete" }\n'
    )
    repo.write("Cargo.toml", _depending_root(deps))
    repo.commit("build: test with demo_complete")
    repo.tag("v4.2.1")

    ctx = collect(Settings(repo=repo.path, history=False)).context

    assert ctx.project_excludes == ("demo_complete",)


def test_an_unreadable_root_manifest_at_the_head_keeps_the_tagged_members_apart(
    repo: GitRepo,
) -> None:
    _workspace(repo)
    repo.write("Cargo.toml", ROOT + "\n[dependencies\n")
    repo.commit("chore: break the manifest")
    repo.write("Cargo.toml", ROOT)  # the work tree is readable; the analysed commit is not

    ctx = collect(Settings(repo=repo.path, history=False)).context

    assert ctx.project_excludes == ("demo_complete",)


def test_a_member_renamed_in_the_workspace_table_ships_with_the_root(repo: GitRepo) -> None:
    _workspace(repo)
    inherit = (
        "\n[workspace.dependencies]\n"
        'complete = { package = "demo_complete", path = "demo_complete" }'
        "\n\n[dependencies]\ncomplete = { workspace = true }\n"
    )
    repo.write("Cargo.toml", _depending_root(inherit))
    repo.commit("build: depend on demo_complete through the workspace")

    ctx = collect(Settings(repo=repo.path, history=False)).context

    assert ctx.project_excludes == ()


def test_a_member_taken_from_the_registry_stays_apart(repo: GitRepo) -> None:
    # The root builds the published demo_complete 0.3, not the range's changes to its directory.
    _workspace(repo)
    repo.write("Cargo.toml", _depending_root('\n[dependencies]\ndemo_complete = "0.3"\n'))
    repo.commit("build: depend on the published demo_complete")

    ctx = collect(Settings(repo=repo.path, history=False)).context

    assert ctx.project_excludes == ("demo_complete",)


def test_members_are_matched_by_their_crate_name_in_an_nx_workspace(repo: GitRepo) -> None:
    repo.write("nx.json", "{}\n")
    repo.write("project.json", '{"name": "demo"}\n')
    root = '[package]\nname = "demo"\nversion = "1.0.0"\n\n[workspace]\nmembers = ["libs/core"]\n'
    repo.write("Cargo.toml", root + '\n[dependencies]\ncore_lib = { path = "libs/core" }\n')
    repo.write("src/lib.rs", "pub fn run() {}\n")
    repo.write("libs/core/project.json", '{"name": "core"}\n')
    repo.write("libs/core/Cargo.toml", '[package]\nname = "core_lib"\nversion = "0.1.0"\n')
    repo.write("libs/core/src/lib.rs", "pub fn base() {}\n")
    repo.commit("chore: initial")
    repo.tag("v1.0.0")
    repo.tag("core-v0.1.0")
    repo.write("libs/core/src/lib.rs", "pub fn base() {}\npub fn more() {}\n")
    repo.commit("feat(core): more")

    ctx = collect(Settings(repo=repo.path, project="demo", history=False)).context

    assert ctx.project_excludes == ()


def test_a_member_released_apart_that_leaves_the_workspace_takes_nothing_away(
    repo: GitRepo,
) -> None:
    _workspace(repo)
    repo.write("Cargo.toml", ROOT.replace(', "demo_complete"', ""))
    repo.remove("demo_complete/Cargo.toml")
    repo.remove("demo_complete/src/lib.rs")
    repo.commit("chore: demo_complete moves to a repository of its own")

    ctx = collect(Settings(repo=repo.path, history=False)).context
    decision = run_analysis(Settings(repo=repo.path, history=False))

    assert ctx.project_excludes == ("demo_complete",)
    assert all(not (e.path or "").startswith("demo_complete/") for e in decision.evidence)
    assert decision.version_type != "major"


def test_a_member_without_tags_of_its_own_that_leaves_is_a_removal(repo: GitRepo) -> None:
    _workspace(repo)
    repo.write("Cargo.toml", ROOT.replace('"demo_builder", ', ""))
    repo.write("src/lib.rs", "pub fn run() {}\n")
    repo.remove("demo_builder/Cargo.toml")
    repo.remove("demo_builder/src/lib.rs")
    repo.commit("refactor: fold the builder away")

    ctx = collect(Settings(repo=repo.path, history=False)).context
    assert ctx.project_excludes == ("demo_complete",)  # still a member, released apart
    assert run_analysis(Settings(repo=repo.path, history=False)).version_type == "major"


LIBRARY = """[package]
name = "demo"
version = "1.2.0"

[dependencies]
demo-syntax = { path = "demo-syntax", version = "0.8" }

[workspace]
members = ["demo-syntax"]
"""


def _library_workspace(repo: GitRepo, lib: str) -> None:
    repo.write("Cargo.toml", LIBRARY)
    repo.write("src/lib.rs", lib)
    repo.write("demo-syntax/Cargo.toml", '[package]\nname = "demo-syntax"\nversion = "0.8.0"\n')
    repo.write("demo-syntax/src/lib.rs", "pub struct Parser;\npub fn parse() {}\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.0")
    repo.tag("demo-syntax-0.8.0")
    repo.write("demo-syntax/src/lib.rs", "pub struct Parser;\n")
    repo.commit("fix(syntax): drop parse")


def _api(repo: GitRepo) -> list[str]:
    decision = run_analysis(Settings(repo=repo.path, history=False))
    return [e.message for e in decision.evidence if e.source == "rust-api"]


def test_a_built_member_the_library_does_not_reexport_is_not_its_api(repo: GitRepo) -> None:
    _library_workspace(repo, "pub fn run() {}\n")
    assert _api(repo) == []


def test_a_built_member_the_library_reexports_is_its_api(repo: GitRepo) -> None:
    _library_workspace(repo, "pub use demo_syntax::*;\npub fn run() {}\n")
    assert _api(repo) == ["removed pub fn parse from demo-syntax/src/lib.rs"]


def test_a_member_released_apart_that_only_moves_stays_out_as_before(repo: GitRepo) -> None:
    _workspace(repo)
    repo.write("Cargo.toml", ROOT.replace('"demo_complete"', '"crates/demo_complete"'))
    repo.remove("demo_complete/Cargo.toml")
    repo.remove("demo_complete/src/lib.rs")
    repo.write(
        "crates/demo_complete/Cargo.toml", '[package]\nname = "demo_complete"\nversion = "0.3.1"\n'
    )
    repo.write("crates/demo_complete/src/lib.rs", COMPLETE)
    repo.commit("chore: move the crates")

    ctx = collect(Settings(repo=repo.path, history=False)).context
    # Not departed (it lives on in crates/); the old directory is simply gone.
    assert "demo_complete" not in ctx.project_excludes
