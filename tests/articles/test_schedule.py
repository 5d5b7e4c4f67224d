"""The moments at which readers see a change nobody makes, and the pictures that follow them."""

import datetime
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.utils import timezone

from articles import pictures
from articles.pages import next_public_change
from newsroom import pagecache
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HOUR = datetime.timedelta(hours=1)


def test_the_next_change_is_the_first_future_moment_of_any_kind():
    """Publications, expiries and closings of comments, of published stories only."""
    now = timezone.now()
    assert next_public_change(now) is None
    ArticleFactory(published_at=now - HOUR, expires_at=now - HOUR / 2)  # passed already
    ArticleFactory(draft=True, comments_close_at=now + HOUR / 4)  # a draft changes nothing
    ArticleFactory(published_at=now + 5 * HOUR)
    assert next_public_change(now) == now + 5 * HOUR
    ArticleFactory(expires_at=now + 3 * HOUR)
    assert next_public_change(now) == now + 3 * HOUR
    ArticleFactory(comments_close_at=now + 2 * HOUR)
    assert next_public_change(now) == now + 2 * HOUR
    ArticleFactory(published_at=now + HOUR)
    assert next_public_change(now) == now + HOUR
    # From a later moment, the earlier ones are passed.
    assert next_public_change(now + 4 * HOUR) == now + 5 * HOUR


def test_the_next_change_costs_one_query(django_assert_num_queries):
    # Guards a query per kind of moment (publication, expiry, closing of comments).
    now = timezone.now()
    ArticleFactory(published_at=now + HOUR, expires_at=now + 2 * HOUR)
    with django_assert_num_queries(1):
        assert next_public_change(now) == now + HOUR


def test_a_sync_of_the_pictures_is_due_only_once_a_heros_moment_has_passed(movable_cache):
    now = timezone.now()
    cache.set("articles:pictures:due-until", now, timeout=None)
    ArticleFactory(with_image=True, published_at=now + HOUR)
    ArticleFactory(with_image=True, published_at=now - HOUR, expires_at=now + 2 * HOUR)
    ArticleFactory(published_at=now + HOUR / 2)  # no hero: nothing to sync
    assert not pictures.sync_is_due(now)
    assert not pictures.sync_is_due(now + HOUR / 2 + HOUR / 4)
    assert pictures.sync_is_due(now + HOUR)
    pictures.sync_due(now + HOUR)
    assert not pictures.sync_is_due(now + HOUR)
    assert pictures.sync_is_due(now + 2 * HOUR)


def test_an_edit_of_the_site_queues_no_sync_of_the_pictures(
    client, movable_cache, django_capture_on_commit_callbacks, monkeypatch, settings, time_machine
):
    """The page cache asks for the schedule after every change; the pictures follow only a
    moment that passed (an edit syncs its own hero as it is saved)."""
    settings.PAGE_CACHE_SECONDS = 600
    queued = []
    monkeypatch.setattr(
        pictures, "sync_due_task", SimpleNamespace(enqueue=lambda: queued.append(1))
    )
    ArticleFactory(with_image=True, published_at=timezone.now() + HOUR)
    pictures.sync_due()
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.touch_site()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/").status_code == 200
    assert queued == []
    time_machine.move_to(timezone.now() + 2 * HOUR)  # the story goes live by itself
    with django_capture_on_commit_callbacks(execute=True):
        pagecache.touch_site()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get("/").status_code == 200
    assert queued == [1]
