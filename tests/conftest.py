import threading

import pytest
from django.core.cache import cache
from django.test.testcases import LiveServerThread

from articles import roles as newsroom_roles
from comments import roles as comment_roles
from newsroom import pagecache
from newsroom.media import roles as media_roles
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
)
from tests.production import collected_static, production_server  # noqa: F401  (fixtures)

_create_live_server = LiveServerThread._create_server


def _live_server_taking_turns(thread, connections_override=None):
    """The live server, running one request's application at a time on SQLite.

    On SQLite the test database lives in memory, and the server's request threads all use the
    test's one connection to it. A browser asks for several things at once (a page's pictures
    through the staff-only view, the comment script's two calls), and two threads running
    queries on one sqlite3 connection at once fail with "bad parameter or other API misuse".
    Connections stay concurrent; only the application's work is taken in turn. PostgreSQL,
    where each thread has a connection of its own, is left as it is.
    """
    server = _create_live_server(thread, connections_override=connections_override)
    if connections_override:
        set_app, lock = server.set_app, threading.Lock()

        def set_app_taking_turns(app):
            def application(environ, start_response):
                with lock:
                    return app(environ, start_response)

            set_app(application)

        server.set_app = set_app_taking_turns
    return server


LiveServerThread._create_server = _live_server_taking_turns


def _database_order(item):
    """0 for tests in a rolled-back transaction, 1 for transactional ones, 2 for the rest."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    if (
        (marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
        or "transactional_db" in fixtures
        or "live_server" in fixtures
    ):
        return 1
    if marker or "db" in fixtures:
        return 0
    return 2


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Run the database tests before the transactional ones, as Django does.

    A transactional test empties every table when it ends, the groups and permissions the
    migrations made included. pytest-django sorts the tests so, but pytest's own grouping of
    tests that share a session-wide parameter (the browser tests' ``[chromium]``) runs after
    it and may move the browser tests ahead of database tests that rely on that data. This
    hook runs last and sorts again; the sort is stable, so each group keeps its order.
    """
    items.sort(key=_database_order)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a temporary folder, never into the project."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def empty_cache():
    """Cached settings and rate-limit counters never leak from one test into the next."""
    cache.clear()
    pagecache.forget_recent()
    yield
    cache.clear()
    pagecache.forget_recent()


@pytest.fixture(scope="session")
def live_server(live_server):
    """pytest-django's live server, which lets its request threads finish before it stops.

    A request thread serves one client connection until the client closes it. On SQLite the
    threads share the test's in-memory database connection only while the server runs, so a
    thread that ends after the server stopped fails as it tidies up ("DatabaseWrapper
    objects created in a thread can only be used in that same thread"). Clients that outlive
    a test, like the session's browser (tests/e2e/conftest.py), depend on this fixture and
    are closed before it ends; their threads are waited for here.
    """
    yield live_server
    for thread in threading.enumerate():
        if thread.name.endswith("(process_request_thread)"):
            thread.join(timeout=10)


@pytest.fixture
def movable_cache(settings):
    """A local-memory cache in place of Redis, so time-machine can move its clock.

    Redis expires keys on its own clock, which no time travel in this process reaches; the
    local-memory cache reads time.time(), so a test can let a timeout pass without waiting.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "movable-clock",
        }
    }
    cache.clear()
    pagecache.forget_recent()
    yield cache
    cache.clear()


@pytest.fixture
def reader(client):
    """An anonymous visitor."""
    return client


@pytest.fixture
def roles(db):
    """The newsroom's groups (a data migration makes them; a flushed database needs them back)."""
    groups = {**newsroom_roles.setup_roles(), **comment_roles.setup_roles()}
    media_roles.setup_roles()
    return groups


def staff_member(roles, role, username):
    user = UserFactory(username=username, is_staff=True, first_name=username.title())
    user.groups.add(roles[role])
    return user


@pytest.fixture
def editor(roles):
    return staff_member(roles, newsroom_roles.EDITOR, "editor")


@pytest.fixture
def second_editor(roles):
    return staff_member(roles, newsroom_roles.EDITOR, "deskeditor")


@pytest.fixture
def writer(roles):
    return staff_member(roles, newsroom_roles.WRITER, "writer")


@pytest.fixture
def other_writer(roles):
    return staff_member(roles, newsroom_roles.WRITER, "otherwriter")


@pytest.fixture
def moderator(roles):
    return staff_member(roles, comment_roles.COMMENT_MODERATOR, "moderator")


@pytest.fixture
def section(db):
    return SectionFactory(name="World", slug="world")


@pytest.fixture
def author(db):
    return AuthorFactory(name="Amara Osei", slug="amara-osei")


@pytest.fixture
def article(db, section, author):
    return ArticleFactory(section=section, authors=[author], tags=[TagFactory()])


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Runs what waits for the transaction's commit, as a real request's commit would."""

    def run(function, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(*args, **kwargs)

    return run
