"""A streaming reader of WordPress export files (WXR 1.0 to 1.2).

`read_wxr(source)` yields typed records in file order: one `SiteInfo` before anything
else, then the `Author`, `Category`, `Tag` and `Term` records of the header, then one
`Item` per post, page or attachment with its categories, metadata and comments. Each
element is dropped once its record is made, so memory stays bounded whatever the size of
the file. The reader writes nothing; a file that is not well-formed XML raises `WXRError`
with the line and column where the parser stopped.
"""

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# Every WXR version has its own namespace URI (http://wordpress.org/export/1.2/ and its
# excerpt/ companion); records are read by these short prefixes whatever the version.
_WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/(excerpt/)?$")
_NAMESPACE_PREFIXES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
_EMPTY_DATE = "0000-00-00 00:00:00"


class WXRError(ValueError):
    """The file cannot be read as a WordPress export; the message says where and why."""


@dataclass(frozen=True, slots=True)
class SiteInfo:
    title: str
    link: str
    description: str
    language: str
    base_site_url: str
    base_blog_url: str
    wxr_version: str


@dataclass(frozen=True, slots=True)
class Author:
    id: int | None
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass(frozen=True, slots=True)
class Category:
    term_id: int | None
    nicename: str
    name: str
    parent: str
    description: str


@dataclass(frozen=True, slots=True)
class Tag:
    term_id: int | None
    slug: str
    name: str
    description: str


@dataclass(frozen=True, slots=True)
class Term:
    term_id: int | None
    taxonomy: str
    slug: str
    name: str
    parent: str
    description: str


@dataclass(frozen=True, slots=True)
class ItemCategory:
    """One `<category>` of an item: `domain` is "category", "post_tag" or another taxonomy."""

    domain: str
    nicename: str
    name: str


@dataclass(frozen=True, slots=True)
class Comment:
    id: int | None
    author: str
    author_email: str
    author_url: str
    author_ip: str
    date: datetime | None
    date_gmt: datetime | None
    content: str
    approved: str
    type: str
    parent: int | None
    user_id: int | None
    meta: dict[str, str] = field(default_factory=dict)

    @property
    def status(self) -> str:
        """approved, pending, spam or trash (WordPress stores "1", "0", "spam", "trash"...)."""
        if self.approved == "1":
            return "approved"
        if self.approved == "spam":
            return "spam"
        if self.approved in {"trash", "post-trashed"}:
            return "trash"
        return "pending"

    @property
    def is_ping(self) -> bool:
        return self.type in {"pingback", "trackback"}


@dataclass(frozen=True, slots=True)
class Item:
    post_id: int | None
    post_type: str
    title: str
    link: str
    pub_date: datetime | None
    creator: str
    guid: str
    description: str
    content: str
    excerpt: str
    post_date: datetime | None
    post_date_gmt: datetime | None
    post_modified: datetime | None
    post_modified_gmt: datetime | None
    comment_status: str
    ping_status: str
    post_name: str
    status: str
    post_parent: int | None
    menu_order: int
    post_password: str
    is_sticky: bool
    attachment_url: str
    categories: list[ItemCategory] = field(default_factory=list)
    postmeta: list[tuple[str, str]] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)

    def meta(self, key: str, default: str = "") -> str:
        """The last value stored under `key` (`_thumbnail_id`, `_wp_attachment_image_alt`...)."""
        for meta_key, value in reversed(self.postmeta):
            if meta_key == key:
                return value
        return default

    def terms(self, domain: str) -> list[ItemCategory]:
        return [category for category in self.categories if category.domain == domain]


Record = SiteInfo | Author | Category | Tag | Term | Item

_RECORD_TAGS = {"item", "wp:author", "wp:category", "wp:tag", "wp:term"}


