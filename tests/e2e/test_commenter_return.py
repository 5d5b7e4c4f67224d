"""A commenter whose comment waits for a moderator finds it on every return, and only they do.

Reader pages are shared cached HTML: the waiting comment comes from the commenter's own
signed cookie through /comments/mine/, and the remembered details from cookies that only
the script reads.
"""

import time
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from tests.factories import ArticleFactory, CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SIZES = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
TEXT = "The ferry timetable ignores everyone who works a night shift at the hospital."
AWAITING = "Your comment is awaiting moderation."


@pytest.fixture
def story(newsroom):
    DiscussionSettings(min_seconds=0, rate_limit_seconds=0, hourly_cap=0).save()
    return newsroom.lead


def post(page, *, body=TEXT, remember=None):
    page.locator("#id_author_name").fill("Tomasz Wierzba")
    page.locator("#id_author_email").fill("tomasz@example.net")
    page.locator("#id_body").fill(body)
    if remember is not None:
        page.locator("#id_remember").set_checked(remember)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text(AWAITING)).to_be_visible()
    return Comment.objects.get(body=body)


def come_back(page, url):
    """Opens the plain address, as a bookmark or a later visit would, and reads down to the
    discussion: the visitor's waiting comments are asked for once it comes near."""
    page.goto(url)
    page.locator("#comments").scroll_into_view_if_needed()


@SIZES
def test_a_waiting_comment_is_still_there_after_a_reload_and_for_no_one_else(
    new_context, story, screenshot, size
):
    url = story.get_absolute_url()
    CommentFactory(article=story, author_name="Lena Haas")
    page = new_context(**size).new_page()
    page.goto(url)
    comment = post(page)
    come_back(page, url)
    mine = page.locator(f"#comment-{comment.pk}")
    expect(mine).to_contain_text(AWAITING)
    expect(mine).to_contain_text(TEXT)
    page.reload()
    expect(mine).to_contain_text(AWAITING)
    # Oldest first: a new top-level comment comes after the one already there.
    expect(page.locator(".comment-list > li").last).to_have_id(f"comment-{comment.pk}")
    screenshot(page, f"commenter-return-{size['viewport']['width']}")

    stranger = new_context(**size).new_page()
    stranger.goto(url)
    expect(stranger.locator(".comment-list > li")).to_have_count(1)
    expect(stranger.get_by_text(TEXT)).to_have_count(0)
    expect(stranger.get_by_text(AWAITING)).to_have_count(0)


def test_a_waiting_reply_stands_under_its_parent(page, story):
    parent = CommentFactory(article=story, author_name="Lena Haas")
    url = story.get_absolute_url()
    page.goto(url)
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    comment = post(page)
    come_back(page, url)
    reply = page.locator(f"#comment-{parent.pk} > ol.children > li#comment-{comment.pk}")
    expect(reply).to_contain_text(AWAITING)
    expect(reply).to_have_class("comment comment-pending comment-mine depth-2")


def test_newest_first_puts_a_waiting_comment_at_the_top(page, story):
    DiscussionSettings(
        min_seconds=0, rate_limit_seconds=0, hourly_cap=0, order=DiscussionSettings.Order.NEWEST
    ).save()
    CommentFactory(article=story, author_name="Lena Haas")
    url = story.get_absolute_url()
    page.goto(url)
    comment = post(page)
    come_back(page, url)
    expect(page.locator(".comment-list > li").first).to_have_id(f"comment-{comment.pk}")


def test_an_approved_comment_no_longer_shows_as_waiting(page, story, settings):
    settings.PAGE_CACHE_SECONDS = 0
    url = story.get_absolute_url()
    page.goto(url)
    comment = post(page)
    # The page the post lands on asks /comments/mine/ too; its answer must not be taken for
    # the return visit's, which is the one that finds the comment approved.
    page.wait_for_load_state("networkidle")
    Comment.objects.filter(pk=comment.pk).update(status=Comment.Status.APPROVED)
    with page.expect_response("**/comments/mine/**"):
        come_back(page, url)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(TEXT)
    expect(page.get_by_text(AWAITING)).to_have_count(0)
    assert not [c for c in page.context.cookies() if c["name"] == "comment_pending"]


