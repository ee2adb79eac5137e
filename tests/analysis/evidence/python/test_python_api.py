"""Python API evidence from real repositories: removals, signatures, additions, privacy."""

from __future__ import annotations

from typing import Any

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence.python.api import gather, module_name
from release_tools.analysis.evidence.python.layout import loose_homes
from release_tools.analysis.models import Bump, Evidence, Strength
from repo_context import build_context

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


def test_loose_modules_in_program_directories_are_no_modules() -> None:
    packages = {"src/pkg", "src/pkg/sub"}
    assert module_name("six.py", packages) == ("six", "")
    assert module_name("src/_compat.py", packages) == ("_compat", "src")
    assert module_name("python/mymod.py", packages) == ("mymod", "python")
    # A namespace package's module (no __init__.py) is read as before.
    assert module_name("src/app/core.py", packages) == ("core", "src/app")
    # Programs beside the code are run, not imported.
    assert module_name("bin/env.py", packages) is None
    assert module_name("bin-for-dist/gendoc.py", packages) is None
    assert module_name("tools/sbin/run.py", packages) is None
    assert module_name("binary/codec.py", packages) == ("codec", "binary")
    # A directory named with an underscore is private.
    assert module_name("demo/_vendored/helpers.py", packages) is None
    # Packages copied from other projects are not this project's API.
    vendored = {"src/poetry/core", "src/poetry/core/_vendor/attr", "lib/vendor/six"}
    assert module_name("src/poetry/core/_vendor/attr/__init__.py", vendored) is None
    assert module_name("src/poetry/core/_vendor/attr/filters.py", vendored) is None
    assert module_name("lib/vendor/six/__init__.py", vendored) is None


def test_loose_modules_ship_beside_a_manifest_in_src_or_in_a_namespace_only() -> None:
    files = [
        "pyproject.toml",
        "libs/tool/setup.py",
        "jaraco/functools/__init__.py",
        "six.py",
        "ext/djangojinja2.py",
    ]
    packages = {"jaraco/functools"}
    homes = loose_homes(files, packages)
    assert module_name("six.py", packages, homes) == ("six", "")
    assert module_name("src/single.py", packages, homes) == ("single", "src")
    assert module_name("libs/tool/tool.py", packages, homes) == ("tool", "libs/tool")
    assert module_name("libs/tool/src/tool.py", packages, homes) == ("tool", "libs/tool/src")
    assert module_name("jaraco/context.py", packages, homes) == ("context", "jaraco")
    assert module_name("ext/djangojinja2.py", packages, homes) is None
    # Modules of packages are not concerned; without any manifest nothing is ruled out.
    assert module_name("jaraco/functools/core.py", packages, homes) == (
        "functools.core",
        "jaraco/functools",
    )
    assert loose_homes(["ext/djangojinja2.py"], set()) is None
    # Build hooks beside pyproject.toml are tooling.
    assert module_name("pdm_build.py", packages, homes) is None
    assert module_name("hatch_build.py", packages, homes) is None
    # A loose tests.py is tests; a package's tests module (jinja2.tests) is API.
    assert module_name("tests.py", packages, homes) is None
    assert module_name("jaraco/functools/tests.py", packages, homes) == (
        "functools.tests",
        "jaraco/functools",
    )
    # In another ecosystem's repository a loose script is tooling.
    rust = loose_homes(["Cargo.toml", "utils/ziggurat_tables.py"], set())
    assert module_name("utils/ziggurat_tables.py", set(), rust) is None


def test_a_removed_loose_script_beside_no_manifest_is_no_api(repo: Any) -> None:
    repo.write(
        "pyproject.toml", "[project]\nname = 'jinja'\n[tool.setuptools]\npy-modules = ['compat']\n"
    )
    repo.write("jinja/__init__.py", "def render():\n    return 1\n")
    repo.write("ext/djangojinja2.py", "def setup():\n    return 1\n")
    repo.write("compat.py", "def shim():\n    return 1\n")
    base = repo.commit("initial")
    repo.remove("ext/djangojinja2.py")
    repo.remove("compat.py")
    assert _messages(_run(repo, base)) == [("major", "removed public module compat")]


