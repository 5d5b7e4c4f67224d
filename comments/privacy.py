"""Commenters' personal data: a copy of it on request, erasure on request, and retention.

The command `comments_privacy` and the admin's actions call these functions.
"""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from newsroom import pagecache

from . import links
from .conf import conf
from .models import Comment, CommentEdit, ModerationEvent, SpentLink

Status = Comment.Status
ANONYMOUS = "Anonymous"
ERASED_TEXT = "This comment was erased at its author's request."
REJECTED = (Status.SPAM, Status.REMOVED, Status.WITHDRAWN)


class UnknownCommenter(Exception):
    def __init__(self, email):
        super().__init__(f"No comments were posted with the email address {email!r}.")


def _by_email(email):
    email = (email or "").strip()
    if not email:
        raise UnknownCommenter(email)
    return Comment.objects.filter(author_email__iexact=email)


def export(email) -> dict:
    """Everything stored about the commenter with this address, ready for JSON."""
    comments = list(
        _by_email(email)
        .select_related("article")
        .prefetch_related("edits", "events")
        .order_by("created_at", "pk")
    )
    if not comments:
        raise UnknownCommenter(email)
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "site": settings.SITE_URL,
        "comments": [
            {
                "id": c.pk,
                "article": c.article.headline,
                "article_url": settings.SITE_URL + c.article.get_absolute_url(),
                "in_reply_to": c.parent_id,
                "name": c.author_name,
                "email": c.author_email,
                "website": c.author_url,
                "text": c.body,
                "status": c.status,
                "posted_at": c.created_at.isoformat(),
                "edited_at": c.edited_at.isoformat() if c.edited_at else None,
                "ip_address": c.ip_address,
                "browser": c.user_agent,
                "notify_replies": c.notify_replies,
                "earlier_versions": [
                    {"text": e.previous_body, "replaced_at": e.edited_at.isoformat()}
                    for e in c.edits.all()
                ],
                "history": [
                    {"action": e.action, "reason": e.reason, "at": e.at.isoformat()}
                    for e in c.events.all()
                ],
            }
            for c in comments
        ],
    }


def erase(email, *, by=None, via=ModerationEvent.Via.COMMAND, remove_text=None) -> int:
    """Strip the commenter's personal data from every comment with this address.

    The thread keeps its shape: comments stay where they are, under "Anonymous". Published
    text stays unless COMMENTS_ERASE_TEXT (or remove_text) says otherwise; text that was never
    published goes, and so do earlier versions of the text. Their private links stop working
    because they are bound to the address. Returns the number of comments changed.
    """
    if remove_text is None:
        remove_text = conf.ERASE_TEXT
    with transaction.atomic():
        comments = list(_by_email(email).select_for_update().values_list("pk", "article_id"))
        if not comments:
            raise UnknownCommenter(email)
        ids = [pk for pk, _ in comments]
        erased = Comment.objects.filter(pk__in=ids)
        personal = {
            "author_name": ANONYMOUS,
            "author_email": "",
            "author_url": "",
            "ip_address": None,
            "user_agent": "",
            "notify_replies": False,
            "user": None,
        }
        text = {"body": ERASED_TEXT, "body_html": ""}
        if remove_text:
            erased.update(**personal, **text)
        else:
            erased.update(**personal)
            erased.exclude(status=Status.APPROVED).update(**text)
        # Waiting comments would otherwise be published later under the erased name.
        erased.filter(status__in=(Status.PENDING, Status.UNCONFIRMED)).update(
            status=Status.REMOVED, moderated_at=timezone.now()
        )
        CommentEdit.objects.filter(comment_id__in=ids).delete()
        ModerationEvent.objects.bulk_create(
            ModerationEvent(comment_id=pk, action=ModerationEvent.Action.ERASED, via=via, by=by)
            for pk in ids
        )
        pagecache.touch_article(*{article_id for _, article_id in comments})
    return len(ids)


@dataclass
class PurgeReport:
    ip_cleared: int = 0
    rejected_deleted: int = 0
    unconfirmed_deleted: int = 0
    links_forgotten: int = 0
    articles: set = field(default_factory=set)

    def __str__(self):
        return (
            f"IP addresses and browsers cleared: {self.ip_cleared}; "
            f"spam, removed and withdrawn comments deleted: {self.rejected_deleted}; "
            f"unconfirmed comments deleted: {self.unconfirmed_deleted}; "
            f"used links forgotten: {self.links_forgotten}."
        )


def _days_ago(now, days):
    return now - datetime.timedelta(days=days)


def _batches(queryset, size):
    """Primary keys (and article ids) of the matching rows, one batch at a time.

    Each batch is looked for again after the last one is done, so rows that stopped matching
    are never seen twice and the loop ends when nothing is left.
    """
    while True:
        batch = list(queryset.values_list("pk", "article_id")[:size])
        if not batch:
            return
        yield batch
        if len(batch) < size:
            return


def _delete_comments(batch):
    ids = [pk for pk, _ in batch]
    with transaction.atomic():
        # Replies stay readable, at the top level, as when a moderator removes a parent.
        Comment.objects.filter(parent_id__in=ids).update(parent=None)
        CommentEdit.objects.filter(comment_id__in=ids).delete()
        ModerationEvent.objects.filter(comment_id__in=ids).delete()
        # A plain DELETE: a model delete() would load every row to send signals, and the
        # cache versions the signal would bump are bumped below, once per article.
        Comment.objects.filter(pk__in=ids)._raw_delete(Comment.objects.db)
        pagecache.touch_article(*{article_id for _, article_id in batch})
    return len(ids)


def holding_ip(now):
    # Oldest first: the planner then walks the small partial index of rows still holding an
    # IP address and stops at the cutoff, instead of scanning the table on a poor estimate
    # (it cannot know that only recent rows still hold one).
    return Comment.objects.filter(
        Q(ip_address__isnull=False) | ~Q(user_agent=""),
        created_at__lt=_days_ago(now, conf.KEEP_IP_DAYS),
    ).order_by("created_at")


def rejected(now):
    cutoff = _days_ago(now, conf.KEEP_REJECTED_DAYS)
    return (
        Comment.objects.filter(status__in=REJECTED)
        .filter(Q(moderated_at__lt=cutoff) | Q(moderated_at__isnull=True, created_at__lt=cutoff))
        .order_by()
    )


def unconfirmed(now):
    return Comment.objects.filter(
        status=Status.UNCONFIRMED,
        created_at__lt=_days_ago(now, conf.KEEP_UNCONFIRMED_DAYS),
    ).order_by()


def purge(*, now=None, batch_size=None) -> PurgeReport:
    """Apply the retention settings. Safe to run at any time, as often as wanted."""
    now = now or timezone.now()
    size = batch_size or conf.PURGE_BATCH
    report = PurgeReport()
    for batch in _batches(holding_ip(now), size):
        # Neither is shown to readers: no page changes.
        report.ip_cleared += Comment.objects.filter(pk__in=[pk for pk, _ in batch]).update(
            ip_address=None, user_agent=""
        )

    for batch in _batches(rejected(now), size):
        report.rejected_deleted += _delete_comments(batch)

    for batch in _batches(unconfirmed(now), size):
        report.unconfirmed_deleted += _delete_comments(batch)

    # A used link older than the longest-lived link has expired anyway.
    expired = now - datetime.timedelta(seconds=links.longest_life())
    report.links_forgotten, _ = SpentLink.objects.filter(used_at__lt=expired).delete()
    return report
