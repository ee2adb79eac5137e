"""Public API changes of Python packages between base and head, found with griffe.

Only the modules whose files changed are read, each from git at base and at head, and parsed
statically with :func:`griffe.visit` (no import, no code run, no whole-package load), so the
cost follows the size of the change rather than the size of the project.

What is public, as Python users experience it:

* a module is public when no part of its dotted name starts with an underscore; tests, docs,
  examples and tooling are never shipped API;
* in a module, ``__all__`` decides when present; otherwise names without a leading underscore
  that the module defines; names it merely imports are not its API, except in a package's
  ``__init__`` where ``from .core import Thing`` *is* the package's API (``pkg.Thing``);
* objects of private modules count when the top-level package re-exports them (``httpx`` style
  ``_client.py`` + ``__init__``).

Breaking (major, proof): a public module, object or re-export removed; parameters removed,
renamed, made required, moved or changed kind; new required parameters (griffe's
:func:`~griffe.find_breaking_changes`, grouped per function). Griffe's value-based checks
(attribute value, parameter default, return annotation) are not breaking for users and are ignored.
Additions (minor, strong): new public modules, objects, class members and optional parameters.
A file that does not parse gives weak evidence instead of a crash.
"""

from __future__ import annotations

import ast
import contextlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import griffe

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    changed_files,
    evidence,
    new_path,
    old_path,
    read_texts,
)
from release_tools.analysis.models import Bump, ChangeKind, Evidence, FileChange, Strength

__all__ = ["MAX_PARSE_BYTES", "ModuleSource", "compare_modules", "gather", "module_name"]

log = logging.getLogger(__name__)

#: Characters of Python source (base and head together) parsed at most per range; beyond, a
#: weak note says the comparison was partial. About a second of parsing on a laptop.
MAX_PARSE_BYTES = 2_500_000
_BATCH = 64
_MAX_SIBLINGS = 4

# File stems that are scripts or project tooling, never importable library API.
_NOT_LIBRARY = frozenset(
    {"setup", "conftest", "noxfile", "fabfile", "manage", "tasks", "conf", "dodo", "__main__"}
)

_BREAKING_KINDS = {
    griffe.BreakageKind.PARAMETER_REMOVED: "parameter {old} removed",
    griffe.BreakageKind.PARAMETER_ADDED_REQUIRED: "required parameter {new} added",
    griffe.BreakageKind.PARAMETER_CHANGED_REQUIRED: "parameter {old} became required",
    griffe.BreakageKind.PARAMETER_MOVED: "parameter {old} moved",
    griffe.BreakageKind.PARAMETER_CHANGED_KIND: "parameter {old} changed kind",
}


def _init_files(files: Iterable[str]) -> set[str]:
    """Directories that hold an ``__init__.py`` / ``__init__.pyi`` (regular packages)."""
    out: set[str] = set()
    for path in files:
        name = path.rsplit("/", 1)[-1]
        if name in ("__init__.py", "__init__.pyi"):
            out.add(path.rsplit("/", 1)[0] if "/" in path else "")
    return out


def module_name(path: str, packages: set[str]) -> tuple[str, str] | None:
    """``(dotted name, top-level package dir)`` of a Python file, or None if not library code.

    ``packages`` holds the directories that contain an ``__init__.py``. The package chain is
    followed upward from the file's directory; a file outside any package is a top-level module.
    """
    pure = PurePosixPath(path)
    if pure.suffix not in (".py", ".pyi"):
        return None
    stem = pure.stem
    dirs = list(pure.parts[:-1])
    top = len(dirs)
    while top > 0 and "/".join(dirs[:top]) in packages:
        top -= 1
    components = dirs[top:]
    if not components:
        if stem in _NOT_LIBRARY or stem == "__init__" or not stem.isidentifier():
            return None
        return stem, "/".join(dirs)
    if not all(part.isidentifier() for part in components):
        return None
    if stem != "__init__":
        if not stem.isidentifier() or stem == "__main__":
            return None
        components = [*components, stem]
    return ".".join(components), "/".join(dirs[: top + 1])


def _is_public_module(dotted: str) -> bool:
    return not any(part.startswith("_") for part in dotted.split("."))


