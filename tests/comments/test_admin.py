"""The moderation queue: who may see it, what its actions do, and what they never do."""

import pytest
from django.urls import reverse

from comments.models import Comment, CommentEdit, DiscussionSettings
from tests.admin_forms import change_form_payload
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:comments_comment_changelist")


@pytest.mark.parametrize(
    ("who", "status"),
    [("writer", 403), ("editor", 200), ("moderator", 200), ("comment_editor", 200)],
)
def test_only_moderators_and_editors_open_the_comments_admin(client, request, who, status):
    user = request.getfixturevalue(who)
    CommentFactory(pending=True, author_email="secret@example.org", ip_address="192.0.2.44")
    client.force_login(user)
    response = client.get(CHANGELIST)
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "secret@example.org" in html and "192.0.2.44" in html


def test_the_queue_shows_pending_comments_first_with_their_count(client, moderator, article):
    CommentFactory(article=article, pending=True, body="Waiting words here.")
    CommentFactory(article=article, body="Published words here.")
    client.force_login(moderator)
    html = client.get(CHANGELIST).content.decode()
    assert "Comments: 1 awaiting moderation" in html
    assert "Waiting words here." in html
    assert "Published words here." not in html
    assert "Published words here." in client.get(CHANGELIST + "?status=all").content.decode()


