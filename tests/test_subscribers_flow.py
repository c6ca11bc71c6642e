"""A customer subscribes from the page, confirms, and hears about an incident
(created, updated, resolved) by email and by a signed webhook; nothing for a
component they did not choose, nothing before confirming or after leaving.
Real local SMTP and HTTP servers; the Celery tasks run eagerly."""

import email
import email.policy
import re
from urllib.parse import urlsplit

import pytest
from django.db import transaction
from django.test import Client

from alerts.models import Subscriber
from core.enums import IncidentStatus, Protocol, Severity
from incidents.models import Incident
from monitors.models import Category, Monitor

pytestmark = pytest.mark.usefixtures("celery_eager", "page_cache")


def mails(sink) -> list[email.message.EmailMessage]:
    return [email.message_from_bytes(e.content, policy=email.policy.default) for e in sink.messages]


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def path_of(url: str) -> str:
    return urlsplit(url).path


@pytest.fixture
def components(transactional_db):
    web = Category.objects.create(name="Web", display_order=1)
    mail = Category.objects.create(name="Mail", display_order=2)
    api = Monitor.objects.create(
        name="Public API", protocol=Protocol.HTTP, target="https://example.test/", category=web
    )
    smtp = Monitor.objects.create(
        name="SMTP relay", protocol=Protocol.HTTP, target="https://example.test/", category=mail
    )
    return {"web": web, "mail": mail, "api": api, "smtp": smtp}


def open_incident(monitor: Monitor, name: str = "API errors") -> Incident:
    with transaction.atomic():  # as the admin and the v1 API write it
        incident = Incident.objects.create(
            name=name, severity=Severity.OUTAGE, message="We are investigating."
        )
        incident.monitors.add(monitor)
    return incident


def post_update(incident: Incident, status: str, message: str) -> None:
    incident.status, incident.message = status, message
    incident.save()


def test_subscribe_confirm_and_hear_about_an_incident_by_email_and_webhook(
    components, smtp_sink, http_receiver
):
    client = Client()
    response = client.post(
        "/subscribe",
        {"kind": "email", "email": " Ann@Example.TEST ", "monitors": [components["api"].pk]},
    )
    assert response.status_code == 200
    assert "Check your inbox" in response.content.decode()
    [confirmation] = mails(smtp_sink)
    assert confirmation["To"] == "ann@example.test"

    # Before confirming, an incident on the chosen component sends nothing.
    resolve_early = open_incident(components["api"], "Before confirming")
    assert len(smtp_sink.messages) == 1
    post_update(resolve_early, IncidentStatus.RESOLVED, "Fine.")

    link = re.search(
        r"https://status\.example\.test(/subscriptions/confirm/\S+)", text_of(confirmation)
    )
    assert "You are subscribed" in client.get(link.group(1)).content.decode()
    assert Subscriber.objects.get(address="ann@example.test").confirmed_at is not None

    response = client.post(
        "/subscribe",
        {
            "kind": "webhook",
            "url": http_receiver.url + "/hook",
            "categories": [components["web"].pk],
        },
    )
    page = response.content.decode()
    assert "no-store" in response["Cache-Control"]  # the secret is shown once
    secret = re.search(r'id="webhook-secret"[^>]*>([0-9a-f]{64})<', page).group(1)
    assert Subscriber.objects.get(kind="webhook").secret == secret

    incident = open_incident(components["api"])
    post_update(incident, IncidentStatus.IDENTIFIED, "A bad deploy; rolling back.")
    post_update(incident, IncidentStatus.RESOLVED, "Rolled back.")
    open_incident(components["smtp"], "Slow mail")  # a component nobody here chose

    received = mails(smtp_sink)[1:]
    assert [m["Subject"] for m in received] == [
        "[Status] New incident: API errors",
        "[Status] API errors: Identified",
        "[Status] Resolved: API errors",
    ]
    assert all(m["To"] == "ann@example.test" for m in received)
    assert "rolling back" in text_of(received[1])
    assert "rolling back" in received[1].get_body(preferencelist=("html",)).get_content()
    assert received[0]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    posts = http_receiver.received
    assert [p.json()["event"] for p in posts] == [
        "incident.created", "incident.updated", "incident.resolved",
    ]  # fmt: skip
    assert all(p.path == "/hook" and p.signed_with(secret) for p in posts)
    body = posts[1].json()
    assert body["version"] == 1
    assert body["incident"]["name"] == "API errors"
    assert body["incident"]["incident_updates"][0]["body"] == "A bad deploy; rolling back."
    assert body["incident"]["components"] == [{"id": components["api"].pk, "name": "Public API"}]

    # Leaving: the mail client's one-click POST, and the webhook's meta.unsubscribe.
    unsubscribe = re.fullmatch(r"<(\S+)>", str(received[-1]["List-Unsubscribe"]).strip()).group(1)
    response = client.post(
        path_of(unsubscribe), "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )  # fmt: skip
    assert response.status_code == 200
    assert client.post(path_of(body["meta"]["unsubscribe"])).status_code == 200
    assert not Subscriber.objects.exists()
    post_update(open_incident(components["api"], "Again"), IncidentStatus.RESOLVED, "Done")
    assert len(smtp_sink.messages) == 4 and len(http_receiver.received) == 3
