"""The article body's rich-text editor in a real browser, and what readers then see."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.urls import reverse
from playwright.sync_api import expect

from articles.models import Article, Correction
from tests.factories import CorrectionFactory, UserFactory, image_bytes

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"

# One of everything the editor offers; each must survive the editor and the sanitizer.
FULL_BODY = """
<p>Councillors voted by 31 to 14 to approve the plan. Read <a href="https://example.com/plan">the
full plan</a> or <a href="mailto:desk@example.com">write to the desk</a>.</p>
<h2>What happens next</h2>
<p>Work on the sea wall starts in <strong>spring</strong>, the council says.</p>
<h3>The objections</h3>
<ul><li>Flood risk on the lower quays</li><li>Traffic on the coast road</li></ul>
<ol><li>Consultation</li><li>Vote</li></ol>
<blockquote class="pull-quote"><p>This is the biggest change to the waterfront in a
century.</p></blockquote>
<figure><img src="{image}" alt="The harbour wall at high tide"><figcaption>The harbour wall
at high tide.</figcaption></figure>
<blockquote class="social-post"><p>The harbour vote is in: 31 for, 14 against.</p>
<p>@harbourwatch, 14 March 2026</p></blockquote>
<hr>
<p>Opponents say they will ask for a judicial review.</p>
"""


@pytest.fixture
def logged_in(page, live_server, db):
    UserFactory(username="chief", is_staff=True, is_superuser=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "chief")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    return page


@pytest.fixture
def story(newsroom):
    name = default_storage.save("library/harbour-wall.jpg", _jpeg())
    article = newsroom.lead
    article.body = FULL_BODY.format(image=default_storage.url(name))
    article.save()
    return article


def _jpeg():
    return ContentFile(image_bytes(size=(800, 450), color=(60, 90, 120)))


def test_admin_body_editor_loads_and_keeps_every_feature(logged_in, story, screenshot):
    """The editor shows its toolbar, and saving through it keeps headings, lists, links,
    quotes, the embedded post and images from the media library."""
    page = logged_in
    page.goto(reverse("admin:articles_article_change", args=[story.pk]))
    editor = page.locator(".prose-editor")
    expect(editor.locator(".prose-menubar")).to_be_visible()
    expect(editor.locator(".tiptap.ProseMirror")).to_be_visible()
    expect(editor.locator(".tiptap h2")).to_have_text("What happens next")
    expect(editor.locator(".tiptap blockquote.social-post")).to_be_visible()
    expect(editor.locator(".tiptap figure img")).to_be_visible()
    # The editing area as an editor first sees it: the top of the form, toolbar and text.
    page.locator(".tiptap p", has_text="judicial review").click()
    page.keyboard.press("End")
    page.keyboard.type(" Updated with the vote count.")
    editor.scroll_into_view_if_needed()
    page.evaluate("window.scrollTo(0, 0)")
    path = screenshot(page, "admin-editor")
    # The editor as it first appears, rather than the whole long form.
    page.screenshot(path=path, animations="disabled")

    page.click("input[name=_continue]")
    expect(page.locator(".messagelist .success")).to_be_visible()
    body = Article.objects.get(pk=story.pk).body
    for kept in [
        "<h2>What happens next</h2>",
        "<h3>The objections</h3>",
        "<ul><li><p>Flood risk",
        "<ol><li><p>Consultation",
        '<a href="https://example.com/plan" rel="noopener">the',
        '<a href="mailto:desk@example.com" rel="noopener">write to the desk</a>',
        '<blockquote class="pull-quote">',
        '<blockquote class="social-post">',
        '<img src="/media/library/harbour-wall',
        'alt="The harbour wall at high tide"',
        "<figcaption>",
        "<hr>",
        "<strong>spring</strong>",
        "Updated with the vote count.",
    ]:
        assert kept in body, (kept, body)


def test_article_page_shows_a_correction_box(page, newsroom, screenshot):
    story = newsroom.lead
    CorrectionFactory(
        article=story,
        kind=Correction.Kind.CORRECTION,
        text="An earlier version of this story said 21 councillors voted against the plan. "
        "It was 14.",
    )
    CorrectionFactory(
        article=story,
        kind=Correction.Kind.UPDATE,
        text="This story has been updated with the council leader's comments.",
    )
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(story.get_absolute_url())
    box = page.locator("aside.corrections")
    expect(box).to_be_visible()
    expect(box.locator("time")).to_have_count(2)
    expect(box).to_contain_text("Correction")
    expect(box).to_contain_text("It was 14.")
    box.scroll_into_view_if_needed()
    screenshot(page, "article-correction")
