"""Which imports of a package ``__init__`` serve a submodule's name as the package's own."""

from __future__ import annotations

import pytest

from release_tools.analysis.evidence.python.siblings import serves_from


@pytest.mark.parametrize(
    ("code", "served"),
    [
        ("from .more import *\n", True),
        ("from .more import running_min\n", True),
        ("from pkg.more import running_min, take\n", True),
        ("from .more import running_min as running_min\n", True),
        ("from .more import running_min as rmin\n", False),
        ("from .recipes import *\n", False),
        ("from ..more import *\n", False),
        ("from other.more import running_min\n", False),
        ("def lazy():\n    from .more import running_min\n", False),
        ("from .more import (\n", False),
    ],
)
def test_serves_from(code: str, served: bool) -> None:
    assert serves_from(code, "pkg", "more", "running_min") is served
