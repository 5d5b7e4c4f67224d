"""The admin's paginator for big tables: exact when small, the planner's estimate when huge."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.article import ArticleAdmin
from articles.paginator import COUNT_LIMIT, EstimatedCountPaginator
from comments.models import Comment

from ..factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_a_small_table_is_counted_exactly():
    CommentFactory.create_batch(3)
    paginator = EstimatedCountPaginator(Comment.objects.order_by("pk"), 2)
    assert paginator.count == 3
    assert paginator.num_pages == 2


def test_a_filtered_list_is_counted_up_to_the_limit(monkeypatch):
    monkeypatch.setattr("articles.paginator.COUNT_LIMIT", 4)
    CommentFactory.create_batch(6, status=Comment.Status.PENDING)
    CommentFactory(status=Comment.Status.APPROVED)
    pending = Comment.objects.filter(status=Comment.Status.PENDING).order_by("pk")
    assert EstimatedCountPaginator(pending, 2).count == 4
    approved = Comment.objects.filter(status=Comment.Status.APPROVED).order_by("pk")
    assert EstimatedCountPaginator(approved, 2).count == 1


def test_a_searched_article_list_counts_fewer_matches(client, editor, monkeypatch):
    """Each match of a search is read to be counted: the count stops sooner than a filter's."""
    monkeypatch.setattr(ArticleAdmin, "search_count_limit", 3)
    ArticleFactory.create_batch(5, headline="Harbour works resume")
    client.force_login(editor)
    url = reverse("admin:articles_article_changelist")
    response = client.get(url, {"q": "harbour", "o": "1"})
    assert response.context["cl"].result_count == 3
    assert response.context["cl"].paginator.num_pages == 1
    assert client.get(url).context["cl"].result_count == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics: PostgreSQL")
def test_a_huge_table_takes_the_planners_estimate_without_counting_rows():
    CommentFactory.create_batch(2)
    with connection.cursor() as cursor:
        # What ANALYZE leaves behind on a table of ten million rows (undone with the test).
        cursor.execute(
            "UPDATE pg_class SET reltuples = 10000000 WHERE oid = 'comments_comment'::regclass"
        )
    paginator = EstimatedCountPaginator(Comment.objects.order_by("-created_at", "-pk"), 50)
    with CaptureQueriesContext(connection) as queries:
        assert paginator.count == 10_000_000
    sql = " ".join(query["sql"] for query in queries).upper()
    assert "COUNT(" not in sql
    assert "RELTUPLES" in sql
    assert paginator.num_pages == 200_000


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner statistics: PostgreSQL")
def test_a_table_the_planner_thinks_small_is_counted():
    CommentFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE pg_class SET reltuples = %s WHERE oid = 'comments_comment'::regclass",
            [COUNT_LIMIT // 2],
        )
    with CaptureQueriesContext(connection) as queries:
        assert EstimatedCountPaginator(Comment.objects.order_by("pk"), 50).count == 3
    assert "COUNT(" in " ".join(query["sql"] for query in queries).upper()
