"""Several status pages from one install: each answers at its own domain
(by the request's Host) and at /p/<slug>/, shows only its own components,
and carries the incidents and maintenance of its monitors in the page, the
feeds, the badges and the API v2 JSON. The default page keeps the old URLs."""

import hashlib
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import pagecache
from core.enums import Severity, Status
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Category
from pages.models import PageCategory, PageMonitor, StatusPage
from tests.test_status_v2_json import COMPONENT_FIELDS, INCIDENT_FIELDS, PAGE_FIELDS

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

SHOP_HOST = {"HTTP_HOST": "status.shop.test"}
MAIL_HOST = {"HTTP_HOST": "status.mail.test"}


@pytest.fixture
def pages(make_monitor, settings):
    """Shop shows a category, Mail one chosen monitor; the default page every monitor."""
    settings.ALLOWED_HOSTS = ["testserver", "status.shop.test", "status.mail.test"]
    shop_group = Category.objects.create(name="Storefront", display_order=1)
    cart = make_monitor(name="Cart", category=shop_group, status=Status.UP)
    checkout = make_monitor(name="Checkout", category=shop_group, status=Status.DOWN)
    mailer = make_monitor(name="Mailer", status=Status.UP)
    shop = StatusPage.objects.create(title="Shop status", slug="shop", domain="status.shop.test")
    PageCategory.objects.create(page=shop, category=shop_group)
    mail = StatusPage.objects.create(
        title="Mail status", slug="mail", domain="status.mail.test", time_zone="Asia/Tokyo"
    )
    PageMonitor.objects.create(page=mail, monitor=mailer)
    outage = Incident.objects.create(
        name="Checkout failing", severity=Severity.OUTAGE, message="Looking into it"
    )
    outage.monitors.add(checkout)
    now = timezone.now()
    window = ScheduledMaintenance.objects.create(
        name="Mail server upgrade", message="Short", starts_at=now + timedelta(days=1),
        ends_at=now + timedelta(days=1, hours=1),
    )  # fmt: skip
    window.monitors.add(mailer)
    return {"shop": shop, "mail": mail, "cart": cart, "checkout": checkout, "mailer": mailer,
            "outage": outage, "window": window}  # fmt: skip


def html(client, path: str, **host) -> str:
    response = client.get(path, **host)
    assert response.status_code == 200, (path, response.status_code)
    return response.content.decode()


def summary(client, prefix: str = "", **host) -> dict:
    """What a client of the hosted status page API v2 reads first: the
    summary, checked for that API's fields as tests/test_status_v2_json.py does."""
    response = client.get(f"{prefix}/api/v2/summary.json", **host)
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = response.json()
    assert set(data["page"]) == PAGE_FIELDS
    for component in data["components"]:
        assert set(component) - {"components"} == COMPONENT_FIELDS
        assert component["page_id"] == data["page"]["id"]
    for incident in data["incidents"]:
        assert set(incident) == INCIDENT_FIELDS and incident["page_id"] == data["page"]["id"]
    return data


def names(data: dict) -> set[str]:
    return {c["name"] for c in data["components"]}


def test_each_page_at_its_domain_shows_only_its_own_components(https_client, pages):
    shop = html(https_client, "/", **SHOP_HOST)
    assert "Shop status" in shop and "Cart" in shop and "Checkout" in shop
    assert "Mailer" not in shop
    mail = html(https_client, "/", **MAIL_HOST)
    assert "Mail status" in mail and "Mailer" in mail
    assert "Cart" not in mail and "Checkout" not in mail


def test_each_page_also_answers_at_its_slug_with_links_under_it(https_client, pages):
    mail = html(https_client, "/p/mail/")
    assert "Mailer" in mail and "Checkout" not in mail
    assert 'href="/p/mail/history"' in mail and 'href="/p/mail/feed.atom"' in mail
    on_domain = html(https_client, "/", **MAIL_HOST)
    assert 'href="/history"' in on_domain  # at its own domain the page starts at /


def test_an_unknown_slug_is_not_found(https_client, pages):
    assert https_client.get("/p/nothing/").status_code == 404


def test_an_incident_shows_on_the_pages_of_the_monitors_it_affects(https_client, pages):
    incident = pages["outage"]
    assert "Checkout failing" in html(https_client, "/", **SHOP_HOST)
    assert "Checkout failing" in html(https_client, "/")  # the default page shows everything
    assert "Checkout failing" not in html(https_client, "/", **MAIL_HOST)
    assert https_client.get(f"/incidents/{incident.pk}", **SHOP_HOST).status_code == 200
    assert https_client.get(f"/incidents/{incident.pk}", **MAIL_HOST).status_code == 404
    assert "Checkout failing" not in html(https_client, "/history", **MAIL_HOST)


