"""The rendered-page cache: what it keeps, for whom, the headers it sends, and every way a
stored page is dropped when what it shows changes."""

import datetime
import io
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import transaction
from django.utils import timezone

from articles import services
from articles.models import Byline
from comments import services as comment_services
from comments.models import Comment, DiscussionSettings
from newsroom import pagecache
from newsroom.pagecache import durable
from newsroom.pagecache.models import Invalidation
from newsroom.pagecache.purge import Purger
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    CommentFactory,
    CorrectionFactory,
    SectionFactory,
    TagFactory,
)


@pytest.fixture(autouse=True)
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 600
    settings.PAGE_MAX_AGE = 60
    settings.PAGE_SHARED_MAX_AGE = 300
    settings.PAGE_STALE_WHILE_REVALIDATE = 30
    settings.PAGE_STALE_IF_ERROR = 86400


def get(client, url, **headers):
    return client.get(url, headers=headers)


def test_second_anonymous_request_is_served_from_the_cache_without_queries(
    client, article, django_assert_num_queries
):
    first = client.get(article.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(article.get_absolute_url())
    assert second.status_code == 200
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("url", ["/", "/section/world/", "/search/?q=harbour", "/rss.xml"])
def test_reader_pages_are_kept(client, article, url):
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_headers_let_browsers_and_shared_caches_keep_the_page(client, article):
    for response in (client.get("/"), client.get("/")):
        control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert control == {
            "public",
            "max-age=60",
            "s-maxage=300",
            "stale-while-revalidate=30",
            "stale-if-error=86400",
        }
        assert response["ETag"].startswith('"')
        assert response["Last-Modified"].endswith("GMT")
        assert not response.cookies
        assert "Cookie" not in response.get("Vary", "")


@pytest.mark.parametrize("cached", [False, True])
def test_conditional_requests_answer_304(client, article, cached):
    url = article.get_absolute_url()
    first = client.get(url)
    if cached:
        client.get(url)
    same_etag = get(client, url, If_None_Match=first["ETag"])
    assert same_etag.status_code == 304
    assert same_etag.content == b""
    assert same_etag["ETag"] == first["ETag"]
    since = get(client, url, If_Modified_Since=first["Last-Modified"])
    assert since.status_code == 304
    other_etag = get(client, url, If_None_Match='"something-else"')
    assert other_etag.status_code == 200
    assert other_etag.content == first.content


def test_a_change_answers_200_to_the_old_validators(client, article, commit):
    url = article.get_absolute_url()
    first = client.get(url)
    article.headline = "Council delays harbour plan"
    commit(article.save)
    after = get(client, url, If_None_Match=first["ETag"])
    assert after.status_code == 200
    assert b"Council delays harbour plan" in after.content
    assert after["ETag"] != first["ETag"]


def test_logged_in_staff_always_get_fresh_private_pages(client, article, editor, commit):
    url = article.get_absolute_url()
    client.get(url)
    client.force_login(editor)
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    # What staff get is never stored for anonymous readers either.
    client.logout()
    client.cookies.clear()
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_unknown_query_parameters_are_answered_but_not_stored(client, article):
    url = article.get_absolute_url() + "?utm_source=newsletter"
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get("/?page=1")["X-Page-Cache"] == "miss"
    assert client.get("/?page=1")["X-Page-Cache"] == "hit"


def test_errors_and_redirects_are_not_stored(client, article):
    for _ in range(2):
        missing = client.get("/section/nowhere/")
        assert missing.status_code == 404
        assert "X-Page-Cache" not in missing
    wrong_date = article.get_absolute_url().replace(str(article.published_at.year), "2001")
    for _ in range(2):
        assert client.get(wrong_date).status_code == 404
    noncanonical = "/archive/2024/1/"
    for _ in range(2):
        response = client.get(noncanonical)
        assert response.status_code == 301
        assert "X-Page-Cache" not in response


def test_the_apps_register_the_query_parameters_their_pages_understand():
    assert {"page", "q", "cpage", "replyto"} <= pagecache.cached_parameters()
    assert {"pending", "posted"} <= pagecache.private_parameters()
    assert pagecache.cached_parameters().isdisjoint(pagecache.private_parameters())


def test_a_parameter_cannot_be_registered_both_cached_and_private():
    before = (pagecache.cached_parameters(), pagecache.private_parameters())
    with pytest.raises(ImproperlyConfigured, match="both cached and private: pending"):
        pagecache.register_parameters(cached=("pending",))
    with pytest.raises(TypeError, match="not a string"):
        pagecache.register_parameters(cached="page")
    assert (pagecache.cached_parameters(), pagecache.private_parameters()) == before


@pytest.mark.parametrize("query", ["?cpage=1", "?replyto=1"])
def test_pages_asked_with_a_registered_parameter_are_stored(client, article, query):
    url = article.get_absolute_url() + query
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("parameter", ["pending", "posted"])
def test_the_posters_own_view_is_never_served_from_or_into_the_cache(client, article, parameter):
    url = f"{article.get_absolute_url()}?{parameter}=whatever"
    client.get(url)
    response = client.get(url)
    assert "X-Page-Cache" not in response
    assert response["Cache-Control"] == "private, no-store"


# Invalidation: each way what a page shows can change -------------------------------------


def test_publishing_an_article_updates_the_front_page(client, article, editor, commit):
    assert client.get("/")["X-Page-Cache"] == "miss"
    draft = ArticleFactory(draft=True, headline="Ferry timetable returns", section=article.section)
    assert client.get("/")["X-Page-Cache"] == "hit"  # the draft changed nothing readers see
    commit(services.publish_article, article=draft, by=editor)
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Ferry timetable returns" in response.content


def test_unpublishing_hides_the_article_at_once(client, article, editor, commit):
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    commit(services.unpublish_article, article=article, by=editor, note="Legal review")
    assert client.get(url).status_code == 404


def test_editing_the_section_or_author_updates_the_article_page(client, article, commit):
    url = article.get_absolute_url()
    client.get(url)
    section = article.section
    section.name = "Worldwide"
    commit(section.save)
    assert b"Worldwide" in client.get(url).content
    author = article.bylines.first().author
    author.name = "Amara Osei-Bonsu"
    commit(author.save)
    assert "Amara Osei-Bonsu" in client.get(url).content.decode()


def test_a_comment_approved_or_removed_changes_only_its_own_article(
    client, article, moderator, commit
):
    other = ArticleFactory(section=article.section)
    url, other_url = article.get_absolute_url(), other.get_absolute_url()
    comment = CommentFactory(
        article=article, status=Comment.Status.PENDING, body="The ferry users were forgotten."
    )
    client.get(url), client.get(other_url)
    assert b"ferry users were forgotten" not in client.get(url).content

    commit(comment_services.approve_comment, comment=comment, by=moderator)
    response = client.get(url)
    assert response["X-Page-Cache"] == "miss"
    assert b"ferry users were forgotten" in response.content
    assert client.get(other_url)["X-Page-Cache"] == "hit"

    commit(comment_services.remove_comment, comment=comment, by=moderator)
    assert b"ferry users were forgotten" not in client.get(url).content


def test_reports_that_send_a_comment_back_to_moderation_drop_it_from_the_page(
    client, article, commit
):
    DiscussionSettings.objects.create(flags_before_remoderation=1)
    comment = CommentFactory(article=article, body="A remark readers did not like.")
    url = article.get_absolute_url()
    assert b"readers did not like" in client.get(url).content
    commit(comment_services.report_comment, comment=comment)
    assert b"readers did not like" not in client.get(url).content


@pytest.mark.parametrize("page_cache_seconds", [600, 0])
def test_closing_comments_in_the_settings_changes_every_article_page(
    client, article, commit, settings, page_cache_seconds
):
    # With the page cache off, the settings a page read are kept in the process until the
    # site's version moves.
    settings.PAGE_CACHE_SECONDS = page_cache_seconds
    url = article.get_absolute_url()
    assert b"Leave a comment" in client.get(url).content
    discussion = DiscussionSettings.load()
    discussion.close_after_days = 0
    commit(discussion.save)
    assert b"Comments are closed." in client.get(url).content


def test_a_scheduled_article_appears_when_its_time_comes(client, article):
    ArticleFactory(
        section=article.section,
        headline="Tide barrier opens at noon",
        published_at=timezone.now() + datetime.timedelta(minutes=30),
    )
    assert b"Tide barrier opens" not in client.get("/").content
    assert client.get("/")["X-Page-Cache"] == "hit"
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=31)):
        response = client.get("/")
        assert response["X-Page-Cache"] == "miss"
        assert b"Tide barrier opens" in response.content


