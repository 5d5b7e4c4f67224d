"""The form's Preview button: the story as typed, on the reader's template, and nothing saved."""

import pytest
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.models import Article, Autosave, Byline, Correction
from newsroom.pagecache.models import Invalidation
from tests.admin_forms import add_inline_row, change_form_payload
from tests.factories import ArticleFactory, AuthorFactory, TagFactory

pytestmark = pytest.mark.django_db

ADD = reverse("admin:articles_article_add")
PREVIEW_NEW = reverse("admin:articles_article_preview_new")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def preview_url(article):
    return reverse("admin:articles_article_preview", args=[article.pk])


def snapshot():
    """Everything a save would change, counted or read back."""
    return {
        "articles": list(Article.objects.order_by("pk").values()),
        "bylines": list(Byline.objects.order_by("pk").values()),
        "tags": list(Article.tags.through.objects.order_by("pk").values()),
        "corrections": Correction.objects.count(),
        "versions": Version.objects.count(),
        "autosaves": list(Autosave.objects.values()),
        "invalidations": Invalidation.objects.count(),
    }


def test_the_preview_shows_the_typed_text_and_saves_nothing(client, editor, article):
    client.force_login(editor)
    Autosave.objects.create(user=editor, article=article, state={"headline": ["Kept copy"]})
    payload = change_form_payload(
        client,
        change_url(article),
        headline="Typed but not yet saved",
        body="<p>A sentence only the preview has.</p><script>alert(1)</script>",
    )
    before = snapshot()
    response = client.post(preview_url(article), payload)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<title>Typed but not yet saved | World |" in html
    assert "A sentence only the preview has." in html
    assert "alert(1)" not in html
    assert "Preview of unsaved changes" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]
    assert snapshot() == before
    article.refresh_from_db()
    assert article.version == 1


def test_the_preview_shows_bylines_tags_and_source_as_typed(client, editor, article):
    client.force_login(editor)
    second = AuthorFactory(name="Daniel Brooks", slug="daniel-brooks")
    tag = TagFactory(name="Ferries", slug="ferries")
    payload = change_form_payload(client, change_url(article), tags=[str(tag.pk)])
    payload["source"] = "Harbour authority records"
    add_inline_row(payload, "bylines", author=str(second.pk), position="1")
    before = snapshot()
    html = client.post(preview_url(article), payload).content.decode()
    assert "Daniel Brooks" in html and "Amara Osei" in html
    assert html.index("Amara Osei") < html.index("Daniel Brooks")
    assert "Ferries" in html
    assert "Harbour authority records" in html
    assert snapshot() == before


def test_a_new_articles_preview_makes_no_row(client, editor, section):
    client.force_login(editor)
    payload = change_form_payload(
        client,
        ADD,
        headline="A story nobody has saved",
        slug="a-story-nobody-has-saved",
        section=str(section.pk),
        standfirst="Only in the form.",
        body="<p>First draft.</p>",
    )
    before = snapshot()
    response = client.post(PREVIEW_NEW, payload)
    assert response.status_code == 200
    assert "A story nobody has saved" in response.content.decode()
    assert snapshot() == before


def test_invalid_input_shows_the_errors_not_a_crash(client, editor, article):
    client.force_login(editor)
    other = ArticleFactory(slug="taken-slug")
    payload = change_form_payload(client, change_url(article), headline="", slug=other.slug)
    before = snapshot()
    response = client.post(preview_url(article), payload)
    assert response.status_code == 400
    html = response.content.decode()
    assert "nothing to preview yet" in html
    assert "Headline:" in html and "This field is required." in html
    assert "Slug:" in html
    assert snapshot() == before


def test_a_stale_form_says_so_in_the_preview(client, editor, article):
    client.force_login(editor)
    payload = change_form_payload(client, change_url(article), headline="Mine")
    Article.objects.filter(pk=article.pk).update(version=2)
    response = client.post(preview_url(article), payload)
    assert response.status_code == 400
    assert "Someone else saved this article" in response.content.decode()


def test_a_writer_cannot_preview_an_article_they_cannot_edit(client, writer, editor, article):
    client.force_login(editor)
    payload = change_form_payload(client, change_url(article), headline="Not theirs")
    client.force_login(writer)
    assert client.post(preview_url(article), payload).status_code == 403


def test_a_writer_previews_their_own_draft(client, writer, section):
    draft = ArticleFactory(draft=True, section=section)
    Article.objects.filter(pk=draft.pk).update(created_by=writer)
    client.force_login(writer)
    payload = change_form_payload(client, change_url(draft), headline="My better headline")
    response = client.post(preview_url(draft), payload)
    assert response.status_code == 200
    assert "My better headline" in response.content.decode()


def test_staff_outside_the_desk_and_visitors_get_no_preview(client, article):
    from tests.factories import UserFactory

    assert client.post(preview_url(article), {"headline": "x"}).status_code == 302
    assert client.post(PREVIEW_NEW, {"headline": "x"}).status_code == 302
    client.force_login(UserFactory(is_staff=True))
    assert client.post(preview_url(article), {"headline": "x"}).status_code == 403
    assert client.post(PREVIEW_NEW, {"headline": "x"}).status_code == 403


def test_the_preview_needs_the_csrf_token(editor, article):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(editor)
    payload = change_form_payload(browser, change_url(article), headline="Forged")
    payload.pop("csrfmiddlewaretoken")
    assert browser.post(preview_url(article), payload).status_code == 403
    article.refresh_from_db()
    assert article.headline != "Forged"


def test_the_new_article_preview_answers_only_post(client, editor):
    client.force_login(editor)
    assert client.get(PREVIEW_NEW).status_code == 405


def test_the_saved_preview_still_shows_the_stored_text(client, editor, article):
    client.force_login(editor)
    html = client.get(preview_url(article)).content.decode()
    assert article.headline in html
    assert "Preview of unsaved changes" not in html


def test_the_form_offers_the_preview_button_in_a_new_tab(client, editor, article):
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert f'formaction="{preview_url(article)}" formtarget="_blank"' in html
    assert f'formaction="{PREVIEW_NEW}"' in client.get(ADD).content.decode()
