import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import SitemapIndexItem
from django.core.paginator import EmptyPage, Page, PageNotAnInteger
from django.db import connection
from django.db.models import F, Max, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property

from authors.models import Author
from newsroom.sanitize import format_escaped

from .models import Article, Byline, Section, Tag
from .teasers import local_times

NEWS_SITEMAP_WINDOW = datetime.timedelta(hours=48)
# Google News reads at most 1,000 URLs from a news sitemap.
NEWS_SITEMAP_LIMIT = 1000


class SiteSitemap(Sitemap):
    """Links on the site's public address (SITE_URL), whatever host the request came to."""

    def get_protocol(self, protocol=None):
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None):
        return urlsplit(settings.SITE_URL).netloc

    def index_pages(self):
        """[(page number, last modified)] of the pages the sitemap index lists."""
        lastmod = self.get_latest_lastmod()
        return [(page, lastmod) for page in range(1, self.paginator.num_pages + 1)]


class IdRangePaginator:
    """Pages that hold the rows of a range of ids: page n those from (n - 1) * per_page + 1
    to n * per_page.

    A row stays on its page for good (what is published later lands on later pages), so a
    search engine fetches again only the pages whose rows changed, and a page costs one
    range scan of the primary key, however deep: Django's pages skip every row before
    theirs with OFFSET (half a million rows for the middle page at a million articles) and
    count them all first. A page may hold fewer than per_page rows (drafts and deleted
    stories leave gaps); one with none is no page, except the first of an empty table.
    """

    # The largest id PostgreSQL's bigint holds: a page past it is asked for in error.
    LAST_ID = 2**63 - 1

    def __init__(self, object_list, per_page):
        self.object_list = object_list
        self.per_page = per_page

    def page(self, number):
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger("That page number is not an integer.") from None
        bottom = (number - 1) * self.per_page
        if number < 1 or bottom >= self.LAST_ID - self.per_page:
            raise EmptyPage("That page holds no items.")
        rows = list(self.object_list.filter(pk__gt=bottom, pk__lte=bottom + self.per_page))
        if not rows and number > 1:
            raise EmptyPage("That page holds no items.")
        return Page(rows, number, self)

    def latest_by_page(self, field):
        """[(page number, latest value of `field`)] of every page that holds a row."""
        return list(
            self.object_list.order_by()
            .annotate(page_number=(F("pk") - 1) / self.per_page + 1)
            .values("page_number")
            .annotate(latest=Max(field))
            .order_by("page_number")
            .values_list("page_number", "latest")
        )


class ArticleSitemap(SiteSitemap):
    # Addresses per page, at most (the protocol allows 50,000). Each costs about 0.2 ms of
    # Django's sitemap rendering: 10,000 made a page take two seconds at any size of site.
    limit = 1_000

    def items(self):
        return (
            Article.objects.public()
            .order_by("pk")
            .only("slug", "first_published_at", "published_at", "modified", "created")
        )

    @cached_property
    def paginator(self):
        return IdRangePaginator(self.items(), self.limit)

    def lastmod(self, item):
        return item.modified

    def index_pages(self):
        # One pass over the public articles gives the pages and each one's latest change.
        return self.paginator.latest_by_page("modified")


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
        entries += [
            SitemapIndexItem(url if page == 1 else f"{url}?p={page}", lastmod)
            for page, lastmod in sitemap.index_pages()
        ]
    return entries


SITEMAPS = {
    "home": StaticSitemap,
    "sections": SectionSitemap,
    "authors": AuthorSitemap,
    "articles": ArticleSitemap,
}


def news_sitemap_articles():
    """Stories first published in the last 48 hours, for the news sitemap.

    Each with `tag_names`, its tags' names in order: on PostgreSQL in its own row (a
    thousand stories' tags as model instances cost a third of the page), elsewhere from a
    prefetch.
    """
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    stories = (
        Article.objects.public()
        .filter(first_published_at__gte=since)
        .order_by("-first_published_at")
        .only("headline", "slug", "first_published_at", "published_at", "created")
    )
    if connection.vendor == "postgresql":
        names = Tag.objects.filter(articles=OuterRef("pk")).order_by(*Tag._meta.ordering)
        return stories.annotate(tag_names=ArraySubquery(names.values("name")))[:NEWS_SITEMAP_LIMIT]
    stories = list(stories.prefetch_related("tags")[:NEWS_SITEMAP_LIMIT])
    for story in stories:
        story.tag_names = [tag.name for tag in story.tags.all()]
    return stories


# The XML, written here ------------------------------------------------------------------
#
# A sitemap page lists a thousand addresses and the news sitemap up to a thousand stories;
# through the template language each address cost some fifty microseconds (lookups, filters,
# escapes, spaceless), most of a page that took 55 ms at a million articles. The markup is
# small and fixed, so it is written here with format_escaped, as the templates wrote it:
# Django's sitemap.xml and the news sitemap's template before it, byte for byte.

_URLSET = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    'xmlns:xhtml="http://www.w3.org/1999/xhtml">\n{}\n</urlset>\n'
)


def urlset_xml(urls):
    """A sitemap page of Sitemap.get_urls()'s entries (what Django's sitemap.xml makes)."""
    parts = []
    for url in urls:
        markup, values = ["<url><loc>{}</loc>"], [url["location"]]
        for name, value in (
            ("lastmod", url["lastmod"] and _day(url["lastmod"])),
            ("changefreq", url["changefreq"]),
            ("priority", url["priority"]),
        ):
            if value:
                markup.append(f"<{name}>{{}}</{name}>")
                values.append(value)
        for alternate in url["alternates"]:
            markup.append('<xhtml:link rel="alternate" hreflang="{}" href="{}"/>')
            values += [alternate["lang_code"], alternate["location"]]
        markup.append("</url>")
        parts.append(format_escaped("".join(markup), *values))
    return _URLSET.format("".join(parts))


def _day(moment):
    if isinstance(moment, datetime.datetime) and timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d")


_NEWS_ITEM = """
  <url>
    <loc>{}{}</loc>
    <news:news>
      <news:publication>
        <news:name>{}</news:name>
        <news:language>en</news:language>
      </news:publication>
      <news:publication_date>{}</news:publication_date>
      <news:title>{}</news:title>{}
    </news:news>
  </url>"""


def news_sitemap_xml(articles):
    """The news sitemap of news_sitemap_articles()."""
    items = []
    for article in articles:
        names = article.tag_names
        keywords = (
            format_escaped("\n      <news:keywords>{}</news:keywords>", ", ".join(names))
            if names
            else ""
        )
        items.append(
            format_escaped(
                _NEWS_ITEM,
                settings.SITE_URL,
                article.get_absolute_url(),
                settings.SITE_NAME,
                local_times(article.first_published_at, "")[0],
                article.headline,
                keywords,
            )
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
        + "".join(items)
        + "\n</urlset>\n"
    )
