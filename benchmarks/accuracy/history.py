"""Pick release pairs from the git history of mirrored repositories: ``build-dataset``.

Rules, applied to each repository listed in ``sources.toml``:

1. Release tags are the tags named ``<prefix>X.Y`` or ``<prefix>X.Y.Z`` (``prefix`` from the
   source, default ``v`` or nothing) that point at a commit. Pre-releases (``-rc.1``, ``b2``,
   ``.dev0``), post-releases and tags of other packages of the repository do not match.
2. Only tags reachable from the default branch count: a tag cut on a maintenance branch that was
   never merged back (a backport) is not a step of the mainline.
3. The remaining tags, sorted by version, give the candidate pairs (each tag and the next).
   A pair is kept only if the old tag's commit is a proper ancestor of the new one's, and no
   higher release is an ancestor of the new one: a tag made after a higher version
   (non-monotonic, e.g. a late backport merged back) breaks the chain; its pairs are skipped.
4. Pairs from a 0.x release are skipped unless the source says ``zero = true``; they are then
   labelled by what was shipped, like the others.
5. ``head`` (the commit analyzed) is the new tag's commit, or its first parent when the tagged
   commit is a pure release commit (it has one parent and changes only changelogs and lines that
   mention the old or new version); this steps back over at most ``MAX_RELEASE_COMMITS`` such
   commits. A pair whose head reaches the old tag (nothing but release commits) is skipped.
6. At most ``cap`` pairs per repository: majors, minors and patches taken in turn, newest
   first within each class, so that rare majors are not drowned by patches.
7. Split by repository: within each language, the repositories sorted by name alternate between
   ``train`` and ``holdout`` (first train).
"""

from __future__ import annotations

import itertools
import re
import subprocess
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.accuracy.dataset import (
    LABELS,
    LANGUAGES,
    DatasetError,
    Pair,
    dump_pairs,
    label_for,
    parse_release,
)
from benchmarks.accuracy.repos import RepoError, find_mirror, git, git_env, is_changelog

__all__ = [
    "MAX_RELEASE_COMMITS",
    "SOURCES",
    "Candidate",
    "ReleaseTag",
    "Source",
    "assign_splits",
    "build_dataset",
    "candidate_pairs",
    "is_release_commit",
    "keep_tags_for",
    "load_sources",
    "release_head",
    "release_tags",
    "select_pairs",
]

SOURCES = Path(__file__).with_name("sources.toml")
MAX_RELEASE_COMMITS = 5
DEFAULT_CAP = 20


@dataclass(frozen=True, slots=True)
class Source:
    """One repository of the dataset, as listed in ``sources.toml``."""

    repo: str
    language: str
    prefix: str = "v?"
    zero: bool = False
    cap: int = DEFAULT_CAP

    def tag_pattern(self) -> re.Pattern[str]:
        return re.compile(
            "^(?:" + self.prefix + r")(?P<version>(0|[1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?)$"
        )


@dataclass(frozen=True, slots=True)
class ReleaseTag:
    name: str
    version: tuple[int, int, int]
    text: str
    commit: str


@dataclass(frozen=True, slots=True)
class Candidate:
    """A pair that passed the tag rules, before the release-commit step."""

    old: ReleaseTag
    new: ReleaseTag
    label: str

    def __str__(self) -> str:
        return f"{self.old.name} -> {self.new.name}"


@dataclass(slots=True)
class Skipped:
    """Why candidate pairs were left out, counted per reason (printed by build-dataset)."""

    reasons: dict[str, list[str]] = field(default_factory=dict)

    def add(self, reason: str, what: str) -> None:
        self.reasons.setdefault(reason, []).append(what)


