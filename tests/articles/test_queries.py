"""What each reader page costs in queries, with a small newsroom and with a much larger one.

Every page is measured before and after the newsroom grows (5x the articles, 3x the
sections, four bylines and six tags on every article), and must cost the same: a page whose
count grows with the data has an N+1. Each time it is measured twice: first with an empty
cache, as after any change to the site, then in the steady state, where the navigation's
sections and an article's related stories come from the cache (newsroom/pagecache/memo.py,
remember()). Feeds and sitemaps never look up the navigation. Counts are the same on
SQLite and PostgreSQL.
"""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.db import connection

from articles.models import Article, Byline
from comments.models import DiscussionSettings
from newsroom import pagecache
from tests.articles.test_pages import article_sitemap_page
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    SectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC)
READER_PAGE_BUDGET = 10


class Newsroom:
    """Starts small; `grow()` multiplies everything a page could loop over."""

    def __init__(self):
        self.world = SectionFactory(name="World", slug="world")
        self.sections = [self.world, SectionFactory()]
        self.reporter = AuthorFactory(name="Amara Osei", slug="amara-osei")
        self.authors = [self.reporter, AuthorFactory()]
        self.topic = TagFactory(name="Harbours", slug="harbours")
        self.tags = [self.topic, TagFactory()]
        self.articles = [
            ArticleFactory(
                section=self.sections[n % 2],
                authors=[self.reporter],
                tags=[self.topic],
                is_featured=n == 0,
                published_at=NOW - datetime.timedelta(hours=n + 1),
            )
            for n in range(6)
        ]
        self.story = self.articles[0]
        # One editor's pick; the shared tag fills the other related slots.
        self.story.related_articles.add(self.articles[1])

    def grow(self):
        self.sections += SectionFactory.create_batch(4)
        self.authors += AuthorFactory.create_batch(7)
        self.authors.append(AuthorFactory(name="News agencies", is_agency=True))
        self.tags += TagFactory.create_batch(5)
        for n in range(30):
            self.articles.append(
                ArticleFactory(
                    section=self.sections[n % len(self.sections)],
                    is_featured=n % 5 == 0,
                    published_at=NOW - datetime.timedelta(hours=7, minutes=n),
                    **({"with_image": True} if n < 2 else {}),
                )
            )
        # Four bylines and six tags on every article, old and new, written in bulk.
        bylines, taggings = [], []
        Tagging = Article.tags.through
        for n, article in enumerate(self.articles):
            others = [a for a in self.authors if a != self.reporter]
            co_authors = [others[(n + i) % len(others)] for i in range(3)]
            new = n >= 6
            for position, author in enumerate([self.reporter, *co_authors] if new else co_authors):
                bylines.append(
                    Byline(article=article, author=author, position=position + (not new))
                )
            extra_tags = [self.tags[2 + (n + i) % 5] for i in range(5)]
            for tag in [self.topic, *extra_tags] if new else extra_tags:
                taggings.append(Tagging(article=article, tag=tag))
        Byline.objects.bulk_create(bylines)
        Tagging.objects.bulk_create(taggings)
        self.story.related_articles.add(self.articles[-1])
        CorrectionFactory.create_batch(3, article=self.story)


def warm_discussion_settings():
    # The article page's discussion settings come from the cache after the first request
    # that needs them; warm it so every count below is the steady one.
    DiscussionSettings.load()


@pytest.fixture
def newsroom():
    with time_machine.travel(NOW, tick=False):
        warm_discussion_settings()
        yield Newsroom()


@pytest.fixture
def assert_same_cost(client, newsroom, django_assert_num_queries):
    """Asserts the page's cost with the small newsroom and again once it has grown.

    `queries` with an empty cache, `steady` (the same unless given) on the next request.
    """

    def check(url, queries, steady=None):
        for grow in (False, True):
            if grow:
                newsroom.grow()
            cache.clear()
            pagecache.forget_recent()
            warm_discussion_settings()
            with django_assert_num_queries(queries):
                assert client.get(url).status_code == 200
            with django_assert_num_queries(queries if steady is None else steady):
                assert client.get(url).status_code == 200

    return check


def test_front_page_cost(assert_same_cost):
    # Guards a query per teaser for its section and bylines (lead, top stories, section
    # rails), and a query per part, per section or per kind of scheduled moment: navigation,
    # every story any part shows with its section (the newest featured, the newest, the
    # newest of each section), their bylines (in the same rows on PostgreSQL), the most-read
    # stories; and, since the stories
    # are kept, the next scheduled publication, expiry and closing of comments in one query,
    # which move the site's version when they pass (newsroom/pagecache/versions.py,
    # current()), and whether a hero went public or private by itself since the pictures
    # were last synced (articles/pictures.py). Steady: none; the sections, the stories with
    # their sections and bylines, the most-read list and the next scheduled change come
    # from the cache.
    assert_same_cost("/", 5 if connection.vendor == "postgresql" else 6, steady=0)


def test_article_page_cost(assert_same_cost, newsroom):
    # Guards a query per byline and per tag of the article, and per related story for its
    # bylines: navigation, the article, its bylines with their authors, its tags and its
    # corrections (in one row on PostgreSQL), the related stories (editors' picks, stories
    # sharing a tag, stories from the section, in one), their bylines (in the same rows on
    # PostgreSQL), the comment thread. Steady: the article's own row; its rendered text,
    # metadata, related stories, comment thread and the navigation come from the cache.
    assert_same_cost(
        newsroom.story.get_absolute_url(), 5 if connection.vendor == "postgresql" else 8, steady=1
    )


