"""Static Python versions repeated in ``__version__`` follow the manifest (Poetry and PEP 621)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from release_tools.versioning.manifests import version_edits
from release_tools.versioning.projects import discover_projects


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def _edits(root: Path, version: str) -> dict[str, str]:
    def read(rel: str) -> str | None:
        path = root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    [project] = discover_projects(root)
    return version_edits(root, project, version, read=read)


def test_poetry_flat_package_init_follows(tmp_path: Path) -> None:
    _write(tmp_path, "pyproject.toml", '[tool.poetry]\nname = "poelib"\nversion = "0.9.1"\n')
    _write(tmp_path, "poelib/__init__.py", '"""Doc."""\n__version__ = "0.9.1"\n')
    edits = _edits(tmp_path, "0.10.0")
    assert sorted(edits) == ["poelib/__init__.py", "pyproject.toml"]
    assert edits["poelib/__init__.py"] == '"""Doc."""\n__version__ = "0.10.0"\n'


def test_poetry_packages_include_with_from(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "pyproject.toml",
        '[tool.poetry]\nname = "dist-name"\nversion = "1.0.0"\n'
        'packages = [{include = "inner", from = "lib"}]\n',
    )
    _write(tmp_path, "lib/inner/__init__.py", "__version__ = '1.0.0'\n")
    assert _edits(tmp_path, "1.1.0")["lib/inner/__init__.py"] == "__version__ = '1.1.0'\n"


@pytest.mark.parametrize("module", ["_version.py", "__version__.py"])
def test_src_layout_version_modules_follow(tmp_path: Path, module: str) -> None:
    _write(tmp_path, "pyproject.toml", '[project]\nname = "my-lib"\nversion = "2.0.0"\n')
    _write(tmp_path, "src/my_lib/__init__.py", "from ._version import __version__\n")
    _write(tmp_path, f"src/my_lib/{module}", '__version__: str = "2.0.0"  # keep\n')
    edits = _edits(tmp_path, "2.0.1")
    assert sorted(edits) == ["pyproject.toml", f"src/my_lib/{module}"]
    assert edits[f"src/my_lib/{module}"] == '__version__: str = "2.0.1"  # keep\n'


def test_a_different_value_is_left_alone_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An earlier CLI test may have stopped the package logger propagating to caplog's handler.
    monkeypatch.setattr(logging.getLogger("release_tools"), "propagate", True)
    _write(tmp_path, "pyproject.toml", '[tool.poetry]\nname = "poelib"\nversion = "0.9.1"\n')
    _write(tmp_path, "poelib/_version.py", '__version__ = "0.0.0.dev"\n')
    with caplog.at_level(logging.WARNING, logger="release_tools"):
        edits = _edits(tmp_path, "0.10.0")
    assert sorted(edits) == ["pyproject.toml"]
    assert "poelib/_version.py: __version__ is 0.0.0.dev" in caplog.text
