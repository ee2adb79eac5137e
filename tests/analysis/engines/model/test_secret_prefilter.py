"""The shared name prefilter (``secrets_names``) never skips a match.

One example per form of ``NAMED_VALUES``, the assignment and the flow sequence, each redacted
end to end; and, for every form, over many generated lines, the prefiltered substitution (at the
names found by the one scan, or only where a name is followed by what the form needs) gives what
the form's plain ``subn`` over the whole line gives.
"""

from __future__ import annotations

import random
import re

import pytest

from release_tools.analysis.engines.model.secrets import redact_details
from release_tools.analysis.engines.model.secrets_forms import (
    ASSIGNMENT,
    FLOW_AFTER,
    FLOW_SEQUENCE,
    NAMED_VALUES,
    SECRET_NAME,
)
from release_tools.analysis.engines.model.secrets_hints import gate, lowered, may_name_secret
from release_tools.analysis.engines.model.secrets_names import (
    find_names,
    followed_by,
    sub_at_names,
    sub_form,
)

VALUE = "hunter22"

# One line per form of NAMED_VALUES, in its order, with the file it is in: "<n>" is the secret's
# name, "<v>" the value, which goes.
FORM_EXAMPLES: list[tuple[str, str]] = [
    ("app.py", 'x = os.getenv("<n>", "<v>")'),
    ("app.js", 'const x = process.env.<n> || "<v>";'),
    ("run.sh", "echo ${<n>:-<v>}"),
    ("app.py", 'settings["<n>"] = "<v>"'),
    ("deploy.tpl", 'x: {{ .Values.db.<n> | default "<v>" }}'),
    ("deploy.tpl", 'x: {{ default "<v>" .Values.<n> }}'),
    ("main.go", 'client.Set<n>("<v>")'),
    ("Builder.java", 'builder.password("<v>")'),
    ("app.py", '<n> = os.environ.get("T", "<v>")'),
    ("app.py", '<n> = os.getenv("P") or "<v>"'),
    ("main.rs", 'let <n> = String::from("<v>");'),
    ("config.h", '#define <n> "<v>"'),
    ("main.c", 'char <n>[] = "<v>";'),
    ("main.go", 'req.Header.Set("<n>", "<v>")'),
    ("run.sh", 'curl -H "<n>: <v>" https://x'),
    ("main.go", 'req.SetBasicAuth("me", "<v>")'),
    ("run.sh", "echo //r/:_authToken=<v> > .npmrc"),
    ("init.sql", "CREATE USER me IDENTIFIED BY '<v>';"),
    ("init.sql", "ALTER ROLE me LOGIN PASSWORD '<v>';"),
    ("Dockerfile", "ENV <n> <v>"),
    ("deploy.tpl", "env: [{name: <n>, value: <v>}]"),
    ("wp-config.php", "define('<n>', '<v>');"),
    ("app.xml", "<<n>><v></<n>>"),
    ("app.xml", '<entry key="<n>"><v></entry>'),
    ("web.xml", '<add key="<n>" value="<v>"/>'),
    ("beans.xml", '<property value="<v>" name="<n>"/>'),
    ("app.py", 'db = MySQLdb.connect("localhost", "me", "<v>", "app")'),
    ("app.py", 'psycopg2.connect("host=db user=me password=<v>")'),
    ("app.properties", "url=jdbc:oracle:thin:me/<v>@//db:1521/x"),
]
OTHER_EXAMPLES: list[tuple[str, str]] = [
    ("app.py", '<n> = "<v>"'),
    ("app.py", '<n>: ["<v>", "other1"]'),
]
EXAMPLES = FORM_EXAMPLES + OTHER_EXAMPLES


def _line(template: str, name: str = "DB_PASSWORD", value: str = VALUE) -> str:
    return template.replace("<n>", name).replace("<v>", value)


def _diff(path: str, line: str) -> str:
    return f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,1 +1,1 @@\n+{line}\n"


def test_every_form_has_its_example() -> None:
    # The table follows NAMED_VALUES: a form added there needs its example here.
    assert len(FORM_EXAMPLES) == len(NAMED_VALUES)
    for form, (_, template) in zip(NAMED_VALUES, FORM_EXAMPLES, strict=True):
        assert form.pattern.search(_line(template)) is not None, template


@pytest.mark.parametrize(("path", "template"), EXAMPLES)
def test_one_example_per_form_is_redacted(path: str, template: str) -> None:
    result = redact_details(_diff(path, _line(template)))
    assert VALUE not in result.text
    assert result.count >= 1


