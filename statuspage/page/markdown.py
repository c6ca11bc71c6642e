"""The small, safe Markdown subset of incident and maintenance text.

Understood: paragraphs (a blank line between them; a single newline is a line
break), bullet lists (``-``, ``*``, ``+``), numbered lists (``1.``), emphasis
(``*em*``, ``_em_``, ``**strong**``, ``__strong__``), code spans, links
``[text](url)`` and bare ``http(s)://`` addresses. A link is made only for
http, https and mailto addresses. Everything else, including any HTML a writer
typed, is escaped: every piece of output is either escaped text or a tag this
module writes itself.
"""

import re
from urllib.parse import urlsplit

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

SAFE_SCHEMES = frozenset({"http", "https", "mailto"})

_BULLET = re.compile(r"^\s{0,3}[-*+]\s+(.*)$")
_NUMBERED = re.compile(r"^\s{0,3}\d{1,9}[.)]\s+(.*)$")
_INLINE = re.compile(
    r"`(?P<code>[^`\n]+)`"
    r"|\[(?P<text>[^\]\n]+)\]\((?P<url>[^()\s]+)\)"
    r"|(?P<bare>https?://[^\s<>\"'()\[\]]*[^\s<>\"'()\[\].,;:!?])"
)
# Applied to text that is already escaped: the markers survive escaping and
# the tags wrap escaped text only.
_EMPHASIS = [
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), r"<strong>\1</strong>"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), r"<strong>\1</strong>"),
    (re.compile(r"\*(?=[^\s*])(.+?)(?<=[^\s*])\*"), r"<em>\1</em>"),
    (re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"), r"<em>\1</em>"),
]


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


def _emphasis(text: str) -> str:
    html: str = escape(text)
    for pattern, replacement in _EMPHASIS:
        html = pattern.sub(replacement, html)
    return html


def _link(url: str, label_html: str) -> str:
    return f'<a href="{escape(url)}" rel="nofollow ugc noopener">{label_html}</a>'


def render_inline(text: str) -> str:
    out, pos = [], 0
    for match in _INLINE.finditer(text):
        out.append(_emphasis(text[pos : match.start()]))
        pos = match.end()
        if match["code"]:
            out.append(f"<code>{escape(match['code'])}</code>")
        elif match["bare"]:
            out.append(_link(match["bare"], escape(match["bare"])))
        elif url := safe_url(match["url"]):
            out.append(_link(url, _emphasis(match["text"])))
        else:  # an unsafe link stays visible as the text the writer typed
            out.append(_emphasis(match[0]))
    out.append(_emphasis(text[pos:]))
    return "".join(out)


def _blocks(lines: list[str]) -> list[tuple[str, list[str]]]:
    """Consecutive lines grouped into ("p" | "ul" | "ol", lines)."""
    blocks: list[tuple[str, list[str]]] = []
    for line in lines:
        if not line.strip():
            blocks.append(("", []))
            continue
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        kind, content = (
            ("ul", bullet[1])
            if bullet
            else ("ol", numbered[1])
            if numbered
            else ("p", line.strip())
        )
        if blocks and blocks[-1][0] == kind:
            blocks[-1][1].append(content)
        elif blocks and blocks[-1][0] in ("ul", "ol") and kind == "p" and line[:1].isspace():
            blocks[-1][1][-1] += " " + content  # an indented line continues the item
        else:
            blocks.append((kind, [content]))
    return [block for block in blocks if block[0]]


def render(text: str) -> SafeString:
    html = []
    for kind, lines in _blocks(text.replace("\r\n", "\n").replace("\r", "\n").split("\n")):
        if kind == "p":
            html.append("<p>" + "<br>".join(render_inline(line) for line in lines) + "</p>")
        else:
            items = "".join(f"<li>{render_inline(line)}</li>" for line in lines)
            html.append(f"<{kind}>{items}</{kind}>")
    return mark_safe("".join(html))  # noqa: S308 - built from escaped pieces only


def plain(text: str) -> str:
    """The text without Markdown markers, for places that show plain text."""
    return re.sub(r"\[([^\]\n]+)\]\([^()\s]+\)", r"\1", text)
