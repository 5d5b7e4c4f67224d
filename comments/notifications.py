"""The emails about comments: who receives each, and what it says.

Each message goes to one person, so no recipient ever sees another's address; none shows a
commenter's address to anyone but its owner. Sending, and trying again, is the tasks' job.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from . import links
from .conf import conf
from .models import Comment, ModerationEvent


def moderators():
    """Active staff who may moderate and have an address, each once."""
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename="moderate_comment")
            | Q(groups__permissions__codename="moderate_comment")
        )
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def _message(subject, template, context, to, headers=None) -> EmailMessage:
    context = {"SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    body = render_to_string(f"comments/email/{template}.txt", context)
    # Subjects are one line, whatever a headline contains.
    subject = " ".join(subject.split())
    return EmailMessage(subject, body, None, [to], headers=headers)


def _comment_url(comment):
    return settings.SITE_URL + comment.get_absolute_url()


def _admin_url(comment):
    return settings.SITE_URL + reverse("admin:comments_comment_change", args=[comment.pk])


def _queue_url():
    return settings.SITE_URL + reverse("admin:comments_comment_changelist") + "?status=pending"


def _held(comment, moderator):
    return {
        "comment": comment,
        "article_url": settings.SITE_URL + comment.article.get_absolute_url(),
        "admin_url": _admin_url(comment),
        "links": links.moderator_links(comment, moderator),
    }


def moderator_email(comment: Comment, moderator) -> EmailMessage:
    return _message(
        f"Comment awaiting moderation on “{comment.article.headline}”",
        "moderator",
        {"held": _held(comment, moderator), "moderator": moderator, "queue_url": _queue_url()},
        moderator.email,
    )


def digest_email(comments, moderator, *, waiting: int) -> EmailMessage:
    count = len(comments)
    return _message(
        f"{count} new comment{'s' if count != 1 else ''} awaiting moderation",
        "digest",
        {
            "items": [_held(comment, moderator) for comment in comments],
            "moderator": moderator,
            "count": count,
            "waiting": waiting,
            "queue_url": _queue_url(),
        },
        moderator.email,
    )


def reply_email(reply: Comment) -> EmailMessage:
    """To the author of the comment replied to, with a link that unsubscribes only them."""
    parent = reply.parent
    unsubscribe = links.url(links.UNSUBSCRIBE, links.unsubscribe_token(parent))
    return _message(
        f"{reply.author_name} replied to your comment on “{reply.article.headline}”",
        "reply",
        {
            "reply": reply,
            "parent": parent,
            "reply_url": _comment_url(reply),
            "unsubscribe_url": unsubscribe,
        },
        parent.author_email,
        # One-click unsubscribe from the mail program itself (RFC 8058).
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def outcome_email(comment: Comment, outcome: str, reason: str = "") -> EmailMessage:
    reason_text = ModerationEvent.Reason(reason).label if reason else ""
    if outcome == "approved":
        subject = f"Your comment on “{comment.article.headline}” is published"
    else:
        subject = f"Your comment on “{comment.article.headline}” was not published"
    return _message(
        subject,
        f"outcome_{outcome}",
        {
            "comment": comment,
            "comment_url": _comment_url(comment),
            "article_url": settings.SITE_URL + comment.article.get_absolute_url(),
            "reason": reason_text,
        },
        comment.author_email,
    )


def confirmation_email(comment: Comment) -> EmailMessage:
    """Holds none of the comment's text: nobody can use the form to mail words to others."""
    return _message(
        f"Please confirm your comment on {settings.SITE_NAME}",
        "confirm",
        {
            "comment": comment,
            "confirm_url": links.url(links.CONFIRM, links.confirm_token(comment)),
            "days": conf.KEEP_UNCONFIRMED_DAYS,
        },
        comment.author_email,
    )


def manage_link_email(comment: Comment) -> EmailMessage:
    return _message(
        f"Your private link to your comment on {settings.SITE_NAME}",
        "manage_link",
        {
            "comment": comment,
            "manage_url": links.url(links.MANAGE, links.manage_token(comment)),
            "days": conf.MANAGE_LINK_AGE // 86400,
            "edit_minutes": conf.EDIT_WINDOW // 60,
        },
        comment.author_email,
    )
