import datetime

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles.models import Article

register = template.Library()

DASHBOARD_ITEMS = 8
SCHEDULE_DAYS = 7


@register.simple_tag
def editorial_dashboard(user):
    """The admin home page's panels: what waits for review, goes live soon, is mine, is new."""
    if not user.has_perm("articles.view_article"):
        return []
    now = timezone.now()
    articles = Article.objects.select_related("section", "modified_by").only(
        "headline", "published_at", "modified", "section__name", "modified_by__username",
        "modified_by__first_name", "modified_by__last_name",
    )  # fmt: skip
    Status = Article.Status
    return [
        {
            "title": _("In review"),
            "empty": _("Nothing waiting for review."),
            "when": "modified",
            "articles": list(
                articles.filter(status=Status.IN_REVIEW).order_by("modified")[:DASHBOARD_ITEMS]
            ),
        },
        {
            "title": _("Scheduled, next %(days)d days") % {"days": SCHEDULE_DAYS},
            "empty": _("Nothing scheduled."),
            "when": "scheduled",
            "articles": list(
                articles.filter(
                    status=Status.PUBLISHED,
                    published_at__gt=now,
                    published_at__lte=now + datetime.timedelta(days=SCHEDULE_DAYS),
                ).order_by("published_at")[:DASHBOARD_ITEMS]
            ),
        },
        {
            "title": _("My drafts"),
            "empty": _("No drafts of yours."),
            "when": "modified",
            "articles": list(
                articles.filter(status=Status.DRAFT, created_by=user).order_by("-modified")[
                    :DASHBOARD_ITEMS
                ]
            ),
        },
        {
            "title": _("Recently published"),
            "empty": _("Nothing published yet."),
            "when": "published",
            "articles": list(articles.public(at=now).order_by("-published_at")[:DASHBOARD_ITEMS]),
        },
    ]
