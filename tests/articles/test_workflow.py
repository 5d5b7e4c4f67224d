"""The editorial workflow: who may move an article where, and what each move leaves behind."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Transition
from tests.admin_forms import change_form_payload
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Article.Status
FUTURE = "2030-06-01T09:30"


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def press(client, article, move, data=None, **kwargs):
    """Press a workflow button: the article's change form, as stored, with `_workflow=move`."""
    article.refresh_from_db()
    return client.post(
        change_url(article), form_data(article, _workflow=move, **(data or {})), **kwargs
    )


@pytest.fixture
def people(client, writer, other_writer, editor, moderator):
    return {
        "anonymous": None,
        "writer": writer,
        "other_writer": other_writer,
        "editor": editor,
        "moderator": moderator,
    }


def article_in(status, *, owner, **kwargs):
    published = {"published_at": timezone.now() - datetime.timedelta(hours=1)}
    extra = published if status == S.PUBLISHED else {"published_at": None}
    article = ArticleFactory(status=status, **{**extra, **kwargs})
    Article.objects.filter(pk=article.pk).update(created_by=owner)
    article.refresh_from_db()
    return article


# (action, starting status, POST data, status afterwards when allowed)
ACTIONS = {
    "submit": ("submit", S.DRAFT, {}, S.IN_REVIEW),
    "return": ("return", S.IN_REVIEW, {"workflow_note": "Needs a second source."}, S.DRAFT),
    "publish": ("publish", S.IN_REVIEW, {}, S.PUBLISHED),
    "schedule": ("publish", S.DRAFT, {"publish_at": FUTURE}, S.PUBLISHED),
    "unpublish": ("unpublish", S.PUBLISHED, {}, S.UNPUBLISHED),
    "back-to-draft": ("redraft", S.UNPUBLISHED, {}, S.DRAFT),
}
# Who may do what; the writer owns the article, "other_writer" does not.
ALLOWED = {
    "anonymous": set(),
    "moderator": set(),
    "writer": {"submit"},
    "other_writer": set(),
    "editor": set(ACTIONS),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("who", ALLOWED)
def test_transition_by_direct_post_is_allowed_or_refused(client, people, action, who):
    """Each role may make exactly its own moves; a forged POST for any other is refused."""
    move, start, data, end = ACTIONS[action]
    article = article_in(start, owner=people["writer"])
    if people[who]:
        client.force_login(people[who])

    response = press(client, article, move, {"headline": "Changed on the way", **data})

    article.refresh_from_db()
    if action in ALLOWED[who]:
        assert response.status_code == 302
        assert response["Location"] == change_url(article)
        assert article.status == end
        assert article.headline == "Changed on the way"
        assert Transition.objects.filter(article=article, to_status=end).count() == 1
    else:
        if who == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))
        elif response.status_code == 200:
            # A user who may edit the article but not make this move: told, nothing saved.
            assert "You may not use" in response.content.decode()
        else:
            # A user who may not even edit it.
            assert response.status_code == 403
        assert article.status == start
        assert article.headline != "Changed on the way"
        assert not Transition.objects.filter(article=article).exists()


EDIT_ALLOWED = {
    # (who, article status): may they save the change form?
    ("writer", S.DRAFT): True,
    ("writer", S.IN_REVIEW): True,
    ("writer", S.PUBLISHED): False,
    ("other_writer", S.DRAFT): False,
    ("moderator", S.DRAFT): False,
    ("editor", S.DRAFT): True,
    ("editor", S.PUBLISHED): True,
}


def form_data(article, **changes):
    """What the article's change form sends once opened, with `changes` typed in.

    The form is opened by a superuser without an email address, who sees every field and
    receives none of the workflow's mail.
    """
    opener = Client()
    opener.force_login(
        UserFactory(username="formopener", email="", is_superuser=True, is_staff=True)
    )
    return change_form_payload(opener, change_url(article), **changes)


@pytest.mark.parametrize(("who", "status"), EDIT_ALLOWED)
def test_editing_by_direct_post_is_allowed_or_refused(client, people, who, status):
    """Writers edit their own articles until published; editors anything; others nothing."""
    article = article_in(status, owner=people["writer"])
    client.force_login(people[who])

    response = client.post(change_url(article), form_data(article, headline="A new headline"))

    article.refresh_from_db()
    if EDIT_ALLOWED[(who, status)]:
        assert response.status_code == 302, (
            response.context and response.context["adminform"].form.errors
        )
        assert article.headline == "A new headline"
        assert article.modified_by == people[who]
    else:
        assert response.status_code == 403
        assert article.headline != "A new headline"


