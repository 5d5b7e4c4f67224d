"""Read replicas: which database each request reads from.

The router's choices are tested against two replica aliases that mirror the test database
(tests/settings.py), with the router installed per test; which connection ran the queries
shows where a request read from. The real streaming replica test at the end starts a
second PostgreSQL cluster copied with pg_basebackup and runs the app against both.
"""

import time

import pytest
from django.core.cache import cache
from django.core.exceptions import MiddlewareNotUsed
from django.db import OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext

from newsroom import db_router, pagecache
from newsroom.replica_middleware import PIN_COOKIE, ReplicaReadsMiddleware
from tests.comments.conftest import form_data
from tests.production import PYTHON, django_eval, production_env, run

ALIASES = ["default", "replica1", "replica2"]
ROUTER = "newsroom.db_router.ReplicaRouter"


@pytest.fixture
def routing(settings):
    settings.DATABASE_ROUTERS = [ROUTER]
    settings.DATABASE_REPLICA_PIN_SECONDS = 5
    settings.DATABASE_REPLICA_RETRY_SECONDS = 30
    db_router.forget_failures()
    yield
    db_router.forget_failures()


@pytest.fixture
def reading_from():
    """Runs a block with the request's reads set to one alias, as the middleware does."""

    class Block:
        def __init__(self, alias):
            self.reads = db_router.Reads(alias=alias)

        def __enter__(self):
            self.token = db_router.reads.set(self.reads)
            return self.reads

        def __exit__(self, *exc):
            db_router.reads.reset(self.token)

    return Block


class Queries:
    """The queries each database alias ran during the block."""

    def __enter__(self):
        self.captures = {alias: CaptureQueriesContext(connections[alias]) for alias in ALIASES}
        for capture in self.captures.values():
            capture.__enter__()
        return self

    def __exit__(self, *exc):
        for capture in self.captures.values():
            capture.__exit__(*exc)

    def on(self, alias):
        return len(self.captures[alias].captured_queries)


def unreachable(monkeypatch, alias):
    def refuse():
        raise OperationalError(f"connection to {alias} refused")

    monkeypatch.setattr(connections[alias], "ensure_connection", refuse)


# Settings ----------------------------------------------------------------------------------


def test_without_replicas_there_is_no_router_and_the_middleware_removes_itself(settings):
    assert settings.DATABASE_ROUTERS == []
    with pytest.raises(MiddlewareNotUsed):
        ReplicaReadsMiddleware(lambda request: None)


def test_replica_urls_become_mirrored_aliases_with_a_bounded_connect_timeout():
    values = django_eval(
        "from django.conf import settings as s\n"
        "print(json.dumps([{a: [d['HOST'], d['PORT'], d['NAME'], d['OPTIONS'], d['TEST']]"
        " for a, d in s.DATABASES.items() if a != 'default'}, s.DATABASE_ROUTERS]))",
        production_env(
            DATABASE_REPLICA_URLS=(
                "postgres://reader@10.0.0.2:5432/newsroom, postgres://reader@10.0.0.3/newsroom"
            )
        ),
    )
    replicas, routers = values
    assert replicas["replica1"][:3] == ["10.0.0.2", 5432, "newsroom"]
    assert replicas["replica2"][0] == "10.0.0.3"
    assert replicas["replica1"][3] == {"connect_timeout": 2}
    assert replicas["replica1"][4]["MIRROR"] == "default"
    assert routers == [ROUTER]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"DATABASE_REPLICA_URLS": "mysql://reader@10.0.0.2/newsroom"},
            "DATABASE_REPLICA_URLS needs PostgreSQL",
        ),
        (
            {
                "DATABASE_URL": "sqlite:////tmp/newsroom-replica-check.sqlite3",
                "DATABASE_REPLICA_URLS": "postgres://reader@10.0.0.2/newsroom",
            },
            "DATABASE_REPLICA_URLS needs PostgreSQL",
        ),
        (
            {"DATABASE_REPLICA_URLS": "postgres://reader@10.0.0.2:port/newsroom"},
            "DATABASE_REPLICA_URLS: replica 1 is not a database URL",
        ),
        (
            {"DATABASE_REPLICA_URLS": "postgres://reader@10.0.0.2/newsroom,10.0.0.3"},
            "DATABASE_REPLICA_URLS: replica 2 is not a database URL",
        ),
    ],
)
def test_bad_replica_urls_stop_the_start_with_a_clear_message(overrides, message):
    result = run([PYTHON, "manage.py", "check"], production_env(**overrides))
    assert result.returncode != 0
    assert message in result.stderr


# The router's choices ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_outside_a_reader_request_everything_reads_from_the_primary(routing):
    router = db_router.ReplicaRouter()
    assert db_router.reads.get() is None
    assert router.db_for_read(None) == "default"


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_reader_request_reads_from_its_replica(routing, reading_from):
    router = db_router.ReplicaRouter()
    with reading_from("replica2"):
        assert router.db_for_read(None) == "replica2"


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_writes_always_go_to_the_primary(routing, reading_from):
    router = db_router.ReplicaRouter()
    with reading_from("replica1"):
        assert router.db_for_write(None) == "default"
    assert router.db_for_write(None) == "default"


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_reads_inside_a_transaction_see_the_primary(routing, reading_from):
    router = db_router.ReplicaRouter()
    with reading_from("replica1"):
        with transaction.atomic():
            assert router.db_for_read(None) == "default"
        assert router.db_for_read(None) == "replica1"


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_rows_related_to_an_object_read_from_the_primary_come_from_the_primary(
    routing, reading_from, article
):
    router = db_router.ReplicaRouter()
    with reading_from("replica1"):
        assert router.db_for_read(None, instance=article) == "default"


