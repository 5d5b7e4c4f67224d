"""Through Varnish: what the newsroom pulls or corrects is gone from the front cache at once.

The application runs as a live server with the page cache on and FRONT_CACHES pointing at
a varnishd started here with deploy/varnish/newsroom.vcl. Every page is first served from
Varnish's cache (a HIT), then the change is made the way the admin makes it, and the page
must show it within a second: the purge by surrogate key is what makes it so, since
Varnish would otherwise keep the page for s-maxage (five minutes).

Skipped when varnishd or the xkey vmod (Debian's varnish-modules) is not installed.
"""

import http.client
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from articles import services
from comments import services as comment_services
from newsroom import pagecache
from tests.factories import ArticleFactory, CommentFactory, TagFactory

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "newsroom.vcl"
VARNISHD = shutil.which("varnishd") or shutil.which("varnishd", path="/usr/sbin:/usr/local/sbin")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        VARNISHD is None, reason="varnishd is not installed (apt-get install varnish)"
    ),
]

# A change must show through the front cache within this many seconds.
WITHIN = 1.0


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_vcl(path, *, app_host, app_port):
    text = VCL.read_text()
    for name, value in {
        "APP_HOST": app_host,
        "APP_PORT": str(app_port),
        "SITE_HOST": app_host,
        "PURGERS": '"127.0.0.1";',
    }.items():
        text = text.replace(f"@{name}@", value)
    path.write_text(text)
    return path


@pytest.fixture(scope="session")
def xkey_vmod(tmp_path_factory):
    """Skips unless a VCL importing xkey compiles here."""
    folder = tmp_path_factory.mktemp("xkey-check")
    vcl = folder / "check.vcl"
    vcl.write_text('vcl 4.1;\nimport xkey;\nbackend app { .host = "127.0.0.1"; }\n')
    result = subprocess.run(
        [VARNISHD, "-C", "-j", "none", "-n", str(folder / "work"), "-f", str(vcl)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode != 0:
        pytest.skip("the xkey vmod is not installed (apt-get install varnish-modules)")


class Front:
    """Varnish in front of the live server, asked for pages as a reader's browser would."""

    def __init__(self, url):
        self.url = url

    def get(self, path, **headers):
        headers = {"Host": "localhost", **headers}
        request = urllib.request.Request(self.url + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def cached(self, path):
        """The page, once Varnish serves it from its cache."""
        self.get(path)
        status, headers, html = self.get(path)
        assert status == 200 and headers["X-Cache-Status"] == "HIT", (path, dict(headers))
        assert "xkey" not in headers and "Surrogate-Key" not in headers
        return html


@pytest.fixture
def front(xkey_vmod, live_server, settings, tmp_path):
    address = urllib.parse.urlsplit(live_server.url)
    settings.ALLOWED_HOSTS = ["localhost", address.hostname]
    settings.PAGE_CACHE_SECONDS = 600
    port = free_port()
    vcl = render_vcl(tmp_path / "newsroom.vcl", app_host=address.hostname, app_port=address.port)
    log = (tmp_path / "varnishd.log").open("w")
    process = subprocess.Popen(
        [
            VARNISHD, "-F", "-j", "none", "-a", f"127.0.0.1:{port}", "-f", str(vcl),
            "-n", str(tmp_path / "varnish"), "-s", "malloc,64m",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/robots.txt", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(
                        "varnishd did not start: " + (tmp_path / "varnishd.log").read_text()
                    ) from None
                time.sleep(0.1)
        settings.FRONT_CACHES = [url]
        yield Front(url)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        pagecache.purger.clear()


def shows_within(check, *, since, seconds=WITHIN):
    """Polls check() until it holds, failing `seconds` after `since` (the change's commit)."""
    started = since
    while not check():
        if time.monotonic() - started > seconds:
            raise AssertionError(f"not seen within {seconds} s")
        time.sleep(0.02)
    return time.monotonic() - started


@pytest.fixture
def story(section, author):
    return ArticleFactory(
        section=section,
        authors=[author],
        tags=[TagFactory(name="Harbour", slug="harbour")],
        headline="Ferry timetable redrawn for winter",
    )


def test_a_comment_removed_by_a_moderator_is_gone_from_the_front_cache_at_once(
    front, story, moderator
):
    comment = CommentFactory(article=story, body="An abusive remark the newsroom must pull.")
    path = story.get_absolute_url()
    assert comment.body in front.cached(path)

    comment_services.remove_comment(comment=comment, by=moderator, reason="Abuse")
    changed = time.monotonic()

    shows_within(lambda: comment.body not in front.get(path)[2], since=changed)


def test_an_unpublished_article_answers_404_and_leaves_every_listing_at_once(
    front, story, author, editor
):
    paths = ["/", story.section.get_absolute_url(), "/tag/harbour/", f"/author/{author.slug}/"]
    for path in paths:
        assert story.headline in front.cached(path)
    front.cached(story.get_absolute_url())

    services.unpublish_article(article=story, by=editor, note="Legal takedown")
    changed = time.monotonic()

    shows_within(lambda: front.get(story.get_absolute_url())[0] == 404, since=changed)
    for path in paths:
        shows_within(lambda path=path: story.headline not in front.get(path)[2], since=changed)


def test_an_edited_headline_shows_at_once_everywhere_it_appears(front, story):
    paths = [
        story.get_absolute_url(),
        "/",
        story.section.get_absolute_url(),
        "/tag/harbour/",
    ]
    for path in paths:
        assert story.headline in front.cached(path)

    story.headline = "Winter ferry timetable withdrawn after complaints"
    story.save()
    changed = time.monotonic()

    for path in paths:
        shows_within(lambda path=path: story.headline in front.get(path)[2], since=changed)


def test_readers_with_consent_or_csrf_cookies_share_the_cached_page_and_staff_do_not(front, story):
    path = story.get_absolute_url()
    front.cached(path)
    _, headers, _ = front.get(path, Cookie="csrftoken=abc123; comment_consent=yes")
    assert headers["X-Cache-Status"] == "HIT"
    _, headers, _ = front.get(path, Cookie="csrftoken=abc123; sessionid=not-a-session")
    assert headers["X-Cache-Status"] == "MISS"
    _, headers, _ = front.get(path + "?pending=1")
    assert headers["X-Cache-Status"] == "MISS"


def test_purges_are_refused_from_other_addresses_and_without_keys(front):
    address = urllib.parse.urlsplit(front.url)

    def purge(headers, source):
        connection = http.client.HTTPConnection(
            address.hostname, address.port, timeout=10, source_address=(source, 0)
        )
        try:
            connection.request("PURGE", "/", headers=headers)
            return connection.getresponse().status
        finally:
            connection.close()

    # Another machine (any loopback address but the app server's stands for one here).
    assert purge({"xkey-purge": "site"}, "127.0.0.2") == 403
    assert purge({}, "127.0.0.1") == 400
    assert purge({"xkey-purge": "site"}, "127.0.0.1") == 200
