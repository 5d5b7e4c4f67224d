import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.html import escape

from articles.models import Article, Correction
from demo import newsroom
from demo.management.commands.seed_demo import SEED

ROOT = Path(__file__).resolve().parent.parent.parent


def published(articles, now):
    return [a for a in articles if a.status == "published" and a.published_at <= now]


def test_the_other_apps_never_import_the_demo():
    """The demo depends on articles, authors, comments and newsroom, never the reverse."""
    importing = re.compile(r"^\s*(from\s+demo[\s.]|import\s+demo\b)", re.MULTILINE)
    for app in ("articles", "authors", "comments", "newsroom"):
        for path in (ROOT / app).rglob("*.py"):
            assert not importing.search(path.read_text()), path


def test_every_story_template_has_one_standfirst_for_each_headline():
    for template in newsroom.TEMPLATES:
        assert len(template.standfirsts) == len(template.headlines), template.key


def test_every_demo_article_has_a_standfirst_of_its_own():
    articles = newsroom.demo_articles(SEED, timezone.now())
    standfirsts = [article.story.standfirst for article in articles]
    assert len(set(standfirsts)) == len(standfirsts)


@pytest.mark.django_db
@pytest.mark.usefixtures("quick_illustrations")
def test_seeded_demo_articles_all_have_distinct_standfirsts():
    call_command("seed_demo", stdout=io.StringIO())
    standfirsts = list(Article.objects.values_list("standfirst", flat=True))
    assert len(standfirsts) >= 60
    assert len(set(standfirsts)) == len(standfirsts)


def test_demo_corrections_are_on_published_demo_stories():
    now = timezone.now()
    slugs = {article.slug for article in published(newsroom.demo_articles(SEED, now), now)}
    assert 2 <= len(newsroom.CORRECTIONS) <= 3
    for note in newsroom.CORRECTIONS:
        assert note["slug"] in slugs
        assert note["kind"] in Correction.Kind.values


@pytest.mark.django_db
@pytest.mark.usefixtures("quick_illustrations")
def test_seeded_demo_shows_corrections_and_an_embedded_social_post(client):
    call_command("seed_demo", stdout=io.StringIO())
    corrected = Article.objects.public().filter(corrections__isnull=False).distinct()
    assert corrected.count() == len(newsroom.CORRECTIONS)
    for note in Correction.objects.select_related("article"):
        assert note.created_at > note.article.published_at
        page = client.get(note.article.get_absolute_url())
        assert escape(note.text) in page.content.decode()

    # The article body's one kind of embed, a social post, as readers see it.
    with_post = Article.objects.public().filter(body__contains='class="social-post"').first()
    assert with_post is not None
    page = client.get(with_post.get_absolute_url()).content.decode()
    assert re.search(r'<blockquote class="social-post" cite="https://social\.example/', page)
