import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from articles.models import Article, Byline, plain_text
from tests.factories import ArticleFactory, AuthorFactory, ImageFactory

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


def test_body_is_sanitized_on_save():
    article = ArticleFactory(
        body='<p onclick="steal()">Kept</p><script>alert(1)</script><iframe src="x"></iframe>'
    )
    article.refresh_from_db()
    assert article.body == "<p>Kept</p>"
    assert article.rendered_body == "<p>Kept</p>"


def test_control_characters_are_removed_from_text_fields_on_save():
    """Word's soft line break (U+000B) and other invisible controls would break the XML feeds."""
    article = ArticleFactory(
        headline="Storm\x0b warning",
        standfirst="Gales\x08 expected.",
        source="Agencies\x00",
        hero_caption="Waves\x1f",
    )
    article.refresh_from_db()
    assert article.headline == "Storm warning"
    assert article.standfirst == "Gales expected."
    assert article.source == "Agencies"
    assert article.hero_caption == "Waves"


def test_body_text_keeps_the_words_and_block_breaks_without_markup():
    article = ArticleFactory(
        body="<h2>Plan</h2><p>Fish &amp; chips<br>for   all.</p><ul><li>One</li><li>Two</li></ul>"
    )
    assert article.body_text == "Plan\nFish & chips\nfor all.\nOne\nTwo"
    assert article.word_count == 8


def test_plain_text_drops_control_characters():
    assert plain_text("<p>a\x02b\x03c\x0bd</p>") == "abcd"


@pytest.mark.parametrize(
    ("words", "minutes"),
    [(0, 1), (1, 1), (230, 1), (231, 2), (460, 2), (461, 3), (2300, 10)],
)
def test_reading_time_is_whole_minutes_at_230_words_and_at_least_one(words, minutes):
    article = ArticleFactory(body="<p>" + " ".join(["word"] * words) + "</p>")
    assert article.word_count == words
    assert article.reading_time == minutes


def test_hero_image_without_alt_text_is_refused_on_hero_alt():
    article = ArticleFactory.build(
        section=ArticleFactory().section, hero=ImageFactory(), hero_alt="  "
    )
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert caught.value.message_dict["hero_alt"] == [
        "Describe the image for readers who cannot see it."
    ]


def test_hero_image_with_alt_text_is_accepted():
    article = ArticleFactory.build(
        section=ArticleFactory().section, hero=ImageFactory(), hero_alt="Cranes at dawn"
    )
    article.full_clean()


@pytest.mark.parametrize("offset", [datetime.timedelta(0), datetime.timedelta(hours=-1)])
def test_expiry_at_or_before_publication_is_refused(offset):
    published = datetime.datetime(2025, 3, 4, 9, tzinfo=UTC)
    article = ArticleFactory.build(
        section=ArticleFactory().section, published_at=published, expires_at=published + offset
    )
    with pytest.raises(ValidationError) as caught:
        article.full_clean()
    assert caught.value.message_dict["expires_at"] == [
        "The expiry time must be after the publication time."
    ]


def test_expiry_after_publication_is_accepted():
    published = datetime.datetime(2025, 3, 4, 9, tzinfo=UTC)
    article = ArticleFactory.build(
        section=ArticleFactory().section,
        published_at=published,
        expires_at=published + datetime.timedelta(microseconds=1),
    )
    article.full_clean()


def test_a_second_article_with_the_same_slug_is_refused():
    existing = ArticleFactory(slug="harbour-plan")
    duplicate = ArticleFactory.build(section=existing.section, slug="harbour-plan")
    with pytest.raises(ValidationError) as caught:
        duplicate.full_clean()
    assert caught.value.message_dict["slug"] == ["Article with this Slug already exists."]
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_publishing_without_a_time_publishes_now():
    article = ArticleFactory(published_at=None)
    assert article.published_at is not None
    assert article.first_published_at == article.published_at
    assert article.is_public


def test_a_draft_has_no_first_publication():
    article = ArticleFactory(draft=True)
    assert article.published_at is None
    assert article.first_published_at is None


def test_bylines_follow_their_position_not_their_creation_order():
    article = ArticleFactory()
    third, first, second = AuthorFactory.create_batch(3)
    Byline.objects.create(article=article, author=third, position=2)
    Byline.objects.create(article=article, author=first, position=0)
    Byline.objects.create(article=article, author=second, position=1)
    assert [byline.author for byline in article.bylines.all()] == [first, second, third]
    assert Article.objects.get(pk=article.pk).byline_authors == [first, second, third]


def test_an_author_has_one_byline_per_article():
    article = ArticleFactory()
    author = AuthorFactory()
    Byline.objects.create(article=article, author=author, position=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        Byline.objects.create(article=article, author=author, position=1)


@pytest.mark.parametrize(
    ("time_zone", "url_date"),
    [("UTC", "2025/03/04"), ("Asia/Tokyo", "2025/03/05"), ("America/New_York", "2025/03/04")],
)
def test_url_date_is_the_first_publication_day_in_the_site_time_zone(
    settings, client, time_zone, url_date
):
    settings.TIME_ZONE = time_zone
    article = ArticleFactory(
        slug="late-edition", published_at=datetime.datetime(2025, 3, 4, 23, 30, tzinfo=UTC)
    )
    assert article.get_absolute_url() == f"/news/{url_date}/late-edition/"
    assert client.get(f"/news/{url_date}/late-edition/").status_code == 200


def test_url_date_in_tokyo_is_served_and_the_utc_date_is_not(settings, client):
    settings.TIME_ZONE = "Asia/Tokyo"
    ArticleFactory(
        slug="late-edition", published_at=datetime.datetime(2025, 3, 4, 23, 30, tzinfo=UTC)
    )
    assert client.get("/news/2025/03/04/late-edition/").status_code == 404


def test_url_date_stays_with_the_first_publication_when_republished():
    first = datetime.datetime(2025, 3, 4, 9, tzinfo=UTC)
    article = ArticleFactory(slug="kept", published_at=first)
    article.published_at = first + datetime.timedelta(days=3)
    article.save()
    assert article.first_published_at == first
    assert article.get_absolute_url() == "/news/2025/03/04/kept/"


def test_shows_update_only_for_an_update_after_publication():
    published = datetime.datetime(2025, 3, 4, 9, tzinfo=UTC)
    article = ArticleFactory(published_at=published)
    assert not article.shows_update
    article.updated_at = published - datetime.timedelta(minutes=1)
    assert not article.shows_update
    article.updated_at = published + datetime.timedelta(minutes=1)
    assert article.shows_update


def test_a_kept_address_follows_the_fields_it_is_made_from(settings):
    # Kept instances (the front page's stories, the navigation's sections) work their
    # address out once; a change of what it is made from is seen on the same instance.
    article = ArticleFactory(
        slug="harbour-wall",
        published_at=datetime.datetime(2026, 3, 18, 23, 30, tzinfo=datetime.UTC),
    )
    assert article.get_absolute_url() == "/news/2026/03/18/harbour-wall/"
    article.slug = "harbour-wall-repaired"
    assert article.get_absolute_url() == "/news/2026/03/18/harbour-wall-repaired/"
    with timezone.override("Asia/Tokyo"):
        assert article.get_absolute_url() == "/news/2026/03/19/harbour-wall-repaired/"
    section = article.section
    section.slug = "coast"
    assert section.get_absolute_url() == "/section/coast/"