def read_wxr(source) -> Iterator[Record]:
    """Yield the records of a WXR file (a path or a binary file object) in file order."""
    names: dict[str, str] = {}
    channel_values: dict[str, str] = {}
    wxr_namespace_version = ""
    site_sent = False
    stack: list[ET.Element] = []

    def short(tag: str) -> str:
        if tag[:1] != "{":
            return tag
        uri, _, local = tag[1:].partition("}")
        prefix = names.get(uri)
        if prefix is None:
            match = _WP_NAMESPACE.match(uri)
            if match:
                prefix = "excerpt" if match[2] else "wp"
            else:
                prefix = _NAMESPACE_PREFIXES.get(uri, uri)
            names[uri] = prefix
        return f"{prefix}:{local}"

    def site_info() -> SiteInfo:
        return SiteInfo(
            title=channel_values.get("title", ""),
            link=channel_values.get("link", ""),
            description=channel_values.get("description", ""),
            language=channel_values.get("language", ""),
            base_site_url=channel_values.get("wp:base_site_url", ""),
            base_blog_url=channel_values.get("wp:base_blog_url", ""),
            wxr_version=channel_values.get("wp:wxr_version", "") or wxr_namespace_version,
        )

    events = ET.iterparse(source, events=("start", "end", "start-ns"))
    try:
        for event, payload in events:
            if event == "start-ns":
                match = _WP_NAMESPACE.match(payload[1])
                if match and not match[2]:
                    wxr_namespace_version = match[1]
                continue
            element = payload
            if event == "start":
                if not stack and element.tag != "rss":
                    raise WXRError(
                        f"This is not a WordPress export: the document starts with "
                        f"<{short(element.tag)}>, not <rss>."
                    )
                stack.append(element)
                if len(stack) == 3 and not site_sent and short(element.tag) in _RECORD_TAGS:
                    if not wxr_namespace_version:
                        raise WXRError(
                            "This is not a WordPress export: the file declares no "
                            "WordPress namespace (http://wordpress.org/export/1.x/)."
                        )
                    site_sent = True
                    yield site_info()
                continue
            stack.pop()
            # Records are the children of <channel> (rss > channel > record).
            if len(stack) != 2:
                continue
            name = short(element.tag)
            if name in _RECORD_TAGS:
                yield _RECORD_BUILDERS[name](element, short)
            else:
                channel_values[name] = (element.text or "").strip()
            element.clear()
            stack[-1].remove(element)
    except ET.ParseError as error:
        line, column = error.position
        raise WXRError(
            f"The file is not well-formed XML at line {line}, column {column}: {_reason(error)}."
        ) from None
    finally:
        # Closes the file iterparse opened itself when the caller stops early (Python 3.13+).
        close = getattr(events, "close", None)
        if close is not None:
            close()
    if not stack and not site_sent:
        if not wxr_namespace_version:
            raise WXRError(
                "This is not a WordPress export: the file declares no WordPress namespace "
                "(http://wordpress.org/export/1.x/)."
            )
        yield site_info()


def _reason(error: ET.ParseError) -> str:
    # "mismatched tag: line 12, column 4" -> "mismatched tag"
    return str(error).split(": line ")[0]


def _children(element: ET.Element, short) -> dict[str, str]:
    values = {}
    for child in element:
        values[short(child.tag)] = child.text or ""
    return values