def load_sources(path: Path = SOURCES) -> list[Source]:
    """Read the list of repositories."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise DatasetError(f"{path}: cannot be read: {exc}") from exc
    sources = []
    for raw in data.get("source", []):
        unknown = raw.keys() - {"repo", "language", "prefix", "zero", "cap"}
        if unknown or "repo" not in raw or "language" not in raw:
            raise DatasetError(f"{path}: bad source entry {raw!r}")
        if raw["language"] not in LANGUAGES:
            raise DatasetError(f"{path}: unknown language {raw['language']!r}")
        sources.append(Source(**raw))
    return sources


def release_tags(gitdir: Path, source: Source) -> list[ReleaseTag]:
    """The final release tags of the default branch, lowest version first (rules 1-2).

    Two tags of the same version (``1.2.0`` and ``v1.2.0``) count once: the first by name.
    """
    pattern = source.tag_pattern()
    out = git(
        gitdir,
        "for-each-ref",
        "--merged",
        "HEAD",
        "--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)%00%(*objecttype)"
        "%00%(objecttype)",
        "refs/tags",
    )
    by_version: dict[tuple[int, int, int], ReleaseTag] = {}
    for line in sorted(out.splitlines()):
        name, sha, peeled, peeled_type, own_type = line.split("\x00")
        match = pattern.match(name)
        if match is None:
            continue
        commit, kind = (peeled, peeled_type) if peeled else (sha, own_type)
        if kind != "commit":
            continue
        text = match.group("version")
        version = parse_release(text)
        by_version.setdefault(version, ReleaseTag(name, version, text, commit))
    return [by_version[v] for v in sorted(by_version)]


def _is_ancestor(gitdir: Path, older: str, newer: str) -> bool:
    """Whether ``older`` is a proper ancestor of ``newer``."""
    if older == newer:
        return False
    proc = subprocess.run(
        ["git", "merge-base", "--is-ancestor", older, newer],
        cwd=gitdir,
        env=git_env(),
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def _has_higher_ancestor(gitdir: Path, tag: ReleaseTag, tags: Sequence[ReleaseTag]) -> bool:
    """Whether a release above ``tag`` was tagged on an ancestor of it (a late backport merged
    into the default branch): its range would hold the higher release's changes too."""
    higher = {t.commit for t in tags if t.version > tag.version}
    if not higher:
        return False
    reachable = git(gitdir, "rev-list", tag.commit).split()
    return not higher.isdisjoint(reachable)


def candidate_pairs(
    gitdir: Path, source: Source, tags: Sequence[ReleaseTag], skipped: Skipped | None = None
) -> list[Candidate]:
    """Consecutive tags that form a pair under rules 3-4, oldest first."""
    skipped = skipped if skipped is not None else Skipped()
    out = []
    for old, new in itertools.pairwise(tags):
        what = f"{source.repo} {old.name} -> {new.name}"
        if old.version[0] == 0 and not source.zero:
            skipped.add("0.x release", what)
            continue
        if not _is_ancestor(gitdir, old.commit, new.commit):
            skipped.add("non-monotonic: the old tag is not an ancestor of the new", what)
            continue
        if _has_higher_ancestor(gitdir, new, tags):
            skipped.add("non-monotonic: a higher release is an ancestor of the new tag", what)
            continue
        out.append(Candidate(old, new, label_for(old.text, new.text)))
    return out


def _version_token(versions: Iterable[str]) -> re.Pattern[str]:
    forms = set()
    for version in versions:
        forms.add(version)
        parts = version.split(".")
        if len(parts) == 2:
            forms.add(f"{version}.0")
        elif parts[-1] == "0":
            forms.add(".".join(parts[:2]))
    alternatives = "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
    return re.compile(r"(?:(?<!\w)v|(?<![\w.]))(?:" + alternatives + r")(?![\w])")