@dataclass(frozen=True, slots=True)
class ModuleSource:
    """One side of one module: where it lives and its code."""

    path: str
    code: str


@dataclass(slots=True)
class _Findings:
    items: list[Evidence] = field(default_factory=list)

    def add(
        self, bump: Bump, strength: Strength, message: str, path: str, line: int | None
    ) -> None:
        self.items.append(evidence("python-api", bump, strength, message, path=path, line=line))


class _Unreadable(Exception):
    """griffe could not read a module (syntax error, or a construct it trips on)."""

    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.line = line


def _visit(dotted: str, source: ModuleSource) -> griffe.Module:
    try:
        return griffe.visit(dotted, PurePosixPath(source.path), source.code)  # type: ignore[arg-type]
    except SyntaxError as exc:
        raise _Unreadable("does not parse", exc.lineno) from exc
    except Exception as exc:
        # griffe raises assorted errors on unusual but valid code; one module must not stop
        # the analysis of the others.
        raise _Unreadable(f"could not be analyzed ({type(exc).__name__})", None) from exc


def _lineno(obj: griffe.Object | griffe.Alias) -> int | None:
    if isinstance(obj, griffe.Alias):
        return obj.alias_lineno
    return obj.lineno


def _in_package(alias: griffe.Alias, top: str) -> bool:
    target = alias.target_path
    return target == top or target.startswith(top + ".")


def _public_names(
    module: griffe.Module, *, is_init: bool
) -> dict[str, griffe.Object | griffe.Alias]:
    """The module's public top-level members, by the rules in the module docstring."""
    top = module.path.split(".")[0]
    exports = module.exports
    out: dict[str, griffe.Object | griffe.Alias] = {}
    for name, member in module.members.items():
        if exports:
            if name in exports:
                out[name] = member
            continue
        if name.startswith("_"):
            continue
        if isinstance(member, griffe.Alias):
            # Re-exports define a package's API; other imports are implementation details.
            if is_init and _in_package(member, top):
                out[name] = member
            continue
        out[name] = member
    return out


def _kind(obj: griffe.Object | griffe.Alias) -> str:
    if isinstance(obj, griffe.Alias):
        return "name"
    return obj.kind.value


def _function_params(obj: griffe.Object | griffe.Alias) -> dict[str, griffe.Parameter]:
    if isinstance(obj, griffe.Function):
        return {p.name: p for p in obj.parameters}
    return {}


def _added_members(
    old: dict[str, griffe.Object | griffe.Alias],
    new: dict[str, griffe.Object | griffe.Alias],
    prefix: str,
    path: str,
    found: _Findings,
    *,
    declared: frozenset[str] = frozenset(),
    in_class: bool = False,
) -> None:
    """New public objects, new optional parameters, new public class members: minor.

    New variables count only when ``declared`` (listed in ``__all__``) or declared in a class
    body (a TypedDict key, a dataclass field): modules grow flags and constants, and instances
    grow internal state, in bug-fix releases all the time.
    """
    for name, member in new.items():
        before = old.get(name)
        qualified = f"{prefix}.{name}"
        if before is None:
            if name.startswith("__") and name.endswith("__"):
                continue  # __version__, __init__ ...: not new API in themselves
            undeclared = isinstance(member, griffe.Attribute) and name not in declared
            if undeclared and not (in_class and "class-attribute" in member.labels):
                continue
            found.add(
                Bump.MINOR,
                Strength.STRONG,
                f"new public {_kind(member)} {qualified}",
                path,
                _lineno(member),
            )
            continue
        if isinstance(member, griffe.Function) and isinstance(before, griffe.Function):
            old_params = _function_params(before)
            added = [
                p.name
                for p in member.parameters
                if p.name not in old_params and not p.required and not p.name.startswith("_")
            ]
            if added:
                found.add(
                    Bump.MINOR,
                    Strength.STRONG,
                    f"new optional parameter{'s' if len(added) > 1 else ''} "
                    f"{', '.join(added)} of {qualified}",
                    path,
                    member.lineno,
                )
        elif isinstance(member, griffe.Class) and isinstance(before, griffe.Class):
            _added_members(
                _class_public(before), _class_public(member), qualified, path, found, in_class=True
            )


