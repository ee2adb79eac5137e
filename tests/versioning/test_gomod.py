"""go.mod and go.work as Go reads them, and Go's rules for tags and major versions."""

from __future__ import annotations

import pytest

from release_tools.errors import VersionError
from release_tools.versioning.gomod import (
    major_directory,
    major_problem,
    module_path,
    path_major,
    tag_prefix,
    tag_template,
    workspace_uses,
)


@pytest.mark.parametrize(
    ("text", "path"),
    [
        ("module example.com/m\n\ngo 1.22\n", "example.com/m"),
        ("// Deprecated: use example.com/n.\nmodule example.com/m // the root\n", "example.com/m"),
        ('module "example.com/m"\n', "example.com/m"),
        ("module `example.com/m`\n", "example.com/m"),
        ("module example.com/m// no space before the comment\n", "example.com/m"),
        ("module (\n\texample.com/m\n)\n\ngo 1.21\n", "example.com/m"),
        ("go 1.22\n\nrequire example.com/other v1.0.0\n", None),
        ("", None),
    ],
)
def test_module_path(text: str, path: str | None) -> None:
    assert module_path(text) == path


def test_module_lines_inside_other_blocks_are_not_the_module() -> None:
    text = "require (\n\tmodule v1.0.0\n)\nmodule example.com/real\n"
    assert module_path(text) == "example.com/real"


@pytest.mark.parametrize(
    "text",
    [
        'module "example.com/m\n',
        "module example.com/m extra\n",
        "module (\n\texample.com/m\n",
    ],
)
def test_unreadable_module_lines_are_one_line_errors(text: str) -> None:
    with pytest.raises(VersionError, match=r"^go\.mod"):
        module_path(text)


def test_workspace_uses_single_lines_and_blocks() -> None:
    text = (
        "go 1.22\n\n"
        "use ./tools // the tools\n"
        'use "./with space"\n'
        "use (\n"
        "\t.\n"
        "\t./api\n"
        "\t// ./commented/out\n"
        "\t../outside\n"
        ")\n\n"
        "replace example.com/x => ./x\n"
    )
    assert workspace_uses(text) == ["./tools", "./with space", ".", "./api", "../outside"]


def test_workspace_without_uses() -> None:
    assert workspace_uses("go 1.22\n") == []


@pytest.mark.parametrize(
    ("path", "major"),
    [
        ("example.com/m", None),
        ("example.com/m/v2", 2),
        ("example.com/m/v10", 10),
        ("example.com/m/v1", None),
        ("example.com/m/v02", None),
        ("example.com/v2/m", None),
        ("gopkg.in/yaml.v3", 3),
        ("gopkg.in/user/pkg.v1", 1),
    ],
)
def test_path_major(path: str, major: int | None) -> None:
    assert path_major(path) == major


@pytest.mark.parametrize(
    ("directory", "module", "prefix"),
    [
        (".", "example.com/m", ""),
        ("tools", "example.com/m/tools", "tools/"),
        ("a/b", "example.com/m/a/b", "a/b/"),
        # The major subdirectory is not part of the prefix.
        ("v2", "example.com/m/v2", ""),
        ("sub/v3", "example.com/m/sub/v3", "sub/"),
        # A directory called v2 holding a module without that suffix is a plain directory.
        ("v2", "example.com/m/other", "v2/"),
    ],
)
def test_tag_prefix(directory: str, module: str, prefix: str) -> None:
    assert tag_prefix(directory, module) == prefix


def test_tag_template_keeps_braces_of_directory_names_literal() -> None:
    template = tag_template("odd{dir}", "example.com/m/odd")
    assert template.format(version="1.0.0") == "odd{dir}/v1.0.0"


@pytest.mark.parametrize(
    ("module", "version"),
    [
        ("example.com/m", "0.4.0"),
        ("example.com/m", "1.9.0"),
        ("example.com/m/v2", "2.0.0"),
        ("example.com/m/v3", "3.1.0-rc.0"),
        ("gopkg.in/yaml.v3", "3.0.1"),
    ],
)
def test_versions_go_accepts(module: str, version: str) -> None:
    assert major_problem(module, version, "go.mod") is None


def test_a_v2_release_without_the_suffix_says_what_to_change() -> None:
    problem = major_problem("example.com/m", "2.0.0", "tools/go.mod")
    assert problem is not None
    assert "\n" not in problem
    assert problem.startswith("cannot release Go module example.com/m as 2.0.0")
    assert "/v2" in problem
    assert 'change the module line of tools/go.mod to "module example.com/m/v2"' in problem


def test_a_v3_release_of_a_v2_path_names_the_next_suffix() -> None:
    problem = major_problem("example.com/m/v2", "3.0.0", "go.mod")
    assert problem is not None and '"module example.com/m/v3"' in problem


def test_gopkg_in_paths_change_their_dot_suffix() -> None:
    problem = major_problem("gopkg.in/yaml.v2", "3.0.0", "go.mod")
    assert problem is not None and '"module gopkg.in/yaml.v3"' in problem


def test_a_release_below_the_paths_major_is_refused_too() -> None:
    problem = major_problem("example.com/m/v2", "1.5.0", "go.mod")
    assert problem is not None
    assert "release 2.0.0 or later" in problem
    assert '"module example.com/m"' in problem


@pytest.mark.parametrize(
    ("directory", "module", "major"),
    [
        ("v2", "example.com/m/v2", 2),
        ("sub/v3", "example.com/m/sub/v3", 3),
        (".", "example.com/m/v2", None),
        ("v2", "example.com/m", None),
        ("v3", "example.com/m/v2", None),
        ("v2", "gopkg.in/yaml.v2", None),
    ],
)
def test_major_directory(directory: str, module: str, major: int | None) -> None:
    assert major_directory(directory, module) == major


def test_a_major_directory_module_below_its_major_is_never_told_to_take_the_parents_path() -> None:
    problem = major_problem("example.com/m/v2", "1.4.0", "v2/go.mod", directory="v2")
    assert problem is not None and "\n" not in problem
    assert problem.startswith("cannot release Go module example.com/m/v2 as 1.4.0")
    assert "tagged v2.x.y" in problem and "release 2.0.0 or later" in problem
    assert '"module example.com/m"' not in problem and "major plan" not in problem


def test_a_major_directory_module_past_its_major_is_told_of_a_new_directory() -> None:
    problem = major_problem("example.com/m/sub/v2", "3.0.0", "sub/v2/go.mod", directory="sub/v2")
    assert problem is not None
    assert 'a sub/v3/ directory whose go.mod says "module example.com/m/sub/v3"' in problem