def test_anonymous_edit_is_sent_to_login(client, writer):
    article = article_in(S.DRAFT, owner=writer)
    response = client.post(change_url(article), form_data(article, headline="Defaced"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_writer_cannot_set_publication_time_through_the_form(client, writer):
    """The timing fields are read-only for writers: a forged value is ignored."""
    article = article_in(S.DRAFT, owner=writer)
    client.force_login(writer)
    data = form_data(article, published_at_0="2030-01-01", published_at_1="08:00:00")
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.published_at is None and article.status == S.DRAFT


def test_writer_creates_an_article_as_a_draft_of_their_own(client, writer, section):
    client.force_login(writer)
    data = change_form_payload(
        client,
        reverse("admin:articles_article_add"),
        headline="A fresh story",
        slug="fresh-story",
        section=section.pk,
        standfirst="What the story is about.",
        body="<p>The story itself.</p>",
        status="published",
    )
    response = client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get(slug="fresh-story")
    assert article.status == S.DRAFT
    assert article.created_by == writer


def test_history_records_every_step_in_order(client, writer, editor):
    """Each move writes who, from, to, and the note; the change page lists them."""
    article = article_in(S.DRAFT, owner=writer)
    client.force_login(writer)
    press(client, article, "submit")
    client.force_login(editor)
    press(client, article, "return", {"workflow_note": "Check the <b>figures</b>, please."})
    client.force_login(writer)
    press(client, article, "submit")
    client.force_login(editor)
    press(client, article, "publish")

    steps = list(article.transitions.order_by("at", "pk").values_list(
        "from_status", "to_status", "user__username", "note"
    ))  # fmt: skip
    assert steps == [
        (S.DRAFT, S.IN_REVIEW, "writer", ""),
        (S.IN_REVIEW, S.DRAFT, "editor", "Check the <b>figures</b>, please."),
        (S.DRAFT, S.IN_REVIEW, "writer", ""),
        (S.IN_REVIEW, S.PUBLISHED, "editor", ""),
    ]
    page = client.get(change_url(article)).content.decode()
    assert "Editorial history" in page
    assert "Check the &lt;b&gt;figures&lt;/b&gt;, please." in page


def test_return_without_a_note_is_refused_and_keeps_the_edits(client, writer, editor):
    """No note: the note field says why, the typed headline is kept, nothing is saved."""
    article = article_in(S.IN_REVIEW, owner=writer)
    client.force_login(editor)
    response = press(
        client, article, "return", {"workflow_note": "   ", "headline": "Sharper headline"}
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["workflow_note"] == ["Tell the writer what to change."]
    page = response.content.decode()
    assert 'value="Sharper headline"' in page
    assert 'class="workflow-move workflow-move-return is-chosen"' in page
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW
    assert article.headline != "Sharper headline"


def test_the_return_note_goes_into_the_history_with_the_edits(client, writer, editor):
    article = article_in(S.IN_REVIEW, owner=writer)
    client.force_login(editor)
    response = press(
        client,
        article,
        "return",
        {"workflow_note": "Add the council's reply.", "standfirst": "A tidier standfirst."},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert article.standfirst == "A tidier standfirst."
    assert Transition.objects.get(article=article).note == "Add the council's reply."


def test_a_move_that_no_longer_applies_is_explained_not_an_error(client, writer, editor):
    """Pressing Publish on an article someone else already published changes nothing."""
    article = article_in(S.PUBLISHED, owner=writer)
    client.force_login(editor)
    response = press(client, article, "publish", {"headline": "Not this one"})
    assert response.status_code == 200
    assert "no longer applies" in response.content.decode()
    assert not Transition.objects.filter(article=article).exists()
    article.refresh_from_db()
    assert article.headline != "Not this one"


def test_an_unknown_move_is_a_form_error_not_a_crash(client, editor, writer):
    article = article_in(S.DRAFT, owner=writer)
    client.force_login(editor)
    response = press(client, article, "delete-everything", {"headline": "Kept in the form"})
    assert response.status_code == 200
    assert "There is no such step." in response.content.decode()
    article.refresh_from_db()
    assert article.status == S.DRAFT and article.headline != "Kept in the form"


def test_a_bad_publication_time_gets_a_message(client, editor, writer):
    article = article_in(S.DRAFT, owner=writer)
    client.force_login(editor)
    response = press(client, article, "publish", {"publish_at": "soon-ish"})
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["publish_at"] == [
        "Please give a valid time, for example 2026-05-01 09:30."
    ]
    assert 'value="soon-ish"' in response.content.decode()


def test_the_old_separate_move_addresses_are_gone(client, editor, writer):
    """Moves are made only through the article form, so no edit can be left behind."""
    article = article_in(S.DRAFT, owner=writer)
    client.force_login(editor)
    response = client.post(change_url(article) + "move/publish/")
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert response.status_code in (302, 404)


def test_change_page_shows_only_the_buttons_the_user_may_press(client, writer, editor):
    """The buttons are inside the article form, each naming its move."""
    article = article_in(S.IN_REVIEW, owner=writer)
    client.force_login(writer)
    page = client.get(change_url(article)).content.decode()
    assert 'name="_workflow" value="publish"' not in page
    assert 'name="_workflow" value="return"' not in page
    client.force_login(editor)
    page = client.get(change_url(article)).content.decode()
    start = page.index('id="article_form"')
    form = page[start : page.index("</form>", start)]
    assert 'name="_workflow" value="publish"' in form
    assert 'name="_workflow" value="return"' in form
    assert 'name="workflow_note"' in form and 'name="publish_at"' in form
    assert "Publish now" in form


def test_scheduling_says_schedule_and_when_it_goes_live(client, writer, editor):
    article = article_in(S.DRAFT, owner=writer)
    client.force_login(editor)
    response = press(client, article, "publish", {"publish_at": FUTURE}, follow=True)
    page = response.content.decode()
    article.refresh_from_db()
    assert article.is_scheduled
    assert "Scheduled: goes live 01 Jun 2030 at 09:30" in page
    assert "Goes live Saturday 1 June 2030, 09:30" in page
    assert Transition.objects.get(article=article).note.startswith("Scheduled for")


def test_a_scheduled_article_appears_by_itself_at_its_time(client, writer, editor):
    """No cron job: the article is absent a minute before its time and present after."""
    article = article_in(S.DRAFT, owner=writer)
    client.force_login(editor)
    press(client, article, "publish", {"publish_at": FUTURE})
    client.logout()
    article.refresh_from_db()
    go_live = article.published_at
    url = article.get_absolute_url()
    with time_machine.travel(go_live - datetime.timedelta(minutes=1)):
        assert client.get(url).status_code == 404
        assert article.headline not in client.get("/").content.decode()
    with time_machine.travel(go_live + datetime.timedelta(seconds=1)):
        assert client.get(url).status_code == 200
        assert article.headline in client.get("/").content.decode()


def test_an_article_with_an_expiry_time_leaves_the_site_by_itself(client, editor):
    article = ArticleFactory(expires_at=timezone.now() + datetime.timedelta(days=1))
    url = article.get_absolute_url()
    assert client.get(url).status_code == 200
    with time_machine.travel(article.expires_at + datetime.timedelta(seconds=1)):
        assert client.get(url).status_code == 404


def test_editors_are_mailed_when_an_article_is_submitted(
    client, writer, editor, second_editor, django_capture_on_commit_callbacks
):
    article = article_in(S.DRAFT, owner=writer)
    client.force_login(writer)
    with django_capture_on_commit_callbacks(execute=True):
        press(client, article, "submit")
    assert len(mail.outbox) == 1
    assert sorted(mail.outbox[0].to) == ["deskeditor@example.com", "editor@example.com"]
    assert article.headline in mail.outbox[0].subject


def test_the_writer_is_mailed_the_note_when_an_article_is_returned(
    client, writer, editor, django_capture_on_commit_callbacks
):
    article = article_in(S.IN_REVIEW, owner=writer)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        press(client, article, "return", {"workflow_note": "Shorten the second half."})
    assert [message.to for message in mail.outbox] == [["writer@example.com"]]
    assert "Shorten the second half." in mail.outbox[0].body


def test_the_writer_is_mailed_when_an_article_is_published(
    client, writer, editor, django_capture_on_commit_callbacks
):
    article = article_in(S.IN_REVIEW, owner=writer)
    client.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        press(client, article, "publish")
    assert [message.to for message in mail.outbox] == [["writer@example.com"]]
    assert mail.outbox[0].subject.startswith("Published:")


def test_bulk_publish_publishes_what_it_may_and_reports_the_rest(client, writer, editor):
    ready = article_in(S.IN_REVIEW, owner=writer)
    unpublished = article_in(S.UNPUBLISHED, owner=writer)
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [ready.pk, unpublished.pk]},
        follow=True,
    )
    ready.refresh_from_db()
    unpublished.refresh_from_db()
    assert ready.status == S.PUBLISHED
    assert unpublished.status == S.UNPUBLISHED
    assert "Not possible for" in response.content.decode()


def test_writers_are_not_offered_the_publish_action(client, writer):
    article_in(S.DRAFT, owner=writer)
    client.force_login(writer)
    page = client.get(reverse("admin:articles_article_changelist")).content.decode()
    assert "publish_selected" not in page
    assert "submit_selected" in page


def test_forged_bulk_publish_by_a_writer_is_refused(client, writer):
    article = article_in(S.IN_REVIEW, owner=writer)
    client.force_login(writer)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [article.pk]},
    )
    article.refresh_from_db()
    assert article.status == S.IN_REVIEW


