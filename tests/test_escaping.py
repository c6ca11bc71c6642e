"""Text that staff or the API store (names, messages, updates, HTTP headers) is
shown as text everywhere: on the page, in the admin, the feeds, the badges, the
page's JSON, both APIs and the alerts. Table-driven over hostile strings and
over every surface; each answer is parsed (html.parser, xml.etree, json,
email), never only grepped: nothing typed becomes an element or an attribute,
and the typed text comes back as the text it was."""

import email
import email.policy
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.utils import timezone

from core.enums import IncidentStatus, Protocol, Severity, Status
from incidents.models import Incident
from maintenance.models import ScheduledMaintenance
from monitors.models import Category, Monitor
from statuspage.models import ApiKey
from tests.alerting import change_status, tick

pytestmark = pytest.mark.django_db

HOSTILE = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "quotes": "' onmouseover='alert(1)' x='",
    "markdown link": "[click me](javascript:alert(1))",
    "cdata end": "]]> <![CDATA[ x",
    "ampersands": "AT&T &amp; &lt;b&gt; &#60;",
    "right-to-left override": "abc\u202etxt.exe",
    "comment": "<!-- x --> <?php ?>",
    "template": "{{ request }} {% now 'Y' %}",
    "control characters": "a\x01b\x0bc\x1b[31md\x7f",
    "line breaks": "first\r\nBcc: victim@example.com\nthird",
}
BENIGN = "Plain name"
# Elements the Markdown subset of messages may write (README: Status page).
MARKDOWN_TAGS = {"p", "br", "ul", "ol", "li", "em", "strong", "code", "a"}
# Characters XML 1.0 cannot carry: an XML answer may leave them out, nothing else.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# ---------------------------------------------------------------- the rows


@dataclass
class Rows:
    category: Category
    monitor: Monitor
    incident: Incident
    maintenance: ScheduledMaintenance
    key: str

    def write(self, text: str) -> None:
        """Every stored text becomes ``text`` (the rows' ids stay)."""
        self.category.name = text
        self.category.save()
        self.monitor.name, self.monitor.http_headers = text, f"X-Test: {text}"
        self.monitor.http_body = self.monitor.expected_body = text
        self.monitor.save()
        # Not save(): a new message would add a timeline entry, and the page's shape
        # must stay that of the baseline.
        Incident.objects.filter(pk=self.incident.pk).update(name=text, message=text)
        self.incident.updates.update(message=text)
        self.incident.refresh_from_db()
        self.maintenance.name, self.maintenance.message = text, text
        self.maintenance.save()
        ApiKey.objects.update(name=text[:100])


@pytest.fixture
def rows(page_cache) -> Rows:
    now = timezone.now()
    category = Category.objects.create(name=BENIGN, display_order=1)
    monitor = Monitor.objects.create(
        name=BENIGN, protocol=Protocol.HTTP, target="https://example.test/",
        category=category, status=Status.DOWN, last_check=now,
    )  # fmt: skip
    incident = Incident.objects.create(
        name=BENIGN, severity=Severity.OUTAGE, message=BENIGN, created_at=now - timedelta(hours=1)
    )
    incident.monitors.set([monitor])
    incident.status = IncidentStatus.IDENTIFIED
    incident.save()
    maintenance = ScheduledMaintenance.objects.create(
        name=BENIGN, message=BENIGN, starts_at=now - timedelta(minutes=10), duration_hours=2
    )
    maintenance.monitors.set([monitor])
    key = ApiKey.generate("escaping")[1]
    return Rows(category, monitor, incident, maintenance, key)


def render(client, path: str, **headers: str):
    response = client.get(path, secure=True, headers=headers)
    assert response.status_code == 200, (path, response.status_code)
    return response


# ---------------------------------------------------------------- HTML


