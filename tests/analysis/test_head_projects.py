"""The current version of a range whose head is not the checked-out commit comes from that head."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.headprojects import wanted_files
from release_tools.analysis.service import run_analysis
from release_tools.config import Settings


def _settings(repo: GitRepo, **kw: object) -> Settings:
    return Settings(repo=repo.path, history=False, **kw)  # type: ignore[arg-type]


def test_the_manifest_version_is_read_at_head_not_from_the_work_tree(repo: GitRepo) -> None:
    repo.write("package.json", '{"name": "m", "version": "1.4.0", "main": "index.js"}\n')
    repo.write("index.js", "exports.a = 1;\n")
    repo.commit("chore: init")
    repo.git("checkout", "-q", "-b", "next")
    repo.write("package.json", '{"name": "m", "version": "3.0.0", "main": "index.js"}\n')
    repo.write("index.js", "exports.a = 1;\nexports.b = 2;\n")
    repo.commit("feat: b")
    repo.git("checkout", "-q", "main")

    decision = run_analysis(_settings(repo, head="next"))

    assert (decision.current_version, decision.next_version) == ("3.0.0", "3.1.0")
    # Read from git: the checked-out files are as they were.
    assert '"1.4.0"' in (repo.path / "package.json").read_text()
    assert repo.git("status", "--porcelain").strip() == ""
    # The checked-out commit itself is read from the work tree, as before.
    assert run_analysis(_settings(repo, head="main", base="main")).current_version == "1.4.0"


def test_a_version_file_the_pyproject_names_is_read_at_head(repo: GitRepo) -> None:
    repo.write(
        "pyproject.toml",
        '[project]\nname = "pkg"\ndynamic = ["version"]\n'
        '[tool.hatch.version]\npath = "lib/about.py"\n',
    )
    repo.write("lib/about.py", '__version__ = "2.0.0"\n')
    repo.write("pkg/__init__.py", "def a():\n    return 1\n")
    repo.commit("chore: init")
    repo.git("checkout", "-q", "-b", "next")
    repo.write("lib/about.py", '__version__ = "2.5.0"\n')
    repo.write("pkg/__init__.py", "def a():\n    return 2\n")
    repo.commit("fix: two")
    repo.git("checkout", "-q", "main")

    decision = run_analysis(_settings(repo, head="next"))

    assert decision.current_version == "2.5.0"


def test_the_files_discovery_may_read() -> None:
    tree = [
        "package.json",
        "libs/a/project.json",
        "crates/x/Cargo.toml",
        "src/pkg/__init__.py",
        "src/pkg/core.py",
        "a/b/c/d/e/f/g/__init__.py",
        "README.md",
    ]
    assert wanted_files(tree) == [
        "package.json",
        "libs/a/project.json",
        "crates/x/Cargo.toml",
        "src/pkg/__init__.py",
    ]