def test_setup_roles_is_idempotent(roles):
    from django.core.management import call_command

    before = {name: set(group.permissions.values_list("codename", flat=True))
              for name, group in roles.items()}  # fmt: skip
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    after = {name: set(group.permissions.values_list("codename", flat=True))
             for name, group in roles.items()}  # fmt: skip
    assert before == after
    assert "publish_article" in after["Editor"]
    assert "publish_article" not in after["Writer"]
    assert after["Comment moderator"] == {
        "view_article",
        "view_comment",
        "change_comment",
        "moderate_comment",
        "view_discussionsettings",
        "change_discussionsettings",
        "manage_commenter_data",
    }
    assert {"add_correction", "change_correction", "delete_correction"} <= after["Editor"]
    assert "change_discussionsettings" in after["Editor"]


def test_setup_roles_leaves_permissions_of_other_apps_alone(roles):
    """Another app's grant to a role survives setup_roles."""
    from django.contrib.auth.models import Permission
    from django.core.management import call_command

    elsewhere = Permission.objects.get(codename="view_user")
    roles["Comment moderator"].permissions.add(elsewhere)
    call_command("setup_roles", stdout=open("/dev/null", "w"))  # noqa: SIM115
    codenames = set(roles["Comment moderator"].permissions.values_list("codename", flat=True))
    assert {"view_article", "moderate_comment", "view_user"} <= codenames


