"""Writers and the publishing editor hear when a story goes live and when it expires, once."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.tasks import default_task_backend
from django.utils import timezone

from articles import notifications, services
from articles.models import Article, PublicationNotice
from tests.articles.test_workflow import press
from tests.factories import ArticleFactory, AuthorFactory, UserFactory

pytestmark = pytest.mark.django_db
S = Article.Status


@pytest.fixture
def reporter(db):
    """A bylined writer whose author profile is linked to an account with an email."""
    return UserFactory(username="lena", email="lena@example.com", is_staff=True)


def story(reporter, **fields):
    article = ArticleFactory(draft=True, status=S.IN_REVIEW, **fields)
    article.bylines.create(author=AuthorFactory(user=reporter), position=0)
    # An agency byline has no account: nobody to mail.
    article.bylines.create(author=AuthorFactory(name="Wire Service"), position=1)
    return article


def run_command():
    call_command("notify_published", stdout=open("/dev/null", "w"))  # noqa: SIM115


def test_a_scheduled_story_is_announced_once_when_it_goes_live(
    reporter, editor, django_capture_on_commit_callbacks
):
    article = story(reporter)
    due = timezone.now() + datetime.timedelta(hours=3)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_article(article=article, by=editor, at=due)
    mail.outbox.clear()  # the "Scheduled:" note
    run_command()
    assert mail.outbox == []  # not live yet
    with time_machine.travel(due + datetime.timedelta(minutes=1)):
        run_command()
        run_command()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == f"Published: {article.headline}"
    assert sorted(message.to) == ["editor@example.com", "lena@example.com"]
    assert "went live at" in message.body and "published by Editor" in message.body


def test_a_story_published_now_is_announced_by_the_publish_action(
    client, reporter, editor, django_capture_on_commit_callbacks
):
    """The editor who pressed the button is not told; the bylined writer is, and only once."""
    article = story(reporter)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        press(client, article, "publish")
    assert [m.to for m in mail.outbox] == [["lena@example.com"]]
    assert mail.outbox[0].subject.startswith("Published:")
    run_command()
    assert len(mail.outbox) == 1


def test_an_expired_story_is_announced_once(reporter, editor, django_capture_on_commit_callbacks):
    article = story(reporter)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_article(article=article, by=editor)
    ends = timezone.now() + datetime.timedelta(hours=1)
    Article.objects.filter(pk=article.pk).update(expires_at=ends)
    mail.outbox.clear()
    with time_machine.travel(ends + datetime.timedelta(minutes=5)):
        run_command()
        run_command()
    assert [m.subject for m in mail.outbox] == [f"Expired: {article.headline}"]
    assert "no longer shown to readers" in mail.outbox[0].body
    assert sorted(mail.outbox[0].to) == ["editor@example.com", "lena@example.com"]


def test_a_rescheduled_story_is_announced_at_its_new_time_only(
    reporter, editor, django_capture_on_commit_callbacks
):
    article = story(reporter)
    first = timezone.now() + datetime.timedelta(hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_article(article=article, by=editor, at=first)
    later = first + datetime.timedelta(hours=5)
    Article.objects.filter(pk=article.pk).update(published_at=later)
    mail.outbox.clear()
    with time_machine.travel(first + datetime.timedelta(minutes=1)):
        # The deferred task for the old time finds the story moved and sends nothing.
        assert notifications.announce(article_id=article.pk, kind="live", due_at=first) == 0
        run_command()
    assert mail.outbox == []
    with time_machine.travel(later + datetime.timedelta(minutes=1)):
        run_command()
    assert len(mail.outbox) == 1


def test_stories_published_long_ago_are_not_announced(reporter):
    """A newsroom that starts running the command is not mailed its whole archive."""
    article = story(reporter)
    Article.objects.filter(pk=article.pk).update(
        status=S.PUBLISHED, published_at=timezone.now() - datetime.timedelta(days=30)
    )
    run_command()
    assert mail.outbox == []
    assert not PublicationNotice.objects.exists()


def test_a_backend_that_can_defer_gets_tasks_for_the_go_live_and_expiry_times(
    settings, reporter, editor, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}
    article = story(reporter)
    due = timezone.now() + datetime.timedelta(hours=2)
    Article.objects.filter(pk=article.pk).update(expires_at=due + datetime.timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_article(article=article, by=editor, at=due)
    deferred = [r for r in default_task_backend.results if r.task.name == "send_publication_notice"]
    assert sorted((r.kwargs["kind"], r.task.run_after) for r in deferred) == [
        ("expired", due + datetime.timedelta(days=1)),
        ("live", due),
    ]
    # Run on time by the worker, the task sends the mail.
    live = next(r for r in deferred if r.kwargs["kind"] == "live")
    with time_machine.travel(due + datetime.timedelta(seconds=1)):
        assert notifications.send_publication_notice.call(**live.kwargs) == 1
    assert sorted(mail.outbox[-1].to) == ["editor@example.com", "lena@example.com"]


def test_the_command_refuses_a_window_below_one_hour(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="at least 1"):
        call_command("notify_published", "--within-hours", "0")