def test_maintenance_shows_on_the_pages_of_its_monitors(https_client, pages):
    assert "Mail server upgrade" in html(https_client, "/", **MAIL_HOST)
    assert "Mail server upgrade" not in html(https_client, "/", **SHOP_HOST)


def test_the_v2_json_of_each_page_lists_only_its_components(https_client, pages):
    shop, mail = summary(https_client, **SHOP_HOST), summary(https_client, **MAIL_HOST)
    assert names(shop) == {"Storefront", "Cart", "Checkout"}
    assert names(mail) == {"Mailer"}
    assert shop["page"]["name"] == "Shop status" and mail["page"]["name"] == "Mail status"
    assert shop["page"]["url"] == "https://status.shop.test/"
    assert mail["page"]["time_zone"] == "Asia/Tokyo"
    assert shop["page"]["id"] != mail["page"]["id"]
    assert [i["name"] for i in shop["incidents"]] == ["Checkout failing"]
    assert mail["incidents"] == [] and mail["status"]["indicator"] == "none"
    assert shop["status"]["indicator"] != "none"
    assert [m["name"] for m in mail["scheduled_maintenances"]] == ["Mail server upgrade"]
    assert shop["scheduled_maintenances"] == []


def test_the_v2_json_at_a_pages_slug_is_that_pages(https_client, pages):
    data = summary(https_client, "/p/mail")
    assert names(data) == {"Mailer"} and data["page"]["url"] == "https://testserver/p/mail/"
    listed = https_client.get("/p/mail/api/v2/incidents.json").json()["incidents"]
    assert listed == []
    shop_listed = https_client.get("/p/shop/api/v2/incidents.json").json()["incidents"]
    assert [i["name"] for i in shop_listed] == ["Checkout failing"]
    assert [c["name"] for c in shop_listed[0]["components"]] == ["Checkout"]


def test_feeds_and_badges_of_a_page_are_its_own(https_client, pages):
    assert "Checkout failing" in html(https_client, "/feed.atom", **SHOP_HOST)
    assert "Checkout failing" not in html(https_client, "/p/mail/feed.rss")
    assert "Mail status" in html(https_client, "/p/mail/feed.rss")
    cart = pages["cart"].pk
    assert https_client.get(f"/badge/monitor/{cart}.svg", **SHOP_HOST).status_code == 200
    assert https_client.get(f"/badge/monitor/{cart}.svg", **MAIL_HOST).status_code == 404
    group = pages["cart"].category_id
    assert https_client.get(f"/p/shop/badge/category/{group}.svg").status_code == 200
    assert https_client.get(f"/p/mail/badge/category/{group}.svg").status_code == 404


def test_the_old_urls_answer_as_before(https_client, pages, api_php, v1):
    assert "Mailer" in html(https_client, "/") and "Checkout" in html(https_client, "/")
    data = summary(https_client)
    assert names(data) == {"Storefront", "Cart", "Checkout", "Mailer"}
    assert data["page"]["name"] == settings.SITE_NAME
    assert data["page"]["id"] == hashlib.sha256(settings.SITE_NAME.encode()).hexdigest()[:12]
    assert data["page"]["url"] == "https://testserver/"
    assert "Checkout failing" in html(https_client, "/feed.atom")
    assert https_client.get(f"/badge/monitor/{pages['mailer'].pk}.svg").status_code == 200
    assert https_client.get("/history").status_code == 200
    # The two APIs know nothing of pages: every monitor, as before.
    every = {"Cart", "Checkout", "Mailer"}
    status, body = api_php(action="status")
    assert status == 200 and {m["name"] for m in body["data"]} == every
    assert {m["Name"] for m in v1.get("monitors").json()} == every


def test_a_status_change_drops_only_the_pages_showing_the_monitor(
    https_client, pages, django_assert_num_queries, django_capture_on_commit_callbacks
):
    html(https_client, "/", **SHOP_HOST), html(https_client, "/", **MAIL_HOST)
    shop_before = pagecache.version(pages["shop"].pk)
    mail_before = pagecache.version(pages["mail"].pk)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        pagecache.changed(monitors=[pages["mailer"].pk])  # what recording does
    assert pagecache.version(pages["mail"].pk) != mail_before
    assert pagecache.version(pages["shop"].pk) == shop_before
    with django_assert_num_queries(0):  # Shop's cached page still holds
        html(https_client, "/", **SHOP_HOST)


def test_moving_a_monitor_to_another_page_drops_both(
    https_client, pages, django_capture_on_commit_callbacks
):
    before = {p: pagecache.version(pages[p].pk) for p in ("shop", "mail")}
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        PageMonitor.objects.filter(page=pages["mail"]).update(page=pages["shop"])
        pages["shop"].save()  # the admin saves the page with its inline rows
    assert all(pagecache.version(pages[p].pk) != before[p] for p in ("shop", "mail"))
    assert "Mailer" in html(https_client, "/", **SHOP_HOST)
