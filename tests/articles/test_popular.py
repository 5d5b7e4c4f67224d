"""Read counts without cookies: the beacon endpoint, folding, and the "Most read" list."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django.utils import timezone

from articles import popular
from articles.models import Article, ArticleReadCount
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_waiting_reads():
    popular._local.take()
    yield
    popular._local.take()


@pytest.fixture
def beacon():
    """A client that enforces CSRF checks, as a browser's beacon meets them."""
    client = Client(enforce_csrf_checks=True)

    def send(article_id, **extra):
        return client.post("/reads/", {"article": str(article_id)}, **extra)

    return send


def reads_of(article):
    return sum(ArticleReadCount.objects.filter(article=article).values_list("count", flat=True))


def test_a_read_is_counted_without_cookies_or_a_csrf_token(beacon, article):
    response = beacon(article.pk)
    assert response.status_code == 204
    assert not response.cookies
    assert response["Cache-Control"] == "no-store"
    # The first read of a minute folds what is waiting, this read included.
    assert reads_of(article) == 1


def test_reads_wait_in_the_cache_until_they_are_folded(beacon, article):
    for _ in range(3):
        assert beacon(article.pk).status_code == 204
    assert reads_of(article) == 1
    out = io.StringIO()
    call_command("fold_read_counts", stdout=out)
    assert "2 read(s) folded" in out.getvalue()
    assert reads_of(article) == 3
    assert ArticleReadCount.objects.filter(article=article).count() == 1


@pytest.mark.parametrize(
    "value", ["", "abc", "-1", "0", "1.5", "١٢", "99999999999999999999999", "1; DROP", "%00"]
)
def test_a_malformed_article_id_is_refused_with_400(beacon, db, value):
    response = beacon(value)
    assert response.status_code == 400
    assert "positive whole number" in response.text


def test_an_article_readers_cannot_see_is_refused_with_404(beacon, article):
    draft = ArticleFactory(status=Article.Status.DRAFT)
    assert beacon(draft.pk).status_code == 404
    assert beacon(article.pk + 1000).status_code == 404
    assert not ArticleReadCount.objects.exists()


def test_the_endpoint_only_takes_posts(client, article):
    assert client.get("/reads/", {"article": article.pk}).status_code == 405


def test_one_address_is_limited_to_a_few_reads_a_minute(beacon, article):
    for _ in range(popular.READS_PER_MINUTE):
        assert beacon(article.pk).status_code == 204
    response = beacon(article.pk)
    assert response.status_code == 429
    # Another address still counts.
    assert beacon(article.pk, REMOTE_ADDR="192.0.2.7").status_code == 204


def test_the_listings_show_the_most_read_stories_first(client, beacon, section, author):
    quiet = ArticleFactory(section=section, authors=[author], headline="A quiet story")
    busy = ArticleFactory(section=section, authors=[author], headline="A busy story")
    for _ in range(3):
        beacon(busy.pk)
    beacon(quiet.pk)
    popular.fold_reads()
    html = client.get("/section/world/").text
    sidebar = html[html.index('aria-labelledby="sidebar-most-read"') :]
    assert sidebar.index("A busy story") < sidebar.index("A quiet story")


def test_pages_with_the_sidebar_stay_cacheable(client, article):
    response = client.get("/section/world/")
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_article_page_names_its_story_for_the_read_ping(client, article):
    html = client.get(article.get_absolute_url()).text
    assert f'data-article-id="{article.pk}" data-read-url="/reads/"' in html
    assert "/static/js/reader.js" in html


def test_most_read_is_one_query_whatever_the_number_of_stories(
    beacon, section, django_assert_num_queries
):
    stories = ArticleFactory.create_batch(8, section=section)
    for story in stories:
        beacon(story.pk)
    popular.fold_reads()
    with django_assert_num_queries(1):
        assert len(popular.most_read()) == popular.MOST_READ_SIZE


def test_the_compiled_lists_read_what_the_querysets_read(beacon, section):
    """Most read (by reads, then newest) and latest, public stories only."""
    now = timezone.now()
    stories = [
        ArticleFactory(section=section, published_at=now - datetime.timedelta(hours=n))
        for n in range(1, 8)
    ]
    ArticleFactory(section=section, scheduled=True)
    for n, story in enumerate(stories):
        for _ in range(n % 3 + 1):
            beacon(story.pk)
    popular.fold_reads()
    public = Article.objects.public()
    expected_read = list(
        public.filter(read_counts__hour__gte=now - datetime.timedelta(hours=24))
        .annotate(reads=Sum("read_counts__count"))
        .order_by("-reads", "-published_at", "-pk")[: popular.MOST_READ_SIZE]
    )
    found = popular.most_read()
    assert [(a.pk, a.reads) for a in found] == [(a.pk, a.reads) for a in expected_read]
    expected_latest = list(public.newest_first()[: popular.LATEST_SIZE])
    assert [a.pk for a in popular.latest()] == [a.pk for a in expected_latest]
