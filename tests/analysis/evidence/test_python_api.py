"""Python API evidence from real repositories: removals, signatures, additions, privacy."""

from __future__ import annotations

from typing import Any

from repo_context import build_context

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence.python_api import gather, module_name
from release_tools.analysis.models import Bump, Evidence, Strength

INIT = '''"""pkg."""
from pkg.core import Client, helper
from ._impl import fast_path

__version__ = "1.0.0"
'''

CORE = '''"""core."""


class Client:
    def __init__(self, url, timeout=5):
        self.url = url

    def get(self, path, *, params=None):
        return path

    def _internal(self):
        return 1


def helper(a, b, c=1):
    return a


def other(x):
    return x


CONSTANT = 3
'''

IMPL = """def fast_path(data, size):
    return data


def private_helper(x):
    return x
"""


def _repo(repo: Any, layout: str = "src/") -> str:
    repo.write(f"{layout}pkg/__init__.py", INIT)
    repo.write(f"{layout}pkg/core.py", CORE)
    repo.write(f"{layout}pkg/_impl.py", IMPL)
    repo.write("tests/test_core.py", "def test_x():\n    pass\n")
    return repo.commit("initial")


def _run(repo: Any, base: str) -> list[Evidence]:
    repo.commit("change")
    return gather(build_context(repo.path, base))


def _messages(items: list[Evidence]) -> list[tuple[str, str]]:
    return [(e.bump, e.message) for e in items]


def test_module_name_follows_the_package_chain() -> None:
    packages = {"src/pkg", "src/pkg/sub"}
    assert module_name("src/pkg/sub/mod.py", packages) == ("pkg.sub.mod", "src/pkg")
    assert module_name("src/pkg/__init__.py", packages) == ("pkg", "src/pkg")
    assert module_name("six.py", set()) == ("six", "")
    assert module_name("setup.py", set()) is None
    assert module_name("src/pkg/data.json", packages) is None


def test_removed_public_function_is_proof_of_major(repo: Any) -> None:
    base = _repo(repo)
    repo.write("src/pkg/core.py", CORE.replace("def other(x):\n    return x\n", ""))
    items = _run(repo, base)
    assert _messages(items) == [("major", "removed public function pkg.core.other")]
    assert items[0].strength is Strength.PROOF
    # The line of the removed definition at base.
    assert (items[0].path, items[0].line) == ("src/pkg/core.py", 19)
    verdict = decide(items, has_changes=True)
    assert verdict.bump is Bump.MAJOR
    assert "src/pkg/core.py:19" in verdict.reasoning


def test_renamed_parameter_is_one_major_item(repo: Any) -> None:
    base = _repo(repo)
    repo.write("src/pkg/core.py", CORE.replace("def helper(a, b, c=1):", "def helper(a, bb, c=1):"))
    items = _run(repo, base)
    assert len(items) == 1
    assert items[0].bump == "major"
    assert items[0].message.startswith("incompatible signature of pkg.core.helper:")
    assert "parameter b removed" in items[0].message
    assert "required parameter bb added" in items[0].message
    assert items[0].line == 15


def test_positional_reordering_and_new_required_method_parameter(repo: Any) -> None:
    base = _repo(repo)
    code = CORE.replace("def helper(a, b, c=1):", "def helper(b, a, c=1):").replace(
        "def get(self, path, *, params=None):", "def get(self, path, headers, *, params=None):"
    )
    repo.write("src/pkg/core.py", code)
    items = _run(repo, base)
    messages = sorted(e.message for e in items)
    assert messages == [
        "incompatible signature of pkg.core.Client.get: required parameter headers added",
        "incompatible signature of pkg.core.helper: parameter a moved; parameter b moved",
    ]
    assert {e.strength for e in items} == {Strength.PROOF}