def _class_public(cls: griffe.Class) -> dict[str, griffe.Object | griffe.Alias]:
    # __init__ and __call__ are compared for their parameters; other dunders are plumbing.
    return {
        name: member
        for name, member in cls.members.items()
        if not name.startswith("_") or name in ("__init__", "__call__")
    }


def _breakages(old: griffe.Module, new: griffe.Module) -> Iterator[tuple[griffe.Breakage, str]]:
    """Griffe's breakages with the top-level member name each concerns."""
    depth = len(old.path.split("."))
    try:
        found = list(griffe.find_breaking_changes(old, new))
    except Exception:  # griffe gives up on some odd constructs; keep the rest of the analysis
        log.debug("griffe could not compare %s", old.path, exc_info=True)
        return
    for breakage in found:
        obj_path = breakage.obj.path
        parts = obj_path.split(".")
        if len(parts) <= depth:
            continue
        yield breakage, parts[depth]


def _positional_only(param: object) -> bool:
    """Parameters callers cannot name: ``/``-marked, ``__x`` by the old convention, self/cls.

    Renaming them, or marking them ``/``, breaks nobody.
    """
    if not isinstance(param, griffe.Parameter):
        return False
    name = param.name
    return (
        param.kind is griffe.ParameterKind.positional_only
        or (name.startswith("__") and not name.endswith("__"))
        or name in ("self", "cls")
    )


def _signature_texts(breakages: list[griffe.Breakage]) -> list[str]:
    """One function's signature breakages as short texts, harmless ones dropped."""
    renamed_positional = any(
        b.kind is griffe.BreakageKind.PARAMETER_REMOVED and _positional_only(b.old_value)
        for b in breakages
    )
    texts: list[str] = []
    for breakage in breakages:
        kind, old, new = breakage.kind, breakage.old_value, breakage.new_value
        if kind in (
            griffe.BreakageKind.PARAMETER_REMOVED,
            griffe.BreakageKind.PARAMETER_CHANGED_KIND,
            griffe.BreakageKind.PARAMETER_MOVED,
        ) and _positional_only(old):
            continue
        if (
            kind is griffe.BreakageKind.PARAMETER_MOVED
            and isinstance(old, griffe.Parameter)
            and old.default is not None
        ):
            # An optional parameter shifted by a new optional one before it: callers pass
            # options by keyword in practice (griffe counts it; we do not).
            continue
        if (
            kind is griffe.BreakageKind.PARAMETER_ADDED_REQUIRED
            and renamed_positional
            and isinstance(new, griffe.Parameter)
            and new.kind is griffe.ParameterKind.positional_only
        ):
            continue
        text = _BREAKING_KINDS[kind].format(
            old=getattr(old, "name", ""), new=getattr(new, "name", "")
        )
        if text not in texts:
            texts.append(text)
    return texts


def _incidental_names(code: str) -> frozenset[str]:
    """Module-level names that are not API: loop and ``with`` targets, deleted names, and
    whatever an ``if __name__ == "__main__":`` block defines."""
    try:
        tree = ast.parse(code)
    except _Unreadable:
        return frozenset()
    names: set[str] = set()

    def bound(target: ast.AST) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                names.add(node.id)

    for node in tree.body:
        if isinstance(node, ast.For | ast.AsyncFor):
            bound(node.target)
        elif isinstance(node, ast.With | ast.AsyncWith):
            for item in node.items:
                if item.optional_vars is not None:
                    bound(item.optional_vars)
        elif isinstance(node, ast.Delete):
            for target in node.targets:
                bound(target)
        elif isinstance(node, ast.If) and "__main__" in ast.dump(node.test):
            for inner in ast.walk(node):
                if isinstance(inner, ast.Name) and isinstance(inner.ctx, ast.Store):
                    names.add(inner.id)
                elif isinstance(inner, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef):
                    names.add(inner.name)
    return frozenset(names)


