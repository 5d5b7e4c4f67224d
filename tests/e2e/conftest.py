"""Real-browser tests: headless Chromium through Playwright against the live test server."""

import datetime
import os
from pathlib import Path
from types import SimpleNamespace

# Playwright's sync API runs an event loop in the test thread, which Django would otherwise
# take for async code and refuse database access from.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from tests.factories import (  # noqa: E402
    ArticleFactory,
    AuthorFactory,
    ImageFactory,
    SectionFactory,
    TagFactory,
    image_file,
)

CHROMIUM = Path("/usr/bin/chromium")
E2E_DIR = Path(__file__).resolve().parent
SCREENSHOT_DIR = E2E_DIR.parent.parent / "test-artifacts" / "screenshots"


def pytest_collection_modifyitems(config, items):
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} is missing: install Debian's chromium to run the browser tests"
    )
    for item in items:
        if item.path.is_relative_to(E2E_DIR):
            item.add_marker(pytest.mark.e2e)
            item.add_marker(pytest.mark.slow)
            if not CHROMIUM.exists():
                item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, live_server):
    # The browser is launched after the live server and so closed before it: the server's
    # threads for the browser's open connections end while the server still runs.
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(live_server):
    """Lets page.goto() take paths: every browser context starts at the live server."""
    return live_server.url