@SIZES
def test_the_consent_box_fills_the_form_on_the_next_visit(new_context, story, size):
    context = new_context(**size)
    page = context.new_page()
    url = story.get_absolute_url()
    page.goto(url)
    expect(page.locator("#id_remember")).to_be_visible()
    page.locator("#id_author_url").fill("https://tomasz.example.net/")
    post(page, remember=True)
    cookies = {c["name"]: c for c in context.cookies()}
    author = cookies["comment_author"]
    assert author["path"] == "/" and author["sameSite"] == "Lax"
    assert author["httpOnly"] is False
    assert author["expires"] > time.time() + 360 * 86400
    assert "comment_author_email" in cookies and "comment_author_url" in cookies
    pending = cookies["comment_pending"]
    assert pending["path"] == "/comments/" and pending["httpOnly"] is True

    # Nothing typed is left in the drafts: what fills the form comes from the cookies.
    page.evaluate("() => window.localStorage.clear()")
    later = context.new_page()
    page.close()
    later.goto(url)
    expect(later.locator("#id_author_name")).to_have_value("Tomasz Wierzba")
    expect(later.locator("#id_author_email")).to_have_value("tomasz@example.net")
    expect(later.locator("#id_author_url")).to_have_value("https://tomasz.example.net/")
    expect(later.locator("#id_remember")).to_be_checked()
    expect(later.locator("#id_body")).to_have_value("")

    # Unticked, the details are forgotten.
    post(later, body="A second thought on the timetable.", remember=False)
    names = {c["name"] for c in context.cookies()}
    assert not names & {"comment_author", "comment_author_email", "comment_author_url"}
    later.evaluate("() => window.localStorage.clear()")
    later.goto(url)
    expect(later.locator("#id_author_name")).to_have_value("")
    expect(later.locator("#id_remember")).not_to_be_checked()


def test_without_javascript_the_box_is_not_offered_and_the_post_page_shows_the_comment(
    new_context, story
):
    page = new_context(java_script_enabled=False).new_page()
    page.goto(story.get_absolute_url())
    expect(page.locator("#id_remember")).to_be_hidden()
    comment = post(page)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(AWAITING)


@SIZES
def test_the_article_with_a_waiting_comment_has_no_accessibility_violations(
    new_context, story, size
):
    page = new_context(**size).new_page()
    url = story.get_absolute_url()
    page.goto(url)
    comment = post(page, remember=True)
    come_back(page, url)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(AWAITING)
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


LONG_BODY = "".join(
    f"<p>Paragraph {n} of the council's long report on the harbour, read line by line by the "
    "ferry workers' union, which found the night crossings missing from every table.</p>"
    for n in range(40)
)


def comment_requests(page):
    """The addresses under /comments/ that the page asks for, as they are asked for."""
    asked = []
    page.on(
        "request",
        lambda request: (
            asked.append(request.url)
            if urlsplit(request.url).path.startswith("/comments/")
            else None
        ),
    )
    return asked


@SIZES
def test_the_discussion_asks_for_nothing_until_the_reader_comes_near_it(new_context, story, size):
    article = ArticleFactory(section=story.section, body=LONG_BODY)
    page = new_context(**size).new_page()
    asked = comment_requests(page)
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert asked == []
    # Scrolling down to the thread asks for the visitor's waiting comments and the form's
    # fresh token.
    with (
        page.expect_response("**/comments/mine/**"),
        page.expect_response("**/comments/token/**"),
    ):
        page.locator("#comments").scroll_into_view_if_needed()
    assert sorted(urlsplit(url).path.split("/")[2] for url in asked) == ["mine", "token"]


def test_focusing_the_form_before_it_comes_near_asks_for_its_token(page, story):
    article = ArticleFactory(section=story.section, body=LONG_BODY)
    asked = comment_requests(page)
    page.goto(article.get_absolute_url())
    page.wait_for_load_state("networkidle")
    assert asked == []
    # Focus without scrolling, as a script or an assistive tool may move it.
    with page.expect_response("**/comments/token/**"):
        page.locator("#id_body").evaluate("el => el.focus({preventScroll: true})")


def test_a_browser_without_intersection_observer_asks_at_once(page, story):
    page.add_init_script("delete window.IntersectionObserver;")
    article = ArticleFactory(section=story.section, body=LONG_BODY)
    with (
        page.expect_response("**/comments/mine/**"),
        page.expect_response("**/comments/token/**"),
    ):
        page.goto(article.get_absolute_url())


def test_an_address_that_opens_at_the_comments_asks_at_once(page, story):
    article = ArticleFactory(section=story.section, body=LONG_BODY)
    with page.expect_response("**/comments/mine/**"):
        page.goto(article.get_absolute_url() + "#comments")
