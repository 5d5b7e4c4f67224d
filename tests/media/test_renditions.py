"""Renditions of a library image: cropped around the focal point, made after the save,
rebuilt when the focal point moves, and a fallback while a kind is missing."""

import pytest
from django.core.files.storage import default_storage, storages
from PIL import Image as PILImage

from newsroom import images
from newsroom.media import renditions
from newsroom.media.models import Image
from tests.media.factories import ImageFactory, spot_picture

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("size", "ratio", "focal", "box"),
    [
        # Wider than the ratio: full height, centred on the focal point.
        ((1600, 900), 1.0, (0.5, 0.5), (350, 0, 1250, 900)),
        ((1600, 900), 1.0, (0.6, 0.2), (510, 0, 1410, 900)),
        # Pushed back inside at the edges.
        ((1600, 900), 1.0, (1.0, 0.5), (700, 0, 1600, 900)),
        ((1600, 900), 1.0, (0.0, 0.5), (0, 0, 900, 900)),
        # Taller than the ratio: full width.
        ((900, 1600), 16 / 9, (0.5, 0.0), (0, 0, 900, 506)),
        ((900, 1600), 16 / 9, (0.5, 1.0), (0, 1094, 900, 1600)),
        ((900, 1600), 16 / 9, (0.5, 0.5), (0, 547, 900, 1053)),
        # Already the right shape: the whole picture whatever the focal point.
        ((1600, 900), 16 / 9, (0.9, 0.9), (0, 0, 1600, 900)),
    ],
)
def test_focal_crop_box(size, ratio, focal, box):
    """The crop keeps as much as the ratio allows, centred on the focal point, inside."""
    assert images.focal_crop_box(*size, ratio, *focal) == box


def brightest_point(name, storage=None):
    """Where the bright square is in a stored rendition, as fractions of its size."""
    with (storage or storages["private_media"]).open(name, "rb") as file:
        picture = PILImage.open(file).convert("L")
        picture.load()
    bright = [
        (x, y)
        for y in range(picture.height)
        for x in range(picture.width)
        if picture.getpixel((x, y)) > 200
    ]
    assert bright, f"the bright spot is not in {name}"
    xs, ys = zip(*bright, strict=True)
    return (sum(xs) / len(xs) / picture.width, sum(ys) / len(ys) / picture.height)


def smallest(image, kind, fmt="JPEG"):
    return image.renditions[kind][fmt][0]["name"]


def test_each_kind_is_made_at_its_sizes_after_the_save(committed):
    """Hero 16:9, teaser 3:2, square 1:1 and social 1200x628, WebP and the fallback, made
    once the save commits."""
    with committed():
        image = ImageFactory(file=spot_picture(size=(2000, 1500)))
    image.refresh_from_db()
    sizes = {
        kind: {fmt: [(e["width"], e["height"]) for e in entries] for fmt, entries in sets.items()}
        for kind, sets in image.renditions.items()
    }
    assert sizes["hero"]["JPEG"] == [(480, 270), (960, 540), (1600, 900)]
    assert sizes["teaser"]["WEBP"] == [(320, 213), (640, 427)]
    assert sizes["square"]["JPEG"] == [(160, 160), (320, 320), (640, 640)]
    assert sizes["social"]["JPEG"] == [(1200, 628)]
    for name in images.rendition_names(image.renditions):
        assert storages["private_media"].exists(name)
        assert not default_storage.exists(name)


def test_a_small_picture_is_never_upscaled(committed):
    with committed():
        image = ImageFactory(file=spot_picture(size=(400, 300)))
    image.refresh_from_db()
    assert [e["width"] for e in image.renditions["hero"]["JPEG"]] == [400]
    assert image.renditions["social"]["JPEG"][0]["width"] == 400
    assert image.renditions["square"]["JPEG"][-1]["width"] == 300


def test_the_body_kind_keeps_the_whole_picture_at_limited_widths(committed):
    """A picture inside an article's text is never cropped, and never wider than 1440 px."""
    with committed():
        wide = ImageFactory(file=spot_picture(size=(1600, 1200), spot=(0.95, 0.12)))
        narrow = ImageFactory(file=spot_picture(size=(300, 500)))
    wide.refresh_from_db()
    narrow.refresh_from_db()
    assert [(e["width"], e["height"]) for e in wide.renditions["body"]["JPEG"]] == [
        (480, 360),
        (960, 720),
        (1440, 1080),
    ]
    # Uncropped: the spot near the top right corner is still there.
    x, y = brightest_point(smallest(wide, "body"))
    assert x > 0.85 and y < 0.25
    assert [(e["width"], e["height"]) for e in narrow.renditions["body"]["WEBP"]] == [(300, 500)]


