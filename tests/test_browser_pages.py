"""Two differently branded status pages in a real browser (Debian's
chromium, headless), each in the light and the dark colour scheme: each
shows its own title, logo, accent colour, footer and monitors, and nothing
trips the Content-Security-Policy. The screenshots are saved under the
test's tmp_path (their paths printed) and in artifacts/. Skips where
chromium is missing, fails in CI."""

import io
import shutil

import pytest
from PIL import Image, ImageDraw

from core.enums import Protocol, Status
from monitors.models import Monitor
from pages.logo import digest, process
from pages.models import PageMonitor, StatusPage
from tests.test_browser import ARTIFACTS, DESKTOP, browser  # noqa: F401

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("page_cache")]


def logo(size: tuple[int, int], colour: str) -> bytes:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((2, 2, size[0] - 3, size[1] - 3), fill=colour)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return process(io.BytesIO(out.getvalue()))


def branded(title: str, slug: str, accent: str, footer: str, image: bytes, monitors: list[str]):
    page = StatusPage.objects.create(
        title=title, slug=slug, accent_colour=accent, footer=footer,
        description=f"The status of {title}.", logo=image, logo_digest=digest(image),
    )  # fmt: skip
    for position, name in enumerate(monitors):
        monitor = Monitor.objects.create(
            name=name, protocol=Protocol.HTTP, target="https://example.test/",
            status=Status.UP, last_response_ms=100 + position,
        )  # fmt: skip
        PageMonitor.objects.create(page=page, monitor=monitor, position=position)
    page.monitor_names = monitors  # read in the test, where Playwright's loop forbids the ORM
    return page


@pytest.fixture
def two_pages(transactional_db):
    return [
        branded(
            "Acme Cloud", "acme", "#e4007c", "Run by [Acme](https://acme.test/)",
            logo((240, 80), "#e4007c"), ["Acme API", "Acme dashboard"],
        ),
        branded(
            "Globex Mail", "globex", "#00a36c", "Questions? [Write to us](mailto:help@globex.test)",
            logo((96, 96), "#00a36c"), ["Globex SMTP"],
        ),
    ]  # fmt: skip


def rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_two_branded_pages_in_light_and_dark(two_pages, live_server, browser, tmp_path):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    backgrounds: dict[tuple[str, str], str] = {}
    for page_row in two_pages:
        own = page_row.monitor_names
        others = {n for other in two_pages if other is not page_row for n in other.monitor_names}
        for scheme in ("light", "dark"):
            errors: list[str] = []
            context = browser.new_context(viewport=DESKTOP, color_scheme=scheme)
            tab = context.new_page()
            tab.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            tab.on(
                "console",
                lambda message, errors=errors: (
                    message.type == "error" and errors.append(message.text)
                ),
            )
            tab.goto(f"{live_server.url}/p/{page_row.slug}/")
            assert tab.title() == page_row.title
            assert tab.locator(".brand-name").inner_text() == page_row.title
            header_accent = tab.evaluate(
                "getComputedStyle(document.querySelector('header.top')).borderTopColor"
            )
            assert header_accent == rgb(page_row.accent_colour), (errors, tab.content()[:1500])
            button = tab.evaluate(
                "getComputedStyle(document.querySelector('.subscribe-button')).backgroundColor"
            )
            assert button == rgb(page_row.accent_colour)
            image = tab.locator("header img.logo")
            assert image.get_attribute("alt") == page_row.title
            assert tab.evaluate("document.querySelector('header img.logo').naturalWidth") > 0
            assert page_row.description in tab.locator(".description").inner_text()
            footer = tab.locator(".custom-foot a")
            assert footer.count() == 1 and footer.get_attribute("href").startswith(
                ("https://", "mailto:")
            )
            names = tab.locator("li.monitor .mname").all_inner_texts()
            assert names == own and not set(names) & others
            assert tab.locator("li.monitor .rtime").first.inner_text().endswith("ms")
            backgrounds[page_row.slug, scheme] = tab.evaluate(
                "getComputedStyle(document.body).backgroundColor"
            )
            shot = tmp_path / f"page-{page_row.slug}-{scheme}.png"
            tab.screenshot(path=shot, full_page=True)
            shutil.copy(shot, ARTIFACTS / shot.name)
            print(f"screenshot: {shot}")
            assert errors == [], errors  # a CSP violation is a console error
            context.close()
    for slug in ("acme", "globex"):
        assert backgrounds[slug, "light"] != backgrounds[slug, "dark"]
    with (
        Image.open(tmp_path / "page-acme-light.png") as a,
        Image.open(tmp_path / "page-globex-light.png") as b,
    ):
        assert a.convert("RGB").tobytes() != b.convert("RGB").tobytes()


@pytest.fixture
def large_page(transactional_db, settings):
    """A page past PAGE_COLLAPSE_OVER: two categories of four, one monitor down."""
    from monitors.models import Category

    settings.PAGE_COLLAPSE_OVER = 4
    ids = {}
    for name in ("Web", "Mail"):
        category = ids[name] = Category.objects.create(name=name)
        for n in range(4):
            Monitor.objects.create(
                name=f"{name} {n}", protocol=Protocol.HTTP, target="https://example.test/",
                category=category, status=Status.DOWN if (name, n) == ("Web", 2) else Status.UP,
            )  # fmt: skip
    return ids["Web"].pk


def test_a_large_page_shows_a_row_a_category_and_opens_one(large_page, live_server, browser):  # noqa: F811
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    tab = context.new_page()
    tab.on("console", lambda message: message.type == "error" and errors.append(message.text))
    tab.goto(f"{live_server.url}/")
    assert tab.locator(".group-bars .bars").count() == 2  # one bar row a category
    assert tab.locator("li.monitor .mname").all_inner_texts() == ["Web 2"]  # what is down
    tab.screenshot(path=ARTIFACTS / "page-collapsed.png", full_page=True)
    tab.locator(f"#group-{large_page} .all-systems a").click()  # no JavaScript needed
    assert tab.locator("li.monitor .mname").all_inner_texts() == [f"Web {n}" for n in range(4)]
    assert tab.locator("li.monitor .bars").count() == 4
    tab.screenshot(path=ARTIFACTS / "page-category.png", full_page=True)
    assert errors == [], errors
    context.close()