def test_only_the_primary_is_migrated():
    router = db_router.ReplicaRouter()
    assert router.allow_migrate("default", "articles")
    assert not router.allow_migrate("replica1", "articles")


def test_replicas_take_turns(routing):
    picked = [db_router.pick_replica() for _ in range(4)]
    assert sorted(picked) == ["replica1", "replica1", "replica2", "replica2"]
    assert picked[0] != picked[1]


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_replica_that_does_not_answer_is_skipped_for_a_while(routing, reading_from, monkeypatch):
    unreachable(monkeypatch, "replica1")
    router = db_router.ReplicaRouter()
    with reading_from("replica1") as reads:
        assert router.db_for_read(None) == "replica2"
    assert reads.alias == "replica2"
    assert db_router.is_down("replica1")
    assert {db_router.pick_replica() for _ in range(4)} == {"replica2"}


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_with_every_replica_down_reads_fall_back_to_the_primary(routing, reading_from, monkeypatch):
    unreachable(monkeypatch, "replica1")
    unreachable(monkeypatch, "replica2")
    router = db_router.ReplicaRouter()
    with reading_from("replica1"):
        assert router.db_for_read(None) == "default"
    assert db_router.pick_replica() == "default"


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_replica_is_tried_again_once_its_retry_time_has_passed(
    routing, reading_from, monkeypatch, settings
):
    settings.DATABASE_REPLICA_RETRY_SECONDS = 0
    with monkeypatch.context() as patch:
        unreachable(patch, "replica1")
        unreachable(patch, "replica2")
        with reading_from("replica1"):
            assert db_router.ReplicaRouter().db_for_read(None) == "default"
    time.sleep(0.01)
    with reading_from("replica1"):
        assert db_router.ReplicaRouter().db_for_read(None) == "replica1"


# Requests --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_an_anonymous_reader_page_is_read_from_a_replica_only(routing, client, article):
    with Queries() as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert queries.on("default") == 0
    assert queries.on("replica1") + queries.on("replica2") > 0


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_reader_page_keeps_its_shared_cache_headers_and_sets_no_cookie(routing, client, article):
    response = client.get(article.get_absolute_url())
    assert "public" in response["Cache-Control"]
    assert not response.cookies
    assert "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_after_posting_a_comment_the_poster_reads_from_the_primary(routing, client, article):
    from comments.models import DiscussionSettings

    DiscussionSettings.objects.create(notify_moderators=False)
    response = client.post(
        f"/comments/post/{article.pk}/",
        form_data(article),
        headers={"Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302
    pin = response.cookies[PIN_COOKIE]
    assert pin["max-age"] == 5 and pin["httponly"] and pin["samesite"] == "Lax"

    # The poster's own view of their pending comment, then any page for a few seconds.
    for url in (response["Location"], article.get_absolute_url(), "/"):
        with Queries() as queries:
            assert client.get(url).status_code == 200
        assert queries.on("replica1") + queries.on("replica2") == 0, url
        assert queries.on("default") > 0

    # A page read by the pinned poster is the shared one: no cookie, no Vary on cookies.
    response = client.get(article.get_absolute_url())
    assert "public" in response["Cache-Control"]
    assert not response.cookies and "Cookie" not in response.get("Vary", "")


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_the_pin_ends_after_its_seconds(routing, client, article):
    client.cookies[PIN_COOKIE] = str(int(time.time()) - 1)
    with Queries() as queries:
        client.get(article.get_absolute_url())
    assert queries.on("default") == 0


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_forged_long_pin_is_ignored(routing, client, article):
    client.cookies[PIN_COOKIE] = str(int(time.time()) + 3600)
    with Queries() as queries:
        client.get(article.get_absolute_url())
    assert queries.on("default") == 0


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_the_admin_reads_from_the_primary(routing, client, editor, settings):
    client.force_login(editor)
    with Queries() as queries:
        assert client.get(f"/{settings.ADMIN_PATH}").status_code == 200
    assert queries.on("replica1") + queries.on("replica2") == 0


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_with_the_replicas_down_readers_still_get_their_page(routing, client, article, monkeypatch):
    with Queries() as queries:
        unreachable(monkeypatch, "replica1")
        unreachable(monkeypatch, "replica2")
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert queries.on("default") > 0


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_page_whose_parts_just_changed_is_rendered_from_the_primary(
    routing, client, article, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    pagecache._bump([pagecache.SITE])
    with Queries() as queries:
        response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert queries.on("replica1") + queries.on("replica2") == 0

    # Once the change is older than the pin window, a replica renders the pages. (What is
    # scheduled next is looked up on the primary, once per change, before any page.)
    settings.DATABASE_REPLICA_PIN_SECONDS = 0
    pagecache._bump([pagecache.SITE])
    client.get(article.get_absolute_url())
    with Queries() as queries:
        assert client.get("/")["X-Page-Cache"] == "miss"
    assert queries.on("default") == 0
    assert queries.on("replica1") + queries.on("replica2") > 0


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_page_that_shows_a_thread_changed_a_moment_ago_is_rendered_again_from_the_primary(
    routing, client, article, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    # The site changed long ago; only this article's thread changed a moment ago, which the
    # page learns while it renders.
    cache.set(pagecache._PREFIX + pagecache.SITE, pagecache._now_us() - 60_000_000, None)
    pagecache._bump([pagecache.article(article.pk)])
    pagecache._current([pagecache.SITE])  # what is scheduled next, looked up beforehand
    with Queries() as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert queries.on("replica1") + queries.on("replica2") > 0
    assert queries.on("default") > 0
