"""A commenter's own waiting comments come back to them, and to no one else, on every visit."""

import datetime
import time
from unittest import mock

import pytest
from django.core import signing
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from comments.views import mine
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def mine_url(article):
    return f"/comments/mine/{article.pk}/"


def cookie_for(client, ids):
    client.cookies[mine.COOKIE_NAME] = signing.dumps(ids, salt=mine.COOKIE_SALT)


def shown_ids(response):
    assert response.status_code == 200
    return [item["id"] for item in response.json()["comments"]]


def test_an_accepted_waiting_post_sets_a_signed_httponly_cookie(client, article, post_comment):
    response = post_comment(article)
    comment = Comment.objects.get()
    morsel = response.cookies[mine.COOKIE_NAME]
    assert morsel["path"] == "/comments/"
    assert morsel["httponly"] is True
    assert morsel["samesite"] == "Lax"
    assert int(morsel["max-age"]) == 7 * 24 * 3600
    assert signing.loads(morsel.value, salt=mine.COOKIE_SALT) == [comment.pk]


def test_a_second_post_adds_to_the_cookie(client, article, post_comment):
    DiscussionSettings(rate_limit_seconds=0).save()
    post_comment(article)
    response = post_comment(article, body="And the night buses stop at ten.")
    ids = signing.loads(response.cookies[mine.COOKIE_NAME].value, salt=mine.COOKIE_SALT)
    assert ids == list(Comment.objects.order_by("pk").values_list("pk", flat=True))


def test_a_comment_published_at_once_sets_no_cookie(client, article, post_comment):
    CommentFactory(article=article, author_name="Ines Albarrán", author_email="ines@example.net")
    response = post_comment(article, body="And the buses too.")
    assert mine.COOKIE_NAME not in response.cookies


def test_a_refused_post_sets_no_cookie(client, article, post_comment):
    response = post_comment(article, body="")
    assert mine.COOKIE_NAME not in response.cookies
    assert mine.COOKIE_NAME not in client.cookies


def test_spam_sets_no_cookie(client, article, post_comment):
    DiscussionSettings(blocklist="ferry").save()
    response = post_comment(article, body="Cheap ferry tickets here.")
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert mine.COOKIE_NAME not in response.cookies


def test_the_poster_gets_their_waiting_comment_as_a_card(client, article, post_comment):
    post_comment(article)
    comment = Comment.objects.get()
    response = client.get(mine_url(article))
    assert response["Cache-Control"] == "private, no-store"
    assert "Cookie" not in response.get("Vary", "")
    (item,) = response.json()["comments"]
    assert item["id"] == comment.pk and item["parent"] is None
    assert f'id="comment-{comment.pk}"' in item["html"]
    assert 'class="comment-card"' in item["html"]
    assert "Your comment is awaiting moderation." in item["html"]
    assert "The harbour plan leaves out the ferry users entirely." in item["html"]


def test_a_reply_names_its_parent(client, article, post_comment):
    parent = CommentFactory(article=article)
    post_comment(article, parent=str(parent.pk))
    assert client.get(mine_url(article)).json()["comments"][0]["parent"] == parent.pk


def test_an_unconfirmed_comment_asks_for_the_email_confirmation(client, article):
    comment = CommentFactory(article=article, status=Comment.Status.UNCONFIRMED)
    cookie_for(client, [comment.pk])
    html = client.get(mine_url(article)).json()["comments"][0]["html"]
    assert "Please confirm your email address" in html


def test_another_browser_sees_nothing(client, article, post_comment):
    post_comment(article)
    client.cookies.clear()
    response = client.get(mine_url(article))
    assert shown_ids(response) == []
    assert response["Cache-Control"] == "private, no-store"


def test_only_the_comments_of_the_article_asked_for_are_shown(client, article):
    here = CommentFactory(article=article, pending=True)
    elsewhere = CommentFactory(article=ArticleFactory(), pending=True)
    cookie_for(client, [here.pk, elsewhere.pk])
    response = client.get(mine_url(article))
    assert shown_ids(response) == [here.pk]
    # The other article's comment still waits: it stays in the cookie.
    assert mine.COOKIE_NAME not in response.cookies


@pytest.mark.parametrize(
    "value",
    [
        "1",
        "[1]",
        "not-a-signature",
        "WzFd:1abc:forged",
        # Named: a signed value carries the time, and test processes must agree on the ids.
        pytest.param(signing.dumps([1], salt="another.salt"), id="another-salt"),
        pytest.param(
            signing.dumps([1], key="a-key-that-is-not-the-sites-own-secret-key-at-all"),
            id="another-key",
        ),
    ],
)
def test_a_forged_or_tampered_cookie_gets_nothing(client, article, value):
    CommentFactory(pk=1, article=article, pending=True)
    client.cookies[mine.COOKIE_NAME] = value
    assert shown_ids(client.get(mine_url(article))) == []


