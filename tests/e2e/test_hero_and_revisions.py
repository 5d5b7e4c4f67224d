"""The hero from the media library in a real browser: picked in the article form, shown to
readers once published, and brought back by restoring a revision."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from reversion.models import Version

from articles.roles import EDITOR
from tests.e2e.conftest import photo
from tests.factories import ArticleFactory, ImageFactory, SectionFactory, UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]

PASSWORD = "correct-horse-battery"
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def editor_login(roles):
    user = UserFactory(
        username="amira", first_name="Amira", last_name="Haddad", is_staff=True, password=PASSWORD
    )
    user.groups.add(roles[EDITOR])
    return user


def log_in(page):
    page.goto(reverse("admin:login"))
    page.get_by_label("Username").fill("amira")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator("#user-tools")).to_be_visible()


def natural_width(page, selector):
    return page.locator(selector).first.evaluate("img => img.complete ? img.naturalWidth : 0")


def test_a_hero_picked_from_the_library_reaches_the_reader_and_a_restore_brings_back_the_old(
    page, live_server, editor_login, screenshot
):
    page.set_viewport_size(DESKTOP)
    section = SectionFactory(name="City", slug="city")
    harbour = ImageFactory(
        file=photo("harbour.jpg", (40, 110, 170), size=(1600, 900)),
        alt_text="Ferries at the harbour wall",
        caption="The ferry terminal at dawn.",
        credit="Photo: Lena Moss",
    )
    storm = ImageFactory(
        file=photo("storm.jpg", (170, 60, 40), size=(1600, 900)),
        alt_text="Waves over the pier",
        credit="Photo: Ivo Kranj",
    )
    draft = ArticleFactory(
        draft=True,
        section=section,
        headline="Tram line to the harbour opens in May",
        slug="tram-line-harbour",
        body="<p>The first trams run on the new line from the station.</p>",
    )
    log_in(page)
    page.goto(reverse("admin:articles_article_change", args=[draft.pk]))
    expect(page.locator(".prose-editor .tiptap.ProseMirror")).to_be_visible()
    page.locator("#id_hero").fill(str(harbour.pk))
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    # The picked picture is shown beside the field, with the library's words taken over.
    expect(page.locator(".image-picker-thumbnail")).to_be_visible()
    assert natural_width(page, ".image-picker-thumbnail") > 0
    expect(page.get_by_label("Alt text")).to_have_value("Ferries at the harbour wall")
    page.locator(".field-hero").scroll_into_view_if_needed()
    screenshot(page, "article-form-hero-picker")

    page.get_by_role("button", name="Publish now").click()
    expect(page.locator(".workflow-state .status-badge")).to_have_text("Published")
    # The replaced picture, then the restore of the revision that had the first one.
    page.locator("#id_hero").fill(str(storm.pk))
    page.get_by_label("Alt text").fill("Waves over the pier")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    draft.refresh_from_db()
    versions = list(Version.objects.get_for_object(draft).order_by("pk"))
    with_harbour = next(v for v in versions if v.field_dict.get("hero_id") == harbour.pk)
    page.goto(
        reverse("admin:articles_article_compare", args=[draft.pk])
        + f"?from={with_harbour.pk}&to={versions[-1].pk}"
    )
    expect(page.locator(".compare-thumbnail")).to_have_count(2)
    screenshot(page, "revision-compare-hero")
    page.get_by_role("button", name="Restore the older revision").click()
    expect(page.locator(".messagelist")).to_contain_text("Restored the revision")

    reader = page.context.browser.new_page(viewport=DESKTOP)
    reader.goto(live_server.url + draft.get_absolute_url())
    hero = reader.locator("figure.hero img")
    expect(hero).to_have_attribute("alt", "Ferries at the harbour wall")
    assert natural_width(reader, "figure.hero img") > 0
    expect(reader.locator("figure.hero figcaption")).to_contain_text("Photo: Lena Moss")
    screenshot(reader, "article-page-hero")
    reader.close()
