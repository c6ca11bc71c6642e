"""No log line carries an API key whole: Django's own logging (the console
handler) keeps a key's first characters; gunicorn's access log is checked on
the real server in tests/test_security_server.py."""

import io
import logging

import pytest
from django.http import QueryDict

from statuspage.logredact import redact

SECRET = "sp_Abcdefghijklmnopqrstuvwxyz0123456789"


@pytest.mark.parametrize(
    "line, expected",
    [
        (f"GET /api.php?key={SECRET}&action=status", "GET /api.php?key=sp_Abcde...&action=status"),
        (f"/api.php?action=status&KEY={SECRET}", "/api.php?action=status&KEY=sp_Abcde..."),
        (f'"GET /api.php?key={SECRET} HTTP/1.1"', '"GET /api.php?key=sp_Abcde... HTTP/1.1"'),
        ("/api.php?key=short&monkey=1", "/api.php?key=short&monkey=1"),
    ],
)
def test_a_key_in_a_url_keeps_only_its_first_characters(line, expected):
    assert redact(line) == expected


@pytest.mark.parametrize(
    "query", ["%6Bey={}", "%6bey={}", "k%65y={}", "%6B%65%79={}", "action=status&ke%79={}"]
)
def test_a_percent_encoded_key_parameter_is_redacted_too(query):
    query = query.format(SECRET)
    # What api.php reads as its key (request.GET, names percent-decoded) ...
    assert QueryDict(query)["key"] == SECRET
    line = f'"GET /api.php?{query} HTTP/1.1" 401'
    # ... loses all but its first characters in a log line, whatever the spelling.
    assert SECRET not in redact(line)
    assert redact(line) == line.replace(SECRET, "sp_Abcde...")
    assert redact(query) == query.replace(SECRET, "sp_Abcde...")  # gunicorn's %(q)s


def test_other_parameters_are_left_as_they_are():
    line = f"/api.php?%256Bey={SECRET}&monkey={SECRET}&keys={SECRET}"
    assert QueryDict(line.split("?")[1]).get("key") is None
    assert redact(line) == line


def test_django_log_records_print_no_key_whole():
    # The handler Django's LOGGING gives the root logger, printing into a buffer.
    (console,) = [h for h in logging.getLogger().handlers if type(h) is logging.StreamHandler]
    printed = io.StringIO()
    stream = console.setStream(printed)
    try:
        logging.getLogger("django.request").warning("Bad request: %s", f"/api.php?key={SECRET}")
    finally:
        console.setStream(stream)
    assert "/api.php?key=sp_Abcde..." in printed.getvalue()
    assert SECRET not in printed.getvalue()
