"""What a reader sees in a real browser: content, images, keyboard use, small screens, a11y."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

PAGE_NAMES = ["front", "article", "section", "author", "search"]
MOBILE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

# Loads lazy images now rather than on scroll, then lists those that did not load.
LOAD_IMAGES = """
async () => {
  const images = Array.from(document.images);
  for (const img of images) img.loading = "eager";
  const settled = Promise.all(images.map((img) => img.decode().catch(() => null)));
  await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, 10000))]);
  return images
    .filter((img) => !img.complete || img.naturalWidth === 0)
    .map((img) => img.currentSrc || img.src);
}
"""

# Elements that stick out past the right edge of the viewport, for the failure message.
OVERFLOWING = """
() => {
  const width = document.documentElement.clientWidth;
  return Array.from(document.querySelectorAll("body *"))
    .filter((el) => el.getBoundingClientRect().right > width + 0.5)
    .slice(0, 10)
    .map((el) => `${el.tagName.toLowerCase()}.${el.className}: right edge at ` +
                 `${Math.round(el.getBoundingClientRect().right)}px`);
}
"""


def visit(page, path):
    """Open a page, check that it answered 200, and wait for every image on it to load."""
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: {response}"
    broken = page.evaluate(LOAD_IMAGES)
    assert broken == [], f"{path}: images that did not load: {broken}"
    return page


def test_front_page_leads_with_the_featured_story(page, live_server, newsroom):
    """The featured story leads the front page, with its picture."""
    visit(page, "/")
    lead = page.locator(".lead-story")
    expect(lead.get_by_role("heading", level=2)).to_have_text(newsroom.lead.headline)
    expect(lead.locator("img")).to_be_visible()
    assert lead.locator("img").evaluate("img => img.naturalWidth") > 0
    for section in newsroom.sections:
        expect(page.get_by_role("navigation", name="Sections")).to_contain_text(section.name)


def test_article_shows_headline_byline_and_hero_image(page, live_server, newsroom):
    """An article shows its headline, a byline linking to the author and its hero image."""
    article, author = newsroom.lead, newsroom.author
    visit(page, article.get_absolute_url())

    expect(page.get_by_role("heading", level=1)).to_have_text(article.headline)
    byline = page.locator(".article-header .byline")
    expect(byline).to_be_visible()
    expect(byline).to_have_text(f"By {author.name}")
    author_link = byline.get_by_role("link", name=author.name)
    expect(author_link).to_be_visible()
    expect(author_link).to_have_attribute("href", author.get_absolute_url())

    hero = page.locator("figure.hero img")
    expect(hero).to_be_visible()
    expect(hero).to_have_attribute("alt", article.hero_alt)
    assert hero.evaluate("img => img.naturalWidth") > 0

    author_link.click()
    expect(page).to_have_url(f"{live_server.url}{author.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_have_text(author.name)
    assert page.locator(".author-photo").evaluate("img => img.naturalWidth") > 0


def test_skip_link_appears_on_focus_and_moves_focus_to_main(page, live_server, newsroom):
    """The first Tab shows the skip link; following it puts the focus on the main content."""
    visit(page, newsroom.lead.get_absolute_url())
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).not_to_be_in_viewport()

    page.keyboard.press("Tab")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport(ratio=1)

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    # The next Tab continues from the main content, not from the header.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")


def test_pages_work_without_javascript(new_context, live_server, newsroom):
    """With JavaScript off, the front page and an article still show their stories."""
    page = new_context(java_script_enabled=False).new_page()
    visit(page, "/")
    expect(page.locator(".lead-story").get_by_role("heading", level=2)).to_have_text(
        newsroom.lead.headline
    )
    visit(page, newsroom.lead.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(newsroom.lead.headline)
    expect(page.locator("figure.hero img")).to_be_visible()


def test_pages_load_without_errors(page, pages):
    """No reader page asks for a missing file or logs an error in the console."""
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(f"console: {m.text}"))
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    # Leaving a page cuts off what it still had in flight (the comment script's calls, the
    # read beacon), which the browser reports as aborted: not a missing file.
    page.on(
        "requestfailed",
        lambda r: (
            r.failure != "net::ERR_ABORTED" and problems.append(f"failed: {r.url} {r.failure}")
        ),
    )
    page.on("response", lambda r: r.status >= 400 and problems.append(f"{r.status}: {r.url}"))
    for path in pages.values():
        visit(page, path)
        # The calls the page's scripts make once it is shown are answered, and checked above.
        page.wait_for_load_state("networkidle")
        # A stylesheet that failed to load leaves its <link> without rules.
        unstyled = page.evaluate(
            """() => Array.from(document.querySelectorAll('link[rel="stylesheet"]'))
                 .filter((link) => !link.sheet || link.sheet.cssRules.length === 0)
                 .map((link) => link.href)"""
        )
        assert unstyled == [], f"{path}: stylesheets that did not load: {unstyled}"
    assert problems == []


# The two checks below visit every page of one newsroom, which costs more to build than the
# visits; each names every page that fails, not only the first.


def test_mobile_pages_have_no_horizontal_overflow(new_context, pages, screenshot):
    """On a 390 px wide phone, nothing makes a reader page scroll sideways."""
    context = new_context(**MOBILE)
    overflowing = []
    for name in PAGE_NAMES:
        page = visit(context.new_page(), pages[name])
        screenshot(page, f"{name}-mobile")
        widths = page.evaluate(
            "({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        if widths["scroll"] > widths["client"]:
            overflowing.append(
                f"{name} page is {widths['scroll']}px wide in a {widths['client']}px "
                f"viewport: {page.evaluate(OVERFLOWING)}"
            )
        page.close()
    assert not overflowing, "\n".join(overflowing)


def test_reader_pages_have_no_accessibility_violations(page, pages, screenshot):
    """axe-core finds no WCAG violation on the reader pages."""
    reports = []
    for name in PAGE_NAMES:
        visit(page, pages[name])
        if name == "search":
            expect(page.locator(".listing .teaser").first).to_be_visible()
        screenshot(page, name)
        results = Axe().run(page)
        if results.violations_count:
            reports.append(f"{name}:\n{results.generate_report()}")
    assert not reports, "\n".join(reports)


# What the first paint waited for: the document and every render-blocking resource (Chrome's
# resource timing says which). Scripts are deferred and pictures load alongside: neither
# holds the paint back.
FIRST_PAINT = """
() => {
  const documentEntry = performance.getEntriesByType("navigation")[0];
  const blocking = performance.getEntriesByType("resource")
    .filter((entry) => entry.renderBlockingStatus === "blocking");
  return {
    requests: 1 + blocking.length,
    bytes: documentEntry.transferSize + blocking.reduce((sum, e) => sum + e.transferSize, 0),
    names: blocking.map((entry) => entry.name),
  };
}
"""


def test_an_article_paints_first_within_five_requests_and_70_kb(page, live_server, newsroom):
    """The first paint needs the page and its stylesheet only: at most 5 requests, 70 KB."""
    page.goto(live_server.url + newsroom.lead.get_absolute_url())
    page.wait_for_function(
        "() => performance.getEntriesByName('first-contentful-paint').length > 0"
    )
    budget = page.evaluate(FIRST_PAINT)
    assert budget["requests"] <= 5, budget["names"]
    assert 0 < budget["bytes"] <= 70_000, budget
