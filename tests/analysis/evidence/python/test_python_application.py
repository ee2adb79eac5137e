"""Packages of Python applications: their modules are not a library API."""

from __future__ import annotations

from typing import Any

from release_tools.analysis.evidence.python.api import gather
from release_tools.analysis.evidence.python.application import (
    offers_names,
    plugs_in,
    script_packages,
)
from release_tools.analysis.models import Evidence
from repo_context import build_context
from review_marks import checked

PYPROJECT = (
    '[project]\nname = "app"\nversion = "1.0.0"\n\n[project.scripts]\napp = "app.cli:main"\n'
)
INIT = '"""The app."""\n\nimport locale\n\nfrom click import secho\n\n__version__ = "1.0"\n'
UTILS = "def helper(x):\n    return x\n\n\ndef other():\n    return 1\n"
NOTE = "(an application's module: its command line is its interface)"


def _run(repo: Any, base: str) -> list[tuple[str, str, str]]:
    repo.commit("change")
    items: list[Evidence] = gather(build_context(repo.path, base))
    return sorted((e.bump, e.strength, e.message) for e in checked(items))


def _app(repo: Any, init: str = INIT, pyproject: str = PYPROJECT) -> str:
    repo.write("pyproject.toml", pyproject)
    repo.write("app/__init__.py", init)
    repo.write("app/cli.py", "def main():\n    return 0\n")
    repo.write("app/utils.py", UTILS)
    return str(repo.commit("initial"))


def test_a_removed_helper_of_an_application_is_a_weak_note(repo: Any) -> None:
    base = _app(repo)
    repo.write("app/utils.py", "def other(y):\n    return 1\n\n\ndef added():\n    return 2\n")
    found = _run(repo, base)
    assert found
    assert all(bump == "patch" and strength == "weak" for bump, strength, _ in found)
    assert ("patch", "weak", f"removed public function app.utils.helper {NOTE}") in found


def test_a_package_that_offers_names_is_a_library(repo: Any) -> None:
    base = _app(repo, init=INIT + "from .utils import other\n")
    repo.write("app/utils.py", "def other():\n    return 1\n")
    assert _run(repo, base) == [("major", "proof", "removed public function app.utils.helper")]


def test_a_package_without_console_scripts_is_a_library(repo: Any) -> None:
    base = _app(repo, pyproject='[project]\nname = "app"\nversion = "1.0.0"\n')
    repo.write("app/utils.py", "def other():\n    return 1\n")
    assert _run(repo, base) == [("major", "proof", "removed public function app.utils.helper")]


def test_an_application_that_starts_offering_names_is_judged_as_a_library(repo: Any) -> None:
    base = _app(repo)
    repo.write("app/__init__.py", INIT + "from .utils import other\n")
    repo.write("app/utils.py", "def other():\n    return 1\n")
    found = _run(repo, base)
    assert ("major", "proof", "removed public function app.utils.helper") in found


def test_console_scripts_are_read_from_each_manifest_form() -> None:
    assert script_packages({"pyproject.toml": PYPROJECT}) == {"app"}
    poetry = '[tool.poetry.scripts]\ntool = "tool.main:run"\n'
    assert script_packages({"pyproject.toml": poetry}) == {"tool"}
    cfg = "[options.entry_points]\nconsole_scripts =\n    pip-sync = piptools.scripts.sync:cli\n"
    assert script_packages({"setup.cfg": cfg}) == {"piptools"}
    setup_py = (
        "setup(entry_points={'console_scripts': ['pip-compile = piptools.scripts.compile:cli',"
        ' "x=xpkg:main"]})\n'
    )
    assert script_packages({"setup.py": setup_py}) == {"piptools", "xpkg"}
    assert script_packages({"pyproject.toml": "[project\n"}) == set()
    assert script_packages({"setup.py": "setup(name='lib')\n"}) == set()


def test_what_an_init_offers() -> None:
    assert not offers_names(INIT, "app")
    assert not offers_names("__all__ = []\n", "app")
    assert not offers_names("def _setup():\n    pass\n\n_setup()\n", "app")
    assert offers_names("def run():\n    pass\n", "app")
    assert offers_names("class Client:\n    pass\n", "app")
    assert offers_names("VERSION = '1'\n", "app")
    assert offers_names("__all__ = ['x']\n", "app")
    assert offers_names("from .core import run\n", "app")
    assert offers_names("from app.core import run\n", "app")
    assert not offers_names("from .core import _private\n", "app")
    assert offers_names("def broken(:\n", "app")


def test_an_api_module_of_an_application_keeps_its_findings(repo: Any) -> None:
    base = _app(repo)
    repo.write("app/api.py", "def run(args):\n    return 0\n")
    base = str(repo.commit("api"))
    repo.write("app/api.py", "def run(args, env):\n    return 0\n")
    found = _run(repo, base)
    assert [bump for bump, _, _ in found] == ["major"]


def test_a_package_that_plugs_into_other_tools_is_a_library(repo: Any) -> None:
    plugin = PYPROJECT + '\n[project.entry-points."distutils.commands"]\nbdist = "app.cmd:Cmd"\n'
    base = _app(repo, pyproject=plugin)
    repo.write("app/utils.py", "def other():\n    return 1\n")
    assert _run(repo, base) == [("major", "proof", "removed public function app.utils.helper")]


def test_entry_point_groups_other_than_scripts_are_read_from_each_manifest_form() -> None:
    assert not plugs_in({"pyproject.toml": PYPROJECT})
    assert plugs_in({"pyproject.toml": '[tool.poetry.plugins."pytest11"]\nx = "x.plugin"\n'})
    cfg = "[options.entry_points]\nconsole_scripts =\n    a = a:main\n"
    assert not plugs_in({"setup.cfg": cfg})
    assert plugs_in({"setup.cfg": cfg + "pytest11 =\n    a = a.plugin\n"})
    scripts_only = (
        "setup(entry_points={'console_scripts': ['a = a:main']}, package_data={'a': ['x']})"
    )
    assert not plugs_in({"setup.py": scripts_only})
    assert plugs_in({"setup.py": "setup(entry_points={'pytest11': ['a = a.plugin']})"})
