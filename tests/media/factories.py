"""Library images for tests: real pictures, stored and rendered as an upload would be."""

import io

import factory
from django.core.files.base import ContentFile
from PIL import Image as PILImage

from newsroom.media.models import Image


def spot_picture(size=(1600, 900), spot=(0.85, 0.2), fmt="JPEG", name="spot.jpg"):
    """A dark picture with one bright square (a tenth of the short side) around ``spot``."""
    width, height = size
    picture = PILImage.new("RGB", size, (20, 30, 40))
    side = max(2, min(size) // 10)
    left = round(spot[0] * width - side / 2)
    top = round(spot[1] * height - side / 2)
    picture.paste((250, 250, 250), (left, top, left + side, top + side))
    buffer = io.BytesIO()
    picture.save(buffer, fmt)
    return ContentFile(buffer.getvalue(), name=name)


class ImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Image

    file = factory.LazyFunction(lambda: spot_picture())
    alt_text = factory.Sequence(lambda n: f"A street market at dawn, picture {n}")
    caption = "Stallholders set up before the city wakes."
    credit = "Staff photographer"
