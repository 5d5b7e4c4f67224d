"""A commenter's data on request (export, erase) and the retention purge."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from comments import links, privacy
from comments.models import Comment, CommentEdit, ModerationEvent, SpentLink
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db

ADDRESS = "Marta.Lind@example.org"


def run(*args):
    out = io.StringIO()
    call_command("comments_privacy", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def marta(article):
    """Three comments by one commenter (one waiting, one replied to), and someone else's."""
    first = CommentFactory(
        article=article,
        author_name="Marta",
        author_email=ADDRESS,
        author_url="https://marta.example",
        user_agent="Firefox",
        body="The quays flood every spring.",
        notify_replies=True,
    )
    CommentEdit.objects.create(comment=first, previous_body="The quays flood.")
    reply = CommentFactory(article=article, parent=first, depth=2, body="Not every spring.")
    waiting = CommentFactory(
        article=ArticleFactory(),
        pending=True,
        author_name="Marta",
        author_email=ADDRESS.lower(),
        body="Still waiting words.",
    )
    answer = CommentFactory(
        article=article, parent=reply, depth=3, author_name="Marta", author_email=ADDRESS
    )
    return {"first": first, "reply": reply, "waiting": waiting, "answer": answer}


def test_export_gives_everything_stored_about_the_commenter(marta):
    data = json.loads(run("export", "--email", "marta.lind@EXAMPLE.org"))
    assert [c["id"] for c in data["comments"]] == [
        marta[k].pk for k in ("first", "waiting", "answer")
    ]
    first = data["comments"][0]
    assert first["email"] == ADDRESS and first["ip_address"] == "203.0.113.7"
    assert first["browser"] == "Firefox" and first["website"] == "https://marta.example"
    assert first["earlier_versions"][0]["text"] == "The quays flood."
    assert "Not every spring." not in json.dumps(data)  # someone else's words


def test_export_can_write_a_file(marta, tmp_path):
    target = tmp_path / "marta.json"
    assert "Wrote" in run("export", "--email", ADDRESS, "--output", str(target))
    assert len(json.loads(target.read_text())["comments"]) == 3


@pytest.mark.parametrize("action", ["export", "erase"])
def test_an_unknown_address_is_told_clearly(marta, action):
    with pytest.raises(CommandError, match="No comments were posted with the email address"):
        run(action, "--email", "nobody@example.org")
    assert Comment.objects.filter(author_email__iexact=ADDRESS).count() == 3


def test_erase_removes_the_person_and_keeps_the_threads_shape(client, article, marta):
    manage = links.url(links.MANAGE, links.manage_token(marta["first"]))
    assert "from 3 comment(s)" in run("erase", "--email", ADDRESS)
    first, waiting, answer, reply = (
        Comment.objects.get(pk=marta[k].pk) for k in ("first", "waiting", "answer", "reply")
    )
    for comment in (first, waiting, answer):
        assert comment.author_name == "Anonymous"
        assert (comment.author_email, comment.author_url, comment.user_agent) == ("", "", "")
        assert comment.ip_address is None and comment.notify_replies is False
        assert comment.events.get().action == ModerationEvent.Action.ERASED
    assert first.body == "The quays flood every spring."  # published text stays
    assert waiting.body == privacy.ERASED_TEXT and waiting.status == "removed"
    assert not CommentEdit.objects.exists()
    assert (reply.parent_id, answer.parent_id) == (first.pk, reply.pk)
    assert reply.author_email  # someone else's
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Anonymous" in html and "Marta" not in html
    assert client.get(manage.split("8000")[1]).status_code == 410


def test_erase_can_remove_published_text_too(marta, settings):
    settings.COMMENTS_ERASE_TEXT = True
    run("erase", "--email", ADDRESS)
    assert Comment.objects.get(pk=marta["first"].pk).body == privacy.ERASED_TEXT


# Retention ----------------------------------------------------------------------------------


def aged(days, **fields):
    comment = CommentFactory(**fields)
    when = timezone.now() - datetime.timedelta(days=days)
    Comment.objects.filter(pk=comment.pk).update(created_at=when)
    return comment


def test_purge_applies_each_retention_rule_and_nothing_more(article):
    old = aged(31, article=article, user_agent="Old browser")
    recent = aged(29, article=article, user_agent="New browser")
    old_spam = aged(40, article=article, status="spam")
    fresh_removal = aged(40, article=article, status="removed")
    Comment.objects.filter(pk=fresh_removal.pk).update(moderated_at=timezone.now())
    old_withdrawal = aged(40, article=article, status="withdrawn")
    Comment.objects.filter(pk=old_withdrawal.pk).update(
        moderated_at=timezone.now() - datetime.timedelta(days=31)
    )
    reply = aged(35, article=article, parent=old_spam, depth=2)
    stale = aged(8, article=article, status="unconfirmed")
    young = aged(6, article=article, status="unconfirmed")
    link = SpentLink.objects.create(nonce="n1", purpose="moderate")
    SpentLink.objects.filter(pk=link.pk).update(
        used_at=timezone.now() - datetime.timedelta(days=400)
    )

    report = privacy.purge()
    assert (report.rejected_deleted, report.unconfirmed_deleted, report.links_forgotten) == (
        2,
        1,
        1,
    )
    remaining = set(Comment.objects.values_list("pk", flat=True))
    assert {old_spam.pk, old_withdrawal.pk, stale.pk}.isdisjoint(remaining)
    assert {old.pk, recent.pk, fresh_removal.pk, reply.pk, young.pk} <= remaining
    old.refresh_from_db()
    recent.refresh_from_db()
    reply.refresh_from_db()
    assert (old.ip_address, old.user_agent) == (None, "")
    assert (recent.ip_address, recent.user_agent) == ("203.0.113.7", "New browser")
    assert reply.parent_id is None and reply.ip_address is None  # kept, at the top level

    again = privacy.purge()
    assert (again.ip_cleared, again.rejected_deleted, again.unconfirmed_deleted) == (0, 0, 0)


