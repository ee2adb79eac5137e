"""Go modules: the ``module`` line of ``go.mod``, the ``use`` lines of ``go.work``, and Go's
rules tying a module's path, directory and release tags together.

A Go module keeps no version in its ``go.mod``: its releases are tags. A module at the
repository root is released as ``v1.2.3``; a module in a subdirectory as ``<dir>/v1.2.3``
(``tools/v0.2.0``), where ``<dir>`` leaves out a trailing major-version directory (the module
``example.com/m/v2`` kept in ``v2/`` is tagged ``v2.0.0``), because that is the only spelling
the ``go`` command and the module proxies look for.

From v2 on, the major version is part of the import path: ``example.com/m/v2`` (or
``gopkg.in/yaml.v3`` for gopkg.in paths, which carry it at every major). A release whose major
does not match its module's path cannot be fetched by ``go get``, so :func:`major_problem`
says what to change before such a release is made.

Both files share one syntax: directives of words or Go string literals (``"..."`` with Go's
escapes, `` `...` `` raw), either on one line or in a ``keyword ( ... )`` block, with ``//``
comments. A byte order mark is no space to Go: it would read ``\ufeffmodule`` as an unknown
directive, so such a file is refused by name rather than read as declaring no module.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from release_tools.errors import VersionError
from release_tools.versioning.semver import Version

__all__ = [
    "first_major",
    "major_directory",
    "major_problem",
    "module_path",
    "path_major",
    "read_module_path",
    "tag_prefix",
    "tag_template",
    "workspace_uses",
]

# One token: an interpreted string, a raw string, a parenthesis or a bare word. A bare word
# stops before "//" so that "example.com/m// note" is the path and a comment.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|[()]|(?:[^\s"`()/]|/(?!/))+|//.*')
# "/vN" with N >= 2 and no leading zero: Go's major-version suffix (/v0 and /v1 are none).
_MAJOR_SUFFIX = re.compile(r"/v([2-9]|[1-9][0-9]+)$")
# gopkg.in paths carry the major at every version: gopkg.in/yaml.v3, gopkg.in/user/pkg.v0.
_GOPKG_SUFFIX = re.compile(r"^gopkg\.in/.+\.v(0|[1-9][0-9]*)(?:-unstable)?$")
# One escape of an interpreted string, as Go's strconv.Unquote reads them.
_ESCAPE = re.compile(
    r"\\(?:(?P<simple>[abfnrtv\\\"])|x(?P<hex>[0-9A-Fa-f]{2})|(?P<octal>[0-7]{3})"
    r"|u(?P<u4>[0-9A-Fa-f]{4})|U(?P<u8>[0-9A-Fa-f]{8}))"
)
_SIMPLE = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92, '"': 34}


def _unquote(token: str, source: str, number: int) -> str:
    """The value of the interpreted string ``token`` (quotes included), escapes as Go has them:
    ``\\x`` and octal escapes give bytes, ``\\u``/``\\U`` code points."""
    out = bytearray()
    body = token[1:-1]
    position = 0
    while position < len(body):
        backslash = body.find("\\", position)
        if backslash < 0:
            out += body[position:].encode("utf-8")
            break
        out += body[position:backslash].encode("utf-8")
        match = _ESCAPE.match(body, backslash)
        if match is None:
            escape = body[backslash : backslash + 2]
            raise VersionError(f"{source}:{number}: bad string {token}: unknown escape {escape}")
        if match["simple"]:
            out.append(_SIMPLE[match["simple"]])
        elif match["hex"]:
            out.append(int(match["hex"], 16))
        elif match["octal"]:
            value = int(match["octal"], 8)
            if value > 255:
                raise VersionError(f"{source}:{number}: bad string {token}: octal escape > 255")
            out.append(value)
        else:
            code = int(match["u4"] or match["u8"], 16)
            if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
                raise VersionError(f"{source}:{number}: bad string {token}: not a code point")
            out += chr(code).encode("utf-8")
        position = match.end()
    try:
        return out.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise VersionError(f"{source}:{number}: bad string {token}: not UTF-8") from exc


def _tokens(line: str, source: str, number: int) -> list[str]:
    """The words of one line, string literals unquoted, the comment dropped."""
    words: list[str] = []
    position = 0
    for match in _TOKEN.finditer(line):
        if line[position : match.start()].strip():
            raise VersionError(f"{source}:{number}: cannot read {line.strip()!r}")
        position = match.end()
        token = match.group()
        if token.startswith("//"):
            break
        if token.startswith("`"):
            words.append(token[1:-1])
        elif token.startswith('"'):
            words.append(_unquote(token, source, number))
        else:
            words.append(token)
    else:
        if line[position:].strip():
            raise VersionError(f"{source}:{number}: cannot read {line.strip()!r}")
    return words


def _directives(text: str, keyword: str, source: str) -> list[list[str]]:
    """The arguments of every ``keyword`` directive, single-line or in a block."""
    if text.startswith("\ufeff"):
        raise VersionError(
            f"{source}: starts with a byte order mark (U+FEFF), which the go command refuses; "
            "save it as UTF-8 without one"
        )
    found: list[list[str]] = []
    block: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        words = _tokens(line, source, number)
        if not words:
            continue
        if block is not None:
            if words == [")"]:
                block = None
            elif block == keyword:
                found.append(words)
            continue
        if words[1:2] == ["("]:
            if len(words) == 2:
                block = words[0]
            elif words[-1] == ")" and words[0] == keyword:
                # "use ( ./a )" on one line: not what gofmt writes, but unambiguous.
                found.append(words[2:-1])
            continue
        if words[0] == keyword:
            found.append(words[1:])
    if block is not None:
        raise VersionError(f"{source}: the {block} block is not closed with ')'")
    return found


def module_path(text: str, *, source: str = "go.mod") -> str | None:
    """The module path a ``go.mod`` declares, or None when it declares none."""
    for words in _directives(text, "module", source):
        if len(words) == 1 and words[0]:
            return words[0]
        raise VersionError(f"{source}: expected one module path, got {' '.join(words)!r}")
    return None


def read_module_path(path: Path, *, source: str) -> str | None:
    """:func:`module_path` of the file at ``path`` (``source`` names it in errors)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise VersionError(f"{source}: not UTF-8 text") from exc
    except OSError as exc:
        raise VersionError(f"{source}: cannot be read: {exc.strerror}") from exc
    return module_path(text, source=source)


