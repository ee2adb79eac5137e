"""Include/exclude rules: gitignore semantics, defaults, renames, marking without dropping."""

from __future__ import annotations

import pathspec
import pytest

from gitrepo import GitRepo
from release_tools.analysis.diff import collect_changes
from release_tools.analysis.filters import PathFilter
from release_tools.config import DEFAULT_EXCLUDES, Settings
from release_tools.errors import ConfigError
from release_tools.git import Git


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        ("README.md", True),
        ("docs/index.py", True),
        ("src/pkg/docs/helper.py", True),  # gitignore: a bare dir name matches at any depth
        ("tests/test_a.py", True),
        ("src/pkg/test_thing.py", True),
        ("src/pkg/thing_test.go", True),
        ("web/app.spec.ts", True),
        (".github/workflows/ci.yml", True),
        ("poetry.lock", True),
        ("assets/logo.png", True),
        ("dist/pkg.js", True),
        ("CHANGELOG.md", True),
        (".nx/version-plans/plan.md", True),
        ("src/pkg/__init__.py", False),
        ("src/pkg/api.ts", False),
        ("pyproject.toml", False),
        ("Cargo.toml", False),
    ],
)
def test_default_excludes(path: str, excluded: bool) -> None:
    assert PathFilter.from_settings(Settings()).is_excluded(path) is excluded


def test_include_restricts_and_negation_reincludes() -> None:
    rules = PathFilter(include=["src/", "lib/*.py"], exclude=["*.md", "!src/KEEP.md"])
    assert not rules.is_excluded("src/a.py")
    assert not rules.is_excluded("lib/b.py")
    assert rules.is_excluded("lib/sub/c.py")  # a slash anchors the glob to the root
    assert rules.is_excluded("scripts/x.py")
    assert rules.is_excluded("src/notes.md")
    assert not rules.is_excluded("src/KEEP.md")


def test_extra_exclude_adds_to_defaults() -> None:
    settings = Settings(extra_exclude=("generated/",))
    rules = PathFilter.from_settings(settings)
    assert rules.is_excluded("generated/api.py")
    assert rules.is_excluded("README.md")
    assert not PathFilter.from_settings(Settings(exclude=())).is_excluded("README.md")


def test_rename_counts_as_excluded_only_when_both_names_are() -> None:
    rules = PathFilter(exclude=["docs/"])
    assert rules.is_change_excluded("docs/b.py", "docs/a.py")
    assert not rules.is_change_excluded("src/a.py", "docs/a.py")
    assert not rules.is_change_excluded("docs/a.py", "src/a.py")


def test_collected_changes_are_marked_and_all_kept(repo: GitRepo) -> None:
    repo.write("README.md", "a\n")
    repo.write("src/a.py", "a\n")
    repo.commit("init")
    repo.write("README.md", "b\n")
    repo.write("src/a.py", "b\n")
    repo.commit("change")
    rules = PathFilter.from_settings(Settings())

    out = collect_changes(Git(repo.path), "HEAD~1", "HEAD", is_excluded=rules.is_change_excluded)

    assert [c.path for c in out] == ["README.md", "src/a.py"]
    readme, source = out
    assert readme.excluded and readme.hunks == () and readme.additions == 1
    assert not source.excluded and source.hunks and source.additions == 1


def test_results_are_memoised_per_path() -> None:
    rules = PathFilter(exclude=["*.md"])
    assert rules.is_excluded("a.md")
    rules._exclude = None  # a second answer must come from the cache, not the rules
    assert rules.is_excluded("a.md")
    assert not rules.is_excluded("b.md")


def test_invalid_pattern_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="invalid exclude pattern"):
        PathFilter(exclude=["a/**b/[z-a]"])


_PATHS = [
    *("README.md", "docs/a.py", "src/docs/x.py", "src/pkg/a.py", "src/pkg/test_a.py"),
    *("pkg/a_test.go", "a/b/c/Cargo.lock", "CHANGELOG.md", "sub/CHANGELOG", "x.test.ts"),
    *("dist", "dist/index.js", "a/dist/b.js", "distant/x.js", "build/x", "tests/x.py"),
    *(".github/workflows/ci.yml", "go.sum", "a/go.sum", "img/logo.svg", "ä/b ü.md"),
    *("keep.md", "docs/keep.md", "tests", "testing/x.py", "x.mdx", "src/a.rst.py"),
]


@pytest.mark.parametrize(
    "lines",
    [
        DEFAULT_EXCLUDES,
        ("*.md", "docs/", "/build/", "src/**/test_*.py", "a/**", "[a-c]/b/*"),
        ("*.md", "!keep.md", "docs/"),  # a negation: pathspec decides line by line
        ("docs/", "!docs/keep.md", "# a comment", ""),
    ],
)
def test_joined_rules_decide_as_pathspec_does(lines: tuple[str, ...]) -> None:
    reference = pathspec.GitIgnoreSpec.from_lines([line for line in lines if line.strip()])
    joined = PathFilter(exclude=lines)
    for path in _PATHS:
        assert joined.is_excluded(path) == reference.match_file(path), path


def test_rules_without_a_negation_are_one_search(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []
    real = pathspec.GitIgnoreSpec.match_file

    def counting(self: pathspec.GitIgnoreSpec, file: str, *args: object) -> bool:
        asked.append(file)
        return real(self, file)

    monkeypatch.setattr(pathspec.GitIgnoreSpec, "match_file", counting)
    assert PathFilter(exclude=DEFAULT_EXCLUDES).is_excluded("docs/a.py")
    assert asked == []
    assert not PathFilter(exclude=("*.md", "!keep.md")).is_excluded("keep.md")
    assert asked == ["keep.md"]
