"""Subscriptions per status page (issue 20): a subscription is to the page it
was made on, at its slug or at its domain; its form offers and accepts only
that page's components; one who ticks nothing hears of everything on its
page and of nothing on another; what it is sent is named after its page and
links to the page's own address. One address may follow two pages. Real
local SMTP and HTTP servers; the Celery tasks run eagerly."""

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from alerts.models import Subscriber
from alerts.subscribers.audience import audience
from alerts.subscribers.subscribing import default_page
from core.enums import Status
from monitors.models import Category
from pages.models import PageCategory, PageMonitor, StatusPage
from tests.services import run_manage
from tests.test_subscribers_flow import mails, open_incident, text_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

SITE = "https://status.example.test"  # SITE_URL of the test settings
SHOP_HOST, MAIL_HOST = "status.shop.test", "status.mail.test"
URL = re.compile(r"https?://[^\s\"'<>]+")


@pytest.fixture
def pages(make_monitor, settings):
    """Shop (page A, at its domain) shows the Storefront category; Mail (page
    B) only Mailer of the Post category, not Relay."""
    settings.ALLOWED_HOSTS = ["testserver", "status.example.test", SHOP_HOST, MAIL_HOST]
    storefront = Category.objects.create(name="Storefront", display_order=1)
    post = Category.objects.create(name="Post", display_order=2)
    cart = make_monitor(name="Cart", category=storefront, status=Status.UP)
    mailer = make_monitor(name="Mailer", category=post, status=Status.UP)
    relay = make_monitor(name="Relay", category=post, status=Status.UP)
    shop = StatusPage.objects.create(title="Shop status", slug="shop", domain=SHOP_HOST)
    PageCategory.objects.create(page=shop, category=storefront)
    mail = StatusPage.objects.create(title="Mail status", slug="mail")
    PageMonitor.objects.create(page=mail, monitor=mailer)
    return {"shop": shop, "mail": mail, "storefront": storefront, "post": post, "cart": cart,
            "mailer": mailer, "relay": relay}  # fmt: skip


@dataclass(frozen=True)
class Where:
    """Where page B's views answer, and the address its links must start with."""

    root: str
    host: dict
    address: str


@pytest.fixture(params=["at-its-slug", "at-its-domain"])
def page_b(request, pages) -> Where:
    if request.param == "at-its-domain":
        pages["mail"].domain = MAIL_HOST
        pages["mail"].save()
        return Where("", {"HTTP_HOST": MAIL_HOST}, f"https://{MAIL_HOST}")
    return Where("/p/mail", {}, f"{SITE}/p/mail")


def follow(client, url: str, method: str = "get", **data):
    """Open an absolute link as its host would be asked for it."""
    parts = urlsplit(url)
    return getattr(client, method)(parts.path, data, HTTP_HOST=parts.netloc)


def links_in(message) -> list[str]:
    html = message.get_body(preferencelist=("html",)).get_content()
    return URL.findall(text_of(message)) + URL.findall(html) + URL.findall(
        str(message["List-Unsubscribe"] or "")
    )  # fmt: skip


def confirmed(page: StatusPage, address: str, **fields) -> Subscriber:
    return Subscriber.objects.create(
        page=page, kind="email", address=address, confirmed_at=timezone.now(), **fields
    )


