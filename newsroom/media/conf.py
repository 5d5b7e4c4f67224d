"""The media library's settings, each with its default: a project sets only what differs.

They are read when used, so a deployment's settings and a test's overrides always win.
"""

from django.conf import settings


def min_hero_width() -> int:
    """The narrowest picture accepted as an article's hero, in pixels."""
    return getattr(settings, "MEDIA_MIN_HERO_WIDTH", 1200)


def min_hero_height() -> int:
    """The lowest picture accepted as an article's hero, in pixels (0: no limit)."""
    return getattr(settings, "MEDIA_MIN_HERO_HEIGHT", 0)


def images_per_page() -> int:
    """Pictures on each page of the library in the admin."""
    return getattr(settings, "MEDIA_IMAGES_PER_PAGE", 60)
