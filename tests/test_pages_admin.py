"""Staff edit status pages in the admin: what each shows and in what order,
its logo (any common image, stored re-encoded and bounded), its password
(write-only) and which one is the default (always exactly one)."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from pages.models import Access, PageCategory, PageMonitor, StatusPage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

ADD = "/admin/pages/statuspage/add/"


def image_bytes(size=(64, 32), colour=(200, 30, 30), format="PNG", mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, colour).save(out, format=format)
    return out.getvalue()


def upload(data: bytes, name="logo.png", content_type="image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def form_data(**fields) -> dict:
    """The add form as a browser posts it, with both inlines empty."""
    data = {
        "title": "Acme", "slug": "acme", "domain": "", "description": "",
        "accent_colour": "#1f6feb", "footer": "", "language": "", "time_zone": "",
        "shows_everything": "", "show_bars": "on", "show_response_times": "on",
        "show_history": "on", "access": "public", "password": "",
    }  # fmt: skip
    for prefix in ("page_categories", "page_monitors"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
        }  # fmt: skip
    return data | fields


def rows(prefix: str, entries: list[tuple[str, int, int]]) -> dict:
    """Inline rows: (field name, id, position) each."""
    data = {f"{prefix}-TOTAL_FORMS": str(len(entries))}
    for n, (field, pk, position) in enumerate(entries):
        data |= {f"{prefix}-{n}-{field}": str(pk), f"{prefix}-{n}-position": str(position)}
    return data


def errors(response) -> dict:
    assert response.status_code == 200, response.status_code
    return response.context["adminform"].form.errors


def test_the_list_and_the_forms_open(admin_client):
    assert admin_client.get("/admin/pages/statuspage/").status_code == 200
    assert admin_client.get(ADD).status_code == 200
    default = StatusPage.objects.get(is_default=True)
    assert admin_client.get(f"/admin/pages/statuspage/{default.pk}/change/").status_code == 200


def test_staff_create_a_page_with_its_categories_and_monitors_in_order(
    admin_client, category, make_monitor
):
    first, second = make_monitor(name="API"), make_monitor(name="Mail")
    data = form_data(
        **rows("page_categories", [("category", category.pk, 2)]),
        **rows("page_monitors", [("monitor", second.pk, 0), ("monitor", first.pk, 1)]),
    )
    response = admin_client.post(ADD, data)
    assert response.status_code == 302, errors(response)
    page = StatusPage.objects.get(slug="acme")
    assert not page.is_default and page.access == Access.PUBLIC
    assert list(page.page_monitors.values_list("monitor__name", "position")) == [
        ("Mail", 0),
        ("API", 1),
    ]
    assert list(PageCategory.objects.filter(page=page).values_list("category", flat=True)) == [
        category.pk
    ]
    listing = admin_client.get("/admin/pages/statuspage/").content.decode()
    assert "1 category, 2 monitors" in listing and "every monitor" in listing


def test_staff_edit_a_page_and_reorder_its_monitors(admin_client, make_monitor):
    web, api = make_monitor(name="Web"), make_monitor(name="API")
    page = StatusPage.objects.create(title="Acme", slug="acme")
    a = PageMonitor.objects.create(page=page, monitor=web, position=0)
    b = PageMonitor.objects.create(page=page, monitor=api, position=1)
    data = form_data(title="Acme Cloud") | {
        "page_monitors-TOTAL_FORMS": "2", "page_monitors-INITIAL_FORMS": "2",
        "page_monitors-0-id": str(a.pk), "page_monitors-0-page": str(page.pk),
        "page_monitors-0-monitor": str(web.pk), "page_monitors-0-position": "5",
        "page_monitors-1-id": str(b.pk), "page_monitors-1-page": str(page.pk),
        "page_monitors-1-monitor": str(api.pk), "page_monitors-1-position": "1",
    }  # fmt: skip
    response = admin_client.post(f"/admin/pages/statuspage/{page.pk}/change/", data)
    assert response.status_code == 302, errors(response)
    page.refresh_from_db()
    assert page.title == "Acme Cloud"
    assert [e.monitor.name for e in page.page_monitors.all()] == ["API", "Web"]


def test_the_change_form_links_to_the_page_where_it_is_read(admin_client):
    page = StatusPage.objects.create(title="Acme", slug="acme")
    html = admin_client.get(f"/admin/pages/statuspage/{page.pk}/change/").content.decode()
    assert 'href="/p/acme/"' in html
    page.domain = "status.acme.test"
    page.save()
    html = admin_client.get(f"/admin/pages/statuspage/{page.pk}/change/").content.decode()
    assert 'href="https://status.acme.test/"' in html


def test_a_logo_is_stored_as_a_png_without_its_metadata(admin_client):
    jpeg = io.BytesIO()
    exif = Image.Exif()
    exif[0x010E] = "secret camera note"  # ImageDescription
    Image.new("RGB", (80, 40), (10, 120, 200)).save(jpeg, format="JPEG", exif=exif)
    assert b"secret camera note" in jpeg.getvalue()
    data = form_data(logo_upload=upload(jpeg.getvalue(), "logo.jpg", "image/jpeg"))
    assert admin_client.post(ADD, data).status_code == 302
    page = StatusPage.objects.get(slug="acme")
    stored = bytes(page.logo)
    assert stored.startswith(b"\x89PNG") and b"secret camera note" not in stored
    assert re.fullmatch(r"[0-9a-f]{16}", page.logo_digest)
    assert Image.open(io.BytesIO(stored)).size == (80, 40)


def test_a_large_logo_is_scaled_down_to_fit_512_pixels(admin_client):
    data = form_data(logo_upload=upload(image_bytes((2000, 1000), format="WEBP"), "big.webp"))
    assert admin_client.post(ADD, data).status_code == 302
    stored = bytes(StatusPage.objects.get(slug="acme").logo)
    assert Image.open(io.BytesIO(stored)).size == (512, 256)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize(
    "name,data,content_type",
    [
        ("logo.svg", SVG, "image/svg+xml"),
        ("logo.png", b"just some text, not an image", "image/png"),
        ("notes.txt", b"hello", "text/plain"),
        ("huge.png", b"\x89PNG" + b"\0" * (1024 * 1024), "image/png"),
    ],
)
def test_anything_but_a_small_image_is_refused_naming_the_logo_field(
    admin_client, name, data, content_type
):
    response = admin_client.post(ADD, form_data(logo_upload=upload(data, name, content_type)))
    assert errors(response)["logo_upload"] == [
        "Upload a PNG, JPEG, GIF or WebP image of at most 1 MB."
    ]
    assert "Upload a PNG, JPEG, GIF or WebP image of at most 1 MB." in response.content.decode()
    assert not StatusPage.objects.filter(slug="acme").exists()


def test_a_decompression_bomb_is_refused_before_it_is_decoded(admin_client):
    bomb = image_bytes((10_000, 10_000), colour=0, mode="1")  # 100 megapixels
    assert len(bomb) < 1024 * 1024
    response = admin_client.post(ADD, form_data(logo_upload=upload(bomb)))
    assert "logo_upload" in errors(response)


def test_staff_remove_a_logo(admin_client):
    assert admin_client.post(ADD, form_data(logo_upload=upload(image_bytes()))).status_code == 302
    page = StatusPage.objects.get(slug="acme")
    assert page.logo_digest
    data = form_data(remove_logo="on")
    assert admin_client.post(f"/admin/pages/statuspage/{page.pk}/change/", data).status_code == 302
    page.refresh_from_db()
    assert page.logo is None and page.logo_digest == ""


def test_a_password_page_needs_a_password_and_stores_only_its_hash(admin_client):
    response = admin_client.post(ADD, form_data(access="password"))
    assert list(errors(response)) == ["password"]
    response = admin_client.post(ADD, form_data(access="password", password="hunter2 hunter2"))
    assert response.status_code == 302
    page = StatusPage.objects.get(slug="acme")
    assert page.check_password("hunter2 hunter2") and "hunter2" not in page.password_hash
    change = f"/admin/pages/statuspage/{page.pk}/change/"
    assert "hunter2" not in admin_client.get(change).content.decode()  # never shown back
    # Saved again without typing it: the password stays.
    assert admin_client.post(change, form_data(access="password")).status_code == 302
    page.refresh_from_db()
    assert page.check_password("hunter2 hunter2")
    # Public again: the password is forgotten, and must be set anew.
    assert admin_client.post(change, form_data(access="public")).status_code == 302
    page.refresh_from_db()
    assert page.password_hash == ""
    assert list(errors(admin_client.post(change, form_data(access="password")))) == ["password"]


def test_making_a_page_the_default_undefaults_the_previous_one(admin_client):
    old = StatusPage.objects.get(is_default=True)
    response = admin_client.post(ADD, form_data(is_default="on"))
    assert response.status_code == 302, errors(response)
    assert list(StatusPage.objects.filter(is_default=True).values_list("slug", flat=True)) == [
        "acme"
    ]
    old.refresh_from_db()
    assert not old.is_default


def test_the_default_page_stays_the_default_until_another_one_is(admin_client):
    default = StatusPage.objects.get(is_default=True)
    data = form_data(title=default.title, slug=default.slug, shows_everything="on")
    response = admin_client.post(f"/admin/pages/statuspage/{default.pk}/change/", data)
    assert list(errors(response)) == ["is_default"]


def test_the_default_page_cannot_be_deleted(admin_client):
    default = StatusPage.objects.get(is_default=True)
    other = StatusPage.objects.create(title="Other", slug="other")
    assert admin_client.get(f"/admin/pages/statuspage/{default.pk}/delete/").status_code == 403
    assert admin_client.post(f"/admin/pages/statuspage/{default.pk}/delete/").status_code == 403
    confirm = admin_client.post(
        "/admin/pages/statuspage/",
        {"action": "delete_pages", "_selected_action": [default.pk, other.pk]},
    )
    assert confirm.status_code == 200  # the confirmation, listing the other page only
    assert "The default page is kept" in confirm.content.decode()
    response = admin_client.post(
        "/admin/pages/statuspage/",
        {"action": "delete_pages", "_selected_action": [default.pk, other.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(StatusPage.objects.values_list("pk", flat=True)) == [default.pk]


def test_a_domain_missing_from_allowed_hosts_is_saved_with_a_warning(admin_client, settings):
    settings.ALLOWED_HOSTS = ["testserver", ".example.test"]
    response = admin_client.post(ADD, form_data(domain="status.acme.test"), follow=True)
    assert StatusPage.objects.get(slug="acme").domain == "status.acme.test"
    messages = [str(m) for m in response.context["messages"]]
    assert any("status.acme.test is not in ALLOWED_HOSTS" in m for m in messages), messages
    data = form_data(slug="b", domain="status.example.test")
    response = admin_client.post(ADD, data, follow=True)
    assert not any("ALLOWED_HOSTS" in str(m) for m in response.context["messages"])


def test_validation_errors_name_their_fields(admin_client):
    data = form_data(slug="admin", accent_colour="red", domain="Bad Domain", time_zone="Mars/Base")
    response = admin_client.post(ADD, data)
    assert set(errors(response)) == {"slug", "accent_colour", "domain", "time_zone"}
