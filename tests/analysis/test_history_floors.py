"""Habits learned from the project's history (raised runtime floors, additions shipped as patches),
end to end through analyze()."""

from __future__ import annotations

from collections.abc import Callable

from gitrepo import GitRepo
from release_tools.analysis import analyze

CARGO = '[package]\nname = "lib"\nrust-version = "{msrv}"\n'
PYPROJECT = '[project]\nname = "lib"\nrequires-python = ">={floor}"\n'


def _crate(repo: GitRepo) -> None:
    """A crate released by commit type, except that each MSRV raise shipped as a minor."""
    repo.write("Cargo.toml", CARGO.format(msrv="1.60"))
    repo.write("src/lib.rs", "pub fn keep() {}\n")
    repo.commit("feat: start")
    repo.tag("v1.0.0")
    steps = [
        ("v1.0.1", "fix: a", None),
        ("v1.1.0", "feat: b", None),
        ("v1.2.0", "chore: raise the MSRV", "1.65"),
        ("v1.2.1", "fix: c", None),
        ("v1.3.0", "feat: d", None),
        ("v1.4.0", "chore: raise the MSRV again", "1.70"),
        ("v1.4.1", "fix: e", None),
        ("v1.4.2", "fix: f", None),
    ]
    for n, (tag, message, msrv) in enumerate(steps):
        if msrv is not None:
            repo.write("Cargo.toml", CARGO.format(msrv=msrv))
        repo.write("README.md", f"change {n}\n")
        repo.commit(message)
        repo.tag(tag)


def test_a_crate_that_ships_msrv_raises_as_minor(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("crate")
    _crate(repo)
    repo.write("Cargo.toml", CARGO.format(msrv="1.75"))
    repo.commit("fix: use a newer std API")

    decision = analyze(repo.path)

    assert decision.version_type == "minor" and decision.next_version == "1.5.0"
    assert "commits decide" in decision.reasoning
    assert (
        "this release raises a runtime floor, and 2 earlier releases raised the oldest "
        "supported runtime and 2 of them shipped as minor or more" in decision.reasoning
    )
    assert decision.history is not None
    assert decision.history["floors"] == {"shipped": ["minor", "minor"], "ships_as": "minor"}


def test_without_a_floor_raise_the_commits_alone_decide(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("crate")
    _crate(repo)
    repo.write("README.md", "more\n")
    repo.commit("fix: wording")

    decision = analyze(repo.path)

    assert decision.version_type == "patch"
    assert "runtime floor" not in decision.reasoning


def test_floor_raises_shipped_as_patches_make_a_patch(make_repo: Callable[[str], GitRepo]) -> None:
    repo = make_repo("lib")
    repo.write("pyproject.toml", PYPROJECT.format(floor="3.7"))
    repo.write("src/lib/__init__.py", "def keep():\n    return 0\n")
    repo.commit("Start")
    repo.tag("v2.0.0")
    for n, (tag, floor) in enumerate([("v2.0.1", "3.8"), ("v2.0.2", None), ("v2.0.3", "3.9")]):
        if floor is not None:
            repo.write("pyproject.toml", PYPROJECT.format(floor=floor))
        repo.write("src/lib/__init__.py", f"def keep():\n    return {n + 1}\n")
        repo.commit(f"Release work {n}")
        repo.tag(tag)
    repo.write("pyproject.toml", PYPROJECT.format(floor="3.10"))
    repo.commit("Drop Python 3.9")

    decision = analyze(repo.path)

    # Without the habit a raised Python floor is a minor that asks for review.
    assert (decision.version_type, decision.needs_review) == ("patch", False)
    floor = next(e for e in decision.evidence if e.kind == "runtime-floor")
    assert floor.bump == "patch"
    assert floor.message.endswith(
        "; 2 earlier releases raised the oldest supported runtime and 2 of them shipped as patch"
    )
    assert analyze(repo.path, history=False).version_type == "minor"


def _patch_only_crate(repo: GitRepo) -> None:
    """A crate that stayed on 1.0.x for eleven releases, three of which added a pub fn."""
    repo.write("Cargo.toml", '[package]\nname = "lib"\n')
    repo.write("src/lib.rs", "pub fn keep() {}\n")
    repo.commit("start")
    repo.tag("1.0.0")
    body = "pub fn keep() {}\n"
    for n in range(1, 12):
        if n in (2, 5, 8):
            body += f"pub fn added_{n}() {{}}\n"
        else:
            body = body.replace("{}\n", "{ }\n", 1) if n % 2 else body.replace("{ }\n", "{}\n", 1)
        repo.write("src/lib.rs", body)
        repo.commit(f"release work {n}")
        repo.tag(f"1.0.{n}")


def test_a_crate_that_adds_api_in_patches_gets_a_patch(
    make_repo: Callable[[str], GitRepo],
) -> None:
    repo = make_repo("crate")
    _patch_only_crate(repo)
    source = (repo.path / "src/lib.rs").read_text()
    repo.write("src/lib.rs", source + "pub fn another() {}\n")
    repo.commit("add another")

    decision = analyze(repo.path)

    assert (decision.version_type, decision.needs_review) == ("patch", True)
    assert decision.next_version == "1.0.12"
    assert (
        "the last 11 releases were all patches, the 3 that added public names among them: "
        "calibrated to patch" in decision.reasoning
    )
    assert decision.history is not None
    assert decision.history["static"]["additions_ship_as"] == "patch"

    # Without the history the code's minor stands.
    assert analyze(repo.path, history=False).version_type == "minor"
