"""The emails about comments: to moderators, to repliers' parents, to commenters."""

import datetime
import logging

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command

from comments import services
from comments.conf import conf
from comments.models import Comment, DiscussionSettings, ModerationEvent, ModeratorDigest
from tests.comments.conftest import links_in
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(moderator):
    """Two people who moderate, each with an address, and one staff member who does not."""
    moderator.email = "desk@example.com"
    moderator.save()
    second = UserFactory(username="night", email="night@example.com", is_staff=True)
    second.groups.add(Group.objects.get(name="Comment moderator"))
    UserFactory(username="intern", email="intern@example.com", is_staff=True)
    return [moderator, second]


def post_and_deliver(committed, post_comment, article, **fields):
    with committed():
        response = post_comment(article, **fields)
    assert response.status_code == 302
    return Comment.objects.order_by("-pk").first()


# Moderators ---------------------------------------------------------------------------------


def test_each_moderator_gets_their_own_email_about_a_held_comment(
    desk, article, post_comment, committed
):
    comment = post_and_deliver(committed, post_comment, article)
    assert sorted(m.to for m in mail.outbox) == [["desk@example.com"], ["night@example.com"]]
    for message in mail.outbox:
        assert article.headline in message.subject
        assert article.headline in message.body and comment.body in message.body
        assert article.get_absolute_url() in message.body
        assert len(links_in(message.body, "moderate")) == 3
        # Nobody's address but the recipient's own: not the commenter's, not a colleague's.
        others = {"ines@example.net", "desk@example.com", "night@example.com"} - set(message.to)
        for address in others:
            assert address not in message.body and address not in str(message.message())


def test_a_moderator_link_asks_first_then_works_once(
    client, desk, article, post_comment, committed
):
    comment = post_and_deliver(committed, post_comment, article)
    message = next(m for m in mail.outbox if m.to == ["desk@example.com"])
    approve, spam, remove = links_in(message.body, "moderate")

    page = client.get(approve)
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store"
    assert "Approve this comment?" in page.content.decode()
    comment.refresh_from_db()
    assert comment.status == Comment.Status.PENDING

    done = client.post(approve)
    assert done.status_code == 200
    assert "Comment approved" in done.content.decode()
    comment.refresh_from_db()
    assert (comment.status, comment.moderated_by) == ("approved", desk[0])
    event = comment.events.get()
    assert (event.action, event.via, event.by) == ("approved", "email", desk[0])

    # Used once: neither the same link nor its two siblings do anything more.
    for link in (approve, spam, remove):
        again = client.post(link)
        assert again.status_code == 410
        assert "Nothing has been changed." in again.content.decode()
    comment.refresh_from_db()
    assert comment.status == "approved" and comment.events.count() == 1


def test_a_moderator_link_records_the_reason_picked(client, desk, article, post_comment, committed):
    comment = post_and_deliver(committed, post_comment, article)
    message = next(m for m in mail.outbox if m.to == ["night@example.com"])
    remove = links_in(message.body, "moderate")[2]
    assert 'name="reason"' in client.get(remove).content.decode()
    client.post(remove, {"reason": "off_topic"})
    comment.refresh_from_db()
    assert comment.status == "removed" and comment.moderated_by == desk[1]
    assert comment.events.get().reason == ModerationEvent.Reason.OFF_TOPIC


def test_a_moderator_link_of_another_moderators_email_is_its_own(
    client, desk, article, post_comment, committed
):
    """Each moderator's links are spent separately, but the comment is moderated once."""
    comment = post_and_deliver(committed, post_comment, article)
    first, second = (links_in(m.body, "moderate") for m in mail.outbox)
    assert client.post(first[1]).status_code == 200  # spam
    response = client.post(second[0])
    assert response.status_code == 410
    assert "moderated already" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "spam"


def test_a_moderator_link_dies_with_the_moderators_rights(
    client, desk, article, post_comment, committed
):
    comment = post_and_deliver(committed, post_comment, article)
    message = next(m for m in mail.outbox if m.to == ["desk@example.com"])
    desk[0].groups.clear()
    response = client.post(links_in(message.body, "moderate")[0])
    assert response.status_code == 403
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_a_moderator_link_expires(client, desk, article, post_comment, committed, settings):
    comment = post_and_deliver(committed, post_comment, article)
    link = links_in(mail.outbox[0].body, "moderate")[0]
    later = datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(
        seconds=conf.MODERATION_LINK_AGE + 60
    )
    with time_machine.travel(later):
        response = client.post(link)
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending"


