"""The article list costs the same queries with 10 articles as with 1,000, under every filter."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline, Section
from authors.models import Author
from comments.models import Comment
from tests.factories import AuthorFactory, SectionFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")

# Session, user, two permission reads, the section filter (the author filter reads only a
# chosen author, none by default), the capped count, the page of rows (section, last editor
# and comment counts joined or annotated), bylines, their authors; PostgreSQL also reads its
# row estimate.
LIST_BUDGET = 12 + (connection.vendor == "postgresql")


def bulk_articles(count, *, start=0, by=None):
    """`count` articles in a handful of INSERTs: bylines, comments, statuses of every kind."""
    if start == 0:
        SectionFactory.create_batch(3)
        AuthorFactory.create_batch(3)
    sections, authors = list(Section.objects.all()), list(Author.objects.all())
    now = timezone.now()
    hour = datetime.timedelta(hours=1)
    # (status, published_at, expires_at): every kind of row the filters tell apart.
    kinds = [
        (Article.Status.DRAFT, None, None),
        (Article.Status.IN_REVIEW, None, None),
        (Article.Status.PUBLISHED, now - hour, None),
        (Article.Status.PUBLISHED, now + hour, None),
        (Article.Status.PUBLISHED, now - 2 * hour, now - hour),
        (Article.Status.UNPUBLISHED, now - 3 * hour, None),
    ]
    articles = Article.objects.bulk_create(
        Article(
            headline=f"Harbour story number {n}",
            slug=f"harbour-story-{n}",
            standfirst="What the council decided.",
            body="<p>The council voted.</p>",
            section=sections[n % 3],
            status=kinds[n % len(kinds)][0],
            published_at=kinds[n % len(kinds)][1],
            expires_at=kinds[n % len(kinds)][2],
            created_by=by,
            modified_by=by,
        )
        for n in range(start, start + count)
    )
    Byline.objects.bulk_create(
        Byline(article=article, author=author, position=position)
        for i, article in enumerate(articles)
        for position, author in enumerate(authors[: 1 + i % 3])
    )
    Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name="Reader",
            author_email="reader@example.org",
            body="A point.",
            status=status,
        )
        for article in articles
        for status in (Comment.Status.APPROVED, Comment.Status.PENDING)
    )
    return articles


@pytest.mark.parametrize(
    "query",
    ["", "status__exact=review", "timing=scheduled", "timing=live", "timing=expired",
     "mine=1", "author=1", "q=harbour", "section__id__exact=1", "o=-5"],
)  # fmt: skip
def test_the_article_list_costs_the_same_with_1000_articles_as_with_10(
    client, editor, django_assert_num_queries, query
):
    """Bylines, section, last editor and comment counts of every row come in fixed queries."""
    client.force_login(editor)
    url = f"{CHANGELIST}?{query}"
    bulk_articles(10, by=editor)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        response = client.get(url)
    assert response.status_code == 200
    bulk_articles(990, start=10, by=editor)
    with django_assert_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) <= LIST_BUDGET
    html = response.content.decode()
    if not query:
        # The page shows a full page of rows, each with its bylines and comment column.
        assert html.count('<td class="field-byline_names">') == 100
        assert "waiting)</a>" in html
