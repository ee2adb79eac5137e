"""``projects``, ``create-version-plan``, ``plan-check`` and ``release`` through the CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from release_tools.cli import cli


@pytest.fixture
def project(make_repo: Callable[[str], Any]) -> Any:
    repo = make_repo("cli")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.2.3"\n')
    repo.write("src/demo/__init__.py", '__version__ = "1.2.3"\n')
    repo.commit("chore: initial")
    repo.tag("v1.2.3")
    repo.write("src/demo/more.py", "X = 1\n")
    repo.commit("feat: more")
    return repo


@pytest.fixture
def workspace(make_repo: Callable[[str], Any]) -> Any:
    repo = make_repo("ws")
    repo.write("package.json", json.dumps({"private": True, "workspaces": ["pkgs/*"]}))
    repo.write("pkgs/a/package.json", json.dumps({"name": "@s/a", "version": "1.0.0"}))
    repo.write("pkgs/b/package.json", json.dumps({"name": "b", "version": "2.0.0"}))
    repo.commit("chore: initial")
    return repo


def run(repo: Any, *args: str, env: dict[str, str] | None = None) -> Result:
    command, *rest = args
    return CliRunner().invoke(cli, [command, "-C", str(repo.path), *rest], env=env)


def files(repo: Any) -> dict[str, bytes]:
    return {
        p.relative_to(repo.path).as_posix(): p.read_bytes()
        for p in repo.path.rglob("*")
        if p.is_file() and ".git" not in p.relative_to(repo.path).parts
    }


def test_a_manifest_name_cannot_start_a_line_of_the_projects_table(workspace: Any) -> None:
    name = "b\nghost  9.9.9  pkgs/ghost\t\x1b[2J"
    workspace.write("pkgs/b/package.json", json.dumps({"name": name, "version": "2.0.0"}))
    workspace.commit("chore: a hostile name")
    text = run(workspace, "projects")
    assert text.exit_code == 0, text.output
    lines = text.stdout.splitlines()
    assert len(lines) == 2
    assert lines[1].startswith("b\\nghost  9.9.9  pkgs/ghost\\t\\x1b[2J  2.0.0")
    # JSON escapes on its own and keeps the name as it is.
    assert json.loads(run(workspace, "projects", "--format", "json").stdout)[1]["name"] == name


def test_projects_text_and_json(workspace: Any) -> None:
    text = run(workspace, "projects")
    assert text.exit_code == 0, text.output
    assert text.stdout.splitlines() == [
        "@s/a  1.0.0  pkgs/a  pkgs/a/package.json  node  tags {name}@{version} (default)"
        "  changelog pkgs/a/CHANGELOG.md (to create)",
        "b     2.0.0  pkgs/b  pkgs/b/package.json  node  tags {name}@{version} (default)"
        "  changelog pkgs/b/CHANGELOG.md (to create)",
    ]
    as_json = run(workspace, "projects", "--format", "json")
    row = json.loads(as_json.stdout)[1]
    assert {k: row[k] for k in ("name", "version", "path", "manifest", "ecosystem")} == {
        "name": "b",
        "version": "2.0.0",
        "path": "pkgs/b",
        "manifest": "pkgs/b/package.json",
        "ecosystem": "node",
    }
    assert row["version_group"] is None and row["release_group"] is None
    assert row["private"] is False
    # What was inferred, so a user can see it and override it in the configuration.
    assert row["tag_scheme"] == {
        "template": "{name}@{version}",
        "style": "name@",
        "source": "default",
    }
    assert row["changelog"]["path"] == "pkgs/b/CHANGELOG.md"
    assert row["changelog"]["source"] == "default"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--project", "nope", "--version-type", "minor"], "unknown project 'nope'"),
        (["--project", "b", "--version-type", "mega"], "invalid version type 'mega'"),
        (["--version-type", "minor"], "the repository has 2 projects (@s/a, b): pass --project"),
    ],
)
def test_create_version_plan_refusals_exit_2(workspace: Any, args: list[str], needle: str) -> None:
    before = files(workspace)
    result = run(workspace, "create-version-plan", *args)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert needle in result.stderr and "Traceback" not in result.output
    assert files(workspace) == before


def test_a_plan_without_options_is_analyzed_for_the_only_project(project: Any) -> None:
    result = run(project, "create-version-plan", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["project"] == "demo" and report["version_type"] == "minor"
    plan = (project.path / report["plan_path"]).read_text()
    assert plan.startswith("---\ndemo: minor\n---\n")


def test_plan_then_check_then_release_with_github_output(workspace: Any, tmp_path: Path) -> None:
    workspace.write("pkgs/a/index.js", "x\n")
    workspace.commit("feat: a")
    base = workspace.git("rev-parse", "HEAD~1")
    failing = run(workspace, "plan-check", "--base", base)
    assert failing.exit_code == 4  # plans missing: distinct from 1, a failed check
    assert "touched projects: @s/a" in failing.stdout
    assert "error: touched without a version plan: @s/a" in failing.stderr

    made = run(
        workspace, "create-version-plan", "--project", "@s/a", "--version-type", "minor",
        "--message", "feat: a", "--commit",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert made.stdout.startswith("wrote .nx/version-plans/version-plan-")
    plan_file = made.stdout.split()[1].rstrip(":")
    assert (workspace.path / plan_file).read_text().startswith('---\n"@s/a": minor\n---\n')
    assert run(workspace, "plan-check", "--base", base).exit_code == 0

    dry = run(workspace, "release", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would write pkgs/a/package.json (@s/a 1.0.0 -> 1.1.0)" in dry.stdout
    assert "would tag @s/a@1.1.0" in dry.stdout and "no push (use --push)" in dry.stdout

    output = tmp_path / "gh_output"
    done = run(workspace, "release", env={"GITHUB_OUTPUT": str(output)})
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[-1] == "released @s/a 1.0.0 -> 1.1.0"
    lines = output.read_text().splitlines()
    assert lines[:4] == [
        "released=true",
        "version=1.1.0",
        "tag=@s/a@1.1.0",
        "previous_version=1.0.0",
    ]
    assert json.loads(lines[4].removeprefix("releases="))[0]["tag"] == "@s/a@1.1.0"


def test_nothing_to_release_exit_0_and_outputs_false(project: Any, tmp_path: Path) -> None:
    output = tmp_path / "out"
    before = files(project)
    result = run(project, "release", env={"GITHUB_OUTPUT": str(output)})
    assert result.exit_code == 0
    assert result.stdout == "nothing to release: no pending version plans\n"
    assert output.read_text().startswith("released=false\nversion=\ntag=\nprevious_version=\n")
    assert files(project) == before


def test_plan_body_with_newlines_is_heredoc_safe(project: Any, tmp_path: Path) -> None:
    output = tmp_path / "out"
    message = "fix: a\nversion_type=major\nmore"
    result = run(
        project, "create-version-plan", "--project", "demo", "--version-type", "patch",
        "--message", message, env={"GITHUB_OUTPUT": str(output)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = output.read_text()
    assert "version_type=patch\n" in text
    delimiter = text.split("body<<", 1)[1].split("\n", 1)[0]
    assert f"body<<{delimiter}\n{message}\n{delimiter}\n" in text


def test_release_flags_reach_the_release(project: Any, tmp_path: Path) -> None:
    marker = tmp_path / "published"
    run(project, "create-version-plan", "--project", "demo", "--version-type", "prerelease",
        "--commit")  # fmt: skip
    result = run(
        project, "release", "--preid", "beta", "--publish-command", f'echo {{tag}} > "{marker}"'
    )
    assert result.exit_code == 0, result.output
    assert marker.read_text().strip() == "v1.2.4b1"
    assert "publish demo 1.2.4b1" in result.stdout


def test_release_error_is_one_line_exit_1(project: Any) -> None:
    project.write(".nx/version-plans/version-plan-1.md", "---\ndemo: minor\n")
    result = run(project, "release")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "error: .nx/version-plans/version-plan-1.md: the front matter is not closed with '---'"
    )


def test_console_entry_point_end_to_end(project: Any) -> None:
    def cli_run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "release_tools", *args, "-C", str(project.path)],
            capture_output=True,
            text=True,
            check=False,
        )

    made = cli_run("create-version-plan", "--project", "demo", "--version-type", "auto", "--commit")
    assert made.returncode == 0, made.stderr
    assert "demo minor" in made.stdout
    released = cli_run("release")
    assert released.returncode == 0, released.stderr
    assert project.git("describe", "--tags") == "v1.3.0"
    assert project.git("status", "--porcelain") == ""


@pytest.mark.parametrize("dry_run", [False, True])
def test_release_into_closed_pipe_is_quiet_and_complete(project: Any, dry_run: bool) -> None:
    made = run(project, "create-version-plan", "--project", "demo", "--version-type", "minor",
               "--commit")  # fmt: skip
    assert made.exit_code == 0, made.output
    # A pipe whose reader is already closed: the first write fails with EPIPE, as with `| head`.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        args = [sys.executable, "-m", "release_tools", "release", "--skip-publish"]
        args += ["-C", str(project.path)] + (["--dry-run"] if dry_run else [])
        proc = subprocess.run(
            args, stdout=write_end, stderr=subprocess.PIPE, text=True, check=False
        )
    finally:
        os.close(write_end)
    assert proc.returncode == 141
    assert proc.stderr == ""
    if dry_run:
        assert project.git("describe", "--tags", "--abbrev=0") == "v1.2.3"
    else:
        assert project.git("describe", "--tags") == "v1.3.0"
        assert project.git("status", "--porcelain") == ""


def test_python_prerelease_error_spells_the_version_as_written(
    make_repo: Callable[[str], Any],
) -> None:
    repo = make_repo("pre")
    repo.write("pyproject.toml", '[project]\nname = "demo"\nversion = "1.4.1rc1"\n')
    repo.commit("chore: initial")
    made = run(repo, "create-version-plan", "--project", "demo", "--version-type", "prerelease",
               "--commit")  # fmt: skip
    assert made.exit_code == 0, made.output
    result = run(repo, "release", "--preid", "alpha", "--dry-run")
    assert result.exit_code != 0
    assert "demo: prerelease 'alpha' after 1.4.1rc1 would not be a higher version" in (
        result.stderr
    )


def test_plan_check_counts_an_uncommitted_plan_and_says_so(workspace: Any) -> None:
    workspace.write("pkgs/a/index.js", "x\n")
    workspace.commit("feat: a")
    base = workspace.git("rev-parse", "HEAD~1")
    made = run(workspace, "create-version-plan", "--project", "@s/a", "--version-type", "minor")
    assert made.exit_code == 0, made.output
    plan_file = made.stdout.split()[1].rstrip(":")
    checked = run(workspace, "plan-check", "--base", base)
    assert checked.exit_code == 0, checked.output
    assert f"note: counted {plan_file}, which is not committed yet" in checked.stdout
    assert "ok: every touched project has a version plan" in checked.stdout


def _plan(repo: Any, *args: str) -> Result:
    return run(repo, "create-version-plan", "--project", "demo", "--version-type", "minor", *args)


def test_create_version_plan_json_report(project: Any) -> None:
    made = _plan(project, "--message", "feat: more\n\x1b[31mred", "--format", "json")
    assert made.exit_code == 0, made.output
    report = json.loads(made.stdout)
    assert report["written"] is True and report["plan_format"] == "nx"
    assert report["plan_path"].startswith(".nx/version-plans/version-plan-")
    assert report["projects"] == {"demo": "minor"} and report["version_type"] == "minor"
    assert report["body"] == "feat: more\n\x1b[31mred"
    assert "\\u001b" in made.stdout  # control characters are escaped by the JSON encoder
    assert (project.path / report["plan_path"]).is_file()
    assert made.stderr == ""


def test_create_version_plan_format_alias_is_deprecated(project: Any) -> None:
    made = _plan(project, "--format", "changesets")
    assert made.exit_code == 0, made.output
    assert made.stderr.strip().splitlines() == [
        "warning: --format changesets is deprecated, use --plan-format changesets"
    ]
    assert made.stdout.startswith("wrote .changeset/")  # the text output is unchanged
    new = _plan(project, "--plan-format", "changesets", "--format", "json")
    assert new.exit_code == 0 and new.stderr == ""
    assert json.loads(new.stdout)["plan_path"].startswith(".changeset/")
    clash = _plan(project, "--plan-format", "nx", "--format", "changesets")
    assert clash.exit_code == 2


@pytest.mark.parametrize(
    "args",
    [
        ["create-version-plan", "--project", "demo", "--version-type", "minor"],
        ["plan-check"],
        ["release"],
        ["release", "--dry-run"],
    ],
)
def test_a_bad_output_format_is_a_one_line_usage_error(project: Any, args: list[str]) -> None:
    before = files(project)
    result = run(project, *args, "--format", "xml")
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "error: invalid --format 'xml' (expected text or json)"
    ]
    assert result.stdout == "" and files(project) == before


def test_plan_check_json_and_exit_codes(workspace: Any) -> None:
    workspace.write("pkgs/a/index.js", "x\n")
    workspace.commit("feat: a")
    base = workspace.git("rev-parse", "HEAD~1")
    missing = run(workspace, "plan-check", "--base", base, "--format", "json")
    assert missing.exit_code == 4
    report = json.loads(missing.stdout)
    assert report["ok"] is False and report["touched"] == ["@s/a"] and report["missing"] == ["@s/a"]
    assert report["base"] == base and report["warnings"] == []
    assert "error: touched without a version plan: @s/a" in missing.stderr

    broken = run(workspace, "plan-check", "--base", "no-such-ref")
    assert broken.exit_code == 1, broken.output

    made = run(workspace, "create-version-plan", "--project", "@s/a", "--version-type", "minor",
               "--commit")  # fmt: skip
    assert made.exit_code == 0, made.output
    ok = run(workspace, "plan-check", "--base", base, "--format", "json")
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report["ok"] is True and report["planned"] == ["@s/a"] and report["missing"] == []


def test_plan_check_warns_when_the_pull_request_base_is_not_fetched(project: Any) -> None:
    # A shallow pull-request checkout: GITHUB_BASE_REF names a branch that was never fetched.
    result = run(project, "plan-check", "--format", "json", env={"GITHUB_BASE_REF": "main"})
    assert result.exit_code == 4
    warning = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1
    assert "origin/main is not available" in warning[0] and "v1.2.3 instead" in warning[0]
    report = json.loads(result.stdout)
    assert report["base"] == "v1.2.3" and report["warnings"] == [warning[0][len("warning: ") :]]
    text = run(project, "plan-check", env={"GITHUB_BASE_REF": "main"})
    assert text.exit_code == 4 and "origin/main is not available" in text.stderr
    assert text.stdout.startswith("range v1.2.3..HEAD: touched projects: demo")


def test_release_json_report_dry_run_and_real(project: Any) -> None:
    made = _plan(project, "--commit", "--message", "feat: more")
    assert made.exit_code == 0, made.output
    plan_file = made.stdout.split()[1].rstrip(":")
    before = files(project)

    dry = run(project, "release", "--dry-run", "--format", "json")
    assert dry.exit_code == 0, dry.output
    report = json.loads(dry.stdout)
    assert files(project) == before
    assert report["dry_run"] is True and report["released"] is False
    assert [(r["name"], r["old_version"], r["new_version"]) for r in report["releases"]] == [
        ("demo", "1.2.3", "1.3.0")
    ]
    assert report["tags"] == ["v1.3.0"] and report["releases"][0]["tag"] == "v1.3.0"
    assert "pyproject.toml" in report["files_written"]
    assert report["files_deleted"] == [plan_file] and report["plans_consumed"] == [plan_file]
    assert report["commit"] is None and report["warnings"] == []

    real = run(project, "release", "--format", "json")
    assert real.exit_code == 0, real.output
    done = json.loads(real.stdout)
    assert done["released"] is True and done["tags"] == ["v1.3.0"]
    assert done["commit"] == project.git("rev-parse", "HEAD")
    assert done["files_written"] == report["files_written"]
    assert done["plans_consumed"] == [plan_file]
    assert project.git("tag", "-l", "v1.3.0") == "v1.3.0"
    assert not (project.path / plan_file).exists()

    nothing = run(project, "release", "--format", "json")
    assert nothing.exit_code == 0
    assert json.loads(nothing.stdout)["releases"] == []


def test_projects_json_says_which_projects_are_private(workspace: Any) -> None:
    workspace.write(
        "pkgs/a/package.json", json.dumps({"name": "@s/a", "version": "1.0.0", "private": True})
    )
    workspace.commit("chore: a is private")
    rows = json.loads(run(workspace, "projects", "--format", "json").stdout)
    assert {row["name"]: row["private"] for row in rows} == {"@s/a": True, "b": False}
