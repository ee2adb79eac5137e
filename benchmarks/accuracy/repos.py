"""Git plumbing of the benchmark: mirrors, and the work repository prepared for each pair.

The repositories are read from a mirror directory (``owner+name`` per repository, a bare git
directory, as ``git clone --mirror`` makes). For each pair a work repository is cloned from the
mirror with ``--shared`` (no objects copied) into the cache and reused across runs. In it:

* the branch ``main`` is checked out at the pair's ``head`` commit, with the new version masked
  (see :func:`mask_versions`): the tree as it stood before the release was cut;
* the old tag and every earlier release tag of the mainline are present; the new tag, every
  later tag, every other branch and the remote are absent, so nothing says what came next.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

__all__ = [
    "DEFAULT_MIRROR",
    "MirrorMissing",
    "RepoError",
    "find_mirror",
    "git",
    "git_env",
    "is_changelog",
    "is_complete",
    "mask_text",
    "mask_versions",
    "prepare_work_repo",
    "range_messages",
]

DEFAULT_MIRROR = Path("/work/.mirror")

#: Bumped when the recipe of a work repository changes, so cached ones are rebuilt.
RECIPE = "6"
_MARKER = "benchmark-work-repo"

_CHANGELOG = re.compile(
    r"^(change(s|log)?|history|news|versions|release[-_ ]?notes?)([._-].*)?$", re.I
)
# Files that state the package's own version; their version lines are masked.
_MANIFESTS = re.compile(
    r"^(package\.json|package-lock\.json|npm-shrinkwrap\.json|jsr\.json|deno\.json|"
    r"cargo\.toml|cargo\.lock|pyproject\.toml|setup\.py|setup\.cfg|__init__\.py|__about__\.py|"
    r"_*version_*\.(py|go|ts|js|txt)|version|meta\.py|const(ants)?\.go|.*\.gemspec)$",
    re.I,
)
# In any other text file: a line that assigns a version (VERSION = "2.0.0", version: 2.0.0,
# "version": "2.0.0", release = '2.0'), the constants and metadata files releases update.
_ASSIGNMENT = re.compile(r"(version|release)[\w$]*['\"]?\s*[:=]", re.I)
_MAX_MASKED_SIZE = 8 * 1024 * 1024
# Files whose whole content is the version.
_BARE = re.compile(r"^(version|version\.txt)$", re.I)


class RepoError(RuntimeError):
    """A git command failed while reading a mirror or preparing a work repository."""


class MirrorMissing(RepoError):
    """A repository of the dataset is not in the mirror directory."""


def git_env(base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment every git command of the benchmark runs with.

    The empty global config keeps the developer's hooks, signing and templates out of it; the
    fixed identity makes the masked commits reproducible.
    """
    env = dict(os.environ if base is None else base)
    for key in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(key, None)
    env.update(
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_TERMINAL_PROMPT="0",
        GIT_COMMITTER_NAME="benchmark",
        GIT_COMMITTER_EMAIL="benchmark@example.invalid",
        GIT_COMMITTER_DATE="2000-01-01T00:00:00Z",
    )
    return env


def git(repo: Path, *args: str, check: bool = True, input: str | None = None) -> str:
    """Run git in ``repo`` (a work tree or a git directory); returns its standard output."""
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        env=git_env(),
        capture_output=True,
        text=True,
        errors="replace",
        input=input,
        check=False,
    )
    if check and proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no error text"])[-1]
        raise RepoError(f"git {' '.join(args[:2])} in {repo}: {last}")
    return proc.stdout


def find_mirror(mirror_root: Path, repo: str) -> Path:
    """The git directory of ``owner/name`` under ``mirror_root``, or a MirrorMissing saying
    how to get it. ``owner+name`` may be the git directory itself or hold it as ``repo``."""
    base = mirror_root / repo.replace("/", "+")
    for candidate in (base / "repo", base):
        if (candidate / "HEAD").is_file() and (candidate / "objects").is_dir():
            return candidate
    raise MirrorMissing(
        f"{repo} is not in the mirror directory {mirror_root}; get it with:\n"
        f"  git clone --mirror https://github.com/{repo} {base}"
    )


def is_changelog(path: str) -> bool:
    """Whether ``path`` names a changelog-like file (CHANGELOG.md, HISTORY.rst, NEWS, ...)."""
    return bool(_CHANGELOG.match(PurePosixPath(path).name))


def _version_forms(version: str) -> list[str]:
    """``"2.0"`` -> ``["2.0", "2.0.0"]``: the spellings a version may have in files."""
    parts = version.split(".")
    forms = [version]
    if len(parts) == 2:
        forms.append(f"{version}.0")
    elif len(parts) == 3 and parts[2] == "0":
        forms.append(".".join(parts[:2]))
    return forms


# What may follow a version that is still being prepared: 2.0.0-rc.1, 2.0.0.dev0, 2.0.0b2.
_PRE = r"(?:[-.]?(?:alpha|beta|rc|pre|dev|next|canary|a|b|c)(?:[.-]?\d+)*)?"


def _token(version: str) -> re.Pattern[str]:
    # The version as a whole token, with any pre-release or dev suffix (an in-development
    # 2.0.0-rc.1 announces 2.0.0 as well), but not part of a longer number (12.0.1 or 2.0.1.4
    # in the place of 2.0.1).
    # A "v" in front (v2.0.0, also in a compare link ...v1.9.3...v2.0.0) is part of the token.
    prefix = r"(?:(?<!\w)v|(?<![\w.]))"
    return re.compile(prefix + re.escape(version) + _PRE + r"(?![\w]|\.\d)")


