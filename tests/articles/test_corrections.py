"""Corrections and update notes, and the "substantive update" an editor marks on save."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from articles.models import Article, Correction
from tests.admin_forms import add_inline_row, change_form_payload
from tests.factories import ArticleFactory, CorrectionFactory, UserFactory
from tests.markup import Markup

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC)


def test_article_page_shows_its_corrections_in_a_marked_box_with_dates(client, section):
    with time_machine.travel(NOW, tick=False):
        article = ArticleFactory(section=section)
    CorrectionFactory(
        article=article,
        kind=Correction.Kind.CORRECTION,
        text="An earlier version gave the vote as 31 to 12.\nIt was 31 to 14.",
        created_at=NOW + datetime.timedelta(hours=2),
    )
    CorrectionFactory(
        article=article,
        kind=Correction.Kind.UPDATE,
        text="The council has published the plan.",
        created_at=NOW + datetime.timedelta(hours=5),
    )
    response = client.get(article.get_absolute_url())
    html = response.text
    box = html[html.index('<aside class="corrections"') : html.index("</aside>")]
    assert "Corrections and updates" in box
    assert box.index("<strong>Correction</strong>") < box.index("<strong>Update</strong>")
    assert '<time datetime="2026-03-18T14:00:00+00:00">18 March 2026, 14:00 UTC</time>' in box
    assert '<time datetime="2026-03-18T17:00:00+00:00">' in box
    assert "An earlier version gave the vote as 31 to 12.<br>It was 31 to 14." in box
    # After the story's text, before its footer.
    assert (
        html.index('class="article-body"')
        < html.index("corrections")
        < html.index('class="article-footer"')
    )


def test_correction_text_is_plain_text(client, section):
    article = ArticleFactory(section=section)
    CorrectionFactory(article=article, text='<img src=x onerror="alert(1)"> fixed\x07')
    html = client.get(article.get_absolute_url()).text
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt; fixed</p>" in html


def test_article_without_corrections_has_no_box(client, article):
    html = client.get(article.get_absolute_url()).text
    assert 'class="corrections"' not in html
    assert "Corrections and updates" not in html


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="chief", is_staff=True, is_superuser=True))
    return client


def test_substantive_update_checkbox_shows_updated_to_readers(superuser_client, section):
    with time_machine.travel(NOW - datetime.timedelta(hours=3), tick=False):
        article = ArticleFactory(section=section)
    url = reverse("admin:articles_article_change", args=[article.pk])
    with time_machine.travel(NOW, tick=False):
        response = superuser_client.post(
            url,
            change_form_payload(
                superuser_client,
                url,
                body="<p>The ferries are running again.</p>",
                substantive_update="on",
            ),
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        article.refresh_from_db()
        assert article.updated_at == NOW
        html = superuser_client.get(article.get_absolute_url()).text
    assert 'Updated <time datetime="2026-03-18T12:00:00+00:00">' in html


def test_an_ordinary_edit_does_not_show_updated(superuser_client, section):
    with time_machine.travel(NOW - datetime.timedelta(hours=3), tick=False):
        article = ArticleFactory(section=section)
    url = reverse("admin:articles_article_change", args=[article.pk])
    with time_machine.travel(NOW, tick=False):
        response = superuser_client.post(
            url, change_form_payload(superuser_client, url, headline="Typo fixed")
        )
        assert response.status_code == 302, response.context["adminform"].form.errors
        article.refresh_from_db()
        assert article.headline == "Typo fixed"
        assert article.updated_at is None
        assert "Updated <time" not in superuser_client.get(article.get_absolute_url()).text


def test_editor_adds_a_correction_in_the_article_admin(superuser_client, section):
    article = ArticleFactory(section=section)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = add_inline_row(
        change_form_payload(superuser_client, url),
        "corrections",
        kind="clarification",
        text="The plan covers the east quays only.",
    )
    response = superuser_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [note] = Article.objects.get(pk=article.pk).corrections.all()
    assert note.kind == Correction.Kind.CLARIFICATION
    markup = Markup(superuser_client.get(article.get_absolute_url()).content)
    assert any(
        tag == "li" and attrs.get("class") == "correction correction-clarification"
        for tag, attrs in markup.elements
    )
