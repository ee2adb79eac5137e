"""What the module comparison calls breaking or new, on real repositories."""

from __future__ import annotations

from typing import Any

import pytest

from release_tools.analysis.evidence.python.api import gather
from release_tools.analysis.models import Evidence
from repo_context import build_context
from review_marks import checked


def _run(repo: Any, base: str) -> list[tuple[str, str]]:
    repo.commit("change")
    items: list[Evidence] = gather(build_context(repo.path, base))
    return sorted((e.bump, e.message) for e in checked(items))


OLD_CONVENTION = """class Context:
    def invoke(__self, __callback, *args, **kwargs):
        return __callback(*args, **kwargs)

    def forward(__self, __cmd, *args, **kwargs):
        return __cmd


def group(name=None, **attrs):
    return name
"""


def test_old_style_positional_only_renamed_to_slash_form_is_not_breaking(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.py", OLD_CONVENTION)
    base = repo.commit("initial")
    new = (
        OLD_CONVENTION.replace("invoke(__self, __callback,", "invoke(self, callback, /,")
        .replace("forward(__self, __cmd,", "forward(self, cmd, /,")
        .replace("**attrs", "**kwargs")
    )
    repo.write("pkg/core.py", new)
    assert _run(repo, base) == []


def test_new_required_positional_parameter_is_still_breaking(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/core.py", OLD_CONVENTION)
    base = repo.commit("initial")
    repo.write(
        "pkg/core.py",
        OLD_CONVENTION.replace("forward(__self, __cmd,", "forward(self, cmd, ctx, /,").replace(
            "**attrs", "*args"
        ),
    )
    assert _run(repo, base) == [
        (
            "major",
            "incompatible signature of pkg.core.Context.forward: required parameter ctx added",
        ),
        ("major", "incompatible signature of pkg.core.group: parameter attrs removed"),
        ("minor", "new optional parameter args of pkg.core.group"),
    ]


MODELS = """class Object:
    def resolve(self, name):
        return name


class Function(Object):
    pass


class Other:
    pass
"""


def test_private_optional_parameters_are_not_the_callers(repo: Any) -> None:
    # _width=None is an injected helper: dropping it breaks nobody; limit was a caller's.
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/cells.py",
        "def cell_len(text, limit=0, _cache=None):\n    return len(text)\n\n\n"
        "def chop(text, *, _width=len, _seen=()):\n    return text\n\n\n"
        "def width(text, _table=None):\n    return 1\n",
    )
    base = repo.commit("initial")
    repo.write(
        "pkg/cells.py",
        "def cell_len(text):\n    return len(text)\n\n\n"
        "def chop(text, _seen=(), *, _cache=None):\n    return text\n\n\n"
        "def width(text, _table):\n    return 1\n",
    )
    assert _run(repo, base) == [
        ("major", "incompatible signature of pkg.cells.cell_len: parameter limit removed"),
        ("major", "incompatible signature of pkg.cells.width: parameter _table became required"),
    ]


def test_override_of_a_base_class_method_is_not_new_api(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/models.py", MODELS)
    base = repo.commit("initial")
    repo.write(
        "pkg/models.py",
        MODELS.replace(
            "class Function(Object):\n    pass\n",
            "class Function(Object):\n    def resolve(self, name):\n        return name.upper()\n",
        ).replace(
            "class Other:\n    pass\n",
            "class Other:\n    def resolve(self, name):\n        return name\n",
        ),
    )
    assert _run(repo, base) == [("minor", "new public function pkg.models.Other.resolve")]


LOADER = """from typing import Optional, Union


def load(path: str, parser: Optional[Parser] = None, size: int = 0, mode: Union[str, int] = 0):
    return path
"""


def test_parameter_accepting_more_types_is_a_compatible_fix(repo: Any) -> None:
    # A widened annotation mostly states what the code already accepted: patch-level.
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/loader.py", LOADER)
    base = repo.commit("initial")
    repo.write(
        "pkg/loader.py",
        LOADER.replace("Optional[Parser]", "Style | Parser | None")
        .replace("size: int", "size: float")
        .replace("Union[str, int]", "int | str"),
    )
    assert _run(repo, base) == [
        ("patch", "parameter parser of pkg.loader.load accepts more types"),
    ]


def test_removed_star_alias_module_is_a_weak_review_item(repo: Any) -> None:
    repo.write("pkg/__init__.py", "def api():\n    return 1\n")
    repo.write("pkg/compat/__init__.py", "")
    repo.write("pkg/compat/alias.py", '"""Old name."""\nfrom pkg import *\n\n__all__ = ["api"]\n')
    repo.write("pkg/compat/real.py", "from pkg import *\n\n\ndef extra():\n    return 2\n")
    base = repo.commit("initial")
    repo.remove("pkg/compat/alias.py")
    repo.remove("pkg/compat/real.py")
    items = _run(repo, base)
    assert items == [
        ("major", "removed public module pkg.compat.real"),
        (
            "patch",
            "removed module pkg.compat.alias, an alias of pkg: its importers must import from "
            "there (review)",
        ),
    ]


MODULE = """import typing

T = typing.TypeVar("T")


class Connection:
    pass


def connect():
    return Connection()
"""

PACKAGE_INIT = """def connect():
    from .connection import Connection

    return Connection()
"""


def test_module_turned_package_moves_names_it_imports_from_submodules(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/net.py", MODULE)
    base = repo.commit("initial")
    repo.remove("pkg/net.py")
    repo.write("pkg/net/__init__.py", PACKAGE_INIT)
    repo.write("pkg/net/connection.py", "class Connection:\n    pass\n")
    items = _run(repo, base)
    # T is a type variable: not API (see the test below).
    assert items == [
        ("minor", "new public module pkg.net.connection"),
        (
            "patch",
            "pkg.net.Connection moved to pkg.net.connection when pkg.net became a package "
            "(review: importers of the old path break)",
        ),
    ]


CACHE = '''class Cache:
    def expire(self, time=None):
        """Drop expired items."""
        for key in list(self.items):
            del self.items[key]

    def clear(self):
        self.items = {}

    def stub(self):
        ...

    def walk(self):
        for key in self.items:
            yield key


def purge(cache):
    cache.clear()
'''


def test_function_that_starts_returning_a_value_is_minor(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/cache.py", CACHE)
    base = repo.commit("initial")
    new = (
        CACHE.replace(
            "            del self.items[key]\n",
            "            del self.items[key]\n        return expired\n",
        )
        .replace("    def stub(self):\n        ...", "    def stub(self):\n        return 1")
        .replace("            yield key\n", "            yield key\n        return 2\n")
        .replace("    cache.clear()\n", "    cache.clear()\n    return None\n")
        .replace("        self.items = {}\n", "        self.items = {}\n        return self\n")
    )
    repo.write("pkg/cache.py", new)
    # A stub that gets a body and a generator's return value are no new results for callers;
    # ``return None`` returns nothing.
    assert _run(repo, base) == [
        ("minor", "pkg.cache.Cache.clear now returns a value (it returned None)"),
        ("minor", "pkg.cache.Cache.expire now returns a value (it returned None)"),
    ]


def test_removed_type_variables_are_not_api(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/core.py",
        "import typing\nfrom typing import ParamSpec\n\n"
        'T = typing.TypeVar("T")\nP = ParamSpec("P")\nLIMIT = 3\n',
    )
    base = repo.commit("initial")
    repo.write("pkg/core.py", "import typing\n\nLIMIT = 4\nMODE = 1\n")
    assert _run(repo, base) == []
    # Any other removed attribute still is a removal.
    repo.write("pkg/core.py", "import typing\n\nLIMIT = 4\n")
    assert _run(repo, repo.head()) == [("major", "removed public attribute pkg.core.MODE")]


BEFORE_HOISTING = """class Dirs:
    def user_data_dir(self):
        return "data"

    def user_cache_dir(self):
        return "cache"

    def user_log_dir(self):
        return "log"
"""

AFTER_HOISTING = """from pkg.mixins import EnvMixin


class _Defaults:
    def user_data_dir(self):
        return "data"


class Dirs(EnvMixin, _Defaults):
    def user_log_dir(self):
        return "log"
"""


def test_members_moved_into_a_base_class_are_not_removed(repo: Any) -> None:
    # user_data_dir moved to a base of the same module: still on Dirs. user_cache_dir went
    # away while Dirs gained a base read from another module: it may live there, a review
    # item rather than proof of a removal.
    repo.write("pkg/__init__.py", "")
    mixin = "class EnvMixin:\n    def user_cache_dir(self):\n        return 1\n"
    repo.write("pkg/mixins.py", mixin)
    repo.write("pkg/dirs.py", BEFORE_HOISTING)
    base = repo.commit("initial")
    repo.write("pkg/dirs.py", AFTER_HOISTING)
    assert _run(repo, base) == [
        (
            "patch",
            "pkg.dirs.Dirs.user_cache_dir is no longer defined in Dirs itself; it may be "
            "inherited from its new base EnvMixin (review)",
        ),
    ]


def test_a_member_removed_without_a_new_base_is_still_a_removal(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/dirs.py", BEFORE_HOISTING)
    base = repo.commit("initial")
    repo.write("pkg/dirs.py", BEFORE_HOISTING.replace("user_cache_dir", "_user_cache_dir"))
    assert _run(repo, base) == [("major", "removed public function pkg.dirs.Dirs.user_cache_dir")]


def _star_package(repo: Any) -> str:
    repo.write(
        "pkg/__init__.py",
        "from ._api import get, post\nfrom ._models import Client\n\n"
        '__all__ = ["get", "post", "Client"]\n',
    )
    repo.write("pkg/_api.py", "def get():\n    return 1\n\n\ndef post():\n    return 2\n")
    repo.write("pkg/_models.py", "class Client:\n    pass\n")
    return repo.commit("initial")


def test_names_now_brought_by_star_imports_and_listed_in_all_stay(repo: Any) -> None:
    base = _star_package(repo)
    repo.write(
        "pkg/__init__.py",
        'from ._api import *\nfrom ._models import *\n\n__all__ = ["get", "post", "Client"]\n',
    )
    repo.write(
        "pkg/_api.py",
        '__all__ = ["get", "post"]\n\n\ndef get():\n    return 1\n\n\ndef post():\n    return 2\n',
    )
    assert _run(repo, base) == []


def test_a_name_removed_behind_a_star_import_is_reported_by_its_module(repo: Any) -> None:
    base = _star_package(repo)
    repo.write(
        "pkg/__init__.py",
        'from ._api import *\nfrom ._models import *\n\n__all__ = ["get", "Client"]\n',
    )
    repo.write("pkg/_api.py", '__all__ = ["get"]\n\n\ndef get():\n    return 1\n')
    assert _run(repo, base) == [
        ("major", "removed public function pkg._api.post"),
        ("major", "removed public name pkg.post"),
    ]


def test_a_name_a_star_import_of_an_unread_module_may_bring_is_a_review_item(
    repo: Any,
) -> None:
    # `_speedups` is built at install time: what its star brings cannot be read.
    repo.write("pkg/__init__.py", "from ._api import get\n")
    repo.write("pkg/_api.py", "def get():\n    return 1\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._speedups import *\n")
    assert _run(repo, base) == [
        (
            "patch",
            "pkg.get is no longer imported by name; it may come from "
            "`from pkg._speedups import *` now (review)",
        )
    ]


def test_names_imported_one_by_one_then_by_a_star_that_brings_them_stay(repo: Any) -> None:
    repo.write("pkg/__init__.py", "from ._api import get, post\n")
    repo.write("pkg/_api.py", "def get():\n    return 1\n\n\ndef post():\n    return 2\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._api import *\n")
    assert _run(repo, base) == []


def test_a_name_the_new_star_import_does_not_bring_is_removed(repo: Any) -> None:
    # `_api`'s `__all__` leaves `post` out: the star no longer gives the package its name.
    api = "def get():\n    return 1\n\n\ndef post():\n    return 2\n"
    repo.write("pkg/__init__.py", "from ._api import get, post\n")
    repo.write("pkg/_api.py", api)
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._api import *\n")
    repo.write("pkg/_api.py", '__all__ = ["get"]\n\n\n' + api)
    assert _run(repo, base) == [("major", "removed public name pkg.post")]


def test_a_name_moved_between_private_modules_behind_the_package_is_a_review_item(
    repo: Any,
) -> None:
    repo.write("pkg/__init__.py", "from ._funcs import evolve, has\n")
    repo.write("pkg/_funcs.py", "def evolve(x):\n    return x\n\n\ndef has(x):\n    return x\n")
    repo.write("pkg/_make.py", "def make():\n    return 1\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._funcs import has\nfrom ._make import evolve\n")
    repo.write("pkg/_funcs.py", "def has(x):\n    return x\n")
    repo.write("pkg/_make.py", "def make():\n    return 1\n\n\ndef evolve(x):\n    return x\n")
    assert _run(repo, base) == [
        (
            "patch",
            "pkg._funcs.evolve moved to pkg._make, from where the package re-exports it "
            "(review: its signature there was not compared)",
        )
    ]
    # Gone for good: the package no longer offers it at all.
    repo.write("pkg/__init__.py", "from ._funcs import has\n")
    repo.write("pkg/_make.py", "def make():\n    return 1\n")
    assert ("major", "removed public name pkg.evolve") in _run(repo, base)


def test_a_subpackage_importing_from_a_public_module_elsewhere_does_not_reexport(
    repo: Any,
) -> None:
    repo.write("pkg/__init__.py", "from pkg.models import Request\n")
    repo.write("pkg/models.py", "class Request:\n    pass\n")
    repo.write("pkg/types.py", "Scope = dict\n")
    repo.write("pkg/_impl.py", "class Engine:\n    pass\n")
    repo.write(
        "pkg/middleware/__init__.py",
        "from pkg.types import Scope\nfrom pkg._impl import Engine\nfrom .base import Base\n\n\n"
        "def run(scope: Scope) -> None:\n    pass\n",
    )
    repo.write("pkg/middleware/base.py", "class Base:\n    pass\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/middleware/__init__.py", "def run(scope: dict) -> None:\n    pass\n")
    assert _run(repo, base) == [
        ("major", "removed public name pkg.Request"),
        ("major", "removed public name pkg.middleware.Base"),
        ("major", "removed public name pkg.middleware.Engine"),
    ]


RENAMES = """class Headers:
    def add(self, _key, _value, **kw):
        pass

    def __contains__(self, item):
        return False

    def __init__(self, data):
        pass

    def get(self, key):
        return key
"""


def test_renames_callers_cannot_see_are_not_breaking(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/headers.py", RENAMES)
    base = repo.commit("initial")
    repo.write(
        "pkg/headers.py",
        RENAMES.replace("_key, _value", "key, value")
        .replace("__contains__(self, item)", "__contains__(self, etag)")
        .replace("__init__(self, data)", "__init__(self, values)")
        .replace("get(self, key)", "get(self, name)"),
    )
    assert _run(repo, base) == [
        (
            "major",
            "incompatible signature of pkg.headers.Headers.__init__: parameter data removed; "
            "required parameter values added",
        ),
        (
            "major",
            "incompatible signature of pkg.headers.Headers.get: parameter key removed; "
            "required parameter name added",
        ),
    ]


def test_options_that_kwargs_now_take_are_still_accepted(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/jwt.py",
        "def decode(jwt, key='', audience=None, *, leeway=0):\n    return jwt\n\n\n"
        "def encode(payload, key='', headers=None):\n    return payload\n",
    )
    base = repo.commit("initial")
    repo.write(
        "pkg/jwt.py",
        "def decode(jwt, key='', **kwargs):\n    return jwt\n\n\n"
        "def encode(payload, key=''):\n    return payload\n",
    )
    # decode(jwt, audience='x', leeway=1) still works; encode(p, headers={}) does not.
    assert _run(repo, base) == [
        ("major", "incompatible signature of pkg.jwt.encode: parameter headers removed"),
        ("minor", "new optional parameter kwargs of pkg.jwt.decode"),
    ]


def test_a_last_positional_parameter_turned_into_star_args_breaks_no_call(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/seqs.py",
        "def map(f, seq):\n    return f\n\n\n"
        "def zip(a, b, *, strict=False):\n    return a\n\n\n"
        "def join(sep, first):\n    return sep\n",
    )
    base = repo.commit("initial")
    repo.write(
        "pkg/seqs.py",
        "def map(f, *seqs):\n    return f\n\n\n"
        "def zip(a, *more, strict=False):\n    return a\n\n\n"
        "def join(*parts):\n    return parts\n",
    )
    # map(f, s) and zip(a, b, strict=True) still work; join(sep, first) does not: its
    # first parameter is not the last positional one, and the parameters before the
    # variadic changed.
    assert _run(repo, base) == [
        (
            "major",
            "incompatible signature of pkg.seqs.join: parameter sep removed; "
            "parameter first removed",
        ),
        ("minor", "new optional parameter more of pkg.seqs.zip"),
        ("minor", "new optional parameter parts of pkg.seqs.join"),
        ("minor", "new optional parameter seqs of pkg.seqs.map"),
    ]


def test_a_pass_through_given_explicit_parameters_breaks_no_call(repo: Any) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/core.py",
        "class Parser:\n"
        "    def use_args(self, argmap, req=None, *, location=None):\n        return argmap\n\n"
        "    def use_kwargs(self, *args, **kwargs):\n"
        "        return self.use_args(*args, **kwargs)\n\n"
        "    def parse(self, argmap, *rest):\n        return argmap\n",
    )
    base = repo.commit("initial")
    repo.write(
        "pkg/core.py",
        "class Parser:\n"
        "    def use_args(self, argmap, req=None, *, location=None):\n        return argmap\n\n"
        "    def use_kwargs(self, argmap, req=None, *, location=None):\n"
        "        return self.use_args(argmap, req, location=location)\n\n"
        "    def parse(self, argmap, req):\n        return argmap\n",
    )
    # use_kwargs took anything and handed it on; parse took more than one argument and
    # now demands exactly two.
    assert [m for _b, m in _run(repo, base)] == [
        "incompatible signature of pkg.core.Parser.parse: parameter rest removed; "
        "required parameter req added",
    ]


def test_a_static_method_turned_class_method_with_the_same_arguments_is_unchanged(
    repo: Any,
) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/secrets.py",
        "class Source:\n"
        "    @staticmethod\n    def load(path):\n        return path\n\n"
        "    @staticmethod\n    def read(path):\n        return path\n",
    )
    base = repo.commit("initial")
    repo.write(
        "pkg/secrets.py",
        "class Source:\n"
        "    @classmethod\n    def load(cls, path):\n        return path\n\n"
        "    def read(self, path):\n        return path\n",
    )
    # Source.load(p) works as before; Source.read(p) now binds p to self.
    assert _run(repo, base) == [
        (
            "major",
            "incompatible signature of pkg.secrets.Source.read: parameter path moved; "
            "required parameter self added",
        ),
    ]


def test_an_override_removed_where_a_base_in_another_module_defines_the_member(
    repo: Any,
) -> None:
    repo.write("pkg/__init__.py", "")
    repo.write(
        "pkg/core.py",
        "class Parser:\n"
        "    def use_args(self, argmap, req=None):\n        return argmap\n\n"
        "    def parse(self, argmap, req, *, strict):\n        return argmap\n",
    )
    repo.write(
        "pkg/asyncparser.py",
        "from pkg import core\n\n\n"
        "class AsyncParser(core.Parser):\n"
        "    def use_args(self, argmap, req=None):\n        return argmap\n\n"
        "    def parse(self, argmap, req=None):\n        return argmap\n\n"
        "    def extra(self):\n        return 1\n",
    )
    base = repo.commit("initial")
    repo.write(
        "pkg/asyncparser.py",
        "from pkg import core\n\n\nclass AsyncParser(core.Parser):\n    pass\n",
    )
    # use_args answers from core.Parser as before; parse there needs more; extra is gone.
    assert _run(repo, base) == [
        ("major", "incompatible pkg.asyncparser.AsyncParser.parse, now inherited as "
         "pkg.core.Parser.parse: parameter req became required; required parameter strict added"),
        ("major", "removed public function pkg.asyncparser.AsyncParser.extra"),
        ("patch", "pkg.asyncparser.AsyncParser.use_args no longer overrides "
         "pkg.core.Parser.use_args; the inherited one answers (review)"),
    ]  # fmt: skip


def test_a_name_only_the_stub_declared_leaves_it_without_breaking_running_code(
    repo: Any,
) -> None:
    runtime = "def f():\n    return 1\n\n\ndef g():\n    return 2\n"
    stub = (
        "from typing import Protocol\n\n\ndef f() -> int: ...\ndef g() -> int: ...\n"
        "def h() -> int: ...\n\n\nclass Proto(Protocol):\n    def __call__(self) -> int: ...\n"
    )
    repo.write("pkg/__init__.py", runtime)
    repo.write("pkg/__init__.pyi", stub)
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "def f():\n    return 1\n")
    repo.write("pkg/__init__.pyi", "def f() -> int: ...\n")
    found = _run(repo, base)
    # g really went; h (a stale entry) and Proto (typing only) never existed at run time.
    assert [m for b, m in found if b == "major"] == ["removed public function pkg.g"]
    assert sorted(m.split(" left ")[0] for b, m in found if b == "patch") == ["pkg.Proto", "pkg.h"]


SIBLINGS_INIT = "from .more import *\nfrom .recipes import *\n"
TAKE = "def take(n, iterable):\n    return list(iterable)[:n]\n"
KEYED = "def running_min(iterable, *, key=None):\n    return min(iterable)\n"
PLAIN = "def running_min(iterable):\n    return min(iterable)\n"


def _move_running_min(
    repo: Any, init: str, before: str, after: str, new_init: str | None = None
) -> list[tuple[str, str]]:
    """Move ``running_min`` from ``pkg.more`` (as ``before``) to ``pkg.recipes`` (as
    ``after``), the package ``__init__`` being ``init`` (then ``new_init``)."""
    repo.write("pkg/__init__.py", init)
    repo.write("pkg/more.py", before)
    repo.write("pkg/recipes.py", TAKE)
    base = repo.commit("initial")
    if new_init is not None:
        repo.write("pkg/__init__.py", new_init)
    repo.write("pkg/more.py", "")
    repo.write("pkg/recipes.py", f"{TAKE}\n\n{after}")
    return _run(repo, base)


def test_name_moved_between_star_exported_siblings_is_a_review_item(repo: Any) -> None:
    assert _move_running_min(repo, SIBLINGS_INIT, KEYED, KEYED) == [
        (
            "patch",
            "pkg.more.running_min moved to pkg.recipes.running_min; pkg.running_min still "
            "serves it (review: importers of pkg.more.running_min break)",
        )
    ]


def test_name_moved_between_siblings_with_a_narrower_signature_is_incompatible(
    repo: Any,
) -> None:
    init = "from .more import running_min\nfrom .recipes import take\n"
    new_init = "from pkg.recipes import running_min, take\n"
    assert _move_running_min(repo, init, KEYED, PLAIN, new_init) == [
        (
            "major",
            "incompatible pkg.running_min (moved to pkg.recipes.running_min): "
            "parameter key removed",
        )
    ]


def test_name_moved_between_siblings_the_package_does_not_serve_is_removed(repo: Any) -> None:
    assert _move_running_min(repo, "from .recipes import *\n", PLAIN, PLAIN) == [
        ("major", "removed public function pkg.more.running_min"),
        ("minor", "new public function pkg.recipes.running_min"),
    ]


def test_a_star_import_replaced_by_its_names_adds_nothing(repo: Any) -> None:
    repo.write("pkg/__init__.py", "from ._api import *\n")
    repo.write("pkg/_api.py", "def get():\n    return 1\n\n\ndef post():\n    return 2\n")
    repo.write("pkg/_extra.py", "def put():\n    return 3\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._api import get, post\nfrom ._extra import put\n")
    assert _run(repo, base) == [("minor", "new public name pkg.put")]


def test_a_name_the_star_did_not_bring_is_new(repo: Any) -> None:
    # `post` is new in `_api`; `helper` was left out of its `__all__`: the star gave neither.
    api = '__all__ = ["get"]\n\n\ndef get():\n    return 1\n\n\ndef helper():\n    return 2\n'
    repo.write("pkg/__init__.py", "from ._api import *\n")
    repo.write("pkg/_api.py", api)
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._api import get, helper, post\n")
    repo.write("pkg/_api.py", api + "\n\ndef post():\n    return 3\n")
    assert _run(repo, base) == [
        ("minor", "new public name pkg.helper"),
        ("minor", "new public name pkg.post"),
    ]


@pytest.mark.parametrize(
    "api",
    [
        # `get` comes through the module's own star import.
        "from ._core import *\n\n\ndef post():\n    return 2\n",
        # `__all__` is computed from another module's list.
        "from ._core import get\nfrom . import _core\n\n__all__ = _core.__all__ + ['post']\n\n\n"
        "def post():\n    return 2\n",
        # `__all__` extended after it is written.
        "from ._core import get\n\n__all__ = ['post']\n__all__.extend(['get'])\n\n\n"
        "def post():\n    return 2\n",
    ],
)
def test_a_star_module_that_may_give_names_unseen_leaves_a_review_item(repo: Any, api: str) -> None:
    repo.write("pkg/__init__.py", "from ._api import get, post\n")
    repo.write("pkg/_api.py", api)
    repo.write("pkg/_core.py", "__all__ = ['get']\n\n\ndef get():\n    return 1\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._api import *\n")
    assert [bump for bump, _message in _run(repo, base)] == ["patch"]


def test_a_star_module_whose_own_all_leaves_a_name_out_removes_it(repo: Any) -> None:
    # `_api` star-imports `_core` but its `__all__` of strings decides what its star gives.
    repo.write("pkg/__init__.py", "from ._api import get, post\n")
    repo.write(
        "pkg/_api.py", "from ._core import *\n\n__all__ = ['post']\n\n\ndef post():\n    return 2\n"
    )
    repo.write("pkg/_core.py", "def get():\n    return 1\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._api import *\n")
    assert _run(repo, base) == [("major", "removed public name pkg.get")]