def is_release_commit(gitdir: Path, commit: str, versions: Sequence[str]) -> bool:
    """Whether ``commit`` only cuts a release: one parent, and every change is in a changelog
    or on a line that mentions one of ``versions`` (blank lines aside)."""
    parents = git(gitdir, "rev-list", "--parents", "-n", "1", commit).split()
    if len(parents) != 2:
        return False
    diff = git(
        gitdir, "diff", "-U0", "--no-color", "--no-ext-diff", "--no-renames", "--binary",
        f"{commit}^", commit,
    )  # fmt: skip
    token = _version_token(versions)
    path = None
    for line in diff.splitlines():
        if line.startswith("diff --git "):
            path = None
        elif line.startswith("+++ ") or line.startswith("--- "):
            name = line[4:]
            if name != "/dev/null":
                path = name[2:] if name[:2] in ("a/", "b/") else name
        elif line.startswith("GIT binary patch") or line.startswith("Binary files"):
            return False
        elif line[:1] in ("+", "-"):
            if path is not None and is_changelog(path):
                continue
            body = line[1:]
            if body.strip() and not token.search(body):
                return False
    return True


def release_head(gitdir: Path, candidate: Candidate) -> str:
    """The commit to analyze for a pair (rule 5)."""
    head = candidate.new.commit
    versions = (candidate.old.text, candidate.new.text)
    for _ in range(MAX_RELEASE_COMMITS):
        if head == candidate.old.commit or not is_release_commit(gitdir, head, versions):
            break
        head = git(gitdir, "rev-parse", f"{head}^").strip()
    return head


def select_pairs(candidates: Sequence[Candidate], cap: int) -> list[Candidate]:
    """At most ``cap`` candidates: the classes in turn, newest first in each (rule 6);
    returned oldest first."""
    queues = {
        label: sorted((c for c in candidates if c.label == label), key=lambda c: c.new.version)
        for label in LABELS
    }
    chosen: list[Candidate] = []
    while len(chosen) < cap and any(queues.values()):
        for label in LABELS:
            if queues[label] and len(chosen) < cap:
                chosen.append(queues[label].pop())
    return sorted(chosen, key=lambda c: c.new.version)


def assign_splits(sources: Sequence[Source]) -> dict[str, str]:
    """Repository -> ``train`` or ``holdout`` (rule 7)."""
    splits: dict[str, str] = {}
    for language in LANGUAGES:
        repos = sorted((s.repo for s in sources if s.language == language), key=str.lower)
        for index, repo in enumerate(repos):
            splits[repo] = "train" if index % 2 == 0 else "holdout"
    return splits


#: A release tag of another project of the repository (``clap_complete-v4.5.0``,
#: ``tools/v0.1.0``, ``grep@0.3.1``): a name, a separator, then a version.
_OTHER_PROJECT_TAG = re.compile(r"^[A-Za-z][\w.]*(?:[-/][\w.]+)*?(?:@|-v|-|/v|/)\d+\.\d+")


def keep_tags_for(gitdir: Path, old_tag: str, old_commit: str) -> dict[str, str]:
    """The tags a pair's work repository keeps: the old tag, every tag reachable from its
    commit that names a final release no higher than it, with the old tag's prefix, ``v`` or
    none, and the release tags of the repository's other projects reachable from it (a user's
    clone has them too, and they tell which members are released apart)."""
    match = re.match(r"^(.*?)(\d+(?:\.\d+)*)$", old_tag)
    prefix = match.group(1) if match else ""
    limit = parse_release(match.group(2)) if match else (0, 0, 0)
    pattern = re.compile(
        r"^(?:" + "|".join(sorted({re.escape(prefix), "v", ""})) + r")"
        r"((0|[1-9]\d*)\.(0|[1-9]\d*)(\.(0|[1-9]\d*))?)$"
    )
    out = git(
        gitdir,
        "for-each-ref",
        "--merged",
        old_commit,
        "--format=%(refname:strip=2)%00%(objectname)%00%(*objectname)",
        "refs/tags",
    )
    own = re.compile(r"^(?:" + "|".join(sorted({re.escape(prefix), "v", ""})) + r")\d")
    tags = {old_tag: old_commit}
    for line in out.splitlines():
        name, sha, peeled = line.split("\x00")
        found = pattern.match(name)
        if found:
            earlier = parse_release(found.group(1)) <= limit
        else:
            earlier = not own.match(name) and bool(_OTHER_PROJECT_TAG.match(name))
        if earlier:
            tags.setdefault(name, peeled or sha)
    return tags


