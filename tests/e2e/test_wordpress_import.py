"""A generated WordPress export imported, then read as a reader would in a real browser:
bylines, sections, tags, heroes and pictures in the text, threaded comments in order and
status, the old addresses answering 301, and a second run that changes nothing."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, BodyImage, Redirect
from comments.models import Comment
from newsroom.media.models import Image
from tests.articles.wordpress.builder import WXRAuthor, WXRComment, WXRItem, wxr_bytes
from tests.articles.wordpress.test_pictures import UPLOADS as OLD_UPLOADS
from tests.articles.wordpress.test_pictures import attachment, picture_bytes
from tests.e2e.test_hero_and_revisions import editor_login, log_in  # noqa: F401  (fixture)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.e2e, pytest.mark.slow]

UPLOADS = f"{OLD_UPLOADS}/2024/03"
HARBOUR = ("category", "harbour", "Harbour")
WEATHER = ("category", "weather", "Weather")
FERRIES = ("post_tag", "ferries", "Ferries")
STORMS = ("post_tag", "storms", "Storms")
DESKTOP = {"width": 1280, "height": 900}


def harbour_gazette():
    """Two published stories by two people, a draft, attachments, and a thread of comments
    three levels deep with every status and a pingback."""
    thread = [
        WXRComment(501, content="The ferry was on time today.", author="Ines",
                   date_gmt="2024-03-01 10:00:00"),
        WXRComment(502, content="Not the evening one.", author="Tor", parent=501,
                   date_gmt="2024-03-01 11:00:00"),
        WXRComment(503, content="It left at ten past.", author="Ines", parent=502,
                   date_gmt="2024-03-01 12:00:00"),
        WXRComment(504, content="Still waiting for approval.", author="Held", approved="0",
                   date_gmt="2024-03-01 13:00:00"),
        WXRComment(505, content="Buy cheap watches.", author="Spammer", approved="spam"),
        WXRComment(506, content="Binned remark.", author="Binned", approved="trash"),
        WXRComment(507, content="Harbour blog linked here.", author="Blog", type="pingback"),
        WXRComment(508, content="Good to see the quay busy.", author="Oda",
                   date_gmt="2024-03-02 09:00:00"),
    ]  # fmt: skip
    return [
        WXRItem(
            30,
            title="Boats return to the quay",
            slug="boats-return",
            creator="edda",
            excerpt="The fleet is back after the winter.",
            categories=[HARBOUR, FERRIES],
            meta=[("_thumbnail_id", "40")],
            content=(
                "The fleet came back on Monday morning.\n\n"
                '[caption id="attachment_41" align="alignnone" width="300"]'
                f'<a href="{UPLOADS}/ferry.jpg"><img class="wp-image-41" '
                f'src="{UPLOADS}/ferry-300x200.jpg" alt="The morning ferry" width="300" '
                'height="200" /></a> The morning ferry leaves the quay[/caption]\n\n'
                "Crews spent the week mending nets.\n\n"
                f'<img src="{UPLOADS}/quay.jpg" alt="Boats tied up at the quay">'
            ),
            comments=thread,
        ),
        WXRItem(
            31,
            title="Storm warning for the coast",
            slug="storm-warning",
            creator="ivar",
            date="2024-03-02 07:00:00",
            date_gmt="2024-03-02 06:00:00",
            categories=[WEATHER, STORMS],
            content="Gales are expected tonight.\n\nThe ferries stay in port.",
        ),
        WXRItem(
            32,
            title="Nets to mend",
            slug="nets-to-mend",
            status="draft",
            creator="edda",
            categories=[HARBOUR],
            content=f'Not yet.\n\n<img src="{UPLOADS}/net.jpg" alt="Mending nets">',
        ),
        attachment(40, "quay.jpg", alt="Boats at the quay", caption="The quay at dawn.",
                   credit="Ola Foto"),
        attachment(41, "ferry.jpg", alt="The ferry"),
        attachment(43, "net.jpg", alt="Nets"),
    ]  # fmt: skip


@pytest.fixture
def imported(tmp_path):
    uploads = tmp_path / "uploads" / "2024" / "03"
    uploads.mkdir(parents=True)
    (uploads / "quay.jpg").write_bytes(picture_bytes(size=(1600, 900), colour=(40, 110, 170)))
    (uploads / "ferry.jpg").write_bytes(picture_bytes(size=(900, 600), colour=(170, 120, 40)))
    (uploads / "net.jpg").write_bytes(picture_bytes(size=(600, 600), colour=(60, 140, 60)))
    export = tmp_path / "harbour-gazette.xml"
    export.write_bytes(
        wxr_bytes(
            items=harbour_gazette(),
            authors=[
                WXRAuthor(2, "edda", display_name="Edda Ness"),
                WXRAuthor(3, "ivar", display_name="Ivar Lund"),
            ],
            categories=[("harbour", "Harbour", ""), ("weather", "Weather", "")],
            tags=[("ferries", "Ferries"), ("storms", "Storms")],
        )
    )

    def run():
        out = io.StringIO()
        call_command(
            "import_wordpress",
            str(export),
            "--media-from",
            str(tmp_path / "uploads"),
            stdout=out,
            stderr=io.StringIO(),
        )
        return out.getvalue()

    return run


def site_state():
    return (
        sorted(Article.objects.values_list("pk", "slug", "body", "modified")),
        sorted(Comment.objects.values_list("pk", "status", "parent_id")),
        sorted(Image.objects.values_list("pk", "file", "is_public")),
        sorted(BodyImage.objects.values_list("article_id", "image_id")),
        Redirect.objects.count(),
    )


def all_loaded(pictures, count):
    """These many pictures, each loaded (scrolled to, as lazy ones load only in view)."""
    expect(pictures).to_have_count(count)
    for index in range(count):
        pictures.nth(index).scroll_into_view_if_needed()
        expect(pictures.nth(index)).to_have_js_property("complete", True)
        assert loaded_width(pictures.nth(index)) > 0


def loaded_width(locator):
    return locator.evaluate("img => img.complete ? img.naturalWidth : 0")


def test_an_imported_site_reads_right_and_its_old_addresses_lead_to_it(
    page, live_server, imported, screenshot
):
    out = imported()
    assert "articles created: 3" in out
    story = Article.objects.get(slug="boats-return")
    page.set_viewport_size(DESKTOP)
    page.goto(story.get_absolute_url())

    # Byline, section, tags, hero with its words.
    expect(page.locator(".byline-line")).to_contain_text("Edda Ness")
    expect(page.locator(".kicker")).to_have_text("Harbour")
    expect(page.locator(".tags")).to_contain_text("Ferries")
    hero = page.locator("figure.hero img")
    expect(hero).to_have_attribute("alt", "Boats at the quay")
    expect(page.locator("figure.hero figcaption")).to_contain_text("The quay at dawn.")
    expect(page.locator("figure.hero figcaption")).to_contain_text("Ola Foto")
    assert loaded_width(hero) > 0

    # The pictures in the text: the library's, loaded, with their alt text and caption; the
    # same attachment as the hero is the same library image.
    pictures = page.locator(".article-body picture.body-picture img")
    all_loaded(pictures, 2)
    expect(pictures.nth(0)).to_have_attribute("alt", "The morning ferry")
    expect(pictures.nth(1)).to_have_attribute("alt", "Boats tied up at the quay")
    expect(page.locator(".article-body figcaption")).to_have_text(
        "The morning ferry leaves the quay"
    )
    assert Image.objects.count() == 3
    assert set(BodyImage.objects.filter(article=story).values_list("image_id", flat=True)) == {
        story.hero_id,
        Image.objects.get(original_name="ferry.jpg").pk,
    }

    # The thread: approved comments only, in order, the replies inside their parents.
    cards = page.locator(".comment-list .comment-text")
    expect(cards).to_have_text(
        [
            "The ferry was on time today.",
            "Not the evening one.",
            "It left at ten past.",
            "Good to see the quay busy.",
        ]
    )
    nested = page.locator(".comment-list li li li .comment-text")
    expect(nested).to_have_text(["It left at ten past."])
    statuses = dict(Comment.objects.values_list("body", "status"))
    assert statuses["Still waiting for approval."] == Comment.Status.PENDING
    assert statuses["Buy cheap watches."] == Comment.Status.SPAM
    assert statuses["Binned remark."] == Comment.Status.REMOVED
    assert "Harbour blog" not in " ".join(statuses)
    page.locator(".article-body picture").first.scroll_into_view_if_needed()
    screenshot(page, "wordpress-imported-article")

    # The other story, by the other person, in its own section.
    other = Article.objects.get(slug="storm-warning")
    page.goto(other.get_absolute_url())
    expect(page.locator(".byline-line")).to_contain_text("Ivar Lund")
    expect(page.locator(".kicker")).to_have_text("Weather")

    # Old addresses answer 301 to the new ones; the draft's picture answers 404.
    request = page.request
    for old, new in [
        ("/2024/03/01/boats-return/", story.get_absolute_url()),
        ("/boats-return/", story.get_absolute_url()),
        ("/?p=30", story.get_absolute_url()),
        ("/category/harbour/", "/section/harbour/"),
        ("/tag/ferries/", "/tag/ferries/"),
        ("/author/edda/", "/author/edda-ness/"),
        ("/feed/", "/rss.xml"),
    ]:
        if old == new:
            continue
        response = request.get(old, max_redirects=0)
        assert response.status == 301, old
        assert response.headers["location"] == new, old
    ferry_old = request.get("/wp-content/uploads/2024/03/ferry.jpg", max_redirects=0)
    assert ferry_old.status == 301
    assert request.get(ferry_old.headers["location"]).status == 200
    assert request.get("/wp-content/uploads/2024/03/net.jpg", max_redirects=0).status == 404

    # A second run changes nothing.
    before = site_state()
    out = imported()
    assert "articles unchanged: 3" in out and "created" not in out
    after = site_state()
    assert after == before


@pytest.mark.usefixtures("editor_login")
def test_an_imported_story_edited_in_the_admin_keeps_its_pictures(
    page, live_server, imported, screenshot
):
    """The body editor shows the library pictures of an imported story, and a save from it
    keeps them: in the text, in the library's uses, and for readers."""
    imported()
    story = Article.objects.get(slug="boats-return")
    used = set(BodyImage.objects.filter(article=story).values_list("image_id", flat=True))
    page.set_viewport_size(DESKTOP)
    log_in(page)
    page.goto(reverse("admin:articles_article_change", args=[story.pk]))
    pictures = page.locator(".prose-editor .ProseMirror img")
    all_loaded(pictures, 2)
    screenshot(page, "wordpress-imported-article-editor")
    page.get_by_label("Standfirst").fill("The fleet is back after a long winter.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    story.refresh_from_db()
    assert story.standfirst == "The fleet is back after a long winter."
    assert story.body.count("data-image=") == 2
    assert set(BodyImage.objects.filter(article=story).values_list("image_id", flat=True)) == used

    reader = page.context.browser.new_page(viewport=DESKTOP)
    reader.goto(live_server.url + story.get_absolute_url())
    expect(reader.locator(".article-body picture.body-picture img")).to_have_count(2)
    reader.close()
