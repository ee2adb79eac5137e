"""Types that accept more: a widened option or parameter of an exported function is a feature."""

from __future__ import annotations

import json
from typing import Any

from release_tools.analysis.evidence.javascript.gatherer import gather
from release_tools.analysis.evidence.javascript.widening import input_type, union_members
from release_tools.analysis.models import Evidence
from repo_context import build_context
from review_marks import checked

TYPES = """export type Color = 'red' | 'blue';
export interface ConfigOptions {
  path?: string | URL;
  color?: Color;
}
export interface Spinner {
  color: Color;
}
export declare function load(source: string): void;
export interface Plugin {
  apply(source: string): void;
}
"""


def _messages(repo: Any, base: str) -> list[tuple[str, str]]:
    repo.commit("change")
    items: list[Evidence] = gather(build_context(repo.path, base))
    return sorted((e.bump, e.message) for e in checked(items))


def _package(repo: Any) -> str:
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", TYPES)
    return str(repo.commit("initial"))


def test_an_option_that_accepts_more_types_is_a_feature(repo: Any) -> None:
    base = _package(repo)
    repo.write("index.d.ts", TYPES.replace("path?: string | URL", "path?: string | string[] | URL"))
    assert _messages(repo, base) == [
        (
            "minor",
            "property ConfigOptions.path accepts more types (string | URL -> string | string[] "
            "| URL) in index.d.ts",
        )
    ]


def test_a_wider_property_of_a_type_the_package_hands_out_stays_a_review_item(
    repo: Any,
) -> None:
    base = _package(repo)
    repo.write("index.d.ts", TYPES.replace("  color: Color;", "  color: Color | boolean;"))
    assert _messages(repo, base) == [
        (
            "patch",
            "property Spinner.color changed type from Color to Color | boolean in index.d.ts "
            "(review)",
        )
    ]


def test_a_narrowed_option_stays_a_review_item(repo: Any) -> None:
    base = _package(repo)
    repo.write("index.d.ts", TYPES.replace("path?: string | URL", "path?: string"))
    [(bump, message)] = _messages(repo, base)
    assert bump == "patch"
    assert message.endswith("(review)")


def test_parameters_widen_for_exported_functions_not_for_interface_methods(repo: Any) -> None:
    base = _package(repo)
    repo.write(
        "index.d.ts",
        TYPES.replace("load(source: string)", "load(source: string | Buffer)").replace(
            "apply(source: string)", "apply(source: string | Buffer)"
        ),
    )
    found = _messages(repo, base)
    assert (
        "minor",
        "parameter source of load accepts more types (string -> string | Buffer) in index.d.ts",
    ) in found
    assert not any(bump == "minor" and "Plugin" in message for bump, message in found)


def test_union_members_respect_brackets_quotes_and_arrows() -> None:
    assert union_members("A | B[] | (C | D)") == {"A", "B[]", "(C|D)"}
    assert union_members("'a|b' | Array<x | y>") == {"'a|b'", "Array<x|y>"}
    assert union_members("(x: string) => void | null") == {"(x:string)=>void", "null"}
    assert union_members("Map<string, (a: A) => B> | undefined") == {
        "Map<string,(a:A)=>B>",
        "undefined",
    }
    assert union_members("A | B)") is None
    assert input_type("ConfigOptions.path") and input_type("RequestInit.body")
    assert not input_type("Spinner.color") and not input_type("Options")


INTERSECTED = """export type Options = {
  readonly text?: string;
};
export type PromiseOptions<T> = {
  successText?: string;
} & (Options & { failText?: string });
"""


def test_members_of_an_intersected_object_type_are_read(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.d.ts"}))
    repo.write("index.d.ts", INTERSECTED)
    base = repo.commit("initial")
    repo.write(
        "index.d.ts",
        INTERSECTED.replace("successText?: string;", "successText?: string;\n  symbol?: string;"),
    )
    assert _messages(repo, base) == [
        ("minor", "new export PromiseOptions.symbol (member) in index.d.ts")
    ]
    repo.write("index.d.ts", INTERSECTED.replace("failText?: string", "failText: string"))
    assert _messages(repo, base) == [
        ("major", "property PromiseOptions.failText became required in index.d.ts")
    ]


ERROR_BASE = """export interface IFetchError<T = any> extends Error {
  data?: T;
  status?: number;
}
"""
ERROR_CLASS = """export class FetchError<T = any> extends Error implements IFetchError<T> {
  constructor(message: string) {
    super(message);
  }
}
export interface FetchError<T = any> extends IFetchError<T> {}
"""


def test_members_of_a_type_moved_to_another_module_are_not_proven_removed(repo: Any) -> None:
    repo.write("package.json", json.dumps({"name": "demo", "types": "index.ts"}))
    repo.write("index.ts", 'export * from "./error";\nexport * from "./types";\n')
    repo.write("types.ts", "export type Id = string;\n")
    repo.write("error.ts", ERROR_BASE + ERROR_CLASS)
    base = repo.commit("initial")
    repo.write("types.ts", "export type Id = string;\n" + ERROR_BASE)
    repo.write("error.ts", 'import type { IFetchError } from "./types";\n' + ERROR_CLASS)
    found = _messages(repo, base)
    assert not any(bump == "major" for bump, _ in found), found
    assert any(m.startswith("FetchError takes its members from types not read") for _, m in found)


def test_a_member_of_an_error_subclass_removed_is_still_major(repo: Any) -> None:
    code = "export class Failure extends Error {\n  code: number;\n  hint: string;\n}\n"
    repo.write("package.json", json.dumps({"name": "demo", "types": "error.ts"}))
    repo.write("error.ts", code)
    base = repo.commit("initial")
    repo.write("error.ts", code.replace("  hint: string;\n", ""))
    assert _messages(repo, base) == [
        ("major", "removed export Failure.hint (member) from error.ts")
    ]
