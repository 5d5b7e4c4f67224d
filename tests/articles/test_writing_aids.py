"""Writing aids on the article form, as the server renders them (the page's script follows)."""

import pytest
from django.urls import reverse

from articles.admin import aids
from articles.models import Article
from tests.admin_forms import change_form_payload

pytestmark = pytest.mark.django_db


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


@pytest.mark.parametrize(
    ("text", "limit", "shown"),
    [
        ("Short enough", 60, "Short enough"),
        ("  Spaces   are   folded  ", 60, "Spaces are folded"),
        ("Ferry strike ends after nine days of talks", 20, "Ferry strike ends…"),
        ("Harbour, docks, quays and more", 16, "Harbour, docks…"),
        ("Unbrokenwordlongerthanthelimit", 10, "Unbrokenw…"),
        ("", 10, ""),
    ],
)
def test_text_is_cut_at_whole_words_like_a_results_page(text, limit, shown):
    assert aids.cut(text, limit) == shown
    assert len(aids.cut(text, limit)) <= limit


def test_the_form_shows_words_reading_time_and_lengths(client, editor, article, settings):
    settings.READING_WORDS_PER_MINUTE = 100
    Article.objects.filter(pk=article.pk).update(body="<p>" + "word " * 250 + "</p>")
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert "250 words · 3 min read" in html
    length = len(article.headline)
    assert f'data-limit="60" aria-live="polite">{length}/60</output>' in html
    assert f'data-limit="70" aria-live="polite">{length}/70</output>' in html
    assert f'data-limit="155" aria-live="polite">{len(article.standfirst)}/155</output>' in html


def test_the_word_count_is_the_one_the_reader_page_uses(client, editor, article):
    body = "<h2>Title here</h2><p>One two<br>three.</p><ul><li>four</li><li>five</li></ul>"
    client.force_login(editor)
    client.post(change_url(article), change_form_payload(client, change_url(article), body=body))
    article.refresh_from_db()
    assert article.word_count == 7
    html = client.get(change_url(article)).content.decode()
    assert f"{article.word_count} words · {article.reading_time} min read" in html


def test_a_headline_past_the_limits_is_marked_and_still_saves(client, editor, article):
    headline = "A" * 40 + " " + "B" * 22  # 63 characters
    client.force_login(editor)
    response = client.post(
        change_url(article),
        change_form_payload(client, change_url(article), headline=headline),
    )
    assert response.status_code == 302
    html = client.get(change_url(article)).content.decode()
    assert (
        'class="aid-count is-over" data-source="id_headline" data-limit="60" '
        'aria-live="polite">63/60<span class="visually-hidden"> characters, over the limit'
    ) in html
    assert 'class="aid-count" data-source="id_headline" data-limit="70"' in html


def test_the_previews_show_title_address_and_description_as_cut(client, editor, article):
    Article.objects.filter(pk=article.pk).update(standfirst="word " * 60)
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    date = article.get_absolute_url().split("/")[2:5]
    crumbs = " › ".join(["127.0.0.1:8000", "news", *date, article.slug])
    assert f'data-aid="crumbs">{crumbs}</div>' in html
    assert f'data-aid="search-title">{article.headline} | World | Newsroom</div>' in html
    description = aids.cut("word " * 60, aids.SEARCH_DESCRIPTION_LIMIT)
    assert f'data-aid="search-description">{description}</div>' in html
    assert description.endswith("…") and len(description) <= 155
    assert "No hero picture" in html


def test_a_form_sent_back_with_errors_shows_the_typed_texts_figures(client, editor, article):
    client.force_login(editor)
    payload = change_form_payload(
        client, change_url(article), headline="<b>Typed</b> & kept", slug="not a slug!"
    )
    response = client.post(change_url(article), payload)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-aid="social-title">&lt;b&gt;Typed&lt;/b&gt; &amp; kept</div>' in html
    # The address shows where the story goes once the slug is valid.
    assert " › slug</div>" in html


def test_a_new_article_has_the_aids_too(client, editor):
    client.force_login(editor)
    html = client.get(reverse("admin:articles_article_add")).content.decode()
    assert "0 words · 1 min read" in html
    assert 'data-aid="crumbs">127.0.0.1:8000 › news › ' in html


def test_the_aids_script_is_ours_and_loaded_by_file(client, editor, article):
    """No inline script: the admin's policy allows only its own files."""
    client.force_login(editor)
    html = client.get(change_url(article)).content.decode()
    assert 'src="/static/js/admin-aids.js"' in html
