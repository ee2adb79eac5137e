"""The findings between two versions of one Rust module file's public items.

What breaks callers, as cargo-semver-checks would say: a removed item, field, variant or trait
method; a changed function signature or const/static/alias type; a new field on a struct that
could be built with a literal (all fields public, not ``#[non_exhaustive]``); a new variant of
an exhaustive enum (``match`` without a wildcard stops compiling); a new required trait method
(every implementation must add it); a struct or enum becoming ``#[non_exhaustive]``. New items,
new fields of structs that had private ones, new variants of ``#[non_exhaustive]`` enums and
new provided trait methods are features. A static's lazy wrapper (``lazy_static!``,
``LazyLock<T>``, ``once_cell``'s ``Lazy<T>``) is not its type: each dereferences to ``T``, and
only a change of ``T`` is one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from release_tools.analysis.evidence._common import BoundedEvidence, evidence
from release_tools.analysis.evidence.rust.items import RustItem
from release_tools.analysis.evidence.rust.spellings import (
    Same,
    fewer_bounds,
    macro_spelling,
    spellings,
)
from release_tools.analysis.models import Bump, EvidenceKind, Strength

__all__ = ["compare_items"]

_Finding = tuple[EvidenceKind, Bump, str]


_exact = spellings({}, {})


def compare_items(
    out: BoundedEvidence,
    before: dict[str, RustItem],
    after: dict[str, RustItem],
    before_path: str | None,
    after_path: str | None,
    *,
    proof: bool = True,
    same: Same = _exact,
    hidden: Mapping[str, bool] | None = None,
) -> None:
    """Add the findings between one module file's two versions to ``out``.

    ``proof`` is False when a side was read by the linear scan, or the external checker found
    nothing breaking: breaking findings are then strong. ``same`` tells whether two spellings
    of a type are one (see :func:`spellings`). ``hidden`` names the head's ``#[doc(hidden)]``
    items (True: also ``#[deprecated]``): one of them gone from the public items is still
    callable. Hidden and deprecated, it is a deprecation (minor); hidden only, it left the
    public API as cargo-semver-checks counts it (major), though no call breaks yet.
    """
    breaking = Strength.PROOF if proof else Strength.STRONG
    hidden = hidden or {}
    gone = before.keys() - after.keys()
    for key in sorted(gone & hidden.keys()):
        item = before[key]
        if hidden[key]:
            bump = Bump.MINOR
            message = f"pub {item.kind} {key} is now deprecated and #[doc(hidden)]: still callable"
        else:
            bump = Bump.MAJOR
            message = (
                f"pub {item.kind} {key} is now #[doc(hidden)]: still callable, but no longer "
                "public API"
            )
        if out.admit(bump, Strength.STRONG):
            out.keep(
                evidence(
                    "rust-api",
                    EvidenceKind.API_CHANGED,
                    bump,
                    Strength.STRONG,
                    message,
                    path=after_path,
                    line=item.line,
                )
            )
    out.keep_all(
        EvidenceKind.API_REMOVED,
        Bump.MAJOR,
        breaking,
        sorted(gone - hidden.keys()),
        lambda key: (
            f"removed pub {before[key].kind} {key} from {before_path}",
            before_path,
            before[key].line,
        ),
    )
    out.keep_all(
        EvidenceKind.API_ADDED,
        Bump.MINOR,
        Strength.STRONG,
        sorted(after.keys() - before.keys()),
        lambda key: (
            f"new pub {after[key].kind} {key} in {after_path}",
            after_path,
            after[key].line,
        ),
    )
    for key in sorted(before.keys() & after.keys()):
        old, new = before[key], after[key]
        for kind, bump, message in _changes(key, old, new, after_path, same):
            strength = (
                breaking
                if bump is Bump.MAJOR
                else Strength.WEAK
                if bump is Bump.PATCH
                else Strength.STRONG
            )
            if out.admit(bump, strength):
                out.keep(
                    evidence(
                        "rust-api", kind, bump, strength, message, path=after_path, line=new.line
                    )
                )


#: A method's exclusive receiver, with its lifetime if it names one.
_MUT_RECEIVER = re.compile(r"&('\w+ )?mut self\b")
#: A static's lazily built value: ``LazyLock<T>`` (``std``), ``Lazy<T>`` (``once_cell`` and
#: its kin), each perhaps with its init function's type after ``T``.
_LAZY = re.compile(
    r"(?:::)?(?:(?:std|core)::sync::LazyLock|(?:once_cell::sync::)?Lazy|LazyLock)\s*<(?P<args>.*)>"
)


def _value_type(signature: str) -> str:
    """The type a static's callers use: ``T`` of a lazy wrapper (``LazyLock<T>``,
    ``Lazy<T, F>``), else the static's type. ``lazy_static!`` reads as its ``T`` already.

    Each wrapper dereferences to ``T`` and a static is used by reference, so moving from one
    to another changes no call: methods, fields and ``&*NAME`` reach the same value."""
    found = _LAZY.fullmatch(signature.strip())
    if found is None:
        return signature
    args, depth = found["args"], 0
    for index, char in enumerate(args):
        if char in "<([":
            depth += 1
        elif char in ")]" or (char == ">" and args[index - 1 : index] != "-"):
            depth -= 1
        elif char == "," and depth == 0:
            return args[:index].strip()
    return args.strip()


def _changes(
    key: str, old: RustItem, new: RustItem, where: str | None, same: Same
) -> list[_Finding]:
    """What changed in one item kept under the same key."""
    if old.kind != new.kind:
        if {old.kind, new.kind} & {"use", "mod"}:
            return []  # a re-export replaced by the item itself, or back: same name and path
        return [(EvidenceKind.API_CHANGED, Bump.MAJOR, f"pub {old.kind} {key} became a {new.kind}")]
    if old.signature and new.signature and not same(old.signature, new.signature):
        if old.kind == "static" and same(_value_type(old.signature), _value_type(new.signature)):
            return []  # another lazy wrapper of the same value type (``LazyLock<T>``, ``T``)
        what = "signature" if old.kind == "fn" else "type"
        message = f"{what} of pub {old.kind} {key} changed: {old.signature} -> {new.signature}"
        if macro_spelling(old.signature, new.signature, same):
            # A type spelled by a macro call (``&impl_backtrace!()``) expands to what the build
            # makes of it: the texts cannot tell a change from a new spelling.
            return [(EvidenceKind.API_CHANGED, Bump.PATCH, f"{message} (review: a macro type)")]
        if old.kind == "fn" and fewer_bounds(old.signature, new.signature, same):
            message = f"bounds of pub fn {key} relaxed: {old.signature} -> {new.signature}"
            return [(EvidenceKind.API_CHANGED, Bump.MINOR, message)]
        if old.kind == "fn" and same(_MUT_RECEIVER.sub(r"&\1self", old.signature), new.signature):
            # Every call that had a `&mut` receiver still compiles: it coerces to `&`.
            message = f"receiver of pub fn {key} relaxed from &mut self to &self"
            return [(EvidenceKind.API_CHANGED, Bump.MINOR, message)]
        return [(EvidenceKind.API_CHANGED, Bump.MAJOR, message)]
    if old.kind in ("struct", "union"):
        return _fields(key, old, new, where, same)
    if old.kind == "enum":
        return _variants(key, old, new, where, same)
    if old.kind == "trait":
        return _trait(key, old, new, where, same)
    return []


def _fields(
    key: str, old: RustItem, new: RustItem, where: str | None, same: Same
) -> list[_Finding]:
    before, after = dict(old.members), dict(new.members)
    out: list[_Finding] = []
    literal = old.kind == "struct" and old.closed and not old.non_exhaustive
    for name in sorted(before.keys() - after.keys(), key=_order):
        out.append((EvidenceKind.API_REMOVED, Bump.MAJOR, f"removed pub field {key}.{name}"))
    for name in sorted(before.keys() & after.keys(), key=_order):
        if not same(before[name], after[name]):
            message = f"type of pub field {key}.{name} changed: {before[name]} -> {after[name]}"
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    for name in sorted(after.keys() - before.keys(), key=_order):
        if literal and not new.non_exhaustive:
            message = (
                f"new pub field {key}.{name}: {key} had only public fields and no "
                "#[non_exhaustive], so struct literals of it no longer compile"
            )
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
        else:
            out.append(
                (EvidenceKind.API_ADDED, Bump.MINOR, f"new pub field {key}.{name} in {where}")
            )
    if literal and not new.closed and not new.non_exhaustive:
        message = f"{key} gained a private field: struct literals of it no longer compile"
        out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    if literal and new.non_exhaustive:
        message = f"{key} became #[non_exhaustive]: struct literals of it no longer compile"
        out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    return out


def _variants(
    key: str, old: RustItem, new: RustItem, where: str | None, same: Same
) -> list[_Finding]:
    before, after = dict(old.members), dict(new.members)
    out: list[_Finding] = []
    for name in sorted(before.keys() - after.keys()):
        out.append((EvidenceKind.API_REMOVED, Bump.MAJOR, f"removed variant {key}::{name}"))
    for name in sorted(before.keys() & after.keys()):
        if not same(before[name], after[name]):
            shapes = f"{before[name] or 'unit'} -> {after[name] or 'unit'}"
            message = f"fields of variant {key}::{name} changed: {shapes}"
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    for name in sorted(after.keys() - before.keys()):
        if old.non_exhaustive:
            message = f"new variant {key}::{name} of #[non_exhaustive] enum in {where}"
            out.append((EvidenceKind.API_ADDED, Bump.MINOR, message))
        else:
            message = (
                f"new variant {key}::{name}: {key} is not #[non_exhaustive], so exhaustive "
                "matches on it no longer compile"
            )
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    if new.non_exhaustive and not old.non_exhaustive:
        message = f"{key} became #[non_exhaustive]: exhaustive matches on it no longer compile"
        out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    return out


def _trait(key: str, old: RustItem, new: RustItem, where: str | None, same: Same) -> list[_Finding]:
    before, after = dict(old.members), dict(new.members)
    out: list[_Finding] = []
    for name in sorted(before.keys() - after.keys()):
        out.append((EvidenceKind.API_REMOVED, Bump.MAJOR, f"removed trait item {key}::{name}"))
    for name in sorted(before.keys() & after.keys()):
        was, now = before[name], after[name]
        if was == now:
            continue
        if not same(was.split(" ", 1)[1], now.split(" ", 1)[1]):
            message = f"signature of trait item {key}::{name} changed: {was} -> {now}"
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
        elif (
            now.startswith("required")
            and not was.startswith("required")
            and not (old.non_exhaustive and new.non_exhaustive)
        ):
            message = f"trait item {key}::{name} lost its default: implementations must add it"
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
    for name in sorted(after.keys() - before.keys()):
        if after[name].startswith("required") and not (old.non_exhaustive and new.non_exhaustive):
            message = (
                f"new required trait item {key}::{name}: implementations of {key} no longer compile"
            )
            out.append((EvidenceKind.API_CHANGED, Bump.MAJOR, message))
        elif after[name].startswith("required"):
            # Sealed: the crate's own implementations are the only ones, and it updated them.
            message = f"new trait item {key}::{name} of sealed trait {key} in {where}"
            out.append((EvidenceKind.API_ADDED, Bump.MINOR, message))
        else:
            message = f"new provided trait item {key}::{name} in {where}"
            out.append((EvidenceKind.API_ADDED, Bump.MINOR, message))
    return out


def _order(name: str) -> tuple[int, str]:
    """Tuple-struct fields (0, 1 ...) in numeric order, named ones by name."""
    return (int(name), "") if name.isdigit() else (1 << 30, name)
