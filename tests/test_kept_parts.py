"""What pages keep apart from the site's version, and what a kept thread holds."""

import pickle
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Section
from comments.models import DiscussionSettings
from comments.thread import KeptThread, public_thread
from newsroom import pagecache
from tests.factories import ArticleFactory, CommentFactory, SectionFactory

pytestmark = pytest.mark.django_db


def section_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    table = Section._meta.db_table
    return [q["sql"] for q in queries if q["sql"].startswith(f'SELECT "{table}".')]


def test_a_story_that_changes_leaves_the_kept_sections_alone(client, commit):
    article = ArticleFactory()
    section_queries(client, "/")
    # A story changes: the site's version moves, the sections' does not.
    commit(ArticleFactory, section=article.section)
    assert section_queries(client, "/") == []
    # A section changes: the navigation is read again, and shows it.
    commit(SectionFactory, name="Weather desk")
    assert section_queries(client, "/")
    assert "Weather desk" in client.get("/").content.decode()


def test_the_discussion_settings_are_read_again_only_when_they_change(client, commit):
    article = ArticleFactory()
    url = article.get_absolute_url()
    client.get(url)
    commit(ArticleFactory, section=article.section)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    table = DiscussionSettings._meta.db_table
    assert not [q for q in queries if q["sql"].startswith(f'SELECT "{table}".')]
    settings = DiscussionSettings.load()
    settings.per_page = 7
    commit(settings.save)
    assert DiscussionSettings.load(request=client.get(url).wsgi_request).per_page == 7


def test_a_version_never_seen_starts_at_the_sites_not_now():
    cache.clear()
    pagecache.forget_recent()
    site = pagecache.versions([pagecache.SITE])[pagecache.SITE]
    cache.delete("pagecache:v:sections")
    found = pagecache.versions([pagecache.SECTIONS, pagecache.DISCUSSION])
    # Every change of the sections moves the site's version too: the site's is never older.
    assert found == {pagecache.SECTIONS: site, pagecache.DISCUSSION: site}


def test_a_kept_thread_holds_numbers_and_names_not_comments(rf):
    article = ArticleFactory()
    first = CommentFactory(article=article, author_name="Ada Reader")
    CommentFactory(article=article, parent=first, author_name="Bo Reader")
    discussion = DiscussionSettings.load()
    thread, html = public_thread(
        article, discussion=discussion, page_number=None, is_open=True, site_name="Newsroom"
    )
    assert isinstance(thread, KeptThread)
    assert thread.count == 2 and thread.page.number == 1 and not thread.page.has_next()
    assert (thread.by_id[first.pk].pk, thread.by_id[first.pk].author_name) == (
        first.pk,
        "Ada Reader",
    )
    assert "Bo Reader" in html
    kept = pickle.dumps(thread)
    assert b"comments.models" not in kept and b"Comment" not in kept


@pytest.mark.parametrize("name", [pagecache.SECTIONS, pagecache.DISCUSSION])
def test_a_change_kept_apart_moves_the_sites_version_too(commit, name):
    from newsroom.pagecache.models import Invalidation

    commit(pagecache.touch, name)
    assert Invalidation.objects.latest("pk").names.split() == [pagecache.SITE, name]


def test_an_articles_own_parts_and_its_rail_are_kept_as_one_value(client, commit):
    article = ArticleFactory()
    ArticleFactory(section=article.section, headline="A neighbour in the rail")
    url = article.get_absolute_url()
    client.get(url)
    commit(pagecache.touch_site)
    pagecache.forget_recent()
    written = []
    real_set = cache.set

    def spy(key, *args, **kwargs):
        written.append(key)
        return real_set(key, *args, **kwargs)

    with mock.patch.object(cache, "set", side_effect=spy):
        page = client.get(url).content.decode()
    kept = [key for key in written if key.startswith("pagecache:memo:")]
    assert len(kept) == 1 and kept[0].startswith(f"pagecache:memo:article-parts:{article.pk}:")
    value = cache.get(kept[0])
    assert set(value) == {"meta", "article", "related", "keys"}
    assert "A neighbour in the rail" in value["related"] and value["related"] in page
