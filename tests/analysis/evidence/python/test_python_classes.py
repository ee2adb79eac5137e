"""Class members that move between a class and its bases, on real repositories."""

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


def _change(repo: Any, old: str, new: str) -> list[tuple[str, str]]:
    repo.write("pkg/__init__.py", "")
    repo.write("pkg/shapes.py", old)
    base = repo.commit("initial")
    repo.write("pkg/shapes.py", new)
    return _run(repo, base)


GENERIC_BEFORE = """from typing import Generic, TypeVar

T = TypeVar("T")


class Base(Generic[T]):
    pass


class Circle(Base[int]):
    def area(self):
        return 1
"""


def test_a_member_moved_into_a_generic_base_is_not_removed(repo: Any) -> None:
    after = GENERIC_BEFORE.replace(
        "class Base(Generic[T]):\n    pass\n",
        "class Base(Generic[T]):\n    def area(self):\n        return 1\n",
    ).replace(
        "class Circle(Base[int]):\n    def area(self):\n        return 1\n",
        "class Circle(Base[int]):\n    pass\n",
    )
    assert _change(repo, GENERIC_BEFORE, after) == [
        ("minor", "new public function pkg.shapes.Base.area"),
    ]


def test_a_new_generic_base_of_the_module_is_read_not_guessed(repo: Any) -> None:
    # _Base[int] is defined here: area moved there, perimeter is gone for certain.
    before = (
        "class Circle:\n    def area(self):\n        return 1\n\n"
        "    def perimeter(self):\n        return 2\n"
    )
    after = (
        "from typing import Generic, TypeVar\n\nT = TypeVar('T')\n\n\n"
        "class _Base(Generic[T]):\n    def area(self):\n        return 1\n\n\n"
        "class Circle(_Base[int]):\n    pass\n"
    )
    assert _change(repo, before, after) == [
        ("major", "removed public function pkg.shapes.Circle.perimeter"),
    ]


def test_a_member_moved_into_a_base_of_an_enclosing_class_is_not_removed(repo: Any) -> None:
    before = (
        "class Outer:\n    class Base:\n        pass\n\n"
        "    class Inner(Base):\n        def area(self):\n            return 1\n"
    )
    after = (
        "class Outer:\n    class Base:\n        def area(self):\n            return 1\n\n"
        "    class Inner(Base):\n        pass\n"
    )
    assert _change(repo, before, after) == [
        ("minor", "new public function pkg.shapes.Outer.Base.area"),
    ]


OVERRIDE_BEFORE = """class Shape:
    def scale(self, factor):
        return self

    size = None

    @property
    def name(self):
        return "shape"


class Square(Shape):
    def scale(self, factor, origin):
        return self

    def size(self):
        return 4

    @property
    def name(self):
        return "square"
"""

OVERRIDE_AFTER = """class Shape:
    def scale(self, factor):
        return self

    size = None

    name = "shape"


class Square(Shape):
    pass
"""


def test_a_removed_override_whose_inherited_member_is_incompatible_is_breaking(
    repo: Any,
) -> None:
    # Callers of Square.scale passed origin; Square().size() now calls None. The property
    # that became a plain attribute still reads the same.
    assert _change(repo, OVERRIDE_BEFORE, OVERRIDE_AFTER) == [
        (
            "major",
            "incompatible pkg.shapes.Square.scale, now inherited as pkg.shapes.Shape.scale: "
            "parameter origin removed",
        ),
        (
            "major",
            "incompatible pkg.shapes.Square.size, now inherited as pkg.shapes.Shape.size: "
            "method became attribute",
        ),
    ]


def test_a_removed_override_with_a_compatible_base_member_breaks_nobody(repo: Any) -> None:
    before = (
        "class Shape:\n    def scale(self, factor, origin=None):\n        return self\n\n\n"
        "class Square(Shape):\n    def scale(self, factor):\n        return self\n"
    )
    after = (
        "class Shape:\n    def scale(self, factor, origin=None):\n        return self\n\n\n"
        "class Square(Shape):\n    pass\n"
    )
    assert _change(repo, before, after) == []