def test_an_expiring_article_leaves_when_its_time_comes(client, section):
    ArticleFactory(section=section, headline="Harbour lorries", slug="harbour-lorries")
    ArticleFactory(
        section=section,
        headline="Road closed until Friday",
        expires_at=timezone.now() + datetime.timedelta(hours=1),
    )
    assert b"Road closed until Friday" in client.get("/").content
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=2)):
        assert b"Road closed until Friday" not in client.get("/").content


def test_a_rolled_back_change_keeps_the_stored_page(client, article, django_db_blocker):
    client.get("/")
    before = pagecache.versions([pagecache.SITE])
    SectionFactory(name="Weather")  # its commit never comes in this test's transaction
    assert pagecache.versions([pagecache.SITE]) == before
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_new_author_without_articles_changes_nothing_until_committed(client, article, commit):
    client.get("/")
    commit(AuthorFactory, name="Noor Haddad")
    assert client.get("/")["X-Page-Cache"] == "miss"


# When the cache is unreachable ------------------------------------------------------------


DEAD_REDIS = {
    # Nothing listens on port 1.
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
}


@pytest.mark.parametrize(
    "backend",
    [
        # The page cache's own guard, whatever the backend does.
        "django.core.cache.backends.redis.RedisCache",
        # The production backend, which treats a dead Redis as empty (newsroom/cache.py).
        "newsroom.cache.ResilientRedisCache",
    ],
)
def test_pages_are_served_from_the_database_when_the_cache_is_down(
    client, article, settings, backend
):
    settings.CACHES = {"default": {"BACKEND": backend, **DEAD_REDIS}}
    # Django's own backend fails outside the page cache too (the discussion settings), so
    # it is asked for a page that only the page cache reads the cache for.
    url = article.get_absolute_url() if "Resilient" in backend else "/section/world/"
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert article.headline.encode() in response.content
        assert response.get("X-Page-Cache") != "hit"