def test_a_script_beside_the_manifest_that_never_names_it_is_no_api(repo: Any) -> None:
    repo.write(
        "setup.py", "from setuptools import setup, find_packages\nsetup(packages=find_packages())\n"
    )
    repo.write("dateutil/__init__.py", "def parse():\n    return 1\n")
    repo.write("updatezinfo.py", "def main():\n    return 1\n")
    base = repo.commit("initial")
    repo.write("updatezinfo.py", "def main(metadata_file):\n    return 1\n")
    assert _messages(_run(repo, base)) == []


def test_a_build_helper_that_setup_py_imports_is_no_api(repo: Any) -> None:
    repo.write(
        "setup.py",
        "import versioneer\nsetup(version=versioneer.get_version(), "
        "packages=['toolz'], py_modules=['tlz_compat'])\n",
    )
    repo.write("setup.cfg", "[versioneer]\nVCS = git\nversionfile_source = toolz/_version.py\n")
    repo.write("toolz/__init__.py", "def curry():\n    return 1\n")
    repo.write("versioneer.py", "def get_version():\n    return 1\n")
    repo.write("tlz_compat.py", "def shim():\n    return 1\n")
    base = repo.commit("initial")
    repo.remove("versioneer.py")
    repo.remove("tlz_compat.py")
    # setup.py uses versioneer to build and setup.cfg holds its settings; tlz_compat ships.
    assert _messages(_run(repo, base)) == [("major", "removed public module tlz_compat")]


def test_a_single_module_project_ships_its_module(repo: Any) -> None:
    repo.write("pyproject.toml", "[project]\nname = 'six'\n")
    repo.write("six.py", "def b():\n    return 1\n")
    repo.write("docs/conf/__init__.py", "")
    base = repo.commit("initial")
    repo.write("six.py", "def c():\n    return 1\n")
    assert _messages(_run(repo, base)) == [
        ("major", "removed public function six.b"),
        ("minor", "new public function six.c"),
    ]


def test_a_globbed_module_list_ships_every_loose_module(repo: Any) -> None:
    repo.write(
        "setup.py",
        "setup(packages=find_packages('src'), "
        "py_modules=[p.stem for p in Path('src').glob('*.py')])\n",
    )
    repo.write("src/pkg/__init__.py", "")
    repo.write("src/helpers.py", "def h():\n    return 1\n")
    base = repo.commit("initial")
    repo.write("src/helpers.py", "def i():\n    return 1\n")
    assert _messages(_run(repo, base)) == [
        ("major", "removed public function helpers.h"),
        ("minor", "new public function helpers.i"),
    ]


def test_loose_modules_of_one_name_in_two_directories_are_not_mixed_up(repo: Any) -> None:
    repo.write("deploy/settings.py", "def a():\n    return 1\n\n\ndef b():\n    return 2\n")
    repo.write("docker/settings.py", "def c():\n    return 3\n")
    base = repo.commit("initial")
    repo.remove("deploy/settings.py")
    repo.write("docker/settings.py", "def c():\n    return 3\n\n\ndef d():\n    return 4\n")
    found = _messages(_run(repo, base))
    assert not any("settings.a" in m or "settings.c" in m for _bump, m in found), found


def test_a_removed_program_is_no_api(repo: Any) -> None:
    repo.write("pkg/__init__.py", "def api():\n    return 1\n")
    repo.write("bin/env.py", "def main():\n    return 1\n")
    repo.write("compat.py", "def shim():\n    return 1\n")
    base = repo.commit("initial")
    repo.remove("bin/env.py")
    repo.remove("compat.py")
    assert _messages(_run(repo, base)) == [("major", "removed public module compat")]


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


