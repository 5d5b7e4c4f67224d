"""The HTML policies of the whole site, and the only place that marks markup as safe.

nh3 (a binding to the Rust crate ammonia) is the sanitizing engine. bleach gets no more
releases, so it is used only for what nh3 does not do, turning URLs in comment text into
links, and its output goes through nh3 again.
"""

import html
import json
import re
from urllib.parse import urlsplit

import bleach
import nh3
from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeData, SafeString, mark_safe

# Control characters (NUL included) that no person types, that databases refuse and that
# break text in feeds; tab, newline and carriage return stay.
_CONTROL_CHARACTERS = str.maketrans(dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127]))


def strip_control_characters(text: str) -> str:
    """The text without control characters: the one rule for every form field and model."""
    return text.translate(_CONTROL_CHARACTERS)


# Article bodies: what the editor produces, nothing more.
ARTICLE_TAGS = {
    "p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "a", "strong", "em", "b", "i",
    "figure", "figcaption", "img", "hr", "br", "cite",
}  # fmt: skip
ARTICLE_ATTRIBUTES = {
    "a": {"href", "title"},
    "blockquote": {"cite"},
    # data-image: a picture of the media library, by its id (articles.body_pictures).
    "img": {"src", "alt", "width", "height", "data-image"},
    "ol": {"start"},
}
# Classes the templates style: quotes and embedded social posts.
ARTICLE_CLASSES = {
    "blockquote": {"pull-quote", "social-post"},
    "figure": {"inline-figure"},
}
URL_SCHEMES = {"http", "https", "mailto"}
# Tags removed together with everything inside them.
DROP_WITH_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript"}

_NUMBER = re.compile(r"^\d{1,5}$")
_IMAGE_ID = re.compile(r"^[1-9]\d{0,17}$")
# Search snippets mark their matches with these control characters, which escaping keeps
# and no article text contains (the article policy and plain_text() never produce them).
HIGHLIGHT_START = "\x02"
HIGHLIGHT_STOP = "\x03"


def _article_attribute_filter(element, attribute, value):
    if element == "img" and attribute == "src":
        # Images in article bodies come from our own media library, never from elsewhere:
        # a third-party image would track readers and can change after publication.
        parts = urlsplit(value)
        if parts.scheme or parts.netloc or "\\" in value or "//" in value or ".." in value:
            return None
        return value if value.startswith(settings.MEDIA_URL) else None
    if attribute == "data-image":
        return value if _IMAGE_ID.match(value) else None
    if attribute in {"width", "height", "start"}:
        return value if _NUMBER.match(value) else None
    if element == "blockquote" and attribute == "cite":
        return value if urlsplit(value).scheme in {"http", "https"} else None
    return value


_article_cleaner = None


def _get_article_cleaner():
    global _article_cleaner
    if _article_cleaner is None:
        _article_cleaner = nh3.Cleaner(
            tags=ARTICLE_TAGS,
            clean_content_tags=DROP_WITH_CONTENT,
            attributes=ARTICLE_ATTRIBUTES,
            attribute_filter=_article_attribute_filter,
            allowed_classes=ARTICLE_CLASSES,
            url_schemes=URL_SCHEMES,
            link_rel="noopener",
            strip_comments=True,
        )
    return _article_cleaner


def clean_article_html(html: str) -> str:
    """Return an article body reduced to the article policy (a plain string, for storing)."""
    return _get_article_cleaner().clean(html or "").strip()


# Comments are plain text: the only markup in the output is what we add.
COMMENT_REL = "nofollow ugc noopener"
_comment_cleaner = nh3.Cleaner(
    tags={"p", "br", "a"},
    clean_content_tags=DROP_WITH_CONTENT,
    attributes={"a": {"href"}},
    url_schemes={"http", "https"},
    link_rel=COMMENT_REL,
)


def _only_web_links(attrs, new=False):
    href = attrs.get((None, "href"), "")
    if urlsplit(href).scheme not in {"http", "https"}:
        return None
    return attrs


_linker = bleach.linkifier.Linker(callbacks=[_only_web_links], parse_email=False)
_BLANK_LINES = re.compile(r"\n\s*\n")


def render_comment_text(text: str) -> SafeString:
    """Escape plain comment text, keep its paragraphs and line breaks, and link its URLs."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = [p for p in _BLANK_LINES.split(text) if p.strip()]
    html = "".join(
        "<p>{}</p>".format(_linker.linkify(escape(p)).replace("\n", "<br>")) for p in paragraphs
    )
    return _trusted(_comment_cleaner.clean(html))


def sanitized(html: str) -> SafeString:
    """Mark an article body stored by `clean_article_html` (on save) as safe to render."""
    return _trusted(html)


_JSON_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def json_ld(data) -> SafeString:
    """A <script type="application/ld+json"> data block; browsers never execute it."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_JSON_ESCAPES)
    return _trusted(f'<script type="application/ld+json">{payload}</script>')


# The same characters as Django's escape(): & < > " '
_escape = html.escape


def format_escaped(template: str, *values) -> SafeString:
    """Like django.utils.html.format_html, for markup built many times a page (a thread).

    The template is the caller's literal markup; each value is escaped, unless it is already
    safe HTML. Measured at a third of format_html's time, which goes through lazy-string
    wrappers on every value.
    """
    return _trusted(
        template.format(
            *(value if isinstance(value, SafeData) else _escape(str(value)) for value in values)
        )
    )


def _trusted(html: str) -> SafeString:
    # The one mark_safe of the project: everything reaching it was built by this module.
    return mark_safe(html)


_snippet_cleaner = nh3.Cleaner(tags={"mark"}, attributes={}, link_rel=None)


def highlight(text: str, terms=()) -> SafeString:
    """Escape a search snippet and wrap its matches in <mark>.

    PostgreSQL marks the matches itself (with control characters, which survive escaping);
    elsewhere the query's words are found here, ignoring case.
    """
    text = text or ""
    if HIGHLIGHT_START in text:
        marked = escape(text)
    else:
        words = sorted({t for t in terms if len(t) > 1}, key=len, reverse=True)[:10]
        if not words:
            return _trusted(escape(text))
        pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
        marked = escape(pattern.sub(lambda m: HIGHLIGHT_START + m[0] + HIGHLIGHT_STOP, text))
    marked = marked.replace(HIGHLIGHT_START, "<mark>").replace(HIGHLIGHT_STOP, "</mark>")
    # Balances the marks should the text itself have held a stray marker character.
    return _trusted(_snippet_cleaner.clean(marked))
