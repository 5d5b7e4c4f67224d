"""Hostile input in every field: each gets a specific answer, never a 500, never markup."""

import pytest

from comments.models import Comment, DiscussionSettings
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

XSS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    '<a href="javascript:alert(1)">click</a>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "{{ request }} {% debug %}",
]


@pytest.fixture(autouse=True)
def relaxed(db):
    # Many posts in a row from one test client: no flood limits here.
    DiscussionSettings(rate_limit_seconds=0, hourly_cap=0, auto_approve_known=True).save()


@pytest.mark.parametrize("payload", XSS)
@pytest.mark.parametrize("field", ["author_name", "body"])
def test_markup_typed_in_a_comment_is_shown_as_text(client, article, post_comment, field, payload):
    CommentFactory(article=article, author_name="Ines Albarrán", author_email="ines@example.net")
    post_comment(article, **{field: payload, "body": payload if field == "body" else "Fine."})
    Comment.objects.update(status="approved")
    html = client.get(article.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<svg" not in html
    assert '<a href="javascript:' not in html


@pytest.mark.parametrize("payload", XSS)
def test_markup_sent_back_in_a_refused_form_stays_text(article, post_comment, payload):
    response = post_comment(article, author_name=payload, author_email=payload, body=payload)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg" not in html


CASES = [
    # (fields, status, message); control characters, NUL included, are dropped, not refused
    # (tests/comments/test_posting.py).
    ({"author_name": "x" * 101}, 400, "Your name is too long"),
    ({"author_email": "a" * 250 + "@example.com"}, 400, "Please enter a valid email address."),
    ({"author_url": "https://e.example/" + "p" * 200}, 400, "Your website address is too long"),
    ({"body": "b" * 5001}, 400, "Your comment is too long"),
    ({"author_name": "\u00a0\u2003"}, 400, "Please enter your name."),
    ({"body": "\n\n\n"}, 400, "Please type your comment."),
    ({"author_email": "ines@"}, 400, "Please enter a valid email address."),
    ({"author_email": "<ines@example.net>"}, 400, "Please enter a valid email address."),
    ({"author_email": "ines@example.net\nBcc: x@example.com"}, 400, "valid email address"),
    ({"author_url": "javascript:alert(1)"}, 400, "starting with http:// or https://"),
    ({"author_url": "data:text/html,<script>alert(1)</script>"}, 400, "http:// or https://"),
    ({"author_url": "ftp://files.example"}, 400, "starting with http:// or https://"),
    ({"author_url": "vbscript:msgbox"}, 400, "starting with http:// or https://"),
    ({"parent": "not-a-number"}, 400, "Enter a whole number."),
    ({"parent": "99999999"}, 400, "Sorry, replies to unapproved comments are not allowed."),
    ({"parent": "-1"}, 400, "Sorry, replies to unapproved comments are not allowed."),
    ({"token": ""}, 400, "This form was changed or is incomplete."),
    ({"token": "1:1:abc"}, 400, "This form was changed or is incomplete."),
    ({"contact_fax": "filled by a bot"}, 400, "a hidden field was filled in"),
]


@pytest.mark.parametrize(("fields", "status", "message"), CASES)
def test_hostile_values_get_a_specific_refusal(article, post_comment, fields, status, message):
    response = post_comment(article, **fields)
    assert response.status_code == status
    assert message in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"author_name": "مريم الحسيني", "body": "تعليق باللغة العربية مع نص من اليمين."},
        {"author_name": "Zoë 🌊", "body": "Emoji are fine 🚢⚓️ and so is ‮reversed‬ text."},
        {"author_name": "李雷", "body": "港口计划很好。"},
        {"author_url": "https://münchen.example/pfad"},
    ],
)
def test_any_language_and_emoji_are_welcome(client, article, post_comment, fields):
    response = post_comment(article, **fields)
    assert response.status_code == 302
    comment = Comment.objects.get()
    for name, value in fields.items():
        if name != "author_url":
            assert getattr(comment, name) == value


def test_a_reply_to_a_comment_of_another_article_is_refused(article, post_comment):
    elsewhere = CommentFactory(article=ArticleFactory())
    response = post_comment(article, parent=str(elsewhere.pk))
    assert response.status_code == 400
    assert "Sorry, replies to unapproved comments are not allowed." in response.content.decode()


def test_a_token_from_another_article_is_refused(article, post_comment):
    from tests.comments.conftest import form_data

    other = ArticleFactory()
    response = post_comment(article, token=form_data(other)["token"])
    assert response.status_code == 400
    assert "This form belongs to another article." in response.content.decode()


def test_a_replayed_form_cannot_post_the_same_comment_again(article, post_comment):
    from tests.comments.conftest import form_data

    data = form_data(article)
    post_comment(article, token=data["token"])
    response = post_comment(article, token=data["token"])
    assert response.status_code == 409
    assert Comment.objects.count() == 1


def test_control_characters_in_a_comment_are_dropped(article, post_comment):
    post_comment(article, body="Bell\x07 and escape\x1b are gone.")
    assert Comment.objects.get().body == "Bell and escape are gone."
