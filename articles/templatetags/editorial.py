import datetime

from django import template
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from articles import workflow
from articles.dashboard import Panel, capped, panel_builders
from articles.models import Article, Byline, Correction, Transition

register = template.Library()

DASHBOARD_ITEMS = 8
SCHEDULE_DAYS = 7
Status = Article.Status


def _articles():
    return Article.objects.select_related("section", "modified_by").only(
        "headline", "status", "published_at", "modified", "section__name",
        "modified_by__username", "modified_by__first_name", "modified_by__last_name",
    )  # fmt: skip


def _last_transition(field):
    return Subquery(
        Transition.objects.filter(article=OuterRef("pk")).order_by("-at", "-pk").values(field)[:1]
    )


def writer_panels(user):
    """My drafts, and the stories an editor sent back to me with their note (one query)."""
    mine = Q(created_by=user) | Exists(
        Byline.objects.filter(article=OuterRef("pk"), author__user=user)
    )
    drafts = list(
        _articles()
        .filter(mine, status=Status.DRAFT)
        .annotate(
            last_from=_last_transition("from_status"),
            return_note=_last_transition("note"),
            returned_at=_last_transition("at"),
            returned_by=_last_transition("user__first_name"),
            returned_by_username=_last_transition("user__username"),
        )
        .order_by("-modified")[: DASHBOARD_ITEMS * 2 + 1]
    )
    returned = [a for a in drafts if a.last_from == Status.IN_REVIEW]
    returned_items, returned_count = capped(returned, DASHBOARD_ITEMS)
    draft_items, draft_count = capped(
        [a for a in drafts if a.last_from != Status.IN_REVIEW], DASHBOARD_ITEMS
    )
    return [
        Panel(
            title=_("Returned to me"),
            template="admin/dashboard/returned.html",
            items=returned_items,
            count=returned_count,
            empty=_("Nothing sent back to you."),
        ),
        Panel(
            title=_("My drafts"),
            template="admin/dashboard/articles.html",
            items=draft_items,
            count=draft_count,
            empty=_("No drafts of yours."),
            extra={"when": "modified"},
        ),
    ]


def editor_panels(now):
    """The review queue, today's schedule, what just went out, the latest corrections."""
    review, review_count = capped(
        _articles().filter(status=Status.IN_REVIEW).order_by("modified")[: DASHBOARD_ITEMS + 1],
        DASHBOARD_ITEMS,
    )
    today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = today + datetime.timedelta(days=1)
    schedule = list(
        _articles()
        .filter(
            status=Status.PUBLISHED,
            published_at__gte=today,
            published_at__lt=now + datetime.timedelta(days=SCHEDULE_DAYS),
        )
        .order_by("published_at")[: DASHBOARD_ITEMS * 2]
    )
    for article in schedule:
        article.is_today = article.published_at < tomorrow
        article.is_live = article.published_at <= now
    published, _count = capped(
        _articles().public(at=now).order_by("-published_at")[:DASHBOARD_ITEMS], DASHBOARD_ITEMS
    )
    # A correction is written and shown at once: none waits for anyone, so the panel lists
    # the latest ones for a second look.
    corrections = list(
        Correction.objects.select_related("article")
        .only("kind", "text", "created_at", "article__headline")
        .order_by("-created_at", "-pk")[:DASHBOARD_ITEMS]
    )
    return [
        Panel(
            title=_("In review"),
            template="admin/dashboard/articles.html",
            items=review,
            count=review_count,
            empty=_("Nothing waiting for review."),
            extra={"when": "modified"},
        ),
        Panel(
            title=_("Today's schedule"),
            template="admin/dashboard/schedule.html",
            items=schedule,
            count=sum(1 for a in schedule if a.is_today),
            empty=_("Nothing published or scheduled today."),
            extra={"later": [a for a in schedule if not a.is_today][:DASHBOARD_ITEMS]},
        ),
        Panel(
            title=_("Recently published"),
            template="admin/dashboard/articles.html",
            items=published,
            empty=_("Nothing published yet."),
            extra={"when": "published"},
        ),
        Panel(
            title=_("Recent corrections"),
            template="admin/dashboard/corrections.html",
            items=corrections,
            empty=_("No corrections yet."),
        ),
    ]


@register.simple_tag
def editorial_dashboard(user):
    """The admin home page's panels for this user: their role's work first, then the rest.

    Writers (who add articles) see their drafts and what was returned to them; editors
    (who publish) the review queue, the schedule, what went out and the corrections; other
    apps add theirs (comments: the moderation desk).
    """
    now = timezone.now()
    panels = []
    if user.has_perm(workflow.PUBLISH):
        panels += editor_panels(now)
    if user.has_perm("articles.add_article"):
        panels += writer_panels(user)
    for builder in panel_builders:
        panels += builder(user)
    return panels
