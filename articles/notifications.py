"""Mail about the editorial workflow, sent through the tasks framework.

Development and tests run tasks at once (ImmediateBackend); production queues them in the
database (django-tasks-db) for `manage.py db_worker`, so a slow mail server never holds up
an editor's click.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.tasks import task
from django.urls import reverse

from .models import Article, Transition


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
        recipients = [writer.email] if writer and writer.email else []
        if article.published_at and article.published_at > transition.at:
            subject = f"Scheduled: {article.headline}"
            body = f"{actor} scheduled “{article.headline}”. {transition.note}.\n\n"
        else:
            subject = f"Published: {article.headline}"
            body = f"{actor} published “{article.headline}”.\n\n"
        body += settings.SITE_URL + article.get_absolute_url() + "\n"
    else:
        return 0
    recipients = [address for address in recipients if address]
    if not recipients:
        return 0
    return send_mail(subject, body, None, recipients)