def _still_served(name: str, module: griffe.Module, code: str) -> bool | None:
    """Whether a module-level ``__getattr__`` still serves ``name`` (a deprecation shim).

    True when it mentions the name, None when it exists but does not (it may still serve it),
    False when the module has no ``__getattr__``.
    """
    if not isinstance(module.members.get("__getattr__"), griffe.Function):
        return False
    if f'"{name}"' in code or f"'{name}'" in code:
        return True
    return None


def compare_modules(
    dotted: str,
    old: ModuleSource | None,
    new: ModuleSource | None,
    *,
    exposed: frozenset[str] = frozenset(),
) -> list[Evidence]:
    """Evidence for one module between base (``old``) and head (``new``).

    ``exposed`` holds the dotted paths (``pkg._impl.Client``, or ``pkg._impl.*`` for a
    wildcard import) that a public package re-exports from private modules.
    """
    found = _Findings()
    public_module = _is_public_module(dotted)
    if old is None and new is None:
        return []
    if old is not None and new is None:
        if public_module:
            found.add(Bump.MAJOR, Strength.PROOF, f"removed public module {dotted}", old.path, None)
        return found.items
    assert new is not None
    try:
        new_mod = _visit(dotted, new)
        old_mod = _visit(dotted, old) if old is not None else None
    except _Unreadable as exc:
        # Broken code cannot be compared; say so modestly instead of failing the analysis.
        found.add(
            Bump.PATCH,
            Strength.WEAK,
            f"{dotted} {exc}; its API was not compared",
            new.path,
            exc.line,
        )
        return found.items
    is_init = PurePosixPath(new.path).stem == "__init__"
    new_public = _public_names(new_mod, is_init=is_init)
    if old_mod is None:
        if public_module and any(not isinstance(m, griffe.Alias) for m in new_public.values()):
            found.add(Bump.MINOR, Strength.STRONG, f"new public module {dotted}", new.path, None)
        return found.items
    assert old is not None
    old_is_init = PurePosixPath(old.path).stem == "__init__"
    old_public = _public_names(old_mod, is_init=old_is_init)
    if old_public.keys() != new_public.keys():
        # Only names that come or go can be incidental ones; parse again only then.
        for name in _incidental_names(old.code) | _incidental_names(new.code):
            old_public.pop(name, None)
            new_public.pop(name, None)

    def visible(name: str) -> bool:
        if public_module:
            return True
        for target in exposed:
            module, _, last = target.rpartition(".")
            # Re-exported from this module, or from a package above it that imports it.
            if (last == name or last == "*") and (
                dotted == module or dotted.startswith(module + ".")
            ):
                return True
        return False

    # Removed public names, re-exports included (griffe skips imported names).
    for name, member in old_public.items():
        if name in new_mod.members or not visible(name):
            continue
        served = _still_served(name, new_mod, new.code)
        if served is True:
            continue  # moved behind a deprecation shim: still importable
        found.add(
            Bump.MAJOR,
            Strength.PROOF if served is False else Strength.STRONG,
            f"removed public {_kind(member)} {dotted}.{name}",
            old.path,
            _lineno(member),
        )

    grouped: dict[str, list[griffe.Breakage]] = {}
    for breakage, top_name in _breakages(old_mod, new_mod):
        if not visible(top_name) or top_name not in old_public:
            continue
        obj = breakage.obj
        if breakage.kind is griffe.BreakageKind.OBJECT_REMOVED:
            member_name = obj.path.rsplit(".", 1)[-1]
            if obj.path.count(".") == dotted.count(".") + 1:
                continue  # top-level removals are reported above
            if member_name.startswith("__") and member_name.endswith("__"):
                continue  # protocol methods come and go with refactorings (__init__ -> __new__)
            found.add(
                Bump.MAJOR,
                Strength.PROOF,
                f"removed public {_kind(obj)} {obj.path}",
                old.path,
                _lineno(obj),
            )
        elif breakage.kind is griffe.BreakageKind.CLASS_REMOVED_BASE:
            found.add(
                Bump.MAJOR, Strength.STRONG, f"{obj.path} lost a base class", new.path, _lineno(obj)
            )
        elif breakage.kind in _BREAKING_KINDS:
            grouped.setdefault(obj.path, []).append(breakage)
        # Kind changes (property <-> attribute, NamedTuple() <-> class), new defaults, values
        # and return annotations keep callers working: not breaking.
    for obj_path, breakages in grouped.items():
        texts = _signature_texts(breakages)
        if texts:
            found.add(
                Bump.MAJOR,
                Strength.PROOF,
                f"incompatible signature of {obj_path}: {'; '.join(texts)}",
                new.path,
                _lineno(breakages[0].obj),
            )

    declared = frozenset(e for e in (new_mod.exports or ()) if isinstance(e, str))
    if public_module:
        _added_members(old_public, new_public, dotted, new.path, found, declared=declared)
    elif exposed:
        _added_members(
            {k: v for k, v in old_public.items() if visible(k)},
            {k: v for k, v in new_public.items() if visible(k) and k in old_public},
            dotted,
            new.path,
            found,
            declared=declared,
        )
    return found.items


