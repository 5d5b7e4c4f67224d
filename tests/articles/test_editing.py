"""Saving in the admin: conflicts between two editors, revisions, hostile input, the list."""

import datetime

import pytest
import reversion
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Transition
from tests.admin_forms import change_form_payload
from tests.articles.test_workflow import change_url, form_data, press
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def test_second_save_of_the_same_version_is_refused_and_keeps_what_was_typed(
    client, editor, second_editor, article
):
    """Two editors open version 1; the first save wins, the second is told and keeps its text."""
    opened = form_data(article)
    client.force_login(editor)
    first = client.post(change_url(article), {**opened, "headline": "First editor's headline"})
    assert first.status_code == 302

    client.force_login(second_editor)
    second = client.post(
        change_url(article), {**opened, "standfirst": "Second editor's careful rewrite."}
    )

    assert second.status_code == 200
    page = second.content.decode()
    assert "Someone else saved this article while you were editing it" in page
    assert f'href="{change_url(article)}"' in page
    assert "Second editor&#x27;s careful rewrite." in page
    article.refresh_from_db()
    assert article.headline == "First editor's headline"
    assert article.standfirst != "Second editor's careful rewrite."
    assert article.version == 2


def test_saving_bumps_the_version_and_the_form_carries_it(client, editor, article):
    client.force_login(editor)
    assert client.post(change_url(article), form_data(article)).status_code == 302
    article.refresh_from_db()
    assert article.version == 2
    page = client.get(change_url(article)).content.decode()
    assert 'name="base_version" value="2"' in page


def test_a_transition_meanwhile_also_makes_an_open_form_stale(client, editor, writer):
    article = ArticleFactory(draft=True)
    opened = form_data(article)
    client.force_login(editor)
    press(client, article, "submit")
    response = client.post(change_url(article), {**opened, "headline": "Late change"})
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()


@pytest.mark.parametrize("version", ["", "abc", "-3"])
def test_a_missing_or_forged_version_is_a_form_error_not_a_crash(client, editor, article, version):
    client.force_login(editor)
    response = client.post(change_url(article), form_data(article, base_version=version))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors


