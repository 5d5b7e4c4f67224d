"""The moderation desk on the admin's home page.

moderation_panels() is added to the articles dashboard by comments/admin.py (a hook, so
articles never names comments); the tag renders the same panel on any other admin page.
"""

from django import template
from django.db.models import Count, Min
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.dashboard import Panel
from comments.models import Comment

register = template.Library()

OLDEST_SHOWN = 5
REPORTED_SHOWN = 5


def moderation_panels(user):
    """Pending count, how long the oldest has waited, and the comments readers reported.

    Three queries, whatever the size of the queue.
    """
    if not user.has_perm("comments.moderate_comment"):
        return []
    pending = Comment.objects.pending()
    queue = pending.aggregate(count=Count("pk"), oldest=Min("created_at"))
    oldest = list(
        pending.select_related("article")
        .only(
            "body",
            "author_name",
            "created_at",
            "held_reason",
            "held_detail",
            "flag_count",
            "article__headline",
        )  # fmt: skip
        .order_by("created_at", "pk")[:OLDEST_SHOWN]
    )
    reported = list(
        Comment.objects.filter(
            flag_count__gt=0, status__in=[Comment.Status.PENDING, Comment.Status.APPROVED]
        )
        .select_related("article")
        .only("body", "author_name", "status", "flag_count", "created_at", "article__headline")
        .order_by("-flag_count", "created_at")[:REPORTED_SHOWN]
    )
    changelist = reverse("admin:comments_comment_changelist")
    return [
        Panel(
            title=_("Comments awaiting moderation"),
            template="admin/comments/dashboard_panel.html",
            items=oldest,
            count=queue["count"],
            empty=_("Nothing waiting."),
            extra={
                "oldest_at": queue["oldest"],
                "waited": timezone.now() - queue["oldest"] if queue["oldest"] else None,
                "reported": reported,
                "queue_url": changelist + "?status=pending",
            },
        )
    ]


@register.inclusion_tag("admin/comments/dashboard_panel.html")
def pending_comments_panel(user):
    """The moderation panel alone, for an admin page other than the home page."""
    panels = moderation_panels(user)
    return {"panel": panels[0] if panels else None}
