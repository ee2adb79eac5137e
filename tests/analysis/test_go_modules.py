"""analyze on Go repositories: each module's own files, tags and versions (real repositories).

A nested go.mod starts another module, so its files are never the enclosing module's changes;
a module kept in its major's directory (v2/) is released from N.0.0 with its own vN tags; a
run without --project is the root module's.
"""

from __future__ import annotations

import pytest

from gitrepo import GitRepo
from release_tools.analysis.service import collect, run_analysis
from release_tools.config import Settings


def _settings(repo: GitRepo, **kw: object) -> Settings:
    return Settings(repo=repo.path, **kw)  # type: ignore[arg-type]


def _root_and_tools(repo: GitRepo, *, go_work: bool) -> None:
    repo.write("go.mod", "module example.com/m\n")
    repo.write("m.go", "package m\n\nfunc A() {}\n")
    repo.write("tools/go.mod", "module example.com/m/tools\n")
    repo.write("tools/t.go", "package tools\n\nfunc T() {}\n")
    if go_work:
        repo.write("go.work", "use (\n\t.\n\t./tools\n)\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.0")
    repo.tag("tools/v0.1.0")
    repo.write("tools/t.go", "package tools\n\nfunc T() {}\n\nfunc U() {}\n")
    repo.commit("feat(tools): add U")


def test_the_root_modules_range_leaves_nested_modules_out(repo: GitRepo) -> None:
    _root_and_tools(repo, go_work=True)
    repo.write("m.go", "package m\n\nfunc A() {}\n\n// B does more.\nfunc B() {}\n")
    repo.commit("fix: root only")

    ctx = collect(_settings(repo, project="example.com/m", history=False)).context
    decision = run_analysis(_settings(repo, project="example.com/m"))

    assert [c.path for c in ctx.changes] == ["m.go"]
    assert [c.subject for c in ctx.commits] == ["fix: root only"]
    assert (decision.current_version, decision.next_version) == ("1.2.0", "1.3.0")
    assert all(not (e.path or "").startswith("tools/") for e in decision.evidence)


def test_without_a_go_work_the_nested_module_is_its_own_project(repo: GitRepo) -> None:
    _root_and_tools(repo, go_work=False)

    root = run_analysis(_settings(repo))
    tools = run_analysis(_settings(repo, project="example.com/m/tools"))

    # Only tools/ changed: nothing for the root module, a minor for tools.
    assert (root.version_type, root.current_version, root.stats["files"]) == ("unknown", "1.2.0", 0)
    assert (tools.base, tools.current_version, tools.next_version) == (
        "tools/v0.1.0",
        "0.1.0",
        "0.2.0",
    )


def _root_and_v2(repo: GitRepo, *tags: str) -> None:
    repo.write("go.mod", "module example.com/m\n")
    repo.write("m.go", "package m\n\nfunc A() {}\n")
    repo.write("v2/go.mod", "module example.com/m/v2\n")
    repo.write("v2/m.go", "package m\n\nfunc A() {}\n")
    repo.write("go.work", "use (\n\t.\n\t./v2\n)\n")
    repo.commit("chore: initial")
    for tag in tags:
        repo.tag(tag)


def test_a_whole_workspace_run_shows_the_root_modules_version(repo: GitRepo) -> None:
    _root_and_v2(repo, "v1.4.0", "v2.1.0")
    repo.write("m.go", "package m\n\nfunc A() {}\n\nfunc B() {}\n")
    repo.commit("feat: add B")

    decision = run_analysis(_settings(repo))

    assert decision.base == "v1.4.0"
    assert (decision.current_version, decision.next_version) == ("1.4.0", "1.5.0")


def test_a_v2_modules_first_release_is_2_0_0(repo: GitRepo) -> None:
    _root_and_v2(repo, "v1.4.0")
    repo.write("v2/m.go", "package m\n\nfunc A() {}\n\nfunc B() {}\n")
    repo.commit("feat: add B to v2")

    decision = run_analysis(_settings(repo, project="example.com/m/v2"))

    assert decision.current_version is None
    assert decision.next_version == "2.0.0"
    assert "no release tag found" in " ".join(decision.warnings)


