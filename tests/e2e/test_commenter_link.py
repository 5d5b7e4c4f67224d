"""A commenter's private link in a real browser: post, open it, correct, withdraw."""

import datetime

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, DiscussionSettings
from tests.comments.conftest import links_in
from tests.factories import CommentFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def story(newsroom):
    """The lead story, where Aoife has been approved before (her next comment goes live)."""
    DiscussionSettings(min_seconds=0, rate_limit_seconds=0, hourly_cap=0).save()
    article = newsroom.lead
    CommentFactory(
        article=article,
        author_name="Priya Raman",
        body="The sea wall is the part nobody has costed properly.",
    )
    CommentFactory(
        article=article,
        author_name="Aoife Brennan",
        author_email="aoife@example.net",
        body="The ferry timetable is what matters to the night shift.",
    )
    Comment.objects.filter(article=article).update(
        created_at=timezone.now() - datetime.timedelta(hours=3)
    )
    return article


def test_a_commenter_posts_corrects_and_withdraws_through_their_private_link(
    page, story, screenshot
):
    page.goto(story.get_absolute_url())
    page.locator("#id_author_name").fill("Aoife Brennan")
    page.locator("#id_author_email").fill("aoife@example.net")
    page.locator("#id_body").fill("Will the ferry terminal keep the erly sailings?")
    page.get_by_label("Email me a private link").check()
    page.get_by_role("button", name="Post comment").click()

    comment = Comment.objects.get(body__contains="erly sailings")
    assert comment.status == "approved"
    owner_box = page.locator(f"#comment-{comment.pk} .comment-owner")
    expect(owner_box).to_be_visible()
    owner_box.scroll_into_view_if_needed()
    screenshot(page, "commenter-private-link-after-posting")
    # The same link went by email, because the box was ticked.
    (message,) = [m for m in mail.outbox if m.to == ["aoife@example.net"]]
    assert links_in(message.body, "manage")

    owner_box.get_by_role("link", name="Manage your comment").click()
    expect(page.get_by_role("heading", name="Manage your comment")).to_be_visible()
    expect(page.locator(".status-badge")).to_have_text("Approved")
    screenshot(page, "commenter-manage-page")

    page.get_by_role("textbox", name="Your comment").fill(
        "Will the ferry terminal keep the early sailings?"
    )
    page.get_by_role("button", name="Save the new text").click()
    expect(page.get_by_role("status")).to_have_text("Your new text is saved.")
    comment.refresh_from_db()
    assert comment.body == "Will the ferry terminal keep the early sailings?"
    screenshot(page, "commenter-manage-page-after-edit")

    page.get_by_role("link", name="Withdraw this comment…").click()
    expect(page.get_by_role("heading", name="Withdraw this comment?")).to_be_visible()
    screenshot(page, "commenter-withdraw-confirmation")
    page.get_by_role("button", name="Withdraw my comment").click()
    expect(page.get_by_role("heading", name="Your comment is withdrawn")).to_be_visible()
    screenshot(page, "commenter-withdrawn")
    comment.refresh_from_db()
    assert comment.status == "withdrawn"

    page.goto(story.get_absolute_url())
    expect(page.get_by_text("early sailings")).to_have_count(0)
    expect(page.get_by_text("The ferry timetable is what matters")).to_be_visible()


def test_the_privacy_page_is_one_click_from_the_form(page, story, screenshot):
    page.goto(story.get_absolute_url())
    page.get_by_role("link", name="How we handle your details").click()
    expect(page.get_by_role("heading", name="Comments and your details")).to_be_visible()
    screenshot(page, "comments-privacy-page")


def test_a_moderator_decides_from_the_email_after_a_confirmation(
    browser, live_server, story, screenshot, settings
):
    from django.contrib.auth.models import Group, Permission

    from comments import notifications
    from tests.factories import UserFactory

    settings.SITE_URL = live_server.url
    desk = UserFactory(username="desk", first_name="Dana", email="desk@example.com", is_staff=True)
    group, _ = Group.objects.get_or_create(name="Comment moderator")
    group.permissions.set(Permission.objects.filter(codename="moderate_comment"))
    desk.groups.add(group)
    waiting = CommentFactory(
        article=story,
        pending=True,
        author_name="Ruth Okafor",
        body="The flood maps in the plan are from 2019 and leave out the lower quays.",
    )
    message = notifications.moderator_email(waiting, desk)
    remove = links_in(message.body, "moderate")[2]

    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    page.goto(remove)
    expect(page.get_by_role("heading", name="Remove this comment?")).to_be_visible()
    page.get_by_label("Reason").select_option("off_topic")
    screenshot(page, "moderator-link-confirmation")
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("heading", name="Comment removed")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == "removed" and waiting.events.get().reason == "off_topic"

    page.goto(remove)
    expect(page.get_by_role("heading", name="This link has been used")).to_be_visible()
    screenshot(page, "moderator-link-used")
    context.close()
