"""Rules for the item macros of other crates that crates invoke most: ``cfg_if!`` and
``bitflags!``.

Their ``macro_rules!`` definitions live in the dependency, which the reader never sees, so the
items written inside an invocation would be invisible. These rules give the items the way the
real macros do, as far as the public API goes:

* ``cfg_if! { if #[cfg(a)] { ... } else if #[cfg(b)] { ... } else { ... } }``: every branch's
  items (which branch is built depends on the target, so each is API somewhere; a name two
  branches declare is read as one item with both signatures);
* ``bitflags! { pub struct Flags: u32 { const A = 1; ... } }`` (and ``impl Flags: u32 { ... }``):
  the struct and one public associated constant per flag; the generated methods are the same
  in every version and left out.

A crate's own macro of the same name takes precedence.
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
"""
