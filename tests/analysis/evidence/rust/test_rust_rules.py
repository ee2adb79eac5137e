"""Rust API rules read with tree-sitter: reachability, signatures, fields, variants, traits."""

from __future__ import annotations

import pytest

from gitrepo import GitRepo
from release_tools.analysis.evidence.rust import parse_rust
from release_tools.analysis.evidence.rust.syntax import parse_module
from release_tools.analysis.models import Evidence, Strength
from review_marks import checked
from rust_crate import crate_change


def _found(items: list[Evidence]) -> list[tuple[str, str]]:
    return sorted((e.bump, e.message) for e in checked(items))


def _change(repo: GitRepo, files: dict[str, str], changed: dict[str, str]) -> list[Evidence]:
    return crate_change(repo, files, dict(changed))


def _lib(repo: GitRepo, before: str, after: str) -> list[Evidence]:
    return _change(repo, {"src/lib.rs": before}, {"src/lib.rs": after})


# -- one file, parsed ---------------------------------------------------------------------------


def test_only_plain_pub_items_are_public() -> None:
    items = parse_rust(
        "pub fn a() {}\npub(crate) fn b() {}\npub(super) fn c() {}\npub(in crate::x) fn d() {}\n"
        "#[doc(hidden)]\npub fn e() {}\n#[cfg(test)]\npub fn f() {}\n"
        '#[cfg(feature = "x")]\npub fn g() {}\n#[cfg(test)]\nmod tests { pub fn t() {} }\n'
    )
    assert sorted(items) == ["a", "g"]


def test_signatures_keep_generics_bounds_qualifiers_and_one_per_cfg() -> None:
    items = parse_rust(
        "pub fn f<T: Clone>(mut a: T, (x, y): (u8, u8)) -> Vec<T> where T: Send { todo!() }\n"
        "pub unsafe fn raw(p: *const u8) {}\n"
        "#[cfg(unix)]\npub fn fd(a: i32) {}\n#[cfg(windows)]\npub fn fd(a: u64) {}\n"
    )
    assert items["f"].signature == "<T: Clone>(T, (u8, u8)) -> Vec<T> where T: Send"
    assert items["raw"].signature == "unsafe (*const u8) -> ()"
    assert items["fd"].signature == "(i32) -> () | (u64) -> ()"


def test_receivers_read_with_spaces_and_without_binding_mutability() -> None:
    items = parse_rust(
        "pub struct S;\nimpl S {\n"
        "    pub fn a<'a>(&'a mut self, x: &'a u8) -> &'a u8 { x }\n"
        "    pub fn b(mut self, mut n: u8) {}\n"
        "    pub fn c(self: &mut Self) {}\n"
        "    pub fn d(&self) {}\n"
        "}\n"
    )
    assert items["S::a"].signature == "<'a>(&'a mut self, &'a u8) -> &'a u8"
    assert items["S::b"].signature == "(self, u8) -> ()"
    assert items["S::c"].signature == "(&mut self) -> ()"
    assert items["S::d"].signature == "(&self) -> ()"


def test_members_of_structs_enums_traits_and_inline_modules() -> None:
    items = parse_rust(
        "pub struct Open { pub a: u8, pub b: String }\npub struct Mixed { pub a: u8, b: u8 }\n"
        "#[non_exhaustive]\npub struct Marked { pub a: u8 }\npub struct Tuple(pub u8, u16);\n"
        "pub enum E { A, B(u8), C { x: u8 } }\n"
        "pub trait T { type Out; fn req(&self); fn prov(&self) -> u8 { 0 } }\n"
        "pub mod inner { pub fn x() {} fn y() {} }\n"
        "impl Open { pub fn new() -> Self { todo!() } pub const N: u8 = 1; fn hidden() {} }\n"
        "impl Clone for Open { fn clone(&self) -> Self { todo!() } }\n"
    )
    assert (items["Open"].members, items["Open"].closed) == ((("a", "u8"), ("b", "String")), True)
    assert (items["Mixed"].members, items["Mixed"].closed) == ((("a", "u8"),), False)
    assert items["Marked"].non_exhaustive
    assert (items["Tuple"].members, items["Tuple"].closed) == ((("0", "u8"),), False)
    assert items["E"].members == (("A", ""), ("B", "(u8)"), ("C", "{ x: u8 }"))
    assert dict(items["T"].members) == {
        "type Out": "required type",
        "req": "required fn (&self) -> ()",
        "prov": "provided fn (&self) -> u8",
    }
    assert {"inner", "inner::x", "Open::new", "Open::N"} <= items.keys()
    assert "inner::y" not in items and "Open::hidden" not in items and "Open::clone" not in items


