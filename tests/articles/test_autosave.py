"""Autosave: an unsaved copy of the open article form, per person and article."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, Autosave
from tests.admin_forms import change_form_payload
from tests.articles.test_workflow import change_url, form_data, press
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

AUTOSAVE = reverse("admin:articles_article_autosave")
DISCARD = reverse("admin:articles_article_autosave_discard")


def state_of(article, **changes):
    data = form_data(article, **changes)
    return {name: [str(v) for v in value] if isinstance(value, list) else [str(value)]
            for name, value in data.items()}  # fmt: skip


def keep(client, article, **changes):
    return client.post(
        AUTOSAVE, {"article": article.pk, "state": json.dumps(state_of(article, **changes))}
    )


def test_a_copy_is_kept_without_touching_the_article_or_its_revisions(client, editor, article):
    client.force_login(editor)
    before = Version.objects.get_for_object(article).count()
    response = keep(client, article, headline="Typed, not saved")
    assert response.status_code == 200
    assert response.json()["label"]
    kept = Autosave.objects.get(user=editor, article=article)
    assert kept.state["headline"] == ["Typed, not saved"]
    article.refresh_from_db()
    assert article.headline != "Typed, not saved"
    assert article.version == 1
    assert Version.objects.get_for_object(article).count() == before


def test_a_second_copy_replaces_the_first(client, editor, article):
    client.force_login(editor)
    keep(client, article, headline="First try")
    keep(client, article, headline="Second try")
    assert Autosave.objects.filter(user=editor, article=article).count() == 1
    assert Autosave.objects.get().state["headline"] == ["Second try"]


def test_reopening_offers_the_copy_and_names_the_fields_that_differ(client, editor, article):
    client.force_login(editor)
    keep(client, article, headline="Typed, not saved", standfirst="A new standfirst.")
    earlier = timezone.localtime().replace(hour=10, minute=42) - datetime.timedelta(days=1)
    Autosave.objects.update(saved_at=earlier)
    page = client.get(change_url(article)).content.decode()
    assert "Unsaved changes from 10:42: restore or discard." in page
    assert '<span class="autosave-fields">Headline, Standfirst</span>' in page
    assert 'id="autosave-state"' in page
    # Offered, not applied: the form still shows what is stored.
    assert f'value="{article.headline}"' in page


def test_each_person_sees_only_their_own_copy(client, editor, second_editor, article):
    client.force_login(editor)
    keep(client, article, headline="Mine alone")
    client.force_login(second_editor)
    assert "Unsaved changes from" not in client.get(change_url(article)).content.decode()


def test_a_copy_equal_to_the_stored_article_is_not_offered(client, editor, article):
    client.force_login(editor)
    keep(client, article)
    assert "Unsaved changes from" not in client.get(change_url(article)).content.decode()


def test_discard_deletes_the_copy(client, editor, article):
    client.force_login(editor)
    keep(client, article, headline="Not wanted")
    response = client.post(DISCARD, {"article": article.pk}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(article)
    assert "The unsaved changes were discarded." in response.content.decode()
    assert not Autosave.objects.exists()


def test_saving_the_article_removes_the_savers_copy(client, editor, second_editor, article):
    client.force_login(second_editor)
    keep(client, article, headline="Someone else's copy")
    client.force_login(editor)
    keep(client, article, headline="Saved at last")
    response = client.post(change_url(article), form_data(article, headline="Saved at last"))
    assert response.status_code == 302
    assert list(Autosave.objects.values_list("user__username", flat=True)) == ["deskeditor"]


def test_a_refused_save_keeps_the_copy(client, editor, article):
    client.force_login(editor)
    keep(client, article, headline="Kept while refused")
    press(client, article, "return", {"headline": "Kept while refused"})
    assert Autosave.objects.filter(user=editor, article=article).exists()


def test_a_new_article_is_kept_under_a_key_and_offered_on_the_add_page(client, editor, section):
    client.force_login(editor)
    state = {"headline": ["A story not saved yet"], "section": [str(section.pk)]}
    response = client.post(AUTOSAVE, {"new_key": "new", "state": json.dumps(state)})
    assert response.status_code == 200
    assert Autosave.objects.get(user=editor).new_key == "new"
    page = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "Unsaved changes from" in page
    add_url = reverse("admin:articles_article_add")
    data = change_form_payload(
        client,
        add_url,
        headline="Now saved",
        slug="now-saved",
        section=str(section.pk),
        standfirst="What the story is about.",
        body="<p>The words.</p>",
    )
    assert client.post(add_url, data).status_code == 302
    assert not Autosave.objects.exists()


def test_old_copies_are_ignored_and_cleaned_away(client, editor, article, settings):
    settings.ARTICLE_AUTOSAVE_MAX_AGE_DAYS = 30
    client.force_login(editor)
    keep(client, article, headline="Long forgotten")
    Autosave.objects.update(saved_at=timezone.now() - datetime.timedelta(days=31))
    assert "Unsaved changes from" not in client.get(change_url(article)).content.decode()
    fresh = ArticleFactory()
    keep(client, fresh, headline="Recent")
    call_command("expire_autosaves", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert list(Autosave.objects.values_list("article", flat=True)) == [fresh.pk]


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"state": "{}"}, 400, "Name an article or a new-article key."),
        ({"article": "", "new_key": "new", "state": "not json"}, 400, "not valid JSON"),
        ({"new_key": "new", "state": "[1, 2]"}, 400, "must be an object"),
        ({"new_key": "new", "state": '{"headline": [3]}'}, 400, "must be a list of strings"),
        ({"new_key": "new", "state": '{"x": "' + "a" * 1_100_000 + '"}'}, 400, "too large"),
        ({"article": "999999", "state": "{}"}, 404, "No such article."),
        ({"article": "abc", "state": "{}"}, 404, "No such article."),
    ],
)
def test_bad_autosave_posts_get_clear_errors(client, editor, data, status, message):
    client.force_login(editor)
    response = client.post(AUTOSAVE, data)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert not Autosave.objects.exists()


def test_autosave_is_post_only_staff_only_and_csrf_protected(client, editor, writer, article):
    assert client.get(AUTOSAVE).status_code in (302, 405)
    # Not logged in: sent to the login page, nothing kept.
    response = client.post(AUTOSAVE, {"article": article.pk, "state": "{}"})
    assert response.status_code == 302
    client.force_login(editor)
    assert client.get(AUTOSAVE).status_code == 405
    # A writer may not keep copies of an article they may not edit.
    client.force_login(writer)
    assert keep(client, article, headline="Not theirs").status_code == 403
    assert not Autosave.objects.exists()


def test_autosave_refuses_a_post_without_the_csrf_token(editor, article):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(editor)
    response = strict.post(AUTOSAVE, {"article": article.pk, "state": "{}"})
    assert response.status_code == 403
    assert not Autosave.objects.exists()
    assert Article.objects.get(pk=article.pk).version == 1
