"""What is no secret stays, beside what is: a commit's id where a revision is expected (an
action pinned by commit, ``git checkout``, ``rev =``, lock and manifest files), a count of
tokens, a tokenizer, CloudFormation's references to parameters and secret stores; and the
token-only user of a URL and a Java properties value after a space are redacted.
"""

from __future__ import annotations

import time

import pytest

from diff_hunk import modified_hunk as _hunk
from release_tools.analysis.engines.model.secrets import redact_details

SHA = "8e5e7e5ab8b370d6c329ec480221332ada57f0ab"
CHECKSUM = "3e2a8d5f0a6b7c9d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d"
SECRET = "hunter2secret"
# Assembled at run time so that no scanner mistakes this test file for a leak.
URL_TOKEN = "a1b2c3d4" + "e5f6a7b8c9d0e1f2"


@pytest.mark.parametrize(
    ("path", "line"),
    [
        (".github/workflows/ci.yml", f"      - uses: actions/checkout@{SHA} # v4.1.1"),
        (".github/workflows/ci.yml", f"        run: git checkout {SHA}"),
        ("scripts/pin.sh", f"git -C vendor/lib reset --hard {SHA}"),
        ("Cargo.toml", f'lib = {{ git = "https://github.com/o/lib", rev = "{SHA}" }}'),
        ("Cargo.lock", f'source = "git+https://github.com/o/lib?rev=v1#{SHA}"'),
        ("Cargo.lock", f'checksum = "{CHECKSUM}"'),
        ("flake.lock", f'        "rev": "{SHA}",'),
        ("requirements.txt", f"lib @ git+https://github.com/o/lib@{SHA}"),
        ("package-lock.json", f'      "resolved": "git+ssh://git@github.com/o/lib.git#{SHA}",'),
        ("src/app/version.py", f'COMMIT_SHA = "{SHA}"'),
        ("deploy/app.yaml", f"  commit: {SHA}"),
    ],
)
def test_a_commits_id_where_a_revision_is_expected_stays(path: str, line: str) -> None:
    diff = _hunk(path, "+" + line, "-" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


@pytest.mark.parametrize(
    "line", [f'X = "{SHA}"', f"checksum = {CHECKSUM}", f'headers = {{"X-Key": "{SHA}"}}']
)
def test_a_hex_run_without_a_revisions_context_is_still_redacted(line: str) -> None:
    result = redact_details(_hunk("src/app/keys.py", "+" + line))
    assert SHA not in result.text and CHECKSUM not in result.text
    assert result.kinds["high-entropy"] == 1


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("config/model.yaml", "token_limit: 128000"),
        ("config/model.yaml", "max_tokens: 128000"),
        ("src/app/model.py", "max_tokens = 4096"),
        ("src/app/model.py", "MAX_OUTPUT_TOKENS = 128000"),
        ("src/app/model.ts", "const maxTokens = 200000;"),
        ("config/model.yaml", "tokenizer: bpe"),
        ("config/model.yaml", "tokenizer_config: cl100k"),
        ("src/app/model.py", 'tokenizer = "bpe"'),
        ("template.yaml", "      MasterUserPassword: !Ref DbPassword"),
        ("template.yaml", "      Password: !GetAtt DbSecret.Password"),
        ("template.yaml", "      Password: !Sub '${DbPassword}'"),
        ("template.yaml", "      Password: !Sub 'arn:${AWS::Partition}:${DbPassword}'"),
        ("template.yaml", "      Password: !ImportValue shared-db-password"),
        (
            "template.yaml",
            "      MasterUserPassword: '{{resolve:secretsmanager:Db:SecretString:password}}'",
        ),
        ("template.yaml", "      MasterUserPassword: '{{resolve:ssm-secure:/db/pw:1}}'"),
    ],
)
def test_counts_tokenizers_and_references_stay(path: str, line: str) -> None:
    diff = _hunk(path, "+" + line, "-" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("config/model.yaml", f"token: {SECRET}"),
        ("template.yaml", f"      Password: !Base64 {SECRET}"),
        ("template.yaml", f"      MasterUserPassword: {SECRET}"),
        ("src/app/model.py", "password = 123456789"),
    ],
)
def test_values_beside_the_kept_forms_still_go(path: str, line: str, marker: str) -> None:
    result = redact_details(_hunk(path, marker + line))
    assert SECRET not in result.text and "123456789" not in result.text
    assert result.count == 1


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    "line",
    [
        f"git clone https://{URL_TOKEN}@github.com/o/r.git",
        f"git remote set-url origin https://{URL_TOKEN}@gitlab.example.com/o/r",
        f'url = "git+https://{URL_TOKEN}@github.com/o/r"',
    ],
)
def test_a_token_alone_as_a_urls_user(line: str, marker: str) -> None:
    result = redact_details(_hunk("scripts/clone.sh", marker + line))
    assert URL_TOKEN not in result.text, result.text
    assert "https://[REDACTED:url-token]@" in result.text and result.count == 1


