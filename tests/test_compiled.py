"""Queries compiled once per process give the rows the QuerySet itself gives."""

import datetime
from unittest import mock

import pytest
from django.db.models import Exists, OuterRef
from django.db.models.sql.query import RawQuery
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


def test_the_columns_are_mapped_to_the_model_once_per_database(django_assert_num_queries):
    now = timezone.now()
    section = SectionFactory()
    tagged = ArticleFactory(section=section, published_at=now, tags=[TagFactory()])
    query = CompiledQuery(public_in_section, section_id=int, now=datetime.datetime)
    # The first run has no rows: the mapping comes from the cursor's description alone.
    assert list(query.raw(section_id=section.pk, now=now - datetime.timedelta(days=1))) == []
    assert len(query._mappings) == 1
    with mock.patch.object(RawQuery, "get_columns", side_effect=AssertionError("read again")):
        with django_assert_num_queries(1):
            (found,) = query.raw(section_id=section.pk, now=now)
    assert (found.pk, found.headline, found.section_id) == (
        tagged.pk,
        tagged.headline,
        section.pk,
    )
    assert found.tagged
    assert found.get_deferred_fields() >= {"body", "body_text"}
    # A clone (here for a prefetch) maps its rows the same way.
    tags = [tag.pk for tag in tagged.tags.all()]
    with django_assert_num_queries(2):
        (found,) = query.raw(section_id=section.pk, now=now).prefetch_related("tags")
        assert [tag.pk for tag in found.tags.all()] == tags


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


def _prepared_statements(connection):
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


def test_on_postgresql_a_compiled_query_is_planned_once_per_connection():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 0
    now = timezone.now()
    section = SectionFactory()
    ArticleFactory(section=section, published_at=now - datetime.timedelta(hours=1))
    query = CompiledQuery(public_in_section, section_id=int, now=datetime.datetime)
    for _ in range(3):
        assert len(list(query.raw(section_id=section.pk, now=now))) == 1
    sql = query._compiled[connection.alias][0]
    mine = [statement for statement in _prepared_statements(connection) if "tagged" in statement]
    # Prepared once, with its values as parameters ($1...), never written into the text.
    assert len(mine) == 1
    assert "$1" in mine[0] and sql.count("%s") == mine[0].count("$")
    # Django's own queries are never prepared.
    list(public_in_section(section.pk, now))
    assert len([s for s in _prepared_statements(connection) if "tagged" in s]) == 1


def test_prepared_statements_can_be_turned_off_for_a_pooler():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    connection.connection.prepare_threshold = None  # DATABASE_PREPARED_STATEMENTS=false
    try:
        section = SectionFactory()
        query = CompiledQuery(public_in_section, section_id=int, now=datetime.datetime)
        assert list(query.raw(section_id=section.pk, now=timezone.now())) == []
        assert not [s for s in _prepared_statements(connection) if "tagged" in s]
    finally:
        connection.connection.prepare_threshold = 0
