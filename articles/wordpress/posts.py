"""What a WordPress post's fields become here: pure functions of the item, no writes.

The importer (articles.wordpress.importer) calls them for each post; keeping them apart
keeps the import's bookkeeping (batches, links, redirects) readable on its own.
"""

import hashlib
import html
import json
import re
from datetime import datetime
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import Truncator, slugify

from ..models import Article, normalize_redirect_path, plain_text
from . import wxr

# What each WordPress status becomes; statuses not listed are left out (trash, auto-draft,
# inherit). A private or password-protected post becomes a draft, never public: this site
# has neither. A "future" post is published at a time to come: scheduled.
STATUSES = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.IN_REVIEW,
    "private": Article.Status.DRAFT,
}
_TAGS = re.compile(r"<[^>]*>")
# Letters that have no accent-free decomposition but a usual spelling in ASCII.
_LATIN_LETTERS = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "o", "Ø": "O", "ß": "ss", "œ": "oe", "Œ": "Oe", "ð": "d",
     "Ð": "D", "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D"}
)  # fmt: skip


class LeftOut(ValidationError):
    """A post that cannot be imported, found out before anything of it was written."""


def old_post_paths(item: wxr.Item) -> list[str]:
    """The addresses a post may have had, whatever the old site's permalink settings."""
    paths = [normalize_redirect_path(item.link)]
    slug = item.post_name
    when = item.post_date or item.post_date_gmt
    if slug:
        if when:
            paths.append(f"/{when:%Y/%m/%d}/{slug}/")
            paths.append(f"/{when:%Y/%m}/{slug}/")
        paths.append(f"/{slug}/")
    paths += [f"{path.rstrip('/')}/feed/" for path in list(paths) if path.startswith("/")]
    return [unquote(path) for path in dict.fromkeys(paths)]


def fingerprint(item: wxr.Item) -> str:
    fields = [
        item.title,
        item.content,
        item.excerpt,
        item.post_name,
        item.status,
        item.post_password,
        item.comment_status,
        item.is_sticky,
        item.creator,
        str(item.post_date_gmt or item.post_date or ""),
        str(item.post_modified_gmt or ""),
        [(c.domain, c.nicename, c.name) for c in item.categories],
        item.meta("_thumbnail_id"),
        item.meta("_yoast_wpseo_primary_category"),
    ]
    return hashlib.sha256(json.dumps(fields, default=str).encode()).hexdigest()


def message(error) -> str:
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            return "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
        return " ".join(error.messages)
    return str(error)


def text(value: str) -> str:
    return " ".join(html.unescape(_TAGS.sub(" ", value or "")).split())


def standfirst(item: wxr.Item, body_html: str, headline: str) -> str:
    words = text(item.excerpt) or plain_text(body_html).split("\n")[0].strip() or headline
    return Truncator(" ".join(words.split())).chars(400)


def published_at(item: wxr.Item) -> datetime:
    if item.post_date_gmt:
        return item.post_date_gmt
    if item.post_date:
        # Scheduled posts and some drafts carry only the site's local time.
        return timezone.make_aware(item.post_date)
    return item.pub_date or timezone.now()


def _ascii_slug(value: str) -> str:
    """A slug of ASCII letters (the address has no others), unless too little of it survives."""
    slug = slugify(value.translate(_LATIN_LETTERS))
    return slug if len(slug) * 2 > len(slugify(value, allow_unicode=True)) else ""


def base_slug(item: wxr.Item) -> str:
    """The slug the post asks for, before any other article's is taken into account."""
    base = _ascii_slug(unquote(item.post_name)) or _ascii_slug(text(item.title))
    return (base or f"post-{item.post_id}")[:200]


def article_slug(item: wxr.Item, *, taken: bool) -> str:
    # Two posts may share a slug in WordPress (different dates); here the address needs one.
    base = base_slug(item)
    return f"{base[:190]}-{item.post_id}" if taken else base


def free_slug(model, value: str, max_length: int) -> str:
    base = (slugify(value) or "imported")[: max_length - 4]
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug
