"""The moderation queue costs the same queries with 10 comments as with 1,000."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comments.models import Comment
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")

# Session, user, two permission reads, the pending count in the title, the result counts, the
# page of comments with their articles and each article's waiting count, the date hierarchy;
# anything above this is a query per row.
QUEUE_BUDGET = 10

HELD = [
    (Comment.HeldReason.FIRST_COMMENT, "", 0),
    (Comment.HeldReason.LINKS, "3", 0),
    (Comment.HeldReason.HOLD_WORD, "lottery", 0),
    (Comment.HeldReason.REPORTS, "", 4),
    (Comment.HeldReason.ALL_HELD, "", 0),
]


def bulk_comments(count, articles, *, start=0):
    """`count` comments in one INSERT, spread over the articles, held for every reason."""
    statuses = [Comment.Status.PENDING, Comment.Status.PENDING, Comment.Status.APPROVED]
    Comment.objects.bulk_create(
        Comment(
            article=articles[n % len(articles)],
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.org",
            body=f"Point {n}, see https://example.org/{n} and https://example.net/.",
            status=statuses[n % len(statuses)],
            held_reason=HELD[n % len(HELD)][0],
            held_detail=HELD[n % len(HELD)][1],
            flag_count=HELD[n % len(HELD)][2],
            ip_address="203.0.113.7",
        )
        for n in range(start, start + count)
    )


@pytest.mark.parametrize(
    "query",
    ["", "status=all", "status=approved", "is_staff_reply__exact=0", "q=reader",
     "is_staff_reply__exact=1&status=all",
     "article__id__exact=1", "o=-8"],
)  # fmt: skip
def test_the_queue_costs_the_same_with_1000_comments_as_with_10(
    client, moderator, django_assert_num_queries, query
):
    """Article titles, held reasons and the waiting count per article come in fixed queries."""
    articles = ArticleFactory.create_batch(5)
    client.force_login(moderator)
    url = f"{CHANGELIST}?{query}"
    bulk_comments(10, articles)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    bulk_comments(990, articles, start=10)
    with django_assert_num_queries(len(small.captured_queries)) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(large.captured_queries) <= QUEUE_BUDGET
    if not query:
        html = response.content.decode()
        # A full page of 50 held comments, each with its article and the reason it waits.
        assert html.count('<td class="field-article_column">') == 50
        assert "hold word “lottery”" in html and "4 reports" in html
