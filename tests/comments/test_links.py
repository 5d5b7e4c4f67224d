"""Every signed link refuses what it was not made for, with a clear page and no change."""

import datetime

import pytest
import time_machine

from comments import links
from comments.models import Comment, SpentLink
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def comment(article):
    return CommentFactory(article=article, pending=True, notify_replies=True)


def valid_tokens(comment, moderator):
    owner = {"c": comment.pk, "h": links.owner_digest(comment.pk, comment.author_email)}
    return {
        "manage": links.make(links.MANAGE, **owner),
        "confirm": links.make(links.CONFIRM, **owner),
        "unsubscribe": links.make(links.UNSUBSCRIBE, **owner, n="nonce-1"),
        "moderate": links.make(links.MODERATE, c=comment.pk, u=moderator.pk, a="spam", n="n-2"),
    }


KINDS = ["manage", "confirm", "unsubscribe", "moderate"]


def broken(kind, tokens):
    token = tokens[kind]
    other = tokens[KINDS[(KINDS.index(kind) + 1) % len(KINDS)]]
    return {
        "garbage": "not-a-token",
        "truncated": token[:-5],
        "another link's token": other,
        "signature swapped": token.rsplit(":", 1)[0] + ":" + other.rsplit(":", 1)[1],
        "empty payload": links.make(kind),
    }


CASES = ["garbage", "truncated", "another link's token", "signature swapped", "empty payload"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("case", CASES)
def test_a_changed_or_foreign_token_answers_400_and_changes_nothing(
    client, comment, moderator, kind, case
):
    token = broken(kind, valid_tokens(comment, moderator))[case]
    before = Comment.objects.filter(pk=comment.pk).values().get()
    for response in (
        client.get(f"/comments/{kind}/{token}/"),
        client.post(f"/comments/{kind}/{token}/", {"action": "edit", "body": "Changed."}),
    ):
        assert response.status_code == 400, (kind, case)
        html = response.content.decode()
        assert "Nothing has been changed." in html and "incomplete or has been changed" in html
        assert response["Cache-Control"] == "private, no-store"
    assert Comment.objects.filter(pk=comment.pk).values().get() == before
    assert not SpentLink.objects.exists()


@pytest.mark.parametrize("kind", KINDS)
def test_an_expired_token_answers_410_and_changes_nothing(client, comment, moderator, kind):
    token = valid_tokens(comment, moderator)[kind]
    with time_machine.travel(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=400)):
        response = client.post(f"/comments/{kind}/{token}/")
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.notify_replies) == ("pending", True)


def test_a_moderator_token_naming_someone_who_may_not_moderate_is_refused(client, comment):
    reader = UserFactory(username="reader-with-account")
    token = links.make(links.MODERATE, c=comment.pk, u=reader.pk, a="approve", n="n-3")
    assert client.post(f"/comments/moderate/{token}/").status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_a_moderator_token_with_an_unknown_action_is_refused(client, comment, moderator):
    token = links.make(links.MODERATE, c=comment.pk, u=moderator.pk, a="delete", n="n-4")
    assert client.post(f"/comments/moderate/{token}/").status_code == 400
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_moderator_link_for_a_deleted_comment_is_gone(client, comment, moderator):
    token = valid_tokens(comment, moderator)["moderate"]
    comment.delete()
    assert client.get(f"/comments/moderate/{token}/").status_code == 410
