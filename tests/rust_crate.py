"""A Rust crate changed in a real repository: its ``rust-api`` evidence between two commits."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.evidence.rust import gather
from release_tools.analysis.models import Evidence
from repo_context import build_context


def crate_change(
    repo: GitRepo, files: dict[str, str], changed: dict[str, str | None]
) -> list[Evidence]:
    """Commit ``files`` (with a ``Cargo.toml``), then ``changed`` (None removes a file), and
    gather the Rust evidence of that range."""
    repo.write("Cargo.toml", "[package]\nname = 'demo'\n")
    return gather(build_context(repo.path, repo.change(files, changed)))
