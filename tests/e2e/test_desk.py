"""The editorial desk in a real browser: save-and-move, unsaved changes, autosave, presence."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article
from articles.roles import EDITOR
from tests.factories import ArticleFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def editors(roles):
    people = {}
    for username, first, last in (("amira", "Amira", "Haddad"), ("jonas", "Jonas", "Berg")):
        user = UserFactory(
            username=username, first_name=first, last_name=last, is_staff=True, password=PASSWORD
        )
        user.groups.add(roles[EDITOR])
        people[username] = user
    return people


@pytest.fixture
def draft(editors):
    section = SectionFactory(name="City", slug="city")
    return ArticleFactory(
        draft=True,
        section=section,
        headline="Tram line to the harbour opens in May",
        slug="tram-line-harbour",
        body="<p>The first trams run on the new line from the station.</p>",
    )


def log_in(page, username):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()


def open_article(page, article):
    page.goto(reverse("admin:articles_article_change", args=[article.pk]))
    body = page.locator(".prose-editor .tiptap.ProseMirror")
    expect(body).to_be_visible()
    return body


def type_at_end(page, body, text):
    body.locator("p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def test_an_edit_and_publish_in_one_click_reaches_the_reader(page, live_server, editors, draft):
    """The fix typed just before pressing Publish is what readers get."""
    log_in(page, "amira")
    body = open_article(page, draft)
    type_at_end(page, body, " Tickets cost two euros.")
    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".workflow-state .status-badge")).to_have_text("Published")
    expect(page.locator(".messagelist")).to_contain_text("is now published")

    draft.refresh_from_db()
    reader = page.context.browser.new_page()
    reader.goto(live_server.url + draft.get_absolute_url())
    expect(reader.locator("article")).to_contain_text("Tickets cost two euros.")
    reader.close()


def test_an_invalid_field_with_publish_keeps_the_text_and_shows_why(page, editors, draft):
    log_in(page, "amira")
    body = open_article(page, draft)
    type_at_end(page, body, " Night trams follow in June.")
    page.get_by_label("Headline").fill("")
    page.get_by_role("button", name="Publish now").click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".field-headline .errorlist")).to_contain_text("required")
    expect(page.locator(".prose-editor .tiptap.ProseMirror")).to_contain_text(
        "Night trams follow in June."
    )
    expect(page.locator(".workflow-move-publish.is-chosen")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT
    assert "Night trams" not in draft.body


def test_leaving_with_unsaved_changes_asks_first(page, editors, draft):
    """An edit, then a link: the browser asks before the page is left; a save does not."""
    log_in(page, "amira")
    body = open_article(page, draft)
    page.wait_for_load_state("load")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    # Unchanged: leaving asks nothing.
    page.get_by_role("link", name="Revisions").click()
    page.wait_for_url("**/revisions/")
    assert dialogs == []

    body = open_article(page, draft)
    page.wait_for_load_state("load")
    type_at_end(page, body, " A sentence not yet saved.")
    with page.expect_event("dialog"):
        page.get_by_role("link", name="Revisions").click()
    assert dialogs == ["beforeunload"]
    # Dismissed: still on the article, the text still there.
    expect(page.locator(".prose-editor .tiptap.ProseMirror")).to_contain_text(
        "A sentence not yet saved."
    )
    # Saving is not leaving.
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert dialogs == ["beforeunload"]


def test_an_autosaved_copy_is_offered_back_and_restored(page, editors, draft):
    """Type, let the copy be kept, close the page; reopening offers it and restores it."""
    log_in(page, "amira")
    body = open_article(page, draft)
    page.wait_for_load_state("load")
    page.get_by_label("Headline").fill("Tram line to the harbour opens in June")
    with page.expect_response(lambda r: r.url.endswith("/autosave/")) as kept:
        type_at_end(page, body, " The mayor rides the first one.")
    assert kept.value.ok
    page.close(run_before_unload=False)

    draft.refresh_from_db()
    assert draft.headline == "Tram line to the harbour opens in May"
    again = page.context.new_page()
    again.goto(reverse("admin:articles_article_change", args=[draft.pk]))
    offer = again.locator("#autosave-offer")
    expect(offer).to_contain_text("Unsaved changes from")
    expect(offer).to_contain_text("Headline")
    expect(offer).to_contain_text("Body")
    again.get_by_role("button", name="Restore").click()
    expect(offer).to_be_hidden()
    expect(again.get_by_label("Headline")).to_have_value("Tram line to the harbour opens in June")
    expect(again.locator(".prose-editor .tiptap.ProseMirror")).to_contain_text(
        "The mayor rides the first one."
    )
    # Restored into the form only; saving it is the editor's choice.
    draft.refresh_from_db()
    assert "mayor" not in draft.body
    again.get_by_role("button", name="Save and continue editing").click()
    expect(again.locator(".messagelist")).to_contain_text("was changed successfully")
    draft.refresh_from_db()
    assert "The mayor rides the first one." in draft.body
    assert draft.headline == "Tram line to the harbour opens in June"
    assert not draft.autosaves.exists()


def test_two_editors_on_one_story_each_see_the_other(
    browser, live_server, editors, draft, settings
):
    """Two people, two browsers: each is told the other has the story open."""
    settings.ARTICLE_PRESENCE_HEARTBEAT_SECONDS = 1
    first = browser.new_context(base_url=live_server.url).new_page()
    second = browser.new_context(base_url=live_server.url).new_page()
    try:
        log_in(first, "amira")
        open_article(first, draft)
        expect(first.locator("#presence")).not_to_contain_text("has had this story open")

        log_in(second, "jonas")
        open_article(second, draft)
        expect(second.locator("#presence")).to_contain_text(
            "Amira Haddad has had this story open since"
        )
        # The first page learns of the second at its next heartbeat.
        expect(first.locator("#presence")).to_contain_text(
            "Jonas Berg has had this story open since"
        )
    finally:
        first.context.close()
        second.context.close()


def test_a_form_sent_back_with_errors_still_asks_before_it_is_left(page, editors, draft):
    """What was typed is not stored yet, so leaving it asks even without a further edit."""
    log_in(page, "amira")
    open_article(page, draft)
    page.get_by_label("Headline").fill("")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errornote")).to_be_visible()
    page.wait_for_load_state("load")
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", answer)
    page.get_by_label("Standfirst").click()  # the browser asks only after a user gesture
    with page.expect_event("dialog"):
        page.get_by_role("link", name="Revisions").click()
    assert dialogs == ["beforeunload"]
