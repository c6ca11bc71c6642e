"""No log line carries an API key whole: Django's own logging (the console
handler) keeps a key's first characters; gunicorn's access log is checked on
the real server in tests/test_security_server.py."""

import io
import logging

import pytest

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
