"""Rules for the item macros of other crates that crates invoke most: ``cfg_if!``,
``bitflags!``, ``lazy_static!``, ``thread_local!`` and ``pin_project!``.

Their ``macro_rules!`` definitions live in the dependency (or the standard library), which the
reader never sees, so the items written inside an invocation would be invisible. These rules
give the items the way the real macros do, as far as the public API goes:

* ``cfg_if! { if #[cfg(a)] { ... } else if #[cfg(b)] { ... } else { ... } }``: every branch's
  items (which branch is built depends on the target, so each is API somewhere; a name two
  branches declare is read as one item with both signatures);
* ``bitflags! { pub struct Flags: u32 { const A = 1; ... } }`` (and ``impl Flags: u32 { ... }``):
  the struct and one public associated constant per flag; the generated methods are the same
  in every version and left out;
* ``lazy_static! { pub static ref NAME: T = expr; ... }``: one ``pub static NAME: T`` each. The
  real macro gives the static a type of its own that dereferences to ``T``; callers use it as
  a ``T``, so ``T`` is what they depend on;
* ``thread_local! { pub static NAME: T = expr; ... }`` (the last ``;`` optional): one
  ``pub static NAME: std::thread::LocalKey<T>`` each, the type the real macro declares
  (callers reach the value through ``NAME.with``);
* ``pin_project! { ... }`` (``pin-project-lite``): the struct or enum as written; the
  ``#[pin]`` marks on fields change no field, and the projection types and methods it adds
  are never more visible than ``pub(crate)``.

Attributes and visibility pass through, so ``#[doc(hidden)]``, ``#[cfg(test)]`` and
``pub(crate)`` read as they do on any item. A crate's own macro of the same name takes
precedence.
"""

from __future__ import annotations

__all__ = ["KNOWN_MACROS"]

#: The rules, as ``macro_rules!`` source read by the same matcher as a crate's own macros.
KNOWN_MACROS = r"""
macro_rules! cfg_if {
    (
        if #[cfg($first:meta)] { $($then:tt)* }
        $(else if #[cfg($other:meta)] { $($elif:tt)* })*
        else { $($otherwise:tt)* }
    ) => {
        $($then)* $($($elif)*)* $($otherwise)*
    };
    (
        if #[cfg($first:meta)] { $($then:tt)* }
        $(else if #[cfg($other:meta)] { $($elif:tt)* })*
    ) => {
        $($then)* $($($elif)*)*
    };
}

macro_rules! bitflags {
    (
        $(
            $(#[$outer:meta])*
            $vis:vis struct $Name:ident: $Bits:ty {
                $( $(#[$inner:meta])* const $Flag:ident = $value:expr; )*
            }
        )+
    ) => {
        $(
            $(#[$outer])*
            $vis struct $Name($Bits);
            impl $Name {
                $( $(#[$inner])* pub const $Flag: Self = Self($value); )*
            }
        )+
    };
    (
        impl $Name:ident: $Bits:ty {
            $( $(#[$inner:meta])* const $Flag:ident = $value:expr; )*
        }
    ) => {
        impl $Name {
            $( $(#[$inner])* pub const $Flag: Self = Self($value); )*
        }
    };
}

macro_rules! lazy_static {
    (
        $( $(#[$attr:meta])* $vis:vis static ref $Name:ident : $T:ty = $init:expr; )*
    ) => {
        $( $(#[$attr])* $vis static $Name: $T = $init; )*
    };
}

macro_rules! thread_local {
    (
        $( $(#[$attr:meta])* $vis:vis static $Name:ident : $T:ty = $init:expr );* $(;)?
    ) => {
        $( $(#[$attr])* $vis static $Name: std::thread::LocalKey<$T> = $init; )*
    };
}

macro_rules! pin_project {
    ($($item:tt)*) => {
        $($item)*
    };
}
"""
