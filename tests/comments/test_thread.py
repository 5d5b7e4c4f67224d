"""The thread as readers see it: order, nesting, paging, closing, cost and cacheability."""

import datetime
import hashlib

import pytest
import time_machine
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from newsroom import pagecache
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db


def page(client, article, query=""):
    response = client.get(article.get_absolute_url() + query)
    assert response.status_code == 200
    return response.content.decode()


def test_approved_comments_show_oldest_first_with_name_time_and_permalink(client, article):
    first = CommentFactory(article=article, author_name="First Reader")
    second = CommentFactory(
        article=article, author_name="Second Reader", author_url="https://second.example"
    )
    CommentFactory(article=article, author_name="Waiting Reader", pending=True)
    CommentFactory(article=article, author_name="Spam Reader", status="spam")
    html = page(client, article)
    assert html.index("First Reader") < html.index("Second Reader")
    assert "Waiting Reader" not in html and "Spam Reader" not in html
    assert "2 comments" in html
    assert f'href="#comment-{first.pk}"' in html
    assert '<time datetime="' in html
    assert '<a href="https://second.example" rel="nofollow ugc noopener">Second Reader</a>' in html
    assert f'href="?replyto={second.pk}#respond"' in html


def test_newest_first_when_the_settings_say_so(client, article):
    DiscussionSettings(order="newest").save()
    CommentFactory(article=article, author_name="First Reader")
    CommentFactory(article=article, author_name="Second Reader")
    html = page(client, article)
    assert html.index("Second Reader") < html.index("First Reader")


def test_the_form_says_what_is_required_and_what_stays_private(client, article):
    html = page(client, article)
    assert 'id="respond"' in html and "Leave a comment" in html
    assert "Your email address will not be published. Required fields are marked" in html
    assert "Save my name, email, and website in this browser for the next time I comment." in html
    assert "Notify me of replies by email" in html
    assert 'value="Post comment"' in html
    for name in ("author_name", "author_email", "body"):
        assert f'name="{name}"' in html
    assert html.count(" required ") + html.count(" required>") >= 3
    assert 'name="remember" class="checkboxinput form-check-input" id="id_remember">' in html
    assert 'src="/static/js/comments.js"' in html
    assert "<script>" not in html.split('id="comments"')[1]


def test_reply_without_javascript_renders_the_form_for_that_comment(client, article):
    parent = CommentFactory(article=article, author_name="Dara Quinn")
    html = page(client, article, f"?replyto={parent.pk}")
    assert "Replying to Dara Quinn" in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert "Cancel reply" in html


def test_reply_to_an_unknown_comment_is_an_ordinary_form(client, article):
    html = page(client, article, "?replyto=abc")
    assert "Leave a comment" in html
    html = page(client, article, "?replyto=999999")
    assert 'comment-reply-title">Replying to' not in html


@pytest.mark.parametrize(
    "close",
    [
        {"comments_enabled": False},
        {"comments_close_at": timezone.now() - datetime.timedelta(minutes=1)},
    ],
)
def test_closed_discussions_say_so_and_show_no_form(client, db, close):
    article = ArticleFactory(**close)
    CommentFactory(article=article, author_name="Early Reader")
    html = page(client, article)
    assert "Comments are closed." in html
    assert "Early Reader" in html
    assert 'id="respond"' not in html
    assert "Reply</a>" not in html


def test_discussions_close_some_days_after_publication(client, db):
    DiscussionSettings(close_after_days=2).save()
    old = ArticleFactory(published_at=timezone.now() - datetime.timedelta(days=3))
    assert "Comments are closed." in page(client, old)
    assert "Comments are closed." not in page(client, ArticleFactory())


