import datetime

import pytest
import time_machine

from articles.models import Article
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=datetime.UTC)
MICROSECOND = datetime.timedelta(microseconds=1)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def is_in_public_queryset(article):
    return Article.objects.public().filter(pk=article.pk).exists()


@pytest.mark.parametrize(
    ("status", "published_at", "expires_at", "public"),
    [
        pytest.param("published", NOW, None, True, id="published-exactly-now"),
        pytest.param("published", NOW - MICROSECOND, None, True, id="published-just-before"),
        pytest.param("published", NOW + MICROSECOND, None, False, id="published-just-after"),
        pytest.param("published", NOW - HOUR, NOW, False, id="expires-exactly-now"),
        pytest.param("published", NOW - HOUR, NOW + MICROSECOND, True, id="expires-just-after"),
        pytest.param("published", NOW - HOUR, NOW - MICROSECOND, False, id="expired-just-before"),
        pytest.param("published", NOW - HOUR, NOW + HOUR, True, id="within-window"),
        pytest.param("draft", None, None, False, id="draft-without-time"),
        pytest.param("draft", NOW - HOUR, None, False, id="draft-with-past-time"),
        pytest.param("draft", NOW - HOUR, NOW + HOUR, False, id="draft-within-window"),
    ],
)
def test_public_queryset_and_is_public_agree_at_the_boundaries(
    frozen, status, published_at, expires_at, public
):
    article = ArticleFactory(status=status, published_at=published_at, expires_at=expires_at)
    assert article.is_public is public
    assert is_in_public_queryset(article) is public


def test_public_at_a_given_time_matches_the_clock_at_that_time(frozen):
    article = ArticleFactory(published_at=NOW + HOUR, expires_at=NOW + 2 * HOUR)
    moments = [NOW, NOW + HOUR - MICROSECOND, NOW + HOUR, NOW + 2 * HOUR - MICROSECOND]
    moments.append(NOW + 2 * HOUR)
    for moment in moments:
        frozen.move_to(moment)
        expected = Article.objects.public(at=moment).filter(pk=article.pk).exists()
        assert article.is_public is expected
        assert is_in_public_queryset(article) is expected


def test_a_scheduled_article_appears_by_itself_when_its_time_comes(frozen, client):
    scheduled = ArticleFactory(headline="Embargoed budget figures", published_at=NOW + 2 * HOUR)
    url = scheduled.get_absolute_url()
    assert not is_in_public_queryset(scheduled)
    assert client.get(url).status_code == 404
    assert "Embargoed budget figures" not in client.get("/").text

    frozen.move_to(NOW + 2 * HOUR - MICROSECOND)
    assert client.get(url).status_code == 404

    frozen.move_to(NOW + 2 * HOUR)
    assert is_in_public_queryset(scheduled)
    assert client.get(url).status_code == 200
    assert "Embargoed budget figures" in client.get("/").text


def test_an_expiring_article_leaves_by_itself_when_its_time_comes(frozen, client):
    article = ArticleFactory(headline="Road closure notice", expires_at=NOW + HOUR)
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    frozen.move_to(NOW + HOUR)
    assert client.get(url).status_code == 404
    assert "Road closure notice" not in client.get("/").text


def test_first_publication_follows_the_schedule_until_the_article_appears(frozen, client):
    first_slot = datetime.datetime(2026, 3, 11, 9, 0, tzinfo=datetime.UTC)
    second_slot = datetime.datetime(2026, 3, 12, 9, 0, tzinfo=datetime.UTC)
    article = ArticleFactory(slug="rescheduled", published_at=first_slot)
    assert article.first_published_at == first_slot
    assert article.get_absolute_url() == "/news/2026/03/11/rescheduled/"

    article.published_at = second_slot
    article.save()
    assert article.first_published_at == second_slot
    assert article.get_absolute_url() == "/news/2026/03/12/rescheduled/"

    frozen.move_to(second_slot)
    assert client.get("/news/2026/03/12/rescheduled/").status_code == 200
    assert client.get("/news/2026/03/11/rescheduled/").status_code == 404


def test_first_publication_stays_fixed_once_the_article_has_appeared(frozen, client):
    article = ArticleFactory(slug="bumped", published_at=NOW - HOUR)
    later = NOW + datetime.timedelta(days=2)
    frozen.move_to(later)
    article.published_at = later
    article.headline = "Bumped to the top"
    article.save()
    article.refresh_from_db()
    assert article.first_published_at == NOW - HOUR
    assert article.get_absolute_url() == "/news/2026/03/10/bumped/"
    assert client.get("/news/2026/03/10/bumped/").status_code == 200
    assert client.get("/news/2026/03/12/bumped/").status_code == 404


def test_a_schedule_withdrawn_before_its_time_does_not_count_as_first_publication(frozen, client):
    article = ArticleFactory(slug="withdrawn", published_at=NOW + 2 * HOUR)
    article.status = Article.Status.DRAFT
    article.save()  # pulled back an hour before it was due: nobody has seen it
    assert article.first_published_at is None

    republished = NOW + datetime.timedelta(days=10)
    frozen.move_to(republished)
    article.status = Article.Status.PUBLISHED
    article.published_at = republished
    article.save()

    assert article.first_published_at == republished
    assert article.get_absolute_url() == "/news/2026/03/20/withdrawn/"
    assert "/news/2026/03/20/withdrawn/" in client.get("/news-sitemap.xml").text


def test_an_article_taken_down_and_put_back_keeps_its_first_publication(frozen, client):
    article = ArticleFactory(slug="taken-down", published_at=NOW - HOUR)
    article.status = Article.Status.DRAFT
    article.save()
    assert article.first_published_at == NOW - HOUR
    assert client.get("/news/2026/03/10/taken-down/").status_code == 404

    frozen.move_to(NOW + datetime.timedelta(days=3))
    article.status = Article.Status.PUBLISHED
    article.published_at = NOW + datetime.timedelta(days=3)
    article.save()
    assert article.first_published_at == NOW - HOUR
    assert client.get("/news/2026/03/10/taken-down/").status_code == 200
