"""Name/value entries (a Kubernetes container's env) named as a secret, with the value before
the name or over several lines, and YAML complex keys (``? password`` then ``: ...``, or the
key's text on the lines under ``? |``): on added, removed and context lines, inside a larger
diff and with CRLF line ends.
"""

from __future__ import annotations

import pytest

from release_tools.analysis.engines.model.secrets import redact_details
from release_tools.analysis.engines.model.secrets_entries import HOLD_LINES

SECRET = "s3cr3t-Passw0rd"
MARK = "[REDACTED:assignment]"


def _hunk(path: str, *lines: str, eol: str = "\n") -> str:
    """A modification hunk of ``path``; ``lines`` carry their own diff markers."""
    head = [f"diff --git a/{path} b/{path}", f"--- a/{path}", f"+++ b/{path}", "@@ -1,9 +1,9 @@"]
    return eol.join([*head, *lines]) + eol


def _marked(lines: tuple[str, ...], marker: str) -> tuple[str, ...]:
    return tuple(marker + line for line in lines)


# --- the value before the name ----------------------------------------------------------------

VALUE_FIRST = [
    ("- value: " + SECRET, "  name: DB_PASSWORD"),
    ("    - value: " + SECRET, "      name: API_TOKEN"),
    ("- value: '" + SECRET + "'", "  name: 'DB_PASSWORD'"),
    ("- value: " + SECRET, "  # the database's", "  description: x", "  name: DB_PASSWORD"),
    ("- value: " + SECRET, "", "  name: DB_PASSWORD"),
    ("  value: " + SECRET, "  name: DB_PASSWORD"),
]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("marker", ["+", "-", " "])
@pytest.mark.parametrize("lines", VALUE_FIRST)
def test_a_value_before_its_secret_name(lines: tuple[str, ...], marker: str, eol: str) -> None:
    result = redact_details(_hunk("k8s/deploy.yaml", *_marked(lines, marker), eol=eol))
    assert SECRET not in result.text, result.text
    assert result.count == 1 and result.kinds["assignment"] == 1
    assert f"{marker}{lines[-1]}{eol}" in result.text  # the name stays
    if "'" in lines[0]:
        assert f"value: '{MARK}'{eol}" in result.text


def test_a_value_before_its_name_in_json() -> None:
    lines = ("+  {", f'+    "value": "{SECRET}",', '+    "name": "API_KEY"', "+  }")
    result = redact_details(_hunk("deploy/env.json", *lines))
    assert SECRET not in result.text and result.count == 1, result.text
    assert f'+    "value": "{MARK}",\n' in result.text


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("marker", ["+", "-", " "])
def test_a_value_over_several_lines_before_its_name(marker: str, eol: str) -> None:
    lines = ("- value: |", "    first-" + SECRET, "    second-" + SECRET, "  name: API_KEY")
    result = redact_details(_hunk("k8s/deploy.yaml", *_marked(lines, marker), eol=eol))
    assert SECRET not in result.text and result.count == 1, result.text
    assert f"{marker}    {MARK}{eol}{marker}    [...]{eol}" in result.text


def test_a_context_value_named_as_a_secret_in_the_new_file_only() -> None:
    lines = (f" - value: {SECRET}", "-  name: PORT", "+  name: DB_PASSWORD")
    result = redact_details(_hunk("k8s/deploy.yaml", *lines))
    assert SECRET not in result.text and result.count == 1, result.text


def test_a_context_value_named_as_a_secret_on_both_sides_counts_once() -> None:
    lines = (f" - value: {SECRET}", "-  name: DB_PASSWORD", "+  name: DB_PASSWD")
    result = redact_details(_hunk("k8s/deploy.yaml", *lines))
    assert SECRET not in result.text and result.count == 1, result.text


def test_a_value_whose_mark_an_earlier_rule_put_in_counts_once() -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8J9k0L1m2N3p4Q5r6S7t8"
    lines = (f"+- value: https://{token}@github.com/o/r", "+  name: GIT_TOKEN")
    result = redact_details(_hunk("k8s/deploy.yaml", *lines))
    assert token not in result.text and "github.com" not in result.text, result.text
    assert result.count == 1 and dict(result.kinds) == {"assignment": 1}


