"""Sending the emails about comments, through Django's tasks framework.

A send that fails is logged and tried again (COMMENTS_MAIL_ATTEMPTS in all), later when the
backend can defer work (the database backend and its db_worker), at once otherwise. Only the
recipients it failed for are tried again. Nothing here ever raises into the request that
queued it: the comment is committed before any of this runs.
"""

import datetime
import logging

from django.db.models import Count
from django.tasks import task
from django.utils import timezone

from . import notifications
from .conf import conf
from .models import Comment, ModeratorDigest

logger = logging.getLogger(__name__)
Status = Comment.Status


def _send_each(messages) -> list:
    """Send (key, message) pairs one by one; the keys of those that failed."""
    failed = []
    for key, message in messages:
        try:
            message.send()
        except Exception:
            logger.warning("Could not send “%s”.", message.subject, exc_info=True)
            failed.append(key)
    return failed


def _retry(the_task, attempt, **kwargs):
    """Queue another attempt, or log that the email is given up."""
    if attempt >= conf.MAIL_ATTEMPTS:
        logger.error("Gave up %s%s after %d attempts.", the_task.name, kwargs, attempt)
        return
    retry = the_task
    if retry.get_backend().supports_defer:
        delay = conf.MAIL_RETRY_SECONDS * 2 ** (attempt - 1)
        retry = retry.using(run_after=timezone.now() + datetime.timedelta(seconds=delay))
    logger.warning("Trying %s%s again (attempt %d).", the_task.name, kwargs, attempt + 1)
    try:
        retry.enqueue(attempt=attempt + 1, **kwargs)
    except Exception:
        logger.exception("Could not queue another attempt of %s%s.", the_task.name, kwargs)


def _comment(comment_id, *related):
    return Comment.objects.select_related("article", *related).filter(pk=comment_id).first()


@task
def notify_moderators(comment_id: int, attempt: int = 1, only: list | None = None):
    """One email per moderator, each with their own one-click links."""
    comment = _comment(comment_id)
    if comment is None or comment.status != Status.PENDING:
        return 0
    people = notifications.moderators()
    if only is not None:
        people = people.filter(pk__in=only)
    messages = [(m.pk, notifications.moderator_email(comment, m)) for m in people]
    failed = _send_each(messages)
    if failed:
        _retry(notify_moderators, attempt, comment_id=comment_id, only=failed)
    return len(messages) - len(failed)


@task
def send_moderator_digest(
    attempt: int = 1, since: str | None = None, until: str | None = None, only: list | None = None
):
    """The comments held since the last digest, in one email per moderator."""
    if until is None:
        last = ModeratorDigest.objects.order_by("-sent_at").first()
        end = timezone.now()
        start = last.sent_at if last else end - datetime.timedelta(days=1)
    else:
        start = datetime.datetime.fromisoformat(since)
        end = datetime.datetime.fromisoformat(until)
    waiting = Comment.objects.filter(status=Status.PENDING)
    new = list(
        waiting.filter(created_at__gte=start, created_at__lt=end)
        .select_related("article")
        .order_by("created_at", "pk")
    )
    if until is None:
        # The next digest starts where this one ends, whether or not it had anything.
        ModeratorDigest.objects.create(sent_at=end, comment_count=len(new))
    if not new:
        return 0
    total = waiting.aggregate(n=Count("pk"))["n"]
    people = notifications.moderators()
    if only is not None:
        people = people.filter(pk__in=only)
    messages = [(m.pk, notifications.digest_email(new, m, waiting=total)) for m in people]
    failed = _send_each(messages)
    if failed:
        _retry(
            send_moderator_digest,
            attempt,
            since=start.isoformat(),
            until=end.isoformat(),
            only=failed,
        )
    return len(messages) - len(failed)


@task
def notify_reply(comment_id: int, attempt: int = 1):
    """Tell the author of the comment replied to, when they asked to be told."""
    reply = _comment(comment_id, "parent")
    if reply is None or reply.status != Status.APPROVED or reply.parent is None:
        return 0
    parent = reply.parent
    if (
        not parent.notify_replies
        or not parent.author_email
        or parent.status != Status.APPROVED
        or parent.author_email.lower() == reply.author_email.lower()
    ):
        return 0
    if _send_each([(None, notifications.reply_email(reply))]):
        _retry(notify_reply, attempt, comment_id=comment_id)
        return 0
    return 1


def _to_author(the_task, build, comment_id, attempt, *, status=None, **extra):
    """Send build(comment, **extra) to the comment's author (if it is still in `status`)."""
    comment = _comment(comment_id)
    if comment is None or not comment.author_email:
        return 0
    if status is not None and comment.status != status:
        return 0
    if _send_each([(None, build(comment, **extra))]):
        _retry(the_task, attempt, comment_id=comment_id, **extra)
        return 0
    return 1


@task
def notify_outcome(comment_id: int, outcome: str, reason: str = "", attempt: int = 1):
    """Tell a commenter that their comment was published, or why it was not."""
    return _to_author(
        notify_outcome,
        notifications.outcome_email,
        comment_id,
        attempt,
        outcome=outcome,
        reason=reason,
    )


@task
def send_confirmation(comment_id: int, attempt: int = 1):
    return _to_author(
        send_confirmation,
        notifications.confirmation_email,
        comment_id,
        attempt,
        status=Status.UNCONFIRMED,
    )


@task
def send_manage_link(comment_id: int, attempt: int = 1):
    return _to_author(send_manage_link, notifications.manage_link_email, comment_id, attempt)
