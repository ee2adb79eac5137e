"""The password of a keyword/value connection string in a string literal is redacted whatever
its characters: libpq's ``"host=db user=app password=..."``, ADO.NET's and ODBC's
``"Server=db;User Id=sa;Password=...;"`` (``PWD={...}`` in braces too), a JDBC URL's
``;password=...`` or ``&password=...``. A password made of letters only is no variable's name
inside a string. Format fields, empty values and text outside a string stay.
"""

from __future__ import annotations

import pytest

from diff_hunk import modified_hunk
from release_tools.analysis.engines.model.secrets import redact_details

MARK = "[REDACTED:assignment]"


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("app.py", 'psycopg2.connect("dbname=app user=app password=<pw> host=db")'),
        ("app.py", "conn = psycopg2.connect('host=db password=<pw>')"),
        ("main.go", 'db, err := sql.Open("postgres", "host=db user=app password=<pw> dbname=app")'),
        ("Db.cs", 'var cs = "Server=db;Database=app;User Id=sa;Password=<pw>;";'),
        ("Db.cs", 'var cs = "Data Source=db;Initial Catalog=app;User ID=sa;Password=<pw>";'),
        ("app.py", 'pyodbc.connect("DRIVER={ODBC Driver 18};SERVER=db;UID=sa;PWD=<pw>")'),
        ("App.java", 'String url = "jdbc:sqlserver://db:1433;user=sa;password=<pw>;";'),
        ("App.java", 'String url = "jdbc:mysql://db/app?user=sa&password=<pw>";'),
        ("App.java", 'String url = "jdbc:postgresql://db/app?user=app&password=<pw>&ssl=true";'),
        ("app.js", "const cs = `Server=db;Uid=app;Pwd=<pw>;`;"),
    ],
)
@pytest.mark.parametrize("password", ["hunter", "Tiger", "Xk93hTq2"])
def test_the_password_of_a_connection_string_is_redacted(
    path: str, line: str, password: str
) -> None:
    result = redact_details(modified_hunk(path, "+" + line.replace("<pw>", password)))
    assert "+" + line.replace("<pw>", MARK) + "\n" in result.text
    assert result.kinds == {"assignment": 1}


@pytest.mark.parametrize("password", ["hun;ter", "p@ss w0rd", "Xk9-3h;Tq2"])
def test_a_password_in_braces_goes_whole(password: str) -> None:
    # ODBC's braces let a password hold ";" and spaces. One that reads as a name ({hunter}) is
    # taken for a format field, as in f"...PWD={password}" or string.Format's "{0}".
    line = f'+pyodbc.connect("SERVER=db;UID=sa;PWD={{{password}}};Encrypt=yes")'
    result = redact_details(modified_hunk("app.py", line))
    assert f'+pyodbc.connect("SERVER=db;UID=sa;PWD={{{MARK}}};Encrypt=yes")\n' in result.text
    assert result.kinds == {"assignment": 1}


@pytest.mark.parametrize(
    ("line", "redacted"),
    [
        # Code after a string's closing quote: the value's own string goes, as before.
        (
            "user = User(username='me', password=b'hunter')",
            f"user = User(username='me', password=b'{MARK}')",
        ),
        (
            "#> username='me' password=SecretStr('hunter')",
            f"#> username='me' password=SecretStr('{MARK}')",
        ),
    ],
)
def test_a_keyword_argument_after_a_string_is_no_connection_string(
    line: str, redacted: str
) -> None:
    result = redact_details(modified_hunk("app.py", "+" + line))
    assert f"+{redacted}\n" in result.text
    assert result.count == 1


@pytest.mark.parametrize(
    ("path", "line"),
    [
        # Format fields and empty values.
        ("Db.cs", 'var cs = "Server={0};User Id={1};Password={2};";'),
        ("app.py", 'dsn = "host=%s user=%s password=%s" % (host, user, password)'),
        ("app.py", 'dsn = f"host={host} password={password}"'),
        ("app.py", 'dsn = f"host={host} password={password!r}"'),
        ("Db.cs", 'var cs = $"Server={host};Password={cfg.Password};";'),
        ("app.py", 'dsn = "host=db password=" + password'),
        ("run.sh", 'psql "host=db user=app password=$PGPASSWORD"'),
        # Not in a string: code.
        ("app.py", "conn = connect(host=host, user=user, password=password)"),
        ("app.py", "login(password=password)"),
        ("app.py", 'oracledb.connect(user="hr", password=userpwd, dsn="localhost/orclpdb")'),
        ("app.py", 'make_url("mysql", username="x", password=sp, host="localhost")'),
        # Placeholders in capitals, as help text and masked logs write them.
        ("app.py", "log = 'Invoked with user=bob password=NOT_LOGGING_PASSWORD'"),
        ("README.md", 'Run `psql "host=HOST user=USER password=PASSWORD"`.'),
        # A name that only ends in a password word.
        ("app.py", 'opts = "host=db password_file=/run/secrets/pw"'),
        ("app.py", 'msg = "use --password=PASSWORD to set it"'),
    ],
)
def test_what_only_looks_like_it_stays(path: str, line: str) -> None:
    diff = modified_hunk(path, "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)
