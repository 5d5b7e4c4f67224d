import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from authors.models import Author

from .models import Article, Byline, Section

NEWS_SITEMAP_WINDOW = datetime.timedelta(hours=48)
# Google News reads at most 1,000 URLs from a news sitemap.
NEWS_SITEMAP_LIMIT = 1000


class SiteSitemap(Sitemap):
    """Links on the site's public address (SITE_URL), whatever host the request came to."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc


class ArticleSitemap(SiteSitemap):
    limit = 10_000

    def items(self):
        return (
            Article.objects.public()
            .order_by("-published_at", "-pk")
            .only("slug", "first_published_at", "published_at", "modified", "created")
        )

    def lastmod(self, item):
        return item.modified

    def get_latest_lastmod(self):
        # Django's default reads every item; one aggregate does for the sitemap index.
        return self.items().aggregate(latest=Max("modified"))["latest"]


class SectionSitemap(SiteSitemap):
    changefreq = "hourly"

    def items(self):
        return Section.objects.all()


class AuthorSitemap(SiteSitemap):
    def items(self):
        bylined = Byline.objects.filter(article__in=Article.objects.public()).values("author_id")
        return Author.objects.filter(pk__in=bylined)


class StaticSitemap(SiteSitemap):
    changefreq = "always"

    def items(self):
        return ["articles:front-page"]

    def location(self, item):
        return reverse(item)


def sitemap_index_entries():
    """(address, last modified) of every page of every sitemap, for /sitemap.xml."""
    entries = []
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        url = settings.SITE_URL + reverse("articles:sitemap-section", kwargs={"section": section})
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(url, lastmod))
        entries += [
            SitemapIndexItem(f"{url}?p={page}", lastmod)
            for page in range(2, sitemap.paginator.num_pages + 1)
        ]
    return entries


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
