"""Account passwords outside code are redacted: the values of an AWS shared credentials or
config file (``~/.aws/credentials``, an INI file without an extension) whatever their
characters, the password given to ``htpasswd -b`` and a ``user:password`` piped into
``chpasswd``. Help text and passwords read at run time stay.
"""

from __future__ import annotations

import pytest

from diff_hunk import modified_hunk
from release_tools.analysis.engines.model.secrets import redact_details

MARK = "[REDACTED:assignment]"
LETTERS = "FakeSecretAccessKeyForTestsOnlyNotRealAb"  # 40 letters: no high-entropy token


@pytest.mark.parametrize("path", [".aws/credentials", "home/ci/.aws/config", "credentials"])
@pytest.mark.parametrize(
    "line",
    [
        "aws_secret_access_key = <v>",
        "aws_session_token=<v>",
        "aws_secret_access_key: <v>",
    ],
)
def test_a_value_of_an_aws_credentials_file_is_redacted(path: str, line: str) -> None:
    result = redact_details(modified_hunk(path, " [default]", "+" + line.replace("<v>", LETTERS)))
    assert "+" + line.replace("<v>", MARK) + "\n" in result.text
    assert result.kinds == {"assignment": 1}


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        ("htpasswd -b .htpasswd bob hunter", f"htpasswd -b .htpasswd bob {MARK}"),
        (
            "htpasswd -cb /etc/nginx/.htpasswd bob hunter",
            f"htpasswd -cb /etc/nginx/.htpasswd bob {MARK}",
        ),
        ("htpasswd -B -C 10 -b users bob hunter", f"htpasswd -B -C 10 -b users bob {MARK}"),
        ("htpasswd -nb bob hunter > users", f"htpasswd -nb bob {MARK} > users"),
        (
            "RUN htpasswd -bc users bob 'hunter two' && nginx",
            f"RUN htpasswd -bc users bob '{MARK}' && nginx",
        ),
        ('echo "bob:hunter" | chpasswd', f'echo "bob:{MARK}" | chpasswd'),
        ("echo 'root:hunter' | sudo chpasswd", f"echo 'root:{MARK}' | sudo chpasswd"),
        ("echo bob:hunter | chpasswd -e", f"echo bob:{MARK} | chpasswd -e"),
    ],
)
def test_an_account_command_password_is_redacted(line: str, redacted: str) -> None:
    result = redact_details(modified_hunk("setup.sh", "+" + line))
    assert f"+{redacted}\n" in result.text
    assert result.kinds == {"assignment": 1}


@pytest.mark.parametrize(
    "line",
    [
        "htpasswd -c .htpasswd bob",
        "htpasswd -b .htpasswd bob $PASSWORD",
        'htpasswd -b .htpasswd bob "$PASSWORD"',
        "Usage: htpasswd -b[cmBdpsD] passwordfile username password",
        'echo "$USER:$PASS" | chpasswd',
        "chpasswd < users.txt",
        'echo "bob:x" > notes.txt',
    ],
)
def test_what_only_looks_like_it_stays(line: str) -> None:
    diff = modified_hunk("setup.sh", "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)
