"""Writes that touch several things: the comment, its history, and notifications."""

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsroom import pagecache
from newsroom.http import client_ip, rate_limit_key

from . import abuse, moderation, tasks
from .abuse import Code, Refusal
from .conf import conf
from .models import Comment, CommentEdit, DiscussionSettings, ModerationEvent

Status = Comment.Status
Action = ModerationEvent.Action
Via = ModerationEvent.Via
logger = logging.getLogger(__name__)


def _enqueue(task, *args):
    """Queue a notification once the comment is committed; never fail the request for it."""

    def enqueue():
        try:
            task.enqueue(*args)
        except Exception:
            logger.exception("Could not queue %s for %s; the comment is saved.", task.name, args)

    transaction.on_commit(enqueue)


def _record(comment, action, *, via, by=None, reason=""):
    ModerationEvent.objects.create(comment=comment, action=action, via=via, by=by, reason=reason)


@dataclass(frozen=True)
class Facts:
    """What the request says about who is posting, beside what they typed."""

    ip: str | None = None
    user_agent: str = ""
    user: object = None
    # Handed to the pluggable spam checkers (COMMENTS_SPAM_CHECKERS), which take it.
    request: object = None

    @classmethod
    def from_request(cls, request) -> "Facts":
        return cls(
            ip=client_ip(request),
            user_agent=request.headers.get("User-Agent", "")[:500],
            user=getattr(request, "user", None),
            request=request,
        )


def post_comment(
    *, article, form, facts: Facts, discussion: DiscussionSettings | None = None
) -> Comment | Refusal:
    """Take in a comment whose form is valid: the saved comment, or why it was refused.

    In this order: the comment replied to, whether the discussion is open, duplicates and
    floods, then the moderation rules decide the status and the comment is saved.
    """
    discussion = discussion or DiscussionSettings.load()
    data = form.cleaned_data
    parent = None
    if data.get("parent"):
        parent = abuse.find_parent(data["parent"], article=article)
        if parent is None:
            return abuse.BAD_PARENT
    if not moderation.comments_open(article, discussion=discussion):
        return Refusal(Code.CLOSED, moderation.CLOSED_MESSAGE)
    with transaction.atomic():
        # Checks and insert as one step: a copy of this comment posted at the same moment
        # by another process waits here, then finds this one and is refused.
        _serialize(article=article, ip=facts.ip)
        refusal = abuse.check_duplicate(
            article=article,
            parent=parent,
            name=data["author_name"],
            email=data["author_email"],
            body=data["body"],
        ) or abuse.check_rate_limits(ip=facts.ip, email=data["author_email"], discussion=discussion)
        if refusal is not None:
            return refusal
        comment = form.save(commit=False)
        comment.article = article
        comment.parent = parent
        comment.ip_address = facts.ip
        comment.user_agent = facts.user_agent
        return _save_new(comment, discussion, facts, email_link=data.get("email_link", False))