@pytest.fixture
def screenshot():
    """Saves a full-page PNG under test-artifacts/screenshots/ for people to look at."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        # Written aside and moved into place: CI's two passes take the same screenshots at
        # the same time, and a reader never finds half of one.
        path = SCREENSHOT_DIR / f"{name}.png"
        partial = SCREENSHOT_DIR / f".{name}.{os.getpid()}.png"
        page.screenshot(path=partial, full_page=True, animations="disabled")
        partial.replace(path)
        return path

    return save


def photo(name, color, size=(480, 270)):
    # As wide as the narrowest hero rendition (480 px): no kind is made at more than two
    # widths, a fifth of the encoding of a 960 px picture, and the newsroom below makes
    # sixteen pictures for every test that uses it. They are plain colour, so a browser's
    # upscaled copy looks the same in a screenshot.
    return image_file(name=name, size=size, color=color)


BODY = """
<p>Councillors voted by 31 to 14 on Tuesday night to approve the plan, which turns the
disused docks into homes, a park and a ferry terminal over the next eight years.</p>
<p>The decision follows two years of consultation in which more than 6,000 residents sent
comments, many of them worried about flooding and the cost of the new sea wall.</p>
<h2>What happens next</h2>
<p>Work on the sea wall starts in spring. The first 400 homes, a third of them for social
rent, are due to be finished in 2028.</p>
<blockquote class="pull-quote"><p>This is the biggest change to the waterfront in a
century, and we have to get it right.</p><cite>Maria Lindqvist, council leader</cite>
</blockquote>
<h3>The objections</h3>
<ul>
<li>Flood risk on the lower quays</li>
<li>Traffic on the coast road</li>
<li>The loss of the boatyards</li>
</ul>
<p>Opponents say they will ask for a judicial review of the decision.</p>
"""


@pytest.fixture
def newsroom(db):
    """A small newsroom: five sections, four reporters with photos, a dozen stories.

    The live server serves MEDIA_URL from the test's temporary MEDIA_ROOT, so the
    pictures saved here are the ones the browser loads.
    """
    now = timezone.now()
    sections = [
        SectionFactory(name=name, slug=name.lower(), description=description, position=i)
        for i, (name, description) in enumerate(
            [
                ("World", "News and analysis from around the world."),
                ("Politics", "Parliament, the parties and the people they serve."),
                ("Business", "Companies, markets and the economy."),
                ("Science", "Research, climate and health."),
                ("Culture", "Books, film, music and the arts."),
            ]
        )
    ]
    world, politics, business, science, culture = sections
    authors = [
        AuthorFactory(
            name=name,
            slug=name.lower().replace(" ", "-"),
            job_title=title,
            bio=f"{name} joined the paper in 2016 and writes about {beat}.",
            x_handle=name.split()[0].lower() + "news",
            photo=ImageFactory(
                file=photo(f"{name.split()[0].lower()}.jpg", color, size=(320, 320)), alt_text=name
            ),
        )
        for name, title, beat, color in [
            ("Amara Osei", "Chief reporter", "cities and housing", (150, 110, 90)),
            ("Daniel Brooks", "Political editor", "Westminster", (90, 110, 150)),
            ("Sofia Marchetti", "Science correspondent", "climate and health", (80, 140, 110)),
            ("Ravi Menon", "Business editor", "markets and trade", (140, 120, 70)),
        ]
    ]
    amara, daniel, sofia, ravi = authors
    housing, climate, elections, energy = (
        TagFactory(name=name, slug=name.lower())
        for name in ["Housing", "Climate", "Elections", "Energy"]
    )

    stories = [
        (
            "Council approves £2bn harbour plan after two-year fight",
            "The vote ends years of argument over the waterfront and opens the way "
            "for 4,000 new homes.",
            world,
            [amara],
            [housing],
        ),
        (
            "Prime minister sets date for spring election",
            "Voters will go to the polls on 14 May, a year earlier than most expected.",
            politics,
            [daniel],
            [elections],
        ),
        (
            "Energy prices fall for the third month running",
            "Households should see lower bills from April as wholesale gas gets cheaper.",
            business,
            [ravi],
            [energy],
        ),
        (
            "Glaciers in the Alps shrank faster than ever last summer",
            "Scientists measured a loss of 4% of the remaining ice in a single season.",
            science,
            [sofia],
            [climate],
        ),
        (
            "Harbour festival returns with a record line-up",
            "More than 200 bands will play on six stages along the quays in July.",
            culture,
            [amara],
            [],
        ),
        (
            "Opposition promises 300,000 new homes a year",
            "The pledge would be paid for by a new tax on empty properties.",
            politics,
            [daniel, amara],
            [housing, elections],
        ),
        (
            "Wind farms supplied half of the country's power in January",
            "A windy month and new turbines in the North Sea set a record.",
            science,
            [sofia, ravi],
            [energy, climate],
        ),
        (
            "Shipping firm moves its headquarters to the harbour",
            "The move brings 1,200 jobs to the city centre by the end of next year.",
            business,
            [ravi],
            [],
        ),
        (
            "Coastal towns brace for winter storms",
            "Forecasters warn of gales and high tides along the east coast this weekend.",
            world,
            [sofia],
            [climate],
        ),
        (
            "Novel about a fishing village wins the book prize",
            "The judges called it a quiet, funny and unsentimental debut.",
            culture,
            [amara],
            [],
        ),
        (
            "Ministers split over airport expansion",
            "Two cabinet members say a third runway would break the climate targets.",
            politics,
            [daniel],
            [],
        ),
        (
            "Rent rises slow for the first time in four years",
            "Tenants in the capital still pay a third more than before the pandemic.",
            business,
            [ravi, amara],
            [housing],
        ),
    ]
    palette = [
        (30, 90, 160), (120, 40, 50), (200, 140, 40), (70, 130, 170), (170, 80, 130),
        (90, 60, 120), (40, 140, 120), (60, 80, 100), (100, 120, 140), (150, 120, 60),
    ]  # fmt: skip
    articles = [
        ArticleFactory(
            with_image=True,
            hero=ImageFactory(file=photo(f"story-{i}.jpg", palette[i % len(palette)])),
            headline=headline,
            slug=f"story-{i}",
            standfirst=standfirst,
            body=BODY,
            section=section,
            authors=bylines,
            tags=tags,
            is_featured=i == 0,
            published_at=now - datetime.timedelta(hours=1 + 3 * i),
        )
        for i, (headline, standfirst, section, bylines, tags) in enumerate(stories)
    ]
    lead = articles[0]
    lead.related_articles.set([articles[4], articles[7]])
    return SimpleNamespace(
        sections=sections,
        authors=authors,
        articles=articles,
        lead=lead,
        author=amara,
        section=world,
        search_term="harbour",
    )


@pytest.fixture
def pages(live_server, newsroom):
    """The reader pages every check visits, by name."""
    return {
        "front": "/",
        "article": newsroom.lead.get_absolute_url(),
        "section": newsroom.section.get_absolute_url(),
        "author": newsroom.author.get_absolute_url(),
        "search": f"/search/?q={newsroom.search_term}",
    }


@pytest.fixture
def page(page):
    """Playwright's page, left only once its requests are answered.

    A request still in flight when the test ends would reach the live server after the
    test's database connection is gone, and show up as a warning in a later test.
    """
    yield page
    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
    except PlaywrightError:  # a closed page, or one that never idles: nothing in flight
        pass


@pytest.fixture
def new_context(new_context):
    """Browser contexts whose read pings are answered in the browser.

    An article page sends its ping 1.5 s after it opens; one reaching the live server after
    the test has ended would find the test's database gone. The test of the ping itself
    removes the route.
    """

    def make(**options):
        context = new_context(**options)
        context.route("**/reads/", lambda route: route.fulfill(status=204))
        return context

    return make
