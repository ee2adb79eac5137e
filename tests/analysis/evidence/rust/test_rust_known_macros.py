"""Items written inside ``cfg_if!`` and ``bitflags!`` invocations, macros of other crates whose
rules the reader brings along, are read as the real macros give them."""

from __future__ import annotations

from gitrepo import GitRepo
from release_tools.analysis.evidence.rust.syntax import parse_module
from rust_crate import crate_change

CFG_IF = """
cfg_if::cfg_if! {
    if #[cfg(unix)] {
        mod unix;
        pub use self::unix::Handle;
        pub fn page_size() -> usize { 4096 }
    } else if #[cfg(windows)] {
        pub fn page_size() -> u32 { 4096 }
    } else {
        pub fn unsupported() {}
    }
}

cfg_if! {
    if #[cfg(feature = "std")] {
        pub struct Buffer { pub data: Vec<u8> }
    }
}
"""

FLAGS = """
bitflags::bitflags! {
    /// How a file is opened.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Mode: u32 {
        /// Read access.
        const READ = 0b0001;
        const WRITE = 0b0010;
        const ALL = Self::READ.bits() | Self::WRITE.bits();
    }
}
"""


def _items(code: str) -> dict[str, tuple[str, str | None]]:
    module = parse_module(code)
    assert module is not None
    return {key: (item.kind, item.signature) for key, item in module.items.items()}


def test_every_cfg_if_branch_is_read() -> None:
    module = parse_module(CFG_IF)
    assert module is not None
    items = _items(CFG_IF)
    assert items["page_size"] == ("fn", "() -> u32 | () -> usize")
    assert items["unsupported"] == ("fn", "() -> ()")
    assert items["Buffer"][0] == "struct"
    assert [use.path for use in module.uses] == ["self::unix::Handle"]
    assert module.modules == {"unix": False}


def test_bitflags_gives_the_struct_and_one_constant_per_flag() -> None:
    assert _items(FLAGS) == {
        "Mode": ("struct", None),
        "Mode::READ": ("const", "Self"),
        "Mode::WRITE": ("const", "Self"),
        "Mode::ALL": ("const", "Self"),
    }
    external = (
        "pub struct Mode(u8);\nbitflags! {\n    impl Mode: u8 {\n        const X = 1;\n    }\n}\n"
    )
    assert _items(external)["Mode::X"] == ("const", "Self")


def test_a_crates_own_macro_of_the_same_name_wins() -> None:
    own = "macro_rules! bitflags { ($($t:tt)*) => { pub fn mine() {} } }\n" + FLAGS
    assert set(_items(own)) == {"mine"}


def test_a_removed_flag_is_major_and_a_new_one_minor(repo: GitRepo) -> None:
    fewer = FLAGS.replace("        const WRITE = 0b0010;\n", "").replace(
        " | Self::WRITE.bits()", ""
    )
    found = crate_change(repo, {"src/lib.rs": FLAGS}, {"src/lib.rs": fewer})
    assert [(e.bump, e.message) for e in found] == [
        ("major", "removed pub const Mode::WRITE from src/lib.rs")
    ]


def test_a_function_added_inside_cfg_if_is_minor(repo: GitRepo) -> None:
    more = CFG_IF.replace(
        "pub fn unsupported() {}", "pub fn unsupported() {}\n        pub fn fallback() {}"
    )
    found = crate_change(repo, {"src/lib.rs": CFG_IF}, {"src/lib.rs": more})
    assert [(e.bump, e.message) for e in found] == [("minor", "new pub fn fallback in src/lib.rs")]


def test_word_tokens_of_a_tt_repetition_stay_apart() -> None:
    code = (
        "macro_rules! wrap { ($($t:tt)*) => { $($t)* } }\n"
        "wrap! { pub fn spaced(x: u8) -> u8 { x } }\n"
    )
    assert _items(code) == {"spaced": ("fn", "(u8) -> u8")}
