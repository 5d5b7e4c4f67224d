"""Read replicas: which database each request reads from.

The router's choices are tested against two replica aliases that mirror the test database
(tests/settings.py), with the router installed per test; which connection ran the queries
shows where a request read from. The real streaming replica test at the end starts a
second PostgreSQL cluster copied with pg_basebackup and runs the app against both.
"""

import contextlib
import datetime
import os
import re
import secrets
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import psycopg
import pytest
import time_machine
from django.core.exceptions import MiddlewareNotUsed
from django.db import OperationalError, connections, transaction
from django.test.utils import CaptureQueriesContext

from newsroom import db_router, pagecache
from newsroom.replica_middleware import PIN_COOKIE, ReplicaReadsMiddleware
from tests.comments.conftest import form_data
from tests.production import PYTHON, django_eval, free_port, production_env, run
from tests.test_two_servers import ROOT, Server, wait_until_up

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
    assert replicas["replica1"][3] == {"connect_timeout": 2, "prepare_threshold": 0}
    assert replicas["replica1"][4]["MIRROR"] == "default"
    assert routers == [ROUTER]


def test_prepared_statements_are_off_for_every_database_when_a_pooler_needs_it():
    values = django_eval(
        "from django.conf import settings as s\n"
        "print(json.dumps([d['OPTIONS'].get('prepare_threshold', 'unset')"
        " for d in s.DATABASES.values()]))",
        production_env(
            DATABASE_REPLICA_URLS="postgres://reader@10.0.0.2:5432/newsroom",
            DATABASE_PREPARED_STATEMENTS="false",
        ),
    )
    # psycopg's own default, which Django keeps: no statement is ever prepared.
    assert values == ["unset", "unset"]


