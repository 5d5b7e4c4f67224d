"""Bad input and broken services: 4xx for the one, a degraded but working site for the other."""

import socket
import threading
import time

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from newsroom.cache import ResilientRedisCache
from tests.comments.conftest import form_data

pytestmark = pytest.mark.django_db

DEAD_REDIS = "redis://127.0.0.1:1/0"


# Malformed requests ----------------------------------------------------------------------


@pytest.fixture
def quiet_client():
    """Returns the response a visitor would get instead of raising the server's errors."""
    return Client(raise_request_exception=False)


def test_an_unknown_host_is_refused(quiet_client, article):
    for url in ("/", article.get_absolute_url(), "/healthz"):
        assert quiet_client.get(url, HTTP_HOST="evil.example").status_code == 400
    assert quiet_client.get("/", HTTP_HOST="bad host\x00").status_code == 400


@pytest.mark.parametrize(
    "url",
    [
        "/section/%FF%FE/",
        "/news/2026/01/01/%C3%28/",
        "/%ED%A0%80/",
        "/search/?q=%FF%FE%FD",
        "/search/?q=%C3%28&page=%FF",
        "/section/world/?page=%FF",
        "/tag/%FF/rss.xml",
        "/admin/login/?next=%FF",
        "/comments/%FF/report/",
        "/media/%FF.jpg",
    ],
)
def test_invalid_utf8_in_paths_and_queries_is_not_a_server_error(quiet_client, article, url):
    assert quiet_client.get(url).status_code < 500


def test_a_body_over_the_limit_is_refused(quiet_client, settings, article):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    data = form_data(article, body="x" * 20_000)
    response = quiet_client.post(
        f"/comments/post/{article.pk}/", data, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 400
    assert not Comment.objects.exists()


def test_too_many_fields_are_refused(quiet_client, article):
    data = form_data(article) | {f"f{n}": "1" for n in range(2500)}
    response = quiet_client.post(
        f"/comments/post/{article.pk}/", data, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("multipart/form-data; boundary=xyz", b"--xyz\r\nContent-Disposition: form-data"),
        ("multipart/form-data", b"no boundary at all"),
        ("multipart/form-data; boundary=", b"--\r\n"),
        ("multipart/form-data; boundary=" + "b" * 300, b"--b\r\n"),
        ("application/x-www-form-urlencoded", b"body=%FF%FE&author_name=\xff\xfe"),
    ],
)
def test_broken_form_bodies_are_refused_not_failed(quiet_client, article, content_type, body):
    def post(url):
        return quiet_client.generic(
            "POST", url, body, content_type=content_type, headers={"Sec-Fetch-Site": "same-origin"}
        ).status_code

    assert 400 <= post(f"/comments/post/{article.pk}/") < 500
    # The login form reads what it can and asks again (200), or refuses (400); never 500.
    assert post(reverse("admin:login")) in {200, 400}


# The same, as raw bytes on a socket: what the test client cannot send --------------------


def raw_request(live_server, request: bytes) -> bytes:
    host, port = live_server.thread.host, live_server.thread.port
    handlers = set(threading.enumerate())
    with socket.create_connection((host, port), timeout=10) as conn:
        conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    # The server thread still tidies up (database connections) after the answer is sent;
    # let it finish within this test rather than during the next one.
    for thread in set(threading.enumerate()) - handlers:
        if "process_request" in thread.name:
            thread.join(timeout=5)
    return b"".join(chunks)


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("request_bytes", "expected"),
    [
        (b"GET /section/\xff\xfe/ HTTP/1.1\r\nHost: localhost\r\n\r\n", {404}),
        # Undecodable bytes in a query are read as replacement characters: a search.
        (b"GET /search/?q=\xc3\x28 HTTP/1.1\r\nHost: localhost\r\n\r\n", {200}),
        (b"GET / HTTP/1.1\r\nHost: \xff\xfe.example\r\n\r\n", {400}),
        (
            b"POST /comments/post/ARTICLE/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 99999999999\r\n\r\nbody=x",
            {400, 413},
        ),
        (
            b"POST /comments/post/ARTICLE/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: multipart/form-data; boundary=zz\r\nContent-Length: 12\r\n\r\n"
            b"--zz\r\nbroken",
            {400},
        ),
    ],
    ids=["bytes-in-path", "bytes-in-query", "bytes-in-host", "huge-length", "cut-multipart"],
)
def test_raw_malformed_requests_are_answered_without_a_server_error(
    live_server, article, request_bytes, expected
):
    request_bytes = request_bytes.replace(b"ARTICLE", str(article.pk).encode())
    response = raw_request(live_server, request_bytes)
    assert status_of(response) in expected, response[:300]


