"""The media library in a real browser: the focal point set by a click moves the crops, and
a draft's picture is not served to an anonymous reader."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from newsroom.media.models import Image
from tests.factories import UserFactory
from tests.media.factories import ImageFactory, spot_picture
from tests.media.test_renditions import brightest_point

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "correct-horse-battery"

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


@pytest.fixture
def desk(page, roles):
    """An editor logged in to the admin, with the page watched for policy violations."""
    editor = UserFactory(username="picturedesk", first_name="Noor", is_staff=True)
    editor.groups.add(roles["Editor"])
    page.add_init_script(WATCH)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("admin:login"))
    page.fill("#id_username", "picturedesk")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_be_visible()
    page.editor = editor
    return page


def violations(page):
    return page.evaluate("window.__violations || []")


def square_crop(page):
    image = page.locator(".media-crop-square img")
    expect(image).to_be_visible()
    return image.get_attribute("src")


def outline(page, kind):
    rect = page.locator(f"rect[data-kind='{kind}']")
    return tuple(int(rect.get_attribute(a)) for a in ("x", "y", "width", "height"))


def test_clicking_the_focal_point_moves_the_crops(desk, screenshot):
    """The editor clicks the bright spot near the right edge: the marker and outlines follow
    the click, and after saving the square crop is made again around the spot."""
    page = desk
    image = ImageFactory(
        uploaded_by=page.editor,
        alt_text="Lighthouse on the headland",
        file=spot_picture(size=(1600, 1200), spot=(0.94, 0.15)),
    )
    page.goto(reverse("admin:media_image_change", args=[image.pk]))
    before_src = square_crop(page)
    assert outline(page, "square") == (200, 0, 1200, 1200)
    name = before_src.split("/file/", 1)[1]
    with pytest.raises(AssertionError, match="bright spot is not in"):
        brightest_point(name)

    picture = page.locator("#focal-picture")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.94, "y": box["height"] * 0.15})
    assert abs(float(page.locator("#id_focal_x").input_value()) - 0.94) < 0.01
    assert abs(float(page.locator("#id_focal_y").input_value()) - 0.15) < 0.01
    # The outline moves before saving: the square is now against the right edge.
    assert outline(page, "square") == (400, 0, 1200, 1200)
    marker = page.locator("#focal-marker")
    assert abs(int(marker.get_attribute("cx")) - 1504) <= 16
    screenshot(page, "media-focal-point-clicked")

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    after_src = square_crop(page)
    assert after_src != before_src
    x, y = brightest_point(after_src.split("/file/", 1)[1])
    assert x > 0.8 and y < 0.3
    # The crops on the page are the new files, and the browser shows them.
    assert page.locator(".media-crop-square img").evaluate("img => img.naturalWidth") > 0
    stored = Image.objects.get(pk=image.pk)
    assert abs(stored.focal_x - 0.94) < 0.01 and abs(stored.focal_y - 0.15) < 0.01
    assert violations(page) == []
    screenshot(page, "media-focal-point-saved")


def test_a_draft_picture_is_not_served_to_an_anonymous_reader(desk, browser, live_server):
    """Staff see the picture through the staff view; a reader without a login gets 403
    there, and 404 at the public address the name would have."""
    page = desk
    image = ImageFactory(uploaded_by=page.editor, alt_text="A draft's picture")
    page.goto(reverse("admin:media_image_change", args=[image.pk]))
    src = square_crop(page)
    staff = page.request.get(live_server.url + src)
    assert staff.status == 200 and staff.headers["content-type"] == "image/jpeg"

    reader = browser.new_context()
    try:
        anonymous = reader.new_page()
        assert anonymous.goto(live_server.url + src).status == 403
        public = "/media/" + src.split("/file/", 1)[1]
        assert anonymous.goto(live_server.url + public).status == 404
    finally:
        reader.close()


def test_the_library_list_and_upload_page(desk, screenshot):
    page = desk
    for n, (spot, alt) in enumerate(
        [
            ((0.2, 0.3), "Fishing boats at low tide"),
            ((0.7, 0.6), "The council chamber during the vote"),
            ((0.5, 0.5), ""),
            ((0.85, 0.2), "Runners on the coast road"),
        ]
    ):
        ImageFactory(
            uploaded_by=page.editor,
            alt_text=alt,
            caption="",
            file=spot_picture(size=(1600 + 100 * n, 1000), spot=spot, name=f"photo-{n}.jpg"),
        )
    page.goto(reverse("admin:media_image_changelist"))
    expect(page.locator("img.media-thumb")).to_have_count(4)
    for thumb in page.locator("img.media-thumb").all():
        assert thumb.evaluate("img => img.decode().then(() => img.naturalWidth)") == 160
    expect(page.get_by_text("No alt text yet")).to_be_visible()
    assert violations(page) == []
    screenshot(page, "media-library-list")

    page.get_by_role("link", name="Upload pictures").click()
    page.set_input_files(
        "#id_files",
        [
            {"name": "notes.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"},
        ],
    )
    page.fill("#id_caption", "Kept after the error")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".errorlist")).to_contain_text("notes.jpg: This file is not a JPEG")
    expect(page.locator("#id_caption")).to_have_value("Kept after the error")
    assert violations(page) == []
    screenshot(page, "media-upload-error")
