"""A comment's way in, through the URL config: what the poster and other readers see."""

import pytest
from django.core import mail
from django.urls import reverse

from comments.models import Comment, DiscussionSettings
from tests.comments.conftest import field_value
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def test_the_post_url_is_named_in_the_comments_namespace():
    assert reverse("comments:post", args=[3]) == "/comments/post/3/"
    assert reverse("comments:report", args=[4]) == "/comments/4/report/"


def test_a_new_comment_waits_and_only_its_poster_sees_it(client, article, post_comment):
    response = post_comment(article)
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith(article.get_absolute_url() + "?pending=")
    assert location.endswith(f"#comment-{comment.pk}")

    own_view = client.get(location)
    assert own_view["Cache-Control"] == "private, no-store"
    html = own_view.content.decode()
    assert "Your comment is awaiting moderation." in html
    assert comment.body in html

    shared_view = client.get(article.get_absolute_url())
    assert comment.body not in shared_view.content.decode()
    assert "awaiting moderation" not in shared_view.content.decode()


def test_a_forged_pending_token_shows_nothing(client, article):
    comment = CommentFactory(article=article, pending=True)
    html = client.get(f"{article.get_absolute_url()}?pending={comment.pk}").content.decode()
    assert comment.body not in html


def test_a_pending_token_of_another_article_shows_nothing(client, article, post_comment):
    other = ArticleFactory()
    location = post_comment(other)["Location"]
    token = location.split("?pending=")[1].split("#")[0]
    html = client.get(f"{article.get_absolute_url()}?pending={token}").content.decode()
    assert "awaiting moderation" not in html


def test_a_known_commenter_is_published_for_everyone(client, article, post_comment):
    CommentFactory(article=article, author_name="Ines Albarrán", author_email="ines@example.net")
    response = post_comment(article, body="And the buses too.")
    comment = Comment.objects.get(body="And the buses too.")
    assert comment.status == Comment.Status.APPROVED
    location = response["Location"]
    assert location.startswith(f"{article.get_absolute_url()}?posted=")
    assert location.endswith(f"#comment-{comment.pk}")
    assert "And the buses too." in client.get(article.get_absolute_url()).content.decode()


def test_the_comment_stores_who_sent_it_for_the_moderators(article, post_comment):
    post_comment(article, headers={"User-Agent": "Test browser 1.0"}, notify_replies="on")
    comment = Comment.objects.get()
    assert comment.ip_address == "127.0.0.1"
    assert comment.user_agent == "Test browser 1.0"
    assert comment.notify_replies is True
    assert comment.depth == 1


def test_moderators_are_emailed_about_a_comment_waiting(
    article, post_comment, moderator, django_capture_on_commit_callbacks
):
    moderator.email = "desk@example.com"
    moderator.save()
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article)
    assert [m.to for m in mail.outbox] == [["desk@example.com"]]
    assert "awaiting moderation" in mail.outbox[0].subject


def test_spam_is_kept_from_everyone_and_the_poster_learns_nothing(client, article, post_comment):
    DiscussionSettings(blocklist="ferry").save()
    response = post_comment(article)
    assert Comment.objects.get().status == Comment.Status.SPAM
    assert response["Location"] == article.get_absolute_url() + "#comments"


def test_a_reply_is_nested_under_its_parent(client, article, post_comment):
    parent = CommentFactory(
        article=article, author_name="Ines Albarrán", author_email="ines@example.net"
    )
    post_comment(article, parent=str(parent.pk), body="Replying to myself.")
    reply = Comment.objects.get(body="Replying to myself.")
    assert (reply.parent, reply.depth, reply.status) == (parent, 2, "approved")
    html = client.get(article.get_absolute_url()).content.decode()
    assert html.index(f'id="comment-{parent.pk}"') < html.index(f'id="comment-{reply.pk}"')
    assert '<ol class="children">' in html


def test_replies_deeper_than_the_limit_join_the_deepest_level(article, post_comment):
    DiscussionSettings(max_depth=3, rate_limit_seconds=0).save()
    chain = [CommentFactory(article=article)]
    chain[0].depth = 1
    for depth in (2, 3):
        chain.append(CommentFactory(article=article, parent=chain[-1], depth=depth))
    post_comment(article, parent=str(chain[-1].pk))
    reply = Comment.objects.get(author_name="Ines Albarrán")
    assert reply.parent == chain[1]
    assert reply.depth == 3