HOSTILE = [
    '<script>alert("x")</script>',
    '"><img src=x onerror=alert(1)>',
    "<svg onload=alert(1)>",
    "javascript:alert(1)",
    "Ünïcödé \u202e reversed \x7f control",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_field_is_stored_safely_and_rendered_escaped(
    client, editor, article, text
):
    """Markup typed into plain-text fields is text; the body keeps only the allowed tags."""
    client.force_login(editor)
    data = form_data(
        article,
        headline=f"Headline {text}",
        standfirst=f"Standfirst {text}",
        source=f"Source {text}",
        body=f"<p>Body</p>{text}",
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    article.refresh_from_db()
    assert "<script" not in article.body and "onerror" not in article.body
    assert "\x7f" not in article.headline
    for page in (
        client.get(change_url(article)),
        client.get(reverse("admin:articles_article_changelist")),
        client.get(reverse("admin:articles_article_preview", args=[article.pk])),
    ):
        assert page.status_code == 200
        html = page.content.decode()
        assert "<script>alert" not in html
        assert "<img src=x onerror" not in html
        assert "<svg onload" not in html


def test_a_nul_character_is_a_field_error_and_the_text_survives(client, editor, article):
    client.force_login(editor)
    response = client.post(
        change_url(article), form_data(article, headline="Bad\x00byte", standfirst="Kept.")
    )
    assert response.status_code == 200
    assert "headline" in response.context["adminform"].form.errors
    assert "Kept." in response.content.decode()


def test_a_colliding_slug_gets_a_field_error_and_the_text_survives(client, editor, article):
    other = ArticleFactory(slug="taken-slug")
    client.force_login(editor)
    response = client.post(
        change_url(article), form_data(article, slug=other.slug, standfirst="Kept as typed.")
    )
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "slug" in form.errors
    assert "Kept as typed." in response.content.decode()


def test_an_expiry_before_publication_is_a_field_error(client, editor, article):
    client.force_login(editor)
    before = timezone.localtime(article.published_at - datetime.timedelta(days=1))
    response = client.post(
        change_url(article),
        form_data(
            article,
            expires_at_0=before.strftime("%Y-%m-%d"),
            expires_at_1=before.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 200
    assert "expires_at" in response.context["adminform"].form.errors


def test_every_save_keeps_a_revision_with_who_made_it(client, editor, article):
    client.force_login(editor)
    client.post(change_url(article), form_data(article, headline="Second take"))
    article.refresh_from_db()
    client.post(change_url(article), form_data(article, headline="Third take"))
    versions = Version.objects.get_for_object(article).select_related("revision__user")
    assert [v.field_dict["headline"] for v in versions] == ["Third take", "Second take"]
    assert {v.revision.user for v in versions} == {editor}


def test_history_made_by_no_one_still_shows(client, editor, article):
    """A revision or a step with no user (an import, a deleted account) reads "—", not a 500."""
    with reversion.create_revision():
        article.save()
    Transition.objects.create(
        article=article, from_status=article.status, to_status=article.status, user=None
    )
    client.force_login(editor)
    for url in (
        reverse("admin:articles_article_revisions", args=[article.pk]),
        change_url(article),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert "—" in response.content.decode()


def test_compare_shows_a_readable_escaped_word_diff(client, editor, article):
    client.force_login(editor)
    client.post(change_url(article), form_data(article, headline="Harbour plan <em>approved</em>"))
    article.refresh_from_db()
    client.post(change_url(article), form_data(article, headline="Harbour plan rejected"))
    newer, older = Version.objects.get_for_object(article)
    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"from": older.pk, "to": newer.pk},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<del>&lt;em&gt;approved&lt;/em&gt;</del>" in html
    assert "<ins>rejected</ins>" in html


def test_compare_with_bad_revision_ids_goes_back_to_the_list(client, editor, article):
    client.force_login(editor)
    response = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]), {"from": "x", "to": "99"}
    )
    assert response.status_code == 302


def test_restoring_a_revision_brings_back_its_text_tags_and_bylines(client, editor, article):
    original_headline = article.headline
    original_tags = set(article.tags.all())
    original_authors = article.byline_authors
    client.force_login(editor)
    client.post(change_url(article), form_data(article))  # the first kept revision
    first = Version.objects.get_for_object(article).get()
    article.refresh_from_db()
    article.tags.set([TagFactory()])
    article.bylines.all().delete()
    client.post(change_url(article), form_data(article, headline="Rewritten"))

    response = client.post(
        reverse("admin:articles_article_restore", args=[article.pk, first.pk]), follow=True
    )

    assert response.status_code == 200
    article.refresh_from_db()
    assert article.headline == original_headline
    assert set(article.tags.all()) == original_tags
    assert [byline.author for byline in article.bylines.all()] == original_authors
    assert article.version == 4
    assert Version.objects.get_for_object(article).count() == 3


def test_writers_cannot_restore_others_articles(client, writer, editor, article):
    client.force_login(editor)
    client.post(change_url(article), form_data(article))
    version = Version.objects.get_for_object(article).get()
    client.force_login(writer)
    response = client.post(reverse("admin:articles_article_restore", args=[article.pk, version.pk]))
    assert response.status_code == 403


def grow(n):
    sections = SectionFactory.create_batch(3)
    authors = AuthorFactory.create_batch(3)
    for i in range(n):
        ArticleFactory(section=sections[i % 3], authors=authors[: 1 + i % 3])


def test_article_list_costs_the_same_queries_whatever_its_size(
    client, editor, django_assert_num_queries
):
    """Bylines, section and last editor of every row come in fixed queries (no N+1)."""
    url = reverse("admin:articles_article_changelist")
    client.force_login(editor)
    grow(3)
    client.get(url)
    # Session, user, the user's own and group permissions, the section filter (the author
    # filter reads nothing until used), the (capped) count, the page of articles with section
    # and last editor, their bylines, and the bylines' authors (no date hierarchy: its range
    # and years read every row). PostgreSQL first reads its row estimate for the unfiltered
    # table.
    expected = 9 + (connection.vendor == "postgresql")
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200
    grow(30)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200
    assert "status-badge" in response.content.decode()


def test_article_list_never_counts_past_its_limit(settings, editor, client, monkeypatch):
    monkeypatch.setattr("articles.paginator.COUNT_LIMIT", 5)
    grow(8)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_changelist"), {"timing": "live"})
    assert response.context["cl"].result_count == 5


@pytest.mark.parametrize(
    "query",
    ["status__exact=review", "timing=scheduled", "timing=live", "timing=expired", "mine=1",
     "author=1", "q=harbour", "published_at__gte=2026-01-01"],
)  # fmt: skip
def test_article_list_filters_answer(client, editor, query):
    grow(2)
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_changelist") + "?" + query)
    assert response.status_code == 200


def test_dashboard_lists_review_scheduled_mine_and_recent(client, editor, writer):
    review = ArticleFactory(draft=True, status=Article.Status.IN_REVIEW, headline="Awaiting review")
    ArticleFactory(scheduled=True, headline="Going live tomorrow")
    mine = ArticleFactory(draft=True, headline="My unfinished piece")
    Article.objects.filter(pk=mine.pk).update(created_by=editor)
    ArticleFactory(headline="Out this morning")
    client.force_login(editor)
    html = client.get(reverse("admin:index")).content.decode()
    for text in ("Awaiting review", "Going live tomorrow", "My unfinished piece",
                 "Out this morning", "In review", "My drafts", "Recently published"):  # fmt: skip
        assert text in html
    assert review.headline in html
    # The app list is still there.
    assert reverse("admin:articles_section_changelist") in html


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row estimate")
def test_unfiltered_article_list_uses_postgresqls_estimate_on_large_tables(
    editor, client, monkeypatch
):
    """A big table is not counted row by row: the planner's estimate stands in."""
    monkeypatch.setattr("articles.paginator.COUNT_LIMIT", 5)
    grow(8)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE articles_article")
    client.force_login(editor)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert response.context["cl"].result_count == 8


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_two_simultaneous_saves_of_one_version_let_exactly_one_through(
    editor, second_editor, article
):
    """However the two requests interleave, the row lock lets one save and refuses the other."""
    import threading

    from django.db import connections
    from django.test import Client

    opened = form_data(article)
    start = threading.Barrier(2)
    statuses = {}

    def save(user, headline):
        client = Client()
        client.force_login(user)
        start.wait()
        try:
            response = client.post(change_url(article), {**opened, "headline": headline})
            statuses[headline] = response.status_code
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=save, args=(editor, "From the first desk")),
        threading.Thread(target=save, args=(second_editor, "From the second desk")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(statuses.values()) == [200, 302]
    article.refresh_from_db()
    winner = next(headline for headline, status in statuses.items() if status == 302)
    assert article.headline == winner
    assert article.version == 2


# Saving and moving in one step: the workflow buttons submit the article form itself.


def test_a_typo_fixed_and_published_in_one_click_reaches_readers(client, editor):
    """Change the body, press Publish: readers see the corrected text, not the old one."""
    article = ArticleFactory(draft=True, body="<p>The bridge reopens on Mondya.</p>")
    client.force_login(editor)
    response = press(client, article, "publish", {"body": "<p>The bridge reopens on Monday.</p>"})
    assert response.status_code == 302
    assert response["Location"] == change_url(article)
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "The bridge reopens on Monday." in page
    assert "Mondya" not in page


def test_an_invalid_field_with_publish_publishes_nothing_and_keeps_the_text(client, editor):
    article = ArticleFactory(draft=True, headline="Ferry timetable changes")
    client.force_login(editor)
    response = press(
        client, article, "publish", {"headline": "", "body": "<p>New winter times.</p>"}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["headline"]
    page = response.content.decode()
    assert "New winter times." in page
    assert 'class="workflow-move workflow-move-publish is-chosen"' in page
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.headline == "Ferry timetable changes"
    assert not article.transitions.exists()


def test_a_writer_pressing_publish_is_refused_and_nothing_is_saved(client, writer):
    article = ArticleFactory(draft=True)
    Article.objects.filter(pk=article.pk).update(created_by=writer)
    client.force_login(writer)
    response = press(client, article, "publish", {"headline": "Writer's own launch"})
    assert response.status_code == 200
    assert "You may not use “Publish” on this article; nothing was saved." in (
        response.content.decode()
    )
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.headline != "Writer's own launch"


def test_a_move_refused_after_the_save_rolls_the_save_back(client, editor):
    """The expiry time comes before the scheduled time: the edit and the move both fail."""
    article = ArticleFactory(draft=True, expires_at=timezone.now() + datetime.timedelta(days=1))
    client.force_login(editor)
    data = form_data(article, _workflow="publish", publish_at="2030-06-01T09:30")
    local = timezone.localtime(article.expires_at)
    data.update(
        headline="Scheduled too late",
        expires_at_0=local.strftime("%Y-%m-%d"),
        expires_at_1=local.strftime("%H:%M:%S"),
    )
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "The expiry time must be after the publication time." in page
    assert 'value="Scheduled too late"' in page
    article.refresh_from_db()
    assert article.status == Article.Status.DRAFT
    assert article.headline != "Scheduled too late"
    assert article.version == 1
    assert not article.transitions.exists()
    assert (
        not Version.objects.get_for_object(article)
        .filter(serialized_data__contains="Scheduled too late")
        .exists()
    )


def test_a_stale_form_with_publish_is_refused_even_when_the_move_is_allowed(
    client, editor, second_editor
):
    """The edit-conflict check is the last guard: a move never carries an old form through."""
    article = ArticleFactory(draft=True)
    opened = form_data(article)
    client.force_login(editor)
    assert client.post(change_url(article), {**opened, "headline": "First"}).status_code == 302
    client.force_login(second_editor)
    response = client.post(
        change_url(article), {**opened, "headline": "Second", "_workflow": "publish"}
    )
    assert response.status_code == 200
    assert "Someone else saved this article" in response.content.decode()
    article.refresh_from_db()
    assert article.headline == "First"
    assert article.status == Article.Status.DRAFT


def test_submit_for_review_saves_the_writers_last_edits(client, writer):
    article = ArticleFactory(draft=True)
    Article.objects.filter(pk=article.pk).update(created_by=writer)
    client.force_login(writer)
    response = press(client, article, "submit", {"standfirst": "The last line, tightened."})
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert article.standfirst == "The last line, tightened."
    assert article.modified_by == writer


def test_a_move_on_a_new_article_is_refused_until_it_is_saved(client, editor, section):
    client.force_login(editor)
    add_url = reverse("admin:articles_article_add")
    data = change_form_payload(
        client,
        add_url,
        headline="Not yet",
        slug="not-yet",
        section=str(section.pk),
        standfirst="What the story is about.",
        body="<p>The words.</p>",
        _workflow="publish",
    )
    response = client.post(add_url, data)
    assert response.status_code == 200
    assert "Save the new article first" in response.content.decode()
    assert not Article.objects.filter(slug="not-yet").exists()


# Presence: who else has the article open.


def presence_url(article):
    return reverse("admin:articles_article_presence", args=[article.pk])


def test_opening_an_article_shows_who_else_has_it_open_and_since_when(
    client, editor, second_editor, article
):
    editor.first_name, editor.last_name = "Amira", "Haddad"
    editor.save()
    second_editor.first_name, second_editor.last_name = "Jonas", "Berg"
    second_editor.save()
    opened = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 41))
    with time_machine.travel(opened, tick=False):
        client.force_login(editor)
        client.get(change_url(article))
    with time_machine.travel(opened + datetime.timedelta(seconds=50), tick=False):
        client.force_login(second_editor)
        page = client.get(change_url(article)).content.decode()
        assert "Amira Haddad has had this story open since 10:41" in page
        # Nobody is told about themselves.
        client.force_login(editor)
        response = client.post(presence_url(article))
        assert response.json() == {"others": ["Jonas Berg has had this story open since 10:41"]}


def test_presence_expires_two_minutes_after_the_last_heartbeat(
    client, editor, second_editor, article
):
    opened = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 41))
    with time_machine.travel(opened, tick=False):
        client.force_login(editor)
        client.get(change_url(article))
    with time_machine.travel(opened + datetime.timedelta(seconds=100), tick=False):
        client.post(presence_url(article))  # still there: the clock restarts
    with time_machine.travel(opened + datetime.timedelta(seconds=200), tick=False):
        client.force_login(second_editor)
        assert "has had this story open" in client.get(change_url(article)).content.decode()
    with time_machine.travel(opened + datetime.timedelta(seconds=400), tick=False):
        client.force_login(second_editor)
        response = client.post(presence_url(article))
        assert response.json() == {"others": []}


def test_presence_heartbeat_is_post_only_and_for_staff(client, editor, article):
    response = client.post(presence_url(article))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    client.force_login(editor)
    assert client.get(presence_url(article)).status_code == 405
    assert client.post(reverse("admin:articles_article_presence", args=[999999])).status_code == 404
    assert client.post(presence_url(article)).json() == {"others": []}
