import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse
from django.utils import timezone

from authors.models import Author

from .models import Article, Byline, Section

NEWS_SITEMAP_WINDOW = datetime.timedelta(hours=48)
# Google News reads at most 1,000 URLs from a news sitemap.
NEWS_SITEMAP_LIMIT = 1000


class ArticleSitemap(Sitemap):
    limit = 10_000

    def items(self):
        return (
            Article.objects.public()
            .order_by("-published_at", "-pk")
            .only("slug", "first_published_at", "published_at", "modified", "created")
        )

    def lastmod(self, item):
        return item.modified


class SectionSitemap(Sitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


class AuthorSitemap(Sitemap):
    def items(self):
        bylined = Byline.objects.filter(article__in=Article.objects.public()).values("author_id")
        return Author.objects.filter(pk__in=bylined)


class StaticSitemap(Sitemap):
    changefreq = "always"

    def items(self):
        return ["articles:front-page"]

    def location(self, item):
        return reverse(item)


SITEMAPS = {
    "home": StaticSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "articles": ArticleSitemap,
}


def news_sitemap_articles():
    """Stories first published in the last 48 hours, for the news sitemap."""
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    return (
        Article.objects.public()
        .filter(first_published_at__gte=since)
        .order_by("-first_published_at")
        .only("headline", "slug", "first_published_at", "published_at", "created")
        .prefetch_related("tags")[:NEWS_SITEMAP_LIMIT]
    )
