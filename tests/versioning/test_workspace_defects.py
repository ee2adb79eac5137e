"""Workspace members outside the repository are skipped with a warning and never read."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from release_tools.versioning.projects import discover_projects
from release_tools.versioning.workspaces import expand_globs, walk


@pytest.fixture(autouse=True)
def _propagating(monkeypatch: pytest.MonkeyPatch) -> None:
    # An earlier CLI test may have stopped the package logger propagating to caplog's handler.
    monkeypatch.setattr(logging.getLogger("release_tools"), "propagate", True)


def _write(path: Path, data: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


@pytest.fixture
def layout(tmp_path: Path) -> Path:
    """``repo/`` with a package inside, next to ``outpkg/p`` that is not the repository's."""
    root = tmp_path / "repo"
    _write(root / "packages/a/package.json", {"name": "a", "version": "1.0.0"})
    _write(tmp_path / "outpkg/p/package.json", {"name": "outsider", "version": "9.0.0"})
    return root


@pytest.mark.parametrize("pattern", ["../outpkg/*", "../outpkg/p", "packages/../../outpkg/*"])
def test_dot_dot_patterns_are_skipped_with_a_warning(
    layout: Path, pattern: str, caplog: pytest.LogCaptureFixture
) -> None:
    _write(layout / "package.json", {"private": True, "workspaces": ["packages/*", pattern]})
    with caplog.at_level(logging.WARNING, logger="release_tools"):
        projects = discover_projects(layout)
    assert [(p.name, p.path) for p in projects] == [("a", "packages/a")]
    assert f"workspace pattern {pattern!r} points outside the repository: skipped" in caplog.text


def test_absolute_pattern_is_skipped(layout: Path, caplog: pytest.LogCaptureFixture) -> None:
    absolute = (layout.parent / "outpkg/p").as_posix()
    with caplog.at_level(logging.WARNING, logger="release_tools"):
        assert expand_globs(layout, [absolute, "packages/*"], "package.json") == [
            layout / "packages/a"
        ]
    assert f"workspace pattern {absolute!r} points outside the repository" in caplog.text


def test_symbolic_links_out_of_the_repository_are_skipped(
    layout: Path, caplog: pytest.LogCaptureFixture
) -> None:
    outside = layout.parent / "outpkg/p"
    (layout / "packages/linked").symlink_to(outside, target_is_directory=True)
    (layout / "packages/b").mkdir()
    (layout / "packages/b/package.json").symlink_to(outside / "package.json")
    (layout / "pnpm-workspace.yaml").write_text("packages:\n  - packages/*\n")
    with caplog.at_level(logging.WARNING, logger="release_tools"):
        projects = discover_projects(layout)
    assert [p.name for p in projects] == ["a"]
    assert (
        "workspace pattern 'packages/*' reaches outside the repository through a symbolic link: "
        "skipped packages/b, packages/linked"
    ) in caplog.text


def test_symbolic_link_inside_the_repository_still_counts(layout: Path) -> None:
    _write(layout / "real/c/package.json", {"name": "c", "version": "0.1.0"})
    (layout / "packages/c").symlink_to(layout / "real/c", target_is_directory=True)
    _write(layout / "package.json", {"private": True, "workspaces": ["packages/*"]})
    assert [p.name for p in discover_projects(layout)] == ["a", "c"]


def test_outside_members_are_never_read(layout: Path) -> None:
    # Broken JSON outside would fail discovery if it were read.
    (layout.parent / "outpkg/p/package.json").write_text("{not json")
    (layout / "packages/linked").symlink_to(layout.parent / "outpkg/p")
    _write(layout / "package.json", {"workspaces": ["../outpkg/*", "packages/*"]})
    assert [p.name for p in discover_projects(layout)] == ["a"]


def test_cargo_and_uv_members_outside_are_skipped(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (tmp_path / "ext").mkdir()
    (tmp_path / "ext/Cargo.toml").write_text('[package]\nname = "ext"\nversion = "1.0.0"\n')
    (tmp_path / "ext/pyproject.toml").write_text('[project]\nname = "pyext"\nversion = "1.0"\n')
    (root / "crates/in").mkdir(parents=True)
    (root / "crates/in/Cargo.toml").write_text('[package]\nname = "in"\nversion = "1.0.0"\n')
    (root / "Cargo.toml").write_text('[workspace]\nmembers = ["crates/*", "../ext"]\n')
    (root / "pyproject.toml").write_text(
        '[project]\nname = "top"\nversion = "1.0"\n[tool.uv.workspace]\nmembers = ["../ext"]\n'
    )
    assert sorted(p.name for p in discover_projects(root)) == ["in", "top"]


def test_normalised_member_paths(layout: Path) -> None:
    _write(layout / "package.json", {"workspaces": ["packages/../packages/a", "packages/*"]})
    [project] = discover_projects(layout)
    assert (project.path, project.manifest) == ("packages/a", "packages/a/package.json")


def test_a_pruned_directory_is_never_entered(tmp_path: Path) -> None:
    for rel in ("a/keep.txt", "testdata/deep/x.txt", "a/_old/y.txt", "node_modules/p/z.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x\n")
    seen = [
        here.relative_to(tmp_path).as_posix()
        for here, _files in walk(tmp_path, prune=lambda name: name in ("testdata", "_old"))
    ]
    assert seen == [".", "a"]


@pytest.mark.parametrize(
    ("pattern", "members"),
    [
        ("packages/**", ["packages/a", "packages/b", "packages/b/nested/c", "packages/x"]),
        ("**/b", ["packages/b"]),
        ("packages/**/c", ["packages/b/nested/c"]),
        ("packages/*/nested/**", ["packages/b/nested/c"]),
        ("**/nested/**", ["packages/b/nested/c"]),
        ("**", [".", ".hidden/h", "other/o", "packages/a", "packages/b",
                "packages/b/nested/c", "packages/x"]),
    ],
)  # fmt: skip
def test_globstar_members_are_found_without_entering_dependency_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pattern: str, members: list[str]
) -> None:
    root = tmp_path / "repo"
    for rel in ["packages/a", "packages/b", "packages/b/nested/c", "packages/x"]:
        _write(root / rel / "package.json", {"name": rel.rsplit("/", 1)[-1]})
    for rel in [".", "other/o", ".hidden/h", "packages/x/node_modules/y"]:
        _write(root / rel / "package.json", {"name": rel})
    for index in range(30):
        (root / f"packages/x/node_modules/dep{index}/lib").mkdir(parents=True)
    from release_tools.versioning import workspaces

    walked: list[str] = []
    real_walk = workspaces.os.walk

    def recording(top: str | Path, *args: object, **kwargs: object) -> object:
        for entry in real_walk(top, *args, **kwargs):  # type: ignore[call-overload]
            walked.append(str(entry[0]))
            yield entry

    monkeypatch.setattr(workspaces.os, "walk", recording)
    found = expand_globs(root, [pattern], "package.json")
    assert [p.relative_to(root).as_posix() or "." for p in found] == members
    assert walked and not [w for w in walked if "node_modules" in w]