def test_comments_close_at_their_set_time(client, article):
    article.comments_close_at = timezone.now() + datetime.timedelta(minutes=10)
    article.save()
    url = article.get_absolute_url()
    assert b"Leave a comment" in client.get(url).content
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=11)):
        assert b"Comments are closed." in client.get(url).content


# Parts kept between renders (remember()) ---------------------------------------------------


def test_navigation_and_related_stories_follow_the_site(client, article, editor, commit, settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders: only remember() keeps anything
    url = article.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Weather desk" not in html and "Ferry timetable returns" not in html
    commit(SectionFactory, name="Weather desk", slug="weather-desk")
    draft = ArticleFactory(draft=True, headline="Ferry timetable returns", section=article.section)
    assert "Weather desk" in client.get(url).content.decode()
    commit(services.publish_article, article=draft, by=editor)
    assert "Ferry timetable returns" in client.get(url).content.decode()


@pytest.mark.parametrize(
    "backend",
    ["django.core.cache.backends.redis.RedisCache", "newsroom.cache.ResilientRedisCache"],
)
def test_remembered_values_are_computed_afresh_when_the_cache_is_down(settings, backend):
    settings.CACHES = {"default": {"BACKEND": backend, **DEAD_REDIS}}
    calls = []
    for _ in range(2):
        assert pagecache.remember("answer", lambda: calls.append(1) or 42) == 42
    assert len(calls) == 2


def test_the_kept_article_follows_its_edits_tags_corrections_and_bylines(
    client, article, commit, settings
):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders: only remember() keeps anything
    url = article.get_absolute_url()
    client.get(url)
    article.body = "<p>The council voted again on Wednesday.</p>"
    commit(article.save)
    assert "voted again on Wednesday" in client.get(url).content.decode()
    commit(CorrectionFactory, article=article, text="The vote was on Wednesday, not Tuesday.")
    assert "not Tuesday" in client.get(url).content.decode()
    commit(article.tags.add, TagFactory(name="Waterfront"))
    assert "Waterfront" in client.get(url).content.decode()
    commit(
        Byline.objects.create, article=article, author=AuthorFactory(name="Noor Haddad"), position=5
    )
    head, body = client.get(url).content.decode().split("</head>")
    assert "Noor Haddad" in head  # the JSON-LD authors
    assert "Noor Haddad" in body  # the byline


def test_a_kept_page_expires_after_page_cache_seconds(client, article, settings, movable_cache):
    """Both the shared copy and this process's copy lapse after PAGE_CACHE_SECONDS."""
    settings.PAGE_CACHE_SECONDS = 60
    url = article.get_absolute_url()
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client.get(url)
        clock.shift(59)
        assert client.get(url)["X-Page-Cache"] == "hit"
        clock.shift(2)
        assert client.get(url)["X-Page-Cache"] == "miss"


# Surrogate keys, and purges at the front caches ---------------------------------------------


def keys_of(response):
    assert response["Surrogate-Key"] == response["xkey"]
    return response["xkey"].split()


def test_the_article_page_names_everything_it_shows(client, article):
    keys = keys_of(client.get(article.get_absolute_url()))
    assert keys[0] == "site"
    assert set(keys) == {
        "site",
        f"article:{article.pk}",
        f"thread:{article.pk}",
        f"section:{article.section_id}",
        *(f"author:{byline.author_id}" for byline in article.bylines.all()),
        *(f"tag:{tag.pk}" for tag in article.tags.all()),
    }


def test_a_page_served_from_the_cache_carries_the_keys_it_was_rendered_with(client, article):
    url = article.get_absolute_url()
    first = client.get(url)
    second = client.get(url)
    assert second["X-Page-Cache"] == "hit"
    assert keys_of(second) == keys_of(first)


@pytest.mark.parametrize("listing", ["front", "section", "tag", "author"])
def test_listings_name_themselves_and_the_articles_they_list(client, article, author, listing):
    tag = article.tags.get()
    url, own_key = {
        "front": ("/", "front"),
        "section": (article.section.get_absolute_url(), f"section:{article.section_id}"),
        "tag": (tag.get_absolute_url(), f"tag:{tag.pk}"),
        "author": (f"/author/{author.slug}/", f"author:{author.pk}"),
    }[listing]
    elsewhere = ArticleFactory()  # another section, author and tags: only the front lists it
    keys = keys_of(client.get(url))
    assert {"site", own_key, f"article:{article.pk}"} <= set(keys)
    assert (f"article:{elsewhere.pk}" in keys) == (listing == "front")


def test_the_archive_and_search_name_the_articles_they_list(client, article):
    published = timezone.localtime(article.first_published_at)
    archive = client.get(f"/archive/{published.year}/{published.month}/")
    assert f"article:{article.pk}" in keys_of(archive)
    found = client.get("/search/", {"q": article.headline.split()[0]})
    assert f"article:{article.pk}" in keys_of(found)


def test_the_comments_feed_names_the_thread(client, article):
    feed = client.get(article.get_absolute_url() + "comments/rss.xml")
    assert feed.status_code == 200
    assert f"thread:{article.pk}" in keys_of(feed)


def test_pages_for_one_visitor_carry_no_keys(client, article, editor):
    client.force_login(editor)
    response = client.get(article.get_absolute_url())
    assert "xkey" not in response and "Surrogate-Key" not in response


class _FrontCache(BaseHTTPRequestHandler):
    def do_PURGE(self):
        self.server.received.append(self.headers["xkey-purge"])
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def front_cache(settings, monkeypatch):
    """A front cache that records the purges it receives and answers as told (200 by default)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FrontCache)
    server.received, server.answers = [], []
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.FRONT_CACHES = [f"http://127.0.0.1:{server.server_port}"]
    # The second purge, sent a moment later, is for pages rendered while the change commits.
    monkeypatch.setattr(pagecache.purger, "repeat_after", 0)
    yield server
    pagecache.purger.clear()
    server.shutdown()
    server.server_close()


def test_a_comment_change_purges_its_thread_once_committed(
    front_cache, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.touch_article(article.pk)
        assert pagecache.purger.pending() == 0
    assert pagecache.purger.wait_idle(5)
    assert front_cache.received == [f"thread:{article.pk}"]


def test_an_edited_article_purges_every_page_of_the_site(front_cache, article, commit):
    article.headline = "Harbour plan delayed"
    commit(article.save)
    assert pagecache.purger.wait_idle(5)
    assert front_cache.received == ["site"]


def test_a_rolled_back_change_sends_no_purge(
    front_cache, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            pagecache.touch_site()
            raise RuntimeError("the change failed")
    assert callbacks == []
    assert pagecache.purger.wait_idle(5)
    assert front_cache.received == []


def test_a_purge_the_cache_refuses_is_retried_until_delivered(front_cache, caplog):
    front_cache.answers = [503, 503]
    pagecache.purge("thread:7", "article:7")
    assert pagecache.purger.wait_idle(10)
    assert front_cache.received == ["article:7 thread:7"] * 3
    failures = [r for r in caplog.records if r.name == "newsroom.pagecache"]
    assert [r.levelname for r in failures] == ["WARNING", "WARNING"]
    assert "answered 503" in failures[0].getMessage()


def test_a_cache_that_stays_down_is_reported_then_given_up_after_the_maximum_age(caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}"
    purger = Purger(timeout=0.5, repeat_after=0, error_after=0.3, max_age=1.0, max_delay=0.2)
    purger.submit(["site"], caches=[down])
    assert purger.pending() == 1
    assert purger.wait_idle(10)
    records = [r for r in caplog.records if r.name == "newsroom.pagecache"]
    levels = [r.levelname for r in records]
    assert levels.count("WARNING") >= 2
    assert any("still trying" in r.getMessage() for r in records if r.levelname == "ERROR")
    assert "Gave up purging site" in records[-1].getMessage()
    assert records[-1].levelname == "ERROR"


def test_no_purge_is_sent_without_front_caches(settings, article, commit):
    settings.FRONT_CACHES = []
    commit(pagecache.touch_site)
    commit(pagecache.touch_article, article.pk)
    assert pagecache.purger.pending() == 0


def test_changes_made_while_a_cache_is_down_wait_as_one_purge(caplog):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        down = f"http://127.0.0.1:{sock.getsockname()[1]}"
    purger = Purger(timeout=0.5, repeat_after=0, max_delay=5.0)
    purger.submit(["thread:1"], caches=[down])
    deadline = time.monotonic() + 5
    while not caplog.records and time.monotonic() < deadline:
        time.sleep(0.01)
    for pk in range(2, 40):
        purger.submit([f"thread:{pk}"], caches=[down])
    assert purger.pending() == 1
    purger.clear()


# Changes the cache missed -----------------------------------------------------------------


@pytest.fixture
def failing_cache(monkeypatch):
    """A cache that refuses every write of a version, as Redis does while it hangs."""
    strict = durable._strict

    def refuse(*args, **kwargs):
        raise ConnectionError("the cache does not answer")

    monkeypatch.setattr(
        durable, "_strict", lambda name: refuse if name == "set_many" else strict(name)
    )
    # What the test's setup changed counts as applied, as its commit would have made it.
    Invalidation.objects.update(applied_at=timezone.now())


def test_a_change_is_recorded_and_applied_in_its_transaction(article, commit):
    article.headline = "Tide tables revised"
    commit(article.save)
    row = Invalidation.objects.latest("pk")
    assert "site" in row.names.split()
    assert row.applied_at is not None


def test_a_rolled_back_change_leaves_no_record(article):
    before = Invalidation.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        pagecache.touch_site()
        raise RuntimeError("the change fails")
    assert Invalidation.objects.count() == before


def test_a_change_the_cache_missed_keeps_pages_from_the_cache_until_applied(
    client, article, commit, failing_cache, monkeypatch
):
    """While a change waits, pages come from the database; once the cache answers, it is applied."""
    url = article.get_absolute_url()
    client.get(url)
    assert client.get(url)["X-Page-Cache"] == "hit"
    article.headline = "Lifeboat crew honoured"
    commit(article.save)
    waiting = Invalidation.objects.filter(applied_at__isnull=True)
    assert waiting.count() == 1
    response = client.get(url)
    assert "Lifeboat crew honoured" in response.content.decode()
    assert response.get("X-Page-Cache") is None
    monkeypatch.undo()
    durable.state.next_attempt = 0.0
    assert "Lifeboat crew honoured" in client.get(url).content.decode()
    assert not waiting.exists()
    assert durable.state.pending is False
    assert client.get(url)["X-Page-Cache"] in ("miss", "hit")
    assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_process_that_did_not_see_the_failure_asks_the_database_every_few_seconds(
    client, article, commit, failing_cache, monkeypatch, django_assert_num_queries
):
    url = article.get_absolute_url()
    client.get(url)
    article.headline = "Pier reopens"
    commit(article.save)
    monkeypatch.undo()
    # Like another app server: it has its stale copy and knows nothing of the failure.
    durable.forget()
    with django_assert_num_queries(0):
        assert "Pier reopens" not in client.get(url).content.decode()
    durable.state.next_check = 0.0
    # The check (one EXISTS), the missed changes, marking them applied; then the page.
    page = client.get(url).content.decode()
    assert "Pier reopens" in page
    assert not Invalidation.objects.filter(applied_at__isnull=True).exists()
    with django_assert_num_queries(0):
        assert client.get(url)["X-Page-Cache"] == "hit"


def test_a_cached_page_between_checks_asks_the_database_nothing(
    client, article, django_assert_num_queries
):
    # What the test's setup changed counts as applied, as its commit would have made it.
    Invalidation.objects.update(applied_at=timezone.now())
    client.get(article.get_absolute_url())
    durable.state.next_check = 0.0
    with django_assert_num_queries(1):  # the EXISTS, and nothing else
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    with django_assert_num_queries(0):
        assert client.get(article.get_absolute_url())["X-Page-Cache"] == "hit"


def test_the_replay_command_applies_what_the_cache_missed(
    article, commit, failing_cache, monkeypatch
):
    pagecache.touch_article(article.pk)
    commit(pagecache.touch_site)
    monkeypatch.undo()
    out = io.StringIO()
    call_command("replay_invalidations", wait=0, stdout=out)
    assert "Applied" in out.getvalue()
    assert not Invalidation.objects.filter(applied_at__isnull=True).exists()


def test_the_replay_command_says_when_the_cache_still_does_not_answer(
    article, commit, failing_cache
):
    commit(pagecache.touch_site)
    with pytest.raises(CommandError, match="does not answer"):
        call_command("replay_invalidations", wait=0)
    assert Invalidation.objects.filter(applied_at__isnull=True).count() == 1


def test_the_replay_command_refuses_a_negative_wait(db):
    with pytest.raises(CommandError, match="--wait"):
        call_command("replay_invalidations", wait=-1)


def test_a_new_process_purges_the_recent_changes_again(front_cache, article, commit, settings):
    """Purges waiting in a process that died are sent again by the next one to start."""
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    Invalidation.objects.update(applied_at=an_hour_ago, created_at=an_hour_ago)
    commit(pagecache.touch_article, article.pk)
    assert pagecache.purger.wait_idle(5)
    front_cache.received.clear()
    durable.state.reset(check_now=True)
    assert durable.cache_usable()
    assert pagecache.purger.wait_idle(5)
    assert any(f"thread:{article.pk}" in keys for keys in front_cache.received)


def test_old_changes_are_not_purged_again(front_cache, article, commit, settings):
    commit(pagecache.touch_article, article.pk)
    assert pagecache.purger.wait_idle(5)
    front_cache.received.clear()
    Invalidation.objects.update(created_at=timezone.now() - datetime.timedelta(hours=1))
    assert durable.resend_recent_purges() == 0
    assert pagecache.purger.wait_idle(5)
    assert front_cache.received == []


def test_the_replay_command_deletes_old_applied_changes_only(article, commit):
    commit(pagecache.touch_site)
    old = Invalidation.objects.create(
        names="site", applied_at=timezone.now() - datetime.timedelta(days=8)
    )
    waiting = Invalidation.objects.create(names="site")
    call_command("replay_invalidations", wait=0, keep_days=7, stdout=io.StringIO())
    assert not Invalidation.objects.filter(pk=old.pk).exists()
    waiting.refresh_from_db()
    assert waiting.applied_at is not None
    assert Invalidation.objects.count() >= 2


def test_the_replay_command_refuses_negative_days(db):
    with pytest.raises(CommandError, match="--keep-days"):
        call_command("replay_invalidations", keep_days=-1)


# The front page's kept stories ---------------------------------------------------------------


@pytest.fixture
def rendered_every_time(settings):
    settings.PAGE_CACHE_SECONDS = 0  # every request renders: only remember() keeps anything


@pytest.mark.usefixtures("rendered_every_time")
def test_the_front_page_follows_headlines_bylines_and_sections(client, article, commit):
    assert article.headline in client.get("/").content.decode()
    article.headline = "Harbour wall repaired before the spring tides"
    commit(article.save)
    assert "Harbour wall repaired before the spring tides" in client.get("/").content.decode()
    author = article.bylines.first().author
    author.name = "Ines Varga"
    commit(author.save)
    assert "By Ines Varga" in client.get("/").content.decode()
    section = article.section
    section.name = "Coast and harbours"
    commit(section.save)
    assert "Coast and harbours</a>" in client.get("/").content.decode()


@pytest.mark.usefixtures("rendered_every_time")
def test_the_front_page_shows_a_new_story_and_drops_an_unpublished_one(
    client, article, editor, commit
):
    draft = ArticleFactory(draft=True, headline="Ferry timetable returns", section=article.section)
    assert "Ferry timetable returns" not in client.get("/").content.decode()
    commit(services.publish_article, article=draft, by=editor)
    assert "Ferry timetable returns" in client.get("/").content.decode()
    commit(services.unpublish_article, article=draft, by=editor)
    assert "Ferry timetable returns" not in client.get("/").content.decode()


@pytest.mark.usefixtures("rendered_every_time")
@pytest.mark.parametrize("page", ["front", "article"])
def test_a_cold_render_is_the_same_page_as_a_warm_one(client, article, page, commit):
    CommentFactory.create_batch(3, article=article)
    url = "/" if page == "front" else article.get_absolute_url()
    warm = client.get(url)
    again = client.get(url)
    # Every version the page read moves: nothing it keeps is reused.
    commit(pagecache.touch, pagecache.SITE, pagecache.article(article.pk))
    pagecache.forget_recent()
    cold = client.get(url)

    def without_token(response):
        # The comment form's signed timestamp is made per request.
        html = response.content.decode()
        return re.sub(r'name="token" value="[^"]*"', "", html)

    assert warm.status_code == again.status_code == cold.status_code == 200
    assert without_token(cold) == without_token(warm) == without_token(again)
