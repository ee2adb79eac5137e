"""A dynamic Python version that setuptools reads from a module attribute: named in
pyproject.toml (``[tool.setuptools.dynamic]``) or in setup.cfg (``version = attr: ...``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from release_tools.versioning.manifests import version_edits
from release_tools.versioning.projects import discover_projects

_DYNAMIC = '[project]\nname = "p"\ndynamic = ["version"]\n'


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _read(root: Path) -> object:
    def read(rel: str) -> str | None:
        path = root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return read


@pytest.mark.parametrize("layout", ["src/p/meta.py", "p/meta.py"])
def test_setup_cfg_attr_names_the_version_module(tmp_path: Path, layout: str) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": _DYNAMIC,
            "setup.cfg": "[metadata]\nname = p\nversion = attr: p.meta.__version__\n",
            layout.rpartition("/")[0] + "/__init__.py": "",
            layout: '__version__ = "0.3.0"\n',
        },
    )
    [project] = discover_projects(tmp_path)
    assert project.version == "0.3.0"
    # The release moves the number where the build reads it.
    edits = version_edits(tmp_path, project, "0.4.0", read=_read(tmp_path))  # type: ignore[arg-type]
    assert edits == {layout: '__version__ = "0.4.0"\n'}


def test_pyproject_attr_wins_over_setup_cfg(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": _DYNAMIC
            + '\n[tool.setuptools.dynamic]\nversion = {attr = "p.about.__version__"}\n',
            "setup.cfg": "[metadata]\nversion = attr: p.meta.__version__\n",
            "p/__init__.py": "",
            "p/meta.py": '__version__ = "0.3.0"\n',
            "p/about.py": '__version__ = "1.5.0"\n',
        },
    )
    assert discover_projects(tmp_path)[0].version == "1.5.0"


@pytest.mark.parametrize(
    "setup_cfg",
    [
        "[metadata]\nversion = 2.0.0\n",  # static: setuptools' own, not this project's number
        "[metadata]\nversion = file: VERSION\n",
        "[metadata]\nversion = attr: \n",
        "[metadata\nversion = attr: p.meta.__version__\n",  # broken
        "[metadata]\nversion = attr: %(here)s.meta.__version__\n",  # no interpolation
        "[options]\nversion = attr: p.meta.__version__\n",  # not the metadata section
    ],
)
def test_a_setup_cfg_without_an_attr_version_names_no_module(
    tmp_path: Path, setup_cfg: str
) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": _DYNAMIC,
            "setup.cfg": setup_cfg,
            "p/__init__.py": "",
            "p/meta.py": '__version__ = "0.3.0"\n',
        },
    )
    assert discover_projects(tmp_path)[0].version is None
