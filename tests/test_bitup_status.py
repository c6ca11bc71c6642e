"""action=status of /api.php: the contract's monitor shape in full, simple and
grouped formats, active monitors only."""

from datetime import UTC, datetime

import pytest

from core.enums import Protocol, Status
from monitors.models import Category

pytestmark = pytest.mark.django_db

CHECKED = datetime(2026, 2, 14, 21, 54, 1, tzinfo=UTC)  # 22:54:01 in Stockholm


@pytest.fixture
def stockholm(settings):
    settings.TIME_ZONE = "Europe/Stockholm"


def test_status_answers_the_contracts_sample_in_the_sites_time_zone(
    api_php, make_monitor, stockholm
):
    webbhotell = Category.objects.create(name="Webbhotell", display_order=1)
    web = make_monitor(
        name="Web Server 01", target="status.bitup.se", port=443, status=Status.UP,
        last_check=CHECKED, category=webbhotell,
    )  # fmt: skip

    assert api_php(action="status") == (
        200,
        {
            "status": "success",
            "api_version": "2.1",
            "data": [
                {
                    "id": web.pk,
                    "name": "Web Server 01",
                    "type": "http",
                    "target": "status.bitup.se",
                    "port": 443,
                    "status": "up",
                    "last_check": "2026-02-14 22:54:01",
                    "is_active": 1,
                    "category_id": webbhotell.pk,
                    "category_name": "Webbhotell",
                }
            ],
        },
    )
    assert api_php(action="status", format="full") == api_php(action="status")


def test_a_monitor_never_checked_and_without_category_shows_nulls(api_php, make_monitor):
    dns = make_monitor(name="DNS", protocol=Protocol.PING, target="ns1.bitup.se")
    ssh = make_monitor(name="SSH", protocol=Protocol.TCP, target="10.0.0.1", port=22)

    _, body = api_php(action="status")

    assert body["data"] == [
        {"id": dns.pk, "name": "DNS", "type": "ping", "target": "ns1.bitup.se", "port": None,
         "status": "pending", "last_check": None, "is_active": 1, "category_id": None,
         "category_name": None},
        {"id": ssh.pk, "name": "SSH", "type": "tcp", "target": "10.0.0.1", "port": 22,
         "status": "pending", "last_check": None, "is_active": 1, "category_id": None,
         "category_name": None},
    ]  # fmt: skip


def test_paused_monitors_are_left_out_of_every_format(api_php, make_monitor, category):
    make_monitor(name="Paused", is_active=False, category=category)
    make_monitor(name="Paused, no category", is_active=False)
    shown = make_monitor(name="Shown", category=category)

    assert [m["id"] for m in api_php(action="status")[1]["data"]] == [shown.pk]
    assert [m["id"] for m in api_php(action="status", format="simple")[1]["data"]] == [shown.pk]
    groups = api_php(action="status", format="grouped")[1]["data"]
    assert [[m["id"] for m in group["monitors"]] for group in groups] == [[shown.pk]]


def test_monitors_are_listed_by_category_order_then_name_and_those_without_one_last(
    api_php, make_monitor
):
    games = Category.objects.create(name="Spelservrar", display_order=2)
    hosting = Category.objects.create(name="Webbhotell", display_order=1)
    make_monitor(name="Äldre DNS")
    make_monitor(name="Minecraft", category=games)
    make_monitor(name="b-node", category=hosting)
    make_monitor(name="a-node", category=hosting)

    names = [m["name"] for m in api_php(action="status")[1]["data"]]

    assert names == ["a-node", "b-node", "Minecraft", "Äldre DNS"]


def test_simple_format_is_a_compact_list_of_id_name_and_status(api_php, make_monitor, category):
    up = make_monitor(name="Web-node-se01", status=Status.UP, category=category)
    down = make_monitor(name="Web-node-se02", status=Status.DOWN)

    assert api_php(action="status", format="simple") == (
        200,
        {
            "status": "success",
            "api_version": "2.1",
            "data": [
                {"id": up.pk, "name": "Web-node-se01", "status": "up"},
                {"id": down.pk, "name": "Web-node-se02", "status": "down"},
            ],
        },
    )


