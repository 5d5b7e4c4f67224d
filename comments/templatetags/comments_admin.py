from django import template
from django.urls import reverse

from comments.models import Comment

register = template.Library()


@register.inclusion_tag("admin/comments/pending_panel.html")
def pending_comments_panel(user):
    """The moderation queue's size and oldest entries, for the admin's front page."""
    if not user.has_perm("comments.moderate_comment"):
        return {"show": False}
    pending = Comment.objects.filter(status=Comment.Status.PENDING)
    return {
        "show": True,
        "count": pending.count(),
        "oldest": pending.select_related("article").order_by("created_at")[:5],
        "queue_url": reverse("admin:comments_comment_changelist") + "?status=pending",
    }