def _reexports(module: griffe.Module) -> set[str]:
    """Dotted targets a package ``__init__`` re-exports: ``pkg._impl.Client``, ``pkg._impl.*``."""
    out: set[str] = set()
    exports = module.exports
    for name, member in module.members.items():
        if not isinstance(member, griffe.Alias):
            continue
        if member.wildcard:
            out.add(f"{member.wildcard}.*")
        elif (name in exports) if exports else not name.startswith("_"):
            out.add(member.target_path)
    return out


def _exposure_files(top_dir: str, top: str, packages: set[str]) -> list[str]:
    """The ``__init__`` files that may re-export a private module of package ``top``.

    Its own top-level ``__init__``; for a private top-level package (``_griffe``), also the
    ``__init__`` of its public sibling packages (``griffe``).
    """
    inits = [f"{top_dir}/__init__.py" if top_dir else "__init__.py"]
    if top.startswith("_") and top_dir in packages:
        parent = top_dir.rsplit("/", 1)[0] if "/" in top_dir else ""
        for directory in sorted(packages):
            d_parent = directory.rsplit("/", 1)[0] if "/" in directory else ""
            name = directory.rsplit("/", 1)[-1]
            if d_parent == parent and directory != top_dir and not name.startswith("_"):
                inits.append(f"{directory}/__init__.py")
        if len(inits) > _MAX_SIBLINGS + 1:
            # A directory of many packages (a monorepo, a stdlib): no single public face.
            return inits[:1]
    return inits


def _exposed(ctx: AnalysisContext, inits: list[str], packages: set[str]) -> frozenset[str]:
    out: set[str] = set()
    wanted = [candidate for path in inits for candidate in (path, path + "i")]
    for ref in (ctx.base_sha, ctx.head_sha):
        for path, code in read_texts(ctx, ref, wanted).items():
            named = module_name(path, packages)
            if named is None:
                continue
            try:
                out |= _reexports(_visit(named[0], ModuleSource(path, code)))
            except _Unreadable:
                continue
    return frozenset(out)


# A changed line that may touch the API: a definition, an import, an assignment at module or
# class level, __all__, a decorator, or a line of a multi-line signature (ends with a comma).
_API_LINE = re.compile(
    r"^[+-](?:\s*(?:async\s+def|def|class|from|import|@)\s"
    r"|(?:\s{4})?[A-Za-z_][\w, ]*(?::[^=]*)?=|\s{0,4}[A-Za-z_]\w*\s*:"
    r"|.*__all__|\s+\*{0,2}[A-Za-z_]\w*\s*(?::[^=]+)?(?:=.+)?,\s*$|\s*\)\s*(?:->|:))"
)


