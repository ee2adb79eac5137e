"""Weak evidence from the kinds of files changed: docs, tests, CI, build files, source.

Excluded files count here too (their content is not analyzed, but that a docs file changed is
itself a signal). The conclusions are deliberately modest:

* any shipped source changed, and nothing stronger is known: a patch (the file cited is a
  source file: code, not a YAML or an image that happens to sit beside it);
* only data, configuration or assets (YAML, TOML, JSON, images ...): a patch;
* only documentation (or examples): a patch (docs ship with the package);
* only build files (manifests, lock files, packaging config): a patch (a dependency change
  reaches users);
* only tests, CI or development tooling: nothing to release.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    TEST_FILE_NAMES,
    evidence,
    in_test_dir,
    in_tooling_dir,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, FileChange, Strength

__all__ = ["KINDS", "classify", "file_kind_evidence", "gather"]

#: Every kind :func:`classify` returns.
KINDS = ("source", "data", "docs", "tests", "ci", "build", "dev")

_DOC_DIRS = frozenset(
    {"docs", "doc", "docs_src", "documentation", "examples", "example", "man", "site"}
)
_CI_DIRS = frozenset({".github", ".circleci", ".gitlab", ".ci", ".buildkite", ".azure-pipelines"})
# .nx (pending version plans, Nx's workspace data) and .changeset hold release tooling's own
# files: a commit that only adds a plan asks for a release through the plan, not as a change.
#: Tooling directories besides those of :func:`in_tooling_dir`, whatever they hold.
_DEV_DIRS = frozenset({".devcontainer", ".nx", ".changeset"})
_DOC_FILE = re.compile(
    r"(\.(md|mdx|rst|adoc|txt)$|^(readme|license|licence|copying|authors|contributors|notice|"
    r"changelog|changes|history|news|code_of_conduct|security|contributing)([._-].*)?$)",
    re.IGNORECASE,
)
_TEST_FILE = re.compile(
    rf"({TEST_FILE_NAMES}|^pytest\.ini$|^jest\.config\.|^vitest\.config\.|^karma\.conf\.)"
)
_CI_FILE = re.compile(
    r"^(\.gitlab-ci\.yml|\.travis\.yml|azure-pipelines\.ya?ml|jenkinsfile|appveyor\.ya?ml|"
    r"\.pre-commit-config\.yaml|tox\.ini|noxfile\.py|codecov\.ya?ml|\.codecov\.ya?ml|"
    r"\.readthedocs\.ya?ml|renovate\.json|\.mergify\.yml|dependabot\.yml)$",
    re.IGNORECASE,
)
_BUILD_FILE = re.compile(
    r"^(pyproject\.toml|setup\.py|setup\.cfg|manifest\.in|pkg-info|requirements.*\.(txt|in)|"
    r"package\.json|package-lock\.json|yarn\.lock|pnpm-lock\.yaml|pnpm-workspace\.yaml|"
    r"cargo\.toml|cargo\.lock|go\.mod|go\.sum|makefile|dockerfile|.*\.lock|"
    r"tsconfig.*\.json|\.npmignore|\.gitignore|\.gitattributes|\.editorconfig|"
    r"\.eslintrc.*|eslint\.config\..*|\.prettierrc.*|\.prettierignore|ruff\.toml|mypy\.ini|"
    r"\.flake8|\.coveragerc|rollup\.config\..*|webpack\.config\..*|vite\.config\..*|"
    r"babel\.config\..*|\.babelrc|rust-toolchain(\.toml)?|build\.rs|justfile|hatch\.toml|"
    # Source maps and minified bundles are generated from the sources, like lock files.
    r".*\.map|.*\.min\.[cm]?js)$",
    re.IGNORECASE,
)
# Data, configuration and assets: shipped, but not code.
_DATA_FILE = re.compile(
    r"\.(ya?ml|toml|ini|cfg|conf|json|jsonc|json5|xml|csv|tsv|svg|png|jpe?g|gif|ico|webp|bmp|"
    r"ttf|otf|woff2?|eot|mp3|wav|ogg|mp4|webm|pdf|zip|gz|tgz|bz2|xz|pickle|pkl|npy|npz|dat|bin)$",
    re.IGNORECASE,
)


def classify(path: str) -> str:
    """The kind of one path: source, data, docs, tests, ci, build or dev."""
    parts = path.split("/")
    dirs, name = [p.lower() for p in parts[:-1]], parts[-1]
    if any(d in _CI_DIRS for d in dirs) or _CI_FILE.match(name):
        return "ci"
    if in_test_dir([*dirs, name]) or _TEST_FILE.search(name):
        return "tests"
    if any(d in _DEV_DIRS for d in dirs) or in_tooling_dir(parts):
        return "dev"
    if any(d in _DOC_DIRS for d in dirs) or _DOC_FILE.search(name):
        return "docs"
    if _BUILD_FILE.match(name):
        return "build"
    if _DATA_FILE.search(name):
        return "data"
    return "source"


def file_kind_evidence(changes: Sequence[FileChange]) -> list[Evidence]:
    """One weak item summarising which kinds of files the changes touch; pure."""
    if not changes:
        return []
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for change in changes:
        kind = classify(change.path)
        counts[kind] += 1
        first.setdefault(kind, change.path)
    summary = ", ".join(f"{counts[k]} {k}" for k in KINDS if counts[k])
    if counts["source"]:
        bump, text, where = Bump.PATCH, f"source files changed ({summary})", first["source"]
    elif counts["data"]:
        bump, text, where = Bump.PATCH, f"data and configuration files changed ({summary})", None
    elif counts["docs"]:
        bump, text, where = Bump.PATCH, f"only documentation and support files ({summary})", None
    elif counts["build"]:
        bump, text, where = Bump.PATCH, f"only build and packaging files ({summary})", None
    else:
        bump, text, where = Bump.NONE, f"only tests, CI or tooling changed ({summary})", None
    return [evidence("file-kind", EvidenceKind.FILE_KIND, bump, Strength.WEAK, text, path=where)]


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """File-kind evidence for the range."""
    return file_kind_evidence(ctx.changes)
