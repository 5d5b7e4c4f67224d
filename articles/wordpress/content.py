"""WordPress post content turned into an article body of this site.

Block-editor comments go, classic-editor text gets its paragraphs the way WordPress's
wpautop() gives them, [caption] becomes a <figure>, YouTube and X/Twitter embeds become
the site's embedded-post block (a link, never a third-party frame or script), and the
result goes through the article sanitizer. Shortcodes nobody here knows are left as text
and listed, and images still on the old site's uploads are listed so that the importer
can point them at the media library.

This site has no video embed of its own: a YouTube video becomes a link to it in an
embedded-post block (<blockquote class="social-post">), like an X/Twitter post.
"""

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.utils.translation import gettext as _

from newsroom.sanitize import clean_article_html

from ..body_pictures import attributes

UPLOADS_PATH = "/wp-content/uploads/"
# Marks where finished markup goes back in; a control character no export contains.
_SHELVED = "\x1a"
_SHELF_MARK = re.compile(rf"(?:<p>)?{_SHELVED}(\d+){_SHELVED}(?:</p>)?")


@dataclass(frozen=True)
class Conversion:
    html: str
    unknown_shortcodes: list[str] = field(default_factory=list)
    upload_urls: list[str] = field(default_factory=list)
    # Pictures with an address elsewhere, which this site never shows: kept as links.
    linked_pictures: list[str] = field(default_factory=list)


def convert(content: str, *, uploads_url: str = "", picture_id=None) -> Conversion:
    """Convert one post's content:encoded into a sanitized article body.

    `uploads_url` is the old site's uploads address ("https://old.example/wp-content/uploads/");
    without it, any URL with /wp-content/uploads/ in its path counts. `picture_id(url)`,
    when given, returns the media library image an uploaded picture became (or None to keep
    it listed): an <img> then refers to it by id (articles.body_pictures), and a link to it
    goes to its old address, which answers with the picture while it is public. Any other
    picture with a full address becomes a link to it, since the site shows none from
    elsewhere.
    """
    text = (content or "").replace("\r\n", "\n").replace("\r", "\n").replace(_SHELVED, "")
    has_blocks = "<!-- wp:" in text
    shelf = []

    def shelve(markup: str) -> str:
        # Finished markup waits outside while paragraphs are made around it.
        shelf.append(markup)
        return f"\n\n{_SHELVED}{len(shelf) - 1}{_SHELVED}\n\n"

    text = _replace_block_embeds(text, shelve)
    text = _BLOCK_COMMENT.sub("", text)
    text = _BLOCK_IMAGE_FIGURE.sub('<figure class="inline-figure">', text)
    text = _EMBED_SHORTCODE.sub(lambda m: shelve(_embed_or_link(html.unescape(m[1].strip()))), text)
    text = _TWEET_QUOTE.sub(lambda m: shelve(_tweet_quote(m)), text)
    text = _VIDEO_FRAME.sub(lambda m: shelve(_video_frame(m)), text)
    text = _BARE_URL_LINE.sub(lambda m: _embed_or_keep(m[1], m[0], shelve), text)
    # As in WordPress, paragraphs are made before shortcodes run; a caption stands alone.
    if not has_blocks:
        text = autop(_CAPTION.sub(_caption_on_its_own, text))
    text = _WRAPPED_FIGURE.sub(r"\1", _replace_captions(text))
    text = _SHELF_MARK.sub(lambda m: shelf[int(m[1])], text)
    text = _BLANK_LINES.sub("\n\n", text).strip()
    unknown = sorted({m[1].lower() for m in _SHORTCODE.finditer(_without_tags(text))})
    uploads = _upload_urls(text, uploads_url)
    if picture_id is not None:
        text = _point_at_library(text, uploads_url, picture_id)
    text, linked = _foreign_pictures_as_links(text)
    return Conversion(
        html=clean_article_html(text),
        unknown_shortcodes=unknown,
        upload_urls=uploads,
        linked_pictures=linked,
    )


