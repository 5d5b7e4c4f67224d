"""The newsroom's back office in a real browser: write, submit, publish, compare revisions."""

import pytest
from playwright.sync_api import expect

from articles.roles import EDITOR
from tests.factories import AuthorFactory, SectionFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"


@pytest.fixture
def desk(roles):
    section = SectionFactory(name="Science", slug="science")
    AuthorFactory(name="Noor Haddad", slug="noor-haddad")
    people = []
    for username, first, last in (("ines", "Inès", "Marlow"), ("tomas", "Tomás", "Reyes")):
        user = UserFactory(
            username=username, first_name=first, last_name=last, is_staff=True, password=PASSWORD
        )
        user.groups.add(roles[EDITOR])
        people.append(user)
    return section, people


def log_in(page, username):
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".editorial-dashboard")).to_be_visible()


def log_out(page):
    page.locator("#logout-form button").click()


def test_an_article_goes_from_one_editor_through_review_to_the_site(page, desk, screenshot):
    """One editor writes and submits; a second publishes; readers then see it."""
    section, _ = desk
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "ines")
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Glacier retreat speeds up in the Alps")
    page.get_by_label("Headline").press("End")  # the slug script listens for keys
    # The slug follows the headline by itself.
    expect(page.get_by_label("Slug")).to_have_value("glacier-retreat-speeds-up-in-the-alps")
    page.get_by_label("Section").select_option(label=section.name)
    page.get_by_label("Standfirst").fill("Survey teams measured a loss of four metres in a year.")
    body = page.locator(".prose-editor .tiptap.ProseMirror")
    body.click()
    body.press_sequentially(
        "Measurements taken in September show the sharpest loss since records began."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.locator(".workflow-state .status-badge")).to_have_text("In review")
    screenshot(page, "admin-article-edit")

    # A second edit, so that there are revisions to compare.
    page.get_by_label("Standfirst").fill(
        "Survey teams measured a loss of almost four metres of ice in a single year."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    log_out(page)

    log_in(page, "tomas")
    review = page.locator(".dashboard-panel").filter(has_text="In review")
    expect(review).to_contain_text("Glacier retreat speeds up in the Alps")
    screenshot(page, "admin-dashboard")

    review.get_by_role("link", name="Glacier retreat speeds up in the Alps").click()
    publish = page.get_by_role("button", name="Publish now")
    expect(publish).to_be_visible()
    publish.click()
    expect(page.locator(".workflow-state .status-badge")).to_have_text("Published")
    expect(page.locator(".workflow-history")).to_contain_text("Tomás Reyes")

    page.get_by_role("link", name="Revisions").click()
    # From the first revision to the newest.
    page.locator('input[name="from"]').last.check()
    page.get_by_role("button", name="Compare selected revisions").click()
    expect(page.locator(".compare-table ins").first).to_be_visible()
    screenshot(page, "admin-revision-compare")

    page.goto("/admin/articles/article/")
    expect(page.locator(".status-badge.status-published")).to_be_visible()
    screenshot(page, "admin-article-list")

    page.goto("/admin/articles/article/")
    page.get_by_role("link", name="Glacier retreat speeds up in the Alps").click()
    with page.expect_navigation():
        page.get_by_role("link", name="View on the site").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Glacier retreat speeds up in the Alps"
    )
    expect(page.locator(".preview-banner")).to_have_count(0)
    # And a reader without an account (a fresh browser context) sees it too.
    article_url = page.url
    reader = page.context.browser.new_page()
    reader.goto(article_url)
    expect(reader.get_by_role("heading", level=1)).to_have_text(
        "Glacier retreat speeds up in the Alps"
    )
    reader.close()


def test_the_publish_button_says_schedule_for_a_future_time(page, desk):
    section, _ = desk
    log_in(page, "ines")
    page.goto("/admin/articles/article/add/")
    page.get_by_label("Headline").fill("Night train returns to the coast")
    page.get_by_label("Headline").press("End")
    page.get_by_label("Section").select_option(label=section.name)
    page.get_by_label("Standfirst").fill("The service runs three nights a week from March.")
    page.get_by_role("button", name="Save and continue editing").click()
    go_live = page.get_by_label("Go live")
    expect(page.get_by_role("button", name="Publish now")).to_be_visible()
    go_live.fill("2031-03-02T06:15")
    schedule = page.get_by_role("button", name="Schedule")
    expect(schedule).to_be_visible()
    schedule.click()
    expect(page.locator(".workflow-state")).to_contain_text("Goes live Sunday 2 March 2031, 06:15")
    expect(page.locator(".workflow-state .status-badge")).to_have_text("Scheduled")