def test_additions_are_minor(repo: Any) -> None:
    base = _repo(repo)
    code = (
        CORE.replace("def helper(a, b, c=1):", "def helper(a, b, c=1, *, d=None):").replace(
            "    def _internal(self):",
            "    def close(self):\n        pass\n\n    def _internal(self):",
        )
        + "\n\ndef brand_new():\n    return 2\n\n\ndef _private_new():\n    return 3\n"
    )
    repo.write("src/pkg/core.py", code)
    items = _run(repo, base)
    assert sorted(_messages(items)) == [
        ("minor", "new optional parameter d of pkg.core.helper"),
        ("minor", "new public function pkg.core.Client.close"),
        ("minor", "new public function pkg.core.brand_new"),
    ]
    assert decide(items, has_changes=True).bump is Bump.MINOR


def test_removed_reexport_from_package_init(repo: Any) -> None:
    base = _repo(repo)
    repo.write("src/pkg/__init__.py", INIT.replace("Client, helper", "Client"))
    items = _run(repo, base)
    assert _messages(items) == [("major", "removed public name pkg.helper")]
    assert (items[0].path, items[0].line) == ("src/pkg/__init__.py", 2)


def test_private_module_counts_only_for_reexported_names(repo: Any) -> None:
    base = _repo(repo)
    repo.write(
        "src/pkg/_impl.py",
        IMPL.replace("def fast_path(data, size):", "def fast_path(data):").replace(
            "def private_helper(x):", "def private_helper(x, y):"
        ),
    )
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "incompatible signature of pkg._impl.fast_path: parameter size removed")
    ]


def test_dunder_all_decides_what_is_public(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/api.py",
        "__all__ = ['kept']\n\ndef kept():\n    pass\n\ndef not_listed():\n    pass\n",
    )
    base = repo.commit("initial")
    repo.write("pkg/api.py", "__all__ = ['kept']\n\ndef kept():\n    pass\n")
    assert _run(repo, base) == []


def test_private_names_tests_and_value_changes_are_ignored(repo: Any) -> None:
    base = _repo(repo, layout="")
    code = (
        CORE.replace("    def _internal(self):\n        return 1\n", "")
        .replace("CONSTANT = 3", "CONSTANT = 4")
        .replace("timeout=5", "timeout=10")
    )
    repo.write("pkg/core.py", code)
    repo.write("tests/test_core.py", "")
    assert _run(repo, base) == []


def test_removed_and_new_public_modules(repo: Any) -> None:
    base = _repo(repo)
    repo.remove("src/pkg/core.py")
    repo.write("src/pkg/__init__.py", "from ._impl import fast_path\n")
    repo.write("src/pkg/extras.py", "def extra():\n    pass\n")
    repo.write("src/pkg/_private_new.py", "def hidden():\n    pass\n")
    items = _run(repo, base)
    assert sorted(_messages(items)) == [
        ("major", "removed public module pkg.core"),
        ("major", "removed public name pkg.Client"),
        ("major", "removed public name pkg.helper"),
        ("minor", "new public module pkg.extras"),
    ]


def test_syntax_error_gives_weak_evidence_not_a_crash(repo: Any) -> None:
    base = _repo(repo)
    repo.write("src/pkg/core.py", CORE + "\ndef broken(:\n")
    items = _run(repo, base)
    assert len(items) == 1
    assert (items[0].bump, items[0].strength) == ("patch", Strength.WEAK)
    assert "does not parse" in items[0].message
    assert items[0].line == 25


def test_only_changed_modules_are_read(repo: Any) -> None:
    base = _repo(repo)
    # A broken, unchanged module elsewhere would give "does not parse" evidence if it were read.
    repo.write("src/other/__init__.py", "def broken(:\n")
    base = repo.commit("add broken package")
    repo.write("src/pkg/core.py", CORE + "\n\ndef added():\n    pass\n")
    items = _run(repo, base)
    assert _messages(items) == [("minor", "new public function pkg.core.added")]


def test_single_module_project_and_class_member_removal(repo: Any) -> None:
    repo.write(
        "tool.py",
        "class Thing:\n    def run(self):\n        pass\n\n    def stop(self):\n        pass\n",
    )
    base = repo.commit("initial")
    repo.write("tool.py", "class Thing:\n    def run(self):\n        pass\n")
    items = _run(repo, base)
    assert _messages(items) == [("major", "removed public function tool.Thing.stop")]
    assert items[0].line == 5
