"""Checks other apps apply to a library image when they use it."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import conf


def check_hero_size(image) -> None:
    """Refuse a picture too small to be an article's hero, naming both sizes.

    ``image`` is an Image (or anything with ``width`` and ``height``). The limits are the
    MEDIA_MIN_HERO_WIDTH and MEDIA_MIN_HERO_HEIGHT settings.
    """
    min_width, min_height = conf.min_hero_width(), conf.min_hero_height()
    if image.width < min_width:
        raise ValidationError(
            _("This picture is %(width)s px wide; a hero needs at least %(min)s px.")
            % {"width": image.width, "min": min_width},
            code="hero_too_narrow",
        )
    if min_height and image.height < min_height:
        raise ValidationError(
            _("This picture is %(height)s px high; a hero needs at least %(min)s px.")
            % {"height": image.height, "min": min_height},
            code="hero_too_low",
        )