def test_deprecation_shim_keeps_a_name_importable(repo: Any) -> None:
    repo.write("pkg/__init__.py", "from pkg.core import Old, New\n")
    repo.write("pkg/core.py", "class Old:\n    pass\n\n\nclass New:\n    pass\n")
    base = repo.commit("initial")
    repo.write(
        "pkg/__init__.py",
        "from pkg.core import New\n\n\ndef __getattr__(name):\n"
        "    if name == 'Old':\n        return New\n    raise AttributeError(name)\n",
    )
    repo.write("pkg/core.py", "class New:\n    pass\n")
    items = _run(repo, base)
    # pkg.Old is still served by __getattr__; pkg.core.Old really went away.
    assert _messages(items) == [("major", "removed public class pkg.core.Old")]


def test_a_shim_for_a_renamed_private_class_keeps_the_package_whole(repo: Any) -> None:
    repo.write("pkg/__init__.py", "from pkg._core import Intepreter, New\n")
    repo.write("pkg/_core.py", "class Intepreter:\n    pass\n\n\nclass New:\n    pass\n")
    base = repo.commit("initial")
    repo.write(
        "pkg/__init__.py",
        "from pkg._core import Interpreter, New\n\n_RENAMED = {'Intepreter': Interpreter}\n\n\n"
        "def __getattr__(name):\n    if name in _RENAMED:\n        return _RENAMED[name]\n"
        "    raise AttributeError(name)\n",
    )
    repo.write("pkg/_core.py", "class Interpreter:\n    pass\n\n\nclass New:\n    pass\n")
    items = _run(repo, base)
    # pkg.Intepreter is still served; the private module's old spelling was never the API.
    assert _messages(items) == [("minor", "new public name pkg.Interpreter")]


def test_positional_only_renames_and_incidental_names_are_not_breaking(repo: Any) -> None:
    repo.write(
        "pkg/__init__.py",
        "def handler(self, __schema, mode=None):\n    pass\n\n\n"
        "for key in ('a', 'b'):\n    pass\n\n\n"
        "if __name__ == '__main__':\n    demo = 1\n",
    )
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "def handler(self, schema, /, mode=None):\n    pass\n")
    assert _run(repo, base) == []


def test_names_bound_only_for_type_checkers_are_not_api(repo: Any) -> None:
    repo.write("pkg/wait.py", "class wait_base:\n    pass\n\n\nclass Fallback:\n    pass\n")
    repo.write(
        "pkg/__init__.py",
        "import typing as t\nfrom typing import TYPE_CHECKING\n\n"
        "if t.TYPE_CHECKING:\n    from pkg.wait import wait_base\n\n"
        "if TYPE_CHECKING:\n    from pkg.wait import Fallback\nelse:\n    Fallback = object\n\n"
        "if TYPE_CHECKING:\n    from pkg.wait import wait_base as Kept\n"
        "Kept = 1\n",
    )
    base = repo.commit("initial")
    # wait_base was never importable from pkg; Fallback and Kept were (else branch, rebinding).
    repo.write("pkg/__init__.py", "import typing as t\n")
    assert _messages(_run(repo, base)) == [
        ("major", "removed public name pkg.Fallback"),
        ("major", "removed public attribute pkg.Kept"),
    ]