def test_a_subscriber_of_one_page_hears_nothing_of_another_pages_incident(
    https_client, pages, page_b, smtp_sink, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = https_client.post(
            f"{page_b.root}/subscribe", {"kind": "email", "email": "ann@example.test"},
            **page_b.host,
        )  # fmt: skip
    assert response.status_code == 200 and "Check your inbox" in response.content.decode()
    assert Subscriber.objects.get().page == pages["mail"]
    [confirmation] = mails(smtp_sink)
    assert confirmation["Subject"] == "[Mail status] Confirm your subscription"
    assert "updates of Mail status at this address" in text_of(confirmation)
    [link] = [u for u in links_in(confirmation) if "/confirm/" in u][:1]
    assert link.startswith(f"{page_b.address}/subscriptions/confirm/")
    confirmed_page = follow(https_client, link)
    assert "You are subscribed" in confirmed_page.content.decode()
    manage = re.search(
        r'<a href="([^"]+)">Choose what you hear about', confirmed_page.content.decode()
    )
    assert manage[1].startswith(f"{page_b.address}/subscriptions/")

    with django_capture_on_commit_callbacks(execute=True):
        open_incident(pages["cart"], "Cart errors")  # page A's monitor
    assert len(smtp_sink.messages) == 1  # nothing for B's subscriber

    with django_capture_on_commit_callbacks(execute=True):
        incident = open_incident(pages["mailer"], "Mail delayed")
    [notice] = mails(smtp_sink)[1:]
    assert notice["To"] == "ann@example.test"
    assert notice["Subject"] == "[Mail status] New incident: Mail delayed"
    assert "you subscribed to Mail status." in text_of(notice)
    found = links_in(notice)
    assert f"{page_b.address}/incidents/{incident.pk}" in found
    assert all(u.startswith(f"{page_b.address}/") for u in found), found
    assert follow(https_client, f"{page_b.address}/incidents/{incident.pk}").status_code == 200
    unsubscribe = re.fullmatch(r"<(\S+)>", str(notice["List-Unsubscribe"]).strip())[1]
    assert follow(https_client, unsubscribe, "post").status_code == 200
    assert not Subscriber.objects.exists()


def test_a_webhook_of_a_page_is_told_that_pages_name_and_address(
    https_client, pages, page_b, http_receiver, celery_eager, django_capture_on_commit_callbacks
):
    response = https_client.post(
        f"{page_b.root}/subscribe", {"kind": "webhook", "url": http_receiver.url + "/hook"},
        **page_b.host,
    )  # fmt: skip
    shown = re.search(r'id="manage-url" href="([^"]+)"', response.content.decode())[1]
    assert shown.startswith(f"{page_b.address}/subscriptions/")
    with django_capture_on_commit_callbacks(execute=True):
        open_incident(pages["cart"], "Cart errors")
    assert http_receiver.received == []
    with django_capture_on_commit_callbacks(execute=True):
        incident = open_incident(pages["mailer"], "Mail delayed")
    [post] = http_receiver.received
    body = post.json()
    assert body["page"] == {"name": "Mail status", "url": f"{page_b.address}/"}
    assert body["incident"]["url"] == f"{page_b.address}/incidents/{incident.pk}"
    assert body["meta"]["manage"] == shown
    assert body["meta"]["unsubscribe"] == f"{shown}/unsubscribe"


def test_the_form_on_a_page_lists_only_its_own_components(https_client, pages, page_b):
    for path in (f"{page_b.root}/subscribe", f"{page_b.root}/subscribe?part=form"):
        form = https_client.get(path, **page_b.host).content.decode()
        assert "Mailer" in form and "Post" in form  # Post: the category of a monitor shown
        assert f'name="monitors" value="{pages["mailer"].pk}"' in form
        assert "Relay" not in form  # Post's other monitor is not on the page
        assert "Cart" not in form and "Storefront" not in form
    shop = https_client.get("/subscribe", HTTP_HOST=SHOP_HOST).content.decode()
    assert "Cart" in shop and "Storefront" in shop and "Mailer" not in shop


@pytest.mark.parametrize(
    "chosen",
    [{"monitors": "cart"}, {"monitors": "relay"}, {"categories": "storefront"}],
    ids=["another-pages-monitor", "a-monitor-not-shown", "another-pages-category"],
)
def test_the_form_refuses_a_component_of_another_page(https_client, pages, page_b, chosen):
    data = {field: [pages[name].pk] for field, name in chosen.items()}
    response = https_client.post(
        f"{page_b.root}/subscribe", {"kind": "email", "email": "ann@example.test", **data},
        **page_b.host,
    )  # fmt: skip
    assert response.status_code == 400
    assert "Choose among the components of this page." in response.content.decode()
    assert not Subscriber.objects.exists()


def test_ticking_a_pages_own_components_subscribes_to_them(https_client, pages, page_b):
    response = https_client.post(
        f"{page_b.root}/subscribe",
        {"kind": "email", "email": "ann@example.test", "monitors": [pages["mailer"].pk],
         "categories": [pages["post"].pk]},
        **page_b.host,
    )  # fmt: skip
    assert response.status_code == 200
    subscriber = Subscriber.objects.get()
    # The page shows Post only by Mailer: ticking Post means Mailer, not Relay.
    assert list(subscriber.monitors.all()) == [pages["mailer"]]
    assert list(subscriber.categories.all()) == []


def test_ticking_a_category_the_page_shows_only_in_part_brings_no_news_of_the_rest(
    https_client, pages
):
    https_client.post(
        "/p/mail/subscribe",
        {"kind": "email", "email": "bo@example.test", "categories": [pages["post"].pk]},
    )
    subscriber = Subscriber.objects.get()
    subscriber.confirmed_at = timezone.now()
    subscriber.save()
    assert list(subscriber.monitors.all()) == [pages["mailer"]]
    hears = audience([(pages["relay"].pk, pages["post"].pk)])
    assert list(hears) == []
    assert list(audience([(pages["mailer"].pk, pages["post"].pk)])) == [subscriber]


def test_ticking_a_whole_category_of_the_page_subscribes_to_it(https_client, pages):
    https_client.post(
        "/subscribe",
        {"kind": "email", "email": "cy@example.test", "categories": [pages["storefront"].pk]},
        HTTP_HOST=SHOP_HOST,
    )
    assert list(Subscriber.objects.get().categories.all()) == [pages["storefront"]]


def test_the_form_speaks_swedish_when_it_refuses(https_client, pages):
    https_client.cookies["django_language"] = "sv"
    response = https_client.post(
        "/p/mail/subscribe",
        {"kind": "email", "email": "ann@example.test", "monitors": [pages["cart"].pk]},
    )
    assert "Välj bland den här sidans komponenter." in response.content.decode()


def test_the_same_email_can_subscribe_to_two_pages(
    https_client, pages, smtp_sink, celery_eager, django_capture_on_commit_callbacks
):
    for _ in range(2):  # the second time changes nothing
        for path, host in (("/subscribe", SHOP_HOST), ("/p/mail/subscribe", "testserver")):
            with django_capture_on_commit_callbacks(execute=True):
                response = https_client.post(
                    path, {"kind": "email", "email": "Ann@Example.test"}, HTTP_HOST=host
                )
            assert response.status_code == 200
    rows = Subscriber.objects.order_by("page__slug")
    assert [(s.page.slug, s.address) for s in rows] == [
        ("mail", "ann@example.test"), ("shop", "ann@example.test"),
    ]  # fmt: skip
    assert sorted(m["Subject"] for m in mails(smtp_sink)) == [
        "[Mail status] Confirm your subscription", "[Mail status] Confirm your subscription",
        "[Shop status] Confirm your subscription", "[Shop status] Confirm your subscription",
    ]  # fmt: skip
    shop_link = next(u for u in links_in(mails(smtp_sink)[0]) if "/confirm/" in u)
    assert shop_link.startswith(f"https://{SHOP_HOST}/subscriptions/confirm/")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(page=pages["mail"], kind="email", address="ann@example.test")


def test_who_chose_nothing_hears_of_everything_on_its_page_and_nothing_else(pages):
    everything = StatusPage.objects.create(title="All", slug="all", shows_everything=True)
    default = default_page()
    on_shop, on_mail = (
        confirmed(pages["shop"], "shop@x.test"),
        confirmed(pages["mail"], "mail@x.test"),
    )
    on_all, on_default = confirmed(everything, "all@x.test"), confirmed(default, "default@x.test")
    relay_fan = confirmed(pages["mail"], "relay@x.test")
    relay_fan.monitors.add(pages["relay"])  # chosen components work as before
    post_fan = confirmed(pages["shop"], "post@x.test")
    post_fan.categories.add(pages["post"])
    assert on_shop and on_mail and on_all and on_default

    def hear(*monitors) -> set[str]:
        components = [(m.pk, m.category_id) for m in monitors]
        return set(audience(components).values_list("address", flat=True))

    assert hear(pages["cart"]) == {"shop@x.test", "all@x.test", "default@x.test"}
    assert hear(pages["mailer"]) == {"mail@x.test", "all@x.test", "default@x.test", "post@x.test"}
    assert hear(pages["relay"]) == {"all@x.test", "default@x.test", "relay@x.test", "post@x.test"}
    assert hear(pages["cart"], pages["mailer"]) == {
        "shop@x.test", "mail@x.test", "all@x.test", "default@x.test", "post@x.test",
    }  # fmt: skip
    # About no monitor: where such an incident shows, the default page and "everything" pages.
    assert hear() == {"all@x.test", "default@x.test"}


@pytest.mark.parametrize("count", [1, 50])
def test_who_hears_a_notice_is_one_query_for_any_number_of_subscribers(
    pages, count, django_assert_num_queries
):
    default = default_page()
    for n in range(count):
        page = [pages["shop"], pages["mail"], default][n % 3]
        subscriber = confirmed(page, f"s{n}@x.test")
        if n % 5 == 4:
            subscriber.categories.add(pages["storefront"])
    relay = confirmed(pages["shop"], "relay@x.test")  # chose a monitor no one here is about
    relay.monitors.add(pages["relay"])
    components = [(m.pk, m.category_id) for m in (pages["mailer"], pages["cart"])]
    with django_assert_num_queries(1):
        heard = list(audience(components).values_list("address", flat=True))
    assert sorted(heard) == sorted(f"s{n}@x.test" for n in range(count))


def test_the_manage_page_offers_and_accepts_only_the_subscribers_pages_components(
    https_client, pages, page_b
):
    subscriber = confirmed(pages["mail"], "ann@example.test")
    url = f"{page_b.root}/subscriptions/{subscriber.token}"
    page = https_client.get(url, **page_b.host).content.decode()
    assert "Mailer" in page and "Cart" not in page and "Relay" not in page
    elsewhere = https_client.get(f"/subscriptions/{subscriber.token}", HTTP_HOST=SHOP_HOST)
    assert elsewhere.status_code == 200  # the token finds it at any page's address
    assert "Mailer" in elsewhere.content.decode() and "Cart" not in elsewhere.content.decode()
    refused = https_client.post(url, {"monitors": [pages["cart"].pk]}, **page_b.host)
    assert refused.status_code == 400
    assert "Choose among the components of this page." in refused.content.decode()
    assert not subscriber.monitors.exists()
    saved = https_client.post(url, {"monitors": [pages["mailer"].pk]}, **page_b.host)
    assert saved.status_code == 200 and "Saved." in saved.content.decode()
    assert list(subscriber.monitors.all()) == [pages["mailer"]]


def test_subscribing_where_no_page_is_stored_records_the_default_page(https_client, settings):
    StatusPage.objects.all().delete()
    response = https_client.post("/subscribe", {"kind": "email", "email": "ann@example.test"})
    assert response.status_code == 200
    page = Subscriber.objects.get().page
    assert page.is_default and page.shows_everything and page.title == settings.SITE_NAME
    https_client.post("/subscribe", {"kind": "email", "email": "bob@example.test"})
    assert StatusPage.objects.count() == 1


def test_the_admin_lists_and_filters_subscribers_by_page(https_admin_client, pages):
    confirmed(pages["shop"], "shop@x.test")
    confirmed(pages["mail"], "mail@x.test")
    listing = https_admin_client.get("/admin/alerts/subscriber/").content.decode()
    assert "Shop status" in listing and "Mail status" in listing
    only_mail = https_admin_client.get(
        f"/admin/alerts/subscriber/?page__id__exact={pages['mail'].pk}"
    ).content.decode()
    assert "mail@x.test" in only_mail and "shop@x.test" not in only_mail


def _import(client, text: str):
    return client.post(
        "/admin/alerts/subscriber/import/",
        {"file": SimpleUploadedFile("s.csv", text.encode(), content_type="text/csv")},
    )


def test_the_csv_export_names_each_page_and_the_import_puts_them_back(https_admin_client, pages):
    confirmed(pages["shop"], "ann@x.test")
    confirmed(pages["mail"], "ann@x.test").monitors.add(pages["mailer"])
    response = https_admin_client.post(
        "/admin/alerts/subscriber/",
        {"action": "export_csv", "_selected_action": [s.pk for s in Subscriber.objects.all()]},
    )
    lines = response.content.decode().splitlines()
    assert lines[0].endswith(",component_updates,page")
    assert sorted(line.rsplit(",", 1)[1] for line in lines[1:]) == ["mail", "shop"]
    Subscriber.objects.all().delete()
    assert _import(https_admin_client, response.content.decode()).status_code == 302
    rows = Subscriber.objects.order_by("page__slug")
    assert [(s.page.slug, s.address) for s in rows] == [
        ("mail", "ann@x.test"),
        ("shop", "ann@x.test"),
    ]
    assert list(rows[0].monitors.all()) == [pages["mailer"]]


def test_a_csv_without_a_page_column_imports_to_the_default_page(https_admin_client, pages):
    assert _import(https_admin_client, "kind,address\nemail,old@x.test\n").status_code == 302
    assert Subscriber.objects.get().page == default_page()
    text = "kind,address,page\nemail,new@x.test,mail\nemail,new@x.test,\n"
    assert _import(https_admin_client, text).status_code == 302
    assert {s.page.slug for s in Subscriber.objects.filter(address="new@x.test")} == {
        "mail", default_page().slug,
    }  # fmt: skip
    refused = _import(https_admin_client, "kind,address,page\nemail,x@x.test,nope\n")
    assert refused.status_code == 400
    assert "line 2: page: no page has the slug &#x27;nope&#x27;" in refused.content.decode()


def test_the_migration_gives_existing_subscribers_the_default_page(tmp_path):
    """Even when the default page was deleted: it is made again, as pages/0002 makes it."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}", "DEBUG": "true"}
    for back_to in ([], ["alerts", "0003"]):  # the new migrations reverse, too
        result = run_manage("migrate", "--noinput", *back_to, env=env, tmp_path=tmp_path)
        assert result.returncode == 0, result.stderr
    before = (
        "from django.db import connection; c = connection.cursor();"
        "c.execute('DELETE FROM pages_statuspage');"
        '[c.execute("INSERT INTO alerts_subscriber (kind, address, language, token, secret,'
        " component_updates, failures, disabled_reason, created_at) VALUES"
        " ('email', %s, 'en', %s, '', 0, 0, '', '2026-01-01')\", [a, a]) for a in ('a@x', 'b@x')]"
    )
    result = run_manage("shell", "-v", "0", "-c", before, env=env, tmp_path=tmp_path)
    assert result.returncode == 0, result.stderr
    assert run_manage("migrate", "--noinput", env=env, tmp_path=tmp_path).returncode == 0
    after = (
        "from alerts.models import Subscriber;"
        "print(sorted({(s.page.slug, s.page.is_default) for s in Subscriber.objects.all()}),"
        " Subscriber.objects.count())"
    )
    result = run_manage("shell", "-v", "0", "-c", after, env=env, tmp_path=tmp_path)
    assert result.stdout.split() == ["[('status',", "True)]", "2"], result.stderr


def test_staff_add_a_subscriber_to_a_page_once_per_address(https_admin_client, pages):
    default = default_page()
    form = https_admin_client.get("/admin/alerts/subscriber/add/").content.decode()
    assert re.search(rf'<option value="{default.pk}" selected>', form), "default page first"
    confirmed(pages["mail"], "ann@x.test")
    data = {"kind": "email", "address": "ann@x.test", "language": "en"}
    again = https_admin_client.post(
        "/admin/alerts/subscriber/add/", {**data, "page": pages["mail"].pk}
    )
    assert again.status_code == 200
    assert "This address is subscribed to this page already." in again.content.decode()
    other = https_admin_client.post(
        "/admin/alerts/subscriber/add/", {**data, "page": pages["shop"].pk}
    )
    assert other.status_code == 302
    assert Subscriber.objects.filter(address="ann@x.test").count() == 2