# --- embeds -------------------------------------------------------------------------------

_BLOCK_EMBED = re.compile(
    r"<!--\s*wp:(?:embed|core-embed/[\w-]+)(\s+\{.*?\})?\s*-->(.*?)"
    r"<!--\s*/wp:(?:embed|core-embed/[\w-]+)\s*-->",
    re.DOTALL,
)
_BLOCK_COMMENT = re.compile(r"<!--\s*/?wp:.*?-->\n?", re.DOTALL)
_EMBED_SHORTCODE = re.compile(r"\[embed(?:\s[^\]]*)?\](.*?)\[/embed\]", re.DOTALL | re.IGNORECASE)
_BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"']+)[ \t]*$", re.MULTILINE)
_TWEET_QUOTE = re.compile(
    r"<blockquote\b[^>]*class=[\"'][^\"']*twitter-tweet[^\"']*[\"'][^>]*>(.*?)</blockquote>"
    r"(?:\s*<script\b[^>]*>\s*</script>)?",
    re.DOTALL | re.IGNORECASE,
)
_VIDEO_FRAME = re.compile(
    r"<iframe\b[^>]*\bsrc=[\"']([^\"']+)[\"'][^>]*>.*?</iframe>", re.DOTALL | re.IGNORECASE
)
_HREF = re.compile(r"href=[\"']([^\"']+)[\"']", re.IGNORECASE)
_TWITTER_HOSTS = {"twitter.com", "www.twitter.com", "mobile.twitter.com", "x.com", "www.x.com"}
_YOUTUBE_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "youtube-nocookie.com",
                  "www.youtube-nocookie.com"}  # fmt: skip
_VIDEO_ID = re.compile(r"^[\w-]{6,20}$")
_STATUS_PATH = re.compile(r"^/(\w{1,30})/status(?:es)?/(\d{1,25})")


def _replace_block_embeds(text: str, shelve) -> str:
    def replace(match):
        attributes = {}
        if match[1]:
            try:
                attributes = json.loads(match[1])
            except ValueError:
                attributes = {}
        url = attributes.get("url") if isinstance(attributes, dict) else None
        if not isinstance(url, str) or not url:
            found = re.search(r"https?://[^\s<>\"']+", _without_tags(match[2]))
            url = found[0] if found else ""
        return shelve(_embed_or_link(html.unescape(url))) if url else ""

    return _BLOCK_EMBED.sub(replace, text)


