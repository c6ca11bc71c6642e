"""Incident and maintenance text as Markdown: CommonMark parsed by
markdown-it-py, then sanitised by nh3 (an allow-list HTML cleaner), so that a
parser bug cannot let markup through that the page does not expect.

Understood: paragraphs (a single newline is a line break), bullet and numbered
lists, emphasis, code spans, links and bare http(s) addresses. Not understood,
and shown as typed: raw HTML (always escaped), headings, block quotes, code
blocks, rules, images and entity references. A link is made only for absolute
http, https and mailto addresses; any other stays visible as the text typed.
"""

import re
from functools import cache
from urllib.parse import urlsplit

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
TAGS = {"p", "br", "em", "strong", "code", "a", "ul", "ol", "li"}
# Block elements a status update has no use for (they would break the page's
# headings and layout), images (they load from anywhere) and entities (``&lt;``
# is shown as typed, as it always was).
OFF = ["heading", "lheading", "blockquote", "code", "fence", "hr", "html_block"]
OFF_INLINE = ["html_inline", "image", "entity"]
LINK_REL = "nofollow ugc noopener"
_AFTER_TAG = re.compile(r">\n")
# After nh3, every literal "<" starts a tag (text carries "&lt;"): the text
# between tags gets its quotes escaped too, as Django's ``escape`` does, so
# typed ``href="..."`` never looks like an attribute to anything reading it.
_TAG = re.compile(r"(<[^>]*>)")
_QUOTES = str.maketrans({'"': "&quot;", "'": "&#x27;"})


def safe_url(url: str) -> str | None:
    """``url`` when it is an absolute http, https or mailto address, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES:
        return None
    if parts.scheme.lower() != "mailto" and not parts.netloc:
        return None
    return url


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": True, "linkify": True})
    md.disable(OFF + OFF_INLINE)
    md.enable("linkify")
    # Only addresses typed with their scheme become links, never "a@b.test"
    # or "www.x.test" guessed from the text.
    if md.linkify is not None:  # linkify-it-py is a dependency (markdown-it-py[linkify])
        md.linkify.set({"fuzzy_email": False, "fuzzy_link": False})
    md.validateLink = lambda url: safe_url(url.strip()) is not None  # type: ignore[method-assign]
    return md


def render(text: str) -> SafeString:
    html = _parser().render(text)
    # The renderer ends block tags with a newline; the page wants none between tags.
    html = _AFTER_TAG.sub(">", html).strip()
    clean = nh3.clean(
        html,
        tags=TAGS,
        attributes={"a": {"href"}},
        url_schemes=set(SAFE_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )
    parts = _TAG.split(clean)
    parts[::2] = [text.translate(_QUOTES) for text in parts[::2]]
    return mark_safe("".join(parts))  # noqa: S308 - sanitised by nh3 to the tags above


def plain(text: str) -> str:
    """The text without Markdown markers, for places that show plain text."""
    return re.sub(r"\[([^\]\n]+)\]\([^()\s]+\)", r"\1", text)