def test_check_deploy_stays_clean_with_replicas_configured():
    result = run(
        [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "DEBUG"],
        production_env(DATABASE_REPLICA_URLS="postgres://reader@10.0.0.2:5432/newsroom"),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


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
def test_a_query_cancelled_on_a_replica_is_answered_from_the_primary(routing, client, article):
    def cancel(execute, sql, params, many, context):
        raise OperationalError("canceling statement due to conflict with recovery")

    with Queries() as queries, contextlib.ExitStack() as replicas:
        for alias in ("replica1", "replica2"):
            replicas.enter_context(connections[alias].execute_wrapper(cancel))
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert article.headline in response.content.decode()
    assert queries.on("default") > 0
    # The replica itself still answers: it is not set aside.
    assert not db_router.is_down("replica1") and not db_router.is_down("replica2")


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_replica_lost_in_the_middle_of_a_request_is_set_aside(
    routing, client, article, monkeypatch
):
    def lose(execute, sql, params, many, context):
        raise OperationalError("server closed the connection unexpectedly")

    with contextlib.ExitStack() as replicas:
        for alias in ("replica1", "replica2"):
            replicas.enter_context(connections[alias].execute_wrapper(lose))
            monkeypatch.setattr(connections[alias], "is_usable", lambda: False)
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert db_router.is_down("replica1") or db_router.is_down("replica2")


@pytest.mark.django_db(transaction=True, databases=ALIASES)
def test_a_page_whose_parts_just_changed_is_rendered_from_the_primary(
    routing, client, article, settings
):
    settings.PAGE_CACHE_SECONDS = 600
    pagecache.touch_site()
    with Queries() as queries:
        response = client.get(article.get_absolute_url())
    assert response["X-Page-Cache"] == "miss"
    assert queries.on("replica1") + queries.on("replica2") == 0

    # Once the change is older than the pin window, a replica renders the pages. (What is
    # scheduled next is looked up on the primary, once per change, before any page.)
    settings.DATABASE_REPLICA_PIN_SECONDS = 0
    pagecache.touch_site()
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
    # The site changed a minute ago: pages that show only the site read from a replica. (The
    # first request also looks up, on the primary, what is scheduled next.)
    with time_machine.travel(time.time() - 60):
        pagecache.touch(*pagecache.EVERY_PAGE)
    with Queries() as queries:
        client.get("/")
    assert queries.on("replica1") + queries.on("replica2") > 0
    # Only this article's thread changes now, which its page learns while it renders.
    pagecache.touch_article(article.pk)
    with Queries() as queries:
        response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert queries.on("replica1") + queries.on("replica2") > 0
    assert queries.on("default") > 0


# A real streaming replica ------------------------------------------------------------------

PRIMARY_URL = os.environ.get("DATABASE_URL", "")
FIRST_HEADLINE = "Lock keepers vote to keep the night shift"
SECOND_HEADLINE = "Lock keepers keep the night shift, and add a second crew"


def as_postgres(args, **kwargs):
    """Runs a PostgreSQL program as the postgres user (the server refuses to run as root)."""
    return subprocess.run(
        ["runuser", "-u", "postgres", "--", *args],
        capture_output=True,
        text=True,
        timeout=kwargs.pop("timeout", 120),
        **kwargs,
    )


def sql(url, query, *params, dbname=None):
    conninfo = psycopg.conninfo.make_conninfo(url, **({"dbname": dbname} if dbname else {}))
    with psycopg.connect(conninfo, autocommit=True, connect_timeout=5) as conn:
        rows = conn.execute(query, params or None)
        return rows.fetchall() if rows.description else None


def allow_replication(primary):
    """The primary accepts replication connections from 127.0.0.1 (once per machine)."""
    line = "host replication all 127.0.0.1/32 trust"
    hba = Path(sql(primary, "SHOW hba_file", dbname="postgres")[0][0])
    if line not in hba.read_text().splitlines():
        with hba.open("a") as config:
            config.write(
                f"\n# Streaming replicas on this machine (tests/test_replicas.py).\n{line}\n"
            )
        sql(primary, "SELECT pg_reload_conf()", dbname="postgres")
        time.sleep(1)


@pytest.fixture(scope="module")
def streaming_replica():
    """A second PostgreSQL cluster on a free port, streaming from the primary.

    Yields its URL (without a database name), a function that stops it, and the name the
    primary knows it by.
    """
    if not PRIMARY_URL.startswith("postgres"):
        pytest.skip("needs DATABASE_URL on PostgreSQL (.ci/run's second pass)")
    if os.geteuid() != 0 or shutil.which("runuser") is None:
        pytest.skip("setting up a replica needs root, to run pg_basebackup as postgres")
    version = int(sql(PRIMARY_URL, "SHOW server_version_num", dbname="postgres")[0][0]) // 10000
    bindir = Path(f"/usr/lib/postgresql/{version}/bin")
    if not (bindir / "pg_basebackup").exists():
        pytest.skip(f"pg_basebackup for PostgreSQL {version} is not installed in {bindir}")
    try:
        allow_replication(PRIMARY_URL)
    except OSError as error:
        pytest.skip(f"cannot allow replication in the primary's pg_hba.conf: {error}")
    primary = psycopg_conninfo(PRIMARY_URL)
    # A hot standby needs at least the primary's values of these.
    needed = {
        name: sql(PRIMARY_URL, f"SHOW {name}", dbname="postgres")[0][0]
        for name in (
            "max_connections",
            "max_worker_processes",
            "max_wal_senders",
            "max_prepared_transactions",
            "max_locks_per_transaction",
        )
    }
    base = Path(tempfile.mkdtemp(prefix="newsroom-replica-"))
    shutil.chown(base, "postgres")
    data = base / "data"
    port = free_port()
    # The name its WAL receiver gives the primary (pg_stat_replication.application_name).
    cluster = f"newsroom_replica_{port}"
    started = False

    def stop():
        nonlocal started
        if started:
            as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "stop", "-m", "fast", "-w"])
            started = False

    try:
        copied = as_postgres(
            [str(bindir / "pg_basebackup"), "-h", primary["host"], "-p", primary["port"]]
            + ["-U", primary["user"], "-D", str(data), "-R", "-X", "stream", "-c", "fast"]
        )
        if copied.returncode != 0:
            pytest.skip(f"pg_basebackup failed: {copied.stderr.strip()}")
        # Debian keeps a cluster's configuration in /etc; the copy gets its own.
        for name, text in (
            ("postgresql.conf", ""),
            ("pg_ident.conf", ""),
            ("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n"),
        ):
            (data / name).write_text(text)
            shutil.chown(data / name, "postgres")
        options = [f"-p {port}", f"-c unix_socket_directories={base}"]
        options += ["-c listen_addresses=127.0.0.1", f"-c cluster_name={cluster}"]
        options += [f"-c {name}={value}" for name, value in needed.items()]
        result = as_postgres(
            [str(bindir / "pg_ctl"), "-D", str(data), "-o", " ".join(options)]
            + ["-l", str(base / "log"), "-w", "-t", "60", "start"]
        )
        started = result.returncode == 0
        if not started:
            log = (base / "log").read_text() if (base / "log").exists() else ""
            pytest.fail(f"the replica did not start: {result.stderr}\n{log}")
        url = f"postgres://{primary['user']}@127.0.0.1:{port}"
        assert sql(url, "SELECT pg_is_in_recovery()", dbname="postgres") == [(True,)]
        yield url, stop, cluster
    finally:
        stop()
        shutil.rmtree(base, ignore_errors=True)


