"""Items written inside ``cfg_if!``, ``bitflags!``, ``lazy_static!``, ``thread_local!`` and
``pin_project!`` invocations, macros of other crates whose rules the reader brings along, are
read as the real macros give them."""

from __future__ import annotations

import pytest

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


LAZY = """
lazy_static! {
    /// The compiled patterns.
    #[allow(missing_docs)]
    pub static ref PATTERNS: Mutex<HashMap<String, Regex>> = Mutex::new(HashMap::new());
    static ref PRIVATE: u8 = 1;
    pub(crate) static ref CRATE_ONLY: u8 = 1;
    #[doc(hidden)]
    pub static ref INTERNAL: u8 = 1;
    #[cfg(test)]
    pub static ref FIXTURE: u8 = 2;
    pub static ref EMPTY: Box<dyn Iterator<Item = u8> + Sync> = Box::new(std::iter::empty());
}
lazy_static::lazy_static! { pub static ref WORD: Regex = Regex::new("a;b").unwrap(); }
"""

LOCAL = """
std::thread_local! {
    /// Calls made on this thread.
    pub static CALLS: RefCell<u32> = RefCell::new(0);
    static SCRATCH: Cell<u8> = const { Cell::new(0) };
    pub static BUFFER: Vec<Vec<u8>> = { let v = Vec::new(); v }
}
"""

PINNED = """
pin_project! {
    /// A future mapped by a function.
    #[project = MapProj]
    pub struct Map<Fut, F> {
        #[pin]
        pub future: Fut,
        f: Option<F>,
    }
    impl<Fut, F> PinnedDrop for Map<Fut, F> {
        fn drop(this: Pin<&mut Self>) {}
    }
}
"""


def test_lazy_static_gives_one_static_of_its_type_per_public_item() -> None:
    module = parse_module(LAZY)
    assert module is not None
    assert _items(LAZY) == {
        "PATTERNS": ("static", "Mutex<HashMap<String, Regex>>"),
        "EMPTY": ("static", "Box<dyn Iterator<Item = u8> + Sync>"),
        "WORD": ("static", "Regex"),
    }
    assert module.hidden == {"INTERNAL": False}


def test_thread_local_gives_one_local_key_per_public_item() -> None:
    assert _items(LOCAL) == {
        "CALLS": ("static", "std::thread::LocalKey<RefCell<u32>>"),
        "BUFFER": ("static", "std::thread::LocalKey<Vec<Vec<u8>>>"),
    }


def test_pin_project_gives_the_type_as_written() -> None:
    module = parse_module(PINNED)
    assert module is not None
    assert _items(PINNED) == {"Map": ("struct", None)}
    assert module.items["Map"].members == (("future", "Fut"),)
    assert not module.items["Map"].closed


def test_a_lazy_static_whose_type_changes_or_goes_is_major(repo: GitRepo) -> None:
    changed = LAZY.replace("Mutex<HashMap<String, Regex>>", "RwLock<HashMap<String, Regex>>")
    changed = changed.replace(
        'lazy_static::lazy_static! { pub static ref WORD: Regex = Regex::new("a;b").unwrap(); }',
        "",
    )
    found = crate_change(repo, {"src/lib.rs": LAZY}, {"src/lib.rs": changed})
    assert sorted((e.bump, e.message) for e in found) == [
        ("major", "removed pub static WORD from src/lib.rs"),
        (
            "major",
            "type of pub static PATTERNS changed: Mutex<HashMap<String, Regex>> -> "
            "RwLock<HashMap<String, Regex>>",
        ),
    ]


def test_a_thread_local_added_is_minor_and_one_made_a_plain_static_is_major(
    repo: GitRepo,
) -> None:
    changed = LOCAL.replace(
        "    static SCRATCH",
        "    pub static DEPTH: Cell<usize> = Cell::new(0);\n    static SCRATCH",
    ).replace("pub static CALLS: RefCell<u32> = RefCell::new(0);\n", "")
    changed += "pub static CALLS: RefCell<u32> = RefCell::new(0);\n"
    found = crate_change(repo, {"src/lib.rs": LOCAL}, {"src/lib.rs": changed})
    assert sorted((e.bump, e.message) for e in found) == [
        (
            "major",
            "type of pub static CALLS changed: std::thread::LocalKey<RefCell<u32>> -> RefCell<u32>",
        ),
        ("minor", "new pub static DEPTH in src/lib.rs"),
    ]


def test_a_field_made_public_inside_pin_project_is_minor(repo: GitRepo) -> None:
    changed = PINNED.replace("        f: Option<F>,", "        pub f: Option<F>,")
    found = crate_change(repo, {"src/lib.rs": PINNED}, {"src/lib.rs": changed})
    assert [(e.bump, e.message) for e in found] == [("minor", "new pub field Map.f in src/lib.rs")]


LAZY_ONE = "lazy_static! {\n    pub static ref TABLE: HashMap<String, u8> = HashMap::new();\n}\n"


@pytest.mark.parametrize(
    "lazy",
    [
        "pub static TABLE: LazyLock<HashMap<String, u8>> = LazyLock::new(HashMap::new);\n",
        "pub static TABLE: std::sync::LazyLock<HashMap<String, u8>> = "
        "std::sync::LazyLock::new(HashMap::new);\n",
        "pub static TABLE: Lazy<HashMap<String, u8>> = Lazy::new(HashMap::new);\n",
        "pub static TABLE: once_cell::sync::Lazy<HashMap<String, u8>> = "
        "once_cell::sync::Lazy::new(HashMap::new);\n",
        "pub static TABLE: LazyLock<HashMap<String, u8>, fn() -> HashMap<String, u8>> = "
        "LazyLock::new(HashMap::new);\n",
    ],
)
def test_a_lazy_static_made_a_lazy_lock_of_its_type_is_no_change(repo: GitRepo, lazy: str) -> None:
    # Every wrapper dereferences to the same value type: callers use the static as before.
    assert crate_change(repo, {"src/lib.rs": LAZY_ONE}, {"src/lib.rs": lazy}) == []


def test_a_lazy_lock_of_another_type_than_the_lazy_static_had_is_major(repo: GitRepo) -> None:
    lazy = "pub static TABLE: LazyLock<HashMap<String, u16>> = LazyLock::new(HashMap::new);\n"
    found = crate_change(repo, {"src/lib.rs": LAZY_ONE}, {"src/lib.rs": lazy})
    assert [(e.bump, e.message) for e in found] == [
        (
            "major",
            "type of pub static TABLE changed: HashMap<String, u8> -> "
            "LazyLock<HashMap<String, u16>>",
        )
    ]
    # Back from once_cell to a lazy_static of the same type: no change either way.
    once = "pub static TABLE: once_cell::sync::Lazy<HashMap<String, u8>> = Lazy::new(f);\n"
    assert crate_change(repo, {"src/lib.rs": once}, {"src/lib.rs": LAZY_ONE}) == []