def test_article_page_cost_without_related_stories(client, django_assert_num_queries):
    # Guards a query per byline and per tag of the article itself: navigation, the article,
    # its bylines with their authors, its tags, its corrections (these three in one row on
    # PostgreSQL), the related stories (none), the comment thread.
    with time_machine.travel(NOW, tick=False):
        warm_discussion_settings()
        authors = AuthorFactory.create_batch(4)
        article = ArticleFactory(authors=authors, tags=TagFactory.create_batch(6))
        url = article.get_absolute_url()
        with django_assert_num_queries(5 if connection.vendor == "postgresql" else 7):
            assert client.get(url).status_code == 200
        # Steady: the article (its thread is kept until one of its comments changes).
        with django_assert_num_queries(1):
            assert client.get(url).status_code == 200


def test_section_page_cost(assert_same_cost):
    # Guards a query per teaser for its bylines: navigation, the section, the count, the page,
    # the page's bylines with their authors, the sidebar's latest and most-read stories.
    # Steady: the navigation, the count and the sidebar are kept.
    assert_same_cost("/section/world/", 7, steady=3)


def test_tag_page_cost(assert_same_cost):
    # Guards a query per teaser for its section and bylines: navigation, the tag, the count,
    # the page with sections, the page's bylines, the sidebar's latest and most-read
    # stories. Steady: the navigation, the count and the sidebar are kept.
    assert_same_cost("/tag/harbours/", 7, steady=3)


def test_author_page_cost(assert_same_cost):
    # Guards a query per teaser for its co-authors' bylines: navigation, the author, the
    # count, the page with sections, the page's bylines, the sidebar's latest and most-read
    # stories. Steady: the navigation, the count and the sidebar are kept.
    assert_same_cost("/author/amara-osei/", 7, steady=3)


def test_month_archive_cost(assert_same_cost):
    # Guards a query per teaser for its section and bylines: navigation, the count, the page,
    # the page's bylines, the nearest earlier and later months with stories. Steady: the
    # navigation, the count and the neighbouring months are kept.
    assert_same_cost("/archive/2026/03/", 6, steady=2)


def test_day_archive_cost(assert_same_cost):
    # The same parts as a month's: navigation, the count, the page, the page's bylines, the
    # nearest earlier and later days with stories. Steady: the navigation, the count and the
    # neighbouring days are kept.
    assert_same_cost("/archive/2026/03/18/", 6, steady=2)


def test_search_cost(assert_same_cost):
    # Guards a query per result for its section and bylines (and, on PostgreSQL, per snippet):
    # navigation, the ranked page of ids with the count, the page's rows with their snippets
    # and (on PostgreSQL, in the same rows) their bylines.
    if connection.vendor == "postgresql":
        assert_same_cost("/search/?q=harbour", 3, steady=2)
    else:
        assert_same_cost("/search/?q=harbour", 4, steady=3)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # The items, their bylines: guards a query per item for its bylines and section.
        ("/rss.xml", 2),
        # The section, the items, their bylines.
        ("/section/world/rss.xml", 3),
        # The author, the items, their bylines.
        ("/author/amara-osei/rss.xml", 3),
    ],
)
def test_feed_cost(assert_same_cost, url, queries):
    assert_same_cost(url, queries)


@pytest.mark.parametrize(
    ("url", "queries"),
    [
        # A count for the sections and the authors, the articles' pages with their latest
        # change: guards a query per page of each part. Steady: the entries are kept until
        # the site changes (test_sitemap_index_is_kept_until...).
        ("/sitemap.xml", (3, 0)),
        # The page, a range of ids: guards a query per article for deferred fields of its
        # URL, and a count of every article before the page.
        ("/sitemap-articles.xml", 1),
        # The count, the page of authors: guards a query per author for their bylines.
        ("/sitemap-authors.xml", 2),
        # The articles, their tags (in the same rows on PostgreSQL): guards a query per
        # article for its keywords.
        ("/news-sitemap.xml", 1 if connection.vendor == "postgresql" else 2),
    ],
)
def test_sitemap_cost(assert_same_cost, newsroom, url, queries):
    first, steady = queries if isinstance(queries, tuple) else (queries, None)
    if url == "/sitemap-articles.xml":
        # The page of ids that lists the stories (ids do not start again on PostgreSQL).
        url += f"?p={article_sitemap_page(newsroom.story)}"
    assert_same_cost(url, first, steady=steady)


def test_every_reader_page_stays_within_the_query_budget(
    client, newsroom, django_assert_max_num_queries
):
    newsroom.grow()
    urls = [
        "/",
        newsroom.story.get_absolute_url(),
        "/section/world/",
        "/tag/harbours/",
        "/author/amara-osei/",
        "/archive/2026/03/",
        "/archive/2026/03/18/",
        "/search/?q=harbour",
        "/rss.xml",
        "/section/world/rss.xml",
        "/author/amara-osei/rss.xml",
    ]
    for url in urls:
        with django_assert_max_num_queries(READER_PAGE_BUDGET):
            assert client.get(url).status_code == 200