def test_moderators_get_a_digest_instead_when_the_settings_say_so(
    desk, article, post_comment, committed, client
):
    DiscussionSettings(moderator_digest=True, rate_limit_seconds=0).save()
    post_and_deliver(committed, post_comment, article)
    post_and_deliver(committed, post_comment, article, body="A second point about the ferry.")
    assert mail.outbox == []

    call_command("comments_digest", stdout=None)
    assert sorted(m.to for m in mail.outbox) == [["desk@example.com"], ["night@example.com"]]
    digest = mail.outbox[0]
    assert digest.subject == "2 new comments awaiting moderation"
    assert "ferry users entirely" in digest.body and "second point" in digest.body
    assert len(links_in(digest.body, "moderate")) == 6
    assert "ines@example.net" not in digest.body
    assert ModeratorDigest.objects.get().comment_count == 2

    # The links work as those of single emails; the next digest has only what is new.
    assert client.post(links_in(digest.body, "moderate")[0]).status_code == 200
    mail.outbox.clear()
    call_command("comments_digest", stdout=None)
    assert mail.outbox == []


def test_no_digest_is_sent_when_none_is_asked_for(desk, article):
    CommentFactory(article=article, pending=True)
    call_command("comments_digest", stdout=None)
    assert mail.outbox == []


# Replies ------------------------------------------------------------------------------------


def test_a_reply_is_announced_to_the_author_who_asked_with_their_own_unsubscribe_link(
    client, article, moderator, committed
):
    parent = CommentFactory(
        article=article, author_name="Priya", author_email="priya@example.org", notify_replies=True
    )
    other = CommentFactory(article=article, author_email="jonas@example.org", notify_replies=True)
    reply = CommentFactory(
        article=article,
        parent=parent,
        pending=True,
        author_name="Omar",
        author_email="omar@example.net",
        body="Steel prices have fallen since.",
    )
    with committed():
        services.approve_comment(comment=reply, by=moderator)
    (message,) = mail.outbox
    assert message.to == ["priya@example.org"]
    assert message.subject == f"Omar replied to your comment on “{article.headline}”"
    assert "Steel prices have fallen since." in message.body
    assert f"#comment-{reply.pk}" in message.body
    assert "omar@example.net" not in str(message.message())
    (unsubscribe,) = links_in(message.body, "unsubscribe")
    assert message.extra_headers["List-Unsubscribe"].endswith(unsubscribe + ">")
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    assert "Stop reply emails?" in client.get(unsubscribe).content.decode()
    parent.refresh_from_db()
    assert parent.notify_replies is True
    assert client.post(unsubscribe).status_code == 200
    parent.refresh_from_db()
    other.refresh_from_db()
    # The person who received the link, and nobody else.
    assert parent.notify_replies is False and other.notify_replies is True
    assert client.post(unsubscribe).status_code == 410


def test_an_unsubscribe_link_stops_working_once_the_recipient_is_erased(
    client, article, moderator, committed
):
    from comments import privacy

    parent = CommentFactory(article=article, author_email="priya@example.org", notify_replies=True)
    with committed():
        reply = CommentFactory(article=article, parent=parent, pending=True)
        services.approve_comment(comment=reply, by=moderator)
    (unsubscribe,) = links_in(mail.outbox[0].body, "unsubscribe")
    privacy.erase("priya@example.org")
    assert client.post(unsubscribe).status_code == 410


def test_no_reply_email_to_someone_who_did_not_ask_or_replies_to_themselves(
    article, moderator, committed
):
    quiet = CommentFactory(article=article, notify_replies=False)
    talker = CommentFactory(article=article, author_email="self@example.org", notify_replies=True)
    with committed():
        for parent, email in ((quiet, "a@example.org"), (talker, "SELF@example.org")):
            reply = CommentFactory(article=article, parent=parent, pending=True, author_email=email)
            services.approve_comment(comment=reply, by=moderator)
    assert mail.outbox == []


# Outcome of moderation ------------------------------------------------------------------------


def test_the_outcome_is_not_emailed_unless_the_setting_is_on(article, moderator, committed):
    comment = CommentFactory(article=article, pending=True)
    with committed():
        services.approve_comment(comment=comment, by=moderator)
    assert mail.outbox == []


