"""The front page's parts, read in one query, are the ones a query per part would choose."""

import datetime
import random

import pytest
from django.utils import timezone

from articles.models import Article
from articles.views import FRONT_PAGE_LATEST, FRONT_PAGE_TOP_STORIES
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def expected_parts():
    """One query per part: the definition the front page must keep."""
    public = Article.objects.public().newest_first()
    featured = list(public.filter(is_featured=True)[: 1 + FRONT_PAGE_TOP_STORIES])
    rest = public.exclude(pk__in=[a.pk for a in featured])
    stories = featured + list(rest[: 1 + FRONT_PAGE_TOP_STORIES + FRONT_PAGE_LATEST])
    top = stories[: 1 + FRONT_PAGE_TOP_STORIES]
    rails = []
    for section in sorted({a.section for a in public}, key=lambda s: (s.position, s.name)):
        rail = list(public.filter(section=section).exclude(pk__in=[a.pk for a in top])[:4])
        if rail:
            rails.append((section.pk, [a.pk for a in rail]))
    return {
        "lead": top[0].pk,
        "top_stories": [a.pk for a in top[1:]],
        "latest": [a.pk for a in stories[len(top) :][:FRONT_PAGE_LATEST]],
        "rails": rails,
    }


def shown_parts(client):
    context = client.get("/").context
    return {
        "lead": context["lead"].pk,
        "top_stories": [a.pk for a in context["top_stories"]],
        "latest": [a.pk for a in context["latest"]],
        "rails": [(section.pk, [a.pk for a in rail]) for section, rail in context["rails"]],
    }


@pytest.mark.parametrize("featured_share", [0.0, 0.1, 0.5, 1.0])
def test_the_parts_match_a_query_per_part(client, featured_share):
    rng = random.Random(featured_share)
    sections = [SectionFactory(position=n) for n in range(5)]
    now = timezone.now()
    for _ in range(90):
        # The first section has few stories, the last many; some share a publication time.
        section = sections[min(4, int(rng.random() ** 0.5 * 5))]
        ArticleFactory(
            section=section,
            is_featured=rng.random() < featured_share,
            published_at=now - datetime.timedelta(minutes=rng.randrange(1, 60) * 10),
        )
    ArticleFactory(section=sections[0], scheduled=True, is_featured=True)
    ArticleFactory(section=sections[1], draft=True)
    assert shown_parts(client) == expected_parts()


def test_an_empty_newsroom_has_an_empty_front_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["lead"] is None
    assert response.context["rails"] == []