def test_a_cookie_with_an_edited_list_gets_nothing(client, article):
    own = CommentFactory(article=article, pending=True)
    someone_elses = CommentFactory(article=article, pending=True)
    value = signing.dumps([own.pk], salt=mine.COOKIE_SALT)
    rest = value.split(":", 1)[1]
    forged = signing.b64_encode(f"[{own.pk},{someone_elses.pk}]".encode()).decode()
    client.cookies[mine.COOKIE_NAME] = f"{forged}:{rest}"
    assert shown_ids(client.get(mine_url(article))) == []


@pytest.mark.parametrize("payload", [{"ids": [1]}, ["1"], [True], "1", None])
def test_a_signed_cookie_of_the_wrong_shape_gets_nothing(client, article, payload):
    CommentFactory(pk=1, article=article, pending=True)
    cookie_for(client, payload)
    assert shown_ids(client.get(mine_url(article))) == []


def test_a_cookie_signed_over_a_week_ago_gets_nothing(client, article):
    """The browser drops it after a week; a copy kept beyond that is refused all the same."""
    comment = CommentFactory(article=article, pending=True)
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 6 * 86400):
        cookie_for(client, [comment.pk])
    assert shown_ids(client.get(mine_url(article))) == [comment.pk]
    signed_at = time.time() - mine.MAX_AGE.total_seconds() - 60
    with mock.patch("django.core.signing.time.time", return_value=signed_at):
        cookie_for(client, [comment.pk])
    assert shown_ids(client.get(mine_url(article))) == []


@pytest.mark.parametrize(
    "status", [Comment.Status.APPROVED, Comment.Status.REMOVED, Comment.Status.SPAM]
)
def test_a_comment_no_longer_waiting_drops_out_of_the_cookie(client, article, status):
    gone = CommentFactory(article=article, status=status)
    waiting = CommentFactory(article=article, pending=True)
    cookie_for(client, [gone.pk, waiting.pk])
    response = client.get(mine_url(article))
    assert shown_ids(response) == [waiting.pk]
    value = response.cookies[mine.COOKIE_NAME].value
    assert signing.loads(value, salt=mine.COOKIE_SALT) == [waiting.pk]


def test_a_comment_older_than_a_week_drops_out(client, article):
    old = CommentFactory(article=article, pending=True)
    Comment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=7, minutes=1)
    )
    cookie_for(client, [old.pk])
    response = client.get(mine_url(article))
    assert shown_ids(response) == []
    morsel = response.cookies[mine.COOKIE_NAME]
    assert morsel.value == "" and morsel["max-age"] == 0
    assert morsel["path"] == "/comments/"


def test_an_approved_comment_is_left_to_the_shared_thread(client, article, post_comment):
    post_comment(article)
    Comment.objects.update(status=Comment.Status.APPROVED)
    assert shown_ids(client.get(mine_url(article))) == []
    assert client.cookies[mine.COOKIE_NAME].value == ""


def test_a_draft_or_missing_article_answers_404(client):
    draft = ArticleFactory(draft=True)
    assert client.get(mine_url(draft)).status_code == 404
    assert client.get("/comments/mine/999999/").status_code == 404


def test_a_post_asks_for_the_endpoint_only_with_get(client, article):
    assert client.post(mine_url(article)).status_code == 405


def test_the_endpoint_answers_in_three_queries_at_most(
    client, article, django_assert_max_num_queries
):
    comments = [CommentFactory(article=article, pending=True) for _ in range(5)]
    cookie_for(client, [c.pk for c in comments])
    # Guards against one query per comment (article, parent) while rendering the cards.
    with django_assert_max_num_queries(3):
        assert len(shown_ids(client.get(mine_url(article)))) == 5


def test_the_article_page_stays_the_same_for_a_poster_with_the_cookie(
    client, article, post_comment
):
    """The cookie's path keeps it off article pages: they stay cacheable and shared."""
    post_comment(article)
    assert client.cookies[mine.COOKIE_NAME]["path"] == "/comments/"
    page = client.get(article.get_absolute_url())
    assert "awaiting moderation" not in page.content.decode()
    assert not page.cookies
    assert "Cookie" not in page.get("Vary", "")


def test_the_remember_box_is_hidden_until_the_script_shows_it(client, article):
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<div class="comment-remember" hidden>' in " ".join(html.split())
    assert 'data-mine-url="/comments/mine/' in html


def test_the_privacy_page_lists_the_commenters_cookies(client, db):
    html = client.get("/comments/privacy/").content.decode()
    for name in ("comment_pending", "comment_author", "comment_author_email", "comment_author_url"):
        assert f"<strong>{name}</strong>" in html
