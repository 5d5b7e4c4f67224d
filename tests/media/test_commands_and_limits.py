"""The hero size limit, and the commands that catch up on renditions and publicity."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command

from newsroom.media import usage
from newsroom.media.models import Image
from newsroom.media.validators import check_hero_size
from tests.media.factories import ImageFactory, spot_picture

pytestmark = pytest.mark.django_db


def test_a_hero_below_the_minimum_width_is_refused_naming_both_sizes(settings):
    image = ImageFactory(file=spot_picture(size=(800, 600)))
    with pytest.raises(ValidationError) as refused:
        check_hero_size(image)
    assert refused.value.messages == ["This picture is 800 px wide; a hero needs at least 1200 px."]
    assert refused.value.code == "hero_too_narrow"
    settings.MEDIA_MIN_HERO_WIDTH = 640
    check_hero_size(image)
    settings.MEDIA_MIN_HERO_HEIGHT = 720
    with pytest.raises(ValidationError, match="600 px high; a hero needs at least 720 px"):
        check_hero_size(image)


def test_a_wide_enough_hero_passes():
    check_hero_size(ImageFactory(file=spot_picture(size=(1200, 675))))


def test_make_image_renditions_catches_up_on_images_without_any():
    """A queue that was down leaves images without renditions; the command makes them."""
    image = ImageFactory()  # the task waits for a commit that never comes in this test
    assert Image.objects.get(pk=image.pk).renditions == {}
    call_command("make_image_renditions", stdout=io.StringIO())
    made = Image.objects.get(pk=image.pk).renditions
    assert set(made) == {"hero", "teaser", "square", "social", "body"}


def test_sync_image_publicity_command(uses, committed, capsys):
    image = ImageFactory()
    uses.register(
        usage.Use(
            name="tests.everything",
            label="Everything",
            references=lambda ids: [],
            publishing=lambda ids: list(ids),
        )
    )
    with committed():
        call_command("sync_image_publicity")
    assert "1 image(s) changed." in capsys.readouterr().out
    assert Image.objects.get(pk=image.pk).is_public
