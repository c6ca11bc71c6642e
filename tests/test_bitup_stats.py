"""action=stats of /api.php: counts of active monitors and their availability
over the last 30 days, overall and per category."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.enums import Status
from monitors.models import Category, DailyRollup

pytestmark = pytest.mark.django_db


def history(monitor, checks: int, successes: int, days_ago: int = 0) -> None:
    day = timezone.localdate() - timedelta(days=days_ago)
    DailyRollup.objects.create(monitor=monitor, day=day, checks=checks, successes=successes)


def test_stats_answers_the_contracts_sample_before_there_is_history(
    https_client, api_key, make_monitor
):
    hosting = Category.objects.create(name="Webbhotell", display_order=1)
    games = Category.objects.create(name="Spelservrar", display_order=2)
    for number in range(5):
        make_monitor(name=f"web{number}", status=Status.UP, category=hosting)
        make_monitor(
            name=f"game{number}", status=Status.DOWN if number == 0 else Status.UP, category=games
        )

    response = https_client.get("/api.php", {"key": api_key, "action": "stats"})

    assert response.json() == {
        "status": "success",
        "api_version": "2.1",
        "data": {
            "total": 10,
            "online": 9,
            "offline": 1,
            "uptime_percent": 90,
            "categories": [
                {"id": hosting.pk, "category_name": "Webbhotell", "total_in_category": 5,
                 "up_in_category": 5, "down_in_category": 0, "uptime_percent_category": 100},
                {"id": games.pk, "category_name": "Spelservrar", "total_in_category": 5,
                 "up_in_category": 4, "down_in_category": 1, "uptime_percent_category": 80},
            ],
        },
    }  # fmt: skip
    # Whole percentages are written as the sample writes them: 100, not 100.0.
    assert b'"uptime_percent_category":100}' in response.content
    assert b'"uptime_percent":90,' in response.content


def test_uptime_is_the_mean_availability_of_the_monitors_over_thirty_days(
    api_php, make_monitor, category
):
    steady = make_monitor(name="steady", status=Status.UP, category=category)
    shaky = make_monitor(name="shaky", status=Status.DOWN, category=category)
    history(steady, 1000, 994)
    history(shaky, 600, 600, days_ago=29)
    history(shaky, 400, 360, days_ago=3)  # shaky: 960/1000
    history(shaky, 1000, 0, days_ago=30)  # outside the window

    data = api_php(action="stats")[1]["data"]

    assert data["uptime_percent"] == 97.7  # (99.4 + 96.0) / 2
    assert data["categories"][0]["uptime_percent_category"] == 97.7
    assert (data["online"], data["offline"]) == (1, 1)


def test_a_monitor_without_history_counts_by_its_status_and_pending_not_at_all(
    api_php, make_monitor
):
    hosting = Category.objects.create(name="Webbhotell", display_order=1)
    games = Category.objects.create(name="Spelservrar", display_order=2)
    with_history = make_monitor(name="old", status=Status.DOWN, category=hosting)
    history(with_history, 100, 98)
    make_monitor(name="new, up", status=Status.UP, category=hosting)
    make_monitor(name="new, down", status=Status.DOWN, category=hosting)
    make_monitor(name="new, pending", status=Status.PENDING, category=games)
    make_monitor(name="new, maintenance", status=Status.MAINTENANCE, category=games)

    data = api_php(action="stats")[1]["data"]

    assert data["uptime_percent"] == 66  # (98 + 100 + 0) / 3
    hosting_stats, games_stats = data["categories"]
    assert hosting_stats["uptime_percent_category"] == 66
    assert games_stats == {
        "id": games.pk, "category_name": "Spelservrar", "total_in_category": 2,
        "up_in_category": 0, "down_in_category": 0, "uptime_percent_category": 100,
    }  # fmt: skip
    assert (data["total"], data["online"], data["offline"]) == (5, 1, 2)


def test_uptime_is_rounded_to_one_decimal(api_php, make_monitor):
    history(make_monitor(name="a", status=Status.UP), 3, 2)

    assert api_php(action="stats")[1]["data"]["uptime_percent"] == 66.7


def test_paused_monitors_are_left_out_even_with_history(api_php, make_monitor, category):
    paused = make_monitor(name="paused", status=Status.DOWN, is_active=False, category=category)
    history(paused, 100, 0)
    make_monitor(name="running", status=Status.UP, category=category)

    data = api_php(action="stats")[1]["data"]

    assert (data["total"], data["online"], data["offline"], data["uptime_percent"]) == (
        1,
        1,
        0,
        100,
    )
    assert data["categories"][0]["total_in_category"] == 1


def test_monitors_without_category_count_in_the_totals_only(api_php, make_monitor):
    empty = Category.objects.create(name="Tom", display_order=1)
    make_monitor(name="loose", status=Status.DOWN)

    data = api_php(action="stats")[1]["data"]

    assert (data["total"], data["offline"], data["uptime_percent"]) == (1, 1, 0)
    assert data["categories"] == [
        {"id": empty.pk, "category_name": "Tom", "total_in_category": 0, "up_in_category": 0,
         "down_in_category": 0, "uptime_percent_category": 100},
    ]  # fmt: skip


def test_stats_with_nothing_configured(api_php):
    assert api_php(action="stats")[1]["data"] == {
        "total": 0,
        "online": 0,
        "offline": 0,
        "uptime_percent": 100,
        "categories": [],
    }


def test_stats_runs_the_same_number_of_queries_for_one_or_many_monitors(
    api_php_queries, make_monitor
):
    # The monitors, their rollups, the categories.
    history(make_monitor(category=Category.objects.create(name="first")), 10, 10)
    api_php_queries(3, action="stats")
    for number in range(6):
        category = Category.objects.create(name=f"category {number}")
        for monitor in range(5):
            history(make_monitor(name=f"m{monitor}", category=category), 10, 9, days_ago=monitor)
    api_php_queries(3, action="stats")
