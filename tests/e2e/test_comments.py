"""Commenting in a real browser: validation, posting, replies, no-JavaScript, moderation."""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from tests.factories import CommentFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(newsroom):
    """The lead story with a short discussion under it, and no waiting between posts."""
    DiscussionSettings(min_seconds=0, rate_limit_seconds=0, hourly_cap=0).save()
    article = newsroom.lead
    earlier = timezone.now() - datetime.timedelta(hours=3)
    first = CommentFactory(
        article=article,
        author_name="Priya Raman",
        author_url="https://priya.example",
        body="The sea wall is the part nobody has costed properly. The last estimate was "
        "from 2023, before steel prices rose.\n\nHas the council published a new one?",
        created_at=earlier,
    )
    CommentFactory(
        article=article,
        parent=first,
        depth=2,
        author_name="Newsroom desk",
        is_staff_reply=True,
        body="Not yet: the council says an updated figure comes with the spring budget. "
        "We will report it when it does.",
    )
    CommentFactory(
        article=article,
        author_name="Jonas Berg",
        body="Good to see a third of the homes set aside for social rent. "
        "Details here: https://example.org/harbour-plan",
    )
    Comment.objects.filter(article=article).update(created_at=earlier)
    return article


def comment_form(page):
    return page.locator("#comment-form")


def test_an_empty_form_is_stopped_by_the_browser(page, story):
    url = story.get_absolute_url()
    page.goto(url)
    page.get_by_role("button", name="Post comment").click()
    assert page.url.endswith(url)
    assert page.locator("#id_author_name").evaluate("el => el.validity.valueMissing")
    assert Comment.objects.filter(article=story, status="pending").count() == 0


def test_a_new_comment_shows_the_poster_it_awaits_moderation(page, story, screenshot):
    page.goto(story.get_absolute_url())
    page.locator("#id_author_name").fill("Aoife Brennan")
    page.locator("#id_author_email").fill("aoife@example.net")
    page.locator("#id_author_url").fill("https://aoife.example")
    page.locator("#id_body").fill(
        "Will the ferry terminal keep the early sailings? Half the night shift uses them."
    )
    page.get_by_label("Save my name, email, and website").check()
    page.get_by_role("button", name="Post comment").click()
    notice = page.get_by_text("Your comment is awaiting moderation.")
    expect(notice).to_be_visible()
    comment = Comment.objects.get(author_name="Aoife Brennan")
    assert page.url.endswith(f"#comment-{comment.pk}")
    page.locator("#comments").scroll_into_view_if_needed()
    screenshot(page, "comments-thread")

    # Remembered in this browser only, because the box was ticked.
    page.goto(story.get_absolute_url())
    expect(page.locator("#id_author_name")).to_have_value("Aoife Brennan")
    expect(page.locator("#id_author_email")).to_have_value("aoife@example.net")
    # The plain article page brings the waiting comment back to its poster once they read
    # down to the discussion (see test_commenter_return.py for everyone else not seeing it).
    page.locator("#comments").scroll_into_view_if_needed()
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(
        "Your comment is awaiting moderation."
    )


def test_without_javascript_a_server_error_keeps_what_was_typed(
    browser, live_server, story, screenshot
):
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(story.get_absolute_url())
    page.locator("#id_author_name").fill("   ")
    page.locator("#id_author_email").fill("maeve@example.net")
    page.locator("#id_author_url").fill("javascript:alert(1)")
    page.locator("#id_body").fill("My long and careful comment about the quays.")
    page.get_by_role("button", name="Post comment").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Please enter your name.")
    expect(summary).to_contain_text("starting with http:// or https://")
    expect(page.locator("#id_body")).to_have_value("My long and careful comment about the quays.")
    expect(page.locator("#id_author_email")).to_have_value("maeve@example.net")
    page.locator("#respond").scroll_into_view_if_needed()
    screenshot(page, "comments-form-errors")
    context.close()


