"""The reader site on a phone and a desktop, in light and dark: layout, headlines, a11y."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from articles.models import ArticleReadCount, Correction
from tests.factories import CorrectionFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SIZES = {"phone": PHONE, "desktop": DESKTOP}
# Every page type, and the ones people look at in screenshots.
PAGE_TYPES = [
    "front",
    "article",
    "section",
    "tag",
    "author",
    "archive",
    "archive-day",
    "search",
    "corrections",
    "not-found",
]
SCREENSHOTS = {"front", "article", "section", "search", "archive-day", "not-found"}


@pytest.fixture
def site(live_server, newsroom):
    """The small newsroom, with a correction and some reads so every part of a page shows."""
    lead = newsroom.lead
    CorrectionFactory(
        article=lead,
        kind=Correction.Kind.CORRECTION,
        text="An earlier version gave the number of new homes as 3,000.",
    )
    hour = timezone.now().replace(minute=0, second=0, microsecond=0)
    for rank, article in enumerate(newsroom.articles[:6]):
        ArticleReadCount.objects.create(article=article, hour=hour, count=60 - rank * 7)
    published = timezone.localtime(lead.first_published_at)
    return {
        "front": "/",
        "article": lead.get_absolute_url(),
        "section": newsroom.section.get_absolute_url(),
        "tag": "/tag/housing/",
        "author": newsroom.author.get_absolute_url(),
        "archive": f"/archive/{published.year}/{published.month:02d}/",
        "archive-day": lead.get_day_archive_url(),
        "search": f"/search/?q={newsroom.search_term}",
        "corrections": "/corrections/",
        "not-found": "/no/such/page/",
    }


def quiet_context(new_context, **options):
    """A browser context whose read pings are answered in the browser.

    A ping is sent 1.5 s after an article opens; one reaching the live server after the
    test has ended would find its database gone. The ping itself has its own test.
    """
    context = new_context(**options)
    context.route("**/reads/", lambda route: route.fulfill(status=204))
    return context


def open_page(new_context, size, scheme, path):
    page = quiet_context(new_context, **SIZES[size], color_scheme=scheme).new_page()
    response = page.goto(path)
    expected = 404 if path == "/no/such/page/" else 200
    assert response is not None and response.status == expected, f"{path}: {response}"
    page.evaluate(
        """async () => {
          for (const img of document.images) img.loading = "eager";
          await Promise.race([
            Promise.all(Array.from(document.images).map((i) => i.decode().catch(() => null))),
            new Promise((resolve) => setTimeout(resolve, 5000)),
          ]);
        }"""
    )
    return page


def test_every_page_type_has_no_accessibility_violations(new_context, site, screenshot):
    """axe-core finds no violation on any reader page, on a phone or a desktop, light or dark.

    One newsroom serves the forty views: building it costs more than checking ten of them,
    and the report names every view that fails, not only the first.
    """
    reports = []
    for name in PAGE_TYPES:
        for size in SIZES:
            for scheme in ["light", "dark"]:
                page = open_page(new_context, size, scheme, site[name])
                if name in SCREENSHOTS:
                    screenshot(page, f"site-{name}-{size}-{scheme}")
                results = Axe().run(page)
                if results.violations_count:
                    reports.append(f"{name}, {size}, {scheme}:\n{results.generate_report()}")
                page.context.close()
    assert not reports, "\n".join(reports)


def test_the_dark_theme_follows_the_system_setting(new_context, site):
    light = open_page(new_context, "desktop", "light", "/")
    dark = open_page(new_context, "desktop", "dark", "/")
    background = "getComputedStyle(document.body).backgroundColor"
    assert light.evaluate(background) == "rgb(255, 255, 255)"
    assert dark.evaluate(background) == "rgb(18, 18, 18)"


def test_a_phone_shows_six_headlines_or_more_in_its_first_two_screens(new_context, site):
    page = open_page(new_context, "phone", "light", "/")
    tops = page.evaluate(
        """() => Array.from(document.querySelectorAll(
              "main .teaser-headline a, main .latest-list a, main .most-read-list a"))
            .filter((a) => a.offsetParent !== null)
            .map((a) => a.getBoundingClientRect().top + window.scrollY)"""
    )
    within = [top for top in tops if top < 2 * 844]
    assert len(within) >= 6, f"headlines at {sorted(tops)[:10]}"
    # The lead story alone has a large picture; the others have small ones or none.
    widths = page.evaluate(
        """() => Array.from(document.querySelectorAll("main .teaser-image img"))
            .map((img) => Math.round(img.getBoundingClientRect().width))"""
    )
    assert widths[0] > 300
    assert all(width <= 120 for width in widths[1:]), widths


def test_a_phones_header_and_navigation_take_at_most_120_pixels(new_context, site):
    for name in ("front", "article", "section"):
        page = open_page(new_context, "phone", "light", site[name])
        height = page.evaluate(
            "document.querySelector('.site-header').getBoundingClientRect().height"
        )
        assert height <= 120, f"{name}: header is {height}px tall"
        # The sections stay on one row that scrolls sideways.
        rows = page.evaluate(
            """() => new Set(Array.from(document.querySelectorAll(".section-nav li"))
                .map((li) => Math.round(li.getBoundingClientRect().top))).size"""
        )
        assert rows == 1, name
        assert (
            page.evaluate("getComputedStyle(document.querySelector('.section-nav ul')).overflowX")
            == "auto"
        )


def test_a_teasers_date_never_wraps_on_a_phone(new_context, site):
    page = open_page(new_context, "phone", "light", site["section"])
    heights = page.evaluate(
        """() => Array.from(document.querySelectorAll(".teaser-meta time"))
            .map((t) => t.getClientRects().length)"""
    )
    assert heights and all(lines == 1 for lines in heights), heights


def test_search_results_keep_their_snippet_on_a_phone(new_context, site):
    page = open_page(new_context, "phone", "light", site["search"])
    snippet = page.locator(".teaser-snippet").first
    assert snippet.is_visible()
    assert snippet.inner_text().strip()


def test_wide_listings_have_a_sidebar_with_latest_and_most_read(new_context, site):
    for name in ("section", "tag", "author"):
        page = open_page(new_context, "desktop", "light", site[name])
        box = page.locator(".sidebar").bounding_box()
        assert box is not None and box["x"] > 1366 * 0.65, name
        assert page.locator("#sidebar-latest").is_visible(), name
        assert page.locator("#sidebar-most-read").is_visible(), name
    front = open_page(new_context, "desktop", "light", "/")
    assert front.locator("#sidebar-most-read").is_visible()


def test_reading_an_article_sends_one_anonymous_ping(new_context, site):
    context = new_context(**DESKTOP)
    context.unroute("**/reads/")
    page = context.new_page()
    with page.expect_request(lambda request: request.url.endswith("/reads/")) as ping:
        page.goto(site["article"])
    request = ping.value
    page.wait_for_load_state("networkidle")
    assert request.method == "POST"
    assert "cookie" not in {name.lower() for name in request.all_headers()}
    assert request.response().status == 204
    assert page.context.cookies() == []


def test_the_share_block_offers_copy_link_where_the_browser_can(new_context, site):
    context = quiet_context(new_context, **DESKTOP)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(site["article"])
    page.get_by_role("button", name="Copy link").click()
    expect(page.locator(".share-status")).to_have_text("Link copied.")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(site["article"])


def test_the_print_version_of_an_article_is_the_story_and_its_address(new_context, site):
    page = open_page(new_context, "desktop", "light", site["article"])
    page.emulate_media(media="print")
    hidden = page.evaluate(
        """() => [".site-header", ".site-footer", ".comments", ".share", ".related"]
            .filter((s) => document.querySelector(s))
            .filter((s) => getComputedStyle(document.querySelector(s)).display !== "none")"""
    )
    assert hidden == []
    assert page.locator(".headline").is_visible()
    assert page.locator(".byline-line").is_visible()
    assert page.locator(".dateline").is_visible()
    assert page.locator(".canonical-link").is_visible()


def test_the_corrections_page_links_to_the_story(new_context, site, newsroom):
    page = open_page(new_context, "desktop", "light", "/corrections/")
    page.get_by_role("link", name=newsroom.lead.headline).click()
    page.wait_for_url(f"**{newsroom.lead.get_absolute_url()}")
    assert page.locator(".corrections").is_visible()