def test_a_base_named_through_an_assignment_of_the_module_is_followed(repo: Any) -> None:
    # Shape = _Shape: scale moved into the class the assigned name binds, so nothing is gone;
    # area has no other home and is removed for certain.
    before = (
        "class _Shape:\n    pass\n\n\nShape = _Shape\nBase = Shape\n\n\n"
        "class Square(Base):\n    def scale(self, factor):\n        return self\n\n"
        "    def area(self):\n        return 1\n"
    )
    after = (
        "class _Shape:\n    def scale(self, factor):\n        return self\n\n\n"
        "Shape = _Shape\nBase = Shape\n\n\nclass Square(Base):\n    pass\n"
    )
    assert _change(repo, before, after) == [
        ("major", "removed public function pkg.shapes.Square.area"),
    ]


def test_a_base_assigned_from_a_call_or_in_a_cycle_is_not_followed(repo: Any) -> None:
    before = (
        "A = B\nB = A\nMade = make_base()\n\n\n"
        "class One(A):\n    def scale(self):\n        return 1\n\n\n"
        "class Two(Made):\n    def scale(self):\n        return 1\n"
    )
    after = (
        "A = B\nB = A\nMade = make_base()\n\n\n"
        "class One(A):\n    pass\n\n\nclass Two(Made):\n    pass\n"
    )
    # Neither name leads to a class of the module (the cycle ends): the bases are treated as
    # any base that was already there, and the overrides are removed.
    assert _change(repo, before, after) == [
        ("major", "removed public function pkg.shapes.One.scale"),
        ("major", "removed public function pkg.shapes.Two.scale"),
    ]


def test_a_required_parameter_in_the_inherited_member_is_breaking(repo: Any) -> None:
    before = (
        "class Shape:\n    def scale(self, factor, origin):\n        return self\n\n\n"
        "class Square(Shape):\n    def scale(self, factor):\n        return self\n"
    )
    after = before.replace("    def scale(self, factor):\n        return self\n", "    pass\n")
    assert _change(repo, before, after) == [
        (
            "major",
            "incompatible pkg.shapes.Square.scale, now inherited as pkg.shapes.Shape.scale: "
            "required parameter origin added",
        ),
    ]


REMOVAL_BEFORE = """class Circle:
    def area(self):
        return 1
"""


@pytest.mark.parametrize(
    ("imports", "base"),
    [
        ("", "object"),
        ("from abc import ABC\n", "ABC"),
        ("import abc\n", "abc.ABC"),
        ("from typing import Generic, TypeVar\nT = TypeVar('T')\n", "Generic[T]"),
        ("import typing\nT = typing.TypeVar('T')\n", "typing.Generic[T]"),
        ("from typing import Protocol\n", "Protocol"),
        ("import typing as t\n", "t.Protocol"),
        ("from typing import NamedTuple\n", "NamedTuple"),
        ("from enum import Enum\n", "Enum"),
        ("", "Exception"),
    ],
)
def test_a_new_marker_base_hides_no_removal(repo: Any, imports: str, base: str) -> None:
    # None of these standard-library bases gives its subclasses an ``area``.
    after = f"{imports}\n\nclass Circle({base}):\n    pass\n"
    assert _change(repo, REMOVAL_BEFORE, after) == [
        ("major", "removed public function pkg.shapes.Circle.area"),
    ]


@pytest.mark.parametrize(
    ("imports", "base", "member"),
    [
        ("", "Exception", "args"),
        ("from enum import Enum\n", "Enum", "value"),
        ("import typing\n", "typing.Mapping[str, int]", "keys"),
    ],
)
def test_a_new_standard_base_that_has_the_member_is_a_review_item(
    repo: Any, imports: str, base: str, member: str
) -> None:
    # These bases give their subclasses (or instances) the member: it may be that one now.
    before = f"class Failure:\n    {member} = ()\n"
    after = f"{imports}\n\nclass Failure({base}):\n    pass\n"
    assert _change(repo, before, after) == [
        (
            "patch",
            f"pkg.shapes.Failure.{member} is no longer defined in Failure itself; it may be "
            f"inherited from its new base {base} (review)",
        ),
    ]


