"""The articles app's settings, each with its default: a project sets only what differs.

They are read when used, so a deployment's settings and a test's overrides always win.
"""

import datetime

from django.conf import settings


def articles_per_page() -> int:
    """Stories on each page of a listing (section, tag, author, archive, search)."""
    return getattr(settings, "ARTICLES_PER_PAGE", 20)


def search_max_query_length() -> int:
    """Characters of a search query kept; the rest is ignored."""
    return getattr(settings, "SEARCH_MAX_QUERY_LENGTH", 200)


def reading_words_per_minute() -> int:
    """Reading speed behind an article's "N min read"."""
    return getattr(settings, "READING_WORDS_PER_MINUTE", 230)


def preview_link_max_age() -> int:
    """Seconds a shared preview link of an unpublished article works (48 hours)."""
    return getattr(settings, "PREVIEW_LINK_MAX_AGE", 48 * 60 * 60)


def autosave_max_age() -> datetime.timedelta:
    """How long an unsaved copy of an article form is kept and offered back (30 days)."""
    return datetime.timedelta(days=getattr(settings, "ARTICLE_AUTOSAVE_MAX_AGE_DAYS", 30))
