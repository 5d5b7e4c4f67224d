"""An image is public only while a use shows it on a public page: its renditions get public
addresses then, and lose them (404) when it stops being shown, is replaced or deleted."""

import pytest
from django.core.files.storage import default_storage, storages

from newsroom import images
from newsroom.media import publicity, usage
from newsroom.media.models import Image
from newsroom.pagecache.models import Invalidation
from tests.media.factories import ImageFactory, spot_picture

pytestmark = pytest.mark.django_db


class Shelf:
    """A fake use: the images an imaginary page shows, and whether the page is live."""

    def __init__(self):
        self.shown, self.live = set(), True

    def use(self):
        return usage.Use(
            name="tests.shelf",
            label="Shown on the shelf",
            references=lambda ids: [
                usage.Reference(image_id=pk, use="tests.shelf", label="Shelf", title=f"Slot {pk}")
                for pk in ids
                if pk in self.shown
            ],
            publishing=lambda ids: [pk for pk in ids if pk in self.shown and self.live],
            pages=lambda ids: [f"shelf:{pk}" for pk in ids if pk in self.shown],
        )


@pytest.fixture
def shelf(uses):
    shelf = Shelf()
    uses.register(shelf.use())
    return shelf


@pytest.fixture
def image(committed):
    with committed():
        made = ImageFactory()
    made.refresh_from_db()
    return made


def public_url(image, kind="hero"):
    return image.picture(kind).src


def test_sync_makes_a_shown_image_public_and_a_hidden_one_private(
    client, admin_client, image, shelf, committed
):
    """Anonymous GET of the public URL: 200 once shown, 404 once the page is unpublished;
    the private URL answers staff only, throughout."""
    private_src = image.picture("hero", private=True).src
    assert client.get(private_src).status_code == 403
    assert admin_client.get(private_src).status_code == 200

    shelf.shown.add(image.pk)
    with committed():
        assert publicity.sync([image.pk]) == [image.pk]
    image.refresh_from_db()
    assert image.is_public
    url = public_url(image)
    assert url.startswith("/media/library/renditions/")
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    for name in images.rendition_names(image.renditions):
        assert default_storage.exists(name)
    assert Invalidation.objects.filter(names__contains=f"shelf:{image.pk}").exists()

    shelf.live = False
    with committed():
        assert publicity.sync([image.pk]) == [image.pk]
    image.refresh_from_db()
    assert not image.is_public
    assert image.picture("hero") is None
    assert client.get(url).status_code == 404
    for name in images.rendition_names(image.renditions):
        assert not default_storage.exists(name)
        assert storages["private_media"].exists(name)
    assert admin_client.get(private_src).status_code == 200


def test_sync_is_idempotent_and_ignores_unknown_ids(image, shelf, committed):
    with committed():
        assert publicity.sync([image.pk, 987654, None]) == []
    shelf.shown.add(image.pk)
    with committed():
        assert publicity.sync([image.pk]) == [image.pk]
        assert publicity.sync([image.pk]) == []


def test_a_public_image_with_a_new_focal_point_swaps_its_public_files(
    client, image, shelf, committed
):
    """New crops get new public names; the old addresses answer 404."""
    shelf.shown.add(image.pk)
    with committed():
        publicity.sync([image.pk])
    image.refresh_from_db()
    old_url = public_url(image, "square")
    image.focal_x = 0.9
    with committed():
        image.save()
    image.refresh_from_db()
    new_url = public_url(image, "square")
    assert new_url != old_url
    assert client.get(new_url).status_code == 200
    assert client.get(old_url).status_code == 404


def test_a_replaced_picture_loses_its_old_files(client, image, shelf, committed):
    shelf.shown.add(image.pk)
    with committed():
        publicity.sync([image.pk])
    image.refresh_from_db()
    old_url, old_original = public_url(image), image.file.name
    image.file = spot_picture(size=(1800, 1200), name="another.png", fmt="PNG")
    with committed():
        image.save()
    image.refresh_from_db()
    assert image.file.name != old_original
    assert not storages["private_media"].exists(old_original)
    assert client.get(old_url).status_code == 404
    assert client.get(public_url(image)).status_code == 200
    assert (image.width, image.height) == (1800, 1200)


def test_deleting_an_image_removes_every_file(client, image, shelf, committed):
    shelf.shown.add(image.pk)
    with committed():
        publicity.sync([image.pk])
    image.refresh_from_db()
    url = public_url(image)
    names = images.rendition_names(image.renditions) | {image.file.name}
    with committed():
        image.delete()
    assert client.get(url).status_code == 404
    for name in names:
        assert not default_storage.exists(name)
        assert not storages["private_media"].exists(name)


def test_sync_all_follows_the_schedule(image, shelf, committed):
    """The command's sync finds what time changed (a story going live at its hour)."""
    shelf.shown.add(image.pk)
    with committed():
        assert publicity.sync_all(batch_size=1) == 1
    assert Image.objects.get(pk=image.pk).is_public


def test_the_private_folder_is_outside_what_the_public_address_serves(client, image):
    """No public address reaches an original or a private rendition, even by guessing."""
    for name in [image.file.name, *images.rendition_names(image.renditions)]:
        assert client.get(f"/media/{name}").status_code == 404
        assert client.get(f"/media/../private-media/{name}").status_code in (400, 404)
