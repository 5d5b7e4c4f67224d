"""A commenter's private link: their comment's status, corrections, reply emails, withdrawal."""

import base64
import datetime
import json

import pytest
import time_machine
from django.core import signing

from comments import links, privacy
from comments.models import Comment, CommentEdit, DiscussionSettings
from tests.comments.conftest import page_link
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

SAME_SITE = {"Sec-Fetch-Site": "same-origin"}


def manage_path(comment):
    return links.url(links.MANAGE, links.manage_token(comment)).split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def own(article):
    """A comment posted a minute ago that waits for a moderator, and its private link."""
    comment = CommentFactory(article=article, pending=True, author_email="ines@example.net")
    return comment, "/" + manage_path(comment)


def later(minutes):
    return datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(minutes=minutes)


def test_the_poster_gets_their_private_link_on_the_page_after_posting(
    client, article, post_comment
):
    location = post_comment(article)["Location"]
    response = client.get(location)
    assert response["Cache-Control"] == "private, no-store"
    path = page_link(response.content.decode(), "manage")
    assert path is not None
    assert "Manage your comment" in client.get(path).content.decode()

    shared = client.get(article.get_absolute_url())
    assert "/comments/manage/" not in shared.content.decode()
    assert "Set-Cookie" not in shared.headers and "Cookie" not in shared.get("Vary", "")


def test_a_comment_published_at_once_gets_its_private_link_too(client, article, post_comment):
    CommentFactory(article=article, author_name="Ines Albarrán", author_email="ines@example.net")
    location = post_comment(article, body="And the buses too.")["Location"]
    response = client.get(location)
    assert response["Cache-Control"] == "private, no-store"
    assert page_link(response.content.decode(), "manage") is not None


def test_the_link_carries_no_readable_personal_data(own):
    comment, path = own
    token = path.split("/")[3]
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert set(json.loads(decoded)) == {"c", "h"}
    for personal in (comment.author_email, comment.author_name, "ines", "203.0.113.7"):
        assert personal not in decoded and personal not in path


def test_the_private_page_shows_the_comment_and_its_status_to_no_cache(client, own):
    comment, path = own
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["Referrer-Policy"] == "same-origin"
    assert "noindex" in response["X-Robots-Tag"]
    assert "Set-Cookie" not in response.headers
    html = response.content.decode()
    assert comment.body in html and "Waiting for a moderator" in html
    assert comment.author_email not in html


def test_a_pending_comment_can_be_corrected_and_its_old_text_is_kept(client, own):
    comment, path = own
    with time_machine.travel(later(120)):  # pending: no time limit
        response = client.post(
            path, {"action": "edit", "body": "Corrected: the ferry users."}, headers=SAME_SITE
        )
    assert response.status_code == 302 and response["Location"].endswith("?done=edited")
    comment.refresh_from_db()
    assert comment.body == "Corrected: the ferry users." and comment.edited_at
    assert CommentEdit.objects.get(comment=comment).edited_by is None
    assert comment.events.get().action == "edited"
    assert "Your new text is saved." in client.get(response["Location"]).content.decode()


def test_a_published_comment_can_be_corrected_within_the_window(client, article):
    comment = CommentFactory(article=article)
    path = "/" + manage_path(comment)
    with time_machine.travel(later(14)):
        client.post(path, {"action": "edit", "body": "Fixed a typo."}, headers=SAME_SITE)
    comment.refresh_from_db()
    assert comment.body == "Fixed a typo." and comment.status == "approved"
    assert "Fixed a typo." in client.get(article.get_absolute_url()).content.decode()


def test_a_published_comment_cannot_be_corrected_after_the_window(client, article):
    comment = CommentFactory(article=article)
    path = "/" + manage_path(comment)
    with time_machine.travel(later(16)):
        page = client.get(path).content.decode()
        response = client.post(path, {"action": "edit", "body": "Too late."}, headers=SAME_SITE)
    assert "that time has passed" in page and 'name="body"' not in page
    assert response.status_code == 403
    assert "15 minutes after it is posted, and that time has passed" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body != "Too late." and not CommentEdit.objects.exists()


def test_a_comment_with_replies_cannot_be_corrected(client, own):
    comment, path = own
    comment.status = "approved"
    comment.save()
    CommentFactory(article=comment.article, parent=comment, depth=2)
    response = client.post(path, {"action": "edit", "body": "New words."}, headers=SAME_SITE)
    assert response.status_code == 403
    assert "This comment has replies" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body != "New words."


@pytest.mark.parametrize(
    ("words", "status"),
    [("now buy pills", "spam"), ("see https://a.example and https://b.example", "pending")],
)
def test_a_correction_meets_the_moderation_rules_again(client, article, words, status):
    DiscussionSettings(blocklist="pills").save()
    comment = CommentFactory(article=article)
    path = "/" + manage_path(comment)
    response = client.post(path, {"action": "edit", "body": words}, headers=SAME_SITE)
    comment.refresh_from_db()
    assert comment.status == status
    assert words not in client.get(article.get_absolute_url()).content.decode()
    if status == "pending":
        assert response["Location"].endswith("?done=held")


