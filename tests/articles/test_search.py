import datetime
import html
import re

import pytest
from django.db import connection
from django.utils.html import escape

from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ON_POSTGRESQL = connection.vendor == "postgresql"


def search(client, query, **params):
    response = client.get("/search/", {"q": query, **params})
    assert response.status_code == 200
    return response.text


def result_headlines(content):
    return re.findall(r'<h2 class="teaser-headline"><a href="[^"]+">([^<]+)</a></h2>', content)


def make_article(**fields):
    defaults = {
        "headline": "Council meets",
        "standfirst": "An ordinary meeting.",
        "body": "<p>Nothing of note.</p>",
    }
    return ArticleFactory(**{**defaults, **fields})


@pytest.mark.parametrize(
    "fields",
    [
        {"headline": "Quokka spotted in the park"},
        {"standfirst": "A quokka was spotted in the park."},
        {"body": "<p>Witnesses said a quokka was spotted in the park.</p>"},
    ],
    ids=["headline", "standfirst", "body"],
)
def test_search_finds_a_word_in_headline_standfirst_or_body(client, fields):
    article = make_article(**fields)
    make_article(headline="Unrelated story")
    assert result_headlines(search(client, "quokka")) == [article.headline]


def test_search_is_case_insensitive_and_needs_every_word(client):
    make_article(headline="Zeppelin returns to the harbour")
    make_article(headline="Zeppelin crosses the mountains")
    assert result_headlines(search(client, "ZEPPELIN harbour")) == [
        "Zeppelin returns to the harbour"
    ]


def test_search_leaves_out_articles_readers_may_not_see(client):
    make_article(headline="Public quokka")
    make_article(headline="Draft quokka", draft=True)
    make_article(headline="Scheduled quokka", scheduled=True)
    make_article(
        headline="Expired quokka",
        published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
        expires_at=datetime.datetime(2025, 1, 2, tzinfo=datetime.UTC),
    )
    content = search(client, "quokka")
    assert result_headlines(content) == ["Public quokka"]
    assert "1 result for" in content


def test_search_without_matches_says_so(client):
    make_article()
    content = search(client, "xylophone")
    assert result_headlines(content) == []
    assert "0 results for <strong>xylophone</strong>" in content
    assert "No stories match your search" in content
    assert "Type a word or two to search." not in content


def test_a_blank_query_asks_for_words(client):
    make_article()
    content = search(client, "   ")
    assert result_headlines(content) == []
    assert "Type a word or two to search." in content


def test_search_without_a_query_shows_only_the_form(client):
    make_article()
    content = search(client, "")
    assert result_headlines(content) == []
    assert 'class="result-count"' not in content
    assert "Type a word or two to search." not in content


def test_matches_in_a_snippet_are_highlighted(client):
    """Standfirst and body both hold the word, so either database marks it."""
    make_article(
        headline="Harbour news",
        standfirst="The zeppelin hangar reopens.",
        body="<p>The zeppelin hangar opened its doors again on Monday.</p>",
    )
    content = search(client, "zeppelin")
    assert "<mark>zeppelin</mark>" in content
    assert "<mark>" not in content.split("<main", 1)[0]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="ranking needs PostgreSQL full-text search")
def test_a_headline_match_ranks_above_a_newer_body_only_match(client):
    make_article(
        headline="Zeppelin returns to the harbour",
        published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    make_article(
        headline="Weekend weather",
        body="<p>Forecasters also mentioned the zeppelin flight over the bay.</p>",
        published_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
    )
    assert result_headlines(search(client, "zeppelin")) == [
        "Zeppelin returns to the harbour",
        "Weekend weather",
    ]


@pytest.mark.skipif(not ON_POSTGRESQL, reason="stemmed snippets need PostgreSQL")
def test_body_only_match_shows_a_highlighted_snippet_of_the_body(client):
    make_article(
        headline="Weekend weather",
        standfirst="Rain later.",
        body="<p>Forecasters said two zeppelins &amp; a balloon <b>flew</b> over the bay.</p>",
    )
    content = search(client, "zeppelin")
    # The body's words, stemmed match marked, its "&" escaped once.
    assert "two <mark>zeppelins</mark> &amp; a balloon flew" in content
    assert "Rain later." not in content


@pytest.mark.skipif(ON_POSTGRESQL, reason="SQLite's plain search")
def test_plain_search_lists_newest_first_and_marks_the_standfirst(client):
    make_article(
        headline="Zeppelin returns to the harbour",
        standfirst="A zeppelin over the quay.",
        published_at=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC),
    )
    make_article(
        headline="Weekend weather",
        standfirst="Rain later.",
        body="<p>Forecasters also mentioned the zeppelin flight.</p>",
        published_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
    )
    content = search(client, "zeppelin")
    assert result_headlines(content) == ["Weekend weather", "Zeppelin returns to the harbour"]
    assert "A <mark>zeppelin</mark> over the quay." in content
    assert "Rain later." in content