def test_pub_use_renames_globs_and_self() -> None:
    module = parse_module(
        "mod imp;\npub use imp::{A as B, deep::*, self as alias};\npub use x::Y;\n"
    )
    assert module is not None
    assert module.modules == {"imp": False}
    assert sorted(module.items) == ["B", "Y", "alias", "imp::deep::*"]
    assert [(u.path, u.name) for u in module.uses] == [
        ("imp::A", "B"),
        ("imp::deep", "*"),
        ("imp", "alias"),
        ("x::Y", "Y"),
    ]


# -- reachability ---------------------------------------------------------------------------------


def test_glob_reexport_makes_a_private_module_public(repo: GitRepo) -> None:
    files = {"src/lib.rs": "mod imp;\npub use imp::*;\n", "src/imp.rs": "pub fn a() {}\n"}
    items = _change(repo, files, {"src/imp.rs": "pub fn b() {}\n"})
    assert _found(items) == [
        ("major", "removed pub fn a from src/imp.rs"),
        ("minor", "new pub fn b in src/imp.rs"),
    ]


def test_named_reexport_exposes_only_the_named_items(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "mod imp;\npub use self::imp::{Thing as Renamed};\n",
        "src/imp.rs": "pub fn Thing(a: u8) {}\npub fn other() {}\n",
    }
    items = _change(repo, files, {"src/imp.rs": "pub fn Thing(a: u16) {}\n"})
    # Callers know it as demo::Renamed only.
    assert _found(items) == [
        ("major", "signature of pub fn crate::Renamed changed: (u8) -> () -> (u16) -> ()"),
    ]


def test_hidden_and_restricted_items_are_not_api(repo: GitRepo) -> None:
    before = "pub fn keep() {}\n#[doc(hidden)]\npub fn hidden() {}\npub(crate) fn krate() {}\n"
    after = "pub fn keep() {}\n#[doc(hidden)]\npub fn hidden2() {}\n"
    assert _lib(repo, before, after) == []


def test_a_hidden_module_is_not_reachable(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "#[doc(hidden)]\npub mod private;\n",
        "src/private.rs": "pub fn a() {}\n",
    }
    assert _change(repo, files, {"src/private.rs": "\n"}) == []