def workspace_uses(text: str, *, source: str = "go.work") -> list[str]:
    """The module directories a ``go.work`` lists in its ``use`` directives, as written."""
    uses: list[str] = []
    for words in _directives(text, "use", source):
        if len(words) != 1:
            raise VersionError(f"{source}: expected one directory per use, got {words!r}")
        uses.append(words[0])
    return uses


def path_major(module: str) -> int | None:
    """The major version a module path names (``/v3``, ``.v3`` on gopkg.in), or None when
    it names none (a v0 or v1 module)."""
    match = _GOPKG_SUFFIX.match(module) or _MAJOR_SUFFIX.search(module)
    return int(match.group(1)) if match else None


def first_major(module: str) -> int | None:
    """The major of a never-released module's first version: the one its path names when 2
    or more (``example.com/m/v3`` starts at 3.0.0), else None (it starts as any project)."""
    major = path_major(module)
    return major if major is not None and major >= 2 else None


def _base(module: str) -> str:
    """``module`` without its major-version suffix."""
    gopkg = _GOPKG_SUFFIX.match(module)
    if gopkg:
        return module[: gopkg.start(1) - 2]
    return _MAJOR_SUFFIX.sub("", module)


def _path_for(module: str, major: int) -> str:
    """The path ``module`` must have to release major version ``major``."""
    base = _base(module)
    if _GOPKG_SUFFIX.match(module):
        return f"{base}.v{major}"
    return f"{base}/v{major}" if major >= 2 else base


def major_problem(
    module: str, version: str, manifest: str, *, directory: str | None = None
) -> str | None:
    """Why ``module`` cannot be released as ``version`` (its path names another major), in
    one line saying what to change; None when Go accepts the pair.

    ``directory`` is where the module lives (repository-relative): a module kept in its major's
    own directory (``v2/`` holding ``example.com/m/v2``) exists only for that major, so the
    advice is never to give it another line's path (that path is the parent module's).
    """
    major = Version.parse(version).major
    named = path_major(module)
    if _GOPKG_SUFFIX.match(module):
        if named == major:
            return None
    elif named == major or (named is None and major <= 1):
        return None
    wanted = _path_for(module, major)
    head = f"cannot release Go module {module} as {version}"
    own = major_directory(directory, module) if directory is not None else None
    if own is not None:
        parent = str(PurePosixPath(directory or ".").parent)
        where = "" if parent == "." else f"{parent}/"
        if major > own:
            return (
                f"{head}: the module in {where}v{own}/ is major version {own} only; major "
                f"version {major} is a new module: a {where}v{major}/ directory whose go.mod "
                f'says "module {wanted}"'
            )
        return (
            f"{head}: the module in {where}v{own}/ is major version {own} only "
            f"(its releases are {own}.x.y, tagged {tag_prefix(directory or '', module)}"
            f"v{own}.x.y); release {own}.0.0 or later"
        )
    if named is None or named < major:
        return (
            f"{head}: Go imports major version {major} "
            f"only from a path ending in {wanted[len(_base(module)) :]}; change the module line "
            f'of {manifest} to "module {wanted}" (and the imports of its packages, and the plans '
            "naming it)"
        )
    return (
        f"{head}: its path is the one of major version "
        f"{named}; release {named}.0.0 or later (a major plan), or change the module line of "
        f'{manifest} to "module {wanted}"'
    )


def major_directory(directory: str, module: str) -> int | None:
    """The major N when ``directory`` is the module's major-version directory (``v2`` or
    ``sub/v2`` holding a path ending in ``/v2``), else None.

    Such a module is a sibling of the one in the parent directory, not its next release: its
    tags share the parent's prefix, but only those of major N are its own.
    """
    parts = PurePosixPath(directory).parts if directory not in ("", ".") else ()
    major = path_major(module)
    gopkg = _GOPKG_SUFFIX.match(module) is not None
    if parts and major is not None and not gopkg and parts[-1] == f"v{major}":
        return major
    return None


def tag_prefix(directory: str, module: str) -> str:
    """What comes before ``v1.2.3`` in the tags of the module in ``directory`` (relative to
    the repository root): ``""`` at the root, ``"tools/"`` in ``tools``, and no trailing
    major directory (``sub/v2`` holding ``example.com/m/sub/v2`` gives ``"sub/"``)."""
    parts = list(PurePosixPath(directory).parts) if directory not in ("", ".") else []
    if major_directory(directory, module) is not None:
        parts.pop()
    return "".join(f"{part}/" for part in parts)


def tag_template(directory: str, module: str) -> str:
    """The tag template (``{version}`` placeholder) of the module in ``directory``."""
    prefix = tag_prefix(directory, module).replace("{", "{{").replace("}", "}}")
    return prefix + "v{version}"