def _replace(pattern: re.Pattern[str], replacement: str, text: str) -> str:
    """Substitute the version token, keeping a leading "v" unless the replacement is a word."""
    keep_v = replacement[:1].isdigit()
    return pattern.sub(
        lambda m: ("v" if keep_v and m.group().startswith("v") else "") + replacement, text
    )


def mask_text(path: str, text: str, old: str, new: str) -> str:
    """``text`` of the file at ``path`` with the release-process traces of ``new`` masked.

    Manifest and version files: on lines that mention "version", ``new`` becomes ``old``; in
    any other file the same on lines that assign a version or release (``VERSION = "2.0.0"``,
    ``"version": "2.0.0"``, ``version: 2.0.0``); both also when it carries a pre-release or
    dev suffix (``2.0.0-rc.1``, ``2.0.0.dev0``: the version being prepared); a bare VERSION
    file is replaced whole. Changelogs (``versions.rst`` included): ``new`` becomes
    ``Unreleased``, so a heading ``## 2.0.0`` reads as the usual unreleased section. Anything
    else is left as written (prose such as "deprecated as of 3.0", dependency versions in lock
    files): what the developers wrote before the release is evidence a reviewer sees too.
    """
    name = PurePosixPath(path).name
    new_forms = _version_forms(new)
    old_forms = _version_forms(old)
    if is_changelog(path):
        for form in new_forms:
            text = _replace(_token(form), "Unreleased", text)
        return text
    manifest = bool(_MANIFESTS.match(name))
    bare = bool(_BARE.match(name))
    out = []
    for line in text.splitlines(keepends=True):
        if bare or (manifest and "version" in line.lower()):
            # The longer spelling first, so 2.0.0 is not masked as 2.0 followed by ".0".
            for form, replacement in sorted(
                zip(new_forms, old_forms + old_forms[:1], strict=False),
                key=lambda item: -len(item[0]),
            ):
                line = _replace(_token(form), replacement, line)
        elif _ASSIGNMENT.search(line):
            # Elsewhere only the spelling of the tag: "version: 2.0" in a CI file is no release.
            line = _replace(_token(new), old, line)
        out.append(line)
    return "".join(out)


def mask_versions(work: Path, old: str, new: str) -> list[str]:
    """Mask ``new`` in the checked-out tree of ``work`` (see :func:`mask_text`) and amend the
    head commit with the result (same message and author). Returns the masked paths."""
    forms = _version_forms(new)
    args = ["grep", "-l", "-I", "-F"]
    for form in forms:
        args += ["-e", form]
    listed = git(work, *args, check=False)
    changed = []
    for path in listed.splitlines():
        file = work / path
        if file.is_symlink() or not file.is_file() or file.stat().st_size > _MAX_MASKED_SIZE:
            continue
        try:
            # Bytes in and out: line endings (CRLF, mixed) must stay as they are.
            before = file.read_bytes().decode("utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        after = mask_text(path, before, old, new)
        if after != before:
            file.write_bytes(after.encode("utf-8"))
            changed.append(path)
    if changed:
        git(work, "add", "--", *changed)
        git(work, "commit", "-q", "--amend", "--no-verify", "--no-edit", "--allow-empty")
    return changed


def is_complete(work: Path, stamp: str) -> bool:
    """Whether ``work`` holds a fully prepared work repository of this recipe and pair."""
    marker = work / ".git" / _MARKER
    try:
        return marker.read_text(encoding="utf-8") == stamp
    except OSError:
        return False


def prepare_work_repo(
    mirror: Path,
    work: Path,
    *,
    head: str,
    keep_tags: Mapping[str, str] | Iterable[tuple[str, str]],
    old_version: str,
    new_version: str,
    rebuild: bool = False,
) -> Path:
    """Make ``work`` the work repository of one pair (see the module docstring).

    ``keep_tags`` maps the tags to create (the old tag and the earlier ones) to their commits.
    A complete repository of the same recipe is reused unless ``rebuild``.
    """
    tags = dict(keep_tags)
    stamp = f"{RECIPE} {head} {old_version} {new_version} {sorted(tags.items())}\n"
    if not rebuild and is_complete(work, stamp):
        return work
    if work.exists():
        shutil.rmtree(work)
    work.parent.mkdir(parents=True, exist_ok=True)
    # --shared borrows the mirror's objects; --no-tags and no checkout: refs are made below.
    git(
        work.parent,
        "clone", "-q", "--shared", "--no-tags", "--no-checkout", "--single-branch",
        str(mirror.resolve()), str(work),
    )  # fmt: skip
    git(work, "remote", "remove", "origin")
    git(work, "checkout", "-q", "-B", "main", head)
    for branch in git(work, "for-each-ref", "--format=%(refname:short)", "refs/heads").split():
        if branch != "main":
            git(work, "branch", "-q", "-D", branch)
    if tags:
        lines = "".join(f"create refs/tags/{tag} {sha}\n" for tag, sha in sorted(tags.items()))
        git(work, "update-ref", "--stdin", input=lines)
    masked = mask_versions(work, old_version, new_version)
    git(work, "reflog", "expire", "--expire=now", "--all", check=False)
    (work / ".git" / "benchmark-masked").write_text("".join(f"{p}\n" for p in masked))
    (work / ".git" / _MARKER).write_text(stamp, encoding="utf-8")
    return work


def range_messages(repo: Path, base: str, head: str = "HEAD") -> list[str]:
    """The full messages of the commits in ``base..head``, oldest first."""
    out = git(repo, "log", "--reverse", "--format=%B%x00", f"{base}..{head}")
    return [message.strip() for message in out.split("\x00") if message.strip()]
