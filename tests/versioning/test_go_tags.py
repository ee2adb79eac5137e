"""Go's tag names as the default scheme of Go modules, on real repositories: ``v1.2.3`` at the
root, ``<dir>/v1.2.3`` below it, each module's releases its own."""

from __future__ import annotations

import json

from gitrepo import GitRepo
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.git import Git
from release_tools.versioning.conventions import Conventions, read_conventions
from release_tools.versioning.projects import discover_projects
from release_tools.versioning.tagscheme import TagScheme, go_tag_scheme, latest_scheme_tag


def conventions(repo: GitRepo, tag_format: str | None = None) -> Conventions:
    return read_conventions(
        Git(repo.path),
        repo.path,
        discover_projects(repo.path),
        tag_format=tag_format,
        tag_pattern=DEFAULT_TAG_PATTERN,
    )


def latest(found: Conventions, name: str) -> str | None:
    tag = found.of(name).latest_tag
    return tag.tag if tag is not None else None


def workspace(repo: GitRepo, *tags: str) -> GitRepo:
    repo.write("go.mod", "module example.com/m\n")
    repo.write("m.go", "package m\n")
    repo.write("tools/go.mod", "module example.com/m/tools\n")
    repo.write("tools/t.go", "package tools\n")
    repo.write("go.work", "go 1.22\n\nuse (\n\t.\n\t./tools\n)\n")
    repo.commit("chore: initial")
    for tag in tags:
        repo.tag(tag)
    return repo


def test_root_module_tags_v_and_nested_module_tags_its_directory(repo: GitRepo) -> None:
    found = conventions(workspace(repo, "v1.2.0", "tools/v0.1.0"))
    root, tools = found.of("example.com/m"), found.of("example.com/m/tools")
    assert root.tag_scheme.to_dict() == {"template": "v{version}", "style": "v", "source": "go.mod"}
    assert tools.tag_scheme.template == "tools/v{version}"
    assert tools.tag_scheme.format("example.com/m/tools", "0.2.0") == "tools/v0.2.0"
    assert (latest(found, "example.com/m"), latest(found, "example.com/m/tools")) == (
        "v1.2.0",
        "tools/v0.1.0",
    )


def test_an_untagged_nested_module_does_not_take_the_roots_tag(repo: GitRepo) -> None:
    # The tag_pattern fallback would read v1.2.0 as every member's release.
    found = conventions(workspace(repo, "v1.2.0"))
    assert latest(found, "example.com/m/tools") is None


def test_the_root_module_does_not_take_a_nested_modules_tag(repo: GitRepo) -> None:
    found = conventions(workspace(repo, "tools/v0.3.0"))
    assert latest(found, "example.com/m") is None


def test_a_single_root_module_ignores_tags_go_would_not_read(repo: GitRepo) -> None:
    repo.write("go.mod", "module example.com/m\n")
    repo.commit("chore: initial")
    repo.tag("m@3.0.0")
    repo.tag("v1.1.0")
    found = conventions(repo)
    assert latest(found, "example.com/m") == "v1.1.0"


def test_major_subdirectory_modules_share_the_v_prefix_by_major(repo: GitRepo) -> None:
    repo.write("go.mod", "module example.com/m\n")
    repo.write("v2/go.mod", "module example.com/m/v2\n")
    repo.write("go.work", "use (\n\t.\n\t./v2\n)\n")
    repo.commit("chore: initial")
    repo.tag("v1.4.0")
    before = conventions(repo)
    scheme = before.of("example.com/m/v2").tag_scheme
    assert (scheme.template, scheme.min_major, scheme.max_major) == ("v{version}", 2, 2)
    # v1.4.0 is the root module's: the module in v2/ has never been released.
    assert latest(before, "example.com/m/v2") is None
    repo.tag("v2.0.0")
    repo.tag("v3.0.0")  # a v3/ module's, not yet in this tree
    after = conventions(repo)
    assert latest(after, "example.com/m") == "v1.4.0"
    assert latest(after, "example.com/m/v2") == "v2.0.0"


def test_a_root_module_renamed_to_v2_moves_on_from_its_v1_tags(repo: GitRepo) -> None:
    # The major-branch layout: the same directory's module, so v1.4.0 is its own past.
    repo.write("go.mod", "module example.com/m/v2\n")
    repo.commit("feat!: v2 path")
    repo.tag("v1.4.0")
    scheme = conventions(repo).of("example.com/m/v2").tag_scheme
    assert (scheme.min_major, scheme.max_major) == (None, 2)
    assert latest(conventions(repo), "example.com/m/v2") == "v1.4.0"


def test_go_scheme_wins_over_the_siblings_style(repo: GitRepo) -> None:
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["web"]}))
    repo.write("web/package.json", json.dumps({"name": "web", "version": "1.0.0"}))
    repo.write("server/go.mod", "module example.com/server\n")
    repo.write("go.work", "use ./server\n")
    repo.commit("chore: initial")
    repo.tag("web@1.0.0")
    found = conventions(repo)
    assert found.of("example.com/server").tag_scheme.template == "server/v{version}"
    assert found.of("web").tag_scheme.template == "{name}@{version}"


def test_a_configured_tag_format_still_wins(repo: GitRepo) -> None:
    found = conventions(workspace(repo, "v1.2.0"), tag_format="release-{version}")
    assert found.of("example.com/m/tools").tag_scheme.to_dict()["source"] == "config"


def test_nx_release_tag_pattern_wins_for_an_nx_go_project(repo: GitRepo) -> None:
    repo.write(
        "nx.json", json.dumps({"release": {"releaseTagPattern": "{projectName}-v{version}"}})
    )
    repo.write("apps/api/project.json", json.dumps({"name": "api"}))
    repo.write("apps/api/go.mod", "module example.com/api\n")
    repo.write("apps/svc/project.json", json.dumps({"name": "svc"}))
    repo.write("apps/svc/go.mod", "module example.com/svc\n")
    repo.commit("chore: initial")
    found = conventions(repo)
    assert found.of("api").tag_scheme.source == "nx.json"


def test_an_nx_go_project_without_a_pattern_gets_gos_scheme(repo: GitRepo) -> None:
    repo.write("nx.json", "{}")
    repo.write("apps/api/project.json", json.dumps({"name": "api"}))
    repo.write("apps/api/go.mod", "module example.com/api/v3\n")
    repo.commit("chore: initial")
    scheme = conventions(repo).of("api").tag_scheme
    assert (scheme.template, scheme.source, scheme.max_major) == (
        "apps/api/v{version}",
        "go.mod",
        3,
    )


def test_latest_tag_stops_at_the_paths_major() -> None:
    scheme = go_tag_scheme(".", "example.com/m")
    assert scheme == TagScheme("v{version}", "go.mod", 1)
    found = latest_scheme_tag(["v2.1.0", "v1.9.0", "v0.3.0"], scheme, "example.com/m")
    assert found is not None and found.tag == "v1.9.0"
