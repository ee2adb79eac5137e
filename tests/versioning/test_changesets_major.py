"""Which major of changesets a workspace uses: its root requirement, its lock file, its
config's ``$schema``, else the latest; and the lowest version an npm range admits."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from release_tools.versioning.changesetsmajor import (
    LATEST_MAJOR,
    ChangesetsMajor,
    changesets_major,
    requirement_major,
)
from release_tools.versioning.constraints import npm_floor
from release_tools.versioning.semver import Version


@pytest.mark.parametrize(
    ("spec", "floor"),
    [
        ("^2.27.0", "2.27.0"),
        ("~3.0.1", "3.0.1"),
        ("3", "3.0.0"),
        ("2.x", "2.0.0"),
        (">=2 <4", "2.0.0"),
        (">= 2.29.0", "2.29.0"),
        ("2.x || ^3.0.0", "2.0.0"),
        ("^3.0.0 || ^2.30.0", "2.30.0"),
        (">2", "3.0.0"),
        ("> 2.5", "2.6.0"),
        (">2.5.1", "2.5.2"),
        ("2.27.0 - 3", "2.27.0"),
        ("^3.0.0-next.12", "3.0.0-next.12"),
        ("<3", "0.0.0"),
        ("*", "0.0.0"),
        ("", "0.0.0"),
        ("latest", None),
        ("workspace:^", None),
        ("catalog:", None),
        ("catalog:tools", None),
        ("npm:@changesets/cli@^3", None),
        ("github:changesets/changesets", None),
        ("^2 || next", None),
    ],
)
def test_npm_floor(spec: str, floor: str | None) -> None:
    expected = None if floor is None else Version.parse(floor)
    assert npm_floor(spec) == expected


@pytest.mark.parametrize(
    ("spec", "major"),
    [
        ("^2.27.0", 2),
        ("2.31.1", 2),
        (">=2.0.0 <4.0.0", 2),
        ("^3.0.0", 3),
        ("^3.0.0-next.0", 3),
        ("^4.1.0", 4),
        ("^1.5.0", 1),
        ("*", None),
        ("<3", None),
        ("latest", None),
        ("workspace:*", None),
        ("catalog:", None),
    ],
)
def test_requirement_major(spec: str, major: int | None) -> None:
    assert requirement_major(spec) == major


def _write(root: Path, name: str, content: str | dict[str, Any]) -> None:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content if isinstance(content, str) else json.dumps(content))


def _root(cli: str | None = None, table: str = "devDependencies") -> dict[str, Any]:
    data: dict[str, Any] = {"private": True, "workspaces": ["packages/*"]}
    if cli is not None:
        data[table] = {"@changesets/cli": cli}
    return data


def test_nothing_says_so_the_latest_major(tmp_path: Path) -> None:
    assert changesets_major(tmp_path) == ChangesetsMajor(LATEST_MAJOR, None)
    assert LATEST_MAJOR == 3


@pytest.mark.parametrize("table", ["dependencies", "devDependencies"])
@pytest.mark.parametrize(("cli", "major"), [("^2.27.0", 2), ("^3.0.1", 3)])
def test_the_root_requirement_decides(tmp_path: Path, table: str, cli: str, major: int) -> None:
    _write(tmp_path, "package.json", _root(cli, table))
    assert changesets_major(tmp_path) == ChangesetsMajor(major, "package.json")


def test_the_root_requirement_wins_over_the_lock_file_and_the_schema(tmp_path: Path) -> None:
    _write(tmp_path, "package.json", _root("^2.27.0"))
    lock = {"packages": {"node_modules/@changesets/cli": {"version": "3.0.1"}}}
    _write(tmp_path, "package-lock.json", lock)
    schema = "https://unpkg.com/@changesets/config@4.0.0/schema.json"
    _write(tmp_path, ".changeset/config.json", {"$schema": schema})
    assert changesets_major(tmp_path) == ChangesetsMajor(2, "package.json")


@pytest.mark.parametrize("cli", ["workspace:^", "catalog:", "latest", "*"])
def test_a_requirement_naming_no_version_leaves_it_to_the_lock_file(
    tmp_path: Path, cli: str
) -> None:
    _write(tmp_path, "package.json", _root(cli))
    lock = {"packages": {"node_modules/@changesets/cli": {"version": "2.29.7"}}}
    _write(tmp_path, "package-lock.json", lock)
    assert changesets_major(tmp_path) == ChangesetsMajor(2, "package-lock.json")


def test_an_npm_lock_file_of_version_1(tmp_path: Path) -> None:
    lock = {"lockfileVersion": 1, "dependencies": {"@changesets/cli": {"version": "2.26.2"}}}
    _write(tmp_path, "package-lock.json", lock)
    assert changesets_major(tmp_path) == ChangesetsMajor(2, "package-lock.json")


PNPM_9 = """lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    devDependencies:
      '@changesets/cli':
        specifier: catalog:
        version: 3.0.1(@types/node@22.0.0)
      typescript:
        specifier: ^5.0.0
        version: 5.6.2

  packages/a:
    devDependencies:
      '@changesets/cli':
        specifier: ^2.27.0
        version: 2.29.7

