"""Removed deprecations (deprecated paths taken out) from real repositories."""

from __future__ import annotations

import re
from typing import Any

import pytest

from release_tools.analysis.decision import decide
from release_tools.analysis.evidence.deprecations import _sites, gather
from release_tools.analysis.models import Bump, Evidence, EvidenceKind
from repo_context import build_context

API = """import warnings


def new():
    return 1


def old():
    warnings.warn(
        "old() is deprecated, use new()",
        DeprecationWarning,
        stacklevel=2,
    )
    return new()


def older():
    warnings.warn("older() goes away in 3.0", FutureWarning)
    return new()
"""


def _run(repo: Any, base: str) -> list[Evidence]:
    repo.commit("change")
    return gather(build_context(repo.path, base))


def _removed(items: list[Evidence]) -> list[Evidence]:
    return [e for e in items if e.kind is EvidenceKind.DEPRECATED_REMOVED]


def test_deprecated_function_taken_out_is_major_and_asks_for_review(repo: Any) -> None:
    repo.write("src/lib/api.py", API)
    base = repo.commit("initial")
    repo.write("src/lib/api.py", API[: API.index("def old")])
    items = _removed(_run(repo, base))
    assert [(e.source, e.bump, e.strength, e.path, e.line) for e in items] == [
        ("python-api", "major", "strong", "src/lib/api.py", 11)
    ]
    assert "2 fewer deprecation warnings" in items[0].message
    assert '"old() is deprecated, use new()", DeprecationWarning,' in items[0].message
    verdict = decide(items, has_changes=True)
    assert (verdict.bump, verdict.needs_review) == (Bump.MAJOR, True)
    assert "deprecated code taken out" in verdict.reasoning


def test_deleted_module_with_deprecations_counts(repo: Any) -> None:
    repo.write("src/lib/api.py", "x = 1\n")
    repo.write("src/lib/legacy.js", "/** @deprecated use api */\nexport function a() {}\n")
    base = repo.commit("initial")
    repo.remove("src/lib/legacy.js")
    items = _removed(_run(repo, base))
    assert [(e.source, e.path, e.line) for e in items] == [
        ("javascript-api", "src/lib/legacy.js", 1)
    ]


def test_warning_moved_between_files_is_not_a_removal(repo: Any) -> None:
    repo.write("src/lib/api.py", API)
    repo.write("src/lib/compat.py", "x = 1\n")
    base = repo.commit("initial")
    repo.write("src/lib/api.py", API[: API.index("def older")])
    repo.write("src/lib/compat.py", API[API.index("def older") :])
    assert _removed(_run(repo, base)) == []


def test_reworded_or_test_only_warnings_are_not_removals(repo: Any) -> None:
    repo.write("src/lib/api.py", API)
    repo.write("tests/test_api.py", "import pytest\npytest.warns(DeprecationWarning)\n")
    base = repo.commit("initial")
    repo.write("src/lib/api.py", API.replace("goes away in 3.0", "goes away soon"))
    repo.write("tests/test_api.py", "")
    assert _removed(_run(repo, base)) == []


def test_removed_deprecations_match_repeated_lines_as_a_multiset(repo: Any) -> None:
    one = 'warn(\n    "a is old",\n    DeprecationWarning,\n)\n'
    two = one + one.replace("a is old", "b is old")
    repo.write("src/lib/m.py", two)
    base = repo.commit("initial")
    repo.write("src/lib/m.py", one)
    [gone] = _removed(_run(repo, base))
    assert (gone.path, gone.line) == ("src/lib/m.py", 7)
    assert "1 fewer deprecation warning in" in gone.message
    assert gone.message.endswith('"b is old", DeprecationWarning,')
    base = repo.head()
    repo.write("src/lib/m.py", two)
    assert _removed(_run(repo, base)) == []


def _sites_by_line(text: str) -> dict[int, str]:
    """The sites the gatherer finds (its fast, hint-guided scan), by line."""
    return {site.number: site.line for site in _sites(text)}