def _lock_id(name: str) -> int:
    """A PostgreSQL advisory lock number (a signed 64-bit integer) for a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _serialize(*, article, ip):
    """Hold, until the transaction ends, the locks of the article and the poster's address.

    The duplicate check is per article and the flood limits per address, so two posts wait
    for each other only when they share one of those. PostgreSQL takes advisory locks, in
    the same order everywhere (article first) so that no two posts wait on each other.
    SQLite lets one transaction write at a time: a write that changes nothing takes that
    lock before the checks run.
    """
    if connection.vendor == "postgresql":
        names = [f"comments:article:{article.pk}"]
        if key := rate_limit_key(ip):
            names.append(f"comments:address:{key}")
        with connection.cursor() as cursor:
            for name in names:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_lock_id(name)])
    elif connection.features.has_select_for_update:
        type(article).objects.select_for_update().filter(pk=article.pk).exists()
    else:
        pk = article._meta.pk.attname
        type(article).objects.filter(pk=article.pk).update(**{pk: F(pk)})


@transaction.atomic
def _save_new(comment: Comment, discussion: DiscussionSettings, facts: Facts, *, email_link):
    """Decide a new comment's status and save it, with the emails it calls for.

    With COMMENTS_CONFIRM_EMAIL, a comment that would go to the queue or be published waits,
    unconfirmed, until its author follows the link mailed to them (moderators excepted).
    """
    user = facts.user
    if comment.parent is not None:
        # Replies deeper than the settings allow join the thread at the deepest level.
        while comment.parent.depth >= discussion.max_depth and comment.parent.parent_id:
            comment.parent = Comment.objects.only("pk", "depth", "parent_id").get(
                pk=comment.parent.parent_id
            )
        comment.depth = comment.parent.depth + 1
    if user is not None and user.is_authenticated:
        comment.user = user
    moderation.decide_status(
        comment, discussion=discussion, user=user, request=facts.request
    ).apply(comment)
    if conf.CONFIRM_EMAIL and comment.status != Status.SPAM and not moderation.is_moderator(user):
        comment.status = Status.UNCONFIRMED
    comment.full_clean(exclude=["article", "parent", "user"])
    comment.save()
    if comment.status == Status.UNCONFIRMED:
        # The confirmation email carries the private link too: one email, no comment text.
        _enqueue(tasks.send_confirmation, comment.pk)
        return comment
    _announce(comment, discussion)
    if email_link and comment.status != Status.SPAM:
        _enqueue(tasks.send_manage_link, comment.pk)
    return comment


def _announce(comment, discussion):
    """The emails a comment entering the discussion calls for."""
    if (
        comment.status == Status.PENDING
        and discussion.notify_moderators
        and not discussion.moderator_digest
    ):
        _enqueue(tasks.notify_moderators, comment.pk)
    if comment.status == Status.APPROVED and comment.parent_id:
        _enqueue(tasks.notify_reply, comment.pk)


# What a moderator's decision means for the commenter, when outcome emails are on.
_OUTCOMES = {Status.APPROVED: "approved", Status.REMOVED: "rejected"}


def _moderate(comment: Comment, status: str, by, *, via=Via.ADMIN, reason="") -> Comment:
    was = comment.status
    comment.status = status
    comment.moderated_by = by
    comment.moderated_at = timezone.now()
    if status == Status.APPROVED:
        comment.flag_count = 0
    comment.save(update_fields=["status", "moderated_by", "moderated_at", "flag_count"])
    action = Action.RESTORED if status == Status.PENDING else Action(status)
    _record(comment, action, via=via, by=by, reason=reason)
    if status == Status.APPROVED and was != Status.APPROVED and comment.parent_id:
        _enqueue(tasks.notify_reply, comment.pk)
    # Only a first decision is announced, never to spam (its address is often someone else's).
    if (
        conf.OUTCOME_EMAILS
        and was in (Status.PENDING, Status.UNCONFIRMED)
        and status in _OUTCOMES
        and not comment.is_staff_reply
    ):
        _enqueue(tasks.notify_outcome, comment.pk, _OUTCOMES[status], reason)
    return comment


@transaction.atomic
def approve_comment(*, comment: Comment, by, via=Via.ADMIN) -> Comment:
    return _moderate(comment, Status.APPROVED, by, via=via)


@transaction.atomic
def mark_spam(*, comment: Comment, by, via=Via.ADMIN, reason="") -> Comment:
    return _moderate(comment, Status.SPAM, by, via=via, reason=reason)


@transaction.atomic
def remove_comment(*, comment: Comment, by, via=Via.ADMIN, reason="") -> Comment:
    return _moderate(comment, Status.REMOVED, by, via=via, reason=reason)


@transaction.atomic
def restore_comment(*, comment: Comment, by, via=Via.ADMIN) -> Comment:
    """Back to the queue, for a moderator to look at again."""
    return _moderate(comment, Status.PENDING, by, via=via)


# The commenter's own changes, through their private link ----------------------------------


class NotAllowed(Exception):
    """A change the commenter may not make, with the reason they read."""

    def __init__(self, message, *, status=403):
        super().__init__(message)
        self.message, self.status = message, status


# Statuses in which a comment still belongs to its author: the others ended its life.
OWNED = (Status.PENDING, Status.UNCONFIRMED, Status.APPROVED)


def live_replies(comment: Comment):
    return comment.replies.filter(status__in=(Status.PENDING, Status.APPROVED))


def edit_refusal(comment: Comment, *, now=None, has_replies=None) -> str | None:
    """Why the author may not change the text now, or None when they may."""
    if comment.status not in OWNED:
        return _("This comment can no longer be changed, because it is not in the discussion.")
    if has_replies is None:
        has_replies = live_replies(comment).exists()
    if has_replies:
        return _(
            "This comment has replies, so its text can no longer change: "
            "the replies answer what it says now."
        )
    if comment.status in (Status.PENDING, Status.UNCONFIRMED):
        return None
    window = datetime.timedelta(seconds=conf.EDIT_WINDOW)
    if (now or timezone.now()) - comment.created_at > window:
        minutes = conf.EDIT_WINDOW // 60
        return _(
            "A published comment can be changed for %(minutes)s minutes after it is posted, "
            "and that time has passed."
        ) % {"minutes": minutes}
    return None


@transaction.atomic
def edit_own_comment(*, comment: Comment, body: str, now=None) -> Comment:
    """The author's new text, when the rules allow; held again if it now needs a moderator."""
    comment = Comment.objects.select_for_update().select_related("article").get(pk=comment.pk)
    refusal = edit_refusal(comment, now=now)
    if refusal:
        raise NotAllowed(refusal)
    if body == comment.body:
        return comment
    CommentEdit.objects.create(comment=comment, previous_body=comment.body, edited_by=None)
    comment.body = body
    comment.edited_at = timezone.now()
    discussion = DiscussionSettings.load()
    fields = ["body", "edited_at"]
    was = comment.status
    if moderation.is_blocklisted(comment, discussion):
        comment.status = Status.SPAM
    elif was == Status.APPROVED and (held := moderation.hold(comment, discussion)):
        # A published comment whose new text the rules would hold goes back to the queue.
        held.apply(comment)
    if comment.status != was:
        fields += ["status", "held_reason", "held_detail"]
    comment.save(update_fields=fields)
    _record(comment, Action.EDITED, via=Via.COMMENTER)
    if comment.status == Status.PENDING and was == Status.APPROVED:
        _announce(comment, discussion)
    return comment


