"""The last good copies the page keeps outside the database
(statuspage/lastgood.py): written whole, at most every SAVE_EVERY seconds,
one per key, and never at the cost of the request. Serving them while
PostgreSQL is down is tests/test_faults_page_snapshot.py."""

import os

import time_machine

from statuspage import lastgood


def test_a_copy_comes_back_with_its_headers_and_its_age(settings, tmp_path):
    settings.PAGE_SNAPSHOT_DIR = str(tmp_path)
    with time_machine.travel(1_800_000_000, tick=False):
        lastgood.save("en:/api/v2/status.json", b'{"ok": 1}', {"Content-Type": "application/json"})
    with time_machine.travel(1_800_000_042, tick=False):
        response = lastgood.load("en:/api/v2/status.json").response()
    assert response.content == b'{"ok": 1}' and response["Content-Type"] == "application/json"
    assert response["Age"] == "42" and response["Warning"] == '110 - "Response is Stale"'
    assert lastgood.load("sv:/api/v2/status.json") is None


def test_a_key_is_written_at_most_every_few_seconds_and_never_half(settings, tmp_path):
    settings.PAGE_SNAPSHOT_DIR = str(tmp_path)
    lastgood.save("en:/", b"first", {})
    lastgood.save("en:/", b"second", {})
    assert lastgood.load("en:/").body == b"first"
    (path,) = tmp_path.glob("*.snapshot")
    os.utime(path, (path.stat().st_mtime - lastgood.SAVE_EVERY,) * 2)
    lastgood.save("en:/", b"third", {})
    assert lastgood.load("en:/").body == b"third"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no scratch file left


def test_a_folder_that_cannot_be_written_costs_the_copy_not_the_request(settings, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    settings.PAGE_SNAPSHOT_DIR = str(blocked / "snapshots")
    lastgood.save("en:/", b"page", {})
    assert lastgood.load("en:/") is None