def test_inside_a_larger_diff_only_the_secret_goes() -> None:
    lines = (
        " spec:",
        "   containers:",
        "   - name: app",
        "     image: example/app:1.2.3",
        "     env:",
        "     - name: LOG_LEVEL",
        "       value: debug",
        f"+    - value: {SECRET}",
        "+      name: DB_PASSWORD",
        '+    - value: "8080"',
        "+      name: PORT",
        "+    - valueFrom:",
        "+        secretKeyRef: {name: db, key: password}",
        "+      name: DB_PASSWORD_REF",
        "     - name: MODE",
        "       value: prod",
    )
    diff = _hunk("k8s/deploy.yaml", *lines)
    result = redact_details(diff)
    assert SECRET not in result.text and result.count == 1, result.text
    expected = diff.replace(f"- value: {SECRET}", f"- value: {MARK}")
    assert result.text == expected


@pytest.mark.parametrize(
    "lines",
    [
        ('- value: "8080"', "  name: PORT"),
        ("- value: debug", "  name: LOG_LEVEL"),
        ("- valueFrom:", "    secretKeyRef:", "      name: db", "  name: DB_PASSWORD"),
        ("- value: ${DB_PASSWORD}", "  name: DB_PASSWORD"),
        ("- value: '{{ .Values.token }}'", "  name: API_TOKEN"),
        # The name of the next item, or of an item of a list under another key.
        ("- value: 1.2.3", "- name: DB_PASSWORD"),
        ("- value: 1.2.3", "  items:", "  - name: DB_PASSWORD"),
        ("- value: 1.2.3", "  items:", "    name: DB_PASSWORD"),
    ],
)
def test_other_values_before_a_name_stay(lines: tuple[str, ...]) -> None:
    diff = _hunk("k8s/deploy.yaml", *_marked(lines, "+"))
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


def test_a_name_too_far_from_its_value_leaves_it_as_given() -> None:
    # The value's lines are held at most HOLD_LINES lines: the diff then goes as given.
    filler = tuple(f"+  note{i}: x" for i in range(HOLD_LINES + 1))
    diff = _hunk("k8s/deploy.yaml", f"+- value: {SECRET}", *filler, "+  name: DB_PASSWORD")
    assert redact_details(diff).text == diff


@pytest.mark.parametrize("marker", ["+", "-", " "])
@pytest.mark.parametrize("count", [HOLD_LINES + 1, 60, 400])
def test_a_long_value_before_its_name_is_redacted(count: int, marker: str) -> None:
    # The value's own lines, however many (and however long), do not count towards the bound.
    body = tuple(f"    {SECRET}-{i:04d}-{'x' * 90}" for i in range(count))
    lines = ("- value: |", *body, "  name: TLS_PRIVATE_KEY")
    result = redact_details(_hunk("k8s/deploy.yaml", *_marked(lines, marker)))
    assert SECRET not in result.text and result.count == 1, result.text[:400]
    assert f"{marker}    {MARK}\n{marker}    [...]\n" in result.text


# The lines of a long value: words, which no other rule takes for a secret.
LONG = tuple(f"+    part {i} of the document" for i in range(100))


def test_a_long_value_then_other_keys_before_its_name() -> None:
    # Past the value, the bound counts the lines up to the name.
    body = LONG
    keys = tuple(f"+  note{i}: x" for i in range(HOLD_LINES - 1))
    lines = ("+- value: |", *body, *keys, "+  name: DB_PASSWORD")
    result = redact_details(_hunk("k8s/deploy.yaml", *lines))
    assert "part" not in result.text and result.count == 1


def test_a_long_value_too_far_from_its_name_leaves_it_as_given() -> None:
    keys = tuple(f"+  note{i}: x" for i in range(HOLD_LINES))
    diff = _hunk("k8s/deploy.yaml", "+- value: |", *LONG, *keys, "+  name: DB_PASSWORD")
    assert redact_details(diff).text == diff


