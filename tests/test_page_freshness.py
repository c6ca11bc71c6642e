"""The page tells how fresh it is: the time of the newest check (not of the
render), and a plain "checks are delayed" banner instead of a status once no
result came for two intervals or beat has been silent for a minute, even
from a cached page. The v2 JSON's page.updated_at is the same newest check."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from core.enums import Status
from monitors import heartbeats
from monitors.models import Monitor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def banner(client) -> str:
    response = client.get("/")
    assert response.status_code == 200
    return text(response.content.decode().split('class="banner')[1].split("</section>")[0])


@pytest.fixture
def checked(make_monitor):
    """Two up monitors (every 60 s and every 300 s), last checked 20 s and 200 s
    before NOW, and beat's dispatch seen 1 s before NOW."""

    def make() -> list[Monitor]:
        with time_machine.travel(NOW - timedelta(minutes=10), tick=False):
            web = make_monitor(name="Web", status=Status.UP, frequency=60)
            mail = make_monitor(name="Mail", status=Status.UP, frequency=300)
        Monitor.objects.filter(pk=web.pk).update(last_check=NOW - timedelta(seconds=20))
        Monitor.objects.filter(pk=mail.pk).update(last_check=NOW - timedelta(seconds=200))
        heartbeats.dispatched(NOW - timedelta(seconds=1))
        return [web, mail]

    return make


def test_the_banner_says_when_the_newest_check_ran_not_when_the_page_was_rendered(
    https_client, checked
):
    checked()
    with time_machine.travel(NOW, tick=False):
        shown = banner(https_client)
    assert "All systems operational" in shown
    assert "Last checked 09:59 UTC" in shown  # the check 20 s ago, not 10:00


def test_no_result_for_two_intervals_turns_the_banner_into_checks_delayed(https_client, checked):
    checked()
    heartbeats.dispatched(NOW + timedelta(seconds=100))  # beat runs; the workers do not
    with time_machine.travel(NOW + timedelta(seconds=101), tick=False):  # 121 s > 2 x 60 s
        shown = banner(https_client)
    assert "Status unknown: checks are delayed" in shown
    assert "No check has finished since 2 Mar 2026, 09:59 UTC" in shown
    assert "All systems operational" not in shown


def test_beat_silent_for_a_minute_turns_the_banner_into_checks_delayed(https_client, checked):
    checked()
    with time_machine.travel(NOW + timedelta(seconds=58), tick=False):
        assert "All systems operational" in banner(https_client)
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        # Results are 81 s old (under two intervals) but nothing is dispatched.
        assert "Status unknown: checks are delayed" in banner(https_client)


def test_a_cached_page_does_not_go_on_saying_all_is_well_after_the_engine_stopped(
    https_client, checked, django_assert_num_queries
):
    web, _mail = checked()
    heartbeats.dispatched(NOW + timedelta(seconds=95))
    with time_machine.travel(NOW + timedelta(seconds=95), tick=False):
        assert "All systems operational" in banner(https_client)
    with (
        time_machine.travel(NOW + timedelta(seconds=96), tick=False),
        django_assert_num_queries(0),  # cached, but only until the moment it turns stale
    ):
        assert "All systems operational" in banner(https_client)
    with time_machine.travel(NOW + timedelta(seconds=100), tick=False):
        assert "checks are delayed" in banner(https_client)
    # The engine is back: the notice is kept 5 s, then clears.
    Monitor.objects.filter(pk=web.pk).update(last_check=NOW + timedelta(seconds=101))
    heartbeats.dispatched(NOW + timedelta(seconds=101))
    with time_machine.travel(NOW + timedelta(seconds=104), tick=False):
        assert "checks are delayed" in banner(https_client)
    with time_machine.travel(NOW + timedelta(seconds=106), tick=False):
        assert "All systems operational" in banner(https_client)


def test_the_swedish_page_says_checks_are_delayed_too(https_client, checked):
    checked()
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        response = https_client.get("/", headers={"Accept-Language": "sv"})
    assert "Status okänd: kontrollerna är försenade" in response.content.decode()


def test_a_page_never_checked_says_so_and_a_silent_engine_still_shows(https_client, make_monitor):
    with time_machine.travel(NOW, tick=False):
        make_monitor(name="New", frequency=30)
        assert "Not checked yet" in banner(https_client)
    with time_machine.travel(NOW + timedelta(seconds=61), tick=False):
        shown = banner(https_client)
    assert "Status unknown: checks are delayed" in shown and "No check has finished yet." in shown


def test_an_empty_page_claims_nothing_and_runs_no_heartbeat_query(
    https_client, django_assert_num_queries
):
    with django_assert_num_queries(5):  # no monitors: no bars, no heartbeat, no check times
        assert "checks are delayed" not in https_client.get("/").content.decode()


def test_the_v2_json_updated_at_is_the_newest_check(https_client, checked):
    checked()
    with time_machine.travel(NOW, tick=False):
        data = https_client.get("/api/v2/status.json").json()
    assert data["page"]["updated_at"] == "2026-03-02T09:59:40.000Z"