def test_purge_works_in_batches(article):
    for _ in range(7):
        aged(45, article=article, status="spam")
    for _ in range(5):
        aged(45, article=article)
    report = privacy.purge(batch_size=2)
    assert (report.rejected_deleted, report.ip_cleared) == (7, 12)
    assert Comment.objects.count() == 5
    assert not Comment.objects.filter(ip_address__isnull=False).exists()


def test_the_purge_command_reports_what_it_did(article):
    aged(45, article=article, status="spam")
    out = run("purge")
    assert "spam, removed and withdrawn comments deleted: 1" in out
    assert "deleted: 0" in run("purge")


POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the large purge runs in the PostgreSQL pass"
)


@pytest.mark.slow
@POSTGRES
def test_purge_on_a_hundred_thousand_comments(article):
    """Correct and complete on a realistic table; its speed is measured in bench/privacy.py."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO comments_comment (article_id, depth, author_name, author_email,
                author_url, body, body_html, status, created_at, ip_address, user_agent,
                notify_replies, flag_count, is_staff_reply)
            SELECT %s, 1, 'Reader ' || n, 'reader' || (n %% 5000) || '@example.org', '',
                'Comment number ' || n, '',
                CASE WHEN n %% 10 = 0 THEN 'spam' WHEN n %% 25 = 1 THEN 'unconfirmed'
                     ELSE 'approved' END,
                now() - (n %% 60) * interval '1 day', '198.51.100.1', 'Bench browser',
                false, 0, false
            FROM generate_series(1, 100000) AS n
            """,
            [article.pk],
        )
    old = Comment.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=30))
    expect_spam = old.filter(status="spam").count()
    expect_unconfirmed = Comment.objects.filter(
        status="unconfirmed", created_at__lt=timezone.now() - datetime.timedelta(days=7)
    ).count()
    report = privacy.purge()
    assert report.rejected_deleted == expect_spam > 4000
    assert report.unconfirmed_deleted == expect_unconfirmed > 3000
    assert not old.filter(ip_address__isnull=False).exists()
    assert not old.filter(status="spam").exists()
    assert Comment.objects.filter(status="spam").count() > 4000  # the recent ones stay
    again = privacy.purge()
    assert (again.ip_cleared, again.rejected_deleted, again.unconfirmed_deleted) == (0, 0, 0)


# The admin's actions --------------------------------------------------------------------------

CHANGELIST = "/admin/comments/comment/?status=all"


def test_the_admin_exports_the_commenters_of_the_selected_comments(client, moderator, marta):
    client.force_login(moderator)
    response = client.post(
        CHANGELIST, {"action": "export_data", "_selected_action": [marta["first"].pk]}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith('attachment; filename="commenters-')
    (person,) = json.loads(response.content)["commenters"]
    assert len(person["comments"]) == 3


def test_the_admin_erases_after_a_confirmation_page(client, moderator, marta):
    client.force_login(moderator)
    selected = {"action": "erase_data", "_selected_action": [marta["waiting"].pk]}
    page = client.post(CHANGELIST, selected)
    assert page.status_code == 200
    html = page.content.decode()
    assert "marta.lind@example.org" in html and "all of their 3 comments" in html
    assert Comment.objects.filter(author_email__iexact=ADDRESS).count() == 3

    response = client.post(CHANGELIST, {**selected, "confirm": "yes"})
    assert response.status_code == 302
    assert not Comment.objects.filter(author_email__iexact=ADDRESS).exists()
    event = ModerationEvent.objects.filter(action="erased").first()
    assert (event.via, event.by) == ("admin", moderator)


def test_people_without_the_data_permission_get_neither_action(client, marta, writer, editor):
    from django.contrib.auth.models import Permission

    editor.groups.first().permissions.remove(
        Permission.objects.get(codename="manage_commenter_data")
    )
    client.force_login(editor)
    html = client.get(CHANGELIST).content.decode()
    assert 'value="export_data"' not in html and 'value="erase_data"' not in html
    response = client.post(
        CHANGELIST,
        {"action": "erase_data", "_selected_action": [marta["first"].pk], "confirm": "yes"},
    )
    assert Comment.objects.filter(author_email__iexact=ADDRESS).count() == 3
    assert response.status_code in (200, 302)


def test_a_reason_picked_in_the_admin_is_kept_in_the_history(client, moderator, article):
    comment = CommentFactory(article=article, pending=True)
    client.force_login(moderator)
    client.post(
        CHANGELIST,
        {"action": "remove", "_selected_action": [comment.pk], "reason": "legal"},
    )
    event = comment.events.get()
    assert (event.action, event.reason, event.via) == ("removed", "legal", "admin")
    page = client.get(f"/admin/comments/comment/{comment.pk}/change/").content.decode()
    assert "Moderation history" in page and "It could break the law" in page
