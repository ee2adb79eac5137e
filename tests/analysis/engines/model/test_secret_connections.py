"""A password written beside its user in a connection's address, outside a URL's userinfo, is
redacted: Oracle's ``user/password@db`` (its tools, ``CONNECT``, JDBC's thin URLs, cx_Oracle), a
percent-encoded URL's password, a PostgreSQL password file's last field, Samba's ``-U
user%password``, the ``-p`` of MongoDB's and RabbitMQ's clients, Yarn's ``npmAuthIdent`` and a
registry's base64 ``"auth"`` in Docker's ``config.json``. What only looks like them stays.
"""

from __future__ import annotations

import base64

import pytest

from diff_hunk import modified_hunk
from release_tools.analysis.engines.model.secrets import redact_details
from release_tools.analysis.engines.model.secrets_forms import decodes_to_credentials

PASSWORD = "Xk93hTq2"
BASIC = base64.b64encode(f"deploy:{PASSWORD}".encode()).decode()


@pytest.mark.parametrize(
    ("path", "line", "kind"),
    [
        # Oracle.
        ("run.sh", "sqlplus -s scott/<pw>@//db.internal:1521/ORCL @run.sql", "assignment"),
        ("run.sh", "sqlplus system/<pw>", "assignment"),
        ("run.sh", 'sqlplus "sys/<pw>@db as sysdba"', "assignment"),
        ("run.sh", "expdp scott/<pw>@orcl directory=dp dumpfile=x.dmp", "assignment"),
        ("run.sh", "sqlldr control=load.ctl userid=scott/<pw>", "assignment"),
        ("init.sql", "CONNECT sys/<pw>@orcl AS SYSDBA", "assignment"),
        ("init.sql", "conn scott/<pw>", "assignment"),
        ("app.properties", "db.url=jdbc:oracle:thin:scott/<pw>@//db:1521/ORCL", "assignment"),
        ("app.py", 'conn = cx_Oracle.connect("scott/<pw>@db.internal/orcl")', "assignment"),
        ("app.py", 'pool = oracledb.create_pool(dsn="scott/<pw>@db/orcl")', "assignment"),
        # A URL percent-encoded in another's query, in any case.
        (
            "app.yaml",
            "redirect: https%3A%2F%2Fdeploy%3A<pw>%40example.internal%2Fhome",
            "url-password",
        ),
        ("app.yaml", "next=HTTPS%3a%2f%2fdeploy%3a<pw>%40example.internal", "url-password"),
        # Samba, MongoDB, RabbitMQ.
        ("run.sh", "smbclient //fs/share -U deploy%<pw>", "assignment"),
        ("run.sh", "smbclient //fs/share --user='deploy%<pw>'", "assignment"),
        (
            "run.sh",
            "mongosh --host db -u admin -p <pw> --authenticationDatabase admin",
            "assignment",
        ),
        ("run.sh", "mongodump -u admin -p '<pw>' --out /backup", "assignment"),
        ("run.sh", "rabbitmqadmin -u guest -p <pw> list queues", "assignment"),
        # A .pgpass line written by a script.
        ("run.sh", "echo 'db.internal:5432:*:app:<pw>' > ~/.pgpass", "assignment"),
        # Yarn's and Docker's registry credentials.
        (".yarnrc.yml", 'npmAuthIdent: "deploy:<pw>"', "assignment"),
        ("config.json", '{"auths": {"ghcr.io": {"auth": "<basic>"}}}', "registry-auth"),
    ],
)
def test_the_password_is_redacted(path: str, line: str, kind: str) -> None:
    text = line.replace("<pw>", PASSWORD).replace("<basic>", BASIC)
    result = redact_details(modified_hunk(path, "+" + text))
    assert PASSWORD not in result.text
    assert BASIC not in result.text
    assert result.kinds == {kind: 1}


@pytest.mark.parametrize(
    "line",
    [
        "db.internal:5432:app:app:<pw>",
        "*:*:*:replicator:<pw>",
        "fe80\\:\\:1:5432:app:app:<pw>",
        "db:5432:app:app:pass\\:<pw>",
    ],
)
def test_every_password_of_a_pgpass_file(line: str) -> None:
    text = line.replace("<pw>", PASSWORD)
    head = text[: text.index(PASSWORD)].removesuffix("pass\\:")
    for path in (".pgpass", "docker/pgpass.conf"):
        result = redact_details(modified_hunk(path, "+" + text, " # a comment: a:b:c:d"))
        assert f"+{head}[REDACTED:pgpass-password]\n" in result.text
        assert " # a comment: a:b:c:d\n" in result.text
        assert result.kinds == {"pgpass-password": 1}


def test_a_pgpass_line_in_a_hunk_header() -> None:
    diff = modified_hunk(".pgpass", "+db:5432:app:ci:other1").replace(
        "@@ -1,3 +1,3 @@", f"@@ -1,3 +1,3 @@ db:5432:app:app:{PASSWORD}"
    )
    result = redact_details(diff)
    assert PASSWORD not in result.text and "other1" not in result.text


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # Help text's names, variables, no user/password at all.
        ("README.md", "Run `sqlplus USER/PASSWORD@DB` with your account."),
        ("run.sh", 'sqlplus scott/"$ORACLE_PASSWORD"@db'),
        ("run.sh", "sqlplus / as sysdba"),
        ("run.sh", "sqlplus -s /nolog @run.sql"),
        ("app.properties", "db.url=jdbc:oracle:thin:@//db.internal:1521/ORCL"),
        ("app.py", 'conn = oracledb.connect(dsn="db.internal/orclpdb1", user=u, password=p)'),
        ("notes.md", "Connect client/server over TLS"),
        ("app.py", "conn = sqlite3.connect(path)"),
        # A port published beside the image, and other commands' -p.
        ("run.sh", "docker run -p 27017:27017 mongo:7"),
        ("run.sh", "psql -h db -p 5432 -U app"),
        ("run.sh", "mongosh -u admin -p --authenticationDatabase admin"),
        # Percent-encoded URLs without a password.
        ("app.yaml", "redirect: https%3A%2F%2Fexample.internal%2Fa%3Ab%40c"),
        ("app.yaml", "redirect: https%3A%2F%2Fdeploy%40example.internal%2F"),
        # A pgpass line written from variables; a time on a line that names the file.
        ("run.sh", 'echo "$HOST:$PORT:$DB:$USER:$PASS" >> ~/.pgpass'),
        ("run.sh", "touch ~/.pgpass  # 12:00:00:00"),
        # "auth" that is no base64 of user:password.
        ("config.json", '{"auth": "required"}'),
        ("config.json", '{"auth": "bearer", "url": "https://x.internal"}'),
        ("config.json", '{"auth": "c2VjcmV0d29yZA=="}'),
    ],
)
def test_what_only_looks_like_it_stays(path: str, line: str) -> None:
    diff = modified_hunk(path, "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


@pytest.mark.parametrize(
    ("text", "credentials"),
    [
        (base64.b64encode(b"user:pass").decode(), True),
        (base64.b64encode(b"user:pass").decode().rstrip("="), True),
        (base64.b64encode(b"user:p:a:ss").decode(), True),
        (base64.b64encode(b"user:").decode(), False),
        (base64.b64encode(b":pass").decode(), False),
        (base64.b64encode(b"userpass").decode(), False),
        (base64.b64encode(b"user:\x00\x01").decode(), False),
        (base64.b64encode(b"\xff\xfe:\xfd").decode(), False),
        ("required", False),
        ("not base64!", False),
    ],
)
def test_decodes_to_credentials(text: str, credentials: bool) -> None:
    assert decodes_to_credentials(text) is credentials