# -- item rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            "pub struct S { pub a: u8 }\n",
            "pub struct S { pub a: u8, pub b: u8 }\n",
            ("major", "new pub field S.b: S had only public fields and no #[non_exhaustive], "),
        ),
        (
            "pub struct S { pub a: u8, c: u8 }\n",
            "pub struct S { pub a: u8, pub b: u8, c: u8 }\n",
            ("minor", "new pub field S.b in src/lib.rs"),
        ),
        (
            "#[non_exhaustive]\npub struct S { pub a: u8 }\n",
            "#[non_exhaustive]\npub struct S { pub a: u8, pub b: u8 }\n",
            ("minor", "new pub field S.b in src/lib.rs"),
        ),
        (
            "pub struct S { pub a: u8, pub b: u8 }\n",
            "pub struct S { pub a: u8 }\n",
            ("major", "removed pub field S.b"),
        ),
        (
            "pub struct S { pub a: u8 }\n",
            "pub struct S { pub a: u8, b: u8 }\n",
            ("major", "S gained a private field: struct literals of it no longer compile"),
        ),
        (
            "pub enum E { A }\n",
            "pub enum E { A, B }\n",
            ("major", "new variant E::B: E is not #[non_exhaustive], so exhaustive matches"),
        ),
        (
            "#[non_exhaustive]\npub enum E { A }\n",
            "#[non_exhaustive]\npub enum E { A, B }\n",
            ("minor", "new variant E::B of #[non_exhaustive] enum in src/lib.rs"),
        ),
        (
            "pub enum E { A, B }\n",
            "pub enum E { A }\n",
            ("major", "removed variant E::B"),
        ),
        (
            "pub trait T { fn a(&self); }\n",
            "pub trait T { fn a(&self); fn b(&self); }\n",
            ("major", "new required trait item T::b: implementations of T no longer compile"),
        ),
        (
            "pub trait T { fn a(&self); }\n",
            "pub trait T { fn a(&self); fn b(&self) {} }\n",
            ("minor", "new provided trait item T::b in src/lib.rs"),
        ),
        (
            "pub struct S;\nimpl S { pub fn a(&self) {} }\n",
            "pub struct S;\nimpl S { pub fn a(&self) {} pub fn b(&self) {} }\n",
            ("minor", "new pub fn S::b in src/lib.rs"),
        ),
        (
            "pub struct S;\nimpl S { pub fn a(&self) {} pub fn b(&self) {} }\n",
            "pub struct S;\nimpl S { pub fn a(&self) {} fn b(&self) {} }\n",
            ("major", "removed pub fn S::b from src/lib.rs"),
        ),
        (
            "pub const N: u8 = 1;\n",
            "pub const N: u16 = 1;\n",
            ("major", "type of pub const N changed: u8 -> u16"),
        ),
        (
            "pub fn f<T>(t: T) {}\n",
            "pub fn f<T: Send>(t: T) {}\n",
            ("major", "signature of pub fn f changed: <T>(T) -> () -> <T: Send>(T) -> ()"),
        ),
    ],
)
def test_item_rules(repo: GitRepo, before: str, after: str, expected: tuple[str, str]) -> None:
    items = _lib(repo, before, after)
    assert len(items) == 1, _found(items)
    assert (items[0].bump, items[0].message[: len(expected[1])]) == expected
    assert items[0].strength is (Strength.PROOF if expected[0] == "major" else Strength.STRONG)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (
            "pub struct Bytes;\nimpl Bytes {\n"
            "    pub fn new() -> Bytes { Bytes }\n"
            "    pub const EMPTY: Bytes = Bytes;\n"
            "    pub fn slice(&self, other: &Bytes) -> Option<Bytes> { None }\n}\n",
            "pub struct Bytes;\nimpl Bytes {\n"
            "    pub fn new() -> Self { Bytes }\n"
            "    pub const EMPTY: Self = Bytes;\n"
            "    pub fn slice(&self, other: &Self) -> Option<Self> { None }\n}\n",
        ),
        (
            "pub struct W<T>(T);\nimpl<T> W<T> { pub fn get(self) -> W<T> { self } }\n",
            "pub struct W<T>(T);\nimpl<T> W<T> { pub fn get(self) -> Self { self } }\n",
        ),
        (
            "pub struct B;\nimpl B { pub fn freeze(mut self) -> B { self } }\n",
            "pub struct B;\nimpl B { pub fn freeze(self) -> B { self } }\n",
        ),
        (
            "pub struct U;\nimpl U {\n"
            "    pub unsafe fn m<'a>(&'a mut self) -> &'a mut [u8] { todo!() }\n}\n",
            "pub struct U;\nimpl U {\n    pub unsafe fn m(&mut self) -> &mut [u8] { todo!() }\n}\n",
        ),
        (
            "pub struct U;\nimpl U { pub fn m(self: &Self, mut n: u8) {} }\n",
            "pub struct U;\nimpl U { pub fn m(&self, n: u8) {} }\n",
        ),
        (
            "pub fn run(cmd: &mut clap::Command) -> std::io::Result<()> { todo!() }\n"
            "pub struct S { pub c: clap::Command }\n",
            "use clap::Command;\nuse std::io;\n\n"
            "pub fn run(cmd: &mut Command) -> io::Result<()> { todo!() }\n"
            "pub struct S { pub c: Command }\n",
        ),
        (
            "use clap::Command as Cmd;\npub trait G { fn gen(&self, c: &Cmd); }\n",
            "pub trait G { fn gen(&self, c: &clap::Command); }\n",
        ),
        (
            "use clap::Command;\npub fn f() -> Command { todo!() }\n"
            "pub mod util {\n    use clap::Command;\n    pub fn g(c: Command) {}\n}\n",
            "use clap::Command;\npub fn f() -> clap::Command { todo!() }\n"
            "pub mod util {\n    use clap::Command;\n    pub fn g(c: Command) {}\n}\n",
        ),
        (
            "pub fn run<F>(f: F) where F: FnMut() -> Box<FnMut(u8) + Send> {}\n",
            "pub fn run<F>(f: F) where F: FnMut() -> Box<dyn FnMut(u8) + Send> {}\n",
        ),
        (
            "pub trait It: Iterator {\n"
            "    fn group<K>(self) -> Vec<K> where Self: Sized, K: Fn(&Self::Item)->bool {\n"
            "        todo!()\n    }\n"
            "}\n"
            "pub fn cons<I, J>(i: I) -> Vec<J> where I: IntoIterator<Item=J> { todo!() }\n",
            "pub trait It: Iterator {\n"
            "    fn group<K>(self) -> Vec<K>\n    where\n        Self: Sized,\n"
            "        K: Fn(&Self::Item) -> bool,\n    {\n        todo!()\n    }\n"
            "}\n"
            "pub fn cons<I, J>(i: I) -> Vec<J>\nwhere\n    I: IntoIterator<Item = J>,\n"
            "{\n    todo!()\n}\n",
        ),
        (
            "pub fn zip<T, U>(u: U) -> Zip<T> where Zip<T>: From<U>, Zip<T>: Iterator {\n"
            "    todo!()\n}\n",
            "pub fn zip<T, U>(u: U) -> Zip<T>\nwhere\n    Zip<T>: Iterator + From<U>,\n"
            "{\n    todo!()\n}\n",
        ),
        (
            "pub struct Key<'a>(&'a str);\npub trait ToKey { fn to_key(&self) -> Key; }\n"
            "pub fn cap<T>(v: &T) where T: self::ser::Serialize {}\npub mod ser {\n"
            "    pub trait Serialize {}\n}\n",
            "pub struct Key<'a>(&'a str);\npub trait ToKey { fn to_key(&self) -> Key<'_>; }\n"
            "pub fn cap<T>(v: &T) where T: ser::Serialize {}\npub mod ser {\n"
            "    pub trait Serialize {}\n}\n",
        ),
        (
            "pub trait P {\n"
            "    fn by_key<B, F>(&mut self, f: F) where B: Ord, F: Fn(&u8) -> B {}\n}\n"
            "pub fn pick<'a, T: Into<&'a str>>(t: T) -> &'a str { todo!() }\n",
            "pub trait P {\n"
            "    fn by_key<K, F>(&mut self, f: F) where K: Ord, F: Fn(&u8) -> K {}\n}\n"
            "pub fn pick<'b, U: Into<&'b str>>(t: U) -> &'b str { todo!() }\n",
        ),
        (
            "pub fn cmp<I>(i: I) where I: IntoIterator<Item = u8>, I::IntoIter: Clone + Send {}\n"
            "pub fn flat<T>(t: T) where T: IntoIterator<Item: Send> {}\n",
            "pub fn cmp<I>(i: I) where I: IntoIterator<Item = u8, IntoIter: Clone + Send> {}\n"
            "pub fn flat<T>(t: T) where T: IntoIterator, <T as IntoIterator>::Item: Send {}\n",
        ),
        (
            "pub struct P;\npub struct Req<'h, 'b>(&'h u8, &'b u8);\nimpl P {\n"
            "    pub fn parse<'h, 'b>(&self, r: &mut Req<'h, 'b>, buf: &'b [u8]) {}\n"
            "    pub fn diff<'o, 'n>(&self, old: &'o str, new: &'n str) -> String { todo!() }\n"
            "    pub fn iter<'s>(&'s self) -> impl Iterator<Item = &'s u8> + '_ where 's: 'static"
            " { todo!() }\n}\n",
            "pub struct P;\npub struct Req<'h, 'b>(&'h u8, &'b u8);\nimpl P {\n"
            "    pub fn parse<'b>(&self, r: &mut Req<'_, 'b>, buf: &'b [u8]) {}\n"
            "    pub fn diff(&self, old: &str, new: &str) -> String { todo!() }\n"
            "    pub fn iter<'s>(&'s self) -> impl Iterator<Item = &'s u8> + 's where 's: 'static"
            " { todo!() }\n}\n",
        ),
        (
            "pub struct S;\nimpl S {\n    pub fn new<'a, B: AsRef<[u8]>>(b: &'a B) -> &'a Self"
            " { todo!() }\n}\npub trait V {\n"
            "    fn lossy<'a>(s: &'a OsStr) -> Cow<'a, [u8]> { todo!() }\n}\n",
            "pub struct S;\nimpl S {\n"
            "    pub fn new<B: AsRef<[u8]>>(b: &B) -> &Self { todo!() }\n}\n"
            "pub trait V {\n    fn lossy(s: &OsStr) -> Cow<'_, [u8]> { todo!() }\n}\n",
        ),
        (
            "pub fn ser<S: Serializer>(v: &u8, s: S) -> Result<S::Ok, S::Error> { todo!() }\n"
            "pub fn it<I: Iterator<Item = u8>>(i: I) {}\n"
            "pub fn de<'a, D: Deserializer<'a> + Send>(d: D) -> D::Error { todo!() }\n",
            "pub fn ser<S>(v: &u8, s: S) -> Result<S::Ok, S::Error>\nwhere\n    S: Serializer,\n"
            "{ todo!() }\npub fn it<I>(i: I) where I: Iterator<Item = u8> {}\n"
            "pub fn de<'a, D>(d: D) -> D::Error where D: Send + Deserializer<'a>"
            " { todo!() }\n",
        ),
        (
            "pub trait Hash {\n"
            "    fn hash<H: std::hash::Hasher>(&self, h: &mut H);\n"
            "    fn boxed(self) -> alloc::boxed::Box<Self>\n"
            "        where Self: Sized + ::std::panic::UnwindSafe;\n"
            "}\n",
            "pub trait Hash {\n"
            "    fn hash<H: core::hash::Hasher>(&self, h: &mut H);\n"
            "    fn boxed(self) -> std::boxed::Box<Self>\n"
            "        where Self: Sized + ::core::panic::UnwindSafe;\n"
            "}\n",
        ),
    ],
    ids=[
        "self-for-the-impl-type",
        "generic-impl-type",
        "mut-self",
        "elided-lifetime",
        "self-typed",
        "imported-names",
        "renamed-import",
        "same-import-in-an-inline-module",
        "dyn-trait-object",
        "rustfmt-layout",
        "merged-where-bounds",
        "self-paths-and-elided-lifetimes",
        "generic-parameters-renamed",
        "associated-type-bounds-in-the-arguments",
        "lifetimes-named-once-or-elided",
        "the-sole-input-lifetime-reused-by-the-result",
        "bounds-inline-or-in-the-where-clause",
        "std-core-and-alloc-roots",
    ],
)
def test_spellings_of_the_same_signature_are_no_change(
    repo: GitRepo, before: str, after: str
) -> None:
    assert _found(_lib(repo, before, after)) == []


