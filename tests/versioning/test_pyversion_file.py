"""A dynamic Python version kept in a plain file (setuptools' ``file`` directive), in a file
hatch reads with its own pattern, or in the module flit is told to read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from release_tools.errors import VersionError
from release_tools.versioning.manifests import version_edits
from release_tools.versioning.projects import discover_projects

_DYNAMIC = '[project]\nname = "p"\ndynamic = ["version"]\n'


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _read(root: Path) -> Callable[[str], str | None]:
    def read(rel: str) -> str | None:
        path = root / rel
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return read


@pytest.mark.parametrize(
    ("files", "version_file"),
    [
        # setup.cfg's file directive beside a pyproject that only says the version is dynamic.
        ({"setup.cfg": "[metadata]\nname = p\nversion = file: VERSION\n"}, "VERSION"),
        ({"setup.cfg": "[metadata]\nversion = file: src/p/VERSION.txt\n"}, "src/p/VERSION.txt"),
        # pyproject.toml's, as a string or a list.
        (
            {
                "pyproject.toml": _DYNAMIC
                + '[tool.setuptools.dynamic]\nversion = {file = "VERSION"}\n'
            },
            "VERSION",
        ),
        (
            {
                "pyproject.toml": _DYNAMIC
                + '[tool.setuptools.dynamic]\nversion = {file = ["missing.txt", "VERSION"]}\n'
            },
            "VERSION",
        ),
    ],
)
def test_setuptools_file_holds_the_version(
    tmp_path: Path, files: dict[str, str], version_file: str
) -> None:
    _write(tmp_path, {"pyproject.toml": _DYNAMIC, **files, version_file: "1.4.0\n"})
    [project] = discover_projects(tmp_path)
    assert project.version == "1.4.0"

    edits = version_edits(tmp_path, project, "1.5.0", read=_read(tmp_path))

    assert edits == {version_file: "1.5.0\n"}


@pytest.mark.parametrize("layout", ["2.0.0", "2.0.0\n", "  2.0.0  \n\n", "\n2.0.0\n"])
def test_the_version_file_keeps_its_layout(tmp_path: Path, layout: str) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": _DYNAMIC,
            "setup.cfg": "[metadata]\nversion = file: VERSION\n",
        },
    )
    (tmp_path / "VERSION").write_bytes(layout.encode())
    [project] = discover_projects(tmp_path)
    assert project.version == "2.0.0"

    edits = version_edits(tmp_path, project, "2.1.0", read=_read(tmp_path))

    assert edits == {"VERSION": layout.replace("2.0.0", "2.1.0")}


def test_pyproject_file_wins_over_setup_cfg_attr(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": _DYNAMIC + '[tool.setuptools.dynamic]\nversion = {file = "V"}\n',
            "setup.cfg": "[metadata]\nversion = attr: p.__version__\n",
            "p/__init__.py": '__version__ = "9.9.9"\n',
            "V": "0.2.0\n",
        },
    )
    assert discover_projects(tmp_path)[0].version == "0.2.0"


@pytest.mark.parametrize(
    "setup_cfg",
    [
        "[metadata]\nversion = file: ../VERSION\n",  # setuptools reads no file outside the project
        "[metadata]\nversion = file: /abs/VERSION\n",
        "[metadata]\nversion = file: \n",
        "[metadata]\nversion = file: missing\n",
    ],
)
def test_a_file_directive_naming_no_project_file_gives_no_version(
    tmp_path: Path, setup_cfg: str
) -> None:
    project_dir = tmp_path / "pkg"
    _write(project_dir, {"pyproject.toml": _DYNAMIC, "setup.cfg": setup_cfg})
    (tmp_path / "VERSION").write_text("1.0.0\n", encoding="utf-8")
    assert discover_projects(project_dir)[0].version is None


def test_a_version_file_holding_more_than_a_version_is_refused(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": _DYNAMIC,
            "setup.cfg": "[metadata]\nversion = file: VERSION\n",
            "VERSION": "version 1.0.0\nbuilt by hand\n",
        },
    )
    [project] = discover_projects(tmp_path)
    assert project.version is None
    with pytest.raises(VersionError, match="VERSION"):
        version_edits(tmp_path, project, "1.1.0", read=_read(tmp_path))


def test_hatch_pattern_reads_and_writes_the_version_group(tmp_path: Path) -> None:
    text = "# release: 3.1.0 (do not edit)\nBUILD = 'x'\n"
    _write(
        tmp_path,
        {
            "pyproject.toml": _DYNAMIC
            + '[tool.hatch.version]\npath = "p/meta.py"\n'
            + "pattern = '^# release: (?P<version>\\S+)'\n",
            "p/__init__.py": "",
            "p/meta.py": text,
        },
    )
    [project] = discover_projects(tmp_path)
    assert project.version == "3.1.0"

    edits = version_edits(tmp_path, project, "3.2.0", read=_read(tmp_path))

    assert edits == {"p/meta.py": text.replace("3.1.0", "3.2.0")}


def test_hatch_default_pattern_takes_a_v_prefixed_value(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": _DYNAMIC + '[tool.hatch.version]\npath = "p/__about__.py"\n',
            "p/__about__.py": '__version__ = "v0.5.0"\n',
        },
    )
    [project] = discover_projects(tmp_path)
    assert project.version == "0.5.0"
    edits = version_edits(tmp_path, project, "0.6.0", read=_read(tmp_path))
    assert edits == {"p/__about__.py": '__version__ = "v0.6.0"\n'}


def test_flit_module_name_names_the_version_module(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "p-dist"\ndynamic = ["version"]\n\n'
            '[tool.flit.module]\nname = "pmod"\n',
            "src/pmod/__init__.py": '"""Doc."""\n__version__ = "4.0.0"\n',
        },
    )
    [project] = discover_projects(tmp_path)
    assert project.version == "4.0.0"
    edits = version_edits(tmp_path, project, "4.1.0", read=_read(tmp_path))
    assert edits == {"src/pmod/__init__.py": '"""Doc."""\n__version__ = "4.1.0"\n'}


def test_a_static_version_moves_its_copy_in_flits_module(tmp_path: Path) -> None:
    _write(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "p-dist"\nversion = "1.0.0"\n\n'
            '[tool.flit.module]\nname = "ns.pmod"\n',
            "ns/pmod/__init__.py": '__version__ = "1.0.0"\n',
        },
    )
    [project] = discover_projects(tmp_path)
    edits = version_edits(tmp_path, project, "1.1.0", read=_read(tmp_path))
    assert edits["ns/pmod/__init__.py"] == '__version__ = "1.1.0"\n'