@pytest.mark.parametrize("marker", ["+", "-", " "])
@pytest.mark.parametrize(
    "line",
    [
        f"git clone https://{SECRET}@github.com/o/r.git",
        f"git clone https://{SECRET}@bitbucket.org/team/repo.git",
        f"git remote add origin https://{SECRET}@ssh.dev.azure.com/v3/o/p/r",
        f"url = git+https://{SECRET}@gitlab.example.com/o/r",
        "git clone https://a1b2c3d4e5f6@codeberg.org/o/r",
    ],
)
def test_a_shorter_token_as_a_git_hosts_user(line: str, marker: str) -> None:
    # At a Git host a user of 12 to 15 letters and digits with a letter after a digit is taken
    # for a token (or a password given as the user).
    result = redact_details(_hunk("scripts/clone.sh", marker + line))
    assert SECRET not in result.text and "a1b2c3d4e5f6" not in result.text, result.text
    assert "https://[REDACTED:url-token]@" in result.text and result.count == 1


def test_a_shorter_token_as_a_git_hosts_user_in_crlf_text() -> None:
    diff = _hunk("scripts/clone.sh", f"+git clone https://{SECRET}@github.com/o/r").replace(
        "\n", "\r\n"
    )
    result = redact_details(diff)
    assert SECRET not in result.text and result.count == 1, result.text


@pytest.mark.parametrize(
    "line",
    [
        "git clone https://jdoe@bitbucket.org/team/repo.git",
        "git clone https://x-access-token@github.com/o/r",
        "git clone https://${GITHUB_TOKEN}@github.com/o/r",
        "ssh://git@github.com/o/r.git",
        # Names: digits only at the end, words apart, too short; and a host that is no Git host.
        "git clone https://johnsmith1987@github.com/o/r",
        "git clone https://jane-doe-2024@bitbucket.org/t/r",
        "git clone https://deploy.bot.01@gitlab.com/o/r",
        "git clone https://jdoe2work@github.com/o/r",
        f"curl https://{SECRET}@example.com/api",
    ],
)
def test_a_urls_user_name_stays(line: str) -> None:
    diff = _hunk("scripts/clone.sh", "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


@pytest.mark.parametrize("marker", ["+", "-"])
def test_a_known_token_as_a_urls_user_is_redacted_once(marker: str) -> None:
    token = "ghp_" + "A1b2C3d4E5f6G7h8J9k0L1m2N3p4Q5r6S7t8"
    result = redact_details(_hunk("README.md", f"{marker}git clone https://{token}@github.com/o/r"))
    assert "https://[REDACTED:github-token]@github.com" in result.text and result.count == 1


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    "line", [f"db.password {SECRET}", f"db.password: {SECRET}", f"db.password\t{SECRET} two"]
)
def test_a_properties_value_after_a_space_or_colon(line: str, marker: str) -> None:
    result = redact_details(_hunk("src/main/resources/app.properties", marker + line))
    assert SECRET not in result.text and "two" not in result.text, result.text
    assert result.count == 1


@pytest.mark.parametrize("line", ["db.password.file /etc/pw", "db.password", "# db.password x"])
def test_other_properties_lines_stay(line: str) -> None:
    diff = _hunk("src/main/resources/app.properties", "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


def test_long_hostile_lines_are_quick() -> None:
    lines = [
        "+" + "https://" + "a" * 20000 + "1",
        "+" + "https://a1" * 5000,
        "+" + "git checkout " + f"{SHA} " * 2000,
        "+" + "password " + " " * 20000 + "x",
        "+" + "rev = " * 4000 + SHA,
    ]
    start = time.perf_counter()
    redact_details(_hunk("app.properties", *lines))
    assert time.perf_counter() - start < 1.0