def test_the_bright_spot_is_inside_every_crop_after_moving_the_focal_point(committed):
    """A spot near the top right is cut off by centred crops; with the focal point on it,
    every kind shows it."""
    with committed():
        image = ImageFactory(file=spot_picture(size=(1600, 1200), spot=(0.95, 0.12)))
    image.refresh_from_db()
    centred = smallest(image, "square")
    with pytest.raises(AssertionError, match="bright spot is not in"):
        brightest_point(centred)
    old_names = images.rendition_names(image.renditions)

    image.focal_x, image.focal_y = 0.95, 0.12
    with committed():
        image.save()
    image.refresh_from_db()
    for kind in images.KINDS:
        x, y = brightest_point(smallest(image, kind))
        assert 0 <= x <= 1 and 0 <= y <= 1
    # A square crop of a 4:3 picture spans the full height: the spot sits at its top.
    assert brightest_point(smallest(image, "square"))[1] < 0.2
    # New crops, new names; the old files are gone. The whole picture (the body kind) does
    # not move with the focal point, and keeps its files.
    new_names = images.rendition_names(image.renditions)
    kept = {n for n in old_names if "-hero-" in n or "-body-" in n}
    assert not (old_names & new_names - kept)
    assert {n for n in old_names if "-body-" in n} <= new_names
    assert not storages["private_media"].exists(centred)


def test_an_unchanged_save_makes_no_new_renditions(committed):
    with committed():
        image = ImageFactory()
    image.refresh_from_db()
    before = image.renditions
    image.caption = "A new caption"
    with committed() as callbacks:
        image.save()
    assert callbacks == []
    image.refresh_from_db()
    assert image.renditions == before


def test_renditions_of_a_stale_state_are_thrown_away(committed):
    """A task that finds the focal point moved since it was enqueued leaves no files."""
    with committed():
        image = ImageFactory()
    image.refresh_from_db()
    made = images.make_kind_renditions(
        storages["private_media"], image.file.name, focal=(0.1, 0.1), prefix="library/x/1"
    )
    with committed():
        assert not renditions.install(image.pk, (image.file.name, 0.1, 0.1), made)
    for name in images.rendition_names(made):
        assert not storages["private_media"].exists(name)


def test_picture_is_none_on_a_public_page_while_the_image_is_private(committed):
    with committed():
        image = ImageFactory()
    image.refresh_from_db()
    assert image.picture("hero") is None
    assert image.picture_url("social") == ""
    staff = image.picture("hero", private=True)
    assert staff.src.startswith("/admin/media/image/file/library/renditions/")
    assert "-hero-960-" in staff.src


def test_a_missing_kind_falls_back_to_the_closest_shape_that_exists(committed):
    """A page is never missing a picture: the largest rendition of the nearest shape, with
    the focal point for object-position, and never a file that does not exist."""
    with committed():
        image = ImageFactory(focal_x=0.25, focal_y=0.75)
    image.refresh_from_db()
    Image.objects.filter(pk=image.pk).update(is_public=True)
    image.refresh_from_db()
    made = image.renditions
    image.renditions = {"square": made["square"], "social": made["social"]}
    hero = image.picture("hero")
    assert "-social-1200-" in hero.largest_url
    assert hero.position == "25% 75%"
    assert hero.position_class == "focal-2-8" or hero.position_class == "focal-3-8"
    image.renditions = {"square": made["square"]}
    assert "-square-" in image.picture("hero").largest_url
    image.renditions = {}
    assert image.picture("hero") is None
    with pytest.raises(ValueError, match="No rendition kind"):
        image.picture("banner")


def test_social_card_url_is_the_fallback_format_at_1200(committed):
    with committed():
        image = ImageFactory(file=spot_picture(size=(2400, 1600), fmt="PNG", name="x.png"))
    Image.objects.filter(pk=image.pk).update(is_public=True)
    image.refresh_from_db()
    url = image.picture_url("social", 1200)
    assert url.endswith(".png") and "-social-1200-" in url
    assert url.startswith("/media/library/renditions/")


def test_the_original_is_stored_privately_and_re_encoded(committed):
    with committed():
        image = ImageFactory(file=spot_picture(name="Market day.jpg"))
    assert image.original_name == "Market day.jpg"
    assert image.file.name.startswith("library/originals/")
    assert storages["private_media"].exists(image.file.name)
    assert not default_storage.exists(image.file.name)
    assert (image.width, image.height) == (1600, 900)
    with pytest.raises(ValueError, match="no public address"):
        _ = image.file.url