def test_a_type_moved_within_the_crate_and_imported_by_path_is_the_same_type(
    repo: GitRepo,
) -> None:
    """The type now lives in another private module and the function's file imports it through
    the crate's path (``use crate::future::Handle``): the signature still names the same type."""
    files = {
        "src/lib.rs": "pub mod future;\n",
        "src/future/mod.rs": "mod abortable;\npub use self::abortable::{abortable, Handle};\n",
        "src/future/abortable.rs": "pub struct Handle;\n"
        "pub fn abortable<T>(t: T) -> (Handle, u8)\n    where T: Copy\n{ todo!() }\n",
    }
    changed = {
        "src/future/mod.rs": "mod abortable;\nmod handle;\npub use self::abortable::abortable;\n"
        "pub use self::handle::Handle;\n",
        "src/future/handle.rs": "pub struct Handle;\n",
        "src/future/abortable.rs": "use crate::future::Handle;\n"
        "pub fn abortable<T>(t: T) -> (Handle, u8)\nwhere\n    T: Copy,\n{ todo!() }\n",
    }
    assert _found(_change(repo, files, changed)) == []


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (
            "pub struct W<T>(T);\nimpl<T> W<T> { pub fn get(self) -> W<u8> { todo!() } }\n",
            "pub struct W<T>(T);\nimpl<T> W<T> { pub fn get(self) -> Self { todo!() } }\n",
            "signature of pub fn W::get changed: (self) -> W<u8> -> (self) -> Self",
        ),
        (
            "pub struct U;\nimpl U {\n    pub fn m<'a>(&'a self, x: &'a u8) -> &'a u8 { x }\n}\n",
            "pub struct U;\nimpl U {\n    pub fn m<'a>(&self, x: &'a u8) -> &'a u8 { x }\n}\n",
            "signature of pub fn U::m changed: <'a>(&'a self, &'a u8) -> &'a u8 -> "
            "<'a>(&self, &'a u8) -> &'a u8",
        ),
        (
            "pub struct B;\nimpl B { pub fn f(&self) {} }\n",
            "pub struct B;\nimpl B { pub fn f(&mut self) {} }\n",
            "signature of pub fn B::f changed: (&self) -> () -> (&mut self) -> ()",
        ),
        (
            "pub fn f<A, B>(a: A, b: B) {}\n",
            "pub fn f<B, A>(a: A, b: B) {}\n",
            "signature of pub fn f changed: <A, B>(A, B) -> () -> <B, A>(A, B) -> ()",
        ),
        (
            "pub fn f() -> std::io::Error { todo!() }\n",
            "use crate::errors::Error;\npub fn f() -> Error { todo!() }\n",
            "signature of pub fn f changed: () -> std::io::Error -> () -> Error",
        ),
        (
            "use a::Handle;\npub mod inner {\n    use b::Handle;\n"
            "    pub fn open(h: Handle) {}\n}\n",
            "use a::Handle;\npub mod inner {\n    pub fn open(h: a::Handle) {}\n}\n",
            "signature of pub fn inner::open changed: (Handle) -> () -> (a::Handle) -> ()",
        ),
        (
            "use crate::model::T;\npub fn f<T: Clone>(x: T) -> T { x }\n",
            "use crate::model::T;\npub fn f<T: Clone>(x: crate::model::T) -> T { x }\n",
            "signature of pub fn f changed: <T: Clone>(T) -> T -> <T: Clone>(crate::model::T) -> T",
        ),
        (
            '#[cfg(feature = "std")]\nuse std::io::Error;\n'
            '#[cfg(not(feature = "std"))]\nuse core2::io::Error;\n'
            "pub fn f() -> Error { todo!() }\n",
            "pub fn f() -> core2::io::Error { todo!() }\n",
            "signature of pub fn f changed: () -> Error -> () -> core2::io::Error",
        ),
    ],
    ids=[
        "other-generic-arguments",
        "lifetime-shared-with-a-parameter",
        "borrow-mutability",
        "generic-parameters-swapped",
        "other-type-of-the-same-name",
        "import-shadowed-in-an-inline-module",
        "import-shadowed-by-a-generic-parameter",
        "name-imported-from-two-paths-under-cfg",
    ],
)
def test_real_signature_changes_in_impls_are_still_seen(
    repo: GitRepo, before: str, after: str, expected: str
) -> None:
    assert _found(_lib(repo, before, after)) == [("major", expected)]


