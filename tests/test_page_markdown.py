"""Incident text: a small safe Markdown subset; everything else is escaped."""

import re

import pytest

from statuspage.public.markdown import render


def test_emphasis_lists_links_and_line_breaks_are_understood():
    text = (
        "We are *looking* into **slow** logins.\nSee [the docs](https://docs.test/a?b=1&c=2)."
        "\n\n- web\n- api\n\n1. first\n2. second"
    )
    assert render(text) == (
        "<p>We are <em>looking</em> into <strong>slow</strong> logins.<br>"
        'See <a href="https://docs.test/a?b=1&amp;c=2" rel="nofollow ugc noopener">'
        "the docs</a>.</p>"
        "<ul><li>web</li><li>api</li></ul>"
        "<ol><li>first</li><li>second</li></ol>"
    )


def test_bare_addresses_and_mailto_links_become_links():
    html = render("Status at https://status.test/x, mail [us](mailto:ops@example.test)")
    assert (
        '<a href="https://status.test/x" rel="nofollow ugc noopener">https://status.test/x</a>,'
        in html
    )
    assert '<a href="mailto:ops@example.test" rel="nofollow ugc noopener">us</a>' in html


def test_underscores_inside_words_stay_text():
    assert render("see my_table_name and `a*b*c`") == (
        "<p>see my_table_name and <code>a*b*c</code></p>"
    )


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert`1`)",
    "[click](data:text/html;base64,PHNjcmlwdD4=)",
    "[click](vbscript:msgbox)",
    "[click](//evil.test/x)",
    '[click](https://ok.test/" onmouseover="alert(1))',
    "[click](https://ok.test/'onmouseover='alert(1)')",
    "**<b onmouseover=alert(1)>bold</b>**",
    "- <iframe src=https://evil.test>",
    "`</code><script>alert(1)</script>`",
    "[<svg onload=alert(1)>](https://ok.test/)",
    'https://ok.test/"><script>alert(1)</script>',
    "&lt;script&gt; stays &amp; as typed",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_escaped_never_as_markup(text):
    html = render(text)
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "<svg" not in html and "<b " not in html
    # Every tag left is one the renderer writes, and every link is http(s) or mailto.
    tags = set(re.findall(r"</?([a-z]+)", html))
    assert tags <= {"p", "br", "em", "strong", "code", "a", "ul", "ol", "li"}
    for href in re.findall(r'href="([^"]*)"', html):
        assert href.startswith(("http://", "https://", "mailto:"))
    for attributes in re.findall(r"<a ([^>]*)>", html):
        assert re.fullmatch(r'href="[^"]*" rel="nofollow ugc noopener"', attributes)


def test_an_unsafe_link_stays_visible_as_typed():
    assert render("[click](javascript:alert(1))") == "<p>[click](javascript:alert(1))</p>"
    assert render("&lt;b&gt;") == "<p>&amp;lt;b&amp;gt;</p>"


def test_commonmark_blocks_the_page_has_no_place_for_stay_text():
    """Headings, quotes and images would break the page's layout or load from
    anywhere; addresses without a scheme are not guessed into links."""
    html = render("# Big\n> quoted\n![x](https://img.test/a.png)\nops@example.test www.x.test")
    assert "<h1" not in html and "<blockquote" not in html and "<img" not in html
    assert "mailto:" not in html and "www.x.test</a>" not in html
    assert '<a href="https://img.test/a.png"' in html  # an image is only a link to it
    assert "# Big" in html and "ops@example.test" in html


def test_a_multi_line_update_keeps_its_paragraphs_and_lists():
    assert render("Fixed.\n\nSteps:\n\n1. rolled back\n2. *watching*") == (
        "<p>Fixed.</p><p>Steps:</p><ol><li>rolled back</li><li><em>watching</em></li></ol>"
    )