HOSTILE_QUERIES = [
    ("arabic", "مرحبا بالعالم"),
    ("hebrew", "שלום עולם"),
    ("right-to-left-override", "\u202eevil\u202c zeppelin"),
    ("zero-width", "\u200b\u200d"),
    ("accents", "Zürich café naïve"),
    ("cjk", "東京 ニュース"),
    ("emoji", "💥🔥"),
    ("emoji-zwj", "👩‍👩‍👧 family"),
    ("ten-thousand-chars", "a" * 10_000),
    ("ten-thousand-emoji", "💥" * 10_000),
    ("many-words", "zeppelin " * 2_000),
    ("sql-or", "' OR 1=1 --"),
    ("sql-drop", '"; DROP TABLE articles_article; --'),
    ("sql-sleep", "1; SELECT pg_sleep(5)"),
    ("like-wildcards", "% _ \\"),
    ("script", "<script>alert(1)</script>"),
    ("attribute-breakout", '"><img src=x onerror=alert(1)>'),
    ("title-breakout", "</title><script>alert(1)</script>"),
    ("template-syntax", "{{ settings.SECRET_KEY }} {% debug %}"),
    ("nul", "\x00"),
    ("nul-inside", "zeppe\x00lin"),
    ("control-characters", "\x01\x02\x03\x1f"),
    ("stopword", "the"),
    ("stopwords", "the and of a"),
    ("punctuation", "!!!"),
    ("ampersand", "&"),
    ("pipe", "|"),
    ("prefix", ":*"),
    ("bang", "!"),
    ("open-paren", "("),
    ("close-paren", ")"),
    ("tsquery-operators", "a & b | !c <-> (d"),
    ("tsquery-prefix-word", "zeppelin:*"),
    ("quote", "'"),
    ("double-quote", '"'),
    ("unclosed-phrase", '"zeppelin harbour'),
    ("negation-only", "-zeppelin"),
    ("or-only", "or"),
    ("whitespace", " \t\n "),
    ("backslashes", "\\\\ \\x00 \\u0000"),
]


@pytest.mark.parametrize(
    "query", [query for _, query in HOSTILE_QUERIES], ids=[name for name, _ in HOSTILE_QUERIES]
)
def test_hostile_queries_answer_200_and_come_back_escaped(client, query):
    make_article(headline="Zeppelin returns to the harbour")
    content = search(client, query)
    shown = " ".join(query.split())[:200].replace("\x00", "")
    assert f'value="{escape(shown)}"' in content
    if "<" in shown:
        assert shown not in content
    assert "<script>alert" not in content
    assert "<img src=x" not in content


@pytest.mark.parametrize("raw", ["%FF%FE", "%C0%AF", "%ED%A0%80", "%"], ids=str)
def test_query_strings_that_are_not_utf8_answer_200(client, raw):
    assert client.get(f"/search/?q={raw}").status_code == 200


@pytest.mark.parametrize("query", ["a" * 10_000, "é" * 201, "💥" * 300, "word " * 500])
def test_the_query_shown_back_is_cut_to_200_characters(client, query):
    content = search(client, query)
    [shown] = re.findall(r'<input id="q" type="search" name="q" value="([^"]*)"', content)
    assert shown == escape(" ".join(query.split())[:200])
    assert len(html.unescape(shown)) == 200


def test_a_nul_byte_is_dropped_from_the_query(client):
    make_article(headline="Zeppelin returns")
    assert result_headlines(search(client, "zeppe\x00lin")) == ["Zeppelin returns"]


def test_search_pages_keep_the_query_in_their_links(client, settings):
    settings.ARTICLES_PER_PAGE = 1
    make_article(headline="Zeppelin & co one")
    make_article(headline="Zeppelin & co two")
    content = search(client, "zeppelin & co")
    assert "2 results for <strong>zeppelin &amp; co</strong>" in content
    assert 'href="?q=zeppelin%20%26%20co&amp;page=2"' in content


def test_a_page_of_results_shows_what_the_listing_shows_in_the_ranked_order():
    from articles.models import Article
    from articles.pages import search_results
    from tests.factories import AuthorFactory

    stories = [
        make_article(
            headline=f"Harbour story {n}",
            body="<p>The harbour board met again.</p>",
            authors=AuthorFactory.create_batch(n % 3),
        )
        for n in range(5)
    ]
    ids = [stories[3].pk, stories[0].pk, stories[4].pk, 999_999]  # one that does not exist
    shown = search_results(ids, "harbour")
    assert [story.pk for story in shown] == ids[:3]
    listed = {a.pk: a for a in Article.objects.filter(pk__in=ids).for_listing()}
    for story in shown:
        expected = listed[story.pk]
        assert story.headline == expected.headline and story.section == expected.section
        assert [(a.pk, a.name) for a in story.byline_authors] == [
            (a.pk, a.name) for a in expected.byline_authors
        ]
        assert story.get_absolute_url() == expected.get_absolute_url()
        if ON_POSTGRESQL:
            assert "harbour" in story.snippet.lower()