def test_a_reader_reply_notifies_the_parent_author_who_asked(
    article, post_comment, django_capture_on_commit_callbacks
):
    parent = CommentFactory(article=article, notify_replies=True, author_email="p@example.org")
    CommentFactory(article=article, author_name="Ines Albarrán", author_email="ines@example.net")
    with django_capture_on_commit_callbacks(execute=True):
        post_comment(article, parent=str(parent.pk))
    assert ["p@example.org"] in [m.to for m in mail.outbox]


# Refusals: a clear message in the page, the form still filled in ---------------------------


ERRORS = [
    ({"author_name": ""}, 400, "Please enter your name."),
    ({"author_name": "   "}, 400, "Please enter your name."),
    ({"author_email": ""}, 400, "Please enter your email address."),
    ({"author_email": "not-an-address"}, 400, "Please enter a valid email address."),
    ({"body": ""}, 400, "Please type your comment."),
    ({"body": " \n\t "}, 400, "Please type your comment."),
    ({"body": "x"}, 400, "Your comment is too short."),
    ({"body": "y" * 5001}, 400, "Your comment is too long"),
    ({"author_name": "n" * 101}, 400, "Your name is too long"),
    ({"author_url": "javascript:alert(1)"}, 400, "starting with http:// or https://"),
    ({"contact_fax": "http://spam.example"}, 400, "a hidden field was filled in"),
    ({"token": "tampered"}, 400, "This form was changed or is incomplete."),
    ({"parent": "424242"}, 400, "Sorry, replies to unapproved comments are not allowed."),
]


@pytest.mark.parametrize(("fields", "status", "message"), ERRORS)
def test_a_refused_comment_explains_why_and_keeps_what_was_typed(
    article, post_comment, fields, status, message
):
    typed = {
        "author_name": "Ines Albarrán",
        "author_email": "ines@example.net",
        "author_url": "https://ines.example",
        "body": "My carefully written point.",
        **fields,
    }
    response = post_comment(article, **typed)
    assert response.status_code == status
    html = response.content.decode()
    assert message in html
    assert 'role="alert"' in html
    assert Comment.objects.count() == 0
    for name in ("author_name", "author_email", "author_url"):
        if typed[name].strip() and name not in fields:
            assert field_value(html, name) == typed[name]
    if "body" not in fields:
        assert "My carefully written point." in html


def test_each_field_error_is_tied_to_its_field(article, post_comment):
    html = post_comment(article, author_name="", author_email="bad").content.decode()
    assert 'aria-describedby="id_author_name_error"' in html
    assert 'id="id_author_name_error"' in html
    assert 'href="#id_author_email"' in html
    assert 'id="comment-errors"' in html and 'tabindex="-1"' in html


def test_posting_twice_in_quick_succession_is_slowed_down(article, post_comment):
    post_comment(article)
    response = post_comment(article, body="A second thought, right away.")
    assert response.status_code == 429
    assert "You are posting comments too quickly. Slow down." in response.content.decode()
    assert "A second thought, right away." in response.content.decode()


def test_the_same_comment_twice_is_a_duplicate(article, post_comment):
    DiscussionSettings(rate_limit_seconds=0).save()
    post_comment(article)
    response = post_comment(article)
    assert response.status_code == 409
    assert "Duplicate comment detected; it looks as though you&#x27;ve already said that!" in (
        response.content.decode()
    )
    assert Comment.objects.count() == 1


def test_a_closed_article_refuses_a_post(article, post_comment):
    article.comments_enabled = False
    article.save()
    response = post_comment(article)
    assert response.status_code == 403
    assert "Sorry, comments are closed for this item." in response.content.decode()


def test_a_closed_article_refuses_even_a_blocklisted_post_without_counting_it(
    article, post_comment
):
    """Closed is asked before the moderation rules, and the refusal spends no rate limit."""
    DiscussionSettings(blocklist="harbour").save()
    article.comments_enabled = False
    article.save()
    assert post_comment(article).status_code == 403
    article.comments_enabled = True
    article.save()
    DiscussionSettings(blocklist="").save()
    response = post_comment(article)
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING


