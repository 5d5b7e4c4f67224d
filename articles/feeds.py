from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from django.utils.html import conditional_escape

from authors.models import Author

from .models import Article, Section

FEED_ITEMS = 30


def as_html(text):
    """Text escaped for HTML too, on top of the XML escaping the feed itself does.

    Many feed readers show titles and descriptions as HTML: a headline holding `<script>`
    or `&` must read as those characters there, never as markup.
    """
    return None if text is None else str(conditional_escape(text))


class ArticleFeed(Feed):
    feed_type = Rss201rev2Feed

    def articles(self, obj):
        return Article.objects.public()

    def items(self, obj):
        return self.articles(obj).newest_first().for_listing()[:FEED_ITEMS]

    def item_title(self, item):
        return as_html(item.headline)

    def item_description(self, item):
        return as_html(item.standfirst)

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.updated_at if item.shows_update else None

    def item_author_name(self, item):
        return as_html(", ".join(author.name for author in item.byline_authors) or None)

    def item_categories(self, item):
        return [as_html(item.section.name)]

    def item_guid_is_permalink(self, item):
        return True

    # Links on the site's public address (SITE_URL), whatever host the request came to.
    def item_link(self, item):
        return settings.SITE_URL + item.get_absolute_url()


class LatestFeed(ArticleFeed):
    def title(self):
        return as_html(settings.SITE_NAME)

    def description(self):
        return as_html(settings.SITE_DESCRIPTION)

    def link(self):
        return settings.SITE_URL + "/"

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:feed")


class SectionFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def articles(self, obj):
        return Article.objects.public().filter(section=obj)

    def title(self, obj):
        return as_html(f"{obj.name} | {settings.SITE_NAME}")

    def description(self, obj):
        return as_html(
            obj.description or f"The latest {obj.name} stories from {settings.SITE_NAME}."
        )

    def link(self, obj):
        return settings.SITE_URL + obj.get_absolute_url()

    def feed_url(self, obj):
        return settings.SITE_URL + reverse("articles:section-feed", kwargs={"slug": obj.slug})


class AuthorFeed(ArticleFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Author, slug=slug)

    def articles(self, obj):
        return obj.articles.public()

    def title(self, obj):
        return as_html(f"{obj.name} | {settings.SITE_NAME}")

    def description(self, obj):
        return as_html(f"Stories by {obj.name} for {settings.SITE_NAME}.")

    def link(self, obj):
        return settings.SITE_URL + obj.get_absolute_url()

    def feed_url(self, obj):
        return settings.SITE_URL + reverse("articles:author-feed", kwargs={"slug": obj.slug})


class CorrectionsFeed(Feed):
    """Every correction, update and clarification, newest first, each linking to its story."""

    feed_type = Rss201rev2Feed

    def title(self):
        return f"Corrections | {settings.SITE_NAME}"

    def description(self):
        return f"Corrections, updates and clarifications to {settings.SITE_NAME} stories."

    def link(self):
        return settings.SITE_URL + reverse("articles:corrections")

    def feed_url(self):
        return settings.SITE_URL + reverse("articles:corrections-feed")

    def items(self):
        from .corrections import public_corrections

        return public_corrections()[:FEED_ITEMS]

    def item_title(self, item):
        return f"{item.get_kind_display()}: {item.article.headline}"

    def item_description(self, item):
        return item.text

    def item_pubdate(self, item):
        return item.created_at

    def item_link(self, item):
        return settings.SITE_URL + item.article.get_absolute_url()

    def item_guid(self, item):
        # Several notes may link to one story: each needs its own identifier.
        return f"{settings.SITE_URL}{item.article.get_absolute_url()}#correction-{item.pk}"

    def item_guid_is_permalink(self, item):
        return False
