"""Writing aids on the article form: length, reading time, and how search and social show it.

The page renders every figure and both previews from the form as it stands, so they are
there without JavaScript; admin-aids.js keeps them in step with the typing by the same rules.
"""

import re
from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom import sanitize

from .. import conf
from ..models import Section, plain_text

# Where search engines and social networks cut a story's title and description. None of
# them publishes a fixed number: results pages cut titles at about 600 pixels of width
# (some 60 characters of average text) and descriptions at about 920 pixels (155 to 160
# characters); the link cards of the big social networks show about 70 characters of
# title and 200 of description. Longer text is allowed; it is only cut off where shown.
SEARCH_TITLE_LIMIT = 60
SEARCH_DESCRIPTION_LIMIT = 155
SOCIAL_TITLE_LIMIT = 70
SOCIAL_DESCRIPTION_LIMIT = 200

# Stands for the slug in the address shown, and is replaced by the slug as typed.
SLUG_PLACEHOLDER = "slug"
_SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def cut(text, limit):
    """The text as a results page or a card shows it: whole words up to the limit, then "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if text[limit - 1] != " " and " " in head:
        # The last word would be broken: it goes whole.
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.|-") + "…"


def counter(length, limit):
    return {"length": length, "limit": limit, "over": length > limit}


def count_words(body):
    """Words of the body by the rule the article's save uses (after the same sanitizing)."""
    return len(plain_text(sanitize.clean_article_html(body or "")).split())


def reading_minutes(words):
    """The reader page's "N min read" for this many words: at least one minute."""
    return max(1, -(-words // conf.reading_words_per_minute()))


def writing_aids(form, article):
    """The figures and previews for the form as it stands: as stored, or as typed and sent."""
    headline = " ".join(str(form["headline"].value() or "").split())
    standfirst = " ".join(str(form["standfirst"].value() or "").split())
    slug = str(form["slug"].value() or "")
    if not _SLUG.fullmatch(slug):
        # Not yet a valid slug: the form says why; the address shows where it will go.
        slug = SLUG_PLACEHOLDER
    section = form["section"].value()
    section_name = ""
    if article is not None and str(article.section_id) == str(section):
        section_name = article.section.name
    elif section:
        section_name = Section.objects.filter(pk=section).values_list("name", flat=True).first()
    words = count_words(form["body"].value())
    title_parts = [part for part in (headline, section_name, settings.SITE_NAME) if part]
    path = _path(article, slug)
    host = urlsplit(settings.SITE_URL).netloc
    picture = None
    if article is not None and article.hero_id:
        # The card's own crop (1.91:1), through the staff-only address: a draft's picture
        # is not public yet.
        picture = article.hero.picture_url("social", private=True) or None
    return {
        "words": words,
        "minutes": reading_minutes(words),
        "words_per_minute": conf.reading_words_per_minute(),
        "fields": [
            _field(form, "headline", headline, SEARCH_TITLE_LIMIT, SOCIAL_TITLE_LIMIT),
            _field(
                form, "standfirst", standfirst, SEARCH_DESCRIPTION_LIMIT, SOCIAL_DESCRIPTION_LIMIT
            ),
        ],
        "search": {
            "site": settings.SITE_NAME,
            "crumbs": " › ".join([host, *path.strip("/").split("/")]),
            "crumbs_base": " › ".join([host, *path.strip("/").split("/")[:-1]]),
            "title": cut(" | ".join(title_parts), SEARCH_TITLE_LIMIT),
            "description": cut(standfirst, SEARCH_DESCRIPTION_LIMIT),
        },
        "social": {
            "host": host,
            "picture": picture,
            "title": cut(headline, SOCIAL_TITLE_LIMIT),
            "description": cut(standfirst, SOCIAL_DESCRIPTION_LIMIT),
        },
        "site_name": settings.SITE_NAME,
        "limits": {
            "search_title": SEARCH_TITLE_LIMIT,
            "search_description": SEARCH_DESCRIPTION_LIMIT,
            "social_title": SOCIAL_TITLE_LIMIT,
            "social_description": SOCIAL_DESCRIPTION_LIMIT,
        },
    }


def _field(form, name, text, search_limit, social_limit):
    return {
        "name": name,
        "label": form[name].label,
        "counts": [
            (_("search results"), counter(len(text), search_limit)),
            (_("social cards"), counter(len(text), social_limit)),
        ],
    }


def _path(article, slug):
    """The reader's address of the story with this slug (dated as its page will be)."""
    if article is not None and article.pk:
        when = article.first_published_at or article.published_at or article.created
    else:
        when = timezone.now()
    when = timezone.localtime(when)
    return reverse(
        "articles:detail",
        kwargs={"year": when.year, "month": when.month, "day": when.day, "slug": slug},
    )