def test_grouped_format_nests_monitors_under_every_category_then_those_without_one(
    api_php, make_monitor, stockholm
):
    hosting = Category.objects.create(name="Webbhotell", display_order=1)
    games = Category.objects.create(name="Spelservrar", display_order=2)
    empty = Category.objects.create(name="Tom kategori", display_order=3)
    netbox = make_monitor(
        name="Netbox (dokumentation)", target="netbox.bitup.se", status=Status.UP,
        last_check=CHECKED, category=hosting,
    )  # fmt: skip
    make_monitor(name="Minecraft", status=Status.DOWN, category=games)
    make_monitor(name="Paused", is_active=False, category=games)
    dns = make_monitor(name="DNS", protocol=Protocol.PING, target="ns1.bitup.se")

    status_code, body = api_php(action="status", format="grouped")

    assert status_code == 200
    assert body["status"] == "success" and body["api_version"] == "2.1"
    hosting_group, games_group, empty_group, uncategorized = body["data"]
    assert hosting_group == {
        "id": hosting.pk,
        "name": "Webbhotell",
        "display_order": 1,
        "monitor_count": 1,
        "up_count": 1,
        "monitors": [
            {"id": netbox.pk, "name": "Netbox (dokumentation)", "type": "http",
             "target": "netbox.bitup.se", "port": None, "status": "up",
             "last_check": "2026-02-14 22:54:01"}
        ],
    }  # fmt: skip
    assert (games_group["id"], games_group["monitor_count"], games_group["up_count"]) == (
        games.pk, 1, 0,
    )  # fmt: skip
    assert empty_group == {
        "id": empty.pk, "name": "Tom kategori", "display_order": 3,
        "monitor_count": 0, "up_count": 0, "monitors": [],
    }  # fmt: skip
    assert uncategorized == {
        "id": None, "name": None, "display_order": None, "monitor_count": 1, "up_count": 0,
        "monitors": [
            {"id": dns.pk, "name": "DNS", "type": "ping", "target": "ns1.bitup.se",
             "port": None, "status": "pending", "last_check": None}
        ],
    }  # fmt: skip


def test_grouped_format_has_no_empty_group_for_monitors_without_category(
    api_php, make_monitor, category
):
    make_monitor(name="Web", category=category)
    make_monitor(name="Paused without category", is_active=False)

    groups = api_php(action="status", format="grouped")[1]["data"]

    assert [group["id"] for group in groups] == [category.pk]


def test_grouped_format_with_no_categories_and_no_monitors_is_an_empty_list(api_php):
    assert api_php(action="status", format="grouped") == (
        200,
        {"status": "success", "api_version": "2.1", "data": []},
    )


def test_answers_are_utf8_json_with_swedish_text_written_as_is(https_client, api_key, make_monitor):
    make_monitor(name="Nätverksfördröjning Göteborg")

    response = https_client.get("/api.php", {"key": api_key, "action": "status"})

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "Nätverksfördröjning Göteborg".encode() in response.content
    assert b"\\u00e4" not in response.content


@pytest.mark.parametrize(("fmt", "queries"), [("full", 2), ("simple", 1), ("grouped", 2)])
def test_status_runs_the_same_number_of_queries_for_one_or_many_monitors(
    api_php_queries, make_monitor, fmt, queries
):
    make_monitor(name="only", category=Category.objects.create(name="first"))
    api_php_queries(queries, action="status", format=fmt)
    for number in range(5):
        category = Category.objects.create(name=f"category {number}", display_order=number)
        for monitor in range(6):
            make_monitor(name=f"m{number}-{monitor}", category=category, status=Status.UP)
        make_monitor(name=f"loose {number}")
    api_php_queries(queries, action="status", format=fmt)
