"""Private pages: one read with a password (given once a browser session,
and a new password locks everyone out again), one read by staff only; their
answers, JSON included, are never kept by a shared cache nor indexed."""

import pytest
from django.test import Client

from core.enums import Status
from pages.logo import digest
from pages.models import Access, PageMonitor, StatusPage
from tests.conftest import HttpsClient
from tests.test_pages_admin import image_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

PASSWORD = "correct horse battery"


@pytest.fixture
def secret(make_monitor) -> StatusPage:
    page = StatusPage(title="Internal", slug="internal", access=Access.PASSWORD)
    page.set_password(PASSWORD)
    logo = image_bytes()
    page.logo, page.logo_digest = logo, digest(logo)
    page.save()
    PageMonitor.objects.create(page=page, monitor=make_monitor(name="Billing", status=Status.UP))
    return page


@pytest.fixture
def staff_page(make_monitor) -> StatusPage:
    page = StatusPage.objects.create(title="Ops", slug="ops", access=Access.STAFF)
    PageMonitor.objects.create(page=page, monitor=make_monitor(name="Backups", status=Status.UP))
    return page


def assert_private(response) -> None:
    control = response.get("Cache-Control", "")
    assert "public" not in control
    assert "private" in control and "no-store" in control, control
    assert "noindex" in response["X-Robots-Tag"]


def unlock(client, password=PASSWORD, next_url="/p/internal/history", root="/p/internal"):
    return client.post(f"{root}/unlock", {"password": password, "next": next_url})


def test_an_anonymous_visitor_gets_the_password_form(https_client, secret):
    response = https_client.get("/p/internal/")
    assert response.status_code == 401
    assert_private(response)
    html = response.content.decode()
    assert '<meta name="robots" content="noindex">' in html
    assert 'action="/p/internal/unlock"' in html and 'name="password"' in html
    assert "Billing" not in html
    assert "/logo/" not in html  # nothing of the page but its title before the password


@pytest.mark.parametrize(
    "path", ["api/v2/summary.json", "api/v2/components.json", "feed.atom", "history"]
)
def test_an_anonymous_visitor_reads_nothing_else_either(https_client, secret, path):
    response = https_client.get(f"/p/internal/{path}")
    assert response.status_code == 401
    assert_private(response)
    assert b"Billing" not in response.content


def test_the_logo_of_a_password_page_needs_the_password_too(https_client, secret):
    response = https_client.get(f"/p/internal/logo/{secret.logo_digest}.png")
    assert response.status_code == 401
    assert_private(response)


def test_the_right_password_opens_the_page_in_this_session(https_client, secret):
    form = https_client.get("/p/internal/unlock")
    assert form.status_code == 200
    assert_private(form)
    response = unlock(https_client)
    assert response.status_code == 302 and response["Location"] == "/p/internal/history"
    page = https_client.get("/p/internal/")
    assert page.status_code == 200
    assert "Billing" in page.content.decode()
    assert_private(page)
    assert '<meta name="robots" content="noindex">' in page.content.decode()
    summary = https_client.get("/p/internal/api/v2/summary.json")
    assert summary.status_code == 200
    assert [c["name"] for c in summary.json()["components"]] == ["Billing"]
    assert_private(summary)
    logo = https_client.get(f"/p/internal/logo/{secret.logo_digest}.png")
    assert logo.status_code == 200
    assert logo["Cache-Control"].startswith("private")
    # Another browser has not given it.
    assert HttpsClient().get("/p/internal/").status_code == 401


def test_a_wrong_password_is_refused(https_client, secret):
    response = unlock(https_client, "guess")
    assert response.status_code == 401
    assert_private(response)
    assert "That is not the password of this page." in response.content.decode()
    assert https_client.get("/p/internal/").status_code == 401


