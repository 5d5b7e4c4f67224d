from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.tasks import task

from .models import Comment


@task
def notify_moderators(comment_id: int):
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    if comment is None or comment.status != Comment.Status.PENDING:
        return
    moderators = (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__codename="moderate_comment")
            | Q(groups__permissions__codename="moderate_comment")
        )
        .exclude(email="")
        .values_list("email", flat=True)
        .distinct()
    )
    if moderators:
        send_mail(
            f"Comment awaiting moderation on “{comment.article.headline}”",
            f"{comment.author_name} wrote:\n\n{comment.body}\n",
            None,
            list(moderators),
        )


@task
def notify_reply(comment_id: int):
    """Tell the author of the comment replied to, when they asked to be told."""
    reply = Comment.objects.select_related("article", "parent").filter(pk=comment_id).first()
    if reply is None or reply.status != Comment.Status.APPROVED or reply.parent is None:
        return
    parent = reply.parent
    if not parent.notify_replies or parent.author_email.lower() == reply.author_email.lower():
        return
    send_mail(
        f"{reply.author_name} replied to your comment on “{reply.article.headline}”",
        f"{reply.body}\n",
        None,
        [parent.author_email],
    )
