"""Each page in its own look: its title, logo, description, accent colour
and footer (Markdown, sanitised as incident text is), and what it chooses to
show (uptime bars, response times, history). The logo is served as an image
that can do nothing else."""

import io
import re

import pytest
from django.test import Client
from PIL import Image

from core import pagecache
from core.enums import Status
from pages.logo import digest, process
from pages.models import PageMonitor, StatusPage
from tests.test_pages_admin import image_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("page_cache")]

FOOTER = "Run by [Acme](https://acme.test/about) · <script>alert(1)</script> · **24/7**"


@pytest.fixture
def acme(make_monitor) -> StatusPage:
    png = process(io.BytesIO(image_bytes((120, 60))))
    page = StatusPage.objects.create(
        title="Acme Cloud", slug="acme", description="Everything Acme runs.",
        accent_colour="#e4007c", footer=FOOTER, logo=png, logo_digest=digest(png),
    )  # fmt: skip
    web = make_monitor(name="Acme web", status=Status.UP, last_response_ms=182)
    PageMonitor.objects.create(page=page, monitor=web)
    return page


def get(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_the_page_shows_its_title_logo_and_description(https_client, acme):
    html = get(https_client, "/p/acme/")
    assert "<title>Acme Cloud</title>" in html
    assert f'<img class="logo" src="/p/acme/logo/{acme.logo_digest}.png" alt="Acme Cloud"' in html
    assert "Everything Acme runs." in html
    assert 'content="noindex"' not in html


def test_the_accent_colour_is_set_with_the_answers_nonce(https_client, acme):
    response = https_client.get("/p/acme/")
    html = response.content.decode()
    style = re.search(r'<style nonce="([^"]+)">([^<]*)</style>', html)
    assert style and "--accent: #e4007c;" in style[2]
    policy = response["Content-Security-Policy"]
    style_src = re.search(r"style-src ([^;]*)", policy)[1].split()
    assert style_src == ["'self'", f"'nonce-{style[1]}'"]
    assert "unsafe-inline" not in policy
    again = https_client.get("/p/acme/").content.decode()
    assert re.search(r'<style nonce="([^"]+)">', again)[1] != style[1]  # one per answer


def test_the_footer_is_markdown_with_html_escaped(https_client, acme):
    html = get(https_client, "/p/acme/")
    footer = html.split('<div class="custom-foot body">')[1].split("</div>")[0]
    assert '<a href="https://acme.test/about" rel="nofollow ugc noopener">Acme</a>' in footer
    assert "<strong>24/7</strong>" in footer
    assert "<script>" not in footer and "&lt;script&gt;alert(1)&lt;/script&gt;" in footer


def test_every_page_of_a_page_carries_its_look(https_client, acme):
    html = get(https_client, "/p/acme/history")
    assert "<title>Incident history · Acme Cloud</title>" in html
    assert "--accent: #e4007c;" in html
    assert "Everything Acme runs." not in html  # the description is the front page's
    html = get(https_client, "/p/acme/subscribe")
    assert "Acme Cloud" in html and "--accent: #e4007c;" in html


def test_the_default_page_keeps_the_site_name(https_client, settings, make_monitor):
    make_monitor(name="Web")
    html = get(https_client, "/")
    assert f"<title>{settings.SITE_NAME}</title>" in html
    assert '<span class="brand-name">' in html and "/logo/" not in html


def test_response_times_and_bars_show_as_the_page_chooses(https_client, acme):
    html = get(https_client, "/p/acme/")
    assert '<span class="rtime"' in html and "182 ms" in html
    assert 'class="bars"' in html
    acme.show_bars, acme.show_response_times, acme.show_history = False, False, False
    acme.save()
    pagecache.invalidate()  # what the save does once it commits (this test's never does)
    html = get(https_client, "/p/acme/")
    assert "182 ms" not in html and 'class="bars"' not in html and "Uptime over" not in html
    assert 'href="/p/acme/history"' not in html
    assert https_client.get("/p/acme/history").status_code == 404


def test_the_logo_is_served_as_an_inert_image(acme):
    response = Client().get(f"/p/acme/logo/{acme.logo_digest}.png", secure=True)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(response.content)).size == (120, 60)


def test_only_the_current_logo_is_served(https_client, acme):
    assert https_client.get("/p/acme/logo/0123456789abcdef.png").status_code == 404
    default = StatusPage.objects.get(is_default=True)
    assert https_client.get(f"/logo/{acme.logo_digest}.png").status_code == 404  # not its logo
    assert not default.logo_digest
