"""JavaScript / TypeScript public surface: exports of entry files and ``package.json`` entries.

A best-effort, regex-based reader (no JS parser is available offline in Python). It finds
``export function/class/const/let/var/interface/type/enum/namespace/default``,
``export { a, b as c }`` (with or without ``from``), ``export * as ns from``, ``module.exports =
{...}``, ``module.exports.x =`` and ``exports.x =``. Comments and strings are blanked first so that
commented-out code does not count.

What is public: when a ``package.json`` exists, the files it names (``main``, ``module``,
``types``/``typings``, ``browser``, every string under ``exports``, ``bin``) and the files they
re-export from (``export ... from './x'``, followed a few levels). Other modules are internal.
Without a ``package.json`` every changed module counts, with less trust.

Removed exports, removed ``exports``/``bin`` entries and functions that need more arguments than
before are breaking; new exports and entries are features.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._common import (
    changed_files,
    evidence,
    new_path,
    old_path,
    read_text,
)
from release_tools.analysis.models import Bump, Evidence, Strength

__all__ = [
    "Export",
    "entry_points",
    "gather",
    "node_minimum",
    "parse_exports",
    "required_params",
]

_SUFFIXES = (".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx")
_MAX_BYTES = 2_000_000
_FOLLOW_DEPTH = 3

_COMMENT_OR_STRING = re.compile(
    r"//[^\n]*|/\*.*?\*/|'(?:\\.|[^'\\\n])*'|\"(?:\\.|[^\"\\\n])*\"|`(?:\\.|[^`\\])*`",
    re.DOTALL,
)
_DECL = re.compile(
    r"^[ \t]*export[ \t]+(?:declare[ \t]+)?(?P<default>default[ \t]+)?"
    r"(?:abstract[ \t]+)?(?:async[ \t]+)?"
    r"(?P<kind>function\*?|class|const|let|var|interface|type|enum|namespace|module)"
    r"[ \t]*(?P<name>[A-Za-z_$][\w$]*)?",
    re.MULTILINE,
)
_DEFAULT_EXPR = re.compile(
    r"^[ \t]*export[ \t]+default[ \t]+(?!function|class|abstract|async)", re.M
)
_BRACES = re.compile(r"^[ \t]*export[ \t]+(?:type[ \t]+)?\{(?P<names>[^}]*)\}", re.MULTILINE)
_STAR_AS = re.compile(r"^[ \t]*export[ \t]+\*[ \t]+as[ \t]+(?P<name>[\w$]+)", re.MULTILINE)
_FROM = re.compile(
    r"^[ \t]*export[ \t]+(?:type[ \t]+)?(?:\*|\*[ \t]+as[ \t]+[\w$]+|\{[^}]*\})[ \t]*from[ \t]*"
    r"(?P<q>['\"])(?P<spec>[^'\"]+)(?P=q)",
    re.MULTILINE,
)
_MODULE_EXPORTS_OBJ = re.compile(r"module\.exports[ \t]*=[ \t]*\{")
_MODULE_EXPORTS_ANY = re.compile(r"module\.exports[ \t]*=(?![ \t]*\{)(?!=)")
_EXPORTS_DOT = re.compile(r"(?:module\.)?exports\.(?P<name>[A-Za-z_$][\w$]*)[ \t]*=(?!=)")
_EXPORT_ASSIGN = re.compile(r"^[ \t]*export[ \t]*=[ \t]*[\w$]", re.MULTILINE)
_CLASS = re.compile(
    r"\b(?P<kind>class|interface|namespace|module)[ \t]+(?P<name>[A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
_NS_MEMBER = re.compile(
    r"^[ \t]*(?:export[ \t]+)?(?:declare[ \t]+)?(?:abstract[ \t]+)?"
    r"(?P<kind>type|interface|class|function|const|let|var|enum|namespace)[ \t]+"
    r"(?P<name>[A-Za-z_$][\w$]*)",
    re.MULTILINE,
)
_MEMBER = re.compile(
    r"^\s*(?P<mods>(?:(?:public|protected|private|static|readonly|async|abstract|declare|"
    r"override|get|set|accessor)\s+)*)\*?(?P<name>#?[A-Za-z_$][\w$]*)\s*[?!]?\s*"
    r"(?P<tail>[(:<=]|$)"
)
_NOT_MEMBERS = frozenset({"constructor", "return", "if", "for", "while", "const", "let", "var"})
_ARROW = re.compile(
    r"^[ \t]*export[ \t]+(?:const|let|var)[ \t]+(?P<name>[\w$]+)[ \t]*(?::[^=]+)?=[ \t]*"
    r"(?:async[ \t]+)?(?:function[ \t]*\*?[ \t]*[\w$]*[ \t]*)?\(",
    re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class Export:
    """One exported name, its line, and for functions the count of required parameters."""

    name: str
    kind: str
    line: int
    required: int | None = None


def _blank(code: str) -> str:
    """Replace comments and string contents by spaces, keeping offsets and line numbers.

    String delimiters stay so that ``from './x'`` can still be read from the original text.
    """

    def repl(match: re.Match[str]) -> str:
        text = match.group(0)
        if text[0] in "'\"`":
            return text[0] + re.sub(r"[^\n]", " ", text[1:-1]) + text[-1]
        return re.sub(r"[^\n]", " ", text)

    return _COMMENT_OR_STRING.sub(repl, code)


def _balanced(code: str, open_at: int, brackets: str = "([{<") -> str | None:
    """The text between the bracket at ``open_at`` and its match (``None`` if unbalanced)."""
    closers = {"(": ")", "[": "]", "{": "}", "<": ">"}
    openers = set(brackets)
    ends = {closers[b] for b in brackets}
    depth = 0
    for index in range(open_at, len(code)):
        char = code[index]
        if char in openers:
            depth += 1
        elif char in ends and not (char == ">" and code[index - 1] == "="):
            depth -= 1
            if depth == 0:
                return code[open_at + 1 : index]
    return None


def _split_top(text: str) -> list[str]:
    """Split at commas that are not nested in brackets."""
    parts: list[str] = []
    depth, start = 0, 0
    for index, char in enumerate(text):
        if char in "([{<":
            depth += 1
        elif char in ")]}" or (char == ">" and text[index - 1 : index] != "="):
            depth = max(0, depth - 1)
        elif char == "," and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [p.strip() for p in parts if p.strip()]


def _has_default(part: str) -> bool:
    depth = 0
    for index, char in enumerate(part):
        if char in "([{<":
            depth += 1
        elif char in ")]}" or (char == ">" and part[index - 1 : index] != "="):
            depth = max(0, depth - 1)
        elif char == "=" and depth == 0:
            after = part[index + 1 : index + 2]
            before = part[index - 1 : index]
            if after not in (">", "=") and before not in ("=", "!", "<", ">"):
                return True
    return False


def required_params(params: str) -> int:
    """How many parameters of a JS/TS parameter list a caller must pass."""
    count = 0
    for part in _split_top(params):
        if part.startswith("...") or part == "this" or part.startswith("this:"):
            continue
        if re.match(r"^[\w$]+\s*\?", part) or _has_default(part):
            continue
        count += 1
    return count


def _depth_zero(body: str) -> str:
    """``body`` with everything nested in brackets blanked (the brackets themselves stay)."""
    out = []
    depth = 0
    for char in body:
        if char in "([{":
            out.append(char if depth == 0 else " ")
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
            out.append(char if depth == 0 else " ")
        else:
            out.append(char if depth == 0 or char == "\n" else " ")
    return "".join(out)


def _members(blank: str, body_start: int, body: str) -> list[tuple[str, int, int | None]]:
    """Public members of a class or interface body: ``(name, offset, required params)``."""
    flat = _depth_zero(body)
    found: list[tuple[str, int, int | None]] = []
    offset = 0
    for line in flat.split("\n"):
        for statement in re.finditer(r"[^;]+", line):
            match = _MEMBER.match(statement.group(0))
            if match and "private" not in (match["mods"] or "").split():
                name = match["name"]
                if not name.startswith(("_", "#")) and name not in _NOT_MEMBERS:
                    at = body_start + offset + statement.start() + match.start("name")
                    required = None
                    if match["tail"] == "(" or (match["tail"] == "<" and "(" in statement.group(0)):
                        paren = blank.find("(", at)
                        params = _balanced(blank, paren, "([{") if paren != -1 else None
                        required = required_params(params) if params is not None else None
                    found.append((name, at, required))
        offset += len(line) + 1
    return found


def _body_open(blank: str, position: int) -> int | None:
    """Where the ``{`` of a declaration's body is, skipping generics and heritage clauses.

    ``class C<K extends {}> extends Base<{ a: 1 }> {`` has braces before its body; only a brace
    outside angle brackets and parentheses opens it. None when the declaration has no body.
    """
    angle = paren = 0
    for index in range(position, min(len(blank), position + 4000)):
        char = blank[index]
        if char == "<":
            angle += 1
        elif char == ">" and blank[index - 1] != "=":
            angle = max(0, angle - 1)
        elif char == "(":
            paren += 1
        elif char == ")":
            paren = max(0, paren - 1)
        elif angle == 0 and paren == 0:
            if char == "{":
                return index
            if char in ";=":
                return None
    return None


def _container_members(
    blank: str,
    decl: re.Match[str],
    owner: str,
    out: dict[str, Export],
    line_of: Callable[[int], int],
    depth: int,
) -> None:
    """Add the members of the class, interface or namespace ``decl`` as ``owner.member``."""
    opening = _body_open(blank, decl.end())
    if opening is None or depth > 2:
        return
    body = _balanced(blank, opening, "([{")
    if body is None:
        return
    start = opening + 1
    if decl["kind"] in ("namespace", "module"):
        # Everything declared in a `declare namespace` is part of it.
        flat = _depth_zero(body)
        for inner in _NS_MEMBER.finditer(flat):
            key = f"{owner}.{inner['name']}"
            out.setdefault(key, Export(key, inner["kind"], line_of(start + inner.start("name"))))
        for nested in _CLASS.finditer(blank, start, start + len(body)):
            if f"{owner}.{nested['name']}" in out and flat[nested.start() - start] != " ":
                _container_members(
                    blank, nested, f"{owner}.{nested['name']}", out, line_of, depth + 1
                )
        return
    for member, offset, required in _members(blank, start, body):
        key = f"{owner}.{member}"
        previous = out.get(key)
        if previous is None:
            out[key] = Export(key, "member", line_of(offset), required)
        elif previous.required is not None and required is not None:
            # Overloads: the least demanding one is what callers can rely on.
            least = min(required, previous.required)
            out[key] = Export(key, "member", previous.line, least)


def parse_exports(code: str) -> dict[str, Export]:
    """The exported names of one JS/TS module; pure and tolerant of any input.

    Members of exported classes and interfaces are listed too, as ``Class.member``.
    """
    blank = _blank(code)
    out: dict[str, Export] = {}

    def line_of(offset: int) -> int:
        return blank.count("\n", 0, offset) + 1

    def add(name: str, kind: str, offset: int, required: int | None = None) -> None:
        out.setdefault(name, Export(name, kind, line_of(offset), required))

    for match in _DECL.finditer(blank):
        kind = match["kind"].rstrip("*")
        name = "default" if match["default"] else match["name"]
        if not name:
            continue
        required = None
        if kind == "function":
            paren = blank.find("(", match.end())
            params = _balanced(blank, paren, "([{") if paren != -1 else None
            required = required_params(params) if params is not None else None
        add(name, kind, match.start(), required)
    for match in _ARROW.finditer(blank):
        params = _balanced(blank, match.end() - 1, "([{")
        if params is not None:
            export = out.get(match["name"])
            if export is not None and export.required is None:
                out[match["name"]] = Export(
                    export.name, "function", export.line, required_params(params)
                )
    for match in _DEFAULT_EXPR.finditer(blank):
        add("default", "default", match.start())
    for match in _BRACES.finditer(blank):
        for item in match["names"].split(","):
            words = item.replace("type ", " ").split()
            if not words:
                continue
            name = words[-1] if len(words) >= 3 and words[-2] == "as" else words[0]
            if re.fullmatch(r"[\w$]+", name):
                add(name, "name", match.start())
    for match in _FROM.finditer(blank):
        if re.search(r"export[ \t]+\*[ \t]*from", blank[match.start() : match.start("q")]):
            spec = code[match.start("spec") : match.end("spec")]
            add(f"* from {spec}", "re-export", match.start())
    for match in _STAR_AS.finditer(blank):
        add(match["name"], "namespace", match.start())
    for match in _MODULE_EXPORTS_OBJ.finditer(blank):
        body = _balanced(blank, match.end() - 1, "([{") or ""
        for item in _split_top(body):
            key = re.match(r"(?:async\s+)?(?:get\s+|set\s+)?([A-Za-z_$][\w$]*)", item)
            if key:
                add(key.group(1), "name", match.start())
    for match in _MODULE_EXPORTS_ANY.finditer(blank):
        add("default", "default", match.start())
    for match in _EXPORTS_DOT.finditer(blank):
        add(match["name"], "name", match.start())
    for match in _EXPORT_ASSIGN.finditer(blank):
        add("default", "default", match.start())
    for cls in _CLASS.finditer(blank):
        if cls["name"] in out:
            _container_members(blank, cls, cls["name"], out, line_of, depth=0)
    return out


def _star_sources(code: str) -> list[str]:
    blank = _blank(code)
    specs: list[str] = []
    for match in _FROM.finditer(blank):
        # The blanked text kept the quotes; read the specifier from the original at that span.
        original = code[match.start("spec") : match.end("spec")]
        if original.startswith("."):
            specs.append(original)
    return specs


def _strings(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _manifest(text: str | None) -> dict[str, object] | None:
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def entry_points(manifest: dict[str, object], root: str) -> set[str]:
    """Repository paths of the files a ``package.json`` (in directory ``root``) exposes."""
    found: set[str] = set()
    for key in ("main", "module", "types", "typings", "browser", "exports", "bin"):
        for target in _strings(manifest.get(key)):
            if "*" in target:
                continue
            found.add(posixpath.normpath(posixpath.join(root, target)).lstrip("./") or ".")
    if not found:
        found.add(posixpath.join(root, "index.js").lstrip("./"))
    return found


def _entry_keys(manifest: dict[str, object], key: str) -> dict[str, str]:
    """The sub-path names of an ``exports`` map or the command names of ``bin``."""
    value = manifest.get(key)
    if isinstance(value, str):
        return {"." if key == "exports" else str(manifest.get("name", "")): value}
    if isinstance(value, dict):
        keys = {str(k): json.dumps(v, sort_keys=True) for k, v in value.items()}
        if key == "exports" and keys and not all(k.startswith(".") for k in keys):
            return {".": json.dumps(value, sort_keys=True)}  # conditions only: one entry
        return keys
    return {}


def _resolve(spec: str, importer: str, files: set[str]) -> str | None:
    base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
    stem = re.sub(r"\.(m|c)?js$", "", base)
    candidates = [base, *(stem + s for s in (*_SUFFIXES, ".d.ts"))]
    candidates += [posixpath.join(base, "index" + s) for s in (*_SUFFIXES, ".d.ts")]
    return next((c for c in candidates if c in files), None)


def _nearest_manifests(paths: Iterable[str], files: set[str]) -> set[str]:
    """The closest ``package.json`` above each path (the package the file belongs to)."""
    found: set[str] = set()
    for path in paths:
        directory = posixpath.dirname(path)
        while True:
            candidate = posixpath.join(directory, "package.json") if directory else "package.json"
            if candidate in files:
                found.add(candidate)
                break
            if not directory:
                break
            directory = posixpath.dirname(directory)
    return found


def _public_files(
    ctx: AnalysisContext, ref: str, files: set[str], manifests: set[str]
) -> dict[str, set[str]]:
    """Per package.json directory, the public module files at ``ref`` (entries + re-exports).

    Only the ``manifests`` of packages that have changed files are read: a monorepo may hold
    hundreds.
    """
    out: dict[str, set[str]] = {}
    for manifest_path in sorted(manifests):
        if "node_modules/" in manifest_path:
            continue
        manifest = _manifest(read_text(ctx, ref, manifest_path))
        if manifest is None:
            continue
        root = posixpath.dirname(manifest_path)
        public: set[str] = set()
        frontier = []
        for entry in entry_points(manifest, root):
            resolved = entry if entry in files else _resolve("./" + entry, "x", files)
            if resolved:
                frontier.append(resolved)
                # A .js entry's types often live beside it; both describe the API.
                types = re.sub(r"\.(m|c)?js$", ".d.ts", resolved)
                if types in files:
                    frontier.append(types)
        for _ in range(_FOLLOW_DEPTH + 1):
            next_frontier = []
            for path in frontier:
                if path in public:
                    continue
                public.add(path)
                code = read_text(ctx, ref, path)
                if code is None or len(code) > _MAX_BYTES:
                    continue
                for spec in _star_sources(code):
                    target = _resolve(spec, path, files)
                    if target and target not in public:
                        next_frontier.append(target)
            frontier = next_frontier
        out[root] = public
    return out


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


def _runtime_evidence(
    before: dict[str, object], after: dict[str, object], path: str
) -> list[Evidence]:
    """Breaking changes of how the package loads: ESM-only switch, raised Node.js minimum."""
    items: list[Evidence] = []
    offers_require = '"require"' in json.dumps(after.get("exports"))
    if before.get("type") != "module" and after.get("type") == "module" and not offers_require:
        items.append(
            evidence(
                "javascript-api",
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
                Bump.MAJOR,
                Strength.STRONG,
                f"requires Node.js {'.'.join(map(str, new_min))} or newer (was {was})",
                path=path,
            )
        )
    return items


def _manifest_evidence(ctx: AnalysisContext) -> list[Evidence]:
    items: list[Evidence] = []
    for change in ctx.changes:
        names = {change.path, change.old_path or change.path}
        if not any(n.rsplit("/", 1)[-1] == "package.json" for n in names):
            continue
        if "node_modules/" in change.path:
            continue
        before = _manifest(read_text(ctx, ctx.base_sha, old_path(change)))
        after = _manifest(read_text(ctx, ctx.head_sha, new_path(change)))
        if before is None or after is None:
            continue
        items.extend(_runtime_evidence(before, after, change.path))
        for key, what in (("exports", "package export"), ("bin", "command")):
            old_keys, new_keys = _entry_keys(before, key), _entry_keys(after, key)
            for name in sorted(old_keys.keys() - new_keys.keys()):
                items.append(
                    evidence(
                        "javascript-api",
                        Bump.MAJOR,
                        Strength.PROOF,
                        f"removed {what} {name!r} from package.json {key}",
                        path=change.path,
                    )
                )
            for name in sorted(new_keys.keys() - old_keys.keys()):
                if old_keys or key == "bin":
                    items.append(
                        evidence(
                            "javascript-api",
                            Bump.MINOR,
                            Strength.STRONG,
                            f"new {what} {name!r} in package.json {key}",
                            path=change.path,
                        )
                    )
    return items


def _compare(
    path_old: str | None,
    path_new: str | None,
    before: dict[str, Export],
    after: dict[str, Export],
    strength: Strength,
) -> list[Evidence]:
    items: list[Evidence] = []
    shown = path_new or path_old or ""
    for name in sorted(before.keys() - after.keys()):
        exp = before[name]
        items.append(
            evidence(
                "javascript-api",
                Bump.MAJOR,
                strength,
                f"removed export {name} ({exp.kind}) from {path_old}",
                path=path_old,
                line=exp.line,
            )
        )
    for name in sorted(after.keys() - before.keys()):
        exp = after[name]
        items.append(
            evidence(
                "javascript-api",
                Bump.MINOR,
                Strength.STRONG,
                f"new export {name} ({exp.kind}) in {shown}",
                path=path_new,
                line=exp.line,
            )
        )
    for name in sorted(before.keys() & after.keys()):
        old_req, new_req = before[name].required, after[name].required
        if old_req is not None and new_req is not None and new_req > old_req:
            items.append(
                evidence(
                    "javascript-api",
                    Bump.MAJOR,
                    strength,
                    f"function {name} now needs {new_req} arguments instead of {old_req}",
                    path=path_new,
                    line=after[name].line,
                )
            )
    return items


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """JS/TS export and package.json entry evidence for the range."""
    items = _manifest_evidence(ctx)
    changes = changed_files(ctx, (*_SUFFIXES, ".d.ts"), include_excluded=True)
    if not changes:
        return items
    base_files = set(ctx.git.ls_files(ctx.base_sha))
    head_files = set(ctx.git.ls_files(ctx.head_sha))
    has_manifest = any(f.endswith("package.json") for f in base_files | head_files)
    public: set[str] = set()
    if has_manifest:
        touched = [p for c in changes for p in (old_path(c), new_path(c)) if p]
        for files, ref in ((base_files, ctx.base_sha), (head_files, ctx.head_sha)):
            manifests = _nearest_manifests(touched, files)
            for paths in _public_files(ctx, ref, files, manifests).values():
                public |= paths
    for change in changes:
        before_path, after_path = old_path(change), new_path(change)
        if has_manifest:
            if not ({before_path, after_path} & public):
                continue
            strength = Strength.PROOF
        else:
            if change.excluded:
                continue
            strength = Strength.STRONG
        before_code = read_text(ctx, ctx.base_sha, before_path) or ""
        after_code = read_text(ctx, ctx.head_sha, after_path) or ""
        if len(before_code) > _MAX_BYTES or len(after_code) > _MAX_BYTES:
            continue
        items.extend(
            _compare(
                before_path,
                after_path,
                parse_exports(before_code),
                parse_exports(after_code),
                strength,
            )
        )
    return items