def test_only_a_safe_next_address_is_followed(https_client, secret):
    response = unlock(https_client, next_url="https://evil.example/")
    assert response.status_code == 302 and response["Location"] == "/p/internal/"
    response = unlock(https_client, next_url="//evil.example/")
    assert response["Location"] == "/p/internal/"


# The page's cached resolution is dropped once the change commits: it really commits.
@pytest.mark.django_db(transaction=True)
def test_a_new_password_locks_out_whoever_gave_the_old_one(https_client, secret):
    unlock(https_client)
    assert https_client.get("/p/internal/").status_code == 200
    secret.set_password("a brand new one")
    secret.save()
    assert https_client.get("/p/internal/").status_code == 401
    assert unlock(https_client, "a brand new one").status_code == 302
    assert https_client.get("/p/internal/").status_code == 200


def test_password_guesses_are_limited(https_client, secret, settings):
    settings.PAGE_UNLOCK_RATE_PER_ADDRESS = "3/60"
    for _ in range(3):
        assert unlock(https_client, "guess").status_code == 401
    response = unlock(https_client)  # even the right one, until the minute passes
    assert response.status_code == 429 and int(response["Retry-After"]) >= 1
    assert https_client.get("/p/internal/").status_code == 401


def test_the_password_form_works_with_its_csrf_token(secret):
    client = Client(enforce_csrf_checks=True)
    form = client.get("/p/internal/unlock")
    token = form.cookies["csrftoken"].value
    response = client.post(
        "/p/internal/unlock",
        {"password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert client.get("/p/internal/").status_code == 200


def test_a_password_page_at_its_own_domain_unlocks_there(https_client, secret, settings):
    settings.ALLOWED_HOSTS = ["testserver", "internal.example.test"]
    secret.domain = "internal.example.test"
    secret.save()
    host = {"HTTP_HOST": "internal.example.test"}
    refused = https_client.get("/", **host)
    assert refused.status_code == 401 and 'action="/unlock"' in refused.content.decode()
    response = https_client.post("/unlock", {"password": PASSWORD, "next": "/"}, **host)
    assert response.status_code == 302 and response["Location"] == "/"
    assert https_client.get("/", **host).status_code == 200


def test_a_staff_page_sends_visitors_to_the_admin_login(https_client, staff_page):
    response = https_client.get("/p/ops/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=/p/ops/")
    assert_private(response)
    assert https_client.get("/p/ops/api/v2/summary.json").status_code == 401
    # A password means nothing to a staff page.
    assert unlock(https_client, root="/p/ops").status_code == 302
    assert https_client.get("/p/ops/").status_code == 302


def test_staff_read_a_staff_page(https_admin_client, staff_page):
    response = https_admin_client.get("/p/ops/")
    assert response.status_code == 200
    assert "Backups" in response.content.decode()
    assert_private(response)


PATHS = [
    "", "history", "feed.atom", "feed.rss", "api/v2/summary.json", "api/v2/status.json",
    "api/v2/components.json", "api/v2/incidents.json", "subscribe", "unlock",
]  # fmt: skip


@pytest.mark.parametrize("unlocked", [False, True])
def test_no_answer_of_a_private_page_is_marked_public(https_client, secret, unlocked):
    if unlocked:
        unlock(https_client)
    for path in [*PATHS, f"logo/{secret.logo_digest}.png"]:
        response = https_client.get(f"/p/internal/{path}")
        assert "public" not in response.get("Cache-Control", ""), path
        if response.status_code != 302:
            assert "noindex" in response.get("X-Robots-Tag", ""), path


def test_a_public_page_is_still_public(https_client, make_monitor):
    page = StatusPage.objects.create(title="Open", slug="open")
    PageMonitor.objects.create(page=page, monitor=make_monitor(name="Web"))
    response = https_client.get("/p/open/api/v2/summary.json")
    assert response.status_code == 200 and "public" in response["Cache-Control"]
    html = https_client.get("/p/open/").content.decode()
    assert 'content="noindex"' not in html
