"""The article list's author filter: a search by name, never a link for every author."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.admin.filters import AuthorFilter
from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


@pytest.fixture
def newsroom(db):
    """Two named authors with a story each, and enough others to overflow the matches."""
    amara = AuthorFactory(name="Amara Osei", slug="amara-osei")
    tomas = AuthorFactory(name="Tomás Herrera", slug="tomas-herrera")
    ArticleFactory(headline="Harbour plan approved", authors=[amara])
    ArticleFactory(headline="Tram line delayed", authors=[tomas])
    AuthorFactory.create_batch(AuthorFilter.MATCHES + 5)
    return {"amara": amara, "tomas": tomas}


def headlines(response):
    return {str(article.headline) for article in response.context["cl"].result_list}


def author_links(response):
    """The filter's links, by what they show."""
    specs = [spec for spec in response.context["cl"].filter_specs if isinstance(spec, AuthorFilter)]
    return [choice["display"] for spec in specs for choice in spec.choices(response.context["cl"])]


def test_the_list_has_no_link_per_author_until_a_name_is_typed(client, editor, newsroom):
    """Without a search, the filter is a labelled search box and an "All" link."""
    client.force_login(editor)
    response = client.get(CHANGELIST)
    assert response.status_code == 200
    assert author_links(response) == ["All"]
    page = response.content.decode()
    assert '<label for="author-filter-name">' in page
    assert 'name="author_q"' in page
    assert "Reporter 1<" not in page


def test_typing_part_of_a_name_lists_the_authors_that_match(client, editor, newsroom):
    client.force_login(editor)
    response = client.get(CHANGELIST, {"author_q": "  osei "})
    assert response.status_code == 200
    assert author_links(response) == ["All", "Amara Osei"]
    # The search only finds the author: the list itself is not narrowed yet.
    assert headlines(response) == {"Harbour plan approved", "Tram line delayed"}
    assert "Authors whose names contain “osei”" in html.unescape(response.content.decode())


def test_too_many_matches_are_cut_with_advice_to_type_more(client, editor, newsroom):
    client.force_login(editor)
    response = client.get(CHANGELIST, {"author_q": "reporter"})
    assert len(author_links(response)) == 1 + AuthorFilter.MATCHES
    assert "type more of the name" in response.content.decode()


def test_a_name_nobody_has_says_so(client, editor, newsroom):
    client.force_login(editor)
    response = client.get(CHANGELIST, {"author_q": "Nobody"})
    assert author_links(response) == ["All"]
    assert "No author’s name contains “Nobody”" in html.unescape(response.content.decode())


def test_choosing_an_author_lists_their_articles_and_keeps_them_selected(client, editor, newsroom):
    """The chosen author stays listed (and selected) when the search box is changed."""
    client.force_login(editor)
    amara = newsroom["amara"]
    response = client.get(CHANGELIST, {"author": amara.pk, "author_q": "Tom"})
    assert response.status_code == 200
    assert headlines(response) == {"Harbour plan approved"}
    assert author_links(response) == ["All", "Amara Osei", "Tomás Herrera"]
    page = response.content.decode()
    assert f'<a href="?author={amara.pk}&amp;author_q=Tom" aria-current="true">' in page


def test_the_search_form_keeps_the_other_filters_and_the_list_search(client, editor, newsroom):
    client.force_login(editor)
    response = client.get(
        CHANGELIST, {"status__exact": "published", "q": "harbour", "o": "-5", "author_q": "x"}
    )
    page = response.content.decode()
    form = page[page.index('class="author-filter-search"') : page.index('id="author-filter-name"')]
    for name, value in [("status__exact", "published"), ("q", "harbour"), ("o", "-5")]:
        assert f'<input type="hidden" name="{name}" value="{value}">' in form
    assert 'name="author_q" value="x"' not in form.split("<label")[0]


@pytest.mark.parametrize(
    "value",
    ["abc", "-1", "1.0", "1e3", "٣", "99999999999999999999999", "999999", " 1", "1\x00"],
)
def test_a_malformed_or_unknown_author_is_a_clear_empty_list(client, editor, newsroom, value):
    """Never a 500 or a redirect that drops the other filters: the filter says what is wrong."""
    client.force_login(editor)
    response = client.get(CHANGELIST, {"author": value, "status__exact": "published"})
    assert response.status_code == 200
    assert headlines(response) == set()
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize(
    "typed",
    ["%", "_", "\x00", "Osei\x00", "'; DROP TABLE authors_author; --", "o" * 5000, "\u202e"],
)
def test_hostile_searches_answer_with_a_page(client, editor, newsroom, typed):
    client.force_login(editor)
    response = client.get(CHANGELIST, {"author_q": typed})
    assert response.status_code == 200
    assert len(author_links(response)) <= 1 + AuthorFilter.MATCHES


def test_a_writer_finds_authors_and_filters_the_list(client, writer, newsroom):
    """Writers may read the author list (the byline boxes need it), so they may search it."""
    client.force_login(writer)
    response = client.get(CHANGELIST, {"author_q": "Amara"})
    assert author_links(response) == ["All", "Amara Osei"]
    response = client.get(CHANGELIST, {"author": newsroom["tomas"].pk})
    assert headlines(response) == {"Tram line delayed"}


def test_a_moderator_sees_articles_but_searches_no_authors(client, moderator, newsroom):
    """Comment moderators may read the article list, not the author list: no author search."""
    client.force_login(moderator)
    response = client.get(CHANGELIST, {"author_q": "Amara"})
    assert response.status_code == 200
    assert author_links(response) == []
    assert 'id="author-filter-name"' not in response.content.decode()
    # A link someone shared still narrows the list, naming only the author it chose.
    response = client.get(CHANGELIST, {"author": newsroom["amara"].pk, "author_q": "Reporter"})
    assert headlines(response) == {"Harbour plan approved"}
    assert author_links(response) == ["All", "Amara Osei"]


def test_the_filter_costs_one_query_however_many_authors_match(client, editor, newsroom):
    """The chosen author and the matches come in one query, capped at MATCHES rows."""
    client.force_login(editor)
    params = {"author": newsroom["amara"].pk, "author_q": "Reporter"}
    client.get(CHANGELIST, params)
    with CaptureQueriesContext(connection) as few:
        client.get(CHANGELIST, params)
    AuthorFactory.create_batch(200)
    with CaptureQueriesContext(connection) as many:
        response = client.get(CHANGELIST, params)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(author_links(response)) == 2 + AuthorFilter.MATCHES
    searches = [
        q["sql"]
        for q in many.captured_queries
        if 'FROM "authors_author"' in q["sql"] and "LIMIT" in q["sql"]
    ]
    assert len(searches) == 1
