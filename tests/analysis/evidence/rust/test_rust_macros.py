"""Items a crate declares through its own ``macro_rules!`` macros are read from the expansion."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.evidence.rust import cratemacros
from release_tools.analysis.evidence.rust.syntax import macro_rules, parse_module
from rust_crate import crate_change

CODES = r"""
macro_rules! status_codes {
    (
        $(
            $(#[$docs:meta])*
            ($num:expr, $konst:ident, $phrase:expr);
        )+
    ) => {
        impl StatusCode {
        $(
            $(#[$docs])*
            pub const $konst: StatusCode = StatusCode($num);
        )+
        }
    }
}

pub struct StatusCode(u16);

status_codes! {
    /// 200 OK
    (200, OK, "OK");
    #[doc = "Not Found"]
    (404, NOT_FOUND, "Not Found");
}
"""

CFG = r"""
macro_rules! cfg_rt {
    ($($item:item)*) => {
        $(
            #[cfg(feature = "rt")]
            $item
        )*
    }
}
"""


def _items(code: str) -> dict[str, tuple[str, str | None]]:
    module = parse_module(code)
    assert module is not None
    return {key: (item.kind, item.signature) for key, item in module.items.items()}


def test_a_table_macro_gives_its_constants() -> None:
    assert _items(CODES) == {
        "StatusCode": ("struct", None),
        "StatusCode::OK": ("const", "Self"),
        "StatusCode::NOT_FOUND": ("const", "Self"),
    }


def test_items_passed_through_a_macro_read_as_written() -> None:
    code = CFG + (
        "cfg_rt! {\n    pub fn spawn<T: Send>(task: T) -> Handle<T> { todo!() }\n"
        "    pub mod runtime;\n    fn private() {}\n}\n"
    )
    plain = "pub fn spawn<T: Send>(task: T) -> Handle<T> { todo!() }\npub mod runtime;\n"
    assert _items(code) == _items(plain)
    module = parse_module(code)
    assert module is not None and module.modules == {"runtime": True}


def test_the_first_matching_rule_expands_and_nested_invocations_too() -> None:
    code = r"""
macro_rules! ast_struct {
    ($(#[$attr:meta])* $pub:ident $struct:ident $name:ident #full $body:tt) => {
        ast_struct! { $(#[$attr])* $pub $struct $name $body }
    };
    ($(#[$attr:meta])* $pub:ident $struct:ident $name:ident $body:tt) => {
        $(#[$attr])* $pub $struct $name $body
    };
}
ast_struct! {
    /// A function.
    pub struct ItemFn #full {
        pub attrs: Vec<Attribute>,
        pub sig: Signature,
    }
}
"""
    module = parse_module(code)
    assert module is not None
    item = module.items["ItemFn"]
    assert (item.kind, item.members) == (
        "struct",
        (("attrs", "Vec<Attribute>"), ("sig", "Signature")),
    )
    assert item.line == 10  # where the invocation stands


def test_the_crates_rules_from_another_file_expand_and_the_files_own_win() -> None:
    rules = macro_rules(CFG)
    use = "cfg_rt! { pub fn spawn() {} }\n"
    assert "spawn" not in _items(use)
    module = parse_module(use, rules=rules)
    assert module is not None and "spawn" in module.items
    own = "macro_rules! cfg_rt { ($($i:item)*) => {}; }\n" + use
    shadowed = parse_module(own, rules=rules)
    assert shadowed is not None and "spawn" not in shadowed.items


def test_an_invocation_no_rule_matches_or_an_unknown_macro_gives_nothing() -> None:
    code = CFG.replace("$($item:item)*", "(only $x:ident)") + "cfg_rt! { pub fn f() {} }\n"
    assert _items(code) == {}
    assert _items("unknown_items! { pub static ref X: u32 = 1; }\n") == {}


def test_expansion_is_bounded() -> None:
    # A macro that invokes itself for ever, and one that multiplies its input.
    endless = "macro_rules! again { ($($t:tt)*) => { again! { $($t)* } }; }\nagain! { x }\n"
    assert _items(endless) == {}
    doubling = (
        "macro_rules! grow { ($($t:tt)*) => { grow! { $($t)* $($t)* } }; }\n"
        "grow! { pub fn f() {} }\n"
    )
    assert _items(doubling) == {}
    nested = "macro_rules! deep { ($($($($t:tt)*)*)*) => {}; }\ndeep! { a b c d e f g h }\n"
    assert _items(nested) == {}


def test_a_constant_the_table_drops_is_removed_and_one_it_gains_is_new(repo: GitRepo) -> None:
    fewer = CODES.replace('    #[doc = "Not Found"]\n    (404, NOT_FOUND, "Not Found");\n', "")
    more = CODES.replace("(200, OK", '(201, CREATED, "Created");\n    (200, OK')
    found = crate_change(repo, {"src/lib.rs": CODES}, {"src/lib.rs": fewer})
    assert [(e.bump, e.message) for e in found] == [
        ("major", "removed pub const StatusCode::NOT_FOUND from src/lib.rs")
    ]
    found = crate_change(repo, {"src/lib.rs": fewer}, {"src/lib.rs": more})
    assert sorted((e.bump, e.message) for e in found) == [
        ("minor", "new pub const StatusCode::CREATED in src/lib.rs"),
        ("minor", "new pub const StatusCode::NOT_FOUND in src/lib.rs"),
    ]


def test_an_item_moved_into_a_macro_invocation_is_no_change(repo: GitRepo) -> None:
    plain = "pub fn spawn<T: Send>(task: T) -> Handle<T> {\n    todo!()\n}\n"
    wrapped = CFG + "cfg_rt! {\n" + plain + "}\n"
    assert crate_change(repo, {"src/lib.rs": plain}, {"src/lib.rs": wrapped}) == []


def test_a_macro_declared_in_another_file_of_the_crate_expands(repo: GitRepo) -> None:
    lib = "#[macro_use]\nmod macros;\npub mod codes;\n"
    table = CODES.split("pub struct StatusCode", 1)
    codes = "pub struct StatusCode" + table[1]
    files = {"src/lib.rs": lib, "src/macros.rs": table[0], "src/codes.rs": codes}
    fewer = codes.replace('    (200, OK, "OK");\n', "")
    found = crate_change(repo, files, {"src/codes.rs": fewer})
    assert [(e.bump, e.message) for e in found] == [
        ("major", "removed pub const StatusCode::OK from src/codes.rs")
    ]


def test_the_source_root_of_a_module_file() -> None:
    assert cratemacros.source_root("crates/http/src/header/name.rs") == "crates/http/src"
    assert cratemacros.source_root("src/lib.rs") == "src"
    assert cratemacros.source_root("lib.rs") == ""
    assert cratemacros.source_root("tokio/src/src/x.rs") == "tokio/src/src"


def test_a_repetition_separator_is_matched_and_written() -> None:
    # `$(...),*` takes `a, b, c`; the body's `$(...),*` writes the commas back.
    code = (
        "macro_rules! getters {\n"
        "    ($($name:ident: $ty:ty),* $(,)?) => {\n"
        "        $(pub fn $name() -> $ty { todo!() })*\n"
        "        pub fn all() -> ($($ty),*) { todo!() }\n"
        "    };\n"
        "}\n"
        "getters! { width: u32, height: u16, }\n"
    )
    assert _items(code) == {
        "width": ("fn", "() -> u32"),
        "height": ("fn", "() -> u16"),
        "all": ("fn", "() -> (u32,u16)"),
    }