def test_the_error_summary_takes_the_focus(page, story):
    page.goto(story.get_absolute_url())
    page.locator("#id_author_name").fill("Sam")
    page.locator("#id_author_email").fill("sam@example.net")
    page.locator("#id_author_url").fill("ftp://files.example")
    page.locator("#id_body").fill("Short but fine.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.locator("#comment-errors")).to_be_focused()


def test_a_reply_moves_the_form_under_the_comment(page, story):
    parent = Comment.objects.get(author_name="Jonas Berg")
    page.goto(story.get_absolute_url())
    page.get_by_role("link", name="Reply to Jonas Berg").click()
    item = page.locator(f"#comment-{parent.pk}")
    expect(item.locator("#respond")).to_be_visible()
    expect(page.locator("#reply-title")).to_contain_text("Replying to Jonas Berg")
    expect(page.locator("#id_parent")).to_have_value(str(parent.pk))

    page.get_by_role("link", name="Cancel reply").click()
    expect(item.locator("#respond")).to_have_count(0)
    expect(page.locator("#id_parent")).to_have_value("")

    page.get_by_role("link", name="Reply to Jonas Berg").click()
    page.locator("#id_author_name").fill("Lena Fischer")
    page.locator("#id_author_email").fill("lena@example.net")
    page.locator("#id_body").fill("Agreed, and the rents should be capped.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    reply = Comment.objects.get(author_name="Lena Fischer")
    assert reply.parent == parent
    expect(page.locator(f"#comment-{parent.pk} #comment-{reply.pk}")).to_be_visible()


def test_a_reply_works_without_javascript(browser, live_server, story):
    parent = Comment.objects.get(author_name="Priya Raman")
    context = browser.new_context(java_script_enabled=False, base_url=live_server.url)
    page = context.new_page()
    page.goto(story.get_absolute_url())
    page.get_by_role("link", name="Reply to Priya Raman").click()
    expect(page.locator("#reply-title")).to_contain_text("Replying to Priya Raman")
    page.locator("#id_author_name").fill("Omar Haddad")
    page.locator("#id_author_email").fill("omar@example.net")
    page.locator("#id_body").fill("Steel prices have fallen since, though.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("Your comment is awaiting moderation.")).to_be_visible()
    assert Comment.objects.get(author_name="Omar Haddad").parent == parent
    context.close()


def test_a_moderator_approves_and_readers_see_the_comment(browser, live_server, story, screenshot):
    waiting = CommentFactory(
        article=story,
        pending=True,
        author_name="Ruth Okafor",
        author_email="ruth@example.net",
        body="The flood maps in the plan are from 2019 and leave out the lower quays.",
    )
    CommentFactory(
        article=story,
        pending=True,
        author_name="Cheap Deals",
        body="Best prices https://spam.example and https://spam.example/2",
    )
    moderator = UserFactory(username="desk", is_staff=True, first_name="Desk")
    # A transactional test starts from an emptied database: the group is made again here.
    group, _ = Group.objects.get_or_create(name="Comment moderator")
    group.permissions.set(
        Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "moderate_comment"],
        )
    )
    moderator.groups.add(group)

    context = browser.new_context(base_url=live_server.url, viewport={"width": 1600, "height": 800})
    admin = context.new_page()
    admin.goto("/admin/login/?next=/admin/comments/comment/")
    admin.get_by_label("Username").fill("desk")
    admin.get_by_label("Password").fill("correct-horse-battery")
    admin.get_by_role("button", name="Log in").click()
    expect(admin.get_by_role("heading", name="Comments: 2 awaiting moderation")).to_be_visible()
    screenshot(admin, "comments-moderation-queue")
    admin.locator(f'input[name="_selected_action"][value="{waiting.pk}"]').check()
    admin.locator('select[name="action"]').select_option("approve")
    admin.get_by_role("button", name="Run").or_(admin.get_by_role("button", name="Go")).click()
    expect(admin.get_by_text("1 comments approved.")).to_be_visible()
    context.close()

    reader = browser.new_context(base_url=live_server.url).new_page()
    reader.goto(story.get_absolute_url())
    expect(reader.locator(f"#comment-{waiting.pk}")).to_contain_text("leave out the lower quays")
    expect(reader.get_by_text("Best prices")).to_have_count(0)
    reader.context.close()