def test_shims_bound_to_builtins_or_the_standard_library_are_not_api(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/compat.py",
        "import typing as t\nfrom itertools import zip_longest as _zl\nimport marshmallow\n\n"
        "cast = t.cast\nizip_longest = _zl\nbasestring = (str, bytes)\n"
        "try:\n    unicode = unicode\nexcept NameError:\n    unicode = str\n\n"
        "Schema = marshmallow.Schema\nEPOCH = t.cast(int, 0)\nlisted = str\n"
        "__all__ = ['listed', 'cast', 'izip_longest', 'basestring', 'unicode', 'Schema',"
        " 'EPOCH']\n",
    )
    base = repo.commit("initial")
    repo.write("pkg/compat.py", "__all__ = []\n")
    # Listed in __all__, every name is API; unlisted, the shims are imports in disguise.
    assert [m for _, m in _messages(_run(repo, base))] == [
        f"removed public attribute pkg.compat.{name}"
        for name in ("cast", "izip_longest", "basestring", "unicode", "Schema", "EPOCH", "listed")
    ]
    repo.write(
        "pkg/compat.py",
        "import typing as t\nfrom itertools import zip_longest as _zl\nimport marshmallow\n\n"
        "cast = t.cast\nizip_longest = _zl\nbasestring = (str, bytes)\n"
        "try:\n    unicode = unicode\nexcept NameError:\n    unicode = str\n\n"
        "Schema = marshmallow.Schema\nEPOCH = t.cast(int, 0)\nlisted = str\n",
    )
    base = repo.commit("unlisted")
    repo.write("pkg/compat.py", "\n")
    # A third-party object may be offered on purpose; a computed value is the module's own.
    assert _messages(_run(repo, base)) == [
        ("major", "removed public attribute pkg.compat.Schema"),
        ("major", "removed public attribute pkg.compat.EPOCH"),
    ]


def test_slots_of_lazy_imports_are_not_api(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/tz.py",
        "parser = None\nlimit = None\n\n\ndef parse(s):\n    global parser\n"
        "    if parser is None:\n        from pkg import parser\n    return parser.parse(s)\n",
    )
    base = repo.commit("initial")
    repo.write(
        "pkg/tz.py", "def parse(s):\n    from pkg import parser\n    return parser.parse(s)\n"
    )
    # parser only held the lazily imported module; limit was a plain module attribute.
    assert _messages(_run(repo, base)) == [("major", "removed public attribute pkg.tz.limit")]


STUB_OVERLOADS = """from typing import overload

@overload
def zip_all(__a: int) -> tuple[int]: ...
@overload
def zip_all(__a: int, __b: int) -> tuple[int, int]: ...

class Box:
    @overload
    def get(self, key: int) -> int: ...
    @overload
    def get(self, key: str) -> str: ...
"""