def test_the_outcome_is_emailed_with_the_reason_when_the_setting_is_on(
    article, moderator, committed, settings
):
    settings.COMMENTS_OUTCOME_EMAILS = True
    kept = CommentFactory(article=article, pending=True, author_email="kept@example.org")
    turned_down = CommentFactory(article=article, pending=True, author_email="no@example.org")
    spam = CommentFactory(article=article, pending=True, author_email="spam@example.org")
    with committed():
        services.approve_comment(comment=kept, by=moderator)
        services.remove_comment(comment=turned_down, by=moderator, reason="abusive")
        services.mark_spam(comment=spam, by=moderator, reason="advertising")
    published, refused = mail.outbox  # spam hears nothing: its address is often forged
    assert published.to == ["kept@example.org"] and "is published" in published.subject
    assert f"#comment-{kept.pk}" in published.body
    assert refused.to == ["no@example.org"] and "was not published" in refused.subject
    assert "The reason: It attacks or insults people." in refused.body
    assert turned_down.events.get().reason == "abusive"
    assert spam.events.get().reason == "advertising"

    # Only the first decision is told: restoring and approving later tells nothing new.
    mail.outbox.clear()
    with committed():
        services.restore_comment(comment=kept, by=moderator)
    assert mail.outbox == []


# Confirm your email first ---------------------------------------------------------------------


def test_with_confirm_first_a_comment_waits_for_its_author(
    client, desk, article, post_comment, committed, settings
):
    settings.COMMENTS_CONFIRM_EMAIL = True
    comment = post_and_deliver(committed, post_comment, article)
    assert comment.status == Comment.Status.UNCONFIRMED
    (message,) = mail.outbox  # the moderators hear nothing yet
    assert message.to == ["ines@example.net"]
    # Nothing of the comment: the form cannot be used to mail someone else a message.
    for words in ("ferry", "harbour plan", comment.author_name):
        assert words not in message.body
    (confirm,) = links_in(message.body, "confirm")

    page = client.get(confirm)
    assert "Confirm my comment" in page.content.decode()
    comment.refresh_from_db()
    assert comment.status == "unconfirmed"

    mail.outbox.clear()
    with committed():
        done = client.post(confirm)
    assert done.status_code == 200
    assert "/comments/manage/" in done.content.decode()
    comment.refresh_from_db()
    assert comment.status == "pending"
    assert comment.events.get().action == "confirmed"
    assert sorted(m.to for m in mail.outbox) == [["desk@example.com"], ["night@example.com"]]

    again = client.post(confirm)
    assert again.status_code == 410
    assert "confirmed already" in again.content.decode()


def test_an_unconfirmed_comment_shows_its_poster_what_to_do(
    client, article, post_comment, settings
):
    settings.COMMENTS_CONFIRM_EMAIL = True
    location = post_comment(article)["Location"]
    html = client.get(location).content.decode()
    assert "Please confirm your email address" in html


# The private link by email, and delivery trouble -------------------------------------------


def test_the_private_link_is_emailed_only_to_those_who_ask(article, post_comment, committed):
    DiscussionSettings(rate_limit_seconds=0).save()
    post_and_deliver(committed, post_comment, article)
    assert mail.outbox == []
    comment = post_and_deliver(
        committed, post_comment, article, body="Another view on it.", email_link="on"
    )
    (message,) = mail.outbox
    assert message.to == ["ines@example.net"]
    assert len(links_in(message.body, "manage")) == 1
    assert comment.status == "pending"


class FlakyMail:
    """Makes the first `failures` sends raise, as a mail server that is down would."""

    def __init__(self, failures):
        self.failures = failures
        self.calls = 0

    def __call__(self, message, *args, **kwargs):
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionRefusedError("mail server unreachable")
        return self.original(message, *args, **kwargs)


@pytest.fixture
def flaky(monkeypatch):
    from django.core.mail import EmailMessage

    def make(failures):
        flake = FlakyMail(failures)
        flake.original = EmailMessage.send
        monkeypatch.setattr(EmailMessage, "send", lambda self, *a, **k: flake(self, *a, **k))
        return flake

    return make


def test_a_failed_send_is_logged_and_tried_again(
    flaky, desk, article, post_comment, committed, caplog
):
    flake = flaky(1)
    with caplog.at_level(logging.WARNING, logger="comments.tasks"):
        comment = post_and_deliver(committed, post_comment, article)
    assert comment.status == "pending"
    # One moderator's send failed once and was tried again; nobody got two emails.
    assert sorted(m.to for m in mail.outbox) == [["desk@example.com"], ["night@example.com"]]
    assert flake.calls == 3
    assert "Could not send" in caplog.text and "attempt 2" in caplog.text


def test_a_mail_server_that_stays_down_never_costs_the_comment(
    flaky, desk, article, post_comment, committed, caplog, settings
):
    flake = flaky(1000)
    with caplog.at_level(logging.WARNING, logger="comments.tasks"):
        comment = post_and_deliver(committed, post_comment, article)
    assert Comment.objects.filter(pk=comment.pk, status="pending").exists()
    assert mail.outbox == []
    assert flake.calls == 2 * conf.MAIL_ATTEMPTS
    assert "Gave up notify_moderators" in caplog.text
