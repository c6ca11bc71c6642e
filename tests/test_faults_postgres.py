"""PostgreSQL restarted (a fast shutdown, then a start) while the product runs
on it: the web server and the workers reconnect without a restart, every
request after the restart answers 200, probing carries on, and nothing
committed before the restart is lost."""

import time

import pytest
import requests

from tests.product_processes import (  # noqa: F401
    CountingTarget,
    Reader,
    answers,
    collected_static_fixture,
    counted_more_than_probed,
    product_fixture,
    within,
)

pytestmark = pytest.mark.slow

FREQUENCY = 5
INCIDENT = {"Name": "Written before the restart", "Severity": "d", "CurrentStatus": "iv",
            "Message": "Looking into it", "Monitors": "",
            "ApplyToStatusPagesOfAffectedMonitors": False}  # fmt: skip


def test_postgresql_restarted_the_product_reconnects_by_itself_and_loses_nothing(
    product, throwaway_postgres
):
    checked = product.shell(
        "from django.db import connection as c; "
        "print(c.settings_dict['CONN_HEALTH_CHECKS'], c.settings_dict['CONN_MAX_AGE'])"
    )
    assert checked.split() == ["True", "60"], "persistent connections are checked before reuse"
    target = CountingTarget()
    monitors = product.create_monitors(target.urls(20), FREQUENCY)
    key = product.api_key()
    product.start_all()
    db = Reader(product.env["DATABASE_URL"])
    # Checked (the target asked) and recorded (each monitor's last check).
    probed = lambda since=None: set(target.checks(monitors, since)) >= set(monitors)  # noqa: E731
    recorded = lambda since=None: db.recorded_since(since) >= set(monitors)  # noqa: E731
    assert within(time.monotonic() + 30, lambda: probed() and recorded()) is not None
    headers = {"X-API-Key": key}
    created = requests.post(
        product.url + "/v1/incidents", json=INCIDENT, headers=headers, timeout=10
    )
    assert created.status_code == 201, created.text
    incident = f"/v1/incidents/{created.json()['Id']}"
    surfaces = ["/", "/admin/login/", f"/api.php?key={key}&action=status", incident,
                "/v1/incidents/active"]  # fmt: skip
    for _ in range(8):  # every gunicorn thread holds a connection to the old server
        assert set(answers(product.url, surfaces, headers).values()) == {200}
    counted, pids = db.rollup_checks(), product.pids()

    throwaway_postgres.restart()
    restarted_at, back = db.now(), time.monotonic()

    for _ in range(8):
        assert set(answers(product.url, surfaces, headers).values()) == {200}
    got = requests.get(product.url + incident, headers=headers, timeout=10).json()
    assert (got["Name"], got["Message"]) == (INCIDENT["Name"], INCIDENT["Message"])
    resumed = within(back + 30, lambda: probed(restarted_at) and recorded(restarted_at))
    print(f"after the restart every monitor was checked again in {resumed} s")
    assert resumed is not None and resumed < FREQUENCY + 5
    now_counted = db.rollup_checks()
    assert all(now_counted[pk] > counted[pk] for pk in monitors), (counted, now_counted)
    assert counted_more_than_probed(db, target, monitors) == {}
    product.assert_alive()
    assert product.pids() == pids
