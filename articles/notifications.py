"""Mail about the editorial workflow, sent through the tasks framework.

Development and tests run tasks at once (ImmediateBackend); production queues them in the
database (django-tasks-db) for `manage.py db_worker`, so a slow mail server never holds up
an editor's click.

Going live and expiring. The bylined writers (authors linked to an account with an email
address), the article's creator and the editor who published or scheduled it are mailed
when a story goes live and when it expires. A story published now is announced at once,
by the publish action. A scheduled story goes live by itself, with no request to notice
it, so its mail is sent by one of two means, whichever comes first:
  - a task deferred to the story's time (`run_after`), enqueued when it is scheduled, on a
    task backend that can defer (django-tasks-db: `manage.py db_worker` runs it on time);
  - `manage.py notify_published`, run every few minutes by cron (or a systemd timer, or
    after `db_worker --batch`), which sends whatever is due and was not sent, including
    expiry times set in the article form rather than by a workflow button.
Each mail is claimed in PublicationNotice before it is sent, so it goes out once.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.tasks import task
from django.urls import reverse
from django.utils import timezone

from .models import Article, Byline, PublicationNotice, Transition

logger = logging.getLogger(__name__)
Kind = PublicationNotice.Kind


def editors():
    """Active users who may publish: those who need to hear about articles in review."""
    permission = Permission.objects.get(
        content_type__app_label="articles", codename="publish_article"
    )
    return (
        get_user_model()
        .objects.filter(
            Q(is_superuser=True)
            | Q(groups__permissions=permission)
            | Q(user_permissions=permission),
            is_active=True,
        )
        .exclude(email="")
        .distinct()
    )


def admin_url(article):
    return settings.SITE_URL + reverse("admin:articles_article_change", args=[article.pk])


def transition_made(transition_id):
    """Enqueue the mail a transition calls for (called once the transition is committed)."""
    send_transition_mail.enqueue(transition_id=transition_id)
    transition = Transition.objects.select_related("article").filter(pk=transition_id).first()
    if transition is not None and transition.to_status == Article.Status.PUBLISHED:
        defer_notices(transition.article)


def defer_notices(article):
    """Ask the task worker to announce the story at its go-live and expiry times."""
    backend = send_publication_notice.get_backend()
    if not backend.supports_defer:
        # The immediate backend would send them now: notify_published sends them on time.
        return
    now = timezone.now()
    for kind, due in ((Kind.LIVE, article.published_at), (Kind.EXPIRED, article.expires_at)):
        if due is not None and due > now:
            send_publication_notice.using(run_after=due).enqueue(
                article_id=article.pk, kind=kind, due_at=due.isoformat()
            )


@task
def send_transition_mail(*, transition_id):
    transition = (
        Transition.objects.select_related("article", "article__created_by", "user")
        .filter(pk=transition_id)
        .first()
    )
    if transition is None:
        return 0
    article = transition.article
    actor = (transition.user.get_full_name() or transition.user.username) if transition.user else ""
    writer = article.created_by
    if transition.to_status == Article.Status.IN_REVIEW:
        recipients = [user.email for user in editors() if user != transition.user]
        subject = f"For review: {article.headline}"
        body = f"{actor} submitted “{article.headline}” for review.\n\n{admin_url(article)}\n"
    elif transition.from_status == Article.Status.IN_REVIEW and (
        transition.to_status == Article.Status.DRAFT
    ):
        recipients = [writer.email] if writer and writer.email else []
        subject = f"Returned to you: {article.headline}"
        body = (
            f"{actor} returned “{article.headline}” to you with this note:\n\n"
            f"{transition.note}\n\n{admin_url(article)}\n"
        )
    elif transition.to_status == Article.Status.PUBLISHED:
        if not (article.published_at and article.published_at > transition.at):
            # Live now: the go-live mail, to everyone it concerns, once.
            # The editor who pressed the button knows; the others are told.
            return announce(
                article_id=article.pk,
                kind=Kind.LIVE,
                due_at=article.published_at,
                tell_publisher=False,
            )
        recipients = [writer.email] if writer and writer.email else []
        subject = f"Scheduled: {article.headline}"
        body = f"{actor} scheduled “{article.headline}”. {transition.note}.\n\n"
        body += settings.SITE_URL + article.get_absolute_url() + "\n"
    else:
        return 0
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    return send_mail(subject, body, None, recipients)


# Going live and expiring ------------------------------------------------------------------


def publisher(article):
    """Who last published or scheduled the article."""
    last = (
        Transition.objects.filter(article=article, to_status=Article.Status.PUBLISHED)
        .select_related("user")
        .order_by("-at", "-pk")
        .first()
    )
    return last.user if last else None


def concerned(article, by=None) -> list[str]:
    """The addresses to tell: bylined writers with an account, the creator, the publisher."""
    bylined = Byline.objects.filter(article=article, author__user__isnull=False).values_list(
        "author__user__email", flat=True
    )
    people = [*bylined]
    for user in (article.created_by, by):
        if user is not None and user.is_active:
            people.append(user.email)
    return list(dict.fromkeys(address for address in people if address))


def is_due(article, kind, due_at, now) -> bool:
    """Whether the article still goes live (or expires) at due_at, and that time has come."""
    if article.status != Article.Status.PUBLISHED or due_at > now:
        return False
    if kind == Kind.LIVE:
        return article.published_at == due_at
    return article.expires_at == due_at


def announce(*, article_id, kind, due_at, now=None, tell_publisher=True) -> int:
    """Send the go-live or expiry mail for due_at once, if it is still right to send it."""
    now = now or timezone.now()
    article = Article.objects.select_related("created_by").filter(pk=article_id).first()
    if article is None or not is_due(article, kind, due_at, now):
        return 0
    try:
        with transaction.atomic():
            notice = PublicationNotice.objects.create(article=article, kind=kind, due_at=due_at)
    except IntegrityError:
        return 0  # sent already
    by = publisher(article)
    recipients = concerned(article, by if tell_publisher else None)
    if not tell_publisher and by is not None and by.email in recipients:
        recipients.remove(by.email)
    if not recipients:
        return 0
    when = timezone.localtime(due_at).strftime("%d %b %Y %H:%M %Z")
    url = settings.SITE_URL + article.get_absolute_url()
    if kind == Kind.LIVE:
        subject = f"Published: {article.headline}"
        body = f"“{article.headline}” went live at {when}"
    else:
        subject = f"Expired: {article.headline}"
        body = f"“{article.headline}” expired at {when} and is no longer shown to readers"
    if by is not None:
        body += f" (published by {by.get_full_name() or by.username})"
    body += f".\n\n{url}\n\n{admin_url(article)}\n"
    try:
        return send_mail(subject, body, None, recipients)
    except Exception:
        # Not sent: give the claim back, so that the next run tries again.
        notice.delete()
        raise


@task
def send_publication_notice(*, article_id, kind, due_at):
    return announce(
        article_id=article_id, kind=kind, due_at=datetime.datetime.fromisoformat(due_at)
    )


def due_notices(*, now=None, within=datetime.timedelta(days=2)):
    """(article id, kind, time) of every go-live and expiry mail due and not yet sent.

    Only times within `within` of now: a newsroom that starts running this does not mail
    about every story it ever published.
    """
    now = now or timezone.now()
    published = Article.objects.filter(status=Article.Status.PUBLISHED)
    due = []
    for kind, field in ((Kind.LIVE, "published_at"), (Kind.EXPIRED, "expires_at")):
        sent = PublicationNotice.objects.filter(
            article=OuterRef("pk"), kind=kind, due_at=OuterRef(field)
        )
        rows = (
            published.filter(**{f"{field}__lte": now, f"{field}__gt": now - within})
            .exclude(Exists(sent))
            .order_by(field)
            .values_list("pk", field)
        )
        due += [(pk, kind, at) for pk, at in rows]
    return due


def send_due_notices(*, now=None, within=datetime.timedelta(days=2)) -> int:
    """Send every go-live and expiry mail that is due; the number of mails sent."""
    now = now or timezone.now()
    sent = 0
    for article_id, kind, due_at in due_notices(now=now, within=within):
        try:
            sent += announce(article_id=article_id, kind=kind, due_at=due_at, now=now)
        except Exception:
            logger.exception("Could not send the %s mail of article %s.", kind, article_id)
    return sent
