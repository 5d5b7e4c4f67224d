"""The rules that decide a new comment's status, one at a time."""

import datetime

import pytest
from django.utils import timezone

from comments import moderation
from comments.models import Comment, DiscussionSettings
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = Comment.Status


def new_comment(article, **fields):
    values = {
        "article": article,
        "author_name": "Tomasz Wrona",
        "author_email": "tomasz@example.net",
        "author_url": "",
        "body": "A fair summary of the vote.",
        "ip_address": "198.51.100.20",
    }
    values.update(fields)
    return Comment(**values)


def decide(comment, discussion=None, **kwargs):
    return moderation.decide_status(
        comment, discussion=discussion or DiscussionSettings(), **kwargs
    ).status


def why(comment, discussion=None, **kwargs):
    decision = moderation.decide_status(
        comment, discussion=discussion or DiscussionSettings(), **kwargs
    )
    decision.apply(comment)
    return comment.why_held


def test_a_first_time_commenter_waits_for_moderation(article):
    assert decide(new_comment(article)) == Status.PENDING


def test_a_commenter_approved_before_is_published_at_once(article):
    CommentFactory(article=article, author_name="Tomasz Wrona", author_email="tomasz@example.net")
    assert decide(new_comment(article)) == Status.APPROVED


def test_an_earlier_approval_counts_only_with_the_same_name_and_email(article):
    CommentFactory(article=article, author_name="Tomasz Wrona", author_email="other@example.net")
    CommentFactory(article=article, author_name="Someone Else", author_email="tomasz@example.net")
    assert decide(new_comment(article)) == Status.PENDING


def test_an_earlier_pending_comment_does_not_make_a_known_commenter(article):
    CommentFactory(
        article=article, author_name="Tomasz Wrona", author_email="tomasz@example.net", pending=True
    )
    assert decide(new_comment(article)) == Status.PENDING


def test_known_commenters_wait_when_the_setting_is_off(article):
    CommentFactory(article=article, author_name="Tomasz Wrona", author_email="tomasz@example.net")
    assert decide(new_comment(article), DiscussionSettings(auto_approve_known=False)) == "pending"


def test_holding_every_comment_queues_known_commenters_too(article):
    CommentFactory(article=article, author_name="Tomasz Wrona", author_email="tomasz@example.net")
    assert decide(new_comment(article), DiscussionSettings(hold_every_comment=True)) == "pending"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ("One link: https://example.com/a", Status.APPROVED),
        ("Two: https://example.com/a and http://example.org/b", Status.PENDING),
        ("Two: https://example.com/a and www.example.org", Status.PENDING),
    ],
)
def test_two_links_or_more_hold_a_comment(article, body, status):
    CommentFactory(article=article, author_name="Tomasz Wrona", author_email="tomasz@example.net")
    assert decide(new_comment(article, body=body)) == status


@pytest.mark.parametrize(
    "field",
    ["body", "author_name", "author_email", "author_url"],
)
def test_a_moderation_keyword_anywhere_holds_the_comment(article, field):
    CommentFactory(article=article, author_name="Tomasz Wrona", author_email="tomasz@example.net")
    discussion = DiscussionSettings(moderation_keywords="casino\n")
    values = {
        "body": "Try the casino",
        "author_name": "Casino Fan",
        "author_email": "casino@example.net",
        "author_url": "https://casino.example",
    }
    assert decide(new_comment(article, **{field: values[field]}), discussion) == Status.PENDING


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", "Cheap PILLS here"),
        ("author_name", "Pills Seller"),
        ("author_email", "pills@spam.example"),
        ("author_url", "https://pills.example"),
        ("ip_address", "192.0.2.66"),
    ],
)
def test_a_blocklisted_word_or_address_anywhere_marks_spam(article, field, value):
    discussion = DiscussionSettings(blocklist="pills\n192.0.2.66\n")
    assert decide(new_comment(article, **{field: value}), discussion) == Status.SPAM