def test_a_long_value_under_another_name_stays() -> None:
    diff = _hunk("k8s/deploy.yaml", "+- value: |", *LONG, "+  name: CONFIG_JSON")
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


def test_a_huge_value_before_its_name_is_quick() -> None:
    import time

    body = [f"+    part {i} of the document" for i in range(50000)]
    diff = _hunk("k8s/deploy.yaml", "+- value: |", *body, "+  name: API_KEY")
    start = time.perf_counter()
    result = redact_details(diff)
    assert time.perf_counter() - start < 2.0
    assert "part" not in result.text and result.count == 1


def test_many_items_are_quick() -> None:
    import time

    lines = [f"+- value: v{i}\n+  note: x" for i in range(20000)]
    diff = _hunk("k8s/deploy.yaml", *lines)
    start = time.perf_counter()
    result = redact_details(diff)
    assert time.perf_counter() - start < 2.0
    assert result.count == 0


# --- the name before a value over several lines -----------------------------------------------


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("marker", ["+", "-", " "])
@pytest.mark.parametrize("opening", ["value: |", "value: >-", "value:"])
def test_a_named_value_over_several_lines(opening: str, marker: str, eol: str) -> None:
    lines = ("- name: API_KEY", f"  {opening}", f"    first-{SECRET}", f"    second-{SECRET}")
    result = redact_details(_hunk("k8s/deploy.yaml", *_marked(lines, marker), eol=eol))
    assert SECRET not in result.text and result.count == 1, result.text
    assert f"{marker}  {opening}{eol}{marker}    {MARK}{eol}" in result.text


def test_the_entry_after_a_named_value_over_several_lines_stays() -> None:
    lines = ("+- name: API_KEY", "+  value: |", f"+    {SECRET}", "+- name: PORT", '+  value: "80"')
    result = redact_details(_hunk("k8s/deploy.yaml", *lines))
    assert SECRET not in result.text and result.count == 1, result.text
    assert '+- name: PORT\n+  value: "80"\n' in result.text


# --- YAML complex keys ------------------------------------------------------------------------

COMPLEX = [
    (("? password", ": hunter2"), ": " + MARK),
    (("? db_password", ": 'hunter2'"), ": '" + MARK + "'"),
    (("? api_key", ": !!str hunter2"), ": !!str " + MARK),
    (("? password", "# the admin's", ": hunter2"), ": " + MARK),
    (("  ? password", "  : hunter2"), "  : " + MARK),
    (("- ? password", "  : hunter2"), "  : " + MARK),
]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("marker", ["+", "-", " "])
@pytest.mark.parametrize(("lines", "redacted"), COMPLEX)
def test_a_complex_keys_value(lines: tuple[str, ...], redacted: str, marker: str, eol: str) -> None:
    result = redact_details(_hunk("config/app.yaml", *_marked(lines, marker), eol=eol))
    assert "hunter2" not in result.text and result.count == 1, result.text
    assert f"{marker}{redacted}{eol}" in result.text


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("marker", ["+", "-", " "])
@pytest.mark.parametrize("opening", [": |", ": >-", ":"])
def test_a_complex_keys_value_over_several_lines(opening: str, marker: str, eol: str) -> None:
    lines = ("? api_key", opening, "  multi-hunter2", "  line-hunter2")
    result = redact_details(_hunk("config/app.yaml", *_marked(lines, marker), eol=eol))
    assert "hunter2" not in result.text and result.count == 1, result.text
    assert f"{marker}  {MARK}{eol}{marker}  [...]{eol}" in result.text


def test_a_complex_key_inside_a_larger_diff() -> None:
    lines = (
        " server:",
        "   port: 8080",
        "+  ? password",
        "+  : hunter2",
        "+  ? version",
        "+  : 1.2.3",
        "   host: example.org",
    )
    diff = _hunk("config/app.yaml", *lines)
    result = redact_details(diff)
    assert result.text == diff.replace("+  : hunter2", "+  : " + MARK) and result.count == 1


