"""An npm workspace released with changesets 3, for tests (import as
``from changesets_workspace import ...``)."""

from __future__ import annotations

import json
from typing import Any

from gitrepo import GitRepo

#: The root's requirement that makes the workspace a changesets 3 one.
CHANGESETS_3 = {"@changesets/cli": "^3.0.1"}


def changesets_workspace(repo: GitRepo, packages: dict[str, dict[str, Any]], **config: Any) -> None:
    """Commit an npm workspace on changesets 3 with ``packages`` (name -> package.json) in
    ``packages/<name>`` and ``config`` in ``.changeset/config.json``."""
    root = {"private": True, "workspaces": ["packages/*"], "devDependencies": CHANGESETS_3}
    repo.write("package.json", json.dumps(root, indent=2) + "\n")
    repo.write(".changeset/config.json", json.dumps({"baseBranch": "main", **config}))
    for package, manifest in packages.items():
        repo.write(f"packages/{package}/package.json", json.dumps(manifest, indent=2) + "\n")
    repo.commit("chore: initial")
