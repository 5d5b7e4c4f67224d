"""The kept thread: what every reader sees is rendered once per change of its comments."""

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments import services
from comments.models import Comment
from comments.thread import _THREAD_OUTLINE, _THREAD_PAGE
from newsroom import pagecache
from tests.comments.conftest import field_value
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def thread_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        page(client, url)
    return [q["sql"] for q in queries if 'FROM "comments_comment"' in q["sql"]]


def test_an_approved_comment_shows_on_the_next_view(
    client, article, moderator, django_capture_on_commit_callbacks
):
    waiting = CommentFactory(article=article, pending=True, body="Held for a look.")
    url = article.get_absolute_url()
    assert "Held for a look." not in page(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_comment(comment=waiting, by=moderator)
    html = page(client, url)
    assert "Held for a look." in html and "1 comment" in html


def test_a_kept_thread_is_read_without_asking_for_its_comments(
    client, article, django_capture_on_commit_callbacks
):
    CommentFactory(article=article)
    url = article.get_absolute_url()
    # Its outline and its page's comments.
    assert len(thread_queries(client, url)) == 2
    assert thread_queries(client, url) == []
    # A change elsewhere on the site leaves the thread as it is.
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.touch_site()
    assert thread_queries(client, url) == []


def test_the_posters_own_comment_never_reaches_the_kept_thread(client, article, post_comment):
    CommentFactory(article=article, body="Already here.")
    url = article.get_absolute_url()
    page(client, url)
    location = post_comment(article, body="Mine, for now.")["Location"]
    own = page(client, location)
    assert "Mine, for now." in own and "Your comment is awaiting moderation." in own
    assert "comment-owner-link" in own
    shared = page(client, url)
    assert "Already here." in shared
    assert "Mine, for now." not in shared
    assert "awaiting moderation" not in shared and "comment-owner" not in shared


def test_the_private_link_of_a_published_post_stays_in_its_own_response(
    client, article, post_comment, django_capture_on_commit_callbacks
):
    CommentFactory(article=article, author_name="Ines", author_email="ines@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        location = post_comment(
            article, author_name="Ines", email="ines@example.net", body="Seen it."
        )["Location"]
    assert "?posted=" in location
    assert "comment-owner-link" in page(client, location)
    shared = page(client, article.get_absolute_url())
    assert "Seen it." in shared and "comment-owner" not in shared


def test_every_view_gets_its_own_form_token_while_the_thread_is_kept(client, article):
    CommentFactory(article=article)
    url = article.get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = field_value(page(client, url), "token")
        clock.shift(60)
        second = field_value(page(client, url), "token")
    assert first and second and first != second


def test_a_reply_link_names_a_comment_of_the_kept_thread(client, article):
    parent = CommentFactory(article=article, author_name="Tomasz Wren")
    url = article.get_absolute_url()
    page(client, url)
    html = page(client, f"{url}?replyto={parent.pk}")
    assert "Replying to Tomasz Wren" in html
    assert f'name="parent" value="{parent.pk}"' in html


@pytest.mark.parametrize("cpage", ["2", "abc", "0", "100000"])
def test_any_comment_page_asked_for_is_answered(client, article, cpage):
    for _ in range(3):
        CommentFactory(article=article)
    assert Comment.objects.filter(article=article).count() == 3
    html = page(client, f"{article.get_absolute_url()}?cpage={cpage}")
    assert "3 comments" in html


def test_the_compiled_thread_queries_read_what_the_querysets_read(django_assert_num_queries):
    """The outline of one article's approved comments, oldest first, then whole comments of
    a page of it, in one query each, without private columns."""
    article, other = ArticleFactory(), ArticleFactory()
    first = CommentFactory(article=article)
    CommentFactory(article=article, parent=first)
    pending = CommentFactory(article=article, pending=True)
    elsewhere = CommentFactory(article=other)
    CommentFactory(article=article)
    expected = list(Comment.objects.filter(article=article).approved().for_thread())
    with django_assert_num_queries(1):
        outline = _THREAD_OUTLINE.rows(article_pk=article.pk)
    assert outline == [(c.pk, c.parent_id, c.author_name) for c in expected]
    asked = [c.pk for c in expected] + [pending.pk, elsewhere.pk]
    with django_assert_num_queries(1):
        found = {c.pk: c for c in _THREAD_PAGE.raw(ids=asked)}
    # Only approved comments, whoever asks for others.
    assert set(found) == {c.pk for c in expected} | {elsewhere.pk}
    assert [(found[c.pk].parent_id, found[c.pk].rendered_body) for c in expected] == [
        (c.parent_id, c.rendered_body) for c in expected
    ]
    assert found[first.pk].get_deferred_fields() >= {"author_email", "ip_address", "user_agent"}
