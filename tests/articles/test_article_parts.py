"""The article's own parts (text and metadata): compiled queries give what a prefetch gives."""

import datetime

import pytest
from django.db import connection
from django.db.models import prefetch_related_objects
from django.utils import timezone

from articles.article_html import article_html, meta_html
from articles.models import Article, Byline, prefetch_bylines
from articles.pages import attach_bylines, attach_relations, byline_authors, with_sections
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CorrectionFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def render_parts(article):
    """The metadata for <head> and the article itself, as articles.pages.article_parts has them."""
    return [meta_html(article), article_html(article)]


@pytest.fixture
def story():
    authors = AuthorFactory.create_batch(3)
    article = ArticleFactory(
        authors=authors, tags=[TagFactory(name=name) for name in ("Zebra", "Apple", "Mango")]
    )
    # Positions other than the order of creation, and a tie broken by the byline's id.
    Byline.objects.filter(article=article, author=authors[0]).update(position=5)
    Byline.objects.filter(article=article, author=authors[2]).update(position=1)
    later = timezone.now() + datetime.timedelta(minutes=5)
    CorrectionFactory(article=article, text="Second\nline", created_at=later)
    CorrectionFactory(article=article, text="First")
    ArticleFactory(authors=[authors[1]], tags=[TagFactory(name="Elsewhere")])
    return article


def test_the_article_parts_are_the_same_as_from_a_prefetch(story):
    prefetched = Article.objects.get(pk=story.pk)
    prefetch_related_objects([prefetched], prefetch_bylines(), "tags", "corrections")
    compiled = Article.objects.get(pk=story.pk)
    attach_relations(compiled)
    with_sections([prefetched, compiled])
    expected, found = render_parts(prefetched), render_parts(compiled)
    assert found == expected
    assert [a.pk for a in compiled.byline_authors] == [a.pk for a in prefetched.byline_authors]
    assert [t.name for t in compiled.tags.all()] == ["Apple", "Mango", "Zebra"]
    assert [c.text for c in compiled.corrections.all()] == ["First", "Second\nline"]
    assert "Second<br>line" in found[1]


def test_the_article_relations_cost_a_query_each(story, django_assert_num_queries):
    # Guards a query per byline's author, per tag and per correction.
    article = Article.objects.get(pk=story.pk)
    with_sections([article])
    # On PostgreSQL the three come as JSON arrays in one row.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 3):
        attach_relations(article)
    with django_assert_num_queries(0):
        render_parts(article)


def test_the_relations_are_whole_instances_as_read_from_their_tables(story):
    AuthorFactory(name='Ünïcode "quoted"', bio="Line\nbreak")
    article = Article.objects.get(pk=story.pk)
    attach_relations(article)
    pairs = [
        *zip(
            article.byline_authors,
            [byline.author for byline in story.bylines.order_by("position", "pk")],
            strict=True,
        ),
        *zip(article.tags.all(), story.tags.order_by("name"), strict=True),
        *zip(article.corrections.all(), story.corrections.all(), strict=True),
    ]
    assert len(pairs) == 3 + 3 + 2
    for found, expected in pairs:
        assert type(found) is type(expected)
        # Every field, with no query left to make for one.
        assert found.get_deferred_fields() == set()
        assert not found._state.adding
        for field in type(found)._meta.concrete_fields:
            assert getattr(found, field.attname) == getattr(expected, field.attname), field
    assert all(c.article is article for c in article.corrections.all())
    assert all(b.article is article for b in article.bylines.all())


def test_an_article_without_relations_has_none(django_assert_num_queries):
    article = Article.objects.get(pk=ArticleFactory(authors=[]).pk)
    attach_relations(article)
    with django_assert_num_queries(0):
        assert article.byline_authors == []
        assert list(article.tags.all()) == list(article.corrections.all()) == []


def test_relations_already_given_are_kept(story):
    """A preview of unsaved changes brings its own bylines and tags."""
    article = Article.objects.get(pk=story.pk)
    prefetch_related_objects([article], "tags")
    kept = article.tags.all()
    attach_relations(article)
    assert article.tags.all() is kept


def test_the_bylines_of_many_stories_are_the_same_as_from_a_prefetch():
    authors = AuthorFactory.create_batch(4)
    stories = [
        ArticleFactory(authors=[authors[2], authors[0]]),
        ArticleFactory(authors=[authors[1]]),
        ArticleFactory(),
        ArticleFactory(authors=[authors[3], authors[2], authors[1]]),
    ]
    Byline.objects.filter(article=stories[3], author=authors[1]).update(position=0)
    ids = [story.pk for story in stories[:3]] + [stories[3].pk]
    prefetched = list(Article.objects.filter(pk__in=ids).order_by("pk"))
    prefetch_related_objects(prefetched, prefetch_bylines())
    compiled = list(Article.objects.filter(pk__in=ids).order_by("pk"))
    attach_bylines(compiled, byline_authors(bylines__article__in=ids))
    for expected, found in zip(prefetched, compiled, strict=True):
        assert [a.pk for a in found.byline_authors] == [a.pk for a in expected.byline_authors]
        assert [(b.pk, b.position) for b in found.bylines.all()] == [
            (b.pk, b.position) for b in expected.bylines.all()
        ]
        assert all(byline.article is found for byline in found.bylines.all())
    assert compiled[2].byline_authors == []
