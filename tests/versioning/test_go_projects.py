"""Go modules as projects: a root go.mod, the modules of a go.work, an Nx project's go.mod;
no version in the manifest, so nothing to read there and nothing to write."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from release_tools.errors import VersionError
from release_tools.versioning.gomodules import nested_go_modules
from release_tools.versioning.manifests import version_edits
from release_tools.versioning.manifestversions import Reader, read_manifest_version
from release_tools.versioning.projects import Project, discover_projects


@pytest.fixture(autouse=True)
def _propagating(monkeypatch: pytest.MonkeyPatch) -> None:
    # An earlier CLI test may have stopped the package logger propagating to caplog's handler.
    monkeypatch.setattr(logging.getLogger("release_tools"), "propagate", True)


def write(root: Path, rel: str, text: str) -> None:
    target = root / rel
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def summary(projects: list[Project]) -> list[tuple[str, str, str, str | None, str]]:
    return [(p.name, p.path, p.manifest, p.version, p.ecosystem) for p in projects]


def test_a_root_go_mod_is_one_project_named_by_its_module_path(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "// Package m.\nmodule example.com/m // root\n\ngo 1.22\n")
    (project,) = discover_projects(tmp_path)
    assert summary([project]) == [("example.com/m", ".", "go.mod", None, "go")]
    assert project.manifest_kind == "go.mod"
    assert not project.is_python and not project.private


def test_quoted_module_path(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", 'module "example.com/quoted"\n')
    assert [p.name for p in discover_projects(tmp_path)] == ["example.com/quoted"]


def test_go_mod_wins_over_a_tooling_package_json_at_the_root(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n")
    write(tmp_path, "package.json", json.dumps({"name": "lint-tools", "version": "1.0.0"}))
    assert [p.ecosystem for p in discover_projects(tmp_path)] == ["go"]


def test_a_pyproject_project_still_comes_first(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n")
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\nversion = "1.0.0"\n')
    assert [p.ecosystem for p in discover_projects(tmp_path)] == ["python"]


def test_a_go_mod_without_module_line_is_no_project(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "go 1.22\n")
    assert discover_projects(tmp_path) == []


def test_a_broken_go_mod_is_a_one_line_error(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", 'module "example.com/m\n')
    with pytest.raises(VersionError, match=r"^go\.mod:1: "):
        discover_projects(tmp_path)


def test_go_work_block_form(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n")
    write(tmp_path, "tools/go.mod", "module example.com/m/tools\n")
    write(tmp_path, "api/go.mod", "module example.com/m/api\n")
    write(tmp_path, "unused/go.mod", "module example.com/m/unused\n")
    write(tmp_path, "go.work", "go 1.22\n\nuse (\n\t.\n\t./tools // tools\n\t./api/\n)\n")
    assert summary(discover_projects(tmp_path)) == [
        ("example.com/m", ".", "go.mod", None, "go"),
        ("example.com/m/api", "api", "api/go.mod", None, "go"),
        ("example.com/m/tools", "tools", "tools/go.mod", None, "go"),
    ]


def test_go_work_single_line_form_without_the_root(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n")
    write(tmp_path, "tools/go.mod", "module example.com/m/tools\n")
    write(tmp_path, "go.work", "go 1.22\nuse ./tools\n")
    assert [p.name for p in discover_projects(tmp_path)] == ["example.com/m/tools"]


def test_go_work_uses_outside_the_repository_are_skipped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root = tmp_path / "repo"
    write(tmp_path, "outside/go.mod", "module example.com/outsider\n")
    write(root, "tools/go.mod", "module example.com/m/tools\n")
    absolute = (tmp_path / "outside").as_posix()
    write(root, "go.work", f'use (\n\t./tools\n\t../outside\n\t"{absolute}"\n)\n')
    with caplog.at_level(logging.WARNING, logger="release_tools"):
        projects = discover_projects(root)
    assert [p.name for p in projects] == ["example.com/m/tools"]
    assert "'../outside' points outside the repository: skipped" in caplog.text
    assert f"{absolute!r} points outside the repository: skipped" in caplog.text


def test_a_go_work_use_without_a_module_is_not_a_project(tmp_path: Path) -> None:
    write(tmp_path, "tools/go.mod", "module example.com/m/tools\n")
    write(tmp_path, "go.work", "use ./tools\nuse ./missing\n")
    assert [p.path for p in discover_projects(tmp_path)] == ["tools"]


def test_go_modules_join_the_other_workspaces_of_the_repository(tmp_path: Path) -> None:
    write(tmp_path, "package.json", json.dumps({"private": True, "workspaces": ["web"]}))
    write(tmp_path, "web/package.json", json.dumps({"name": "web", "version": "2.0.0"}))
    write(tmp_path, "server/go.mod", "module example.com/server\n")
    write(tmp_path, "go.work", "use ./server\n")
    assert [(p.name, p.ecosystem) for p in discover_projects(tmp_path)] == [
        ("example.com/server", "go"),
        ("web", "node"),
    ]


def test_an_nx_project_with_a_go_mod(tmp_path: Path) -> None:
    write(tmp_path, "nx.json", "{}")
    write(tmp_path, "apps/api/project.json", json.dumps({"name": "api"}))
    write(tmp_path, "apps/api/go.mod", "module example.com/api\n")
    (project,) = discover_projects(tmp_path)
    assert summary([project]) == [("api", "apps/api", "apps/api/go.mod", None, "nx")]
    assert project.manifest_kind == "go.mod"


def _reader(root: Path) -> Reader:
    def read(rel: str) -> str | None:
        path = root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return read


def test_a_go_mod_holds_no_version_and_gets_no_edit(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n\ngo 1.22\n")
    write(tmp_path, "package.json", json.dumps({"name": "tools", "version": "1.0.0"}))
    (project,) = discover_projects(tmp_path)
    read = _reader(tmp_path)
    assert read_manifest_version(project, read) is None
    assert version_edits(tmp_path, project, "1.3.0", read=read, projects=[project]) == {}


def test_version_variables_of_a_go_module_are_still_written(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n")
    write(tmp_path, "version.go", 'package m\n\nconst Version = "1.2.0"\n')
    (project,) = discover_projects(tmp_path)
    edits = version_edits(
        tmp_path,
        project,
        "1.3.0",
        read=_reader(tmp_path),
        projects=[project],
        version_variables=["version.go:Version"],
    )
    assert edits == {"version.go": 'package m\n\nconst Version = "1.3.0"\n'}


def test_nested_go_mods_are_modules_without_a_go_work(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n")
    write(tmp_path, "tools/go.mod", "module example.com/m/tools\n")
    write(tmp_path, "v2/go.mod", "module example.com/m/v2\n")
    # Directories the go command passes over hold no module of the repository's own.
    for ignored in ("testdata/fixture", "vendor/example.com/dep", "_old", ".cache/mod"):
        write(tmp_path, f"{ignored}/go.mod", f"module example.com/{ignored}\n")
    assert summary(discover_projects(tmp_path)) == [
        ("example.com/m", ".", "go.mod", None, "go"),
        ("example.com/m/tools", "tools", "tools/go.mod", None, "go"),
        ("example.com/m/v2", "v2", "v2/go.mod", None, "go"),
    ]
    files = [p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file()]
    assert nested_go_modules(files) == ["tools", "v2"]


def test_nested_go_modules_are_the_outermost_below_a_directory() -> None:
    files = [
        "tools/go.mod",
        "tools/gen/go.mod",
        "tools/gen/inner/go.mod",
        "api/internal/x/go.mod",
        "api/internal/x/x.go",
        "toolsx/go.mod.bak",
        "node_modules/pkg/go.mod",
    ]
    assert nested_go_modules(files) == ["api/internal/x", "tools"]
    assert nested_go_modules(files, "tools") == ["tools/gen"]
    # A sibling whose name starts with the directory's is not below it.
    assert nested_go_modules([*files, "toolsx/go.mod"], "tools") == ["tools/gen"]
    assert nested_go_modules(["tools/testdata/go.mod", "tools/_old/go.mod"], "tools") == []


def test_a_go_work_still_decides_the_modules(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n")
    write(tmp_path, "tools/go.mod", "module example.com/m/tools\n")
    write(tmp_path, "go.work", "use .\n")
    assert [p.name for p in discover_projects(tmp_path)] == ["example.com/m"]


def test_a_root_python_project_ignores_nested_go_mods(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[project]\nname = "demo"\nversion = "1.0.0"\n')
    write(tmp_path, "tools/go.mod", "module example.com/tools\n")
    assert [p.name for p in discover_projects(tmp_path)] == ["demo"]


def test_a_broken_nested_go_mod_is_skipped_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    write(tmp_path, "go.mod", "module example.com/m\n")
    write(tmp_path, "tools/go.mod", "module example.com/m/tools\n")
    write(tmp_path, "bad/go.mod", 'module "example.com/m/\\q"\n')
    with caplog.at_level(logging.WARNING, logger="release_tools"):
        projects = discover_projects(tmp_path)
    assert [p.name for p in projects] == ["example.com/m", "example.com/m/tools"]
    [line] = [r.getMessage() for r in caplog.records if "skipped" in r.getMessage()]
    assert line.startswith("skipped bad: bad/go.mod:1: bad string") and "\n" not in line


def test_go_escapes_are_read_the_way_go_reads_them(tmp_path: Path) -> None:
    write(tmp_path, "go.mod", 'module "example.com/\\x6d/\\u00e9/\\155\\t"\n')
    assert [p.name for p in discover_projects(tmp_path)] == ["example.com/m/\u00e9/m\t"]


@pytest.mark.parametrize(
    ("literal", "reason"),
    [
        ('"example.com/\\q"', r"unknown escape \\q"),
        ('"example.com/\\\'"', r"unknown escape \\'"),
        ('"example.com/\\777"', "octal escape > 255"),
        ('"example.com/\\xff"', "not UTF-8"),
        ('"example.com/\\ud800"', "not a code point"),
    ],
)
def test_a_bad_escape_in_a_go_work_member_names_the_file(
    tmp_path: Path, literal: str, reason: str
) -> None:
    write(tmp_path, "go.work", "use ./tools\n")
    write(tmp_path, "tools/go.mod", f"module {literal}\n")
    with pytest.raises(VersionError, match=rf"^tools/go\.mod:1: bad string .*: {reason}$"):
        discover_projects(tmp_path)


def test_a_byte_order_mark_is_refused_by_name(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_bytes(b"\xef\xbb\xbfmodule example.com/m\n")
    with pytest.raises(VersionError, match=r"^go\.mod: starts with a byte order mark"):
        discover_projects(tmp_path)