def test_a_new_foreign_base_reached_through_a_base_of_the_module_is_a_review_item(
    repo: Any,
) -> None:
    after = (
        "from pkg.mixins import Mixin\n\n\nclass _Middle(Mixin):\n    pass\n\n\n"
        "class Circle(_Middle):\n    pass\n"
    )
    repo.write("pkg/mixins.py", "class Mixin:\n    def area(self):\n        return 1\n")
    assert _change(repo, REMOVAL_BEFORE, after) == [
        (
            "patch",
            "pkg.shapes.Circle.area is no longer defined in Circle itself; it may be "
            "inherited from its new base Mixin (review)",
        ),
    ]


DIAMOND = """class Shape:
    def scale(self):
        return self


class Flat(Shape):
    pass


class Scalable(Shape):
    def scale(self, factor):
        return self


class Square(Flat, Scalable):
    def scale(self, factor):
        return self
"""


def test_the_inherited_member_is_the_one_the_method_resolution_order_finds(repo: Any) -> None:
    # Square's MRO is Square, Flat, Scalable, Shape: Scalable.scale answers, and takes factor.
    after = DIAMOND.replace(
        "class Square(Flat, Scalable):\n    def scale(self, factor):\n        return self\n",
        "class Square(Flat, Scalable):\n    pass\n",
    )
    assert _change(repo, DIAMOND, after) == []
    repo.write("pkg/shapes.py", after.replace("def scale(self, factor)", "def scale(self)"))
    assert _run(repo, repo.head()) == [
        ("major", "incompatible signature of pkg.shapes.Scalable.scale: parameter factor removed"),
    ]


SESSION_BEFORE = """from collections.abc import MutableMapping

from othertool.structures import CallbackDict


class SessionMixin(MutableMapping[str, int]):
    pass


class Session(CallbackDict[str, int], SessionMixin):
    def get(self, key, default=None):
        return super().get(key, default)

    def setdefault(self, key, default=None):
        return super().setdefault(key, default)

    def touch(self):
        return None
"""


def test_a_removed_override_of_a_standard_base_member_is_a_review_item(repo: Any) -> None:
    # MutableMapping, reached through a mixin of the module, still gives Session get and
    # setdefault; nothing standard gives it touch.
    after = SESSION_BEFORE.split("    def get")[0] + "    pass\n"
    assert _change(repo, SESSION_BEFORE, after) == [
        ("major", "removed public function pkg.shapes.Session.touch"),
        (
            "patch",
            "pkg.shapes.Session.get no longer overrides MutableMapping.get; the inherited one "
            "answers (review)",
        ),
        (
            "patch",
            "pkg.shapes.Session.setdefault no longer overrides MutableMapping.setdefault; the "
            "inherited one answers (review)",
        ),
    ]


def test_a_removed_override_of_a_builtin_base_member_is_a_review_item(repo: Any) -> None:
    before = (
        "class Table(dict):\n    def get(self, key):\n        return 1\n\n"
        "    def area(self):\n        return 1\n"
    )
    after = "class Table(dict):\n    pass\n"
    assert _change(repo, before, after) == [
        ("major", "removed public function pkg.shapes.Table.area"),
        (
            "patch",
            "pkg.shapes.Table.get no longer overrides dict.get; the inherited one answers (review)",
        ),
    ]