def embed_markup(url: str) -> str | None:
    """The site's embedded-post block for a YouTube video or an X/Twitter post, else None."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    if parts.scheme not in {"http", "https"}:
        return None
    host = (parts.hostname or "").lower()
    if host in _TWITTER_HOSTS:
        match = _STATUS_PATH.match(parts.path)
        if not match:
            return None
        handle, status = match[1], match[2]
        link = f"https://x.com/{handle}/status/{status}"
        label = _("Post by @%(handle)s on X") % {"handle": handle}
        return _post_block(link, label)
    video = None
    if host == "youtu.be":
        video = parts.path.strip("/").split("/")[0]
    elif host in _YOUTUBE_HOSTS:
        if parts.path == "/watch":
            video = parse_qs(parts.query).get("v", [""])[0]
        elif parts.path.startswith(("/embed/", "/shorts/", "/live/", "/v/")):
            video = parts.path.split("/")[2]
    if video and _VIDEO_ID.match(video):
        return _post_block(f"https://www.youtube.com/watch?v={video}", _("Video on YouTube"))
    return None


def _post_block(link: str, label: str) -> str:
    link, label = html.escape(link), html.escape(label)
    return (
        f'<blockquote class="social-post" cite="{link}">'
        f'<p><a href="{link}">{label}</a></p></blockquote>'
    )


def _embed_or_link(url: str) -> str:
    markup = embed_markup(url)
    if markup:
        return markup
    if urlsplit(url).scheme in {"http", "https"}:
        safe = html.escape(url)
        return f'<p><a href="{safe}">{safe}</a></p>'
    return html.escape(url)


def _embed_or_keep(url: str, line: str, shelve) -> str:
    markup = embed_markup(html.unescape(url))
    return shelve(markup) if markup else line


def _tweet_quote(match) -> str:
    inner = match[1]
    links = [html.unescape(link) for link in _HREF.findall(inner)]
    statuses = [link for link in links if embed_markup(link) and "/status" in link]
    cite = f' cite="{html.escape(statuses[-1])}"' if statuses else ""
    if "<p" not in inner:
        inner = f"<p>{inner}</p>"
    return f'<blockquote class="social-post"{cite}>{inner}</blockquote>'


def _video_frame(match) -> str:
    return embed_markup(html.unescape(match[1])) or ""


# --- captions and shortcodes -----------------------------------------------------------

_CAPTION = re.compile(r"\[(caption|wp_caption)([^\]]*)\](.*?)\[/\1\]", re.DOTALL | re.IGNORECASE)
_CAPTION_ATTRIBUTE = re.compile(r"\bcaption=(\"[^\"]*\"|'[^']*')", re.IGNORECASE)
_IMAGE_PART = re.compile(r"^\s*((?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)(.*)$", re.DOTALL)
# [name ...] or [/name]: a WordPress shortcode's shape. Also matches a bracketed word in
# text ("[sic]"); the list is for people to read through, so that costs little.
_SHORTCODE = re.compile(r"\[/?([A-Za-z][\w-]*)(?:\s[^\]\[]*)?/?\]")
_TAG = re.compile(r"<[^>]*>")
_BLOCK_IMAGE_FIGURE = re.compile(
    r"<figure\b[^>]*class=[\"'][^\"']*wp-block-image[^\"']*[\"'][^>]*>", re.IGNORECASE
)
_WRAPPED_FIGURE = re.compile(
    r"<p>\s*(<figure\b(?:(?!</figure>).)*</figure>)\s*(?:<br>\s*)?</p>", re.DOTALL
)
_BLANK_LINES = re.compile(r"\n{3,}")


def _without_tags(text: str) -> str:
    return _TAG.sub(" ", text)


def _caption_on_its_own(match) -> str:
    return "\n\n" + match[0].replace("\n", " ") + "\n\n"


def _replace_captions(text: str) -> str:
    def replace(match):
        inner = match[3].strip()
        found = _IMAGE_PART.match(inner)
        if not found:
            return inner
        image, caption = found[1], found[2].strip()
        if not caption:
            attribute = _CAPTION_ATTRIBUTE.search(match[2])
            caption = attribute[1][1:-1] if attribute else ""
        figcaption = f"<figcaption>{caption}</figcaption>" if caption else ""
        return f'<figure class="inline-figure">{image}{figcaption}</figure>'

    return _CAPTION.sub(replace, text)


# --- images on the old site ------------------------------------------------------------

# Images, and links to them (the full size behind a thumbnail).
_IMG_SRC = re.compile(
    r"(<img\b[^>]*?\bsrc=|<a\b[^>]*?\bhref=)([\"'])(.*?)\2", re.IGNORECASE | re.DOTALL
)


def _is_upload(url: str, uploads_url: str) -> bool:
    if uploads_url:
        return url.startswith(uploads_url)
    try:
        return UPLOADS_PATH in urlsplit(url).path
    except ValueError:
        return False


def _upload_urls(text: str, uploads_url: str) -> list[str]:
    found = []
    for match in _IMG_SRC.finditer(text):
        url = html.unescape(match[3].strip())
        if _is_upload(url, uploads_url) and url not in found:
            found.append(url)
    return found


def _point_at_library(text: str, uploads_url: str, picture_id) -> str:
    def replace(match):
        url = html.unescape(match[3].strip())
        if not _is_upload(url, uploads_url):
            return match[0]
        image_id = picture_id(url)
        if image_id is None:
            return match[0]
        if match[1][:4].lower() == "<img":
            # By its library id: the picture's own addresses change with its renditions.
            return f'{match[1][: -len("src=")]}data-image="{int(image_id)}"'
        return f"{match[1]}{match[2]}{html.escape(_path(url))}{match[2]}"

    return _IMG_SRC.sub(replace, text)


def _path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return ""


_IMG_TAG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)


def _foreign_pictures_as_links(text: str) -> tuple[str, list[str]]:
    linked = []

    def replace(match):
        found = attributes(match[0])
        url = found.get("src", "").strip()
        if "data-image" in found or _scheme(url) not in {"http", "https"}:
            return match[0]
        linked.append(url)
        label = found.get("alt", "").strip() or _("Picture")
        return f'<a href="{html.escape(url)}">{html.escape(label)}</a>'

    return _IMG_TAG.sub(replace, text), linked


# --- wpautop ------------------------------------------------------------------------------

_ALL_BLOCKS = (
    r"(?:table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|style|p|h[1-6]|hr|fieldset|legend|section|article"
    r"|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary)"
)
_BLOCK_OPEN = re.compile(rf"(<{_ALL_BLOCKS}[\s/>])", re.IGNORECASE)
_BLOCK_CLOSE = re.compile(rf"(</{_ALL_BLOCKS}>)", re.IGNORECASE)
_BLOCK_TAG = rf"</?{_ALL_BLOCKS}[^>]*>"


def autop(text: str) -> str:
    """Paragraphs and line breaks from plain newlines, as WordPress's wpautop() makes them.

    A blank line starts a new paragraph, a single newline becomes <br>, and block elements
    (lists, quotes, figures, headings...) are never wrapped in <p>.
    """
    if not text.strip():
        return ""
    text = text + "\n"
    text = re.sub(r"<br\s*/?>\s*<br\s*/?>", "\n\n", text, flags=re.IGNORECASE)
    text = _BLOCK_OPEN.sub(r"\n\n\1", text)
    text = _BLOCK_CLOSE.sub(r"\1\n\n", text)
    text = re.sub(r"<hr\s*?/?>", "<hr>\n\n", text, flags=re.IGNORECASE)
    # A newline inside a tag is not a line break of the text.
    text = _TAG.sub(lambda m: m[0].replace("\n", " "), text)
    text = re.sub(r"\n\n+", "\n\n", text)
    chunks = [chunk.strip() for chunk in re.split(r"\n\s*\n", text)]
    text = "".join(f"<p>{chunk}</p>\n" for chunk in chunks if chunk)
    text = re.sub(r"<p>\s*</p>", "", text)
    text = re.sub(r"<p>([^<]+)</(div|address|form)>", r"<p>\1</p></\2>", text)
    text = re.sub(rf"<p>\s*({_BLOCK_TAG})\s*</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<p>(<li.+?)</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"<p><blockquote([^>]*)>", r"<blockquote\1><p>", text, flags=re.IGNORECASE)
    text = text.replace("</blockquote></p>", "</p></blockquote>")
    text = re.sub(rf"<p>\s*({_BLOCK_TAG})", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(rf"({_BLOCK_TAG})\s*</p>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(r"(?<!<br>)\s*\n(?!$)", "<br>\n", text.rstrip("\n")) + "\n"
    text = re.sub(rf"({_BLOCK_TAG})\s*<br>", r"\1", text, flags=re.IGNORECASE)
    text = re.sub(
        r"<br>(\s*</?(?:p|li|div|dl|dd|dt|th|pre|td|ul|ol)[^>]*>)", r"\1", text, flags=re.I
    )
    text = re.sub(r"\n</p>$", "</p>", text)
    return text.strip()