def _may_change_api(change: FileChange) -> bool:
    """False when the diff's hunks only touch lines that cannot change a module's API.

    Most bug fixes edit function bodies; skipping those modules keeps big ranges fast. Without
    hunks (added, deleted, truncated or unparsed files) the module is always compared.
    """
    if change.kind is not ChangeKind.MODIFIED or change.truncated or not change.hunks:
        return True
    return any(
        _API_LINE.match(line) for hunk in change.hunks for line in hunk.lines if line[:1] in "+-"
    )


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """Python API evidence for the packages whose files changed in the range."""
    changes = [c for c in changed_files(ctx, (".py", ".pyi")) if _may_change_api(c)]
    if not changes:
        return []
    base_packages = _init_files(ctx.git.ls_files(ctx.base_sha))
    head_packages = _init_files(ctx.git.ls_files(ctx.head_sha))
    packages = base_packages | head_packages
    # In a src layout only what lives under src/ is shipped; packages beside it (test servers,
    # docs helpers, build scripts) are not the project's API.
    # Each side on its own: a project may move to a src layout in the very range analyzed.
    base_src = any("src" in d.split("/")[:-1] for d in base_packages)
    head_src = any("src" in d.split("/")[:-1] for d in head_packages)
    old_side: dict[str, str] = {}
    new_side: dict[str, str] = {}
    tops: dict[str, str] = {}
    for change in changes:
        for side, path, src_layout in (
            (old_side, old_path(change), base_src),
            (new_side, new_path(change), head_src),
        ):
            if path is None:
                continue
            named = module_name(path, packages)
            if named is None:
                continue
            dotted, top_dir = named
            if src_layout and "src" not in top_dir.split("/"):
                continue
            # A stub and its module share a name; the stub states the API when both exist.
            if dotted not in side or path.endswith(".pyi"):
                side[dotted] = path
            tops.setdefault(dotted.split(".")[0], top_dir)

    exposed_cache: dict[str, frozenset[str]] = {}

    def exposure(dotted: str) -> frozenset[str] | None:
        """Re-exports that make a private module matter; None when nothing re-exports it."""
        if _is_public_module(dotted):
            return frozenset()
        top = dotted.split(".")[0]
        if top not in exposed_cache:
            inits = _exposure_files(tops[top], top, packages)
            exposed_cache[top] = _exposed(ctx, inits, packages)
        targets = exposed_cache[top]
        for target in targets:
            module = target.rpartition(".")[0]
            if dotted == module or dotted.startswith(module + "."):
                return targets
        return None

    # Public modules first (package roots, then shallow ones), then re-exported private ones;
    # private modules nobody re-exports cannot change the API and are not read at all.
    candidates = sorted(old_side.keys() | new_side.keys(), key=lambda d: (d.count("."), d))
    names = [d for d in candidates if _is_public_module(d)]
    names += [d for d in candidates if not _is_public_module(d) and exposure(d) is not None]
    items: list[Evidence] = []
    budget = MAX_PARSE_BYTES
    compared = 0
    exhausted = False
    with _quiet_griffe():
        for start in range(0, len(names), _BATCH):
            batch = names[start : start + _BATCH]
            old_texts = read_texts(ctx, ctx.base_sha, [old_side[d] for d in batch if d in old_side])
            new_texts = read_texts(ctx, ctx.head_sha, [new_side[d] for d in batch if d in new_side])
            for dotted in batch:
                old = _source(old_side.get(dotted), old_texts)
                new = _source(new_side.get(dotted), new_texts)
                if old is None and new is None:
                    continue
                if old is not None and new is not None and old.code == new.code:
                    continue
                size = len(old.code if old else "") + len(new.code if new else "")
                if budget - size < 0 and compared:
                    exhausted = True
                    break
                budget -= size
                compared += 1
                exposed = exposure(dotted) or frozenset()
                items.extend(compare_modules(dotted, old, new, exposed=exposed))
            else:
                continue
            break
    if exhausted:
        log.info(
            "python API: compared %d of %d changed modules (size budget)", compared, len(names)
        )
        items.append(
            evidence(
                "python-api",
                Bump.PATCH,
                Strength.WEAK,
                f"{len(names)} Python modules changed; the API of {compared} was compared "
                "(the rest exceeds the analysis budget)",
            )
        )
    return items


@contextlib.contextmanager
def _quiet_griffe() -> Iterator[None]:
    """Keep griffe's own warnings (unresolvable annotations ...) out of the user's output."""
    logger = logging.getLogger("griffe")
    previous = logger.level
    logger.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        logger.setLevel(previous)


def _source(path: str | None, texts: dict[str, str]) -> ModuleSource | None:
    if path is None or path not in texts:
        return None
    return ModuleSource(path, texts[path])