def test_a_reply_to_an_unknown_comment_is_refused_before_the_discussion_is_asked(
    article, post_comment
):
    """The comment replied to is looked up first: its refusal offers a top-level comment."""
    article.comments_enabled = False
    article.save()
    response = post_comment(article, parent="987654")
    assert response.status_code == 400
    assert "Sorry, replies to unapproved comments are not allowed." in response.content.decode()


def test_a_filled_in_hidden_field_is_refused_with_its_reason(article, post_comment):
    response = post_comment(article, contact_fax="http://spam.example")
    assert response.status_code == 400
    assert "a hidden field was filled in" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_form_sent_too_quickly_is_refused(article, post_comment):
    from comments.abuse import make_form_token

    response = post_comment(article, token=make_form_token(article.pk))
    assert response.status_code == 400
    assert "That was very quick." in response.content.decode()


def test_an_unknown_or_unpublished_article_is_not_found(post_comment, db):
    draft = ArticleFactory(draft=True)
    assert post_comment(draft).status_code == 404
    draft.pk = 99999
    assert post_comment(draft).status_code == 404


def test_the_comment_url_only_accepts_posts(client, article):
    assert client.get(f"/comments/post/{article.pk}/").status_code == 405


@pytest.mark.parametrize(
    "headers",
    [{"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}],
)
def test_a_cross_site_post_is_refused(article, post_comment, headers):
    response = post_comment(article, headers=headers)
    assert response.status_code == 403
    assert "sent from another website" in response.content.decode()
    assert Comment.objects.count() == 0


def test_a_logged_in_moderator_is_published_at_once(client, article, post_comment, moderator):
    client.force_login(moderator)
    post_comment(article)
    comment = Comment.objects.get()
    assert (comment.status, comment.user) == ("approved", moderator)


# Reports --------------------------------------------------------------------------------------


def test_enough_reports_send_a_comment_back_to_the_queue(client, article):
    comment = CommentFactory(article=article)
    for n in range(3):
        response = client.post(f"/comments/{comment.pk}/report/", REMOTE_ADDR=f"198.51.100.{n}")
        assert response.status_code == 200
    comment.refresh_from_db()
    assert (comment.flag_count, comment.status) == (3, "pending")


def test_a_browser_reports_a_comment_only_once(client, article):
    comment = CommentFactory(article=article)
    client.post(f"/comments/{comment.pk}/report/")
    response = client.post(f"/comments/{comment.pk}/report/")
    assert "already reported" in response.content.decode()
    comment.refresh_from_db()
    assert comment.flag_count == 1


def test_only_published_comments_can_be_reported(client, article):
    comment = CommentFactory(article=article, pending=True)
    assert client.post(f"/comments/{comment.pk}/report/").status_code == 404


def test_a_cross_site_report_is_refused(client, article):
    comment = CommentFactory(article=article)
    response = client.post(
        f"/comments/{comment.pk}/report/", headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.flag_count == 0


def test_a_cross_site_report_says_to_open_the_article(client, article):
    """Not the comment form's refusal: the reader is sent to the article to report there."""
    comment = CommentFactory(article=article)
    html = client.post(
        f"/comments/{comment.pk}/report/", headers={"Sec-Fetch-Site": "cross-site"}
    ).content.decode()
    assert "Open the article to report a comment" in html
    assert f'href="{article.get_absolute_url()}#comments"' in html
    assert "Your comment was not posted" not in html


def test_control_characters_in_any_field_are_dropped_not_refused(article, post_comment):
    """A NUL or other control character pasted into a field is removed before validation."""
    response = post_comment(
        article,
        author_name="Ines\x00 Albarrán\x07",
        author_email="ines@example.net\x00",
        body="The harbour\x00 plan leaves out\x1b the ferry users.",
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.author_name == "Ines Albarrán"
    assert comment.author_email == "ines@example.net"
    assert comment.body == "The harbour plan leaves out the ferry users."


def test_a_refused_reply_comes_back_as_a_top_level_comment(article, post_comment):
    parent = CommentFactory(article=article, pending=True)
    html = post_comment(article, parent=str(parent.pk)).content.decode()
    assert f'name="parent" value="{parent.pk}"' not in html
    assert "The harbour plan leaves out the ferry users entirely." in html