def _sites_by_regex(text: str) -> dict[int, str]:
    """The plain reading of a site: each regex match over the whole text, by line."""
    pattern = re.compile(
        r"DeprecationWarning\b|\bFutureWarning\b|@deprecated\b|\bdeprecated\(|util\.deprecate\("
    )
    lines = text.split("\n")
    found: dict[int, str] = {}
    for match in pattern.finditer(text):
        number = text.count("\n", 0, match.start()) + 1
        found.setdefault(number, lines[number - 1].strip())
    return found


@pytest.mark.parametrize(
    "text",
    [
        "",
        "DeprecationWarning",
        "x = 1\nwarn('x', DeprecationWarning); warn('y', FutureWarning)\n",
        "# not deprecated here\nx = deprecated(x)\nundeprecated(1)\nMyFutureWarning\n",
        "a\r\n@deprecated('use b')\r\ndef a(): ...\r\nutil.deprecate(fn, 'msg')",
        "PydanticDeprecationWarning,\n\n\nX(FutureWarning)\nis_deprecated = 1\n",
        "deprecated(\n" * 50 + "FutureWarning",
    ],
)
def test_deprecation_sites_are_the_regex_matches_by_line(text: str) -> None:
    assert _sites_by_line(text) == _sites_by_regex(text)


def test_deprecation_sites_on_a_big_generated_module() -> None:
    rows = [
        f"def f{i}(): pass" if i % 97 else f"warn('f{i}', DeprecationWarning)" for i in range(5000)
    ]
    text = "\n".join(rows)
    found = _sites_by_line(text)
    assert len(found) == len(range(0, 5000, 97))
    assert found == _sites_by_regex(text)


def test_lines_that_filter_or_catch_warnings_are_no_sites() -> None:
    text = (
        "warnings.simplefilter('default', DeprecationWarning)\n"
        "warnings.filterwarnings(\n"
        "    'ignore', category=DeprecationWarning\n"
        ")\n"
        "except DeprecationWarning:\n"
        "if issubclass(category, FutureWarning): pass\n"
        "class RemovedIn3Warning(DeprecationWarning):\n"
        "def deprecated(msg, category=DeprecationWarning):\n"
        "export function deprecated(fn) {}\n"
        "warnings.warn(\n"
        "    'gone in 2.0', DeprecationWarning\n"
        ")\n"
    )
    assert _sites_by_line(text) == {11: "'gone in 2.0', DeprecationWarning"}


def test_lines_that_import_or_list_a_category_are_no_sites() -> None:
    text = (
        "from .warnings import PyparsingDeprecationWarning, PyparsingDiagnosticWarning\n"
        "import { LibDeprecationWarning } from './warnings.js'\n"
        "from .warnings import (\n"
        "    Other,\n"
        "\n"
        "    LibDeprecationWarning,\n"
        ")\n"
        "__all__ = ['LibDeprecationWarning']\n"
        "__all__ += [\n"
        '    "PyparsingDeprecationWarning",\n'
        "]\n"
        "warnings.warn(\n"
        "    'gone in 4.0',\n"
        "    PyparsingDeprecationWarning,\n"
        ")\n"
        "PyparsingDeprecationWarning,\n"
    )
    assert _sites_by_line(text) == {
        14: "PyparsingDeprecationWarning,",
        16: "PyparsingDeprecationWarning,",
    }


def test_importing_a_category_is_no_new_deprecation(repo: Any) -> None:
    repo.write("src/lib/warns.py", "class LibDeprecationWarning(DeprecationWarning):\n    pass\n")
    repo.write("src/lib/api.py", API)
    base = repo.commit("initial")
    repo.write(
        "src/lib/api.py",
        API.replace(
            "import warnings\n", "import warnings\n\nfrom .warns import LibDeprecationWarning\n"
        ),
    )
    items = _run(repo, base)
    assert [e for e in items if e.kind is EvidenceKind.DEPRECATION_ADDED] == []


def test_a_new_warnings_filter_is_no_new_deprecation(repo: Any) -> None:
    repo.write("src/lib/api.py", API)
    base = repo.commit("initial")
    repo.write(
        "src/lib/api.py",
        API.replace(
            "import warnings\n",
            "import warnings\n\nwarnings.simplefilter('default', DeprecationWarning)\n",
        ),
    )
    items = _run(repo, base)
    assert [e for e in items if e.kind is EvidenceKind.DEPRECATION_ADDED] == []
    assert _removed(items) == []
