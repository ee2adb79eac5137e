"""Tag schemes inferred from existing tags, and the one lookup of a project's latest tag."""

from __future__ import annotations

import pytest

from gitrepo import GitRepo
from release_tools.config import DEFAULT_TAG_PATTERN
from release_tools.errors import ConfigError
from release_tools.git import Git
from release_tools.versioning.conventions import read_conventions
from release_tools.versioning.projects import discover_projects
from release_tools.versioning.tagscheme import TagScheme, infer_tag_scheme, latest_scheme_tag


@pytest.mark.parametrize(
    ("tags", "workspace", "style"),
    [
        (["8.4.2", "8.4.1"], False, "bare"),
        (["v3.23.1"], False, "v"),
        (["a@1.0.0", "b@2.0.0"], True, "name@"),
        (["a-v0.4.0"], True, "name-v"),
        (["a-0.4.33"], True, "name-"),
        ([], False, "v"),
        ([], True, "name@"),
        # A single project that moved from named to unnamed tags, or back: the highest wins.
        (["a-1.0.0", "v1.1.0", "v1.2.0"], False, "v"),
        (["v1.0.0", "a@2.0.0"], False, "name@"),
        # A workspace member keeps its own named tags over unnamed workspace releases.
        (["a@1.0.0", "v2.0.0"], True, "name@"),
    ],
)
def test_style_of_existing_tags(tags: list[str], workspace: bool, style: str) -> None:
    scheme = infer_tag_scheme(
        "a", tags, workspace=workspace, at_root=not workspace, siblings=["a", "b"]
    )
    assert scheme.style == style


def test_new_project_follows_its_siblings() -> None:
    tags = ["ignore-0.4.33", "globset-0.4.16", "grep-cli-0.1.11"]
    names = ["ignore", "globset", "grep-cli", "grep-index"]
    scheme = infer_tag_scheme("grep-index", tags, workspace=True, at_root=False, siblings=names)
    assert (scheme.template, scheme.source) == ("{name}-{version}", "workspace tags")
    assert scheme.format("grep-index", "0.1.0") == "grep-index-0.1.0"


def test_configuration_wins_and_is_reported() -> None:
    scheme = infer_tag_scheme(
        "a", ["1.0.0"], workspace=False, at_root=True, configured="r{version}"
    )
    assert scheme.to_dict() == {"template": "r{version}", "style": "custom", "source": "config"}
    nx = infer_tag_scheme("a", [], workspace=True, at_root=False, nx_pattern="core-v{version}")
    assert nx.source == "nx.json"


def test_lookup_is_strict_about_the_prefix() -> None:
    bare = TagScheme("{version}")
    # "v1.0.0" is not a bare tag, and a sibling's "grep-index-0.1.0" is not grep's.
    assert latest_scheme_tag(["v9.0.0", "1.0.0"], bare, "x").tag == "1.0.0"  # type: ignore[union-attr]
    named = TagScheme("{name}-{version}")
    assert latest_scheme_tag(["grep-index-0.1.0"], named, "grep") is None
    # The highest version wins over the newest tag (a backport of an older line).
    assert latest_scheme_tag(["a-1.0.5", "a-2.0.0"], named, "a").tag == "a-2.0.0"  # type: ignore[union-attr]


def test_template_without_version_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="must contain"):
        TagScheme("{name}").format("a", "1.0.0")


def test_nx_default_comes_after_the_projects_own_tags() -> None:
    fresh = infer_tag_scheme("a", [], workspace=True, at_root=False, nx_default="v{version}")
    assert (fresh.template, fresh.source) == ("v{version}", "nx.json default")
    tagged = infer_tag_scheme(
        "a", ["a@1.0.0"], workspace=True, at_root=False, nx_default="v{version}"
    )
    assert (tagged.template, tagged.source) == ("{name}@{version}", "tags")


def test_a_projects_left_behind_prerelease_is_not_its_latest_tag(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("feat: first")
    old = repo.git("rev-parse", "HEAD").strip()
    repo.tag("v1.0.0")
    repo.write("pkg.py", "x = 1\n")
    repo.commit("fix: second")
    repo.tag("v1.0.1")
    repo.git("tag", "v2.0.0-rc.1", old)

    found = read_conventions(
        Git(repo.path), repo.path, discover_projects(repo.path), tag_pattern=DEFAULT_TAG_PATTERN
    )

    latest = found.of("pkg").latest_tag
    assert latest is not None and latest.tag == "v1.0.1"


def test_a_configured_tag_pattern_decides_which_tags_are_releases(repo: GitRepo) -> None:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "0.0.0"\n')
    repo.commit("feat: first")
    repo.tag("v0.5.0")
    repo.tag("rel1.0.0")
    repo.tag("v0.6.0-rc.1")
    projects = discover_projects(repo.path)

    custom = read_conventions(
        Git(repo.path), repo.path, projects, tag_pattern=r"^rel(?P<version>\d+\.\d+\.\d+)$"
    )
    latest = custom.of("pkg").latest_tag
    assert latest is not None and latest.tag == "rel1.0.0"
    # Every tag is still known (a proposed version that exists under another name is seen).
    assert set(custom.tags) == {"v0.5.0", "rel1.0.0", "v0.6.0-rc.1"}
    strict = read_conventions(
        Git(repo.path), repo.path, projects, tag_pattern=r"^v(?P<version>\d+\.\d+\.\d+)$"
    )
    latest = strict.of("pkg").latest_tag
    assert latest is not None and latest.tag == "v0.5.0"
    default = read_conventions(Git(repo.path), repo.path, projects, tag_pattern=DEFAULT_TAG_PATTERN)
    latest = default.of("pkg").latest_tag
    assert latest is not None and latest.tag == "v0.6.0-rc.1"
