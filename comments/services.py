"""Writes that touch several things: the comment, its history, and notifications."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from newsroom import pagecache

from . import moderation, tasks
from .models import Comment, CommentEdit, DiscussionSettings

Status = Comment.Status


def _enqueue(task, comment_id):
    transaction.on_commit(lambda: task.enqueue(comment_id))


@transaction.atomic
def post_comment(*, comment: Comment, discussion: DiscussionSettings, user=None, request=None):
    """Decide a new comment's status and save it (raises moderation.CommentsClosed)."""
    if comment.parent is not None:
        # Replies deeper than the settings allow join the thread at the deepest level.
        while comment.parent.depth >= discussion.max_depth and comment.parent.parent_id:
            comment.parent = Comment.objects.only("pk", "depth", "parent_id").get(
                pk=comment.parent.parent_id
            )
        comment.depth = comment.parent.depth + 1
    if user is not None and user.is_authenticated:
        comment.user = user
    comment.status = moderation.decide_status(
        comment, discussion=discussion, user=user, request=request
    )
    comment.full_clean(exclude=["article", "parent", "user"])
    comment.save()
    if comment.status == Status.PENDING and discussion.notify_moderators:
        _enqueue(tasks.notify_moderators, comment.pk)
    if comment.status == Status.APPROVED and comment.parent_id:
        _enqueue(tasks.notify_reply, comment.pk)
    return comment


def _moderate(comment: Comment, status: str, by) -> Comment:
    was_public = comment.is_public
    comment.status = status
    comment.moderated_by = by
    comment.moderated_at = timezone.now()
    if status == Status.APPROVED:
        comment.flag_count = 0
    comment.save(update_fields=["status", "moderated_by", "moderated_at", "flag_count"])
    if status == Status.APPROVED and not was_public and comment.parent_id:
        _enqueue(tasks.notify_reply, comment.pk)
    return comment


@transaction.atomic
def approve_comment(*, comment: Comment, by) -> Comment:
    return _moderate(comment, Status.APPROVED, by)


@transaction.atomic
def mark_spam(*, comment: Comment, by) -> Comment:
    return _moderate(comment, Status.SPAM, by)


@transaction.atomic
def remove_comment(*, comment: Comment, by) -> Comment:
    return _moderate(comment, Status.REMOVED, by)


@transaction.atomic
def restore_comment(*, comment: Comment, by) -> Comment:
    """Back to the queue, for a moderator to look at again."""
    return _moderate(comment, Status.PENDING, by)


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
        ).update(status=Status.PENDING)
        if held:
            # update() sends no signal; the thread on the cached page must lose it.
            pagecache.touch_article(comment.article_id)
    comment.refresh_from_db(fields=["flag_count", "status"])
    return comment
