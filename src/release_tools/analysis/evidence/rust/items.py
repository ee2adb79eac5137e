"""The records one Rust module file is read into: its public items, ``pub use`` names and
what else the file declares (child modules, imports, ``#[doc(hidden)]`` names).

:mod:`~release_tools.analysis.evidence.rust.syntax` fills them from a parse and
:mod:`~release_tools.analysis.evidence.rust.linear` from a linear scan; the comparison and the
crate-wide passes read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RustItem", "RustModule", "UseName"]


@dataclass(frozen=True, slots=True)
class RustItem:
    """One public item: its key, kind, line and what callers depend on.

    ``signature`` is a function's normalised signature or a const's, static's or alias'
    type. ``members`` are a struct's public fields (name, type), an enum's variants (name,
    shape) or a trait's methods and associated types (name, ``required ...``/``provided ...``).
    ``closed`` is true for a struct whose fields are all public (a struct literal can build
    it), ``non_exhaustive`` for a struct or enum marked ``#[non_exhaustive]`` (or an enum with a
    ``#[doc(hidden)]`` variant, which others cannot match exhaustively either), and for a sealed
    trait (a supertrait named ``Sealed``: no crate but its own can implement it).
    """

    name: str
    kind: str
    line: int
    signature: str | None = None
    members: tuple[tuple[str, str], ...] = ()
    closed: bool = False
    non_exhaustive: bool = False


@dataclass(frozen=True, slots=True)
class UseName:
    """One name a ``pub use`` brings in: the source path (``a::b``), the exported name and line.

    A glob has ``name`` ``*`` and the module's path as ``path``.
    """

    path: str
    name: str
    line: int


@dataclass(slots=True)
class RustModule:
    """What one module file declares: public items, child modules, ``pub use`` names."""

    items: dict[str, RustItem] = field(default_factory=dict)
    #: Child modules declared here (inline or as files), by name: True when public.
    modules: dict[str, bool] = field(default_factory=dict)
    uses: list[UseName] = field(default_factory=list)
    #: Every name a top-level ``use`` brings in, public or not, with the path it names
    #: (``Command`` -> ``clap::Command``); globs are not listed, nor names the file also uses
    #: otherwise (a generic parameter ``T``, a name bound inside an inline module).
    imports: dict[str, str] = field(default_factory=dict)
    #: Names of ``pub`` items marked ``#[doc(hidden)]`` (or methods of such an ``impl``):
    #: callable, but no public API; True for one also marked ``#[deprecated]``.
    hidden: dict[str, bool] = field(default_factory=dict)