_HEADER = """\
Release pairs of the decision-quality benchmark (python -m benchmarks.accuracy).
Generated by `python -m benchmarks.accuracy build-dataset` from the git history of the
repositories in sources.toml (mirrors under --mirror, default /work/.mirror); do not edit.
A pair is two consecutive final release tags of the default branch; `label` is the jump the
project shipped (first of major/minor/patch that differs). Pre-releases, backports (tags not on
the default branch) and non-monotonic tags are skipped; 0.x pairs only where sources.toml says so.
`head` is the commit analyzed: the new tag's commit, or the commit before the release commit(s)
when those only bump versions and changelogs; the new version is masked in manifests either way.
At most `cap` pairs per repository (default {cap}), majors/minors/patches in turn, newest first.
Split: within each language, repositories sorted by name alternate train/holdout (first train);
`--holdout` runs the holdout half, which must not guide tuning.
Totals: {totals}
"""


def build_dataset(
    mirror_root: Path, sources: Sequence[Source], out: Path, *, say=print
) -> list[Pair]:
    """Apply the rules to every source and write the data file; returns the pairs."""
    splits = assign_splits(sources)
    skipped = Skipped()
    pairs: list[Pair] = []
    missing = []
    for source in sources:
        try:
            gitdir = find_mirror(mirror_root, source.repo)
        except RepoError as exc:
            missing.append(str(exc))
            continue
        tags = release_tags(gitdir, source)
        candidates = candidate_pairs(gitdir, source, tags, skipped)
        usable = []
        for candidate in candidates:
            head = release_head(gitdir, candidate)
            if head == candidate.old.commit:
                skipped.add("no change besides the release commit", f"{source.repo} {candidate}")
                continue
            usable.append((candidate, head))
        heads = {id(c): h for c, h in usable}
        chosen = select_pairs([c for c, _ in usable], source.cap)
        for c in chosen:
            pairs.append(
                Pair(
                    repo=source.repo,
                    language=source.language,
                    old=c.old.name,
                    new=c.new.name,
                    label=c.label,  # type: ignore[arg-type]
                    split=splits[source.repo],
                    old_commit=c.old.commit,
                    new_commit=c.new.commit,
                    head=heads[id(c)],
                )
            )
        counts = {lab: sum(c.label == lab for c in chosen) for lab in LABELS}
        say(
            f"{source.repo:40} {source.language:6} {splits[source.repo]:7} {len(tags):4} tags "
            f"{len(usable):4} usable pairs, kept {len(chosen):3} "
            f"({counts['major']} major, {counts['minor']} minor, {counts['patch']} patch)"
        )
    for reason, items in sorted(skipped.reasons.items()):
        say(f"skipped ({reason}): {len(items)}")
    if missing:
        raise RepoError("\n".join(missing))
    totals = _totals(pairs)
    header = _HEADER.format(cap=DEFAULT_CAP, totals=totals)
    out.write_text(dump_pairs(pairs, header), encoding="utf-8")
    say(f"{out}: {totals}")
    return pairs


def _totals(pairs: Sequence[Pair]) -> str:
    parts = []
    for split in ("train", "holdout"):
        group = [p for p in pairs if p.split == split]
        labels = ", ".join(f"{sum(p.label == lab for p in group)} {lab}" for lab in LABELS)
        repos = len({p.repo for p in group})
        parts.append(f"{split} {len(group)} pairs of {repos} repositories ({labels})")
    return "; ".join(parts)
