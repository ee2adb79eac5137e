"""Secrets in XML and SQL: a value attribute beside a key or name attribute that names a secret
(Spring's ``<property name="password" value="..."/>``, either order), an element whose key
attribute names one (``<entry key="apiKey">...</entry>``), CDATA inside a secret's element on
its line or across lines; SQL passwords in double quotes and in any CREATE/ALTER USER, ROLE or
LOGIN statement. References and other elements stay.
"""

from __future__ import annotations

import time

import pytest

from diff_hunk import modified_hunk as _hunk
from release_tools.analysis.engines.model.secrets import redact_details

SECRET = "hunter2secret"


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("path", "line", "kept"),
    [
        ("beans.xml", f'<property name="password" value="{SECRET}"/>', 'value="'),
        ("beans.xml", f'  <property name="db.password" value="{SECRET}" />', 'value="'),
        ("beans.xml", f"<property value='{SECRET}' name='apiKey'/>", "<property value='"),
        ("app.xml", f'<entry key="apiKey" value="{SECRET}"/>', 'value="'),
        ("app.xml", f'<entry key="apiKey">{SECRET}</entry>', '<entry key="apiKey">'),
        ("app.xml", f'<param name="token" type="s">{SECRET}</param>', 'type="s">'),
        ("app.xml", f"<password><![CDATA[{SECRET}]]></password>", "<password><![CDATA["),
        ("app.xml", f'<entry key="secret"><![CDATA[{SECRET}]]></entry>', "<![CDATA["),
    ],
)
def test_xml_values_named_by_an_attribute_or_in_cdata(
    path: str, line: str, kept: str, marker: str
) -> None:
    result = redact_details(_hunk(path, marker + line))
    assert SECRET not in result.text, result.text
    assert kept + "[REDACTED:assignment]" in result.text and result.count == 1


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    "lines",
    [
        ("<password>", f"  <![CDATA[{SECRET}]]>", "</password>", "<user>me</user>"),
        ("<password><![CDATA[", f"  {SECRET}", "]]></password>", "<user>me</user>"),
    ],
)
def test_cdata_across_lines(lines: tuple[str, ...], marker: str) -> None:
    result = redact_details(_hunk("app.xml", *(marker + line for line in lines)))
    assert SECRET not in result.text, result.text
    assert f"{marker}<user>me</user>" in result.text and result.count == 1


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("beans.xml", '<property name="password" value="${db.password}"/>'),
        ("beans.xml", '<property name="passwordEncoder" ref="encoder"/>'),
        ("beans.xml", '<property name="url" value="jdbc:postgresql://db/app"/>'),
        ("app.xml", '<entry key="timeout">30</entry>'),
        ("app.xml", "<credentials>"),
        ("init.sql", "ALTER USER me PASSWORD NULL;"),
        ("init.sql", "-- users must change their password 'soon'"),
    ],
)
def test_references_and_other_values_stay(path: str, line: str) -> None:
    diff = _hunk(path, "+" + line, "-" + line)
    result = redact_details(diff)
    assert (result.text, result.count) == (diff, 0)


@pytest.mark.parametrize("marker", ["+", "-"])
@pytest.mark.parametrize(
    ("line", "kept"),
    [
        (f'CREATE USER me IDENTIFIED BY "{SECRET}";', 'IDENTIFIED BY "'),
        (f"ALTER USER 'me'@'%' IDENTIFIED BY '{SECRET}';", "IDENTIFIED BY '"),
        (f"CREATE USER me PASSWORD '{SECRET}';", "PASSWORD '"),
        (f"ALTER ROLE me PASSWORD '{SECRET}' VALID UNTIL 'infinity';", "PASSWORD '"),
        (f"CREATE ROLE app LOGIN ENCRYPTED PASSWORD '{SECRET}';", "PASSWORD '"),
        (f"create user app with login password '{SECRET}';", "password '"),
        (f"CREATE LOGIN app WITH PASSWORD = '{SECRET}';", "PASSWORD = '"),
        (f"SET PASSWORD FOR 'me'@'%' = PASSWORD('{SECRET}');", "PASSWORD('"),
    ],
)
def test_sql_passwords(line: str, kept: str, marker: str) -> None:
    result = redact_details(_hunk("db/001_users.sql", marker + line))
    assert SECRET not in result.text, result.text
    assert kept + "[REDACTED:assignment]" in result.text and result.count == 1


def test_long_hostile_markup_and_sql_lines_are_quick() -> None:
    lines = [
        "+" + '<e key="password" ' * 3000,
        "+" + '<e key="password">' * 3000,
        "+" + 'value="x" ' * 3000,
        "+" + "<password><![CDATA[" * 2000 + "</x>",
        "+" + '<e key="password"><![CDATA[x' * 2000 + "</e>",
        "+" + "create user a " * 3000,
        "+" + "set password " * 3000,
    ]
    start = time.perf_counter()
    redact_details(_hunk("app.xml", *lines))
    assert time.perf_counter() - start < 1.0
