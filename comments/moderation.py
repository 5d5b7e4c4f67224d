"""The rules that decide a new comment's status, as plain functions.

Order matters: the blocklist wins over everything, a moderator posting under their own
account is trusted, then the settings and pluggable checkers decide between the queue and
publication. Whether the discussion is open at all is asked first, by the service that
takes the comment in (comments_open).
"""

import datetime
import re
from functools import cache
from typing import NamedTuple

from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .conf import conf
from .models import Comment, DiscussionSettings

_LINK = re.compile(r"https?://|\bwww\.", re.IGNORECASE)
Status = Comment.Status
Reason = Comment.HeldReason


class Decision(NamedTuple):
    """A new comment's status and why: what the moderation queue tells the moderators."""

    status: str
    reason: str = ""
    detail: str = ""

    def apply(self, comment: Comment) -> None:
        comment.status = self.status
        comment.held_reason = self.reason
        comment.held_detail = self.detail[: Comment._meta.get_field("held_detail").max_length]


CLOSED_MESSAGE = _("Sorry, comments are closed for this item.")


class CommentsClosed(Exception):
    message = CLOSED_MESSAGE


def comments_open(article, *, discussion: DiscussionSettings, now=None) -> bool:
    now = now or timezone.now()
    if not article.comments_enabled or not article.is_public:
        return False
    if article.comments_close_at and article.comments_close_at <= now:
        return False
    if discussion.close_after_days is not None and article.published_at:
        return article.published_at + datetime.timedelta(days=discussion.close_after_days) > now
    return True


def count_links(text: str) -> int:
    return len(_LINK.findall(text or ""))


def _haystack(comment: Comment) -> list[str]:
    return [
        (value or "").lower()
        for value in (
            comment.body,
            comment.author_name,
            comment.author_email,
            comment.author_url,
            comment.ip_address,
        )
    ]


def first_match(comment: Comment, words: list[str]) -> str | None:
    """The first word or phrase that appears in the text, name, email, website or IP."""
    haystack = _haystack(comment)
    return next((word for word in words for value in haystack if word in value), None)


def matches_any(comment: Comment, words: list[str]) -> bool:
    return first_match(comment, words) is not None


def is_blocklisted(comment: Comment, discussion: DiscussionSettings) -> bool:
    return matches_any(comment, discussion.lines(discussion.blocklist))


def hold(comment: Comment, discussion: DiscussionSettings) -> Decision | None:
    """Why the rules hold this comment for a moderator, or None when they do not."""
    links = count_links(comment.body)
    if discussion.max_links and links >= discussion.max_links:
        return Decision(Status.PENDING, Reason.LINKS, str(links))
    word = first_match(comment, discussion.lines(discussion.moderation_keywords))
    if word is not None:
        return Decision(Status.PENDING, Reason.HOLD_WORD, word)
    return None


def needs_moderation(comment: Comment, discussion: DiscussionSettings) -> bool:
    return hold(comment, discussion) is not None


def is_known_commenter(comment: Comment) -> bool:
    """An earlier comment with the same name and email has been approved."""
    return Comment.objects.filter(
        status=Status.APPROVED,
        author_email__iexact=comment.author_email,
        author_name=comment.author_name,
    ).exists()


def is_moderator(user) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("comments.moderate_comment"))


@cache
def _checker(path):
    return import_string(path)


def external_verdict(comment: Comment, request) -> str | None:
    for path in conf.SPAM_CHECKERS:
        verdict = _checker(path)(comment, request)
        if verdict is not None:
            return Status(verdict)
    return None


def decide_status(
    comment: Comment, *, discussion: DiscussionSettings, user=None, request=None
) -> Decision:
    """The status a comment of an open discussion starts with, and the reason for it."""
    blocked = first_match(comment, discussion.lines(discussion.blocklist))
    if blocked is not None:
        return Decision(Status.SPAM, Reason.BLOCK_WORD, blocked)
    if is_moderator(user):
        return Decision(Status.APPROVED)
    if discussion.hold_every_comment:
        return Decision(Status.PENDING, Reason.ALL_HELD)
    if held := hold(comment, discussion):
        return held
    verdict = external_verdict(comment, request)
    if verdict is not None:
        return Decision(verdict, Reason.CHECKER if verdict != Status.APPROVED else "")
    if not discussion.auto_approve_known:
        return Decision(Status.PENDING, Reason.ALL_HELD)
    if is_known_commenter(comment):
        return Decision(Status.APPROVED)
    return Decision(Status.PENDING, Reason.FIRST_COMMENT)
