"""The repository's config file may be a symbolic link only within the repository: one leading
elsewhere is refused, so a clone cannot make the tool read a file of the machine as settings."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from analyze_cli import one_line_error
from gitrepo import GitRepo
from release_tools.cli import cli
from release_tools.config import load_settings
from release_tools.config_file import readable_choice
from release_tools.errors import ConfigError


def _projects(repo: GitRepo) -> Result:
    return CliRunner().invoke(cli, ["projects", "-C", str(repo.path)])


def _elsewhere(tmp_path: Path, text: str) -> Path:
    target = tmp_path / "elsewhere" / "rt.toml"
    target.parent.mkdir()
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def released(repo: GitRepo) -> GitRepo:
    repo.write("pyproject.toml", '[project]\nname = "pkg"\nversion = "1.0.0"\n')
    repo.commit("chore: init")
    return repo


def test_a_dedicated_file_linking_outside_is_refused(released: GitRepo, tmp_path: Path) -> None:
    target = _elsewhere(tmp_path, 'bogus-key = "secret from elsewhere"\n')
    (released.path / "release-tools.toml").symlink_to(target)
    line = one_line_error(
        _projects(released),
        2,
        "release-tools.toml: a symbolic link leading outside the repository; not read",
    )
    # Nothing of the file elsewhere is read, so none of it is quoted.
    assert "bogus" not in line and "secret" not in line
    with pytest.raises(ConfigError, match=r"^release-tools\.toml: a symbolic link leading outside"):
        load_settings(repo=released.path, environ={})


def test_a_relative_link_climbing_out_is_refused(released: GitRepo, tmp_path: Path) -> None:
    _elsewhere(tmp_path, 'bogus-key = "x"\n')
    (released.path / "release-tools.toml").symlink_to(Path("..") / "elsewhere" / "rt.toml")
    one_line_error(_projects(released), 2, "release-tools.toml: a symbolic link leading outside")


def test_a_pyproject_linking_outside_is_refused(repo: GitRepo, tmp_path: Path) -> None:
    target = _elsewhere(
        tmp_path, '[project]\nname = "x"\nversion = "1.0.0"\n[tool.release-tools]\nbogus-key = 1\n'
    )
    (repo.path / "pyproject.toml").symlink_to(target)
    with pytest.raises(ConfigError, match=r"^pyproject\.toml: a symbolic link leading outside"):
        load_settings(repo=repo.path, environ={})


def test_a_refused_link_is_no_layer_of_the_lenient_look(released: GitRepo, tmp_path: Path) -> None:
    (released.path / "release-tools.toml").symlink_to(_elsewhere(tmp_path, 'format = "json"\n'))
    assert readable_choice("format", {"repo": str(released.path)}, environ={}) is None


def test_a_link_inside_the_repository_is_read(released: GitRepo) -> None:
    released.write("config/rt.toml", 'tag-format = "release-{version}"\n')
    (released.path / "release-tools.toml").symlink_to(Path("config") / "rt.toml")
    settings = load_settings(repo=released.path, environ={})
    assert settings.tag_format == "release-{version}"
    assert _projects(released).exit_code == 0


def test_a_repository_reached_through_a_link_reads_its_own_file(
    released: GitRepo, tmp_path: Path
) -> None:
    released.write("release-tools.toml", 'tag-format = "release-{version}"\n')
    alias = tmp_path / "alias"
    alias.symlink_to(released.path)
    assert load_settings(repo=alias, environ={}).tag_format == "release-{version}"
