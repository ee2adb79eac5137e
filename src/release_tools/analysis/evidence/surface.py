"""Cheap extra public surfaces: command-line options and JSON Schema files.

CLI options: the ``--long`` option strings and sub-command names declared in the changed source
files through argparse (``add_argument``, ``add_parser``, or ``addArgument`` and ``addParser``
in its JavaScript port), click (``@click.option``,
``@group.command("name")``), typer (``typer.Option(..., "--x")``), commander/yargs
(``.option("--x")``, ``.command("name")``), clap in Rust (``.long("x")``, ``#[arg(long)]`` on a
field, ``Command::new("name")``) or Go's flag package and pflag/cobra (``Flags().StringP("x",
...)``). They are compared over all changed files together,
so an option that moved between files is not reported. Scripts that users run break when an
option disappears (major); a new option is a feature (minor).

JSON Schema files (a ``$schema`` key, or an object schema with ``properties``): removed
properties, newly required properties, changed property types and closing
``additionalProperties`` break documents or producers (major); new optional properties are
features (minor).

Deprecations (:mod:`~release_tools.analysis.evidence.deprecations`) and raised runtime floors
(:mod:`~release_tools.analysis.evidence.runtime`) are gatherers of their own, listed next to
this one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from release_tools.analysis.context import AnalysisContext
from release_tools.analysis.evidence._comments import comment_test
from release_tools.analysis.evidence._common import (
    changed_files,
    evidence,
    is_vendored,
    new_path,
    old_path,
    read_texts,
)
from release_tools.analysis.evidence._grep import without_any, worth_asking
from release_tools.analysis.evidence.python.layout import foreign_project
from release_tools.analysis.models import (
    Bump,
    ChangeKind,
    Evidence,
    EvidenceKind,
    FileChange,
    Strength,
)

__all__ = [
    "cli_options",
    "gather",
    "go_cli_options",
    "rust_cli_options",
    "schema_changes",
]

#: A test of offsets: True for one the reader must not read (in a comment).
Skip = Callable[[int], bool]
_CLI_SUFFIXES = (".py", ".js", ".mjs", ".cjs", ".ts", ".rs", ".go")
# Rust (clap): builder `.long("name")`, derive `#[arg(long = "name")]`, and a bare `long` in
# `#[arg(...)]`/`#[clap(...)]`/`#[structopt(...)]` naming the field that follows it.
_CLAP_LONG = re.compile(r'\.long\(\s*"(?P<opt>[A-Za-z0-9][\w-]*)"\s*\)')
# The builder's long aliases (`.alias("x")`, `.visible_alias("x")`), read like the derive ones.
# An alias is reported under this prefix: its removal breaks scripts like an option's, but a new
# alias is another spelling of an existing option, not a feature.
_ALIAS = "alias:"
_CLAP_LONG_ALIAS = re.compile(r'\.(?:visible_)?alias\(\s*"(?P<opt>[A-Za-z0-9][\w-]*)"\s*\)')
# Attribute arguments: plain text, strings (a backslash may continue one over a line break), and
# one level of parentheses or brackets, so that
# `conflicts_with_all(&["a", "b"])` or `value_name = "[x]"` does not end the attribute early.
_STRING = r'"(?:[^"\\]|\\[\s\S])*"'
_ATTR_ARGS = (
    r"(?:[^\[\]()\"]|" + _STRING + r"|\((?:[^()\"]|" + _STRING + r")*\)"
    r"|\[(?:[^\[\]\"]|" + _STRING + r")*\])*"
)
_CLAP_ATTR = re.compile(
    r"#\[\s*(?:arg|clap|structopt)\s*\((?P<args>" + _ATTR_ARGS + r")\)\s*\]"
    r"(?P<rest>(?:\s*(?:///[^\n]*|#\[" + _ATTR_ARGS + r"\]))*\s*(?:pub(?:\([^)]*\))?\s+)?"
    r"(?P<field>[a-z_][a-z0-9_]*)\s*:)?"
)
_CLAP_NAMED = re.compile(r'\blong\s*=\s*"(?P<opt>[A-Za-z0-9][\w-]*)"')
# A long alias in a derive attribute (`alias("maxdepth")`, `visible_alias = "x"`) is an option
# name users type as much as the main one.
_CLAP_ALIAS = re.compile(r'\b(?:visible_)?alias\s*(?:=\s*|\(\s*)"(?P<opt>[A-Za-z0-9][\w-]*)"')
# The program's own name in a derive `#[command(name = "x")]` (before any other string): the
# builder's `Command::new("x")` of the same program, so a port to derive keeps it.
_CLAP_PROGRAM = re.compile(
    r'#\[\s*(?:command|clap)\s*\([^"\]]*?\bname\s*=\s*"(?P<name>[A-Za-z][\w-]*)"'
)
_CLAP_BARE = re.compile(r"(?:^|[,(\s])long\s*(?:[,)]|$)")
_CLAP_COMMAND = re.compile(
    r'(?:(?P<with>SubCommand::with_name)|Command::new)\(\s*"(?P<name>[A-Za-z][\w-]*)"'
)
#: std::process's ``Command`` brought into a Rust file (``use std::process::{Command, ...}``).
_STD_COMMAND = re.compile(r"\bprocess::(?:\{[^}]*\bCommand\b|Command\b)")
# Go: the standard flag package and pflag/cobra (`Flags().StringP("name", "n", ...)`).
_GO_FLAG = re.compile(
    r"(?:\bflag|Flags\(\)|\bfs|\bflags)\.(?:String|Bool|Int|Int64|Uint|Uint64|Float64|"
    r"Duration|StringSlice|StringArray|IntSlice|Count|Var|Func|TextVar)\w*\(\s*"
    r'(?:&[\w.\[\]]+\s*,\s*)?"(?P<opt>[A-Za-z0-9][\w-]*)"'
)
# argparse and its JavaScript port (``addArgument(['-c', '--compact'], ...)``), click, typer,
# commander and yargs.
_CALL = re.compile(
    r"(?:\.add_argument|\.addArgument|click\.option|\.option|typer\.Option|\.requiredOption)"
    r"\s*\(",
)
_COMMAND = re.compile(
    r"(?:\.add_parser|\.addParser|\.command)\s*\(\s*(['\"])(?P<name>[A-Za-z][\w:-]*)\1"
)
# "--name", "--color <c>" (commander), "--shout/--no-shout" (click on/off flags).
_LONG = re.compile(r"""(['"])(?P<opt>--[A-Za-z0-9][\w-]*)(?:/-[\w-]+)?(?:[ =<\[][^'"]*)?\1""")
_MAX_SCHEMA_BYTES = 5_000_000
_WHOLE_FILE = (ChangeKind.ADDED, ChangeKind.DELETED)
# Keys of which a JSON Schema document holds at least one (see :func:`_is_schema`).
_SCHEMA_WORDS = ('"$schema"', '"properties"')
# Words without which Rust code declares no clap option, alias or command.
_CLAP_HINTS = ("long", "alias", "Command::new", "with_name", "command(")
_CLI_HINTS = (
    "add_argument", "addArgument", "add_parser", "addParser", ".option", ".command",
    "typer.Option", "'--", '"--',
)  # fmt: skip


def _line_counter(code: str) -> Callable[[int], int]:
    """Line numbers of increasing offsets, counting only the newlines since the last one.

    Counting from the start for every match made big files quadratic.
    """
    state = [0, 1]  # offset counted up to, line number there

    def line_of(offset: int) -> int:
        if offset < state[0]:
            state[0], state[1] = 0, 1
        state[1] += code.count("\n", state[0], offset)
        state[0] = offset
        return state[1]

    return line_of


def cli_options(code: str, skip: Skip | None = None) -> dict[str, int]:
    """CLI option strings and ``command:name`` sub-commands declared in ``code``, with lines;
    a match at an offset that ``skip`` refuses (one in a comment) is not read."""
    found: dict[str, int] = {}
    line_of = _line_counter(code)
    for match in _CALL.finditer(code):
        if skip is not None and skip(match.start()):
            continue
        # The call's arguments, up to its closing parenthesis (bounded look-ahead).
        depth, end = 0, match.end() - 1
        for end in range(match.end() - 1, min(len(code), match.end() + 2000)):
            if code[end] == "(":
                depth += 1
            elif code[end] == ")":
                depth -= 1
                if depth == 0:
                    break
        line = line_of(match.start())
        for opt in _LONG.finditer(code, match.end(), end):
            # commander writes "--no-color" and "--color <c>" in one string: keep the option.
            found.setdefault(opt["opt"], line)
    line_of = _line_counter(code)
    for match in _COMMAND.finditer(code):
        if skip is not None and skip(match.start()):
            continue
        found.setdefault(f"command:{match['name']}", line_of(match.start()))
    return found


def rust_cli_options(code: str, skip: Skip | None = None) -> dict[str, int]:
    """clap options (``--name``) and ``command:name`` sub-commands declared in Rust ``code``."""
    found: dict[str, int] = {}
    line_of = _line_counter(code)
    for match in _CLAP_LONG.finditer(code):
        if skip is not None and skip(match.start()):
            continue
        found.setdefault(f"--{match['opt']}", line_of(match.start()))
    line_of = _line_counter(code)
    for match in _CLAP_LONG_ALIAS.finditer(code):
        if skip is not None and skip(match.start()):
            continue
        found.setdefault(f"{_ALIAS}--{match['opt']}", line_of(match.start()))
    line_of = _line_counter(code)
    for match in _CLAP_ATTR.finditer(code):
        if skip is not None and skip(match.start()):
            continue
        args = match["args"]
        named = _CLAP_NAMED.search(args)
        if named is not None:
            found.setdefault(f"--{named['opt']}", line_of(match.start()))
        elif match["field"] and _CLAP_BARE.search(args):
            found.setdefault(f"--{match['field'].replace('_', '-')}", line_of(match.start()))
        for alias in _CLAP_ALIAS.finditer(args):
            found.setdefault(f"{_ALIAS}--{alias['opt']}", line_of(match.start()))
    line_of = _line_counter(code)
    # ``Command::new("git")`` of std::process starts a program; only clap's names a command.
    spawns = _STD_COMMAND.search(code) is not None and "clap" not in code
    for match in _CLAP_COMMAND.finditer(code):
        if (skip is not None and skip(match.start())) or (spawns and match["with"] is None):
            continue
        found.setdefault(f"command:{match['name']}", line_of(match.start()))
    line_of = _line_counter(code)
    for match in _CLAP_PROGRAM.finditer(code):
        if skip is not None and skip(match.start()):
            continue
        found.setdefault(f"command:{match['name']}", line_of(match.start()))
    return found


def go_cli_options(code: str, skip: Skip | None = None) -> dict[str, int]:
    """Flags (``--name``) declared in Go ``code`` with the flag package or pflag/cobra."""
    found: dict[str, int] = {}
    line_of = _line_counter(code)
    for match in _GO_FLAG.finditer(code):
        if skip is not None and skip(match.start()):
            continue
        found.setdefault(f"--{match['opt']}", line_of(match.start()))
    return found


def _no_program(path: str) -> bool:
    """A file whose options no user types: a Go file under ``internal/`` (only its own module
    can use it, so a program there, a code generator or a release helper, is the maintainers'
    tool) or a Rust build script (``build.rs`` runs when the crate compiles)."""
    return _go_internal(path) or path.rpartition("/")[2] == "build.rs"


def _go_internal(path: str) -> bool:
    """A Go file under an ``internal/`` directory: only its own module can use it, so a
    program there (a code generator, a release helper) is the maintainers' tool, not a
    command users run."""
    return path.endswith(".go") and "internal" in path.split("/")[:-1]


def _options_of(path: str, code: str) -> dict[str, int]:
    """The options ``code`` declares; an example in a comment declares nothing."""
    if not _might_declare(path, code):
        return {}
    skip = comment_test(path, code)
    if path.endswith(".rs"):
        return rust_cli_options(code, skip)
    if path.endswith(".go"):
        return go_cli_options(code, skip)
    return cli_options(code, skip)


def _might_declare(path: str, code: str) -> bool:
    if path.endswith(".rs"):
        # Without "long" no clap option is declared, and `Command::new` alone is as likely
        # std::process starting a program as a clap sub-command.
        return "long" in code
    if path.endswith(".go"):
        return "flag" in code or "Flags()" in code
    return _cli_hint(code)


def _cli_hint(text: str) -> bool:
    # Plain substring searches only: a regex alternation of the same literals would scan
    # megabytes of unrelated code character by character.
    if (
        "--" not in text
        and "add_parser" not in text
        and "addParser" not in text
        and ".command" not in text
    ):
        return False
    return any(hint in text for hint in _CLI_HINTS)


def _changed_text(change: FileChange) -> str:
    """The added and removed lines of a change, as one text (one regex pass instead of many)."""
    return "\n".join(line for hunk in change.hunks for line in hunk.lines if line[:1] in "+-")


def _touches_cli(change: FileChange) -> bool:
    """Whether the diff may touch an option declaration (always true without hunks).

    The hunks of an added or deleted file hold its whole text, so one without any hint
    declares no option and need not be read (generated files of big ranges).
    """
    if change.truncated or not change.hunks:
        return True
    if change.kind not in (ChangeKind.MODIFIED, ChangeKind.ADDED, ChangeKind.DELETED):
        return True
    text = _changed_text(change)
    if change.path.endswith(".rs"):
        return any(hint in text for hint in _CLAP_HINTS)
    if change.path.endswith(".go"):
        return "flag" in text or "Flags()" in text
    return _cli_hint(text)


def _needed_words(path: str) -> tuple[str, ...]:
    """Words of which a file declaring any option holds at least one (see :func:`_options_of`)."""
    if path.endswith(".rs"):
        return ("long",)
    if path.endswith(".go"):
        return ("flag", "Flags()")
    return _CLI_HINTS


def _without_options(ctx: AnalysisContext, ref: str, paths: list[str]) -> set[str]:
    """The paths among ``paths`` that surely declare no option at ``ref``, found by git grep."""
    groups: dict[tuple[str, ...], list[str]] = {}
    for path in paths:
        groups.setdefault(_needed_words(path), []).append(path)
    return {path for words, group in groups.items() for path in without_any(ctx, ref, group, words)}


def _cli_evidence(ctx: AnalysisContext) -> list[Evidence]:
    before: dict[str, tuple[str, int]] = {}
    after: dict[str, tuple[str, int]] = {}
    candidates = [c for c in changed_files(ctx, _CLI_SUFFIXES) if not _no_program(c.path)]
    if any(c.path.endswith(".py") for c in candidates) and foreign_project(
        ctx.git.ls_files(ctx.head_sha)
    ):
        candidates = [c for c in candidates if not c.path.endswith(".py")]
    sift = worth_asking(candidates)
    # The hunks of an added or deleted file are its whole text: when git grep sifts the files
    # anyway, it searches that text far faster than joining the hunks here would.
    changes = [c for c in candidates if (sift and c.kind in _WHOLE_FILE) or _touches_cli(c)]
    for side, ref, paths in (
        (before, ctx.base_sha, [p for c in changes if (p := old_path(c))]),
        (after, ctx.head_sha, [p for c in changes if (p := new_path(c))]),
    ):
        if sift:
            # Big generated files mostly declare nothing; they are not read at all.
            skipped = _without_options(ctx, ref, paths)
            paths = [path for path in paths if path not in skipped]
        for path, code in read_texts(ctx, ref, paths).items():
            for option, line in _options_of(path, code).items():
                side.setdefault(option, (path, line))
    items: list[Evidence] = []
    known_after = {option.removeprefix(_ALIAS) for option in after}
    known_before = {option.removeprefix(_ALIAS) for option in before}
    for key in sorted(before, key=lambda k: k.removeprefix(_ALIAS)):
        option = key.removeprefix(_ALIAS)
        if option in known_after or (key != option and option in before):
            continue
        path, line = before[key]
        what = f"sub-command {option[8:]!r}" if option.startswith("command:") else option
        items.append(
            evidence(
                "cli",
                EvidenceKind.CLI,
                Bump.MAJOR,
                Strength.STRONG,
                f"removed command-line {'' if option.startswith('command:') else 'option '}{what}",
                path=path,
                line=line,
            )
        )
    for option in sorted(k for k in after if not k.startswith(_ALIAS) and k not in known_before):
        path, line = after[option]
        what = f"sub-command {option[8:]!r}" if option.startswith("command:") else option
        items.append(
            evidence(
                "cli",
                EvidenceKind.CLI,
                Bump.MINOR,
                Strength.STRONG,
                f"new command-line {'' if option.startswith('command:') else 'option '}{what}",
                path=path,
                line=line,
            )
        )
    return items


def _is_schema(doc: object) -> bool:
    if not isinstance(doc, dict):
        return False
    return "$schema" in doc or (isinstance(doc.get("properties"), dict) and "type" in doc)


def _objects(schema: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object schema inside ``schema`` with a readable location."""
    if not isinstance(schema, dict):
        return
    if isinstance(schema.get("properties"), dict):
        yield where, schema
        for name, sub in schema["properties"].items():
            yield from _objects(sub, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        yield from _objects(schema["items"], f"{where}[]")
    for key in ("definitions", "$defs"):
        if isinstance(schema.get(key), dict):
            for name, sub in schema[key].items():
                yield from _objects(sub, f"#{key}/{name}")


def schema_changes(old: Any, new: Any) -> list[tuple[Bump, str]]:
    """Breaking and additive changes between two JSON Schema documents; pure."""
    before = dict(_objects(old, "$"))
    after = dict(_objects(new, "$"))
    out: list[tuple[Bump, str]] = []
    for where, old_obj in before.items():
        new_obj = after.get(where)
        if new_obj is None:
            continue
        old_props: dict[str, Any] = old_obj["properties"]
        new_props: dict[str, Any] = new_obj["properties"]
        old_required = set(old_obj.get("required") or [])
        new_required = set(new_obj.get("required") or [])
        for name in sorted(old_props.keys() - new_props.keys()):
            out.append((Bump.MAJOR, f"schema property {where}.{name} removed"))
        for name in sorted((new_required - old_required) & new_props.keys()):
            out.append((Bump.MAJOR, f"schema property {where}.{name} is now required"))
        for name in sorted(old_props.keys() & new_props.keys()):
            old_type = old_props[name].get("type") if isinstance(old_props[name], dict) else None
            new_type = new_props[name].get("type") if isinstance(new_props[name], dict) else None
            if old_type and new_type and old_type != new_type:
                out.append(
                    (Bump.MAJOR, f"schema property {where}.{name} changed type to {new_type}")
                )
        if old_obj.get("additionalProperties", True) is not False and (
            new_obj.get("additionalProperties", True) is False
        ):
            out.append((Bump.MAJOR, f"schema object {where} no longer allows extra properties"))
        for name in sorted(new_props.keys() - old_props.keys()):
            bump = Bump.MAJOR if name in new_required else Bump.MINOR
            kind = "required" if bump is Bump.MAJOR else "optional"
            out.append((bump, f"new {kind} schema property {where}.{name}"))
    return out


def _load_json(text: str | None) -> Any:
    if text is None or len(text) > _MAX_SCHEMA_BYTES:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _schema_evidence(ctx: AnalysisContext) -> list[Evidence]:
    # A schema appearing or disappearing says little about the schema's users (test suites ship
    # hundreds of them): only files present on both sides are compared.
    changes = [
        change
        for change in changed_files(ctx, (".json",), include_excluded=True)
        if old_path(change) and new_path(change)
        if not change.path.endswith(("package.json", "package-lock.json", "tsconfig.json"))
        # Copies of other projects' schemas (a validator's builtin ones) are theirs to break.
        if not is_vendored(change.path)
    ]
    old_paths = [p for c in changes if (p := old_path(c))]
    new_paths = [p for c in changes if (p := new_path(c))]
    if worth_asking(changes):
        # A document that is a schema on either side names one of these keys there.
        old_plain = without_any(ctx, ctx.base_sha, old_paths, _SCHEMA_WORDS)
        new_plain = without_any(ctx, ctx.head_sha, new_paths, _SCHEMA_WORDS)
        changes = [
            c for c in changes if old_path(c) not in old_plain or new_path(c) not in new_plain
        ]
        old_paths = [p for c in changes if (p := old_path(c))]
        new_paths = [p for c in changes if (p := new_path(c))]
    old_texts = read_texts(ctx, ctx.base_sha, old_paths)
    new_texts = read_texts(ctx, ctx.head_sha, new_paths)
    items: list[Evidence] = []
    for change in changes:
        old = _load_json(old_texts.get(old_path(change) or ""))
        new = _load_json(new_texts.get(new_path(change) or ""))
        if old is None or new is None or not (_is_schema(old) or _is_schema(new)):
            continue
        for bump, text in schema_changes(old, new):
            items.append(
                evidence(
                    "schema", EvidenceKind.SCHEMA, bump, Strength.STRONG, text, path=change.path
                )
            )
    return items


def gather(ctx: AnalysisContext) -> list[Evidence]:
    """CLI option and JSON Schema evidence for the range."""
    return [*_cli_evidence(ctx), *_schema_evidence(ctx)]
