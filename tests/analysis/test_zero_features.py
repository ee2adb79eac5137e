"""Where a compatible feature goes on 0.x: Cargo's patch, or the project's own 0.x habit."""

from __future__ import annotations

from collections.abc import Callable

from gitrepo import GitRepo
from release_tools.analysis import analyze

CARGO = '[package]\nname = "lib"\nversion = "{version}"\nedition = "2021"\n'


def _crate(repo: GitRepo, releases: list[tuple[str, bool]]) -> str:
    """A 0.x crate tagged at each ``(version, adds a pub fn)``; returns the library's text."""
    body = "pub fn keep() {}\n"
    repo.write("Cargo.toml", CARGO.format(version="0.3.0"))
    repo.write("src/lib.rs", body)
    repo.commit("start")
    repo.tag("v0.3.0")
    for n, (version, adds) in enumerate(releases):
        if adds:
            body += f"pub fn added_{n}() {{}}\n"
        else:
            body = body.replace("{}\n", "{ }\n", 1) if n % 2 else body.replace("{ }\n", "{}\n", 1)
        repo.write("src/lib.rs", body)
        repo.write("Cargo.toml", CARGO.format(version=version))
        repo.commit(f"release work {n}")
        repo.tag(f"v{version}")
    return body


def test_a_crate_on_0x_ships_a_new_pub_fn_as_a_patch(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("crate")
    body = _crate(repo, [("0.3.1", False)])
    repo.write("src/lib.rs", body + "pub fn helper() {}\n")
    repo.commit("add a helper")

    decision = analyze(repo.path)

    assert decision.version_type == "patch" and decision.next_version == "0.3.2"
    assert "new pub fn helper" in decision.reasoning
    assert "Cargo reads 0.y as the major number" in decision.reasoning
    # Without any history, the same convention; with major_on_zero the 0.x rules are off.
    assert analyze(repo.path, history=False).next_version == "0.3.2"
    assert analyze(repo.path, history=False, major_on_zero=True).next_version == "0.4.0"


def test_a_break_on_0x_still_takes_the_minor(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("crate")
    _crate(repo, [("0.3.1", False)])
    repo.write("src/lib.rs", "pub fn renamed() {}\n")  # keep() is gone
    repo.commit("rename keep")

    assert analyze(repo.path).next_version == "0.4.0"


def test_a_crate_whose_0x_features_took_the_minor_keeps_doing_so(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("crate")
    body = _crate(repo, [("0.4.0", True), ("0.4.1", False), ("0.5.0", True), ("0.6.0", True)])
    repo.write("src/lib.rs", body + "pub fn helper() {}\n")
    repo.commit("add a helper")

    decision = analyze(repo.path)

    assert decision.version_type == "minor" and decision.next_version == "0.7.0"
    assert "3 of the 3 earlier 0.x releases that added public names shipped as minor" in (
        decision.reasoning
    )
    assert decision.history is not None
    assert decision.history["static"]["zero_additions_ship_as"] == "minor"


def _package(repo: GitRepo, releases: list[tuple[str, bool]]) -> str:
    """A 0.x Python package tagged at each ``(version, adds a public function)``."""
    body = "def keep():\n    return 0\n"
    repo.write("src/lib/__init__.py", body)
    repo.commit("start")
    repo.tag("v0.3.0")
    for n, (version, adds) in enumerate(releases):
        body += f"def added_{n}():\n    return {n}\n" if adds else f"# change {n}\n"
        repo.write("src/lib/__init__.py", body)
        repo.commit(f"release work {n}")
        repo.tag(f"v{version}")
    return body


def test_a_python_package_follows_its_own_0x_habit(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("lib")
    body = _package(repo, [("0.3.1", True), ("0.3.2", False), ("0.3.3", True), ("0.3.4", True)])
    repo.write("src/lib/__init__.py", body + "def helper():\n    return 1\n")
    repo.commit("add a helper")

    decision = analyze(repo.path)

    assert decision.version_type == "patch" and decision.next_version == "0.3.5"
    assert "3 of the 3 earlier 0.x releases that added public names shipped as patch" in (
        decision.reasoning
    )
    assert "new public function lib.helper" in decision.reasoning
    # Without that history a Python package keeps the minor: only Cargo has a convention.
    assert analyze(repo.path, history=False).next_version == "0.4.0"


def test_a_mixed_0x_habit_keeps_the_minor(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("lib")
    body = _package(repo, [("0.3.1", True), ("0.4.0", True), ("0.4.1", True), ("0.5.0", True)])
    repo.write("src/lib/__init__.py", body + "def helper():\n    return 1\n")
    repo.commit("add a helper")

    decision = analyze(repo.path)

    assert decision.next_version == "0.6.0"
    assert decision.history is not None
    assert decision.history["static"]["zero_additions_ship_as"] is None


def test_a_crate_that_stays_on_one_0x_line_ships_a_removal_as_a_patch(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("crate")
    repo.write("Cargo.toml", CARGO.format(version="0.4.0"))
    names = ["keep", "old_a", "old_b"]
    repo.write("src/lib.rs", "".join(f"pub fn {n}() {{}}\n" for n in names))
    repo.commit("start")
    repo.tag("v0.4.0")
    for n in range(1, 11):
        if n in (3, 7):
            names.pop()  # a pub fn goes, in a patch
        body = "".join(f"pub fn {m}() {{}}\n" for m in names) + f"// release {n}\n"
        repo.write("src/lib.rs", body)
        repo.write("Cargo.toml", CARGO.format(version=f"0.4.{n}"))
        repo.commit(f"release work {n}")
        repo.tag(f"v0.4.{n}")
    repo.write("src/lib.rs", "pub fn other() {}\n")  # keep() is gone
    repo.commit("replace keep")

    decision = analyze(repo.path)

    assert decision.version_type == "patch" and decision.next_version == "0.4.11"
    assert decision.needs_review
    assert (
        "the last 10 0.x releases stayed on one 0.x line and shipped the 2 that removed public "
        "names as patch" in decision.reasoning
    )
    assert "the code shows major (removed pub fn keep" in decision.reasoning
    assert analyze(repo.path, history=False).next_version == "0.5.0"


def test_a_virtual_workspace_of_crates_follows_cargo_too(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("workspace")
    repo.write("Cargo.toml", '[workspace]\nmembers = ["core", "macros"]\n')
    for member in ("core", "macros"):
        repo.write(f"{member}/Cargo.toml", CARGO.format(version="0.3.0").replace("lib", member))
        repo.write(f"{member}/src/lib.rs", "pub fn keep() {}\n")
    repo.commit("start")
    repo.tag("v0.3.0")
    repo.write("core/src/lib.rs", "pub fn keep() {}\npub fn helper() {}\n")
    repo.commit("add a helper")

    decision = analyze(repo.path)

    assert decision.version_type == "patch" and decision.next_version == "0.3.1"
    assert "Cargo reads 0.y as the major number" in decision.reasoning
