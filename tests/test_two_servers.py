"""Two app servers sharing one PostgreSQL and one Redis: what one changes, the other shows.

Two gunicorn processes serve the test database with the production settings and the page
cache on. A change made through one of them (a comment posted, a comment approved in the
admin) or by a third process (the editorial desk's services in this test) must show on
the other server's next request, even though both had the page stored. A scheduled
article's time arriving is seen by both without anyone touching anything.

Needs PostgreSQL and Redis (.ci/run's second pass gives both); skipped on SQLite, where
separate processes cannot share the test database.
"""

import datetime
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.utils import timezone

from articles import services
from comments import services as comment_services
from comments.models import Comment, DiscussionSettings
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, UserFactory

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "two-servers-password-1"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("REDIS_URL"),
        reason="needs DATABASE_URL on PostgreSQL and REDIS_URL: .ci/run's second pass",
    ),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, port, process):
        self.port, self.process = port, process
        self.url = f"http://127.0.0.1:{port}"
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path, data=None, headers=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.url + path, data=body, headers=headers or {})
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def get(self, path):
        return self.request(path)

    def log_in(self, username):
        _, _, html = self.get(f"/{settings.ADMIN_PATH}login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        status, _, html = self.request(
            f"/{settings.ADMIN_PATH}login/?next=/{settings.ADMIN_PATH}",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        )
        assert status == 200 and "Log out" in html, html[:500]

    def admin_action(self, changelist, action, pks):
        _, _, html = self.get(changelist)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
        data = [("csrfmiddlewaretoken", token), ("action", action), ("index", "0")]
        data += [("_selected_action", str(pk)) for pk in pks]
        request = urllib.request.Request(
            self.url + changelist,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Referer": self.url + changelist},
        )
        with self.opener.open(request, timeout=20) as response:
            assert response.status == 200


@pytest.fixture
def servers(collected_static):
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DEBUG": "false",
        "SECRET_KEY": "two-servers-test-key-" + "x" * 40,
        "DATABASE_URL": (
            f"postgres://{database['USER'] or 'postgres'}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": settings.CACHES["default"].get("KEY_PREFIX", ""),
        "ALLOWED_HOSTS": "127.0.0.1",
        "PAGE_CACHE_SECONDS": "600",
        "DATABASE_CONN_MAX_AGE": "0",
        "LOG_LEVEL": "ERROR",
        # The servers speak plain HTTP on 127.0.0.1, without the TLS proxy of a deployment,
        # and the staff who log in here are not what two-factor login is tested with.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "REQUIRE_2FA": "false",
        # Production serves the collected, hashed static files; a fresh checkout has none.
        "STATIC_ROOT": str(collected_static),
    }
    started = []
    try:
        for _ in range(2):
            port = free_port()
            process = subprocess.Popen(
                [
                    sys.executable, "-m", "gunicorn", "newsroom.wsgi",
                    "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2",
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )  # fmt: skip
            started.append(Server(port, process))
        for server in started:
            wait_until_up(server)
        yield started
    finally:
        for server in started:
            server.process.send_signal(signal.SIGTERM)
        for server in started:
            try:
                server.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.process.kill()
                server.process.wait()


def wait_until_up(server, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if server.get("/robots.txt")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"gunicorn on port {server.port} did not start")


def cached_on_both(servers, path):
    """Both servers have the page stored; returns the first one's HTML.

    Each rendered its own copy (the comment form's signed timestamp differs by the second).
    """
    pages = []
    for server in servers:
        server.get(path)
        status, headers, html = server.get(path)
        assert status == 200 and headers["X-Page-Cache"] == "hit"
        pages.append(html)
    return pages[0]


@pytest.fixture
def newsroom(transactional_db):
    section = SectionFactory(name="World", slug="world")
    author = AuthorFactory(name="Amara Osei", slug="amara-osei")
    article = ArticleFactory(section=section, authors=[author], headline="Harbour plan approved")
    DiscussionSettings.objects.create(notify_moderators=False, min_seconds=0)
    return article


def test_a_comment_posted_and_approved_on_one_server_shows_on_the_other(servers, newsroom):
    first, second = servers
    path = newsroom.get_absolute_url()
    html = cached_on_both(servers, path)
    assert "Ferry users were forgotten" not in html
    token = re.search(r'name="token" value="([^"]+)"', html)[1]

    status, _, _ = first.request(
        f"/comments/post/{newsroom.pk}/",
        {
            "author_name": "Ines Albarrán",
            "author_email": "ines@example.net",
            "author_url": "",
            "body": "Ferry users were forgotten in this plan.",
            "token": token,
            "parent": "",
            "contact_fax": "",
        },
        headers={"Sec-Fetch-Site": "same-origin", "Origin": first.url},
    )
    assert status == 200
    comment = Comment.objects.get(article=newsroom)
    assert comment.status == Comment.Status.PENDING
    # Held for moderation: neither server shows it to readers.
    assert "Ferry users were forgotten" not in second.get(path)[2]

    # The servers run the production hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    moderator = UserFactory(username="desk", is_staff=True, is_superuser=True)
    moderator.password = hasher.encode(PASSWORD, hasher.salt())
    moderator.save(update_fields=["password"])
    first.log_in("desk")
    first.admin_action(f"/{settings.ADMIN_PATH}comments/comment/", "approve", [comment.pk])
    assert Comment.objects.get(pk=comment.pk).status == Comment.Status.APPROVED
    status, headers, html = second.get(path)
    assert headers["X-Page-Cache"] == "miss"
    assert "Ferry users were forgotten" in html
    assert "1 comment" in html

    comment_services.remove_comment(comment=comment, by=moderator)
    assert "Ferry users were forgotten" not in first.get(path)[2]
    assert "Ferry users were forgotten" not in second.get(path)[2]


def test_editorial_changes_show_on_both_servers(servers, newsroom):
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    path = newsroom.get_absolute_url()
    cached_on_both(servers, "/")
    cached_on_both(servers, path)

    newsroom.headline = "Harbour plan approved after all-night sitting"
    newsroom.save()
    for server in servers:
        assert "after all-night sitting" in server.get(path)[2]
        assert "after all-night sitting" in server.get("/")[2]

    section = newsroom.section
    section.name = "International"
    section.save()
    author = newsroom.bylines.get().author
    author.name = "Amara Osei-Bonsu"
    author.save()
    for server in servers:
        html = server.get(path)[2]
        assert "International" in html and "Amara Osei-Bonsu" in html

    draft = ArticleFactory(draft=True, section=section, headline="Ferry timetable returns")
    services.publish_article(article=draft, by=editor)
    for server in servers:
        assert "Ferry timetable returns" in server.get("/")[2]

    services.unpublish_article(article=newsroom, by=editor, note="Legal review")
    for server in servers:
        assert server.get(path)[0] == 404
        assert "after all-night sitting" not in server.get("/")[2]


def test_a_scheduled_article_appears_on_both_servers_when_its_time_comes(servers, newsroom):
    ArticleFactory(
        section=newsroom.section,
        headline="Tide barrier opens",
        published_at=timezone.now() + datetime.timedelta(seconds=3),
    )
    assert "Tide barrier opens" not in cached_on_both(servers, "/")
    # A real wait: the servers are other processes, whose clocks no time travel reaches. It
    # ends as soon as both show the story, and fails five seconds after its time.
    deadline = time.monotonic() + 3 + 5
    for server in servers:
        while "Tide barrier opens" not in server.get("/")[2]:
            assert time.monotonic() < deadline, f"port {server.port} never showed the story"
            time.sleep(0.1)
