"""Go public surface: exported (capitalised) identifiers of importable packages.

A package is a directory; identifiers move freely between its files, so each changed package is
compared as a whole (all its non-test ``.go`` files at base and at head). Packages under
``internal/``, ``testdata/``, ``vendor/`` and ``package main`` programs are not importable API.

Removed exported functions, methods, types, variables and constants are breaking, and so is a
changed function signature (parameter or result types; names do not matter to callers). New
exported identifiers are features.

Each side's package files are read in one ``git cat-file --batch``, and the evidence is bounded
as it is found (a generated package can export tens of thousands of names; see
:class:`~release_tools.analysis.evidence._common.BoundedEvidence`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    MAX_PER_SOURCE,
    BoundedEvidence,
    changed_files,
    evidence,
    read_texts,
)
from release_tools.analysis.models import Bump, Evidence, EvidenceKind, Strength

__all__ = ["GoIdent", "gather", "parse_go", "signature_key"]

_SKIP_DIRS = frozenset({"internal", "testdata", "vendor", "examples", "example", "cmd"})
_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|\"(?:\\.|[^\"\\\n])*\"|`[^`]*`|'(?:\\.|[^'\\\n])+'", re.DOTALL
)
_PACKAGE = re.compile(r"^package[ \t]+(\w+)", re.MULTILINE)
_FUNC = re.compile(
    r"^func[ \t]*(?:\((?P<recv>[^)]*)\)[ \t]*)?(?P<name>[A-Za-z_]\w*)[ \t]*(?:\[[^\]]*\])?[ \t]*\(",
    re.MULTILINE,
)
_DECL = re.compile(r"^(?P<kw>type|var|const)[ \t]+(?P<rest>.*)$", re.MULTILINE)
_IDENT = re.compile(r"[A-Za-z_]\w*")


@dataclass(frozen=True, slots=True)
class GoIdent:
    """One exported identifier: ``Name`` or ``Type.Method``, its kind, file, line, signature."""

    name: str
    kind: str
    path: str
    line: int
    signature: str | None = None


def _blank(code: str) -> str:
    return _COMMENT_OR_STRING.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), code)


def _balanced(text: str, start: int) -> tuple[str, int] | None:
    """Text inside the bracket at ``start`` and the index after its match."""
    pairs = {"(": ")", "[": "]", "{": "}"}
    opener = text[start]
    closer = pairs[opener]
    depth = 0
    for index in range(start, len(text)):
        if text[index] == opener:
            depth += 1
        elif text[index] == closer:
            depth -= 1
            if depth == 0:
                return text[start + 1 : index], index + 1
    return None


def _split(text: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [" ".join(p.split()) for p in parts if p.strip()]


def signature_key(params: str) -> str:
    """The types of a Go parameter list without names: ``a, b int`` -> ``int,int``."""
    parts = _split(params)
    named = any(len(p.split(" ", 1)) == 2 and _IDENT.fullmatch(p.split(" ", 1)[0]) for p in parts)
    if not named:
        return ",".join(parts)
    types: list[str] = []
    pending = 0
    for part in parts:
        pieces = part.split(" ", 1)
        if len(pieces) == 1:
            pending += 1  # a name sharing the next type
            continue
        types.extend([pieces[1]] * (pending + 1))
        pending = 0
    return ",".join(types)


def _results(text: str, start: int) -> tuple[str, int]:
    """The result list after a parameter list, normalised, and where the body begins."""
    rest = text[start:]
    stripped = rest.lstrip(" \t")
    offset = start + len(rest) - len(stripped)
    if stripped.startswith("("):
        found = _balanced(text, offset)
        if found:
            return "(" + signature_key(found[0]) + ")", found[1]
    match = re.match(r"[^{\n]*", stripped)
    return " ".join((match.group(0) if match else "").split()), offset


def parse_go(code: str, path: str) -> tuple[str | None, dict[str, GoIdent]]:
    """The package name and the exported identifiers of one Go file; pure."""
    blank = _blank(code)
    package = _PACKAGE.search(blank)
    out: dict[str, GoIdent] = {}

    def line_of(offset: int) -> int:
        return blank.count("\n", 0, offset) + 1

    for match in _FUNC.finditer(blank):
        name = match["name"]
        if not name[0].isupper():
            continue
        recv_type = None
        if match["recv"] is not None:
            words = _IDENT.findall(match["recv"])
            recv_type = words[-1] if words else None
            if not recv_type or not recv_type[0].isupper():
                continue
        found = _balanced(blank, match.end() - 1)
        if found is None:
            continue
        params, after = found
        results, _ = _results(blank, after)
        key = f"{recv_type}.{name}" if recv_type else name
        signature = f"({signature_key(params)}) {results}".strip()
        out[key] = GoIdent(
            key, "method" if recv_type else "func", path, line_of(match.start()), signature
        )

    for match in _DECL.finditer(blank):
        kind, rest = match["kw"], match["rest"].strip()
        if rest.startswith("("):
            found = _balanced(blank, match.start("rest") + match["rest"].index("("))
            if found is None:
                continue
            body, _ = found
            base = match.start("rest") + match["rest"].index("(") + 1
            depth = 0
            for line in body.split("\n"):
                if depth == 0:
                    name_match = _IDENT.match(line.strip())
                    if name_match and name_match.group(0)[0].isupper():
                        name = name_match.group(0)
                        out.setdefault(name, GoIdent(name, kind, path, line_of(base)))
                depth += line.count("{") + line.count("(") - line.count("}") - line.count(")")
                base += len(line) + 1
            continue
        names = re.match(r"([A-Za-z_]\w*(?:[ \t]*,[ \t]*[A-Za-z_]\w*)*)", rest)
        if not names:
            continue
        for name in (n.strip() for n in names.group(1).split(",")):
            if name and name[0].isupper():
                out.setdefault(name, GoIdent(name, kind, path, line_of(match.start())))
    return (package.group(1) if package else None), out


def _importable(directory: str) -> bool:
    return not any(
        part in _SKIP_DIRS or part.startswith((".", "_")) for part in directory.split("/")
    )


def _package_files(directories: list[str], files: list[str]) -> dict[str, list[str]]:
    """The non-test ``.go`` files of each of ``directories`` among ``files``."""
    wanted: dict[str, list[str]] = {directory: [] for directory in directories}
    for path in files:
        if not path.endswith(".go") or path.endswith("_test.go"):
            continue
        package = wanted.get(posixpath.dirname(path))
        if package is not None:
            package.append(path)
    return wanted


def _package_api(files: list[str], texts: dict[str, str]) -> dict[str, GoIdent] | None:
    """The exported identifiers of one package's ``files``; None for a ``main`` package."""
    api: dict[str, GoIdent] = {}
    seen_package = False
    for path in files:
        code = texts.get(path)
        if code is None:
            continue
        package, idents = parse_go(code, path)
        if package == "main":
            return None
        seen_package = seen_package or package is not None
        for key, ident in idents.items():
            api.setdefault(key, ident)
    return api if seen_package else {}