def test_a_complex_key_removed_and_added() -> None:
    lines = ("-? password", "-: old-hunter2", "+? password", "+: new-hunter2")
    result = redact_details(_hunk("config/app.yaml", *lines))
    assert "hunter2" not in result.text and result.count == 2, result.text


@pytest.mark.parametrize(
    "lines",
    [
        ("? version", ": 1.2.3"),
        ("? password", ": ${DB_PASSWORD}"),
        ("? password", ": *admin_password"),
        ("? password", ": !Ref DbPassword"),
        ("? password", "host: example.org", ": 1.2.3"),
        ("  ? password", ": 1.2.3"),
    ],
)
def test_other_complex_keys_stay(lines: tuple[str, ...]) -> None:
    diff = _hunk("config/app.yaml", *_marked(lines, "+"))
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


# A complex key whose text is a block scalar ("? |", "? >") or starts below a lone "?".
KEYS_BELOW = [
    (("? |", "  db_password", ": hunter2"), ": " + MARK),
    (("? >", "  db password", ": 'hunter2'"), ": '" + MARK + "'"),
    (("? |-", "  the admin's", "  api token", ": hunter2"), ": " + MARK),
    (("? >+ # the key", "  password", "", "# its value", ": hunter2"), ": " + MARK),
    (("?", "  smtpPass", ": hunter2"), ": " + MARK),
    (("  ? |", "    password", "  : !!str hunter2"), "  : !!str " + MARK),
    (("- ? >", "    password", "  : hunter2"), "  : " + MARK),
]


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
@pytest.mark.parametrize("marker", ["+", "-", " "])
@pytest.mark.parametrize(("lines", "redacted"), KEYS_BELOW)
def test_a_block_complex_keys_value(
    lines: tuple[str, ...], redacted: str, marker: str, eol: str
) -> None:
    result = redact_details(_hunk("config/app.yaml", *_marked(lines, marker), eol=eol))
    assert "hunter2" not in result.text and result.count == 1, result.text
    assert f"{marker}{redacted}{eol}" in result.text


@pytest.mark.parametrize("opening", [": |", ": >-", ":"])
def test_a_block_complex_keys_value_over_several_lines(opening: str) -> None:
    lines = ("? |", "  api_key", opening, "  multi-hunter2", "  line-hunter2", "host: x")
    result = redact_details(_hunk("config/app.yaml", *_marked(lines, "+")))
    assert "hunter2" not in result.text and result.count == 1, result.text
    assert f"+  {MARK}\n+  [...]\n+host: x\n" in result.text


def test_a_block_complex_key_on_both_sides_of_a_change() -> None:
    # The key's text is context; the old and the new value are each redacted.
    lines = (" ? |", "   password", "-: old-hunter2", "+: new-hunter2")
    result = redact_details(_hunk("config/app.yaml", *lines))
    assert "hunter2" not in result.text and result.count == 2, result.text


@pytest.mark.parametrize(
    "lines",
    [
        # Keys that name no secret, or point at one.
        ("? |", "  version", ": 1.2.3"),
        ("? >", "  password_file", ": /run/secrets/db"),
        # Values that hold none.
        ("? |", "  password", ": ${DB_PASSWORD}"),
        ("? |", "  password", ": *admin_password"),
        # A colon deeper than the "?" is the key's text; another key ends the wait.
        ("? |", "  password", "  : 1.2.3"),
        ("? |", "  password", "host: example.org", ": 1.2.3"),
        # A colon at another column is no value of this key.
        ("  ? |", "    password", ": 1.2.3"),
    ],
)
def test_other_block_complex_keys_stay(lines: tuple[str, ...]) -> None:
    diff = _hunk("config/app.yaml", *_marked(lines, "+"))
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


def test_a_block_complex_key_outside_yaml_stays() -> None:
    diff = _hunk("notes.txt", "+? |", "+  password", "+: hunter2")
    assert redact_details(diff).text == diff