def psycopg_conninfo(url):
    parsed = urllib.parse.urlsplit(url)
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": str(parsed.port or 5432),
        "user": parsed.username or "postgres",
    }


@pytest.fixture(scope="module")
def replicated_newsroom(streaming_replica, collected_static, tmp_path_factory):
    """A database of its own on the primary, migrated and with one article, and gunicorn
    serving it with the replica configured.

    Yields the server, the database's URL on the primary and on the replica, the function
    that stops the replica, and the name the primary knows the replica by.
    """
    replica_url, stop_replica, replica_name = streaming_replica
    media = tmp_path_factory.mktemp("replica-media")
    name = f"newsroom_replicas_{secrets.token_hex(4)}"
    sql(PRIMARY_URL, f'CREATE DATABASE "{name}"', dbname="postgres")
    primary_db = urllib.parse.urlsplit(PRIMARY_URL)._replace(path=f"/{name}").geturl()
    replica_db = f"{replica_url}/{name}"
    env = production_env(
        DATABASE_URL=primary_db,
        DATABASE_REPLICA_URLS=replica_db,
        REDIS_URL=None,
        TASKS_BACKEND="immediate",
        EMAIL_URL="console:",
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(collected_static),
        SECURE_SSL_REDIRECT="false",
        TRUSTED_PROXY_COUNT="0",
        # Every request renders, so every request reads; connections closed after each.
        PAGE_CACHE_SECONDS="0",
        DATABASE_CONN_MAX_AGE="0",
        DATABASE_REPLICA_PIN_SECONDS="10",
        DATABASE_REPLICA_RETRY_SECONDS="30",
        LOG_LEVEL="ERROR",
        MEDIA_ROOT=str(media),
    )
    process = None
    try:
        migrated = subprocess.run(
            [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert migrated.returncode == 0, migrated.stderr
        seeded = run(
            [
                PYTHON,
                "-c",
                "import django; django.setup(); import tests.test_replicas as t; t.seed()",
            ],
            env,
        )
        assert seeded.returncode == 0, seeded.stderr
        port = free_port()
        process = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "newsroom.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--threads", "2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        server = Server(port, process)
        wait_until_up(server)
        yield server, primary_db, replica_db, stop_replica, replica_name
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        stop_replica()
        sql(PRIMARY_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', dbname="postgres")


def seed():
    """The one article and the discussion settings the streaming test reads and comments on."""
    from comments.models import DiscussionSettings
    from tests.factories import ArticleFactory, AuthorFactory, SectionFactory

    ArticleFactory(
        section=SectionFactory(name="Canals", slug="canals"),
        authors=[AuthorFactory(name="Tomasz Wren", slug="tomasz-wren")],
        headline=FIRST_HEADLINE,
        slug="lock-keepers",
    )
    DiscussionSettings.objects.create(notify_moderators=False, min_seconds=0)


def replay(replica_db, *, paused):
    sql(replica_db, "SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


def caught_up(primary_db, replica_db, timeout=30):
    """Waits until the replica has replayed everything the primary wrote so far."""
    target = sql(primary_db, "SELECT pg_current_wal_lsn()::text")[0][0]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        done = sql(replica_db, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target)[0][0]
        if done:
            return
        time.sleep(0.1)
    raise AssertionError("the replica did not catch up with the primary")


def article_path(primary_db):
    published = sql(
        primary_db, "SELECT published_at FROM articles_article WHERE slug = 'lock-keepers'"
    )
    day = published[0][0].astimezone(datetime.UTC)
    return f"/news/{day.year}/{day.month}/{day.day}/lock-keepers/"


@pytest.mark.slow
def test_a_streaming_replica_serves_readers_and_the_primary_serves_writers(replicated_newsroom):
    server, primary_db, replica_db, stop_replica, replica_name = replicated_newsroom
    streaming = "SELECT state FROM pg_stat_replication WHERE application_name = %s"
    assert sql(primary_db, streaming, replica_name) == [("streaming",)]
    caught_up(primary_db, replica_db)
    path = article_path(primary_db)
    status, _, html = server.get(path)
    assert status == 200 and FIRST_HEADLINE in html

    # Readers keep getting pages while the primary takes writes.
    def write_many():
        for number in range(40):
            sql(
                primary_db,
                "UPDATE articles_article SET standfirst = %s WHERE slug = 'lock-keepers'",
                f"Update number {number} from the desk.",
            )

    writer = threading.Thread(target=write_many)
    writer.start()
    answers = []
    while writer.is_alive():
        answers.append(server.get(path)[0])
        answers.append(server.get("/")[0])
    writer.join()
    assert answers and set(answers) == {200}
    caught_up(primary_db, replica_db)
    assert "Update number 39 from the desk." in server.get(path)[2]

    # With replay paused, only the primary knows the new headline: whoever sees it read
    # from the primary, whoever does not read from the replica.
    replay(replica_db, paused=True)
    try:
        sql(
            primary_db,
            "UPDATE articles_article SET headline = %s WHERE slug = 'lock-keepers'",
            SECOND_HEADLINE,
        )
        status, headers, html = server.get(path)
        assert status == 200 and FIRST_HEADLINE in html and SECOND_HEADLINE not in html
        assert "public" in headers["Cache-Control"] and "Set-Cookie" not in headers

        token = re.search(r'name="token" value="([^"]+)"', html)[1]
        article_id = sql(primary_db, "SELECT id FROM articles_article WHERE slug = 'lock-keepers'")
        status, headers, html = server.request(
            f"/comments/post/{article_id[0][0]}/",
            {
                "author_name": "Odile Brand",
                "author_email": "odile@example.net",
                "author_url": "",
                "body": "The night crew saved my boat last winter.",
                "token": token,
                "parent": "",
                "contact_fax": "",
            },
            headers={"Sec-Fetch-Site": "same-origin", "Origin": server.url},
        )
        # The redirect to the poster's own view was followed: read from the primary.
        assert status == 200
        assert "awaiting moderation" in html and SECOND_HEADLINE in html
        # For the next seconds the poster reads from the primary on any page...
        status, headers, html = server.get(path)
        assert status == 200 and SECOND_HEADLINE in html
        assert "Set-Cookie" not in headers and "Cookie" not in headers.get("Vary", "")
        # ...while another reader still reads from the paused replica.
        other = Server(server.port, server.process)
        assert FIRST_HEADLINE in other.get(path)[2]
        assert sql(replica_db, "SELECT count(*) FROM comments_comment") == [(0,)]
    finally:
        replay(replica_db, paused=False)
    caught_up(primary_db, replica_db)
    other = Server(server.port, server.process)
    assert SECOND_HEADLINE in other.get(path)[2]

    # A replica that is down: readers get their pages from the primary.
    stop_replica()
    for page in (path, "/", "/section/canals/"):
        status, _, html = other.get(page)
        assert status == 200, page
    assert SECOND_HEADLINE in other.get(path)[2]