def _moved(
    repo: GitRepo, files: dict[str, str], changed: dict[str, str | None]
) -> list[tuple[str, str]]:
    return _found(crate_change(repo, files, changed))


OLD_RS = "pub trait Parser {\n    fn parse(&self);\n}\npub fn Thing() {}\npub fn other() {}\n"


def test_an_item_moved_between_private_modules_behind_the_same_reexport_is_kept(
    repo: GitRepo,
) -> None:
    # Callers name demo::Parser and demo::Renamed: both still exist, from another module now.
    # Gone is demo::other, exported from nowhere else.
    files = {
        "src/lib.rs": "mod old;\nmod new;\npub use old::{Parser, Thing as Renamed, other};\n",
        "src/old.rs": OLD_RS,
        "src/new.rs": "pub fn unrelated() {}\n",
    }
    changed = {
        "src/lib.rs": "mod new;\npub use new::{Parser, Thing as Renamed};\n",
        "src/new.rs": "pub trait Parser {\n    fn parse(&self);\n}\npub fn Thing() {}\n",
        "src/old.rs": None,
    }
    assert _moved(repo, files, changed) == [
        ("major", "removed pub fn other from src/old.rs"),
        ("major", "removed pub use other from src/lib.rs"),
    ]


def test_a_moved_item_is_compared_with_its_new_home(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "mod imp;\nmod imp2;\npub use imp::{parse, Config};\n",
        "src/imp.rs": (
            "pub fn parse(x: i32) {}\npub struct Config {\n    pub a: u8,\n}\n"
            "impl Config {\n    pub fn new() -> Self { todo!() }\n}\n"
        ),
        "src/imp2.rs": "\n",
    }
    changed = {
        "src/lib.rs": "mod imp2;\npub use imp2::{parse, Config};\n",
        "src/imp2.rs": "pub fn parse(x: String) {}\npub struct Config {\n    pub b: u8,\n}\n",
        "src/imp.rs": None,
    }
    assert _moved(repo, files, changed) == [
        (
            "major",
            "new pub field Config.b: Config had only public fields and no #[non_exhaustive], "
            "so struct literals of it no longer compile",
        ),
        ("major", "removed pub field Config.a"),
        ("major", "removed pub fn Config::new from src/imp.rs"),
        ("major", "signature of pub fn parse changed: (i32) -> () -> (String) -> ()"),
    ]