def _compare(
    out: BoundedEvidence, before: dict[str, GoIdent], after: dict[str, GoIdent], shown: str
) -> None:
    """Add the findings between one package's two versions to ``out``."""
    out.keep_all(
        EvidenceKind.API_REMOVED,
        Bump.MAJOR,
        Strength.PROOF,
        sorted(before.keys() - after.keys()),
        lambda key: (
            f"removed exported {before[key].kind} {key} from package {shown}",
            before[key].path,
            before[key].line,
        ),
    )
    out.keep_all(
        EvidenceKind.API_ADDED,
        Bump.MINOR,
        Strength.STRONG,
        sorted(after.keys() - before.keys()),
        lambda key: (
            f"new exported {after[key].kind} {key} in package {shown}",
            after[key].path,
            after[key].line,
        ),
    )
    for key in sorted(before.keys() & after.keys()):
        old, new = before[key], after[key]
        if old.signature is None or new.signature is None or old.signature == new.signature:
            continue
        if out.admit(Bump.MAJOR, Strength.PROOF):
            out.keep(
                evidence(
                    "go-api",
                    EvidenceKind.API_CHANGED,
                    Bump.MAJOR,
                    Strength.PROOF,
                    f"signature of {key} changed: func{old.signature} -> func{new.signature}",
                    path=new.path,
                    line=new.line,
                )
            )


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Go exported-identifier evidence for the packages whose files changed."""
    # Imported here: the package imports this module, and the cap is the package's.

    changes = changed_files(ctx, (".go",))
    directories = sorted(
        {
            posixpath.dirname(p)
            for c in changes
            for p in {c.path, c.old_path or c.path}
            if p.endswith(".go") and _importable(posixpath.dirname(p))
        }
    )
    if not directories:
        return []
    # The root package's directory is "", which git refuses as a pathspec: "." lists the root.
    pathspecs = [directory or "." for directory in directories]
    base_files = _package_files(directories, ctx.git.ls_files(ctx.base_sha, pathspecs))
    head_files = _package_files(directories, ctx.git.ls_files(ctx.head_sha, pathspecs))
    base_texts = read_texts(ctx, ctx.base_sha, [p for f in base_files.values() for p in f])
    head_texts = read_texts(ctx, ctx.head_sha, [p for f in head_files.values() for p in f])
    out = BoundedEvidence("go-api", MAX_PER_SOURCE)
    for directory in directories:
        before = _package_api(base_files[directory], base_texts)
        after = _package_api(head_files[directory], head_texts)
        if before is None or after is None:
            continue
        _compare(out, before, after, directory or ".")
    return out.items()