@pytest.mark.parametrize(
    ("body", "message"), [("", "Please type your comment."), ("y" * 5001, "too long")]
)
def test_a_correction_that_is_not_a_comment_is_refused(client, own, body, message):
    comment, path = own
    response = client.post(path, {"action": "edit", "body": body}, headers=SAME_SITE)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == comment.body


def test_reply_emails_can_be_switched_on_and_off(client, own):
    comment, path = own
    client.post(path, {"action": "notifications", "notify": "on"}, headers=SAME_SITE)
    comment.refresh_from_db()
    assert comment.notify_replies is True
    response = client.post(path, {"action": "notifications", "notify": "off"}, headers=SAME_SITE)
    comment.refresh_from_db()
    assert comment.notify_replies is False
    assert "You will not get emails" in client.get(response["Location"]).content.decode()


def test_a_comment_is_withdrawn_after_a_confirmation(client, article):
    comment = CommentFactory(article=article, notify_replies=True)
    path = "/" + manage_path(comment)
    withdraw = path + "withdraw/"
    assert "Withdraw this comment?" in client.get(withdraw).content.decode()
    comment.refresh_from_db()
    assert comment.status == "approved"

    response = client.post(withdraw, headers=SAME_SITE)
    assert response.status_code == 200
    assert "Your comment is withdrawn" in response.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.notify_replies) == ("withdrawn", False)
    assert comment.events.get().action == "withdrawn"
    assert comment.body not in client.get(article.get_absolute_url()).content.decode()

    page = client.get(path).content.decode()
    assert "Withdrawn by you" in page and 'name="body"' not in page
    assert client.post(withdraw, headers=SAME_SITE).status_code == 410
    edit = client.post(path, {"action": "edit", "body": "Back again."}, headers=SAME_SITE)
    assert edit.status_code == 403


def test_a_post_from_another_site_changes_nothing(client, own):
    comment, path = own
    response = client.post(
        path + "withdraw/",
        headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


# Links that do not work --------------------------------------------------------------------


def tampered(path):
    token = path.split("/")[3]
    payload = json.loads(base64.urlsafe_b64decode(token.split(":")[0] + "==").decode())
    payload["c"] += 1
    forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
    return path.replace(token.split(":")[0], forged)


def bad_links(comment, path):
    other_kind = links.make(links.UNSUBSCRIBE, c=comment.pk, h="x", n="y")
    return [
        ("changed", tampered(path), 400),
        ("cut short", path[:-12] + "/", 400),
        ("made for another page", f"/comments/manage/{other_kind}/", 400),
        ("not signed", f"/comments/manage/{comment.pk}/", 400),
        (
            "signed for another comment's owner",
            "/comments/manage/"
            + links.make(links.MANAGE, c=comment.pk, h=links.owner_digest(comment.pk, "x@y.z"))
            + "/",
            403,
        ),
    ]


@pytest.mark.parametrize("case", range(5))
@pytest.mark.parametrize("suffix", ["", "withdraw/"])
def test_a_bad_link_shows_a_clear_page_and_changes_nothing(client, own, case, suffix):
    comment, path = own
    name, url, status = bad_links(comment, path)[case]
    for response in (
        client.get(url + suffix),
        client.post(url + suffix, {"action": "edit", "body": "Hijacked."}, headers=SAME_SITE),
    ):
        assert response.status_code == status, name
        assert "Nothing has been changed." in response.content.decode()
        assert response["Cache-Control"] == "private, no-store"
    comment.refresh_from_db()
    assert (comment.status, comment.body) != ("withdrawn", "Hijacked.")
    assert comment.status == "pending" and comment.body != "Hijacked."


def test_the_link_expires_after_thirty_days(client, own):
    comment, path = own
    with time_machine.travel(later(30 * 24 * 60 + 5)):
        response = client.get(path)
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()


def test_the_link_dies_when_the_commenters_data_is_erased(client, own):
    comment, path = own
    privacy.erase(comment.author_email)
    response = client.get(path)
    assert response.status_code == 410
    assert "erased" in response.content.decode()


def test_the_link_dies_when_the_comment_is_deleted(client, own):
    comment, path = own
    comment.delete()
    assert client.get(path).status_code == 410


def test_a_signature_made_with_another_key_is_refused(client, own, settings):
    comment, _ = own
    forged = signing.dumps(
        {"c": comment.pk, "h": "0" * 24}, key="another-key", salt="comments.link.manage"
    )
    assert client.get(f"/comments/manage/{forged}/").status_code == 400


def test_a_spam_comment_is_not_called_spam_to_its_poster(client, article):
    comment = CommentFactory(article=article, status="spam")
    html = client.get("/" + manage_path(comment)).content.decode()
    assert "Not published" in html
    assert "Spam" not in html and "spam" not in html