def test_long_threads_are_paged_by_top_level_comments(client, article):
    DiscussionSettings(per_page=2).save()
    top = [CommentFactory(article=article, author_name=f"Top {n}") for n in range(5)]
    CommentFactory(article=article, parent=top[0], depth=2, author_name="Reply to zero")
    first = page(client, article)
    assert "Top 0" in first and "Top 1" in first and "Reply to zero" in first
    assert "Top 2" not in first
    assert "Page 1 of 3" in first and 'href="?cpage=2#comments"' in first
    third = page(client, article, "?cpage=3")
    assert "Top 4" in third and "Top 0" not in third
    assert "Top 0" in page(client, article, "?cpage=nonsense")


def test_a_reply_whose_parent_was_removed_stays_readable(client, article):
    parent = CommentFactory(article=article, status="removed", author_name="Gone Reader")
    CommentFactory(article=article, parent=parent, depth=2, author_name="Orphan Reader")
    html = page(client, article)
    assert "Orphan Reader" in html and "Gone Reader" not in html


def test_staff_replies_are_marked(client, article):
    CommentFactory(article=article, is_staff_reply=True, author_name="The Desk")
    assert "Newsroom staff" in page(client, article)


def test_nesting_opens_and_closes_every_list(client, article):
    a = CommentFactory(article=article)
    b = CommentFactory(article=article, parent=a, depth=2)
    CommentFactory(article=article, parent=b, depth=3)
    CommentFactory(article=article, parent=a, depth=2)
    CommentFactory(article=article)
    section = page(client, article).split('id="comments"')[1].split("</section>")[0]
    assert section.count("<ol") == section.count("</ol>")
    assert section.count("<li") == section.count("</li>")


# What the page costs, and who may cache it ------------------------------------------------


def thread(article, size):
    """`size` comments: chains of replies five deep, under a fifth as many top-level ones."""
    now = timezone.now()
    made = []
    for n in range(size):
        parent = made[-1] if n % 5 else None
        made.append(
            Comment(
                article=article,
                parent=parent,
                depth=1 + n % 5,
                author_name=f"Reader {n}",
                author_email=f"reader{n}@example.org",
                body=f"Point number {n}.",
                status="approved",
                created_at=now,
            )
        )
        made[-1].save()
    return made


