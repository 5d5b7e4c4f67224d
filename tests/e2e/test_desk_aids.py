"""The article form's writing aids and unsaved preview in a real browser, and the desk's looks.

Screenshots go to test-artifacts/screenshots/desk-*.png, at the size of a newsroom laptop.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from articles import services
from articles.models import Article
from articles.roles import EDITOR, WRITER
from comments.models import Comment
from comments.roles import COMMENT_MODERATOR
from tests.e2e import test_desk as desk_page
from tests.e2e.test_desk import PASSWORD, log_in
from tests.factories import ArticleFactory, CommentFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]

LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def desk(roles, newsroom):
    """A writer, an editor, a moderator and a superuser, with work waiting for each."""
    people = {}
    for username, first, last, role in (
        ("leila", "Leila", "Nasser", WRITER),
        ("amira", "Amira", "Haddad", EDITOR),
        ("tomas", "Tomas", "Kral", COMMENT_MODERATOR),
    ):
        user = UserFactory(
            username=username, first_name=first, last_name=last, is_staff=True, password=PASSWORD
        )
        user.groups.add(roles[role])
        people[role] = user
    people["superuser"] = get_user_model().objects.create_superuser(
        "chief", "chief@example.org", PASSWORD, first_name="Ngozi", last_name="Eze"
    )
    writer, editor = people[WRITER], people[EDITOR]
    section = newsroom.section
    drafts = [
        ArticleFactory(draft=True, section=section, headline=headline, slug=f"desk-{i}")
        for i, headline in enumerate(
            [
                "Ferry timetable changes for the winter",
                "Library reopens after two years of repairs",
                "Fishing quotas: what the new rules mean",
            ]
        )
    ]
    Article.objects.filter(pk__in=[a.pk for a in drafts]).update(created_by=writer)
    for article in drafts[1:]:
        article.refresh_from_db()
        services.submit_article(article=article, by=writer)
    services.return_article(
        article=Article.objects.get(pk=drafts[2].pk),
        by=editor,
        note="Add the minister's answer and a line on last year's catch.",
    )
    ArticleFactory(
        scheduled=True, section=section, headline="Bridge closes for a weekend of repairs"
    )
    now = timezone.now()
    for minutes, body, reason, detail in (
        (95, "Great news for the harbour, see my site https://example.org", "links", "1"),
        (40, "Who pays for the sea wall? Nobody has said.", "first_comment", ""),
        (12, "Win the lottery today!", "hold_word", "lottery"),
    ):
        comment = CommentFactory(
            article=newsroom.lead, pending=True, body=body, held_reason=reason, held_detail=detail
        )
        Comment.objects.filter(pk=comment.pk).update(
            created_at=now - datetime.timedelta(minutes=minutes)
        )
    return people


def open_article(page, article):
    desk_page.open_article(page, article)
    page.wait_for_load_state("load")


def test_the_aids_follow_the_typing(page, desk, newsroom):
    """Counters, reading time and both previews change as the editor types, and say so."""
    log_in(page, "amira")
    article = newsroom.lead
    open_article(page, article)
    aids = page.locator("#writing-aids")
    words = aids.locator("#aid-words")
    before = int(words.inner_text().split()[0])

    headline = "Council approves the harbour plan after a two-year fight over homes"
    page.get_by_label("Headline").fill(headline)
    over = aids.locator('output[data-source="id_headline"][data-limit="60"]')
    expect(over).to_have_text(f"{len(headline)}/60 characters, over the limit")
    expect(over).to_have_class("aid-count is-over")
    expect(over).to_have_attribute("aria-live", "polite")
    expect(aids.locator('output[data-source="id_headline"][data-limit="70"]')).to_have_text(
        f"{len(headline)}/70"
    )
    expect(aids.locator('[data-aid="social-title"]')).to_have_text(headline)
    expect(aids.locator('[data-aid="search-title"]')).to_have_text(
        "Council approves the harbour plan after a two-year fight…"
    )

    page.locator(".prose-editor .tiptap.ProseMirror p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" Four more words here.")
    expect(words).to_contain_text(f"{before + 4} words")

    page.get_by_label("Slug").fill("harbour-plan-approved")
    expect(aids.locator('[data-aid="crumbs"]')).to_contain_text("› harbour-plan-approved")
    page.get_by_label("Standfirst").fill("A short standfirst.")
    expect(aids.locator('[data-aid="search-description"]')).to_have_text("A short standfirst.")
    # The picture of the social card is the hero's.
    expect(aids.locator("img.social-preview-picture")).to_be_visible()


def test_preview_shows_the_unsaved_headline_in_a_new_tab_and_saves_nothing(page, desk, newsroom):
    log_in(page, "amira")
    article = newsroom.articles[1]
    open_article(page, article)
    stored = Article.objects.values().get(pk=article.pk)

    page.get_by_label("Headline").fill("Election date moved to the first week of May")
    with page.context.expect_page() as opened:
        page.get_by_role("button", name="Preview", exact=True).click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator("h1")).to_have_text("Election date moved to the first week of May")
    expect(preview.locator(".preview-banner")).to_contain_text("Preview of unsaved changes")
    expect(preview.locator("article.article")).to_contain_text(article.bylines.first().author.name)
    preview.close()

    assert Article.objects.values().get(pk=article.pk) == stored
    # The form stays as typed, and still counts as unsaved: leaving it asks first.
    expect(page.get_by_label("Headline")).to_have_value(
        "Election date moved to the first week of May"
    )
    assert page.evaluate("window.newsroomDesk.isDirty()")


def test_screenshots_of_the_article_form_and_each_roles_dashboard(
    browser, live_server, desk, newsroom, screenshot
):
    """The desk at a laptop's size, for people to look at."""
    for username, name in (
        ("leila", "writer"),
        ("amira", "editor"),
        ("tomas", "moderator"),
        ("chief", "superuser"),
    ):
        context = browser.new_context(base_url=live_server.url, viewport=LAPTOP)
        page = context.new_page()
        try:
            log_in(page, username)
            page.goto(reverse("admin:index"))
            expect(page.locator("#content")).to_be_visible()
            screenshot(page, f"desk-dashboard-{name}")
            if name == "editor":
                open_article(page, newsroom.lead)
                page.get_by_label("Headline").fill(
                    "Council approves £2bn harbour plan after a two-year fight over homes"
                )
                expect(page.locator("#writing-aids .is-over").first).to_be_visible()
                screenshot(page, "desk-article-form")
                page.locator("#writing-aids").screenshot(
                    path=str(screenshot(page, "desk-article-form").with_name("desk-aids.png"))
                )
        finally:
            context.close()
