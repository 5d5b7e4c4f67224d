"""The rules that decide a new comment's status, as plain functions.

Order matters: the blocklist wins over everything, a moderator posting under their own
account is trusted, then the settings and pluggable checkers decide between the queue and
publication. Whether the discussion is open at all is asked first, by the service that
takes the comment in (comments_open).
"""

import datetime
import re
from functools import cache

from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .conf import conf
from .models import Comment, DiscussionSettings

_LINK = re.compile(r"https?://|\bwww\.", re.IGNORECASE)
Status = Comment.Status


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


def matches_any(comment: Comment, words: list[str]) -> bool:
    """Whether any word or phrase appears in the text, name, email, website or IP."""
    haystack = _haystack(comment)
    return any(word in value for word in words for value in haystack)


def is_blocklisted(comment: Comment, discussion: DiscussionSettings) -> bool:
    return matches_any(comment, discussion.lines(discussion.blocklist))


def needs_moderation(comment: Comment, discussion: DiscussionSettings) -> bool:
    if discussion.max_links and count_links(comment.body) >= discussion.max_links:
        return True
    return matches_any(comment, discussion.lines(discussion.moderation_keywords))


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
) -> str:
    """The status a comment of an open discussion starts with."""
    if is_blocklisted(comment, discussion):
        return Status.SPAM
    if is_moderator(user):
        return Status.APPROVED
    if discussion.hold_every_comment or needs_moderation(comment, discussion):
        return Status.PENDING
    verdict = external_verdict(comment, request)
    if verdict is not None:
        return verdict
    if discussion.auto_approve_known and is_known_commenter(comment):
        return Status.APPROVED
    return Status.PENDING