# Redis down ------------------------------------------------------------------------------


@pytest.fixture
def dead_redis(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": DEAD_REDIS,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    assert isinstance(caches["default"], ResilientRedisCache)


def test_a_dead_redis_reads_as_empty_and_lets_rate_limits_pass(dead_redis, caplog):
    backend = ResilientRedisCache(DEAD_REDIS, {"OPTIONS": {"socket_connect_timeout": 0.5}})
    assert backend.get("k", "fallback") == "fallback"
    assert backend.available is False
    assert "Redis cache unavailable" in caplog.text
    assert backend.get_many(["a", "b"]) == {}
    assert backend.set("k", 1) is None
    assert backend.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert backend.add("k", 1) is True
    assert backend.incr("k") == 1
    assert backend.decr("k", 3) == -3
    assert backend.has_key("k") is False
    assert backend.delete("k") is False
    assert backend.get_or_set("k", 5) == 5


def test_the_redis_cache_makes_one_client_per_connection_pool():
    """Each call borrows a connection from the pool through the same client."""
    backend = ResilientRedisCache(DEAD_REDIS, {})
    client = backend._cache.get_client()
    assert backend._cache.get_client("key") is client
    # One server: reads and writes share its pool, and so the client.
    assert backend._cache.get_client("key", write=True) is client
    assert client.connection_pool is backend._cache._get_connection_pool(write=True)


def test_with_redis_down_pages_are_served_and_comments_posted(dead_redis, client, article):
    started = time.monotonic()
    for url in ("/", article.get_absolute_url(), article.section.get_absolute_url()):
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/comments/post/{article.pk}/",
        form_data(article),
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302
    assert Comment.objects.count() == 1
    # One short connection timeout at most, not one per cache call.
    assert time.monotonic() - started < 5


def test_healthz_reports_a_dead_cache(dead_redis, client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.text == "cache unavailable\n"
    assert response["Cache-Control"] == "no-store"


# Database down ---------------------------------------------------------------------------


@pytest.fixture
def dead_database(monkeypatch):
    """Every new query fails to reach the database, as when PostgreSQL is down."""

    def refuse(self):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(BaseDatabaseWrapper, "ensure_connection", refuse)


def test_readers_get_the_friendly_503_page_when_the_database_is_down(
    article, quiet_client, dead_database
):
    for url in ("/", article.get_absolute_url(), "/search/?q=harbour", "/rss.xml"):
        response = quiet_client.get(url)
        assert response.status_code == 503, url
        assert response["Retry-After"] == "30"
        assert response["Cache-Control"] == "no-store"
        html = response.text
        assert "We'll be back in a moment" in html
        assert "css/site.css" in html
        assert 'class="brand"' in html


def test_healthz_reports_a_dead_database(db, client, dead_database):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.text == "database unavailable\n"
    assert response["Content-Type"] == "text/plain; charset=utf-8"


def test_healthz_is_ok_when_everything_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.text == "ok\n"
    assert response["Cache-Control"] == "no-store"
    assert client.post("/healthz").status_code == 405


def test_other_server_errors_keep_the_500_page(quiet_client, monkeypatch, article):
    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("articles.views.article_page_context", broken)
    response = quiet_client.get(article.get_absolute_url())
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "Retry-After" not in response