def test_an_item_moved_where_it_is_not_compared_is_a_review_item(repo: GitRepo) -> None:
    # Parser now lives in lib.rs itself: the name stays, its new body is not compared.
    files = {"src/lib.rs": "mod old;\npub use old::{Parser};\n", "src/old.rs": OLD_RS}
    changed = {
        "src/lib.rs": "mod old;\npub trait Parser {\n    fn parse(&self);\n}\n",
        "src/old.rs": "pub fn Thing() {}\npub fn other() {}\n",
    }
    assert _moved(repo, files, changed) == [
        (
            "patch",
            "pub trait Parser left src/old.rs; src/lib.rs still exports it as Parser (review)",
        ),
    ]


def test_a_name_reexported_as_something_else_is_removed(repo: GitRepo) -> None:
    files = {"src/lib.rs": "mod imp;\npub use imp::Foo;\n", "src/imp.rs": "pub struct Foo;\n"}
    changed = {"src/lib.rs": "mod imp;\npub type Foo = u32;\n", "src/imp.rs": "\n"}
    assert _moved(repo, files, changed) == [
        ("major", "removed pub struct Foo from src/imp.rs"),
    ]


def test_a_moved_type_whose_impl_stays_behind_keeps_its_methods(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "mod a;\npub use a::Foo;\n",
        "src/a.rs": (
            "pub struct Foo {\n    pub a: u32,\n}\n"
            "impl Foo {\n    pub fn new() -> Self { todo!() }\n}\n"
        ),
    }
    changed = {
        "src/lib.rs": "mod a;\nmod types;\npub use types::Foo;\n",
        "src/types.rs": "pub struct Foo {\n    pub a: u32,\n}\n",
        "src/a.rs": "use crate::types::Foo;\nimpl Foo {\n    pub fn new() -> Self { todo!() }\n}\n",
    }
    assert _moved(repo, files, changed) == []


def test_an_item_the_root_now_reexports_is_compared_with_its_new_home(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "pub struct Foo {\n    pub a: u32,\n}\n"
        "impl Foo {\n    pub fn new() -> Self { todo!() }\n"
        "    pub fn len(&self) -> usize { 0 }\n}\n"
    }
    changed = {
        "src/lib.rs": "mod imp;\npub use imp::Foo;\n",
        "src/imp.rs": "pub struct Foo {\n    pub a: u64,\n}\n"
        "impl Foo {\n    pub fn new() -> Self { todo!() }\n}\n",
    }
    assert _moved(repo, files, changed) == [
        ("major", "removed pub fn Foo::len from src/lib.rs"),
        ("major", "type of pub field Foo.a changed: u32 -> u64"),
    ]


