"""A package's re-exports are compared by the names importers use, not by their targets."""

from __future__ import annotations

from typing import Any

from release_tools.analysis.evidence.python.api import gather
from release_tools.analysis.models import Evidence
from repo_context import build_context
from review_marks import checked


def _run(repo: Any, base: str) -> list[tuple[str, str]]:
    repo.commit("change")
    items: list[Evidence] = gather(build_context(repo.path, base))
    return sorted((e.bump, e.message) for e in checked(items))


def test_a_renamed_private_target_behind_the_same_public_name_is_no_removal(repo: Any) -> None:
    repo.write("pkg/__init__.py", "from ._json import deprecated_json as json\n")
    repo.write("pkg/_json.py", "class Shim:\n    pass\n\n\ndeprecated_json = Shim()\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._json import json\n")
    repo.write("pkg/_json.py", "class Shim:\n    pass\n\n\njson = Shim()\n")
    assert _run(repo, base) == []


def test_the_public_name_changed_for_the_same_target_is_a_removal(repo: Any) -> None:
    repo.write("pkg/__init__.py", "from ._impl import Client as Session\n")
    repo.write("pkg/_impl.py", "class Client:\n    pass\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._impl import Client as Connection\n")
    found = _run(repo, base)
    assert ("major", "removed public name pkg.Session") in found


def test_a_renamed_target_whose_public_name_went_too_is_a_removal(repo: Any) -> None:
    repo.write("pkg/__init__.py", "from ._json import deprecated_json as json\n")
    repo.write("pkg/_json.py", "deprecated_json = object()\n")
    base = repo.commit("initial")
    repo.write("pkg/__init__.py", "from ._json import dumps\n")
    repo.write("pkg/_json.py", "def dumps():\n    return 1\n")
    found = _run(repo, base)
    assert ("major", "removed public name pkg.json") in found
    assert any(message.endswith("pkg._json.deprecated_json") for _, message in found)
