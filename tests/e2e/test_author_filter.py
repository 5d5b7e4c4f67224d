"""The article list's author filter in a real browser: found by name, no JavaScript needed."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import ArticleFactory, AuthorFactory

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"


@pytest.fixture
def desk(newsroom):
    amara = AuthorFactory(name="Amara Boateng", slug="amara-boateng")
    AuthorFactory(name="Amaru Quispe", slug="amaru-quispe")
    AuthorFactory.create_batch(30)
    ArticleFactory(headline="Ferry timetable cut for winter", authors=[amara])
    ArticleFactory(headline="Library opens on Sundays", authors=[amara])
    return amara


def log_in(page, user):
    page.goto(reverse("admin:login"))
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_writer_finds_an_author_and_lists_their_articles(
    browser, live_server, writer, desk, screenshot, javascript
):
    context = browser.new_context(
        base_url=live_server.url,
        java_script_enabled=javascript,
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    log_in(page, writer)
    page.goto(reverse("admin:articles_article_changelist"))

    panel = page.locator("details.author-filter")
    expect(panel.get_by_role("link")).to_have_count(1)  # "All": no link per author
    page.get_by_label("Name, or part of it").fill("amar")
    panel.get_by_role("button", name="Find").click()
    expect(panel.get_by_role("link", name="Amara Boateng")).to_be_visible()
    expect(panel.get_by_role("link", name="Amaru Quispe")).to_be_visible()
    panel.get_by_role("link", name="Amara Boateng").click()

    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("Amara Boateng")
    expect(panel.locator("li.selected")).to_have_text("Amara Boateng")
    expect(page.get_by_label("Name, or part of it")).to_have_value("amar")
    if javascript:
        screenshot(page, "admin-article-list-author-filter")
        results = Axe().run(page, context="#changelist-filter")
        assert results.violations_count == 0, results.generate_report()
    context.close()


def test_an_unknown_author_number_says_so(page, live_server, editor, desk, screenshot):
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, editor)
    page.goto(reverse("admin:articles_article_changelist") + "?author=abc&status__exact=draft")
    expect(page.get_by_role("alert")).to_contain_text("No author is numbered “abc”")
    expect(page.locator("#result_list tbody tr")).to_have_count(0)
    screenshot(page, "admin-article-list-author-filter-unknown")
