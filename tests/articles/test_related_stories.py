"""The related stories, read in one query, are the ones a query per kind would choose."""

import datetime
import random

import pytest
from django.db import connection
from django.utils import timezone

from articles.models import Article, all_sections
from articles.pages import RELATED_STORIES, related_stories
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def expected(article):
    """Editors' picks, then the newest sharing a tag, then the newest of the section."""
    stories = list(article.related_articles.public()[:RELATED_STORIES])
    others = Article.objects.public().exclude(pk=article.pk)
    tags = list(article.tags.all())
    if tags and len(stories) < RELATED_STORIES:
        stories += (
            others.filter(tags__in=tags)
            .distinct()
            .exclude(pk__in=[s.pk for s in stories])
            .newest_first()[: RELATED_STORIES - len(stories)]
        )
    if len(stories) < RELATED_STORIES:
        stories += (
            others.filter(section=article.section)
            .exclude(pk__in=[s.pk for s in stories])
            .newest_first()[: RELATED_STORIES - len(stories)]
        )
    return [s.pk for s in stories]


@pytest.mark.parametrize("seed", range(6))
def test_the_rail_matches_a_query_per_kind(seed):
    rng = random.Random(seed)
    sections = [SectionFactory() for _ in range(2)]
    tags = [TagFactory() for _ in range(3)]
    now = timezone.now()
    articles = []
    for _ in range(30):
        articles.append(
            ArticleFactory(
                section=rng.choice(sections),
                tags=rng.sample(tags, rng.randrange(0, 3)),
                published_at=now - datetime.timedelta(minutes=rng.randrange(1, 20) * 10),
            )
        )
    unpublished = ArticleFactory(section=sections[0], tags=tags, draft=True)
    for article in articles[:10]:
        picks = rng.sample(articles, rng.randrange(0, 6))
        if rng.random() < 0.5:
            picks.append(unpublished)
        article.related_articles.set(picks)
    for article in articles:
        assert [s.pk for s in related_stories(article)] == expected(article), article.pk


def test_the_rail_costs_one_query_whatever_it_holds(django_assert_num_queries):
    # Guards a query per story for its section or bylines: the candidates, with their
    # bylines on PostgreSQL (a second query for them elsewhere). Their sections come from
    # the kept list of sections, as on any page with a navigation.
    tag = TagFactory()
    article = ArticleFactory(tags=[tag])
    picks = [ArticleFactory(tags=[tag], authors=AuthorFactory.create_batch(2)) for _ in range(2)]
    ArticleFactory.create_batch(3, section=article.section)
    article.related_articles.set(picks)
    all_sections()
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        stories = related_stories(article)
        assert [str(s.section) for s in stories] and [list(s.bylines.all()) for s in stories]
    assert len(stories) == RELATED_STORIES
    # The teaser's byline: its authors' names, in byline order.
    for pick in picks:
        shown = next(story for story in stories if story.pk == pick.pk)
        expected = [byline.author for byline in pick.bylines.order_by("position", "pk")]
        assert [(a.pk, a.name, a.slug) for a in shown.byline_authors] == [
            (a.pk, a.name, a.slug) for a in expected
        ]
