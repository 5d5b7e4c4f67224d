"""The article itself as its page shows it (articles.article_html)."""

import datetime

import pytest

from articles.article_html import article_html, meta_html
from articles.models import Article
from articles.pages import attach_relations
from tests.factories import ArticleFactory, CorrectionFactory, TagFactory

pytestmark = pytest.mark.django_db


def rendered(article):
    article = Article.objects.get(pk=article.pk)
    attach_relations(article)
    return article_html(article)


def test_every_value_is_escaped_and_the_text_is_kept_as_cleaned(settings):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(
        headline='Tom & "Jerry" <script>', source="Wire & Co", body="<p>The <em>vote</em>.</p>"
    )
    html = rendered(article)
    headline = "Tom &amp; &quot;Jerry&quot; &lt;script&gt;"
    assert f'<h1 id="headline" class="headline">{headline}</h1>' in html
    assert "<script>" not in html
    assert '<p class="source">Source: Wire &amp; Co</p>' in html
    assert "<p>The <em>vote</em>.</p>" in html
    share = f"https://news.example.org{article.get_absolute_url()}"
    assert f'data-share-url="{share}"' in html
    # The share links carry the headline and the address URL-encoded.
    assert "text=Tom%20%26%20%22Jerry%22%20%3Cscript%3E&amp;url=https%3A//news.example.org" in html


def test_the_dateline_links_to_its_day_only_while_the_story_is_public():
    public = rendered(ArticleFactory())
    assert 'title="Every story of that day"' in public
    draft = rendered(ArticleFactory(draft=True))
    assert 'title="Every story of that day"' not in draft
    assert "<span>Published <time" in draft


def test_an_update_is_shown_only_when_later_than_publication():
    article = ArticleFactory()
    assert "Updated" not in rendered(article)
    later = article.published_at + datetime.timedelta(hours=2)
    Article.objects.filter(pk=article.pk).update(updated_at=later)
    assert "<span>Updated <time" in rendered(article)


def test_corrections_keep_their_line_breaks_and_tags_link_to_their_pages():
    article = ArticleFactory()
    CorrectionFactory(article=article, text="First line\nsecond <line>")
    article.tags.set([TagFactory(name="Harbour & docks", slug="harbour")])
    html = rendered(article)
    assert '<li class="correction correction-correction">' in html
    assert '<p class="correction-text">First line<br>second &lt;line&gt;</p>' in html
    assert '<li><a href="/tag/harbour/">Harbour &amp; docks</a></li>' in html


def test_a_story_without_tags_corrections_or_hero_leaves_their_blocks_out():
    html = rendered(ArticleFactory(source=""))
    for block in ('class="tags"', 'class="corrections"', 'class="hero"', 'class="source"'):
        assert block not in html


def test_the_metadata_escapes_every_value_and_lists_each_tag(settings):
    settings.SITE_URL = "https://news.example.org"
    article = ArticleFactory(headline='Tom & "Jerry"', standfirst="It's <b>")
    article.tags.set([TagFactory(name="A&B"), TagFactory(name="C")])
    article = Article.objects.get(pk=article.pk)
    attach_relations(article)
    html = meta_html(article)
    assert '<meta name="twitter:title" content="Tom &amp; &quot;Jerry&quot;">' in html
    assert '<meta name="twitter:description" content="It&#x27;s &lt;b&gt;">' in html
    assert html.count('<meta property="article:tag"') == 2
    assert '<meta property="article:tag" content="A&amp;B">' in html
    # No hero: no sharing picture.
    assert "og:image" not in html
    assert '<script type="application/ld+json">' in html
