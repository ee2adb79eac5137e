"""Python projects a sparse checkout leaves out: their version read from HEAD as a full
checkout reads it, from whichever module setuptools, hatch or pdm is told to read."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.headprojects import projects_at
from release_tools.git import Git
from release_tools.versioning.projects import discover_projects


def _versions(repo: GitRepo) -> dict[str, str | None]:
    git = Git(repo.path)
    return {p.name: p.version for p in projects_at(git, git.toplevel(), None)}


def _full(repo: GitRepo) -> dict[str, str | None]:
    return {p.name: p.version for p in discover_projects(repo.path)}


def _projects(repo: GitRepo) -> None:
    repo.write("packages/a/pyproject.toml", '[project]\nname = "a"\nversion = "1.0.0"\n')
    # setuptools' attr in pyproject.toml, a module no usual name covers.
    repo.write(
        "packages/p/pyproject.toml",
        '[project]\nname = "p"\ndynamic = ["version"]\n\n'
        '[tool.setuptools.dynamic]\nversion = {attr = "p.meta.__version__"}\n',
    )
    repo.write("packages/p/src/p/__init__.py", "")
    repo.write("packages/p/src/p/meta.py", '__version__ = "0.3.0"\n')
    # setuptools' attr in setup.cfg beside a pyproject that only says the version is dynamic.
    repo.write("packages/s/pyproject.toml", '[project]\nname = "s"\ndynamic = ["version"]\n')
    repo.write("packages/s/setup.cfg", "[metadata]\nversion = attr: s_pkg.info.VERSION\n")
    repo.write("packages/s/s_pkg/__init__.py", "")
    repo.write("packages/s/s_pkg/info.py", 'VERSION = "2.1.0"\n')
    # A single-module distribution named after the project.
    repo.write("packages/m/pyproject.toml", '[project]\nname = "m"\ndynamic = ["version"]\n')
    repo.write("packages/m/m.py", '__version__ = "5.0.0"\n')
    repo.commit("chore: init")


def test_left_out_attr_versions_are_read_as_a_full_checkout_reads_them(repo: GitRepo) -> None:
    _projects(repo)
    full = _full(repo)
    repo.git("sparse-checkout", "set", "packages/a")
    assert not (repo.path / "packages" / "p").exists()

    assert _versions(repo) == full == {"a": "1.0.0", "p": "0.3.0", "s": "2.1.0", "m": "5.0.0"}


def test_attr_versions_at_another_head_are_read_from_that_commit(repo: GitRepo) -> None:
    _projects(repo)
    repo.write("packages/p/src/p/meta.py", '__version__ = "0.4.0"\n')
    repo.write("packages/s/s_pkg/info.py", 'VERSION = "2.2.0"\n')
    repo.write("packages/m/m.py", '__version__ = "5.1.0"\n')
    repo.commit("chore: next")
    repo.git("checkout", "-q", "HEAD~1")
    git = Git(repo.path)

    found = {p.name: p.version for p in projects_at(git, git.toplevel(), "main")}

    assert found == {"a": "1.0.0", "p": "0.4.0", "s": "2.2.0", "m": "5.1.0"}


def _file_projects(repo: GitRepo) -> None:
    repo.write("packages/a/pyproject.toml", '[project]\nname = "a"\nversion = "1.0.0"\n')
    # setuptools' file directive in setup.cfg, and in pyproject.toml: a name no lookup guesses.
    repo.write("packages/f/pyproject.toml", '[project]\nname = "f"\ndynamic = ["version"]\n')
    repo.write("packages/f/setup.cfg", "[metadata]\nversion = file: RELEASE\n")
    repo.write("packages/f/RELEASE", "0.7.0\n")
    repo.write(
        "packages/g/pyproject.toml",
        '[project]\nname = "g"\ndynamic = ["version"]\n\n'
        '[tool.setuptools.dynamic]\nversion = {file = ["meta/V.txt"]}\n',
    )
    repo.write("packages/g/meta/V.txt", "3.0.1\n")
    repo.commit("chore: init")


def test_left_out_file_versions_are_read_as_a_full_checkout_reads_them(repo: GitRepo) -> None:
    _file_projects(repo)
    full = _full(repo)
    repo.git("sparse-checkout", "set", "packages/a")
    assert not (repo.path / "packages" / "f").exists()

    assert _versions(repo) == full == {"a": "1.0.0", "f": "0.7.0", "g": "3.0.1"}


def test_file_versions_at_another_head_are_read_from_that_commit(repo: GitRepo) -> None:
    _file_projects(repo)
    repo.write("packages/f/RELEASE", "0.8.0\n")
    repo.write("packages/g/meta/V.txt", "3.1.0\n")
    repo.commit("chore: next")
    repo.git("checkout", "-q", "HEAD~1")
    git = Git(repo.path)

    found = {p.name: p.version for p in projects_at(git, git.toplevel(), "main")}

    assert found == {"a": "1.0.0", "f": "0.8.0", "g": "3.1.0"}
