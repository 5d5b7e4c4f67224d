"""Bytes on the wire: compressed pages without a BREACH hole, long-lived media, fresh pictures."""

import gzip

import pytest
from django.test import Client

from newsroom.compression import accepted_encodings
from tests.factories import ArticleFactory, UserFactory

pytestmark = pytest.mark.django_db

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate"}


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600


def test_reader_pages_are_gzipped_for_clients_that_accept_it(client, article):
    response = client.get("/", **GZIP)
    assert response.status_code == 200
    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    html = gzip.decompress(response.content).decode()
    assert article.headline in html
    assert int(response["Content-Length"]) == len(response.content)


def test_a_page_served_from_the_page_cache_is_gzipped_too(client, article, page_cache):
    client.get("/section/world/", **GZIP)
    response = client.get("/section/world/", **GZIP)
    assert response["X-Page-Cache"] == "hit"
    assert response["Content-Encoding"] == "gzip"
    assert response["ETag"].startswith('W/"')


def test_a_client_that_does_not_accept_gzip_gets_plain_html(client, article):
    for header in ({}, {"HTTP_ACCEPT_ENCODING": "gzip;q=0, identity"}):
        response = client.get("/", **header)
        assert not response.has_header("Content-Encoding")
        assert article.headline in response.text


def test_a_conditional_get_still_answers_304(client, article, page_cache):
    etag = client.get("/", **GZIP)["ETag"]
    assert client.get("/", HTTP_IF_NONE_MATCH=etag, **GZIP).status_code == 304


def test_a_response_with_a_csrf_token_is_never_compressed(client, db):
    # The admin's login form carries a CSRF token.
    response = client.get("/admin/login/?next=/admin/", **GZIP)
    assert response.status_code == 200
    assert "csrfmiddlewaretoken" in response.text
    assert not response.has_header("Content-Encoding")


def test_pages_for_a_logged_in_visitor_are_never_compressed(article):
    staff = Client()
    staff.force_login(UserFactory(is_staff=True))
    response = staff.get("/?q=reflected", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")


def test_the_posters_private_view_is_never_compressed(client, article):
    response = client.get(f"{article.get_absolute_url()}?pending=abc", **GZIP)
    assert not response.has_header("Content-Encoding")


@pytest.mark.parametrize(
    ("header", "codings"),
    [
        ("gzip, deflate, br", {"gzip", "deflate", "br"}),
        ("gzip;q=0", set()),
        ("GZIP;q=0.5", {"gzip"}),
        ("gzip;q=abc, br", {"br"}),
        ("", set()),
        ("*", {"*"}),
        ("g\x00zip, ;;;, gzip ; q = 1", {"gzip"}),
    ],
)
def test_accept_encoding_is_read_strictly(header, codings):
    assert accepted_encodings(header) == codings


def test_public_renditions_are_cached_for_good(client, section):
    article = ArticleFactory(section=section, with_image=True)
    article.hero.refresh_from_db()
    rendition = article.hero.renditions["hero"]["WEBP"][0]["name"]
    response = client.get(f"/media/{rendition}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_missing_media_file_is_not_cached_for_good(client, db):
    response = client.get("/media/pictures/renditions/none-480.webp")
    assert response.status_code == 404
    assert "immutable" not in response.get("Cache-Control", "")