def _int(value: str, what: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise WXRError(f"{what} is not a whole number: {value[:40]!r}.") from None


def _local_date(value: str) -> datetime | None:
    """A wp:post_date style time ("2024-03-01 09:30:00"), naive, in the site's time zone."""
    value = (value or "").strip()
    if not value or value == _EMPTY_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def _gmt_date(value: str) -> datetime | None:
    moment = _local_date(value)
    return moment.replace(tzinfo=UTC) if moment else None


def _rfc822_date(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    # WordPress writes "-0001" years for drafts that never had a date.
    return moment if moment.year > 1 and moment.tzinfo else None


def _author(element, short) -> Author:
    values = _children(element, short)
    return Author(
        id=_int(values.get("wp:author_id", ""), "An author's wp:author_id"),
        login=values.get("wp:author_login", "").strip(),
        email=values.get("wp:author_email", "").strip(),
        display_name=values.get("wp:author_display_name", "").strip(),
        first_name=values.get("wp:author_first_name", "").strip(),
        last_name=values.get("wp:author_last_name", "").strip(),
    )


def _category(element, short) -> Category:
    values = _children(element, short)
    return Category(
        term_id=_int(values.get("wp:term_id", ""), "A category's wp:term_id"),
        nicename=values.get("wp:category_nicename", "").strip(),
        name=values.get("wp:cat_name", "").strip(),
        parent=values.get("wp:category_parent", "").strip(),
        description=values.get("wp:category_description", "").strip(),
    )


def _tag(element, short) -> Tag:
    values = _children(element, short)
    return Tag(
        term_id=_int(values.get("wp:term_id", ""), "A tag's wp:term_id"),
        slug=values.get("wp:tag_slug", "").strip(),
        name=values.get("wp:tag_name", "").strip(),
        description=values.get("wp:tag_description", "").strip(),
    )


def _term(element, short) -> Term:
    values = _children(element, short)
    return Term(
        term_id=_int(values.get("wp:term_id", ""), "A term's wp:term_id"),
        taxonomy=values.get("wp:term_taxonomy", "").strip(),
        slug=values.get("wp:term_slug", "").strip(),
        name=values.get("wp:term_name", "").strip(),
        parent=values.get("wp:term_parent", "").strip(),
        description=values.get("wp:term_description", "").strip(),
    )


def _meta_pairs(element, short, key_tag, value_tag) -> tuple[str, str]:
    values = _children(element, short)
    return values.get(key_tag, "").strip(), values.get(value_tag, "")


def _comment(element, short, post: str) -> Comment:
    values = {}
    meta = {}
    for child in element:
        name = short(child.tag)
        if name == "wp:commentmeta":
            key, value = _meta_pairs(child, short, "wp:meta_key", "wp:meta_value")
            meta[key] = value
        else:
            values[name] = child.text or ""
    what = f"A comment of {post}"
    parent = _int(values.get("wp:comment_parent", ""), f"{what}: wp:comment_parent")
    user_id = _int(values.get("wp:comment_user_id", ""), f"{what}: wp:comment_user_id")
    return Comment(
        id=_int(values.get("wp:comment_id", ""), f"{what}: wp:comment_id"),
        author=values.get("wp:comment_author", "").strip(),
        author_email=values.get("wp:comment_author_email", "").strip(),
        author_url=values.get("wp:comment_author_url", "").strip(),
        author_ip=values.get("wp:comment_author_IP", "").strip(),
        date=_local_date(values.get("wp:comment_date", "")),
        date_gmt=_gmt_date(values.get("wp:comment_date_gmt", "")),
        content=values.get("wp:comment_content", ""),
        approved=values.get("wp:comment_approved", "").strip(),
        type=values.get("wp:comment_type", "").strip(),
        parent=parent or None,
        user_id=user_id or None,
        meta=meta,
    )


def _item(element, short) -> Item:
    values = {}
    categories = []
    postmeta = []
    comment_elements = []
    for child in element:
        name = short(child.tag)
        if name == "category":
            categories.append(
                ItemCategory(
                    domain=child.get("domain", "category"),
                    nicename=child.get("nicename", ""),
                    name=(child.text or "").strip(),
                )
            )
        elif name == "wp:postmeta":
            postmeta.append(_meta_pairs(child, short, "wp:meta_key", "wp:meta_value"))
        elif name == "wp:comment":
            comment_elements.append(child)
        else:
            values[name] = child.text or ""
    post_id = _int(values.get("wp:post_id", ""), "An item's wp:post_id")
    post = f"item {post_id}" if post_id is not None else "an item without wp:post_id"
    return Item(
        post_id=post_id,
        post_type=values.get("wp:post_type", "post").strip() or "post",
        title=values.get("title", "").strip(),
        link=values.get("link", "").strip(),
        pub_date=_rfc822_date(values.get("pubDate", "")),
        creator=values.get("dc:creator", "").strip(),
        guid=values.get("guid", "").strip(),
        description=values.get("description", ""),
        content=values.get("content:encoded", ""),
        excerpt=values.get("excerpt:encoded", ""),
        post_date=_local_date(values.get("wp:post_date", "")),
        post_date_gmt=_gmt_date(values.get("wp:post_date_gmt", "")),
        post_modified=_local_date(values.get("wp:post_modified", "")),
        post_modified_gmt=_gmt_date(values.get("wp:post_modified_gmt", "")),
        comment_status=values.get("wp:comment_status", "").strip(),
        ping_status=values.get("wp:ping_status", "").strip(),
        post_name=values.get("wp:post_name", "").strip(),
        status=values.get("wp:status", "").strip(),
        post_parent=_int(values.get("wp:post_parent", ""), f"The wp:post_parent of {post}") or None,
        menu_order=_int(values.get("wp:menu_order", ""), f"The wp:menu_order of {post}") or 0,
        post_password=values.get("wp:post_password", ""),
        is_sticky=values.get("wp:is_sticky", "").strip() == "1",
        attachment_url=values.get("wp:attachment_url", "").strip(),
        categories=categories,
        postmeta=postmeta,
        comments=[_comment(child, short, post) for child in comment_elements],
    )


_RECORD_BUILDERS = {
    "item": _item,
    "wp:author": _author,
    "wp:category": _category,
    "wp:tag": _tag,
    "wp:term": _term,
}
