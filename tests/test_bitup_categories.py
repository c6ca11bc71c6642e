"""action=categories and action=category of /api.php, and counts that agree
with what status and stats show."""

from datetime import UTC, datetime

import pytest

from core.enums import Status
from monitors.models import Category

pytestmark = pytest.mark.django_db


@pytest.fixture
def hosting(make_monitor):
    """The contract's sample: Webbhotell with two monitors up, Spelservrar with one."""
    webbhotell = Category.objects.create(name="Webbhotell", display_order=1)
    spel = Category.objects.create(name="Spelservrar", display_order=2)
    checked = datetime(2026, 2, 14, 22, 54, 1, tzinfo=UTC)
    netbox = make_monitor(
        name="Netbox (dokumentation)", target="netbox.bitup.se", status=Status.UP,
        last_check=checked, category=webbhotell,
    )  # fmt: skip
    node = make_monitor(
        name="Web-node-se01", target="da1.bitup.se", status=Status.UP, last_check=checked,
        category=webbhotell,
    )  # fmt: skip
    make_monitor(name="Minecraft", status=Status.UP, category=spel)
    return webbhotell, spel, netbox, node


def test_categories_answers_the_contracts_sample(api_php, hosting):
    webbhotell, spel, *_ = hosting

    assert api_php(action="categories") == (
        200,
        {
            "status": "success",
            "api_version": "2.1",
            "data": [
                {"id": webbhotell.pk, "name": "Webbhotell", "display_order": 1,
                 "monitor_count": 2, "up_count": 2, "down_count": 0},
                {"id": spel.pk, "name": "Spelservrar", "display_order": 2,
                 "monitor_count": 1, "up_count": 1, "down_count": 0},
            ],
        },
    )  # fmt: skip


def test_category_answers_the_contracts_sample(api_php, hosting):
    webbhotell, _, netbox, node = hosting

    assert api_php(action="category", category_id=str(webbhotell.pk)) == (
        200,
        {
            "status": "success",
            "api_version": "2.1",
            "data": {
                "id": webbhotell.pk,
                "name": "Webbhotell",
                "display_order": 1,
                "monitor_count": 2,
                "up_count": 2,
                "monitors": [
                    {"id": netbox.pk, "name": "Netbox (dokumentation)", "type": "http",
                     "target": "netbox.bitup.se", "port": None, "status": "up",
                     "last_check": "2026-02-14 22:54:01"},
                    {"id": node.pk, "name": "Web-node-se01", "type": "http",
                     "target": "da1.bitup.se", "port": None, "status": "up",
                     "last_check": "2026-02-14 22:54:01"},
                ],
            },
        },
    )  # fmt: skip


def test_categories_are_ordered_by_display_order_then_name_and_empty_ones_count_zero(
    api_php, make_monitor
):
    later = Category.objects.create(name="Övrigt", display_order=5)
    b = Category.objects.create(name="B", display_order=1)
    a = Category.objects.create(name="A", display_order=1)
    make_monitor(category=later, status=Status.DOWN)

    data = api_php(action="categories")[1]["data"]

    assert [item["id"] for item in data] == [a.pk, b.pk, later.pk]
    assert data[0] == {
        "id": a.pk, "name": "A", "display_order": 1,
        "monitor_count": 0, "up_count": 0, "down_count": 0,
    }  # fmt: skip
    assert (data[2]["monitor_count"], data[2]["up_count"], data[2]["down_count"]) == (1, 0, 1)


def test_counts_leave_out_paused_monitors_and_count_pending_and_maintenance_in_total_only(
    api_php, make_monitor, category
):
    for status in (Status.UP, Status.DOWN, Status.PENDING, Status.MAINTENANCE):
        make_monitor(name=status, status=status, category=category)
    make_monitor(name="paused, up", status=Status.UP, is_active=False, category=category)
    make_monitor(name="paused, down", status=Status.DOWN, is_active=False, category=category)

    [item] = api_php(action="categories")[1]["data"]
    detail = api_php(action="category", category_id=str(category.pk))[1]["data"]

    assert (item["monitor_count"], item["up_count"], item["down_count"]) == (4, 1, 1)
    assert (detail["monitor_count"], detail["up_count"]) == (4, 1)
    assert [m["name"] for m in detail["monitors"]] == ["down", "maintenance", "pending", "up"]


def test_a_category_with_no_monitors_has_an_empty_list(api_php, make_monitor):
    empty = Category.objects.create(name="Tom", display_order=3)
    make_monitor(name="paused", is_active=False, category=empty)

    assert api_php(action="category", category_id=str(empty.pk))[1]["data"] == {
        "id": empty.pk, "name": "Tom", "display_order": 3,
        "monitor_count": 0, "up_count": 0, "monitors": [],
    }  # fmt: skip


def test_an_unknown_category_is_not_found(api_php, category):
    assert api_php(action="category", category_id=str(category.pk + 1)) == (
        404,
        {"status": "error", "message": "Category not found"},
    )


def test_categories_category_stats_and_status_agree(api_php, make_monitor):
    statuses = [Status.UP, Status.DOWN, Status.PENDING, Status.MAINTENANCE, Status.UP]
    categories = [Category.objects.create(name=f"c{n}", display_order=n) for n in range(3)]
    for number in range(20):
        make_monitor(
            name=f"m{number}",
            status=statuses[number % len(statuses)],
            category=categories[number % 4] if number % 4 < 3 else None,
            is_active=number % 7 != 0,
        )

    listed = api_php(action="status")[1]["data"]
    summary = {item["id"]: item for item in api_php(action="categories")[1]["data"]}
    stats = api_php(action="stats")[1]["data"]

    assert stats["total"] == len(listed)
    assert stats["online"] == sum(m["status"] == "up" for m in listed)
    assert stats["offline"] == sum(m["status"] == "down" for m in listed)
    for per_category in stats["categories"]:
        shown = [m for m in listed if m["category_id"] == per_category["id"]]
        detail = api_php(action="category", category_id=str(per_category["id"]))[1]["data"]
        item = summary[per_category["id"]]
        assert [m["id"] for m in detail["monitors"]] == [m["id"] for m in shown]
        assert (
            len(shown)
            == item["monitor_count"]
            == detail["monitor_count"]
            == per_category["total_in_category"]
        )
        ups = sum(m["status"] == "up" for m in shown)
        assert ups == item["up_count"] == detail["up_count"] == per_category["up_in_category"]
        downs = sum(m["status"] == "down" for m in shown)
        assert downs == item["down_count"] == per_category["down_in_category"]


@pytest.mark.parametrize(("action", "queries"), [("categories", 2), ("category", 2)])
def test_category_actions_run_the_same_number_of_queries_for_one_or_many_rows(
    api_php_queries, make_monitor, action, queries
):
    first = Category.objects.create(name="first")
    make_monitor(category=first)
    api_php_queries(queries, action=action, category_id=first.pk)
    for number in range(8):
        category = Category.objects.create(name=f"category {number}")
        for monitor in range(5):
            make_monitor(name=f"m{monitor}", category=category, status=Status.UP)
            make_monitor(name=f"n{monitor}", category=first, status=Status.DOWN)
    api_php_queries(queries, action=action, category_id=first.pk)
