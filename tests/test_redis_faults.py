"""A real Redis that hangs or restarts while an article changes: no change is lost.

Each test runs its own ``redis-server`` on a free local port and stops it by its process id.
"""

import shutil
import signal
import socket
import subprocess
import time

import pytest
import redis
from django.core.cache import cache
from django.utils import timezone

from newsroom import pagecache
from newsroom.pagecache.models import Invalidation

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("redis-server") is None,
        reason="redis-server is not installed (apt-get install redis-server)",
    ),
]

# How long a request may take while Redis hangs: its timeouts below, twice, and the page.
TIMEOUT = 0.3
QUICK = 3.0
# A change made while Redis was away reaches every page within this long of its return.
RECOVERY = 5.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    def __init__(self, port):
        self.port = port
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--bind", "127.0.0.1",
                "--port", str(self.port),
                "--save", "",
                "--appendonly", "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(10)

    def pause(self):
        self.process.send_signal(signal.SIGSTOP)

    def resume(self):
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def redis_server(db, settings):
    # What the tests' setup changed was never committed, so never applied: count it as
    # applied, as the commit of a real request would have.
    Invalidation.objects.update(applied_at=timezone.now())
    server = RedisServer(_free_port())
    server.start()
    settings.CACHES = {
        "default": {
            "BACKEND": "newsroom.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": TIMEOUT, "socket_timeout": TIMEOUT},
        }
    }
    settings.PAGE_CACHE_SECONDS = 600
    pagecache.forget_recent()
    yield server
    server.stop()
    pagecache.forget_recent()


def _read(client, url):
    started = time.monotonic()
    response = client.get(url)
    took = time.monotonic() - started
    assert response.status_code == 200
    return response.content.decode(), took


def _change_headline(article, headline, django_capture_on_commit_callbacks):
    article.headline = headline
    with django_capture_on_commit_callbacks(execute=True):
        article.save()


def _wait_for_fresh(client, url, headline, *, since, other_process=False):
    """Poll until the page shows the change; then it never shows the old page again."""
    deadline = since + RECOVERY
    while True:
        page, _ = _read(client, url)
        if headline in page:
            break
        assert time.monotonic() < deadline, "The change did not reach the page in time."
        time.sleep(0.1)
    # Applied in the cache: no process serves the old page any more.
    while Invalidation.objects.filter(applied_at__isnull=True).exists():
        assert time.monotonic() < deadline, "The change was not applied to the cache in time."
        _read(client, url)
        time.sleep(0.1)
    for _ in range(5):
        if other_process:
            pagecache.forget_recent()
        page, _ = _read(client, url)
        assert headline in page


def test_a_change_made_while_redis_hangs_is_applied_when_it_answers_again(
    client, article, redis_server, django_capture_on_commit_callbacks
):
    """Redis paused: pages come quickly from the database, and the change is never lost."""
    url = article.get_absolute_url()
    _read(client, url)
    page, _ = _read(client, url)
    old = article.headline
    assert client.get(url)["X-Page-Cache"] == "hit"

    redis_server.pause()
    try:
        _change_headline(
            article, "Harbour reopens after the storm", django_capture_on_commit_callbacks
        )
        assert Invalidation.objects.filter(applied_at__isnull=True).count() == 1
        for _ in range(3):
            page, took = _read(client, url)
            assert took < QUICK
            assert "Harbour reopens after the storm" in page
            assert old not in page
    finally:
        redis_server.resume()
    _wait_for_fresh(client, url, "Harbour reopens after the storm", since=time.monotonic())
    assert client.get(url)["X-Page-Cache"] in ("hit", "miss")


def test_a_process_that_missed_the_failure_learns_of_it_within_seconds(
    client, article, redis_server, django_capture_on_commit_callbacks
):
    """Another app server, which never saw Redis hang, stops serving the old page in time."""
    url = article.get_absolute_url()
    _read(client, url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    redis_server.pause()
    try:
        _change_headline(article, "Ferry timetable changes", django_capture_on_commit_callbacks)
    finally:
        redis_server.resume()
    recovered = time.monotonic()
    # This process now knows nothing of the failure, like one that did not make the change;
    # and the cache itself forgets that Redis hung.
    pagecache.forget_recent()
    cache._down_until = 0.0
    _wait_for_fresh(client, url, "Ferry timetable changes", since=recovered, other_process=True)


def test_a_change_made_while_redis_is_down_survives_its_restart(
    client, article, redis_server, django_capture_on_commit_callbacks
):
    """Redis stopped, then started again empty: the change is applied once it is back."""
    url = article.get_absolute_url()
    _read(client, url)
    assert client.get(url)["X-Page-Cache"] == "hit"

    redis_server.stop()
    _change_headline(article, "Bridge works finish early", django_capture_on_commit_callbacks)
    assert Invalidation.objects.filter(applied_at__isnull=True).count() == 1
    for _ in range(3):
        page, took = _read(client, url)
        assert took < QUICK
        assert "Bridge works finish early" in page

    redis_server.start()
    _wait_for_fresh(client, url, "Bridge works finish early", since=time.monotonic())
    # Served from the cache again once everything is applied.
    deadline = time.monotonic() + RECOVERY + 5
    while client.get(url)["X-Page-Cache"] != "hit":
        assert time.monotonic() < deadline, "The cache was not used again after recovery."
        time.sleep(0.2)
