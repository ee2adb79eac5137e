"""A password given to a well-known client by its position is redacted when it is a string
literal: cx_Oracle's and python-oracledb's ``connect(user, password, dsn)``, MySQLdb's, PyMySQL's
and pymssql's ``connect(host, user, password, db)``, ftplib's ``FTP(host, user, passwd)``, the
``login(user, password)`` of smtplib, ftplib and imaplib, python-ldap's ``simple_bind_s(dn,
password)``, a requests/httpx ``auth=(user, password)`` tuple and the digest and proxy
credentials of requests; JDBC's ``DriverManager.getConnection(url, user, password)``, PHP's
``new PDO(dsn, user, password)`` and mysqli, Go's ``smtp.PlainAuth``, redis-py's
``Redis(host, port, db, password)`` and Ruby's ``Net::SMTP.start``. Only the password goes;
the user, the host and a password held in a variable stay.
"""

from __future__ import annotations

import pytest

from diff_hunk import modified_hunk
from release_tools.analysis.engines.model.secrets import redact_details

MARK = "[REDACTED:assignment]"


@pytest.mark.parametrize(
    "line",
    [
        # Oracle: the second argument.
        'conn = cx_Oracle.connect("scott", "<pw>", dsn)',
        "conn = cx_Oracle.connect('scott', '<pw>', 'db.internal/orcl')",
        'conn = oracledb.connect("scott", "<pw>", "host/svc")',
        'conn = cx_Oracle.connect(user, "<pw>", dsn)',
        'pool = cx_Oracle.SessionPool("scott", "<pw>", dsn, 1, 4, 1)',
        'conn = cx_Oracle.Connection(cfg.user, "<pw>", cfg.dsn)',
        # MySQL and SQL Server: the third.
        'db = pymysql.connect("localhost", "root", "<pw>", "app")',
        'db = MySQLdb.connect("localhost", "root", "<pw>", "app")',
        'db = MySQLdb.Connect(host, "root", "<pw>")',
        'db = pymssql.connect("sql.internal", "sa", "<pw>", "app")',
        'db = pymysql.connections.Connection("localhost", "root", "<pw>")',
        # FTP, mail and directory logins.
        'ftp = ftplib.FTP("ftp.internal", "deploy", "<pw>")',
        'ftp = FTP_TLS("ftp.internal", "deploy", "<pw>")',
        'ftp.login("deploy", "<pw>")',
        'server.login(sender, "<pw>")',
        "mail.login('me@example.internal', '<pw>')",
        'conn.simple_bind_s("cn=admin,dc=example,dc=internal", "<pw>")',
        # HTTP credentials as a tuple or as requests' other auth classes.
        'r = requests.get(url, auth=("deploy", "<pw>"))',
        'session.auth = ("deploy", "<pw>")',
        'client = httpx.Client(auth=(user, "<pw>"))',
        'r = requests.get(url, auth=HTTPDigestAuth("deploy", "<pw>"))',
        'proxy = HTTPProxyAuth("deploy", "<pw>")',
        # Java, PHP, Go, Redis and Ruby clients.
        'Connection c = DriverManager.getConnection(url, "sa", "<pw>");',
        'c = DriverManager.getConnection("jdbc:sqlserver://db;db=app", "sa", "<pw>");',
        '$db = new PDO($dsn, "root", "<pw>");',
        "$db = new PDO('mysql:host=db;dbname=app', 'root', '<pw>');",
        '$db = mysqli_connect("localhost", "root", "<pw>", "app");',
        '$db = new mysqli($this->host, "root", "<pw>", "app");',
        'auth := smtp.PlainAuth("", "bob@example.internal", "<pw>", "smtp.example.internal")',
        'r = redis.Redis("localhost", 6379, 0, "<pw>")',
        'r = redis.StrictRedis(HOST, PORT, 0, "<pw>")',
        "Net::SMTP.start('smtp.example.internal', 25, 'example.internal', 'bob', '<pw>', :plain)",
    ],
)
@pytest.mark.parametrize("password", ["tiger", "Xk93hTq2"])
def test_the_positional_password_is_redacted(line: str, password: str) -> None:
    result = redact_details(modified_hunk("app.py", "+" + line.replace("<pw>", password)))
    assert "+" + line.replace("<pw>", MARK) + "\n" in result.text
    assert result.kinds == {"assignment": 1}


@pytest.mark.parametrize(
    "line",
    [
        # Passwords held in variables or read at run time.
        "conn = cx_Oracle.connect(user, password, dsn)",
        'conn = cx_Oracle.connect("scott", password, "db/orcl")',
        'db = pymysql.connect("localhost", "root", os.environ["DB_PW"])',
        'ftp.login("deploy", getpass.getpass())',
        "ftp.login()",
        'ftp.login("anonymous")',
        # Other arguments in those places.
        'conn = oracledb.connect("db.internal/orcl")',
        'conn = oracledb.connect(dsn="db.internal/orcl", user=u, password=p)',
        'db = pymysql.connect("localhost", "root")',
        "server.login(user, password)",
        'r = requests.get(url, auth=("deploy", token_from(env)))',
        'r = requests.get(url, params=("a", "b"))',
        'session.auth = ("deploy", "********")',
        # Calls that only share a name.
        'sock.connect(("db.internal", 5432))',
        'handler.bind(this, "click")',
        'page.connect("signal", "slot")',
        "c = DriverManager.getConnection(url, props);",
        "c = DriverManager.getConnection(url, user, password);",
        "$db = new PDO($dsn, $user, $password);",
        'r = redis.Redis("localhost", 6379, 0)',
        'auth := smtp.PlainAuth("", user, pass, host)',
    ],
)
def test_what_only_looks_like_it_stays(line: str) -> None:
    diff = modified_hunk("app.py", "+" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)
