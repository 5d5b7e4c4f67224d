"""The reader pages' parts that take more than one query, assembled for the views.

The article page's parts are shared by every view that renders it: the article view, the
preview, and any app that shows the page again with something of its own.
"""

from django.db import connection
from django.db.models import F, Window, prefetch_related_objects
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string

from newsroom import pagecache

from .models import LISTING_DEFERRED, Article, all_sections, prefetch_bylines

SECTION_RAIL_SIZE = 4
RELATED_STORIES = 4


def section_rails(*, exclude, request=None):
    """The newest stories of every section, in one query whatever the number of sections."""
    sections = all_sections(request)
    if not sections:
        return []
    public = Article.objects.public().exclude(pk__in=exclude)
    if connection.features.supports_slicing_ordering_in_compound:
        # A UNION of small index scans, one per section (PostgreSQL).
        per_section = [
            public.filter(section=section).newest_first().values("pk")[:SECTION_RAIL_SIZE]
            for section in sections
        ]
        ids = per_section[0].union(*per_section[1:], all=True)
    else:
        # SQLite cannot limit the parts of a UNION: number each section's stories instead.
        ids = (
            public.annotate(
                rank=Window(
                    RowNumber(),
                    partition_by=F("section_id"),
                    order_by=(F("published_at").desc(), F("pk").desc()),
                )
            )
            .filter(rank__lte=SECTION_RAIL_SIZE)
            .values("pk")
        )
    by_section = {}
    for article in Article.objects.filter(pk__in=ids).newest_first().for_listing():
        by_section.setdefault(article.section_id, []).append(article)
    return [(section, by_section[section.pk]) for section in sections if section.pk in by_section]


def article_page_context(article, request=None, *, keep=True):
    """What the article template needs besides the request (other apps re-render the page).

    `keep=False` renders every part afresh and keeps nothing (previews of unpublished work).
    """
    parts = article_parts(article, request=request, keep=keep)
    pagecache.tag_response(request, *parts.get("keys", ()))
    return {
        "article": article,
        "article_parts": parts,
        "related_html": related_block(article, request=request, keep=keep),
        "current_section": article.section.slug,
    }


def article_parts(article, request=None, *, keep=True):
    """The article itself and its metadata for <head>, rendered once per change of the site.

    Its headline, body, bylines, tags and corrections change only with the site's version
    (any save of an article, author, tag or correction moves it), never with its comments:
    a page rendered again for a new comment reuses them and asks the database for the
    article's row and its thread alone.
    """

    def render_parts():
        prefetch_related_objects([article], prefetch_bylines(), "tags", "corrections")
        context = {"article": article}
        parts = {
            part: render_to_string(f"articles/parts/{part}.html", context, request=request)
            for part in ("meta", "article")
        }
        # What the page shows, for the front caches' purges by key.
        parts["keys"] = [
            pagecache.keys.article(article.pk),
            pagecache.keys.section(article.section_id),
            *(pagecache.keys.author(byline.author_id) for byline in article.bylines.all()),
            *(pagecache.keys.tag(tag.pk) for tag in article.tags.all()),
        ]
        return parts

    if not keep:
        return render_parts()
    return pagecache.remember(f"article-parts:{article.pk}", render_parts, request=request)


def related_block(article, request=None, *, keep=True):
    """The "Related stories" rail, rendered again only when the site's articles change.

    Which stories are related and how they look depends on the site alone, never on the
    article's comments: a page rendered again for a new comment reuses the rail.
    """

    def render_rail():
        stories = related_stories(article)
        return render_to_string("includes/related.html", {"related": stories}) if stories else ""

    if not keep:
        return render_rail()
    return pagecache.remember(f"related:{article.pk}", render_rail, request=request)


def related_stories(article):
    """The related stories with what their teasers show, in a fixed number of queries."""
    ids = [story.pk for story in choose_related_stories(article)]
    if not ids:
        return []
    by_id = {
        story.pk: story
        for story in Article.objects.public()
        .filter(pk__in=ids)
        .select_related("section")
        .defer(*LISTING_DEFERRED)
        .prefetch_related(prefetch_bylines())
    }
    return [by_id[pk] for pk in ids if pk in by_id]


def choose_related_stories(article):
    """Editors' picks first, then the newest stories sharing a tag, then from the section."""
    stories = list(article.related_articles.public().only("pk")[:RELATED_STORIES])
    others = Article.objects.public().exclude(pk=article.pk).only("pk")
    tag_ids = [tag.pk for tag in article.tags.all()]
    if tag_ids and len(stories) < RELATED_STORIES:
        # A semi-join rather than DISTINCT: the database walks the date index and stops early.
        tagged = Article.tags.through.objects.filter(tag_id__in=tag_ids).values("article_id")
        stories += (
            others.filter(pk__in=tagged)
            .exclude(pk__in=[story.pk for story in stories])
            .newest_first()[: RELATED_STORIES - len(stories)]
        )
    if len(stories) < RELATED_STORIES:
        stories += (
            others.filter(section_id=article.section_id)
            .exclude(pk__in=[story.pk for story in stories])
            .newest_first()[: RELATED_STORIES - len(stories)]
        )
    return stories
