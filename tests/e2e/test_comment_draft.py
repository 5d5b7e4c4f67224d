"""What a commenter types survives reloads, crashes, 503s and refusals until it is posted."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "The night ferry is the only way home for half the hospital's cleaners."


@pytest.fixture
def story(newsroom):
    DiscussionSettings(min_seconds=0, rate_limit_seconds=0, hourly_cap=0).save()
    return newsroom.lead


def type_comment(page, body=TEXT):
    page.locator("#id_author_name").fill("Aoife Brennan")
    page.locator("#id_author_email").fill("aoife@example.net")
    page.locator("#id_body").fill(body)


def test_a_draft_comes_back_after_a_reload_and_a_crash(page, story):
    url = story.get_absolute_url()
    page.goto(url)
    type_comment(page)
    page.reload()
    expect(page.locator("#id_body")).to_have_value(TEXT)
    expect(page.locator("#id_author_name")).to_have_value("Aoife Brennan")
    # A tab that dies takes nothing with it: a new page of the same browser has the draft.
    other = page.context.new_page()
    page.close()
    other.goto(url)
    expect(other.locator("#id_body")).to_have_value(TEXT)


def test_a_draft_comes_back_after_a_503_and_is_cleared_once_posted(page, story):
    url = story.get_absolute_url()
    page.goto(url)
    type_comment(page)
    page.route(
        "**/comments/post/**",
        lambda route: route.fulfill(status=503, body="<h1>Service unavailable</h1>"),
    )
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Service unavailable")).to_be_visible()
    page.unroute("**/comments/post/**")
    page.goto(url)
    expect(page.locator("#id_body")).to_have_value(TEXT)
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    assert Comment.objects.filter(body=TEXT).count() == 1
    # The deferred script forgets the draft once the page after the post has loaded.
    page.wait_for_function(
        f"() => window.localStorage.getItem('newsroom.draft.{story.pk}.0') === null",
        timeout=5000,
    )
    page.goto(url)
    expect(page.locator("#id_body")).to_have_value("")


def test_a_refused_post_keeps_the_draft(page, story):
    url = story.get_absolute_url()
    page.goto(url)
    # Typing asks for a fresh token, which must be in the form before it is tampered with.
    with page.expect_response("**/comments/token/**") as answer:
        type_comment(page)
    expect(page.locator("input[name=token]")).to_have_value(answer.value.json()["token"])
    # The server refuses it: the form's signed token was tampered with.
    page.locator("input[name=token]").evaluate("el => { el.value = 'tampered'; }")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("alert")).to_contain_text("This form was changed")
    # Post/redirect/get: the browser is on the article, and a reload sends nothing.
    assert page.url.split("?")[0].endswith(url) and "refused=" in page.url
    page.reload()
    expect(page.get_by_role("alert")).to_contain_text("This form was changed")
    page.goto(url)
    expect(page.locator("#id_body")).to_have_value(TEXT)
    assert Comment.objects.filter(body=TEXT).count() == 0


def test_each_reply_target_keeps_its_own_draft(page, story):
    parent = CommentFactory(article=story, author_name="Priya Raman")
    url = story.get_absolute_url()
    page.goto(url)
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    page.locator("#id_body").fill("A reply for Priya only.")
    page.get_by_role("link", name="Cancel reply").click()
    expect(page.locator("#id_body")).to_have_value("A reply for Priya only.")
    page.locator("#id_body").fill("")
    page.reload()
    expect(page.locator("#id_body")).to_have_value("")
    page.locator(f"#comment-{parent.pk} .comment-reply-link").click()
    expect(page.locator("#id_body")).to_have_value("A reply for Priya only.")


def test_the_form_gets_a_token_signed_when_it_is_shown(page, story):
    with page.expect_response(lambda r: "/comments/token/" in r.url) as answer:
        page.goto(story.get_absolute_url())
        page.locator("#comment-form").scroll_into_view_if_needed()
    token = answer.value.json()["token"]
    expect(page.locator("input[name=token]")).to_have_value(token)