def test_services_carry_out_the_same_rules_outside_the_admin(writer, editor):
    """The functions the buttons call can be used directly, with the same refusals."""
    from django.core.exceptions import PermissionDenied

    from articles import services

    article = article_in(S.DRAFT, owner=writer)
    services.submit_article(article=article, by=writer)
    with pytest.raises(PermissionDenied):
        services.publish_article(article=article, by=writer)
    later = timezone.now() + datetime.timedelta(days=1)
    services.publish_article(article=article, by=editor, at=later)
    assert article.status == S.PUBLISHED and article.is_scheduled and article.version == 3
    services.unpublish_article(article=article, by=editor)
    services.redraft_article(article=article, by=editor)
    article.refresh_from_db()
    assert article.status == S.DRAFT
    assert [t.to_status for t in article.transitions.order_by("at", "pk")] == [
        S.IN_REVIEW, S.PUBLISHED, S.UNPUBLISHED, S.DRAFT,
    ]  # fmt: skip


def test_history_without_steps_says_how_the_article_came_in(client, editor):
    """A draft never moved says so; a published story that was loaded is not called a draft."""
    client.force_login(editor)
    draft = client.get(change_url(article_in(S.DRAFT, owner=editor))).content.decode()
    assert "has been a draft since it was created" in draft
    loaded = client.get(change_url(article_in(S.PUBLISHED, owner=editor))).content.decode()
    assert "has been a draft" not in loaded
    assert "came in as “Published” (imported or loaded)" in loaded
