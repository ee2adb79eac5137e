"""JavaScript / TypeScript ``package.json`` evidence: how the package loads, and its entries.

Breaking (major): removed ``exports``/``bin`` entries, a switch to ESM-only (``"type":
"module"`` without a ``require`` entry) and a raised ``engines.node`` major (npm only warns
about engines, so users on older Node.js install the release and break). Features (minor): new
``exports`` and ``bin`` entries. Manifests of packages that are never published are not read:
``"private": true`` ones (a docs site, a playground, a monorepo's root) and those under docs,
example, test or fixture directories.
"""

from __future__ import annotations

import json
import re

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    evidence,
    is_test_path,
    new_path,
    old_path,
    read_text,
)
from release_tools.analysis.evidence.javascript.entrypoints import entry_keys, manifest
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["manifest_evidence", "node_minimum", "runtime_evidence"]


def node_minimum(spec: object) -> tuple[int, ...] | None:
    """The lowest Node.js version an ``engines.node`` range accepts (``"20 || >=22"`` -> 20)."""
    if not isinstance(spec, str):
        return None
    lows = []
    for alternative in spec.split("||"):
        numbers = re.search(r"(\d+)(?:\.(\d+))?", alternative)
        if numbers:
            lows.append(tuple(int(n) for n in numbers.groups() if n is not None))
    return min(lows) if lows else None


def runtime_evidence(
    before: dict[str, object], after: dict[str, object], path: str
) -> list[Evidence]:
    """Breaking changes of how the package loads: ESM-only switch, raised Node.js minimum."""
    items: list[Evidence] = []
    offers_require = '"require"' in json.dumps(after.get("exports"))
    if before.get("type") != "module" and after.get("type") == "module" and not offers_require:
        items.append(
            evidence(
                "javascript-api",
                EvidenceKind.API_CHANGED,
                Bump.MAJOR,
                Strength.STRONG,
                "package became ESM-only (type: module, no require entry): require() breaks",
                path=path,
            )
        )
    old_engines, new_engines = before.get("engines"), after.get("engines")
    old_min = node_minimum(old_engines.get("node") if isinstance(old_engines, dict) else None)
    new_min = node_minimum(new_engines.get("node") if isinstance(new_engines, dict) else None)
    if new_min is not None and (old_min is None or new_min[:1] > old_min[:1]):
        was = ".".join(map(str, old_min)) if old_min else "any"
        items.append(
            evidence(
                "javascript-api",
                EvidenceKind.RUNTIME_FLOOR,
                Bump.MAJOR,
                Strength.STRONG,
                f"requires Node.js {'.'.join(map(str, new_min))} or newer (was {was})",
                path=path,
            )
        )
    return items


#: ``exports`` subpaths that expose the package's metadata, not its API.
_METADATA_ENTRIES = frozenset({"./package.json"})


def manifest_evidence(ctx: AnalysisContext) -> list[Evidence]:
    items: list[Evidence] = []
    for change in ctx.changes:
        names = {change.path, change.old_path or change.path}
        if not any(n.rsplit("/", 1)[-1] == "package.json" for n in names):
            continue
        if "node_modules/" in change.path or is_test_path(change.path):
            continue  # installed copies, or a docs site's, an example's or a fixture's manifest
        before = manifest(read_text(ctx, ctx.base_sha, old_path(change)))
        after = manifest(read_text(ctx, ctx.head_sha, new_path(change)))
        if before is None or after is None:
            continue
        if before.get("private") is True and after.get("private") is True:
            continue  # never published: nobody installs it
        items.extend(runtime_evidence(before, after, change.path))
        for key, what in (("exports", "package export"), ("bin", "command")):
            old_keys, new_keys = entry_keys(before, key), entry_keys(after, key)
            for name in sorted(old_keys.keys() - new_keys.keys()):
                items.append(
                    evidence(
                        "javascript-api",
                        EvidenceKind.API_REMOVED,
                        Bump.MAJOR,
                        Strength.PROOF,
                        f"removed {what} {name!r} from package.json {key}",
                        path=change.path,
                    )
                )
            for name in sorted(new_keys.keys() - old_keys.keys()):
                if key == "exports" and name in _METADATA_ENTRIES:
                    continue  # the manifest itself, opened to tools that read it: no feature
                if old_keys or key == "bin":
                    items.append(
                        evidence(
                            "javascript-api",
                            EvidenceKind.API_ADDED,
                            Bump.MINOR,
                            Strength.STRONG,
                            f"new {what} {name!r} in package.json {key}",
                            path=change.path,
                        )
                    )
    return items
