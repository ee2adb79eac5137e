"""Which lines of ordinary code a change to the secret redactor redacts differently.

Every text file under ``--root`` (by default the Python standard library and this project's
virtual environment's site-packages) becomes a diff that adds it whole, one file a diff, as the
model engine would send it. Two versions of ``src/`` (``--baseline-src``, an older commit's, and
``--src``, this tree's) redact each diff in a child process; the lines whose redaction differs
are printed with the kinds of mark each version put in, and counted by kind. Ordinary code holds
few credentials: a line a new rule changes that is not credential-shaped is a false positive.

Run: ``.venv/bin/python benchmarks/redaction_changes.py --baseline-src DIR [--root DIR ...]
[--show 50]``; the baseline is ``git archive <commit> src | tar -x -C DIR`` of an older commit.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Run in a child with ``sys.path`` set to the measured ``src/``: reads the corpus (JSON lines of
#: path and diff), writes each diff's redaction as one JSON line.
_CHILD = """
import json, sys
sys.path.insert(0, sys.argv[1])
from release_tools.analysis.engines.model.secrets import redact_secrets
with open(sys.argv[2], encoding="utf-8") as src, open(sys.argv[3], "w", encoding="utf-8") as out:
    for line in src:
        path, diff = json.loads(line)
        out.write(json.dumps(redact_secrets(diff)[0]) + "\\n")
"""

_MARK = re.compile(r"\[REDACTED:([\w-]+)\]")
_LARGEST = 1_000_000  # bytes: a larger file is data, not code


def _default_roots() -> list[Path]:
    lib = sorted(Path("/usr/lib").glob("python3.*"))
    venv = sorted((ROOT / ".venv" / "lib").glob("python3.*/site-packages"))
    return [*lib[-1:], *venv]


def _added(path: str, text: str) -> str:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    head = f"diff --git a/{path} b/{path}\nnew file mode 100644\n--- /dev/null\n+++ b/{path}\n"
    return head + f"@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{line}\n" for line in lines)


def _corpus(roots: list[Path], corpus: Path) -> tuple[int, int]:
    """Write the diffs of the text files under ``roots``; return files and lines written."""
    files = lines = 0
    with corpus.open("w", encoding="utf-8") as out:
        for root in roots:
            for file in sorted(root.rglob("*")):
                if not file.is_file() or file.is_symlink() or "__pycache__" in file.parts:
                    continue
                if file.stat().st_size > _LARGEST:
                    continue
                try:
                    text = file.read_bytes().decode("utf-8")
                except (UnicodeDecodeError, OSError):
                    continue
                if "\0" in text:
                    continue
                path = f"{root.name}/{file.relative_to(root)}"
                out.write(json.dumps([path, _added(path, text)]) + "\n")
                files += 1
                lines += text.count("\n")
    return files, lines


def _redact(src: Path, corpus: Path, output: Path) -> None:
    subprocess.run([sys.executable, "-c", _CHILD, str(src), str(corpus), str(output)], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-src", type=Path, required=True, help="an older src/")
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ to compare")
    parser.add_argument("--root", type=Path, action="append", help="a tree of ordinary files")
    parser.add_argument("--show", type=int, default=100, help="changed lines to print")
    args = parser.parse_args(argv)
    roots = args.root or _default_roots()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        files, lines = _corpus(roots, corpus)
        print(f"corpus: {files} files, {lines} lines under {', '.join(map(str, roots))}")
        outputs = {name: Path(tmp) / f"{name}.jsonl" for name in ("baseline", "current")}
        _redact(args.baseline_src, corpus, outputs["baseline"])
        _redact(args.src, corpus, outputs["current"])
        gained: Counter[str] = Counter()
        lost: Counter[str] = Counter()
        changed = 0
        with (
            corpus.open(encoding="utf-8") as source,
            outputs["baseline"].open(encoding="utf-8") as before_file,
            outputs["current"].open(encoding="utf-8") as after_file,
        ):
            for entry, before_line, after_line in zip(source, before_file, after_file, strict=True):
                path, _ = json.loads(entry)
                before_text, after_text = json.loads(before_line), json.loads(after_line)
                if before_text == after_text:
                    continue
                pairs = zip(before_text.split("\n"), after_text.split("\n"), strict=False)
                for number, (before, after) in enumerate(pairs):
                    if before == after:
                        continue
                    changed += 1
                    old, new = Counter(_MARK.findall(before)), Counter(_MARK.findall(after))
                    gained.update(new - old)
                    lost.update(old - new)
                    if changed <= args.show:
                        print(f"{path}:{number - 4}\n  - {before[:200]}\n  + {after[:200]}")
        print(f"lines changed: {changed}")
        print(f"marks added by kind: {dict(gained.most_common())}")
        print(f"marks removed by kind: {dict(lost.most_common())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