class Parsed(HTMLParser):
    """Every element with its attribute names, and all text and attribute values."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.texts: list[str] = []
        self.values: list[str] = []
        self.scripts: list[str] = []
        self._in_script = False
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[(tag, tuple(sorted(name for name, _ in attrs)))] += 1
        self.values += [value or "" for _, value in attrs]
        self._in_script = tag in ("script", "style")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        (self.scripts if self._in_script else self.texts).append(data)

    def shows(self, text: str) -> bool:
        """``text`` is some element's text or some attribute's value."""
        flat = " ".join(text.split())
        return flat in " ".join(" ".join(self.texts).split()) or any(
            flat in " ".join(value.split()) for value in self.values
        )


def assert_shown_as_text(html: str, baseline: str, text: str, *, markdown: bool = True) -> None:
    page, before = Parsed(html), Parsed(baseline)
    added = page.tags - before.tags
    allowed = MARKDOWN_TAGS if markdown else set()
    assert all(tag in allowed and not attrs for tag, attrs in added), added
    for value in page.values:
        assert not value.strip().lower().startswith("javascript:"), value
    assert page.shows(text), f"{text!r} is not shown as text"
    # Nothing typed reaches a script: the page's own scripts are as they were.
    assert page.scripts == before.scripts


HTML_SURFACES = {
    "the page": lambda r: "/",
    "the history": lambda r: "/history",
    "the incident's page": lambda r: f"/incidents/{r.incident.pk}",
}
ADMIN_SURFACES = {
    "category list": lambda r: "/admin/monitors/category/",
    "category form": lambda r: f"/admin/monitors/category/{r.category.pk}/change/",
    "monitor list": lambda r: "/admin/monitors/monitor/",
    "monitor form": lambda r: f"/admin/monitors/monitor/{r.monitor.pk}/change/",
    "incident list": lambda r: "/admin/incidents/incident/",
    "incident form": lambda r: f"/admin/incidents/incident/{r.incident.pk}/change/",
    "maintenance list": lambda r: "/admin/maintenance/scheduledmaintenance/",
    "maintenance form": lambda r: (
        f"/admin/maintenance/scheduledmaintenance/{r.maintenance.pk}/change/"
    ),
    "API key list": lambda r: "/admin/statuspage/apikey/",
}


@pytest.mark.parametrize("surface", list(HTML_SURFACES))
@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_the_public_page_shows_typed_text_as_text(client, rows, page_cache, surface, text):
    path = HTML_SURFACES[surface](rows)
    baseline = render(client, path).content.decode()
    rows.write(text)
    page_cache.clear()
    html = render(client, path).content.decode()
    assert_shown_as_text(html, baseline, text)


@pytest.mark.parametrize("surface", list(ADMIN_SURFACES))
@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_the_admin_shows_typed_text_as_text(admin_client, rows, surface, text):
    path = ADMIN_SURFACES[surface](rows)
    baseline = render(admin_client, path).content.decode()
    rows.write(text)
    html = render(admin_client, path).content.decode()
    # The incident form previews the message, and shows its timeline, as the page does.
    assert_shown_as_text(html, baseline, text, markdown=surface == "incident form")


# ---------------------------------------------------------------- XML


def parse_xml(content: bytes) -> ElementTree.Element:
    """Our own answer, parsed strictly: raises if it is not well-formed XML."""
    return ElementTree.fromstring(content)  # noqa: S314 - the product's output, no entities


def xml_shape(root: ElementTree.Element) -> Counter:
    return Counter((el.tag, tuple(sorted(el.attrib))) for el in root.iter())


def xml_texts(root: ElementTree.Element) -> list[str]:
    return [t for el in root.iter() for t in (el.text, el.tail, *el.attrib.values()) if t]


def as_xml(text: str) -> str:
    return NOT_XML.sub("", text)


def entry_html(root: ElementTree.Element) -> list[str]:
    """The HTML of each feed entry (Atom's summary, RSS's description)."""
    names = ("summary", "content", "description")
    return [
        el.text for el in root.iter()
        if el.tag.rpartition("}")[2] in names and el.text and "<p>" in el.text
    ]  # fmt: skip


@pytest.mark.parametrize("feed", ["/feed.atom", "/feed.rss"])
@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_the_feeds_are_well_formed_xml_that_carry_typed_text_as_text(
    client, rows, page_cache, feed, text
):
    baseline = parse_xml(render(client, feed).content)
    rows.write(text)
    page_cache.clear()
    root = parse_xml(render(client, feed).content)
    assert xml_shape(root) == xml_shape(baseline)
    titles = [" ".join((el.text or "").split()) for el in root.iter() if el.tag.endswith("title")]
    assert any(" ".join(as_xml(text).split()) in title for title in titles), titles
    # The entry's HTML (escaped into the XML) is HTML in which the text is text.
    for html, before in zip(entry_html(root), entry_html(baseline), strict=True):
        assert_shown_as_text(html, before, as_xml(text))


@pytest.mark.parametrize("badge", ["monitor", "category"])
@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_the_badges_are_well_formed_svg_that_carry_typed_text_as_text(
    client, rows, page_cache, badge, text
):
    path = f"/badge/{badge}/{getattr(rows, badge).pk}.svg"
    baseline = parse_xml(render(client, path).content)
    rows.write(text)
    page_cache.clear()
    response = render(client, path)
    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    root = parse_xml(response.content)
    assert xml_shape(root) == xml_shape(baseline)
    label = " ".join(as_xml(text).split())[:39]
    assert any(label in " ".join(t.split()) for t in xml_texts(root)), xml_texts(root)


# ---------------------------------------------------------------- JSON


def json_strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in json_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in json_strings(v)]
    return [value] if isinstance(value, str) else []


def assert_json_carries(response, text: str) -> None:
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert text in json_strings(json.loads(response.content))


JSON_SURFACES = {
    "v2 summary": lambda r: ("/api/v2/summary.json", {}),
    "v2 components": lambda r: ("/api/v2/components.json", {}),
    "v2 incidents": lambda r: ("/api/v2/incidents.json", {}),
    "v2 maintenance": lambda r: ("/api/v2/scheduled-maintenances.json", {}),
    "api.php status": lambda r: (f"/api.php?key={r.key}&action=status", {}),
    "api.php categories": lambda r: (f"/api.php?key={r.key}&action=categories", {}),
    "api.php incidents": lambda r: (f"/api.php?key={r.key}&action=incidents", {}),
    "v1 monitor": lambda r: (f"/v1/monitors/{r.monitor.pk}", {"X-API-Key": r.key}),
    "v1 incident": lambda r: (f"/v1/incidents/{r.incident.pk}", {"X-API-Key": r.key}),
    "v1 maintenance": lambda r: (
        f"/v1/scheduledmaintenance/{r.maintenance.pk}",
        {"X-API-Key": r.key},
    ),
}


@pytest.mark.parametrize("surface", list(JSON_SURFACES))
@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_json_answers_carry_typed_text_exactly_and_are_never_sniffed(
    client, rows, page_cache, surface, text
):
    rows.write(text)
    path, headers = JSON_SURFACES[surface](rows)
    assert_json_carries(render(client, path, **headers), text)


@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_the_v1_monitor_keeps_its_http_header_and_body_fields_exactly(client, rows, text):
    rows.write(text)
    response = render(client, f"/v1/monitors/{rows.monitor.pk}", **{"X-API-Key": rows.key})
    body = response.json()
    assert body["HttpRequestHeader"] == f"X-Test: {text}"
    assert body["HttpRequestBody"] == body["ResponseExpectedBodyContains"] == text


# ---------------------------------------------------------------- alerts


def one_line(text: str) -> str:
    return " ".join(re.sub("[\x00-\x1f\x7f-\x9f\u2028\u2029]", " ", text).split())


@pytest.mark.parametrize("text", HOSTILE.values(), ids=list(HOSTILE))
def test_alerts_carry_typed_text_as_text(rows, make_channel, smtp_sink, http_receiver, text):
    rows.write(text)
    rows.maintenance.monitors.clear()  # no alerts inside a window
    make_channel("email", "ops@example.test")
    make_channel("webhook", http_receiver.url + "/hook")
    # Apprise writes HTML for services that show HTML (format=html).
    make_channel(
        "apprise", http_receiver.url.replace("http://", "json://") + "/apprise?format=html"
    )
    monitor = rows.monitor
    change_status(monitor, Status.UP, timezone.now() - timedelta(minutes=2))
    at = timezone.now() - timedelta(minutes=1)
    change_status(monitor, Status.DOWN, at, reason=f"Expected {text}")
    tick(at + timedelta(seconds=5))

    [envelope] = smtp_sink.messages
    mail = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert mail.get_content_type() == "text/plain" and not mail.is_multipart()
    # One line of subject: a name's line breaks and control characters (some mail
    # readers split on \x0b or \x1c) must not start new header lines.
    assert one_line(text) in mail["Subject"]
    assert set(mail.keys()) <= {
        "Content-Type", "MIME-Version", "Content-Transfer-Encoding", "Subject", "From", "To",
        "Date", "Message-ID",
    }  # fmt: skip
    assert text.replace("\r\n", "\n") in mail.get_content().replace("\r\n", "\n")

    by_path = {received.path: received for received in http_receiver.received}
    hook = by_path["/hook"].json()
    assert hook["monitor"]["name"] == text and hook["reason"] == f"Expected {text}"

    posted = by_path["/apprise"].json()
    assert one_line(text) in posted["title"]  # a title is plain text to every service
    html = Parsed(posted["message"])  # the body is HTML: the text stays text in it
    assert not [tag for tag, _ in html.tags if tag not in ("br", "p")], html.tags
    assert html.shows(f"Expected {text}".replace("\r\n", "\n"))