packages:

  '@changesets/cli@2.29.7':
    resolution: {integrity: sha512-x}

  '@changesets/cli@3.0.1':
    resolution: {integrity: sha512-y}
"""

PNPM_5 = """lockfileVersion: 5.4

importers:

  .:
    specifiers:
      '@changesets/cli': ^2.26.0
    devDependencies:
      '@changesets/cli': 2.26.2_typescript@5.0.0

packages:

  /@changesets/cli/2.26.2_typescript@5.0.0:
    resolution: {integrity: sha512-z}
"""

PNPM_PACKAGES_ONLY = """lockfileVersion: '6.0'

packages:

  /@changesets/cli@3.0.0:
    resolution: {integrity: sha512-y}
    dev: true

  /@changesets/config@4.0.0:
    resolution: {integrity: sha512-w}
"""


@pytest.mark.parametrize(
    ("text", "major"),
    [
        # The root importer's own entry, not a member's nor every package's.
        (PNPM_9, 3),
        (PNPM_5, 2),
        # No root importer naming it: the one major among the package entries.
        (PNPM_PACKAGES_ONLY, 3),
    ],
)
def test_a_pnpm_lock_file(tmp_path: Path, text: str, major: int) -> None:
    _write(tmp_path, "package.json", _root("catalog:"))
    _write(tmp_path, "pnpm-lock.yaml", text)
    assert changesets_major(tmp_path) == ChangesetsMajor(major, "pnpm-lock.yaml")


def test_a_pnpm_lock_file_with_two_majors_and_no_root_entry_says_nothing(tmp_path: Path) -> None:
    packages_only = PNPM_9.split("importers:")[0] + "packages:" + PNPM_9.split("packages:\n")[-1]
    _write(tmp_path, "pnpm-lock.yaml", packages_only)
    assert changesets_major(tmp_path) == ChangesetsMajor(LATEST_MAJOR, None)


YARN_CLASSIC = """# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@changesets/changelog-git@^0.2.0":
  version "0.2.0"

"@changesets/cli@^2.26.0", "@changesets/cli@^2.27.1":
  version "2.27.1"
  resolved "https://registry.yarnpkg.com/@changesets/cli/-/cli-2.27.1.tgz"
"""

YARN_BERRY = """__metadata:
  version: 8

"@changesets/cli@npm:^3.0.0":
  version: 3.0.1
  resolution: "@changesets/cli@npm:3.0.1"

"@changesets/config@npm:^4.0.0":
  version: 4.0.0
"""


@pytest.mark.parametrize(("text", "major"), [(YARN_CLASSIC, 2), (YARN_BERRY, 3)])
def test_a_yarn_lock_file(tmp_path: Path, text: str, major: int) -> None:
    _write(tmp_path, "yarn.lock", text)
    assert changesets_major(tmp_path) == ChangesetsMajor(major, "yarn.lock")


def test_a_yarn_lock_file_with_two_majors_says_nothing(tmp_path: Path) -> None:
    _write(tmp_path, "yarn.lock", YARN_CLASSIC + "\n" + YARN_BERRY.split("\n\n", 1)[1])
    assert changesets_major(tmp_path) == ChangesetsMajor(LATEST_MAJOR, None)


@pytest.mark.parametrize(
    ("config", "major"),
    [
        # changeset init in @changesets/cli 2.x wrote @changesets/config 1.x to 3.x.
        ("3.1.4", 2),
        ("2.3.1", 2),
        ("4.0.0", 3),
    ],
)
def test_the_config_schema_hints_at_the_cli_that_wrote_it(
    tmp_path: Path, config: str, major: int
) -> None:
    schema = f"https://unpkg.com/@changesets/config@{config}/schema.json"
    _write(tmp_path, ".changeset/config.json", {"$schema": schema, "baseBranch": "main"})
    assert changesets_major(tmp_path) == ChangesetsMajor(major, ".changeset/config.json")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("package.json", "{not json"),
        ("package.json", "[1, 2]"),
        ("package-lock.json", "{not json"),
        ("package-lock.json", {"packages": {"node_modules/@changesets/cli": {"version": 3}}}),
        ("pnpm-lock.yaml", "importers:\n  .:\n    devDependencies:\n      '@changesets/cli':\n"),
        ("yarn.lock", '"@changesets/cli@^3.0.0":\n  resolved "x"\n'),
        (".changeset/config.json", {"$schema": "https://example.com/schema.json"}),
        (".changeset/config.json", {"$schema": "https://unpkg.com/@changesets/config@9.0.0/x"}),
    ],
)
def test_a_file_that_says_nothing_readable_decides_nothing(
    tmp_path: Path, name: str, content: str | dict[str, Any]
) -> None:
    _write(tmp_path, name, content)
    assert changesets_major(tmp_path) == ChangesetsMajor(LATEST_MAJOR, None)


def test_a_file_that_is_no_utf8_decides_nothing(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_bytes(b'{"devDependencies": {"@changesets/cli": "\xff"}}')
    assert changesets_major(tmp_path) == ChangesetsMajor(LATEST_MAJOR, None)