def test_a_thread_of_500_costs_the_same_queries_as_a_thread_of_5(
    client, db, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # Guards a query per comment for its replies or its parent: the whole thread's outline
    # is one query and the page's comments another (with the article's own row: 3 in all,
    # once the rendered article, its related stories and the navigation are cached), asked
    # again once one of its comments changed.
    DiscussionSettings(per_page=500).save()
    small = ArticleFactory()
    big = ArticleFactory(section=small.section)
    thread(small, 5)
    thread(big, 500)
    DiscussionSettings.load()
    for article in (small, big):
        page(client, article)
    for article in (small, big):
        with django_capture_on_commit_callbacks(execute=True):
            pagecache.touch_article(article.pk)
        with django_assert_num_queries(3):
            html = page(client, article)
    assert "500 comments" in html and "Point number 499." in html
    # Until a comment changes again, the article's row alone.
    with django_assert_num_queries(1):
        assert page(client, big) == html


def test_the_discussion_settings_cost_no_query_once_cached(db, django_assert_num_queries):
    DiscussionSettings(per_page=7).save()
    with django_assert_num_queries(1):
        assert DiscussionSettings.load().per_page == 7
    with django_assert_num_queries(0):
        assert DiscussionSettings.load().per_page == 7


def test_saving_the_settings_refreshes_the_cached_copy(db):
    settings = DiscussionSettings()
    settings.save()
    DiscussionSettings.load()
    settings.per_page = 9
    settings.save()
    assert DiscussionSettings.load().per_page == 9


def test_the_article_page_sets_no_cookie_and_does_not_vary_by_cookie(client, article):
    CommentFactory(article=article)
    response = client.get(article.get_absolute_url())
    assert "Set-Cookie" not in response.headers
    assert not response.cookies
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_the_article_page_is_the_same_html_for_every_reader(article):
    from django.test import Client

    CommentFactory(article=article)
    with time_machine.travel(timezone.now(), tick=False):
        pages = [Client().get(article.get_absolute_url()).content for _ in range(2)]
    assert pages[0] == pages[1]


def test_an_email_hash_never_stands_in_for_an_avatar(client, article):
    CommentFactory(article=article, author_email="hash.me@example.org")
    html = page(client, article)
    assert hashlib.md5(b"hash.me@example.org").hexdigest() not in html
    assert "gravatar" not in html


def test_the_text_readers_see_is_stored_on_save_and_follows_edits(article, moderator):
    from comments import services

    comment = CommentFactory(article=article, body="See https://example.org <b>now</b>")
    assert 'rel="nofollow ugc noopener"' in comment.body_html
    assert "&lt;b&gt;" in comment.body_html
    services.edit_comment_text(comment=comment, body="Plain words only.", by=moderator)
    comment.refresh_from_db()
    assert comment.body_html == "<p>Plain words only.</p>"


@pytest.mark.parametrize(
    ("order", "pages"), [("oldest", [1, 1, 2, 2, 3]), ("newest", [3, 2, 2, 1, 1])]
)
def test_a_comments_address_names_the_thread_page_it_is_on(client, article, order, pages):
    DiscussionSettings(per_page=2, order=order).save()
    start = timezone.now() - datetime.timedelta(hours=1)
    top = [
        CommentFactory(article=article, created_at=start + datetime.timedelta(minutes=n))
        for n in range(5)
    ]
    reply = CommentFactory(article=article, parent=top[4], depth=2)
    for comment, expected in zip(top + [reply], pages + [pages[4]], strict=True):
        url = comment.get_absolute_url()
        query = f"?cpage={expected}" if expected > 1 else ""
        assert url == f"{article.get_absolute_url()}{query}#comment-{comment.pk}"
        assert f'id="comment-{comment.pk}"' in client.get(url.split("#")[0]).content.decode()


def test_a_reply_to_a_removed_comment_is_found_at_the_top_level(article):
    DiscussionSettings(per_page=1).save()
    removed = CommentFactory(article=article, status="removed")
    first = CommentFactory(article=article)
    orphan = CommentFactory(article=article, parent=removed, depth=2)
    assert first.thread_page() == 1
    assert orphan.thread_page() == 2


@pytest.mark.parametrize("order", DiscussionSettings.Order.values)
def test_every_comment_is_on_the_thread_page_its_address_names(client, article, order):
    """Comment.thread_page agrees with the rendered ?cpage=N pages, replies included."""
    DiscussionSettings(per_page=2, order=order, max_depth=5).save()
    start = timezone.now() - datetime.timedelta(hours=2)

    def at(minutes, **fields):
        created = start + datetime.timedelta(minutes=minutes)
        return CommentFactory(article=article, created_at=created, **fields)

    top = [at(n) for n in range(5)]
    removed = at(5, status=Comment.Status.REMOVED)
    # Replies posted after the later top-level comments, so they sit on an earlier page
    # than their own time would put them; one chain goes three levels deep.
    reply = at(30, parent=top[0], depth=2)
    at(31, parent=reply, depth=3)
    at(32, parent=top[3], depth=2)
    at(33, parent=removed, depth=2)  # readable at the top level once its parent is gone
    # Two top-level comments at the same instant: the id settles their order.
    twins = [at(40), at(40)]
    approved = list(Comment.objects.filter(article=article).approved())
    # Eight top-level entries, two a page.
    pages = {number: page(client, article, f"?cpage={number}") for number in range(1, 5)}
    for comment in approved:
        expected = comment.thread_page()
        shown_on = [n for n in pages if f'id="comment-{comment.pk}"' in pages[n]]
        assert shown_on == [expected], (comment.body, comment.parent_id)
    first, last = (1, 4) if order == DiscussionSettings.Order.OLDEST else (4, 1)
    assert reply.thread_page() == top[0].thread_page() == first
    assert [twin.thread_page() for twin in twins] == [last, last]