def test_an_item_the_root_reexports_from_elsewhere_is_a_review_item(repo: GitRepo) -> None:
    files = {"src/lib.rs": "pub struct Foo;\nimpl Foo {\n    pub fn new() -> Self { Foo }\n}\n"}
    changed = {"src/lib.rs": "pub use other::Foo;\n"}
    assert _moved(repo, files, changed) == [
        ("patch", "pub struct Foo left src/lib.rs; src/lib.rs still exports it as Foo (review)"),
    ]


def test_a_move_that_adds_an_alias_is_still_compared(repo: GitRepo) -> None:
    files = {
        "src/lib.rs": "mod a;\nmod b;\npub use a::Foo;\n",
        "src/a.rs": "pub struct Foo {\n    pub a: u32,\n}\n",
        "src/b.rs": "\n",
    }
    changed = {
        "src/lib.rs": "mod b;\npub use b::{Foo, Foo as Bar};\n",
        "src/b.rs": "pub struct Foo {\n    pub a: u64,\n}\n",
        "src/a.rs": None,
    }
    assert _moved(repo, files, changed) == [
        ("major", "type of pub field Foo.a changed: u32 -> u64"),
        ("minor", "new pub use Bar in src/lib.rs"),
    ]


def test_a_new_where_bound_is_still_a_change(repo: GitRepo) -> None:
    before = "pub fn zip<T, U>(u: U) -> T where T: From<U> { todo!() }\n"
    after = "pub fn zip<T, U>(u: U) -> T\nwhere\n    T: From<U> + Clone,\n{\n    todo!()\n}\n"
    assert [bump for bump, _ in _found(_lib(repo, before, after))] == ["major"]


def test_a_hidden_variant_is_no_api_and_leaves_the_enum_open(repo: GitRepo) -> None:
    before = "pub enum Op {\n    Exact,\n    Less,\n    #[doc(hidden)]\n    __NonExhaustive,\n}\n"
    after = "#[non_exhaustive]\npub enum Op {\n    Exact,\n    Less,\n    Tilde,\n}\n"
    assert _found(_lib(repo, before, after)) == [
        ("minor", "new variant Op::Tilde of #[non_exhaustive] enum in src/lib.rs")
    ]


def test_a_receiver_relaxed_from_mut_is_minor(repo: GitRepo) -> None:
    before = (
        "pub struct B;\nimpl B {\n    pub fn f<'a>(&'a mut self, n: u8) -> &'a u8 { todo!() }\n}\n"
    )
    after = "pub struct B;\nimpl B {\n    pub fn f<'a>(&'a self, n: u8) -> &'a u8 { todo!() }\n}\n"
    assert _found(_lib(repo, before, after)) == [
        ("minor", "receiver of pub fn B::f relaxed from &mut self to &self")
    ]


def test_a_where_bound_taken_away_relaxes_a_function(repo: GitRepo) -> None:
    before = (
        "pub struct M;\nimpl M {\n"
        "    pub fn sort_by<F>(&mut self, f: F) where Self: Sized, F: FnMut(&u8) -> bool {}\n"
        "    pub fn keep<F>(&mut self, f: F) where F: FnMut(&u8) -> bool {}\n}\n"
    )
    after = (
        "pub struct M;\nimpl M {\n"
        "    pub fn sort_by<F>(&mut self, f: F) where F: FnMut(&u8) -> bool {}\n"
        "    pub fn keep<F>(&mut self, f: F) where F: FnMut(&u8) -> bool, F: Clone {}\n}\n"
    )
    found = _found(_lib(repo, before, after))
    assert [bump for bump, _ in found] == ["major", "minor"]
    assert found[0][1].startswith("signature of pub fn M::keep changed")
    assert found[1][1].startswith("bounds of pub fn M::sort_by relaxed: <F>(&mut self, F)")


def test_an_inline_bound_taken_away_relaxes_a_function(repo: GitRepo) -> None:
    found = _found(
        _lib(repo, "pub fn f<T: Send + Clone>(t: T) {}\n", "pub fn f<T: Clone>(t: T) {}\n")
    )
    assert found == [
        ("minor", "bounds of pub fn f relaxed: <T: Send + Clone>(T) -> () -> <T: Clone>(T) -> ()")
    ]


