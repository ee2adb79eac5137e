"""``release`` in a workspace whose ``.changeset/config.json`` names a directory instead of a
package: changesets matches package names only and refuses an ``ignore`` pattern matching none,
so the release stops in one line (exit 2) before writing anything."""

from __future__ import annotations

import json

from click.testing import CliRunner

from gitrepo import GitRepo
from release_tools.cli import cli


def test_an_ignore_pattern_naming_a_directory_stops_the_release(repo: GitRepo) -> None:
    root = {
        "private": True,
        "workspaces": ["packages/*"],
        "devDependencies": {"@changesets/cli": "^3.0.1"},
    }
    repo.write("package.json", json.dumps(root))
    repo.write(".changeset/config.json", json.dumps({"ignore": ["packages/tool"]}))
    for name in ("lib", "tool"):
        manifest = {"name": f"@acme/{name}", "version": "1.0.0"}
        repo.write(f"packages/{name}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("chore: initial")
    repo.write(".changeset/fix.md", '---\n"@acme/tool": patch\n---\n\nA fix.\n')
    repo.commit("chore: changeset")
    head = repo.head()

    result = CliRunner().invoke(cli, ["release", "-C", str(repo.path)])

    assert result.exit_code == 2, result.output
    assert result.stderr == (
        'error: .changeset/config.json: ignore: "packages/tool" matches no package (changesets '
        "matches package names, not directories); it matches the directory of @acme/tool: "
        "name the package\n"
    )
    assert repo.head() == head and repo.git("status", "--porcelain") == ""