@pytest.mark.parametrize(
    ("before", "after", "removed"),
    [
        (
            "from enum import Enum\n\n\nclass Align(str, Enum):\n    left = 'l'\n"
            "    center = 'c'\n",
            "from enum import Enum\n\n\nclass Align(str, Enum):\n    left = 'l'\n",
            "attribute pkg.shapes.Align.center",
        ),
        (
            "class Row(tuple):\n    @property\n    def count(self):\n        return 1\n",
            "class Row(tuple):\n    pass\n",
            "attribute pkg.shapes.Row.count",
        ),
        (
            "from typing import TypedDict\n\n\nclass Chart(TypedDict):\n    title: str\n"
            "    values: list\n",
            "from typing import TypedDict\n\n\nclass Chart(TypedDict):\n    title: str\n",
            "attribute pkg.shapes.Chart.values",
        ),
        (
            "from enum import IntEnum\n\n\nclass Part(IntEnum):\n    real = 1\n    imag = 2\n",
            "from enum import IntEnum\n\n\nclass Part(IntEnum):\n    imag = 2\n",
            "attribute pkg.shapes.Part.real",
        ),
    ],
    ids=["enum-member", "property", "typed-dict-key", "enum-member-sharing-a-data-attribute"],
)
def test_a_removed_attribute_sharing_a_standard_methods_name_is_removed(
    repo: Any, before: str, after: str, removed: str
) -> None:
    # Only a method override leaves the base's method in its place; these are gone.
    assert _change(repo, before, after) == [("major", f"removed public {removed}")]


def test_dropping_the_object_base_changes_nothing(repo: Any) -> None:
    before = "class Adapter(object):\n    def send(self):\n        return 1\n"
    after = "class Adapter:\n    def send(self):\n        return 1\n"
    assert _change(repo, before, after) == []


def test_a_lost_base_is_named(repo: Any) -> None:
    before = (
        "import collections\n\n\nclass Mixin:\n    pass\n\n\n"
        "class Store(Mixin, collections.OrderedDict, object):\n    pass\n"
    )
    after = before.replace(
        "class Store(Mixin, collections.OrderedDict, object)", "class Store(Mixin)"
    )
    assert _change(repo, before, after) == [
        ("major", "pkg.shapes.Store lost its base class collections.OrderedDict"),
    ]


def test_a_removed_attribute_override_of_a_standard_data_attribute_is_a_review_item(
    repo: Any,
) -> None:
    before = (
        "class FrozenError(AttributeError):\n    msg = 'frozen'\n    args = [msg]\n\n\n"
        "class Failed(Exception):\n    @property\n    def args(self):\n        return ()\n"
    )
    after = (
        "class FrozenError(AttributeError):\n    msg = 'frozen'\n\n\n"
        "class Failed(Exception):\n    pass\n"
    )
    assert _change(repo, before, after) == [
        (
            "patch",
            "pkg.shapes.Failed.args no longer overrides Exception.args; the inherited one "
            "answers (review)",
        ),
        (
            "patch",
            "pkg.shapes.FrozenError.args no longer overrides AttributeError.args; the inherited "
            "one answers (review)",
        ),
    ]


def test_six_with_metaclass_moving_to_the_metaclass_keyword_loses_no_base(repo: Any) -> None:
    before = (
        "import six\n\n\nclass Meta(type):\n    def __new__(cls, name, bases, d):\n"
        "        return type.__new__(cls, name, bases, d)\n\n\n"
        "class Node(six.with_metaclass(Meta, object)):\n    pass\n\n\n"
        "class Leaf(six.with_metaclass(Meta, Node)):\n    pass\n"
    )
    after = (
        "class Meta(type):\n    def __new__(mcs, name, bases, d):\n"
        "        return type.__new__(mcs, name, bases, d)\n\n\n"
        "class Node(metaclass=Meta):\n    pass\n\n\n"
        "class Leaf(Node):\n    pass\n"
    )
    assert _change(repo, before, after) == []
    # A base really dropped with the move is still named.
    assert _change(repo, before, after.replace("class Leaf(Node)", "class Leaf")) == [
        ("major", "pkg.shapes.Leaf lost its base class Node"),
    ]