@pytest.mark.parametrize(("path", "template"), EXAMPLES)
def test_one_example_per_form_outside_ascii(path: str, template: str) -> None:
    # A line outside ASCII goes by the slow path of the scan: still redacted.
    result = redact_details(_diff(path, _line(template) + "  # \u00e9t\u00e9"))
    assert VALUE not in result.text


# --- the prefilter against the plain scan, on generated lines ---------------------------------

_NAMES = [
    "password",
    "PassWord",
    "DB_PWD",
    "userPw",
    "smtpPass",
    "ClientSecret",
    "AccessToken",
    "apiKey",
    "api-key",
    "x-auth-token",
    "db.password",
    "_auth",
    "MASTER_KEY",
    "password_file",
    "TOKEN_URL",
    "secretName",
    "tokenizer",
    "bypass",
    "max_tokens",
    "setPassword",
    "set_token",
    "withApiKey",
    "requirepass",
    "ns:password",
    "pa\u017f\u017fword",
]
_GLUE = [
    "= ",
    " = ",
    ":",
    ": ",
    ":=",
    "=>",
    "('",
    '("',
    '", "',
    "', '",
    "[",
    "]",
    "] = ",
    "[] = ",
    "",
    " ",
    " || ",
    " ?? ",
    " or ",
    "${",
    ":-",
    "}",
    "<",
    ">",
    "</",
    "/>",
    '"',
    "'",
    "`",
    "--",
    "process.env.",
    "os.getenv(",
    "ENV.fetch(",
    " default ",
    "{{ default ",
    "#define ",
    "set",
    ".password(",
    "String::from(",
    "Some(",
    "Header.Set(",
    "name: ",
    "value: ",
    'key="',
    'value="',
    "define(",
    "ENV ",
    "IDENTIFIED BY ",
    "PASSWORD ",
    "CREATE USER me ",
    "? ",
    "- ",
    "#",
    ",",
    ";",
    ")",
    "(",
    ": str",
    ": &str",
    " string ",
    "<String>",
    "{",
    "'''",
    "\\",
]
_VALUES = ["hunter22", "s3cr3t-1", "None", "{password}", "$TOKEN", "12", "user_password", "a b"]


def _lines(seed: int) -> list[str]:
    """Every example under every name, with its spaces taken out or doubled, and random glue
    before and after: lines each form matches, and near misses."""
    rnd = random.Random(seed)
    lines = []
    for _, template in EXAMPLES:
        for name in _NAMES:
            line = _line(template, name, rnd.choice(_VALUES))
            for variant in (line, line.replace(" ", ""), line.replace(" ", "  ")):
                before = "".join(rnd.choice(_GLUE) for _ in range(rnd.randint(0, 2)))
                after = "".join(rnd.choice(_GLUE) for _ in range(rnd.randint(0, 2)))
                lines.append(before + variant + after)
    return lines


_LINES = _lines(7)
_SCAN = re.compile(r"(?i)" + SECRET_NAME)


def _mark(match: re.Match[str]) -> str:
    return f"<{match.start()}:{match.end()}>"


def test_the_scan_finds_the_names_a_whole_scan_finds() -> None:
    for line in _LINES:
        expected = [match.span() for match in _SCAN.finditer(line)]
        assert find_names(line, lowered(line)) == expected, line


@pytest.mark.parametrize("index", range(len(NAMED_VALUES)))
def test_a_prefiltered_form_finds_what_its_plain_scan_finds(index: int) -> None:
    form = NAMED_VALUES[index]
    for line in _LINES:
        low = lowered(line)
        if form.named and not may_name_secret(low):
            continue  # the hints' own skip, tested in test_secret_speedup
        expected = form.pattern.subn(_mark, line)
        assert sub_form(form, _mark, line, find_names(line, low)) == expected, line


def test_the_assignment_and_flow_sequence_prefilters_skip_no_match() -> None:
    for line in _LINES:
        names = find_names(line, lowered(line))
        assert sub_at_names(ASSIGNMENT, _mark, line, names) == ASSIGNMENT.subn(_mark, line), line
        if FLOW_SEQUENCE.search(line) is not None:
            assert followed_by(line, names, FLOW_AFTER), line


def test_a_merged_gate_finds_a_line_with_any_of_its_hints() -> None:
    hints = ("gho_", "ghp_", "github_pat_", "key", "key=", "keyring", "--", "://", "k_live_", "a")
    pattern = gate([hints[:4], hints[4:]])
    rnd = random.Random(3)
    alphabet = "ghopub_ikeyt=-:/al"
    for _ in range(5000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 12)))
        assert (pattern.search(text) is not None) == any(hint in text for hint in hints), text
    assert gate([]).search("anything") is not None
