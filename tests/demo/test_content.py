import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article
from demo import newsroom
from demo.management.commands.seed_demo import SEED

ROOT = Path(__file__).resolve().parent.parent.parent


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