@transaction.atomic
def withdraw_comment(*, comment: Comment) -> Comment:
    """The author takes their comment back: it leaves the discussion for good."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.status not in OWNED:
        raise NotAllowed(_("This comment has already left the discussion."), status=410)
    comment.status = Status.WITHDRAWN
    comment.moderated_at = timezone.now()
    comment.notify_replies = False
    comment.save(update_fields=["status", "moderated_at", "notify_replies"])
    _record(comment, Action.WITHDRAWN, via=Via.COMMENTER)
    return comment


def set_reply_notifications(*, comment: Comment, on: bool) -> Comment:
    if comment.status not in OWNED:
        raise NotAllowed(_("This comment has left the discussion, so it gets no replies."))
    Comment.objects.filter(pk=comment.pk).update(notify_replies=on)
    comment.notify_replies = on
    return comment


def unsubscribe_author(*, comment: Comment) -> int:
    """No more reply emails for anything the author of `comment` wrote (their address)."""
    return Comment.objects.filter(
        author_email__iexact=comment.author_email, notify_replies=True
    ).update(notify_replies=False)


@transaction.atomic
def confirm_comment(*, comment: Comment) -> Comment:
    """The author confirmed their address: the comment meets the moderation rules now.

    The conditional update spends the confirmation link: of two clicks at once, one wins.
    """
    discussion = DiscussionSettings.load()
    comment = Comment.objects.select_related("article").get(pk=comment.pk)
    if comment.status != Status.UNCONFIRMED:
        raise NotAllowed(_("This comment has already been confirmed."), status=410)
    decision = moderation.decide_status(comment, discussion=discussion)
    if decision.status != Status.SPAM and not moderation.comments_open(
        comment.article, discussion=discussion
    ):
        raise moderation.CommentsClosed
    if not Comment.objects.filter(pk=comment.pk, status=Status.UNCONFIRMED).update(
        status=decision.status, held_reason=decision.reason, held_detail=decision.detail
    ):
        raise NotAllowed(_("This comment has already been confirmed."), status=410)
    decision.apply(comment)
    pagecache.touch_article(comment.article_id)
    _record(comment, Action.CONFIRMED, via=Via.COMMENTER)
    _announce(comment, discussion)
    return comment


@transaction.atomic
def edit_comment_text(*, comment: Comment, body: str, by) -> Comment:
    """Change a comment's text, keeping what it said before."""
    previous = Comment.objects.only("body").get(pk=comment.pk).body
    if previous == body:
        return comment
    CommentEdit.objects.create(comment=comment, previous_body=previous, edited_by=by)
    comment.body = body
    comment.edited_at = timezone.now()
    comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def reply_as_staff(*, comment: Comment, body: str, by) -> Comment:
    """Approve a comment and publish the newsroom's answer under it."""
    if not comment.is_public:
        approve_comment(comment=comment, by=by)
    discussion = DiscussionSettings.load()
    reply = Comment(
        article=comment.article,
        parent=comment,
        depth=min(comment.depth + 1, discussion.max_depth),
        author_name=by.get_full_name() or by.get_username(),
        author_email=by.email or "newsroom@localhost",
        body=body,
        status=Status.APPROVED,
        user=by,
        is_staff_reply=True,
        moderated_by=by,
        moderated_at=timezone.now(),
    )
    if comment.depth >= discussion.max_depth and comment.parent_id:
        reply.parent_id = comment.parent_id
        reply.depth = comment.depth
    reply.full_clean(exclude=["article", "parent", "user"])
    reply.save()
    _enqueue(tasks.notify_reply, reply.pk)
    return reply


def report_comment(*, comment: Comment) -> Comment:
    """One more reader report; enough of them send a published comment back to the queue."""
    discussion = DiscussionSettings.load()
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(flag_count=F("flag_count") + 1)
        held = Comment.objects.filter(
            pk=comment.pk,
            status=Status.APPROVED,
            flag_count__gte=discussion.flags_before_remoderation,
        ).update(status=Status.PENDING, held_reason=Comment.HeldReason.REPORTS, held_detail="")
        if held:
            # update() sends no signal; the thread on the cached page must lose it.
            pagecache.touch_article(comment.article_id)
    comment.refresh_from_db(fields=["flag_count", "status", "held_reason", "held_detail"])
    return comment
