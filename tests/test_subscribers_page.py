"""The subscribe pages: the form tells nothing about who is subscribed,
refuses bad addresses with a clear 400, is rate limited per client and per
address, and the confirmation link expires; a subscriber chooses components."""

import re
import time

import pytest
from django.core import signing
from django.test import Client

from alerts.models import Subscriber
from alerts.subscribers import links
from alerts.subscribers.subscribing import default_page

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]


@pytest.fixture
def client() -> Client:
    return Client()


def test_the_page_has_a_subscribe_button_and_the_form_lists_components(
    client, make_monitor, category, django_assert_num_queries
):
    make_monitor(name="Website", category=category)
    make_monitor(name="Loose")
    page = client.get("/").content.decode()
    assert 'href="/subscribe"' in page and "subscribe.js" in page
    with django_assert_num_queries(3):  # categories, their monitors, the loose ones
        form = client.get("/subscribe").content.decode()
    assert "Webbhotell" in form and "Website" in form and "Loose" in form
    part = client.get("/subscribe?part=form").content.decode()
    assert part.startswith("<form") and "<html" not in part
    for html in (page, form, part):  # script-src 'self': no inline script or handler
        assert not re.search(r"<script(?![^>]*\bsrc=)|\son[a-z]+=", html)


def test_the_answer_is_the_same_whether_or_not_the_address_is_subscribed(client, db):
    Subscriber.objects.create(page=default_page(), kind="email", address="known@example.test")
    known = client.post("/subscribe", {"kind": "email", "email": "known@example.test"})
    fresh = client.post("/subscribe", {"kind": "email", "email": "fresh@example.test"})
    assert known.status_code == fresh.status_code == 200

    def strip(html: bytes, address: str) -> str:
        text = html.decode().replace(address, "ADDRESS")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert "Check your inbox" in fresh.content.decode()
    assert strip(known.content, "known@example.test") == strip(fresh.content, "fresh@example.test")


@pytest.mark.parametrize(
    "data,field,reason",
    [
        ({"kind": "email", "email": "not an address"}, "email", "Enter a valid email address."),
        ({"kind": "email", "email": ""}, "email", "This field is required."),
        ({"kind": "webhook", "url": "ftp://example.test/"}, "url", "http:// or https://"),
        ({"kind": "webhook", "url": "http://169.254.169.254/x"}, "url", "may not be sent to"),
        ({"kind": "webhook", "url": "http://[fe80::1]/x"}, "url", "may not be sent to"),
        ({"kind": "webhook", "url": "http://0.0.0.0:8000/x"}, "url", "may not be sent to"),
        ({"kind": "webhook", "url": "http://[::]/x"}, "url", "may not be sent to"),
    ],
)
def test_a_bad_address_gets_a_400_naming_the_field_and_nothing_is_saved(
    client, data, field, reason
):
    response = client.post("/subscribe", data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f'id="sub-{field}-error"' in page and reason in page
    assert not Subscriber.objects.exists()


def test_the_form_is_rate_limited_per_address_and_per_client(client, db, settings, page_cache):
    settings.SUBSCRIBE_RATE_PER_TARGET = "2/3600"
    settings.SUBSCRIBE_RATE_PER_ADDRESS = "4/3600"
    same = {"kind": "email", "email": "a@example.test"}
    assert [client.post("/subscribe", same).status_code for _ in range(3)] == [200, 200, 429]
    response = client.post("/subscribe", {"kind": "email", "email": "b@example.test"})
    assert response.status_code == 200  # another address: the fourth from this client
    response = client.post("/subscribe", {"kind": "email", "email": "c@example.test"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0


def test_a_confirmation_link_expires(client, db, settings):
    settings.SUBSCRIBER_CONFIRM_HOURS = 48
    subscriber = Subscriber.objects.create(
        page=default_page(), kind="email", address="a@example.test"
    )

    class SignedTwoDaysAgo(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - 49 * 3600)

    old = SignedTwoDaysAgo(salt=links.CONFIRM_SALT).sign(subscriber.token)
    response = client.get(f"/subscriptions/confirm/{old}")
    assert response.status_code == 404 and "This link has expired" in response.content.decode()
    assert Subscriber.objects.get().confirmed_at is None
    link = links.confirm_url(subscriber.token, subscriber.page).removeprefix(settings.SITE_URL)
    assert client.get(link.replace("/confirm/", "/confirm/x")).status_code == 404  # forged
    assert client.get(link).status_code == 200
    assert Subscriber.objects.get().confirmed_at is not None


def test_a_subscriber_chooses_components_on_the_manage_page(client, make_monitor, category):
    web, mail = make_monitor(name="Web", category=category), make_monitor(name="Mail")
    from django.utils import timezone

    subscriber = Subscriber.objects.create(
        page=default_page(), kind="email", address="a@example.test", confirmed_at=timezone.now()
    )
    page = client.get(f"/subscriptions/{subscriber.token}")
    assert page.status_code == 200 and "Web" in page.content.decode()
    response = client.post(
        f"/subscriptions/{subscriber.token}",
        {"monitors": [mail.pk], "categories": [category.pk], "component_updates": "on"},
    )
    assert "Saved." in response.content.decode()
    assert 'name="component_updates" checked' in response.content.decode()
    subscriber.refresh_from_db()
    assert subscriber.component_updates
    assert list(subscriber.monitors.all()) == [mail]
    assert list(subscriber.categories.all()) == [category]
    assert web.pk not in subscriber.monitors.values_list("pk", flat=True)
    assert client.get("/subscriptions/nosuchtoken").status_code == 404


def test_unsubscribing_asks_first_on_get_and_acts_on_post(client, db):
    subscriber = Subscriber.objects.create(
        page=default_page(), kind="email", address="a@example.test"
    )
    url = f"/subscriptions/{subscriber.token}/unsubscribe"
    assert "Stop all updates" in client.get(url).content.decode()
    assert Subscriber.objects.exists()  # a link checker's GET changes nothing
    assert client.post(url).status_code == 200
    assert not Subscriber.objects.exists()
    assert client.post(url).status_code == 200  # again: the same answer


def test_the_form_speaks_swedish(client, db):
    client.cookies["django_language"] = "sv"
    response = client.post("/subscribe", {"kind": "email", "email": "a@example.test"})
    assert "Titta i din inkorg" in response.content.decode()
    assert Subscriber.objects.get().language == "sv"
