"""Queries compiled once per process give the rows the QuerySet itself gives."""

import datetime

import pytest
from django.db.models import Exists, OuterRef
from django.utils import timezone

from articles.models import Article
from newsroom.compiled import CompiledQuery
from tests.factories import ArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def public_in_section(section_id, now):
    return (
        Article.objects.public(at=now)
        .filter(section_id=section_id)
        .annotate(tagged=Exists(Article.tags.through.objects.filter(article=OuterRef("pk"))))
        .defer("body", "body_text")
        .order_by("-published_at", "-pk")[:3]
    )


def test_the_rows_are_those_of_the_queryset_for_every_value(django_assert_num_queries):
    now = timezone.now()
    sections = [SectionFactory(), SectionFactory()]
    for n in range(8):
        ArticleFactory(
            section=sections[n % 2],
            published_at=now - datetime.timedelta(hours=n),
            tags=[TagFactory()] if n % 3 == 0 else [],
        )
    ArticleFactory(section=sections[0], scheduled=True)
    query = CompiledQuery(public_in_section, section_id=int, now=datetime.datetime)
    for section in sections:
        for moment in (now, now - datetime.timedelta(hours=3, minutes=30)):
            expected = list(public_in_section(section.pk, moment))
            with django_assert_num_queries(1):
                found = list(query.raw(section_id=section.pk, now=moment))
            assert [a.pk for a in found] == [a.pk for a in expected]
            assert [a.tagged for a in found] == [a.tagged for a in expected]
            assert [a.hero_id for a in found] == [a.hero_id for a in expected]
            assert found[0].get_deferred_fields() >= {"body", "body_text"}
    assert len(query._compiled) == 1  # compiled once for the database


def test_a_value_that_never_reaches_the_parameters_is_refused():
    query = CompiledQuery(
        lambda section_id, now: Article.objects.filter(pk=1), section_id=int, now=datetime.datetime
    )
    with pytest.raises(ValueError, match="never reach the SQL"):
        query.raw(section_id=1, now=timezone.now())


def test_related_rows_and_prefetches_are_refused():
    query = CompiledQuery(
        lambda pk: Article.objects.filter(pk=pk).select_related("section"), pk=int
    )
    with pytest.raises(ValueError, match="no select_related"):
        query.raw(pk=1)


def test_every_value_must_be_given():
    query = CompiledQuery(lambda pk: Article.objects.filter(pk=pk), pk=int)
    with pytest.raises(TypeError, match="Expected the values"):
        query.raw(slug="x")