def test_stub_functions_known_only_by_overloads_are_present(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.pyi", "def zip_all(*objects: int) -> tuple[int, ...]: ...\n")
    base = repo.commit("initial")
    # The stub now spells the function as overload variants: same function, no break.
    repo.write("pkg/core.pyi", STUB_OVERLOADS)
    assert _messages(_run(repo, base)) == [("minor", "new public class pkg.core.Box")]
    base = repo.commit("overloads")
    # An overloaded method that goes away is still a removal.
    repo.write("pkg/core.pyi", STUB_OVERLOADS.split("class Box")[0] + "class Box: ...\n")
    assert _messages(_run(repo, base)) == [("major", "removed public function pkg.core.Box.get")]


def test_inserted_optional_parameter_is_minor_not_a_move(repo: Any) -> None:
    repo.write("pkg/__init__.py", "def render(text, style=None, chain=True):\n    pass\n")
    base = repo.commit("initial")
    repo.write(
        "pkg/__init__.py", "def render(text, style=None, truncate=False, chain=True):\n    pass\n"
    )
    assert _messages(_run(repo, base)) == [
        ("minor", "new optional parameter truncate of pkg.render")
    ]


def test_new_variables_count_only_when_declared(repo: Any) -> None:
    repo.write(
        "pkg/__init__.py",
        "class Opts:\n    a: int = 1\n\n    def __init__(self):\n        self.x = 1\n",
    )
    base = repo.commit("initial")
    repo.write(
        "pkg/__init__.py",
        "FLAG = True\n__version__ = '2'\n\n\nclass Opts:\n    a: int = 1\n    b: int = 2\n\n"
        "    def __init__(self):\n        self.x = 1\n        self.y = 2\n",
    )
    # The class-body field is new API; the module flag and the instance attribute are not.
    assert _messages(_run(repo, base)) == [("minor", "new public attribute pkg.Opts.b")]


def test_private_package_reexported_by_a_sibling_package(repo: Any) -> None:
    repo.write("src/_impl/__init__.py", "")
    repo.write("src/_impl/models.py", "class Model:\n    def run(self, a):\n        pass\n")
    repo.write("src/_impl/unexported.py", "def f(a):\n    pass\n")
    repo.write("src/api/__init__.py", "from _impl.models import Model\n")
    base = repo.commit("initial")
    repo.write("src/_impl/models.py", "class Model:\n    def run(self):\n        pass\n")
    repo.write("src/_impl/unexported.py", "def f():\n    pass\n")
    assert _messages(_run(repo, base)) == [
        ("major", "incompatible signature of _impl.models.Model.run: parameter a removed")
    ]


def test_body_only_edits_are_not_parsed(repo: Any) -> None:
    from release_tools.analysis.evidence.python.api import _may_change_api
    from release_tools.analysis.models import ChangeKind, FileChange, Hunk

    body = Hunk(1, 1, 1, 1, "@@", ("     x = compute()", "-    return x", "+    return x + 1"))
    signature = Hunk(1, 1, 1, 1, "@@", ("-def f(a):", "+def f(a, b):"))
    multi_line = Hunk(1, 1, 1, 1, "@@", ("+    timeout: float = 5.0,",))
    class_level = Hunk(1, 1, 1, 1, "@@", ("+    DEFAULT = 5",))
    assert _may_change_api(FileChange("p.py", ChangeKind.MODIFIED, hunks=(class_level,)))
    modified = ChangeKind.MODIFIED
    assert not _may_change_api(FileChange("p.py", modified, hunks=(body,)))
    assert _may_change_api(FileChange("p.py", modified, hunks=(signature,)))
    assert _may_change_api(FileChange("p.py", modified, hunks=(multi_line,)))
    assert _may_change_api(FileChange("p.py", ChangeKind.ADDED, hunks=(body,)))


def test_size_budget_gives_a_weak_note(repo: Any, monkeypatch: Any) -> None:
    from release_tools.analysis.evidence.python import planner

    repo.write("pkg/__init__.py", "")
    repo.write("pkg/a.py", "def a():\n    pass\n")
    repo.write("pkg/b.py", "def b():\n    pass\n")
    base = repo.commit("initial")
    repo.write("pkg/a.py", "")
    repo.write("pkg/b.py", "")
    monkeypatch.setattr(planner, "MAX_PARSE_BYTES", 10)
    items = _run(repo, base)
    assert _messages(items) == [
        ("major", "removed public function pkg.a.a"),
        (
            "patch",
            "2 Python modules changed; the API of 1 was compared (the rest exceeds the "
            "analysis budget)",
        ),
    ]


def test_the_number_of_modules_compared_is_bounded_too(repo: Any, monkeypatch: Any) -> None:
    # Tiny modules, well within the size budget: their number alone stops the comparison.
    from release_tools.analysis.evidence.python import planner

    repo.write("pkg/__init__.py", "")
    base = repo.commit("initial")
    for name in "abcde":
        repo.write(f"pkg/{name}.py", f"def {name}():\n    pass\n")
    monkeypatch.setattr(planner, "MAX_COMPARED_MODULES", 3)
    items = _run(repo, base)
    assert _messages(items) == [
        ("minor", "new public module pkg.a"),
        ("minor", "new public module pkg.b"),
        ("minor", "new public module pkg.c"),
        (
            "patch",
            "5 Python modules changed; the API of 3 was compared (the rest exceeds the "
            "analysis budget)",
        ),
    ]


def test_src_layout_ignores_packages_beside_src(repo: Any) -> None:
    repo.write("src/lib/__init__.py", "def api(a):\n    pass\n")
    repo.write("testserver/__init__.py", "def run(config):\n    pass\n")
    base = repo.commit("initial")
    repo.write("src/lib/__init__.py", "def api(a):\n    pass\n\n\ndef more():\n    pass\n")
    repo.write("testserver/__init__.py", "def run(host, port):\n    pass\n")
    assert _messages(_run(repo, base)) == [("minor", "new public function lib.more")]


def test_move_to_src_layout_still_compares_the_old_module(repo: Any) -> None:
    repo.write("semverlike.py", "def parse(text):\n    pass\n\n\ndef gone():\n    pass\n")
    base = repo.commit("initial")
    repo.remove("semverlike.py")
    repo.write("src/semverlike/__init__.py", "def parse(text):\n    pass\n")
    assert _messages(_run(repo, base)) == [("major", "removed public function semverlike.gone")]


def test_a_module_too_big_to_parse_is_compared_by_its_top_level_names(
    repo: Any, monkeypatch: Any
) -> None:
    from release_tools.analysis.evidence.python import planner

    repo.write("pkg/__init__.py", "")
    repo.write("pkg/gen.py", "".join(f"VALUE_{i} = {i}\n" for i in range(40)) + "_HIDDEN = 1\n")
    repo.write("pkg/small.py", "def f():\n    pass\n")
    base = repo.commit("initial")
    repo.write("pkg/gen.py", "".join(f"VALUE_{i} = {i}\n" for i in range(1, 45)))
    repo.write("pkg/small.py", "def f(a):\n    pass\n")
    monkeypatch.setattr(planner, "MAX_MODULE_BYTES", 200)

    items = _run(repo, base)

    messages = _messages(items)
    assert ("major", "removed public name pkg.gen.VALUE_0 (top-level scan)") in messages
    added = [m for b, m in messages if m.startswith("new public name pkg.gen.")]
    assert added == [f"new public name pkg.gen.VALUE_{i} (top-level scan)" for i in range(40, 45)]
    assert not any("_HIDDEN" in m for _b, m in messages)
    note = next(e for e in items if e.kind == "incomplete")
    assert note.path == "pkg/gen.py" and "too large to parse" in note.message
    # The small module beside it is still compared in full.
    assert any("pkg.small.f" in m and b == "major" for b, m in messages)


def test_top_level_names_are_read_line_by_line() -> None:
    from release_tools.analysis.evidence.python.linear import top_level_names

    code = (
        "import os\n"
        "A = 1\n"
        "B: int = 2\n"
        "C == 3\n"
        "def f():\n    INNER = 1\n"
        "async def g():\n    pass\n"
        "class K:\n    X = 1\n"
        "if os.name:\n    COND = 1\n"
    )
    assert top_level_names(code) == {"A", "B", "f", "g", "K"}


def test_a_test_package_renamed_by_git_into_the_library_is_no_removal(repo: Any) -> None:
    repo.write("pkg/__init__.py", "def f():\n    pass\n")
    repo.write("tests/__init__.py", "")
    repo.write("tests/tz/__init__.py", "")
    repo.write("tests/tz/test_tz.py", "def test_tz():\n    pass\n")
    base = repo.commit("initial")
    # git pairs the empty tests/tz/__init__.py with the new, empty pkg/tz/__init__.py.
    repo.remove("tests/tz/__init__.py")
    repo.remove("tests/tz/test_tz.py")
    repo.write("pkg/tz/__init__.py", "")
    assert _messages(_run(repo, base)) == []


def test_a_vendored_copy_of_another_project_is_not_this_ones_api(repo: Any) -> None:
    base = _repo(repo)
    repo.write("src/pkg/vendored/__init__.py", "")
    repo.write("src/pkg/vendored/packaging/__init__.py", "")
    repo.write("src/pkg/vendored/packaging/utils.py", "def canonicalize(name):\n    pass\n")
    repo.write("src/pkg/extras.py", "def extra():\n    pass\n")
    assert _messages(_run(repo, base)) == [("minor", "new public module pkg.extras")]
