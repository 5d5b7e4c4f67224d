"""Imports in batches: the same result whatever the batch size, failures undone one batch at a
time, threads across batches and runs, and a cost that does not grow with the posts."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles import wordpress
from articles.models import Article, Byline, Redirect, Section, Tag, WordPressLink
from authors.models import Author
from comments.models import Comment, DiscussionSettings
from newsroom.pagecache.models import Invalidation

from .builder import WXRAuthor, WXRComment, WXRItem, wxr_bytes

pytestmark = pytest.mark.django_db

HARBOUR = ("category", "harbour", "Harbour")
COUNCIL = ("category", "council", "Council")


def export(tmp_path, items, name="export.xml"):
    path = tmp_path / name
    path.write_bytes(
        wxr_bytes(
            items=items,
            authors=[
                WXRAuthor(2, "editor1", display_name="Edda Ness"),
                WXRAuthor(3, "editor2", display_name="Ivar Lund"),
            ],
            categories=[("harbour", "Harbour", ""), ("council", "Council", "")],
            tags=[("ferries", "Ferries"), ("tides", "Tides")],
        )
    )
    return path


def run(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_wordpress", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def threaded_post(post_id, first_comment_id, *, slug=None):
    """A post with a thread four levels deep, a second thread, a ping and every status."""
    c = first_comment_id
    comments = [
        WXRComment(c, content=f"Top {post_id}.", date_gmt="2024-03-02 09:00:00"),
        WXRComment(c + 1, content=f"Reply {post_id}.", parent=c, date_gmt="2024-03-02 10:00:00"),
        WXRComment(c + 2, content=f"Deeper {post_id}.", parent=c + 1,
                   date_gmt="2024-03-02 11:00:00"),
        WXRComment(c + 3, content=f"Deepest {post_id}.", parent=c + 2,
                   date_gmt="2024-03-02 12:00:00"),
        WXRComment(c + 4, content=f"Second thread {post_id}.", date_gmt="2024-03-03 08:00:00"),
        WXRComment(c + 5, content=f"Held {post_id}.", approved="0", parent=c + 4),
        WXRComment(c + 6, content=f"Spam {post_id}.", approved="spam"),
        WXRComment(c + 7, content=f"Binned {post_id}.", approved="trash"),
        WXRComment(c + 8, content="Linked.", type="pingback"),
    ]  # fmt: skip
    return WXRItem(
        post_id,
        title=f"Harbour story {post_id}",
        slug=slug or f"harbour-story-{post_id}",
        content=f"Story {post_id} begins.\n\nIt goes on.",
        creator="editor1" if post_id % 2 else "editor2",
        categories=[HARBOUR if post_id % 2 else COUNCIL, ("post_tag", "ferries", "Ferries")],
        comments=comments,
    )


def site_items():
    items = [threaded_post(n, n * 100) for n in range(1, 8)]
    items.insert(3, WXRItem(50, title="About us", post_type="page"))
    items.insert(5, WXRItem(51, title="Binned post", status="trash", categories=[HARBOUR]))
    items.append(WXRItem(52, title="Draft", status="draft", categories=[HARBOUR]))
    return items


def snapshot():
    """Everything an import makes, without the keys the database chose."""
    articles = {
        a.slug: (
            a.headline,
            a.status,
            a.section.slug,
            a.body,
            a.standfirst,
            a.word_count,
            a.published_at,
            a.first_published_at,
            sorted(a.tags.values_list("slug", flat=True)),
            [b.author.name for b in a.bylines.all()],
        )
        for a in Article.objects.all()
    }
    comments = {
        c.body: (
            c.article.slug,
            c.parent.body if c.parent else None,
            c.depth,
            c.status,
            c.created_at,
            c.author_name,
        )
        for c in Comment.objects.select_related("article", "parent")
    }
    redirects = dict(Redirect.objects.values_list("old_path", "target"))
    links = sorted(WordPressLink.objects.values_list("kind", "key"))
    return articles, comments, redirects, links


def counts_of(out):
    return [line for line in out.splitlines() if line.startswith("  ")]


@pytest.fixture
def depth_three(db):
    settings = DiscussionSettings.load()
    settings.max_depth = 3
    settings.save()


@pytest.mark.parametrize("batch_size", [1, 2, 3])
def test_any_batch_size_gives_the_same_import_and_summary(tmp_path, depth_three, batch_size):
    path = export(tmp_path, site_items())
    out, err = run(path)
    expected = snapshot()
    for model in (Comment, Article, Section, Tag, Author, WordPressLink, Redirect):
        model.objects.all().delete()
    small_out, small_err = run(path, "--batch-size", str(batch_size))
    assert snapshot() == expected
    assert counts_of(small_out) == counts_of(out)
    assert small_err == err


def test_threads_keep_their_order_and_depth_across_batch_boundaries(tmp_path, depth_three):
    run(export(tmp_path, site_items()), "--batch-size", "2")
    for n in range(1, 8):
        top, reply = Comment.objects.get(body=f"Top {n}."), Comment.objects.get(body=f"Reply {n}.")
        deeper, deepest = (
            Comment.objects.get(body=f"Deeper {n}."),
            Comment.objects.get(body=f"Deepest {n}."),
        )
        assert top.article.slug == f"harbour-story-{n}"
        assert (top.parent, top.depth) == (None, 1)
        assert (reply.parent, reply.depth) == (top, 2)
        assert (deeper.parent, deeper.depth) == (reply, 3)
        # Four levels where three are allowed: it joins the thread at the third.
        assert (deepest.parent, deepest.depth) == (reply, 3)
        assert Comment.objects.get(body=f"Held {n}.").parent == Comment.objects.get(
            body=f"Second thread {n}."
        )
        # The thread reads in the order it was written in, whatever order it was inserted in.
        thread = Comment.objects.filter(article=top.article, status="approved").order_by(
            "created_at", "pk"
        )
        assert [c.body for c in thread] == [
            f"Top {n}.", f"Reply {n}.", f"Deeper {n}.", f"Deepest {n}.", f"Second thread {n}."
        ]  # fmt: skip


def test_replies_to_comments_imported_in_an_earlier_batch_and_run_find_their_parents(
    tmp_path, depth_three
):
    items = site_items()
    run(export(tmp_path, items), "--batch-size", "2")
    before = Comment.objects.count()
    # A newer export: replies under comments of the first post (first batch) and the last
    # one (last batch); one of them deeper than allowed.
    items[0].comments.append(WXRComment(190, content="Late reply 1.", parent=100))
    items[-2].comments.append(WXRComment(790, content="Late deep 7.", parent=703))
    items[-2].comments.append(WXRComment(791, content="Later still 7.", parent=790))
    out, _err = run(export(tmp_path, items), "--batch-size", "2")
    assert Comment.objects.count() == before + 3
    assert Comment.objects.get(body="Late reply 1.").parent == Comment.objects.get(body="Top 1.")
    late = Comment.objects.get(body="Late deep 7.")
    assert (late.parent, late.depth) == (Comment.objects.get(body="Reply 7."), 3)
    later = Comment.objects.get(body="Later still 7.")
    assert (later.parent, later.depth) == (Comment.objects.get(body="Reply 7."), 3)
    assert "comments already imported: 56" in out and "comments approved: 3" in out


def test_a_loop_of_replies_in_the_file_starts_a_thread_instead_of_failing(tmp_path):
    comments = [
        WXRComment(1, content="Says it answers the second.", parent=2),
        WXRComment(2, content="Says it answers the first.", parent=1),
    ]
    run(export(tmp_path, [WXRItem(1, slug="loop", categories=[HARBOUR], comments=comments)]))
    first = Comment.objects.get(body="Says it answers the second.")
    second = Comment.objects.get(body="Says it answers the first.")
    # One of the two starts the thread, the other answers it: never a loop.
    assert {(first.parent_id, first.depth), (second.parent_id, second.depth)} in (
        {(None, 1), (first.pk, 2)},
        {(None, 1), (second.pk, 2)},
    )


def failing_on(post_id):
    def handler(*, items, run):
        if any(item.post_id == post_id for item, _article in items):
            raise ValueError("the comments could not be read")

    return handler


def test_a_failing_batch_is_undone_and_imported_again_one_item_at_a_time(tmp_path):
    handler = wordpress.register_batch_handler(failing_on(3))
    try:
        out, err = run(export(tmp_path, site_items()), "--batch-size", "4")
    finally:
        wordpress.unregister_batch_handler(handler)
    slugs = set(Article.objects.filter(slug__startswith="harbour").values_list("slug", flat=True))
    assert slugs == {f"harbour-story-{n}" for n in (1, 2, 4, 5, 6, 7)}
    # Its comments were undone with it; the other posts of its batch kept theirs.
    assert not Comment.objects.filter(body__endswith=" 3.").exists()
    assert Comment.objects.filter(body="Top 2.").exists()
    assert 'post 3 "Harbour story 3": the comments could not be read' in err
    assert "batches imported again one item at a time: 1" in out
    assert "posts failed: 1" in out and "articles created: 7" in out
    assert '#3 "Harbour story 3": the comments could not be read' in out
    # Nothing the undone batch counted remains counted twice.
    assert "comments approved: 30" in out and "comments pending: 6" in out
    assert f"redirects: {Redirect.objects.count()}" in out


def test_a_second_run_after_a_partly_failed_one_adds_what_failed_and_doubles_nothing(tmp_path):
    path = export(tmp_path, site_items())
    handler = wordpress.register_batch_handler(failing_on(3))
    try:
        run(path, "--batch-size", "4")
    finally:
        wordpress.unregister_batch_handler(handler)
    articles, comments = Article.objects.count(), Comment.objects.count()
    out, err = run(path, "--batch-size", "4")
    assert Article.objects.count() == articles + 1
    assert Comment.objects.count() == comments + 8
    assert Article.objects.filter(slug="harbour-story-3").count() == 1
    assert "articles created: 1" in out and "articles unchanged: 7" in out
    assert "comments already imported: 48" in out and "posts failed" not in out
    assert "batches imported again" not in out and err == ""
    # Authors that did not change are not saved again (nor counted as updated).
    assert "authors unchanged: 2" in out and "authors updated" not in out
    # A third run: nothing new at all.
    out, _err = run(path)
    assert (Article.objects.count(), Comment.objects.count()) == (articles + 1, comments + 8)
    assert "articles unchanged: 8" in out and "articles created" not in out


def test_a_batch_the_database_refuses_is_retried_and_only_the_bad_post_is_reported(tmp_path):
    """Two posts share a slug; the id-suffixed one is taken already: only that post fails."""
    items = [WXRItem(n, slug=f"story-{n}", categories=[HARBOUR]) for n in (1, 3)]
    items += [
        WXRItem(5, slug="weather", categories=[HARBOUR]),
        WXRItem(7, slug="weather", categories=[HARBOUR]),
    ]
    run(export(tmp_path, [WXRItem(70, slug="weather-7", categories=[HARBOUR])], "first.xml"),
        "--site", "another.example")  # fmt: skip
    out, err = run(export(tmp_path, items))
    assert sorted(Article.objects.values_list("slug", flat=True)) == [
        "story-1", "story-3", "weather", "weather-7"
    ]  # fmt: skip
    assert "batches imported again one item at a time: 1" in out
    assert "posts failed: 1" in out and "articles created: 3" in out
    assert "post 7" in err and "post 5" not in err


def test_the_batch_size_must_be_positive(tmp_path):
    with pytest.raises(CommandError, match="--batch-size must be at least 1"):
        run(export(tmp_path, site_items()), "--batch-size", "0")


def test_a_batch_costs_the_same_queries_whatever_its_number_of_posts(tmp_path, depth_three):
    """Guards against a query per post or per comment creeping back into the import."""
    few = export(tmp_path, [threaded_post(n, n * 100) for n in range(1, 3)], "few.xml")
    many = export(tmp_path, [threaded_post(n, n * 100) for n in range(11, 23)], "many.xml")
    # Authors, sections and tags are made by the first run; the second one meets them.
    run(export(tmp_path, [threaded_post(n, n * 100) for n in (90, 91)], "terms.xml"))
    with CaptureQueriesContext(connection) as small:
        run(few)
    with CaptureQueriesContext(connection) as large:
        run(many)
    assert len(large) == len(small)
    assert Comment.objects.count() == 16 * 8


def test_the_site_pages_are_invalidated_once_per_batch_not_per_post(
    tmp_path, client, django_capture_on_commit_callbacks
):
    # Authors and sections exist already: only the posts and their comments are new.
    run(export(tmp_path, [threaded_post(90, 9000), threaded_post(91, 9100)], "first.xml"))
    page = client.get("/")
    assert page.status_code == 200 and "Harbour story 1" not in page.content.decode()
    before = Invalidation.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        run(export(tmp_path, [threaded_post(n, n * 100) for n in range(1, 11)]), "--batch-size",
            "5")  # fmt: skip
    # One per batch of five, for the site and the batch's threads together.
    new = list(
        Article.objects.filter(slug__in=[f"harbour-story-{n}" for n in range(1, 11)])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    names = [set(row.split()) for row in Invalidation.objects.order_by("pk")
             .values_list("names", flat=True)[before:]]  # fmt: skip
    assert names == [{"site", *(f"article:{pk}" for pk in pks)} for pks in (new[:5], new[5:])]
    assert "Harbour story 1" in client.get("/").content.decode()


def test_bylines_and_links_are_written_once_per_article(tmp_path):
    path = export(tmp_path, site_items())
    run(path, "--batch-size", "3")
    run(path, "--batch-size", "5")
    assert Byline.objects.count() == Article.objects.count() == 8
    assert WordPressLink.objects.filter(kind="post").count() == 8
    assert WordPressLink.objects.filter(kind="comment").count() == Comment.objects.count() == 56


def test_a_dry_run_in_several_batches_reports_a_real_runs_counts_and_writes_nothing(tmp_path):
    path = export(tmp_path, site_items())
    dry_out, _err = run(path, "--dry-run", "--batch-size", "2")
    assert not Article.objects.exists() and not Comment.objects.exists()
    assert not WordPressLink.objects.exists() and not Redirect.objects.exists()
    out, _err = run(path, "--batch-size", "2")
    assert "dry run" in dry_out.splitlines()[0]
    assert counts_of(dry_out) == counts_of(out)


def test_the_tables_an_import_filled_get_fresh_statistics_on_postgresql(tmp_path):
    """Bulk inserts leave the planner's statistics stale until autovacuum comes by: a real
    import ends with ANALYZE of what it wrote (PostgreSQL); a dry run and SQLite do not."""
    path = export(tmp_path, [threaded_post(10, 100), threaded_post(11, 200, slug="other")])
    with CaptureQueriesContext(connection) as dry:
        run(path, "--dry-run")
    assert not [q for q in dry.captured_queries if q["sql"].startswith("ANALYZE")]
    with CaptureQueriesContext(connection) as real:
        run(path)
    analysed = {q["sql"] for q in real.captured_queries if q["sql"].startswith("ANALYZE")}
    if connection.vendor != "postgresql":
        assert analysed == set()
        return
    for model in (Article, Article.tags.through, Byline, Comment, Redirect, WordPressLink):
        assert f'ANALYZE "{model._meta.db_table}"' in analysed
    # Once each, after the last batch.
    assert real.captured_queries[-1]["sql"].startswith("ANALYZE")
