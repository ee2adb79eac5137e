"""Members dropped from hand-written typings, checked against the JavaScript that defines them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from release_tools.analysis.evidence.javascript.gatherer import gather
from repo_context import build_context
from review_marks import checked

TYPINGS = """export class Option {
  flags: string;
  optionFlags: string;
  env(name: string): this;
}
"""

REMOVED = ("major", "removed export Option.optionFlags (member) from typings/index.d.ts")
CORRECTED = (
    "patch",
    "Option.optionFlags dropped from typings/index.d.ts, but no JavaScript of the base "
    "defines it: a typings correction (review)",
)


def _dropped(repo: Any, code: str, extra: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Commit a package whose typings declare ``Option.optionFlags`` and whose JavaScript is
    ``code`` (plus ``extra`` files), then drop the member from the typings."""
    pkg = {"name": "demo", "main": "index.js", "types": "typings/index.d.ts"}
    repo.write("package.json", json.dumps(pkg))
    repo.write("index.js", "const { Option } = require('./lib/option.js');\n")
    repo.write("lib/option.js", code)
    repo.write("typings/index.d.ts", TYPINGS)
    for path, text in (extra or {}).items():
        repo.write(path, text)
    base = repo.commit("initial")
    repo.write("typings/index.d.ts", TYPINGS.replace("  optionFlags: string;\n", ""))
    repo.commit("change")
    items = checked(gather(build_context(repo.path, base)))
    return sorted((e.bump, e.message) for e in items)


LOCAL_ONLY = """class Option {
  constructor(flags) {
    // optionFlags are split into the short and the long flag
    const optionFlags = splitOptionFlags(flags);
    this.flags = flags;
    this.short = optionFlags.shortFlag;
  }
  env(name) { return this; }
}
module.exports = { Option };
"""


def test_a_member_the_code_only_names_as_a_local_variable_or_in_type_tests_is_a_correction(
    repo: Any,
) -> None:
    extra = {
        "typings/index.test-d.ts": "expectType<string>(new Option('-f').optionFlags);\n",
        "tests/option.test.js": "const optionFlags = '-p, --pepper';\n"
        "program.option(optionFlags, 'add pepper');\n"
        "expect(message).toBe(`error: option '${optionFlags}' missing`);\n"
        "check(caught, 1, optionFlags, { exitCode: 1 });\n",
    }
    assert _dropped(repo, LOCAL_ONLY, extra) == [CORRECTED]


@pytest.mark.parametrize(
    "definition",
    [
        "    this.optionFlags = flags;\n",
        "    Object.defineProperty(this, 'optionFlags', { value: flags });\n",
        "    Object.assign(this, { optionFlags: flags });\n",
        "    Object.assign(this, { flags, optionFlags });\n",
        "    Object.assign(this, { short: 1, optionFlags: flags });\n",
    ],
    ids=["assigned", "defined", "object-key", "shorthand", "second-key"],
)
def test_a_member_the_code_defines_is_a_removal(repo: Any, definition: str) -> None:
    code = LOCAL_ONLY.replace("    this.flags = flags;\n", "    this.flags = flags;\n" + definition)
    assert _dropped(repo, code) == [REMOVED]


@pytest.mark.parametrize(
    "member",
    [
        "  optionFlags() { return this.flags; }\n",
        "  get optionFlags() { return 1; }\n",
        "  static async optionFlags(x) { return x; }\n",
        "  optionFlags = null;\n",
    ],
    ids=["method", "getter", "static", "field"],
)
def test_a_class_member_defined_at_the_start_of_a_line_is_a_removal(repo: Any, member: str) -> None:
    code = LOCAL_ONLY.replace(
        "  env(name) { return this; }\n", "  env(name) { return this; }\n" + member
    )
    assert _dropped(repo, code) == [REMOVED]