def test_a_v3_module_with_a_configured_tag_format_still_starts_at_3_0_0(repo: GitRepo) -> None:
    repo.write("go.mod", "module example.com/m/v3\n")
    repo.write("m.go", "package m\n\nfunc A() {}\n")
    repo.commit("feat: initial")

    decision = run_analysis(_settings(repo, tag_format="release-{version}"))

    # No lower version can be fetched under the /v3 path, whatever the tags look like.
    assert (decision.current_version, decision.next_version) == (None, "3.0.0")


def test_a_v2_modules_history_is_read_from_its_v2_tags_only(repo: GitRepo) -> None:
    _root_and_v2(repo, "v1.0.0")
    for number, tag in enumerate(["v2.0.0", "v1.1.0", "v2.1.0", "v1.2.0"]):
        target = "v2/m.go" if tag.startswith("v2") else "m.go"
        repo.write(target, f"package m\n\nfunc A() {{}}\n\nfunc F{number}() {{}}\n")
        repo.commit(f"feat: F{number}")
        repo.tag(tag)
    repo.write("v2/m.go", "package m\n\nfunc A() {}\n\nfunc G() {}\n")
    repo.commit("feat: G")

    collection = collect(_settings(repo, project="example.com/m/v2", cache=False))
    history = collection.context.history

    assert collection.range.base_ref == "v2.1.0"
    assert history is not None
    assert [(r.old_tag, r.new_tag) for r in history.releases] == [("v2.0.0", "v2.1.0")]
    decision = run_analysis(_settings(repo, project="example.com/m/v2", cache=False))
    assert (decision.current_version, decision.next_version) == ("2.1.0", "2.2.0")


def test_a_nested_module_never_tagged_rides_with_the_root_module(repo: GitRepo) -> None:
    # docs/ has a go.mod of its own (to run its examples) but no tags: its pages are released
    # with the root module, so a docs-only range is still the root's patch, not "nothing".
    repo.write("go.mod", "module example.com/m\n")
    repo.write("m.go", "package m\n\nfunc A() {}\n")
    repo.write("docs/go.mod", "module example.com/m/docs\n")
    repo.write("docs/index.md", "# m\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.0")
    repo.write("docs/index.md", "# m\n\nHow to use A.\n")
    repo.commit("docs: explain A")

    decision = run_analysis(_settings(repo))

    assert decision.stats["files"] == 1
    assert (decision.current_version, decision.next_version) == ("1.2.0", "1.2.1")

    # Once docs/ is released on its own (docs/v0.1.0), its files are its own again.
    repo.git("tag", "docs/v0.1.0", "v1.2.0")
    separate = run_analysis(_settings(repo))
    assert (separate.version_type, separate.stats["files"]) == ("unknown", 0)


def test_module_boundaries_are_those_of_the_analysed_head(repo: GitRepo) -> None:
    repo.write("go.mod", "module example.com/m\n")
    repo.write("m.go", "package m\n\nfunc A() {}\n")
    repo.commit("chore: initial")
    repo.tag("v1.2.0")
    repo.write("tools/t.go", "package tools\n\nfunc T() {}\n")
    head = repo.commit("feat: tools package")
    # Later, tools/ becomes a module released on its own; an untracked v2/ go.mod in the work
    # tree is no module of the repository's at all.
    repo.write("tools/go.mod", "module example.com/m/tools\n")
    repo.commit("chore: split tools out")
    repo.tag("tools/v0.1.0")
    repo.write("v2/go.mod", "module example.com/m/v2\n")

    at_head = collect(_settings(repo, head=head, history=False)).context
    now = collect(_settings(repo, history=False)).context

    # At the analysed head tools/ was the root module's package: its files are the range's.
    assert [c.path for c in at_head.changes] == ["tools/t.go"]
    assert at_head.project_excludes == ()
    assert now.project_excludes == ("tools",)


@pytest.mark.parametrize("switch", ["GIT_LITERAL_PATHSPECS", "GIT_ICASE_PATHSPECS"])
def test_the_users_pathspec_switches_do_not_change_the_range(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    _root_and_tools(repo, go_work=True)
    repo.write("m.go", "package m\n\nfunc A() {}\n\n// B does more.\nfunc B() {}\n")
    repo.commit("fix: root only")
    monkeypatch.setenv(switch, "1")

    ctx = collect(_settings(repo, project="example.com/m", history=False)).context

    assert [c.path for c in ctx.changes] == ["m.go"]
    assert [c.subject for c in ctx.commits] == ["fix: root only"]