def test_an_item_hidden_from_the_docs_is_still_callable(repo: GitRepo) -> None:
    before = (
        "pub struct T;\nimpl T {\n    pub fn old(n: u8) -> T { T }\n    pub fn kept() {}\n}\n"
        "pub fn helper() {}\npub fn gone() {}\n"
    )
    after = (
        "pub struct T;\nimpl T {\n    pub fn kept() {}\n}\n"
        '#[doc(hidden)]\nimpl T {\n    #[deprecated(note = "use kept")]\n'
        "    pub fn old(n: u8) -> T { T }\n}\n"
        "#[doc(hidden)]\npub fn helper() {}\n"
    )
    assert _found(_lib(repo, before, after)) == [
        ("major", "pub fn helper is now #[doc(hidden)]: still callable, but no longer public API"),
        ("major", "removed pub fn gone from src/lib.rs"),
        ("minor", "pub fn T::old is now deprecated and #[doc(hidden)]: still callable"),
    ]


def test_a_sealed_trait_gains_methods_freely_and_hidden_trait_items_are_no_api(
    repo: GitRepo,
) -> None:
    before = (
        "mod private {\n    pub trait Sealed {}\n}\n"
        "pub trait Index: private::Sealed {\n"
        "    #[doc(hidden)]\n    fn remove_from(&self) -> u8;\n    fn index(&self) -> u8;\n}\n"
        "pub trait Open {\n    fn index(&self) -> u8;\n}\n"
    )
    after = (
        "mod private {\n    pub trait Sealed {}\n}\n"
        "pub trait Index: private::Sealed {\n"
        "    #[doc(hidden)]\n    fn swap_remove_from(&self) -> u8;\n    fn index(&self) -> u8;\n"
        "    fn get(&self) -> u8;\n}\n"
        "pub trait Open {\n    fn index(&self) -> u8;\n    fn get(&self) -> u8;\n}\n"
    )
    assert _found(_lib(repo, before, after)) == [
        ("major", "new required trait item Open::get: implementations of Open no longer compile"),
        ("minor", "new trait item Index::get of sealed trait Index in src/lib.rs"),
    ]


def test_procedural_macros_are_named_by_the_macro_not_the_function(repo: GitRepo) -> None:
    before = (
        "#[proc_macro_derive(EnumTable, attributes(strum))]\n"
        "pub fn enum_table(input: TokenStream) -> TokenStream { input }\n"
        "#[proc_macro_derive(Display)]\n"
        "pub fn display(input: TokenStream) -> TokenStream { input }\n"
        "#[proc_macro_attribute]\n"
        "pub fn route(args: TokenStream, input: TokenStream) -> TokenStream { input }\n"
    )
    after = (
        "#[doc(hidden)]\n"
        "#[proc_macro_derive(EnumTable, attributes(strum))]\n"
        "pub fn enum_table_derive(item: proc_macro::TokenStream) -> proc_macro::TokenStream {\n"
        "    item\n}\n"
        "#[proc_macro_attribute]\n"
        "pub fn route(args: TokenStream, item: TokenStream) -> TokenStream { item }\n"
    )
    # EnumTable still derives (hidden from the docs, under another function); Display is gone.
    assert _found(_lib(repo, before, after)) == [
        ("major", "removed pub derive macro Display from src/lib.rs"),
    ]


def test_variant_fields_are_compared_without_comments_and_layout(repo: GitRepo) -> None:
    before = (
        "pub enum DecodeError {\n    InvalidByte(usize, u8),\n"
        "    InvalidLastSymbol { offset: usize, symbol: u8 },\n    InvalidLength,\n}\n"
    )
    after = (
        "pub enum DecodeError {\n    /// The offset and the byte.\n    InvalidByte(\n"
        "        usize, // offset\n        u8,\n    ),\n    InvalidLastSymbol {\n"
        "        /// Offset in the input.\n        offset: usize,\n        symbol: u8,\n    },\n"
        "    InvalidLength(usize),\n}\n"
    )
    # Only InvalidLength changed shape; the rest gained comments and rustfmt's layout.
    assert _found(_lib(repo, before, after)) == [
        ("major", "fields of variant DecodeError::InvalidLength changed: unit -> (usize)"),
    ]


def test_a_type_spelled_by_a_macro_call_is_a_review_item(repo: GitRepo) -> None:
    found = _lib(
        repo,
        "pub struct E;\nimpl E {\n    pub fn trace(&self) -> &bt!() { todo!() }\n}\n",
        "pub struct E;\nimpl E {\n    pub fn trace(&self) -> &Backtrace { todo!() }\n}\n",
    )
    assert [(e.bump, e.strength) for e in found] == [("patch", Strength.WEAK)]
    assert "(review: a macro type)" in found[0].message


def test_a_change_beside_a_macro_type_is_still_breaking(repo: GitRepo) -> None:
    found = _lib(
        repo,
        "pub struct E;\nimpl E {\n    pub fn trace(&self, depth: u32) -> &bt!() { todo!() }\n}\n",
        "pub struct E;\nimpl E {\n"
        "    pub fn trace(&self, depth: String, extra: bool) -> &bt!() { todo!() }\n}\n",
    )
    assert [(e.bump, e.strength) for e in found] == [("major", Strength.PROOF)]
