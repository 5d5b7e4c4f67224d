"""The corrections page and its feed: every note on public stories, newest first."""

import datetime

import pytest
import time_machine

from articles.models import Article, Correction
from tests.factories import ArticleFactory, CorrectionFactory
from tests.markup import Markup

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 3, 18, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def notes(section):
    with time_machine.travel(NOW, tick=False):
        harbour = ArticleFactory(section=section, headline="Harbour vote passes", slug="harbour")
        rail = ArticleFactory(section=section, headline="Rail fares frozen", slug="rail")
        draft = ArticleFactory(
            section=section, headline="Unfinished draft", status=Article.Status.DRAFT
        )
    older = CorrectionFactory(
        article=harbour,
        kind=Correction.Kind.CORRECTION,
        text="An earlier version gave the vote as 31 to 12.",
        created_at=NOW + datetime.timedelta(hours=1),
    )
    newer = CorrectionFactory(
        article=rail,
        kind=Correction.Kind.CLARIFICATION,
        text="The freeze covers season tickets only.",
        created_at=NOW + datetime.timedelta(hours=3),
    )
    CorrectionFactory(article=draft, text="A note on a story nobody may read yet.", created_at=NOW)
    return {"harbour": harbour, "rail": rail, "older": older, "newer": newer}


def test_the_corrections_page_lists_public_notes_newest_first_with_links(client, notes):
    response = client.get("/corrections/")
    assert response.status_code == 200
    html = response.text
    assert html.index("The freeze covers season tickets only.") < html.index(
        "An earlier version gave the vote as 31 to 12."
    )
    assert f'href="{notes["harbour"].get_absolute_url()}"' in html
    assert f'href="{notes["rail"].get_absolute_url()}"' in html
    assert "A note on a story nobody may read yet." not in html
    assert Markup(response.content).title == "Corrections | Newsroom"


def test_the_corrections_page_is_paginated_and_404s_past_its_end(client, notes, settings):
    settings.ARTICLES_PER_PAGE = 1
    assert "Page 2 of 2" in client.get("/corrections/?page=2").text
    assert client.get("/corrections/?page=3").status_code == 404


def test_the_footer_links_to_the_corrections_page(client, notes):
    assert '<a href="/corrections/">Corrections</a>' in client.get("/").text


def test_the_corrections_page_is_public_and_cacheable(client, notes):
    response = client.get("/corrections/")
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


def test_the_corrections_feed_has_one_item_per_public_note(client, notes, settings):
    response = client.get("/corrections/rss.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    xml = response.text
    assert xml.count("<item>") == 2
    assert xml.index("Clarification: Rail fares frozen") < xml.index(
        "Correction: Harbour vote passes"
    )
    assert f"<link>{settings.SITE_URL}{notes['rail'].get_absolute_url()}</link>" in xml
    assert f"#correction-{notes['newer'].pk}</guid>" in xml
    assert "nobody may read" not in xml


def test_the_corrections_page_without_notes_says_so(client, db):
    response = client.get("/corrections/")
    assert response.status_code == 200
    assert "No corrections have been published." in response.text