def test_the_blocklist_wins_over_a_known_commenter(article):
    CommentFactory(article=article, author_name="Tomasz Wrona", author_email="tomasz@example.net")
    discussion = DiscussionSettings(blocklist="vote")
    assert decide(new_comment(article), discussion) == Status.SPAM


def test_a_moderator_posting_logged_in_is_published_at_once(article, moderator):
    discussion = DiscussionSettings(hold_every_comment=True)
    assert decide(new_comment(article), discussion, user=moderator) == Status.APPROVED


def test_a_writer_posting_logged_in_is_moderated_like_anyone(article, writer):
    assert decide(new_comment(article), user=writer) == Status.PENDING


def test_an_article_with_comments_turned_off_is_closed(article):
    article.comments_enabled = False
    assert not moderation.comments_open(article, discussion=DiscussionSettings())


@pytest.mark.parametrize(
    ("fields", "discussion", "is_open"),
    [
        ({}, {}, True),
        ({"comments_enabled": False}, {}, False),
        ({"comments_close_at": -1}, {}, False),
        ({"comments_close_at": +1}, {}, True),
        ({}, {"close_after_days": 3}, True),
        ({"published_at": -4 * 24}, {"close_after_days": 3}, False),
    ],
)
def test_when_comments_are_open(db, fields, discussion, is_open):
    now = timezone.now()
    values = {
        key: now + datetime.timedelta(hours=value) if key.endswith("_at") else value
        for key, value in fields.items()
    }
    article = ArticleFactory(**values)
    assert moderation.comments_open(article, discussion=DiscussionSettings(**discussion)) is is_open


def test_a_site_can_plug_in_an_external_spam_checker(article, settings):
    settings.COMMENTS_SPAM_CHECKERS = ["tests.comments.test_moderation.says_spam"]
    moderation._checker.cache_clear()
    assert decide(new_comment(article)) == Status.SPAM


def test_an_external_checker_without_an_opinion_leaves_the_decision_to_the_rules(article, settings):
    settings.COMMENTS_SPAM_CHECKERS = ["tests.comments.test_moderation.no_opinion"]
    moderation._checker.cache_clear()
    CommentFactory(article=article, author_name="Tomasz Wrona", author_email="tomasz@example.net")
    assert decide(new_comment(article)) == Status.APPROVED


def says_spam(comment, request):
    return "spam"


def no_opinion(comment, request):
    return None


def test_a_staff_user_without_the_permission_is_not_a_moderator(db):
    assert not moderation.is_moderator(UserFactory(is_staff=True))


@pytest.mark.parametrize(
    ("settings_fields", "comment_fields", "reason"),
    [
        ({}, {}, "first-time commenter"),
        ({"max_links": 2}, {"body": "See https://a.example and http://b.example"}, "2 links"),
        (
            {"moderation_keywords": "lottery"},
            {"body": "Win the LOTTERY today"},
            "hold word “lottery”",
        ),
        ({"hold_every_comment": True}, {}, "all comments held"),
        ({"auto_approve_known": False}, {}, "all comments held"),
        ({"blocklist": "casino"}, {"body": "Best casino"}, "block word “casino”"),
    ],
)
def test_the_rules_say_why_they_hold_a_comment(article, settings_fields, comment_fields, reason):
    """Each hold (or spam verdict) carries the rule that made it, in the moderators' words."""
    assert why(new_comment(article, **comment_fields), DiscussionSettings(**settings_fields)) == (
        reason
    )


def test_a_published_comment_has_no_hold_reason(article, moderator):
    assert why(new_comment(article), user=moderator) == ""


def test_a_comment_sent_back_by_reports_says_so(article):
    """Enough reader reports return a comment to the queue, with the count as its reason."""
    from comments import services

    comment = CommentFactory(article=article)
    discussion = DiscussionSettings.load()
    for _ in range(discussion.flags_before_remoderation):
        comment = services.report_comment(comment=comment)
    assert comment.status == Status.PENDING
    assert comment.held_reason == Comment.HeldReason.REPORTS
    count = discussion.flags_before_remoderation
    assert comment.why_held == f"{count} report" + ("s" if count != 1 else "")
