"""A new process does its one-time work before its first reader (newsroom/warmup.py)."""

import gc

import pytest
from django.db import connections
from django.template import engines

from articles import pages
from comments import thread
from newsroom import compiled
from newsroom.warmup import reader_templates, warm_up


@pytest.fixture
def unfrozen():
    yield
    gc.unfreeze()


def test_the_reader_templates_and_queries_are_ready_and_no_connection_is_left_open(
    unfrozen, django_db_blocker
):
    with django_db_blocker.unblock():
        warm_up()
    # Compiled for every database, without a query having been run.
    queries = list(compiled._ALL)
    assert {pages._PUBLIC_BY_SLUG, pages._RELATED_CANDIDATES, thread._THREAD_OUTLINE} <= set(
        queries
    )
    vendor = connections["default"].vendor
    assert all(
        set(connections) <= set(query._compiled)
        for query in queries
        if query.vendor in (None, vendor)
    )
    cached = engines["django"].engine.template_loaders[0].get_template_cache
    names = reader_templates()
    assert {"base.html", "articles/article_detail.html", "comments/section.html"} <= set(names)
    assert not any(name.startswith("admin/") or "/email/" in name for name in names)
    assert set(names) <= set(cached)
    # Nothing opened here may be shared with processes forked after it (Django never closes
    # SQLite's in-memory test database: that would drop it).
    for alias in connections:
        connection = connections[alias]
        in_memory = connection.vendor == "sqlite" and connection.is_in_memory_db()
        assert connection.connection is None or in_memory
    # The comment form's markup is kept for the first article page.
    from comments import forms

    assert forms._blank_forms
    # What the process holds now is left out of the collector's passes.
    assert gc.get_freeze_count() > 10_000


def test_a_database_that_does_not_answer_yet_does_not_stop_the_process(
    unfrozen, monkeypatch, caplog
):
    def refuse(using):
        raise ConnectionError("the database is starting")

    monkeypatch.setattr(compiled.CompiledQuery, "compile", lambda self, using: refuse(using))
    warm_up()
    assert "were not compiled: the database is starting" in caplog.text
