"""``release-tools analyze`` through the CLI: outputs, exit codes, one-line errors, bad inputs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from analyze_cli import one_line_error, run_analyze
from gitrepo import GitRepo


def _released(repo: GitRepo) -> None:
    repo.write("src/app/core.py", "def run():\n    return 1\n")
    repo.commit("feat: first")
    repo.tag("v1.0.0")


def test_text_report(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 1\n\n\ndef stop():\n    return 0\n")
    repo.commit("feat: add stop")

    result = run_analyze(repo.path)

    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("version type: minor")
    assert "1.0.0 -> 1.1.0" in result.stdout
    assert "v1.0.0..HEAD" in result.stdout


def test_json_report_and_github_output(repo: GitRepo, tmp_path: Path) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 2\n")
    repo.commit("fix: return two")
    gh = tmp_path / "gh.txt"

    result = run_analyze(repo.path, "--format", "json", env={"GITHUB_OUTPUT": str(gh)})

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version_type"] == "patch" and data["next_version"] == "1.0.1"
    assert data["base"] == "v1.0.0" and data["head"] == "HEAD"
    written = gh.read_text(encoding="utf-8")
    assert "version_type=patch\n" in written and "next_version=1.0.1\n" in written
    assert "reasoning<<ghadelimiter_" in written


def test_output_file(repo: GitRepo, tmp_path: Path) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 2\n")
    repo.commit("fix: return two")
    target = tmp_path / "out.json"

    result = run_analyze(repo.path, "--format", "json", "--output", str(target))

    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["version_type"] == "patch"


def test_explicit_base_and_head(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 2\n")
    middle = repo.commit("fix: two")
    repo.write("src/app/core.py", "def run(x):\n    return x\n")
    repo.commit("feat!: run takes x")

    result = run_analyze(repo.path, "--base", "v1.0.0", "--head", middle, "--format", "json")

    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["version_type"] == "patch"


def test_not_a_git_repository(tmp_path: Path) -> None:
    one_line_error(run_analyze(tmp_path), 1, "not a git repository")


def test_unknown_ref(repo: GitRepo) -> None:
    _released(repo)
    one_line_error(
        run_analyze(repo.path, "--base", "no-such-tag"), 1, "unknown base ref 'no-such-tag'"
    )


def test_shallow_clone_lacking_base(make_repo: Callable[[str], GitRepo]) -> None:
    origin = make_repo("origin")
    for i in range(3):
        origin.write("a.txt", f"{i}\n")
        origin.commit(f"fix: {i}")
    first = origin.git("rev-list", "--max-parents=0", "HEAD")
    clone = origin.path.parent / "clone"
    subprocess.run(
        ["git", "clone", "-q", "--depth=1", f"file://{origin.path}", str(clone)],
        check=True,
        capture_output=True,
    )

    one_line_error(run_analyze(clone, "--base", first), 1, "shallow clone")
    one_line_error(run_analyze(clone), 1, "fetch-depth: 0")


def test_empty_range_is_success(repo: GitRepo) -> None:
    _released(repo)

    result = run_analyze(repo.path, "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["version_type"] == "unknown" and data["next_version"] is None


def test_binary_only_changes(repo: GitRepo) -> None:
    _released(repo)
    repo.write("assets/data.bin", b"\x00\x01\x02\xff" * 100)
    repo.commit("add data")

    result = run_analyze(repo.path, "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stats"]["files_binary"] == 1
    assert data["version_type"] in ("patch", "unknown")
    assert data["warnings"] == [
        "only binary files changed, their content is not analyzed: assets/data.bin"
    ]


def test_non_utf8_content(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/legacy.py", "NAME = 'Jos\xe9'\n".encode("latin-1"))
    # The commit message is not UTF-8 either (git stores the bytes as given).
    message = repo.path.parent / "message.txt"
    message.write_bytes("fix: legacy name for Jos\xe9".encode("latin-1"))
    repo.git("add", "-A")
    repo.git("commit", "-q", "-F", str(message))

    result = run_analyze(repo.path, "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert any("non-UTF-8" in w and "legacy.py" in w for w in data["warnings"])
    assert data["version_type"] in ("patch", "minor")
    # git may re-encode the message as Latin-1 -> UTF-8; either way it reads and never crashes.
    assert any("fix: legacy name for Jos" in e["message"] for e in data["evidence"])


def test_huge_diff_is_bounded_and_succeeds(repo: GitRepo) -> None:
    _released(repo)
    # ~20 MB in one generated source file: its hunks are dropped past the per-file cap.
    payload = b"".join(b"export const v%07d = %d;\n" % (i, i) for i in range(700_000))
    repo.write("src/app/generated.js", payload)
    repo.commit("feat: generated table")

    result = run_analyze(repo.path, "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["stats"]["diff_bytes"] > 18_000_000
    assert data["stats"]["additions"] == 700_000
    assert data["stats"]["files_truncated"] == 1
    assert any("diff too large" in w for w in data["warnings"])


def test_broken_config_file(repo: GitRepo) -> None:
    _released(repo)
    repo.write("release-tools.toml", "chunk_size = [unclosed\n")
    one_line_error(run_analyze(repo.path), 2, "release-tools.toml: broken TOML")


def test_invalid_config_value(repo: GitRepo) -> None:
    _released(repo)
    repo.write("release-tools.toml", "max_chunks = 0\n")
    one_line_error(run_analyze(repo.path), 2, "max_chunks")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--chunk-size", "10"], "--chunk-size: invalid value"),
        (["--provider", "realtime"], "set OPENAI_API_KEY"),
        (["--project", "nope"], "unknown project 'nope'"),
    ],
)
def test_usage_errors_exit_2(repo: GitRepo, args: list[str], needle: str) -> None:
    _released(repo)
    one_line_error(run_analyze(repo.path, *args), 2, needle)


def test_console_entry_point_in_a_subprocess(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 3\n")
    repo.commit("fix: three")

    proc = subprocess.run(
        [sys.executable, "-m", "release_tools", "analyze", "--format", "json"],
        cwd=repo.path,
        capture_output=True,
        text=True,
    )

    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["next_version"] == "1.0.1"


def test_include_and_exclude_flags_and_config(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/core.py", "def run():\n    return 5\n")
    repo.write("generated/table.py", "T = 1\n")
    repo.commit("fix: five")

    plain = json.loads(run_analyze(repo.path, "--format", "json").stdout)
    flagged = json.loads(
        run_analyze(repo.path, "--format", "json", "--exclude", "generated/").stdout
    )
    only_gen = json.loads(
        run_analyze(repo.path, "--format", "json", "--include", "generated/").stdout
    )
    repo.write("release-tools.toml", 'extra_exclude = ["generated/"]\n')
    configured = json.loads(run_analyze(repo.path, "--format", "json").stdout)

    assert plain["stats"]["files_excluded"] == 0
    assert flagged["stats"]["files_excluded"] == 1
    assert configured["stats"]["files_excluded"] == 1
    assert only_gen["stats"]["files_excluded"] == 1
    assert only_gen["stats"]["files_analyzed"] == 1


def test_fail_on_gates_ci_with_its_own_exit_code(repo: GitRepo) -> None:
    _released(repo)
    repo.write("src/app/core.py", "")  # run() removed: a proven major
    repo.commit("fix: tidy")

    blocked = run_analyze(repo.path, "--format", "json", "--fail-on", "major")
    assert blocked.exit_code == 3
    assert json.loads(blocked.stdout)["version_type"] == "major"  # the report still comes
    assert "error: the changes need a major release (--fail-on major)" in blocked.stderr

    assert run_analyze(repo.path, "--fail-on", "minor").exit_code == 3
    repo.write("src/app/core.py", "def run():\n    return 1\n")
    repo.commit("fix: restore")
    passed = run_analyze(repo.path, "--fail-on", "minor")
    assert passed.exit_code == 0, passed.output
    bad = run_analyze(repo.path, "--fail-on", "huge")
    assert bad.exit_code == 2


@pytest.mark.parametrize("target", [".git/HEAD", ".git/hooks/pre-commit", "link-into-git"])
def test_output_never_lands_in_the_git_directory(repo: GitRepo, target: str) -> None:
    _released(repo)
    (repo.path / "link-into-git").symlink_to(repo.path / ".git" / "config")
    before = {p: p.read_bytes() for p in (repo.path / ".git").glob("*") if p.is_file()}

    result = run_analyze(repo.path, "-o", str(repo.path / target))

    one_line_error(result, 2, "git")
    assert {p: p.read_bytes() for p in before} == before
    assert not (repo.path / ".git" / "hooks" / "pre-commit").exists()


def test_output_from_the_environment_is_checked_too(repo: GitRepo) -> None:
    _released(repo)
    env = {"RELEASE_TOOLS_OUTPUT": str(repo.path / ".git" / "description")}
    before = (repo.path / ".git" / "description").read_bytes()
    result = run_analyze(repo.path, env=env)
    one_line_error(result, 2, "RELEASE_TOOLS_OUTPUT")
    assert (repo.path / ".git" / "description").read_bytes() == before


def test_output_named_by_the_repository_config_stays_inside_it(
    repo: GitRepo, tmp_path: Path
) -> None:
    _released(repo)
    repo.write("pyproject.toml", '[tool.release-tools]\noutput = "../escape.txt"\n')
    result = run_analyze(repo.path)
    one_line_error(result, 2, "outside the repository")
    assert not (tmp_path / "escape.txt").exists()

    repo.write("pyproject.toml", '[tool.release-tools]\noutput = ".git/description"\n')
    one_line_error(run_analyze(repo.path), 2, ".git")

    repo.write("pyproject.toml", '[tool.release-tools]\noutput = "reports/decision.txt"\n')
    (repo.path / "reports").mkdir()
    result = run_analyze(repo.path)
    assert result.exit_code == 0, result.output
    assert (repo.path / "reports" / "decision.txt").read_text().startswith("version type:")


def test_an_explicit_output_outside_the_work_tree_is_the_users_choice(
    repo: GitRepo, tmp_path: Path
) -> None:
    _released(repo)
    target = tmp_path / "ci-temp" / "decision.json"
    target.parent.mkdir()
    result = run_analyze(repo.path, "--format", "json", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["version_type"]


def test_output_into_a_git_directory_kept_apart_is_refused(tmp_path: Path) -> None:
    store = tmp_path / "store"
    work = tmp_path / "work"
    subprocess.run(
        ["git", "init", "-q", "-b", "main", f"--separate-git-dir={store}", str(work)], check=True
    )
    repo = GitRepo(work)
    _released(repo)
    head = (store / "HEAD").read_bytes()

    result = run_analyze(work, "-o", str(store / "HEAD"))

    one_line_error(result, 2, "git directory")
    assert (store / "HEAD").read_bytes() == head


def test_a_config_output_of_the_wrong_type_is_a_config_error(repo: GitRepo) -> None:
    _released(repo)
    repo.write("release-tools.toml", "output = 5\n")
    one_line_error(run_analyze(repo.path), 2, "output")


def test_a_config_output_is_relative_to_the_repository_top(repo: GitRepo) -> None:
    _released(repo)
    repo.write("pyproject.toml", '[tool.release-tools]\noutput = "reports/decision.txt"\n')
    (repo.path / "reports").mkdir()
    (repo.path / "docs").mkdir()
    result = run_analyze(repo.path / "docs")
    assert result.exit_code == 0, result.output
    assert (repo.path / "reports" / "decision.txt").read_text().startswith("version type:")