@pytest.mark.parametrize(
    ("action", "start", "end"),
    [
        ("approve", "pending", "approved"),
        ("mark_as_spam", "pending", "spam"),
        ("remove", "approved", "removed"),
        ("restore", "removed", "pending"),
    ],
)
def test_bulk_actions_change_the_status_and_never_delete(client, moderator, action, start, end):
    comments = CommentFactory.create_batch(2, status=start)
    client.force_login(moderator)
    response = client.post(
        CHANGELIST + "?status=all",
        {"action": action, "_selected_action": [c.pk for c in comments]},
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 2
    for comment in comments:
        comment.refresh_from_db()
        assert comment.status == end
        assert comment.moderated_by == moderator


def test_a_moderator_cannot_delete_a_comment(client, moderator):
    comment = CommentFactory()
    client.force_login(moderator)
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_superuser_can_delete_a_comment(client):
    comment = CommentFactory()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    client.post(reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"})
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_editing_a_comment_keeps_its_earlier_text(client, moderator):
    comment = CommentFactory(body="Original words.")
    client.force_login(moderator)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = client.post(url, change_form_payload(client, url, body="Edited words."))
    assert response.status_code == 302, response.content.decode()[:2000]
    comment.refresh_from_db()
    assert comment.body == "Edited words." and comment.edited_at
    edit = CommentEdit.objects.get()
    assert (edit.previous_body, edit.edited_by) == ("Original words.", moderator)


def test_approve_and_reply_publishes_a_staff_reply(client, moderator, article):
    comment = CommentFactory(article=article, pending=True)
    client.force_login(moderator)
    url = reverse("admin:comments_comment_reply", args=[comment.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"body": "Thanks, we have corrected the figure."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == "approved"
    reply = Comment.objects.get(parent=comment)
    assert reply.is_staff_reply and reply.status == "approved" and reply.user == moderator
    assert "Newsroom staff" in client.get(article.get_absolute_url()).content.decode()


def test_a_moderator_approves_and_the_comment_appears_for_readers(client, moderator, article):
    comment = CommentFactory(article=article, pending=True, body="Now visible to all.")
    client.force_login(moderator)
    client.post(CHANGELIST, {"action": "approve", "_selected_action": [comment.pk]})
    client.logout()
    assert "Now visible to all." in client.get(article.get_absolute_url()).content.decode()


def test_the_discussion_settings_open_as_one_form(client, comment_editor):
    client.force_login(comment_editor)
    response = client.get(reverse("admin:comments_discussionsettings_changelist"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:comments_discussionsettings_change", args=[1])
    assert DiscussionSettings.objects.count() == 1


def test_a_writer_cannot_open_the_discussion_settings(client, writer):
    client.force_login(writer)
    assert client.get(reverse("admin:comments_discussionsettings_changelist")).status_code == 403


def test_the_migrations_give_both_groups_the_moderation_permissions(db):
    from django.contrib.auth.models import Group

    for name in ("Comment moderator", "Editor"):
        codenames = set(Group.objects.get(name=name).permissions.values_list("codename", flat=True))
        assert {"view_comment", "change_comment", "moderate_comment"} <= codenames
        assert {"view_discussionsettings", "change_discussionsettings"} <= codenames
    moderators = Group.objects.get(name="Comment moderator").permissions
    assert set(moderators.exclude(content_type__app_label="comments").values_list(
        "content_type__app_label", "codename")) == {("articles", "view_article")}  # fmt: skip


@pytest.mark.parametrize(
    ("who", "shown"), [("moderator", True), ("editor", True), ("writer", False)]
)
def test_the_admin_front_page_shows_the_moderation_queue_to_moderators(client, request, who, shown):
    CommentFactory.create_batch(2, pending=True)
    CommentFactory()
    client.force_login(request.getfixturevalue(who))
    html = client.get("/admin/").content.decode()
    assert ("Comments awaiting moderation" in html) is shown
    if shown:
        assert 'Comments awaiting moderation <span class="dashboard-count">2</span>' in html


def test_the_article_list_counts_each_articles_comments(client, editor):
    article = CommentFactory().article
    CommentFactory(article=article)
    CommentFactory(article=article, pending=True)
    client.force_login(editor)
    html = client.get("/admin/articles/article/").content.decode()
    queue = f"/admin/comments/comment/?article__id__exact={article.pk}&amp;status=pending"
    assert (
        f'<td class="field-comment_counts">2 <a class="pending-comments" href="{queue}">'
        "(1 waiting)</a></td>"
    ) in html


def test_the_queue_says_why_each_comment_waits_oldest_first(client, moderator, article):
    """Each held comment shows the rule that held it; the one waiting longest comes first."""
    import datetime

    from django.utils import timezone

    now = timezone.now()
    held = [
        ("Newest in the queue.", Comment.HeldReason.HOLD_WORD, "lottery", 1),
        ("Oldest in the queue.", Comment.HeldReason.LINKS, "3", 50),
        ("Middle of the queue.", Comment.HeldReason.FIRST_COMMENT, "", 20),
    ]
    for body, reason, detail, minutes in held:
        comment = CommentFactory(
            article=article, pending=True, body=body, held_reason=reason, held_detail=detail
        )
        Comment.objects.filter(pk=comment.pk).update(
            created_at=now - datetime.timedelta(minutes=minutes)
        )
    client.force_login(moderator)
    html = client.get(CHANGELIST).content.decode()
    assert html.index("Oldest in") < html.index("Middle of") < html.index("Newest in")
    assert "3 links" in html
    assert "hold word “lottery”" in html
    assert "first-time commenter" in html


@pytest.mark.parametrize("who", ["moderator", "comment_editor"])
def test_moderators_and_editors_change_the_discussion_settings(client, request, who):
    """The hold and block words are the desk's to set, without a superuser."""
    DiscussionSettings.objects.get_or_create(pk=1)
    url = reverse("admin:comments_discussionsettings_change", args=[1])
    client.force_login(request.getfixturevalue(who))
    payload = change_form_payload(client, url)
    payload.update(moderation_keywords="lottery\nprize draw", blocklist="casino")
    response = client.post(url, payload)
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = DiscussionSettings.objects.get(pk=1)
    assert saved.moderation_keywords.split() == ["lottery", "prize", "draw"]
    assert saved.blocklist == "casino"


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ada lov", ["Ada Lovelace"]),
        ("  Ada   Lovelace ", ["Ada Lovelace"]),
        ("ADA@EXAMPLE.ORG", ["Ada Lovelace"]),
        ("grace@example.org", ["Grace Hopper"]),
        ("lovelace", []),
        ("example.org@", []),
        ("@example", []),
    ],
)
def test_moderators_find_a_commenter_by_name_start_or_whole_email(client, moderator, query, found):
    CommentFactory(pending=True, author_name="Ada Lovelace", author_email="Ada@example.org")
    CommentFactory(pending=True, author_name="Grace Hopper", author_email="grace@example.org")
    client.force_login(moderator)
    response = client.get(CHANGELIST, {"q": query})
    assert response.status_code == 200
    names = sorted(comment.author_name for comment in response.context["cl"].result_list)
    assert names == found


def test_the_comment_list_never_counts_the_whole_table(client, moderator, monkeypatch):
    """Ten million comments are not counted row by row: the count stops at the limit."""
    monkeypatch.setattr("articles.paginator.COUNT_LIMIT", 3)
    CommentFactory.create_batch(5, pending=True)
    client.force_login(moderator)
    response = client.get(CHANGELIST)
    assert response.context["cl"].result_count == 3
    assert response.context["cl"].full_result_count is None
